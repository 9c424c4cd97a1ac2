package io.modelmonitor.onnx;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads {@code producer_version} (field 3 of the ONNX {@code ModelProto}), which ONNX Runtime's
 * metadata API does not expose, by scanning the top-level protobuf fields of the model and
 * skipping every other one (the graph, often most of the file, is skipped without being read).
 */
final class OnnxModelHeader {

  private static final int PRODUCER_VERSION = 3;
  private static final int MAX_STRING = 4096;

  private OnnxModelHeader() {}

  /** The producer version, or "" when the model has none or cannot be scanned. */
  static String producerVersion(InputStream in) {
    try {
      while (true) {
        long key = varint(in, true);
        if (key < 0) {
          return "";
        }
        int field = (int) (key >>> 3);
        int wire = (int) (key & 7);
        switch (wire) {
          case 0:
            varint(in, false);
            break;
          case 1:
            skip(in, 8);
            break;
          case 2: {
            long length = varint(in, false);
            if (field == PRODUCER_VERSION && length <= MAX_STRING) {
              return new String(in.readNBytes((int) length), StandardCharsets.UTF_8);
            }
            skip(in, length);
            break;
          }
          case 5:
            skip(in, 4);
            break;
          default:
            return ""; // groups or garbage: not a model this scanner understands
        }
      }
    } catch (IOException e) {
      return "";
    }
  }

  /** A varint, or -1 at a clean end of the stream when {@code eofAllowed}. */
  private static long varint(InputStream in, boolean eofAllowed) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.read();
      if (b < 0) {
        if (eofAllowed && shift == 0) {
          return -1;
        }
        throw new EOFException();
      }
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("varint too long");
  }

  private static void skip(InputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException();
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }
}
