package io.modelmonitor.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.LinkedHashMap;
import java.util.Map;

/** The reference: a plain ONNX Runtime session, without this module, on the same tensors. */
final class PlainOrt {

  static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  private PlainOrt() {}

  /** Runs {@code file} on {@code inputs} (closed afterwards) and returns every output's value. */
  static Map<String, Object> run(String file, Map<String, OnnxTensor> inputs)
      throws OrtException {
    try (OrtSession session = ENV.createSession(MonitoredOnnxSessionTest.model(file).toString());
        OrtSession.Result result = session.run(inputs)) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, OnnxValue> e : result) {
        out.put(e.getKey(), e.getValue().getValue());
      }
      return out;
    } finally {
      for (OnnxTensor t : inputs.values()) {
        t.close();
      }
    }
  }

  static OnnxTensor floats(float[][] rows) throws OrtException {
    return OnnxTensor.createTensor(ENV, rows);
  }
}
