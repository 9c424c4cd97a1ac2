package io.modelmonitor.drift;

import java.util.List;

/** Reading vector values of the shapes inputs carry. */
final class Vectors {

  private Vectors() {}

  /** A copy as doubles, or null if not a numeric vector (cold path only: allocates). */
  static double[] toDoubles(Object vector) {
    if (vector instanceof float[]) {
      float[] f = (float[]) vector;
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        d[i] = f[i];
      }
      return d;
    }
    if (vector instanceof double[]) {
      return ((double[]) vector).clone();
    }
    if (vector instanceof List) {
      List<?> l = (List<?>) vector;
      double[] d = new double[l.size()];
      int i = 0;
      for (Object o : l) {
        if (!(o instanceof Number)) {
          return null;
        }
        d[i++] = ((Number) o).doubleValue();
      }
      return d;
    }
    return null;
  }
}
