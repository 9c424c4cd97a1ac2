package io.modelmonitor.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which outputs of a model are read, and how: a score or probability output (float or double,
 * {@code [N]}, {@code [N, 1]}, {@code [N, 2]} binary probabilities or {@code [N, C]} class
 * probabilities) and an optional label output (int64 or string, {@code [N]} or {@code [N, 1]}).
 * Decided once, when the session opens; {@link #read} then turns a run's result into
 * {@link Rows}.
 */
final class OnnxOutputs {

  /** Names a converted classifier gives its label output (sklearn-onnx, tf2onnx). */
  private static final Set<String> LABEL_NAMES = Set.of("label", "output_label");

  /** Null when the model is read by its label alone. */
  final String scoreOutput;
  /** Values per row of the score output: 1 (a score), 2 (binary) or C > 2 (classes). */
  final int columns;
  private final OnnxJavaType scoreType;
  final boolean sigmoid;
  /** Null without a label output. */
  final String labelOutput;
  private final OnnxJavaType labelType;
  /** The outputs every run requests. */
  final Set<String> requested;

  private OnnxOutputs(String scoreOutput, int columns, OnnxJavaType scoreType, boolean sigmoid,
      String labelOutput, OnnxJavaType labelType) {
    this.scoreOutput = scoreOutput;
    this.columns = columns;
    this.scoreType = scoreType;
    this.sigmoid = sigmoid;
    this.labelOutput = labelOutput;
    this.labelType = labelType;
    Set<String> r = new LinkedHashSet<>();
    if (scoreOutput != null) {
      r.add(scoreOutput);
    }
    if (labelOutput != null) {
      r.add(labelOutput);
    }
    this.requested = Set.copyOf(r);
  }

  /** Whether the monitor records a class label rather than a score: C > 2 or label only. */
  boolean classifies() {
    return scoreOutput == null || columns > 2;
  }

  /**
   * Chooses the outputs.
   *
   * @param outputs the model's outputs, in model order
   * @param scoreName the output named by the user, or null for the first float tensor output
   * @param sigmoid whether to apply the logistic function to the score
   * @param labelName the label output named by the user, or null for an output named
   *     {@code label} or {@code output_label}, if any
   */
  static OnnxOutputs choose(Map<String, NodeInfo> outputs, String scoreName, boolean sigmoid,
      String labelName) {
    String score = scoreName;
    if (score == null) {
      for (NodeInfo node : outputs.values()) {
        if (node.getInfo() instanceof TensorInfo
            && isFloat(((TensorInfo) node.getInfo()).type)) {
          score = node.getName();
          break;
        }
      }
    }
    String label = labelName;
    if (label == null) {
      for (String name : outputs.keySet()) {
        if (LABEL_NAMES.contains(name) && outputs.get(name).getInfo() instanceof TensorInfo) {
          label = name;
          break;
        }
      }
    }
    if (score == null && label == null) {
      throw new IllegalArgumentException("the model has no float tensor output to read as a "
          + "score and no label output" + zipMapHint(outputs) + "; outputs: "
          + outputs.keySet());
    }
    int columns = 0;
    OnnxJavaType scoreType = null;
    if (score != null) {
      TensorInfo info = tensor(outputs, score, "score");
      if (!isFloat(info.type)) {
        throw new IllegalArgumentException("output '" + score + "' has element type "
            + info.type + "; the score output must be FLOAT or DOUBLE");
      }
      columns = rowWidth(score, info);
      scoreType = info.type;
      if (sigmoid && columns != 1) {
        throw new IllegalArgumentException("sigmoid() applies to a logit of one value per row "
            + "([N] or [N, 1]), but output '" + score + "' holds " + columns
            + " values per row" + (columns == 2 ? " (binary class probabilities: read them "
            + "without sigmoid(), or name a logit output with scoreOutput)" : ""));
      }
    } else if (sigmoid) {
      throw new IllegalArgumentException("sigmoid() needs a score output");
    }
    OnnxJavaType labelType = null;
    if (label != null) {
      TensorInfo info = tensor(outputs, label, "label");
      if (info.type != OnnxJavaType.INT64 && info.type != OnnxJavaType.STRING) {
        throw new IllegalArgumentException("output '" + label + "' has element type "
            + info.type + "; a label output must be INT64 or STRING");
      }
      if (rowWidth(label, info) != 1) {
        throw new IllegalArgumentException("label output '" + label + "' must hold one label "
            + "per row ([N] or [N, 1]): " + Arrays.toString(info.getShape()));
      }
      labelType = info.type;
    }
    return new OnnxOutputs(score, columns, scoreType, sigmoid, label, labelType);
  }

  private static boolean isFloat(OnnxJavaType type) {
    return type == OnnxJavaType.FLOAT || type == OnnxJavaType.DOUBLE;
  }

  private static TensorInfo tensor(Map<String, NodeInfo> outputs, String name, String role) {
    NodeInfo node = outputs.get(name);
    if (node == null) {
      throw new IllegalArgumentException("the model has no output '" + name + "' to read as the "
          + role + "; outputs: " + outputs.keySet());
    }
    if (node.getInfo() instanceof SequenceInfo
        && ((SequenceInfo) node.getInfo()).isSequenceOfMaps()) {
      throw new IllegalArgumentException("output '" + name + "' is a ZipMap (a sequence of "
          + "maps), which MonitoredOnnxSession does not read; export the classifier without "
          + "ZipMap (skl2onnx: options={'zipmap': False}) so the probabilities are a tensor, "
          + "or name a tensor output with scoreOutput(...) or labelOutput(...)");
    }
    if (!(node.getInfo() instanceof TensorInfo)) {
      throw new IllegalArgumentException("output '" + name + "' is not a tensor: "
          + node.getInfo());
    }
    return (TensorInfo) node.getInfo();
  }

  private static String zipMapHint(Map<String, NodeInfo> outputs) {
    for (NodeInfo node : outputs.values()) {
      if (node.getInfo() instanceof SequenceInfo
          && ((SequenceInfo) node.getInfo()).isSequenceOfMaps()) {
        return " (output '" + node.getName() + "' is a ZipMap, a sequence of maps, which is not"
            + " read: export without ZipMap, skl2onnx options={'zipmap': False}, or name the "
            + "label output with labelOutput(...))";
      }
    }
    return "";
  }

  /** Values per row: {@code [N]} 1, {@code [N, k]} k; the batch dimension must come first. */
  private static int rowWidth(String name, TensorInfo info) {
    long[] shape = info.getShape();
    if (shape.length == 0 || shape[0] > 1) {
      throw new IllegalArgumentException("output '" + name + "' has shape "
          + Arrays.toString(shape) + "; expected the batch dimension first");
    }
    if (shape.length == 1) {
      return 1;
    }
    if (shape.length > 2 || shape[1] < 1 || shape[1] > 10_000) {
      throw new IllegalArgumentException("output '" + name + "' has shape "
          + Arrays.toString(shape) + "; expected [N], [N, 1], [N, 2] or [N, C] with a static C");
    }
    return (int) shape[1];
  }

  /** What a run returned, per row. */
  static final class Rows {
    final int n;
    /** Values of the score output, {@code n * columns}, sigmoid applied; null without one. */
    final double[] values;
    final int columns;
    /** One label per row (Long or String); null without a label output. */
    final Object[] labels;

    Rows(int n, double[] values, int columns, Object[] labels) {
      this.n = n;
      this.values = values;
      this.columns = columns;
      this.labels = labels;
    }

    /** The rows of {@code parts} one after the other; each part has the same columns. */
    static Rows concat(Rows[] parts, int columns) {
      int n = 0;
      boolean hasValues = parts[0].values != null;
      boolean hasLabels = parts[0].labels != null;
      for (Rows part : parts) {
        n += part.n;
      }
      double[] values = hasValues ? new double[n * columns] : null;
      Object[] labels = hasLabels ? new Object[n] : null;
      int at = 0;
      for (Rows part : parts) {
        if (hasValues) {
          System.arraycopy(part.values, 0, values, at * columns, part.n * columns);
        }
        if (hasLabels) {
          System.arraycopy(part.labels, 0, labels, at, part.n);
        }
        at += part.n;
      }
      return new Rows(n, values, columns, labels);
    }

    /** The score of row {@code r}: its value, or its class-1 probability; NaN for C > 2. */
    double score(int r) {
      if (values == null || columns > 2) {
        return Double.NaN;
      }
      return values[r * columns + columns - 1];
    }

    /** The column of the highest probability of row {@code r}; -1 without probabilities. */
    int top(int r) {
      if (values == null) {
        return -1;
      }
      if (columns == 1) {
        return values[r] >= 0.5 ? 1 : 0;
      }
      int best = 0;
      for (int c = 1; c < columns; c++) {
        if (values[r * columns + c] > values[r * columns + best]) {
          best = c;
        }
      }
      return best;
    }

    /** The label of row {@code r}: the label output's, else the top column as a Long. */
    Object label(int r) {
      if (labels != null) {
        return labels[r];
      }
      return (long) top(r);
    }

    /** The class probabilities of row {@code r}; {@code [1 - p, p]} for a score. */
    double[] probabilities(int r) {
      if (values == null) {
        return new double[0];
      }
      if (columns == 1) {
        return new double[] {1 - values[r], values[r]};
      }
      return Arrays.copyOfRange(values, r * columns, (r + 1) * columns);
    }
  }

  /**
   * Reads the chosen outputs of {@code result} for {@code n} rows.
   *
   * @throws IllegalStateException if an output is absent or holds another number of values
   */
  Rows read(OrtSession.Result result, int n) throws OrtException {
    double[] values = null;
    if (scoreOutput != null) {
      OnnxTensor t = tensorOf(result, scoreOutput);
      values = new double[n * columns];
      if (scoreType == OnnxJavaType.FLOAT) {
        FloatBuffer b = t.getFloatBuffer();
        checkCount(scoreOutput, b.remaining(), values.length, n);
        for (int i = 0; i < values.length; i++) {
          values[i] = b.get(i);
        }
      } else {
        DoubleBuffer b = t.getDoubleBuffer();
        checkCount(scoreOutput, b.remaining(), values.length, n);
        b.get(values);
      }
      if (sigmoid) {
        for (int i = 0; i < values.length; i++) {
          values[i] = 1 / (1 + Math.exp(-values[i]));
        }
      }
    }
    Object[] labels = null;
    if (labelOutput != null) {
      OnnxTensor t = tensorOf(result, labelOutput);
      labels = new Object[n];
      if (labelType == OnnxJavaType.INT64) {
        LongBuffer b = t.getLongBuffer();
        checkCount(labelOutput, b.remaining(), n, n);
        for (int i = 0; i < n; i++) {
          labels[i] = b.get(i);
        }
      } else {
        Object v = t.getValue();
        Object[] flat = v instanceof String[][] ? flatten((String[][]) v) : (Object[]) v;
        checkCount(labelOutput, flat.length, n, n);
        System.arraycopy(flat, 0, labels, 0, n);
      }
    }
    return new Rows(n, values, columns, labels);
  }

  private static String[] flatten(String[][] rows) {
    String[] out = new String[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = rows[i].length == 1 ? rows[i][0] : null;
    }
    return out;
  }

  private static OnnxTensor tensorOf(OrtSession.Result result, String name) {
    OnnxValue value = result.get(name).orElseThrow(
        () -> new IllegalStateException("ONNX Runtime returned no '" + name + "'"));
    if (!(value instanceof OnnxTensor)) {
      throw new IllegalStateException("output '" + name + "' is not a tensor");
    }
    return (OnnxTensor) value;
  }

  private static void checkCount(String name, int got, int expected, int rows) {
    if (got != expected) {
      throw new IllegalStateException("output '" + name + "' holds " + got + " values for "
          + rows + " rows (expected " + expected + ")");
    }
  }
}
