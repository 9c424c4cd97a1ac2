package io.modelmonitor.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import io.modelmonitor.schema.FeatureSchema;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One model input: its name, element type and values per row, how it is declared in the derived
 * schema, and how rows become its tensor. Conversion is split from tensor creation so that a row
 * that cannot be converted fails before any native memory is touched.
 */
final class OnnxInput {

  final String name;
  private final OnnxJavaType type;
  /** Dimensions after the batch dimension; empty for a {@code [N]} input. */
  private final long[] rowShape;
  /** Values per row: the product of {@link #rowShape}. */
  final int width;
  /** The model's batch dimension: -1 (or another value below 1) when dynamic, else 1. */
  private final long batchDimension;

  private OnnxInput(String name, OnnxJavaType type, long[] rowShape, int width,
      long batchDimension) {
    this.name = name;
    this.type = type;
    this.rowShape = rowShape;
    this.width = width;
    this.batchDimension = batchDimension;
  }

  /** Reads an input's metadata; rejects what a row of named features cannot feed. */
  static OnnxInput of(NodeInfo node) {
    String name = node.getName();
    if (!(node.getInfo() instanceof TensorInfo)) {
      throw new IllegalArgumentException("input '" + name + "' is not a tensor: "
          + node.getInfo());
    }
    TensorInfo info = (TensorInfo) node.getInfo();
    long[] shape = info.getShape();
    if (shape.length == 0 || shape[0] > 1) {
      throw new IllegalArgumentException("input '" + name + "' has shape "
          + Arrays.toString(shape) + "; expected a batch dimension first ([N, ...] or [1, ...])");
    }
    long[] rowShape = Arrays.copyOfRange(shape, 1, shape.length);
    long width = 1;
    for (long d : rowShape) {
      if (d < 1) {
        throw new IllegalArgumentException("input '" + name + "' has shape "
            + Arrays.toString(shape) + "; only the batch dimension may be dynamic");
      }
      width *= d;
    }
    if (width > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("input '" + name + "' has " + width + " values per row");
    }
    switch (info.type) {
      case FLOAT:
      case DOUBLE:
        break;
      case INT32:
      case INT64:
      case STRING:
        if (width != 1) {
          throw new IllegalArgumentException("input '" + name + "' of type " + info.type
              + " has " + width + " values per row; only float and double inputs may be vectors");
        }
        break;
      default:
        throw new IllegalArgumentException("input '" + name + "' has element type " + info.type
            + "; supported: FLOAT, DOUBLE, INT32, INT64, STRING");
    }
    return new OnnxInput(name, info.type, rowShape, (int) width, shape[0]);
  }

  /** Declares this input in a map schema. */
  void declare(FeatureSchema.Builder<Map<String, ?>> schema) {
    if (width > 1) {
      schema.vector(name, f -> f.dimension(width));
      return;
    }
    switch (type) {
      case FLOAT:
      case DOUBLE:
        schema.numeric(name);
        break;
      case INT32:
      case INT64:
        schema.integer(name, f -> { });
        break;
      default: // STRING, the only other type of()
        schema.categorical(name, f -> { });
    }
  }

  /**
   * Copies this input's value of every row into one Java array (a {@code float[]},
   * {@code double[]}, {@code int[]}, {@code long[]} or {@code String[]}).
   *
   * @throws IllegalArgumentException if a row lacks the value or holds one that cannot be
   *     converted
   */
  Object convert(List<? extends Map<String, ?>> rows) {
    int n = rows.size();
    switch (type) {
      case FLOAT: {
        float[] out = new float[n * width];
        for (int r = 0; r < n; r++) {
          Object v = value(rows, r);
          if (width == 1) {
            out[r] = number(v, r).floatValue();
          } else {
            copyVector(v, r, out, null);
          }
        }
        return out;
      }
      case DOUBLE: {
        double[] out = new double[n * width];
        for (int r = 0; r < n; r++) {
          Object v = value(rows, r);
          if (width == 1) {
            out[r] = number(v, r).doubleValue();
          } else {
            copyVector(v, r, null, out);
          }
        }
        return out;
      }
      case INT32: {
        int[] out = new int[n];
        for (int r = 0; r < n; r++) {
          long l = whole(value(rows, r), r);
          if (l != (int) l) {
            throw bad(r, "value " + l + " does not fit an INT32 input");
          }
          out[r] = (int) l;
        }
        return out;
      }
      case INT64: {
        long[] out = new long[n];
        for (int r = 0; r < n; r++) {
          out[r] = whole(value(rows, r), r);
        }
        return out;
      }
      default: {
        String[] out = new String[n];
        for (int r = 0; r < n; r++) {
          Object v = value(rows, r);
          if (v instanceof String) {
            out[r] = (String) v;
          } else if (v instanceof Enum) {
            out[r] = ((Enum<?>) v).name();
          } else {
            throw bad(r, "expected a String or an enum constant, got "
                + v.getClass().getSimpleName());
          }
        }
        return out;
      }
    }
  }

  /** Whether the model fixes this input's batch dimension at 1 ({@code [1, ...]}). */
  boolean fixedBatch() {
    return batchDimension == 1;
  }

  /** Row {@code r} of what {@link #convert(List)} returned, as if that row was converted alone. */
  Object row(Object values, int r) {
    Object out = java.lang.reflect.Array.newInstance(values.getClass().getComponentType(), width);
    System.arraycopy(values, r * width, out, 0, width);
    return out;
  }

  /** Wraps what {@link #convert(List)} returned for {@code rows} rows in a tensor. */
  OnnxTensor tensor(OrtEnvironment env, Object values, int rows) throws OrtException {
    long[] shape = new long[rowShape.length + 1];
    shape[0] = rows;
    System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
    switch (type) {
      case FLOAT:
        return OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) values), shape);
      case DOUBLE:
        return OnnxTensor.createTensor(env, DoubleBuffer.wrap((double[]) values), shape);
      case INT32:
        return OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) values), shape);
      case INT64:
        return OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) values), shape);
      default:
        return OnnxTensor.createTensor(env, (String[]) values, shape);
    }
  }

  /**
   * Why {@code tensor} cannot feed this input (element type, rank, a static dimension, an empty
   * batch), or null if it can. Reads metadata only.
   */
  String problem(OnnxTensor tensor) {
    TensorInfo info = tensor.getInfo();
    long[] shape = info.getShape();
    if (info.type != type) {
      return "input '" + name + "' expects element type " + type + ", got " + info.type;
    }
    boolean fits = shape.length == rowShape.length + 1 && shape[0] >= 1
        && (batchDimension < 1 || shape[0] == batchDimension);
    for (int i = 0; fits && i < rowShape.length; i++) {
      fits = shape[i + 1] == rowShape[i];
    }
    if (!fits) {
      long[] expected = new long[rowShape.length + 1];
      expected[0] = batchDimension;
      System.arraycopy(rowShape, 0, expected, 1, rowShape.length);
      return "input '" + name + "' expects shape " + Arrays.toString(expected)
          + " (-1: any batch size), got " + Arrays.toString(shape);
    }
    return null;
  }

  /**
   * What the schema checks for a raw tensor given for this input: null for null; for a tensor
   * that fits, the first row's value (or the first not-a-number value, so NaN is counted); for
   * a vector of the wrong length, an array of that length (a dimension violation); for
   * anything else an object of no feature type (a type mismatch). Reads (copies) the tensor's
   * values only when it fits.
   */
  Object standIn(Object value) throws OrtException {
    if (value == null) {
      return null;
    }
    if (!(value instanceof OnnxTensor)) {
      return value;
    }
    OnnxTensor tensor = (OnnxTensor) value;
    TensorInfo info = tensor.getInfo();
    if (problem(tensor) != null) {
      long[] shape = info.getShape();
      if (width > 1 && info.type == type && shape.length == 2 && shape[0] >= 1 && shape[1] >= 0
          && shape[1] < Integer.MAX_VALUE) {
        return new float[(int) shape[1]];
      }
      return info;
    }
    switch (type) {
      case FLOAT: {
        FloatBuffer b = tensor.getFloatBuffer();
        int row = firstNanRow(b.remaining(), i -> Float.isNaN(b.get(i)));
        if (width == 1) {
          return b.get(row);
        }
        float[] v = new float[width];
        b.position(row * width);
        b.get(v);
        return v;
      }
      case DOUBLE: {
        DoubleBuffer b = tensor.getDoubleBuffer();
        int row = firstNanRow(b.remaining(), i -> Double.isNaN(b.get(i)));
        if (width == 1) {
          return b.get(row);
        }
        double[] v = new double[width];
        b.position(row * width);
        b.get(v);
        return v;
      }
      case INT32:
        return tensor.getIntBuffer().get(0);
      case INT64:
        return tensor.getLongBuffer().get(0);
      default: {
        Object v = tensor.getValue();
        return v instanceof String[][] ? ((String[][]) v)[0][0] : ((String[]) v)[0];
      }
    }
  }

  /** The row of the first value that is NaN, or 0. */
  private int firstNanRow(int values, java.util.function.IntPredicate isNan) {
    for (int i = 0; i < values; i++) {
      if (isNan.test(i)) {
        return i / width;
      }
    }
    return 0;
  }

  private Object value(List<? extends Map<String, ?>> rows, int r) {
    Map<String, ?> row = rows.get(r);
    Object v = row == null ? null : row.get(name);
    if (v == null) {
      throw bad(r, row != null && row.containsKey(name) ? "value is null" : "missing");
    }
    return v;
  }

  private Number number(Object v, int r) {
    if (v instanceof Number) {
      return (Number) v;
    }
    throw bad(r, "expected a number, got " + (v == null ? "null" : v.getClass().getSimpleName()));
  }

  private long whole(Object v, int r) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number) {
      double d = ((Number) v).doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 0x1p63) {
        return (long) d;
      }
    }
    throw bad(r, "expected a whole number, got " + v.getClass().getSimpleName());
  }

  private void copyVector(Object v, int r, float[] floats, double[] doubles) {
    int length;
    if (v instanceof float[]) {
      length = ((float[]) v).length;
    } else if (v instanceof double[]) {
      length = ((double[]) v).length;
    } else if (v instanceof List) {
      length = ((List<?>) v).size();
    } else {
      throw bad(r, "expected a float[], double[] or list of numbers, got "
          + v.getClass().getSimpleName());
    }
    if (length != width) {
      throw bad(r, "expected " + width + " values, got " + length);
    }
    int offset = r * width;
    for (int i = 0; i < width; i++) {
      double d;
      if (v instanceof float[]) {
        d = ((float[]) v)[i];
      } else if (v instanceof double[]) {
        d = ((double[]) v)[i];
      } else {
        d = number(((List<?>) v).get(i), r).doubleValue();
      }
      if (floats != null) {
        floats[offset + i] = (float) d;
      } else {
        doubles[offset + i] = d;
      }
    }
  }

  private IllegalArgumentException bad(int row, String problem) {
    return new IllegalArgumentException("row " + row + ", input '" + name + "': " + problem);
  }
}
