package io.modelmonitor.onnx;

import static io.modelmonitor.onnx.MonitoredOnnxSessionTest.model;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The protobuf scan for producer_version: found, absent, or given up on without throwing. */
class OnnxModelHeaderTest {

  private static String scan(byte[] bytes) {
    return OnnxModelHeader.producerVersion(new ByteArrayInputStream(bytes));
  }

  @Test
  void producerVersion_generatedModels_asWrittenByTheGenerator() throws Exception {
    // generate_metadata.py sets producer_version 1.2.3; generate.py sets none
    assertThat(scan(Files.readAllBytes(model("ctr_logreg_meta.onnx")))).isEqualTo("1.2.3");
    assertThat(scan(Files.readAllBytes(model("ctr_logreg.onnx")))).isEmpty();
  }

  @Test
  void producerVersion_truncatedOrRandomBytes_emptyAndNoException() throws Exception {
    byte[] model = Files.readAllBytes(model("ctr_logreg_meta.onnx"));
    for (int length = 0; length < 40; length++) {
      String v = scan(Arrays.copyOf(model, length));
      assertThat(v).isIn("", "1.2.3");
    }
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 1_000; i++) {
      byte[] junk = new byte[r.nextInt(1, 200)];
      for (int j = 0; j < junk.length; j++) {
        junk[j] = (byte) r.nextInt(256);
      }
      assertThat(scan(junk).length()).isLessThanOrEqualTo(4096);
    }
  }
}
