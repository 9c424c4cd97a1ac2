package io.modelmonitor.drift;

import java.util.Arrays;
import java.util.Objects;

/**
 * The reference distribution of a vector (embedding) feature: the distribution of its L2 norm
 * (binned like a numeric feature) and its mean vector. Live bins are the norm's bins. Immutable.
 */
public final class VectorProfile implements FeatureProfile {

  private final int dimension;
  private final double[] mean;
  private final NumericProfile norms;

  /**
   * Creates a profile.
   *
   * @param dimension the vector length
   * @param mean the mean vector, {@code dimension} values
   * @param norms the distribution of the vectors' L2 norms (its counts are the profile's)
   * @throws IllegalArgumentException if inconsistent
   */
  public VectorProfile(int dimension, double[] mean, NumericProfile norms) {
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(norms, "norms");
    if (dimension < 1 || mean.length != dimension) {
      throw new IllegalArgumentException("mean vector of length " + mean.length
          + " for dimension " + dimension);
    }
    for (double m : mean) {
      if (!Double.isFinite(m)) {
        throw new IllegalArgumentException("mean vector must be finite: "
            + Arrays.toString(mean));
      }
    }
    this.dimension = dimension;
    this.mean = mean.clone();
    this.norms = norms;
  }

  @Override
  public long count() {
    return norms.count();
  }

  @Override
  public long missing() {
    return norms.missing();
  }

  @Override
  public int binCount() {
    return norms.binCount();
  }

  /**
   * Returns the vector length.
   *
   * @return the dimension
   */
  public int dimension() {
    return dimension;
  }

  /**
   * Returns the mean vector.
   *
   * @return a copy
   */
  public double[] mean() {
    return mean.clone();
  }

  double[] meanView() {
    return mean;
  }

  /**
   * Returns the distribution of the L2 norms.
   *
   * @return the norm profile
   */
  public NumericProfile norms() {
    return norms;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VectorProfile && ((VectorProfile) o).dimension == dimension
        && Arrays.equals(((VectorProfile) o).mean, mean) && ((VectorProfile) o).norms.equals(norms);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dimension, Arrays.hashCode(mean), norms);
  }

  @Override
  public String toString() {
    return "VectorProfile{dimension=" + dimension + ", norms=" + norms + '}';
  }
}
