package io.modelmonitor.onnx;

import java.time.Duration;
import java.util.Objects;

/**
 * What loading an ONNX model cost, measured once when the session was opened.
 *
 * <p>The memory figures come from the process's resident set size ({@code VmRSS} in
 * {@code /proc/self/status}) just before and just after ONNX Runtime created the session, so
 * the footprint is an estimate: anything else the process allocated meanwhile counts too, and
 * memory the allocator reuses does not. Where the resident set size cannot be read (not Linux)
 * the three figures are -1.
 *
 * @param loadTime time ONNX Runtime took to create the session (parse, optimise, allocate)
 * @param sizeBytes size of the model as loaded, in bytes; -1 if its file's size cannot be read
 *     (exported as NaN)
 * @param intraOpThreads threads configured for work within an operator; 0 = ONNX Runtime's
 *     default
 * @param interOpThreads threads configured for running operators in parallel; 0 = ONNX
 *     Runtime's default
 * @param residentBytesBefore resident set size before loading, in bytes; -1 if unknown
 * @param residentBytesAfter resident set size after loading, in bytes; -1 if unknown
 */
public record OnnxResources(Duration loadTime, long sizeBytes, int intraOpThreads,
    int interOpThreads, long residentBytesBefore, long residentBytesAfter) {

  /**
   * Creates the record after validating its components.
   *
   * @param loadTime see {@link #loadTime()}
   * @param sizeBytes see {@link #sizeBytes()}
   * @param intraOpThreads see {@link #intraOpThreads()}
   * @param interOpThreads see {@link #interOpThreads()}
   * @param residentBytesBefore see {@link #residentBytesBefore()}
   * @param residentBytesAfter see {@link #residentBytesAfter()}
   */
  public OnnxResources {
    Objects.requireNonNull(loadTime, "loadTime");
  }

  /**
   * Returns the estimated native footprint of the model: how much the resident set grew while
   * it was loaded (may be negative when the process released memory meanwhile).
   *
   * @return bytes, or -1 when the resident set size is unknown
   */
  public long footprintBytes() {
    return residentBytesBefore < 0 || residentBytesAfter < 0 ? -1
        : residentBytesAfter - residentBytesBefore;
  }
}
