package io.modelmonitor.drift;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The reference distribution of a categorical feature: the shares of its most frequent values,
 * of all other values together, and of missing values. Bins, in order: one per
 * {@link #values()} entry, {@code other}, {@code missing}. Immutable.
 */
public final class CategoricalProfile implements FeatureProfile {

  private final long count;
  private final long missing;
  private final List<String> values;
  private final double[] shares;
  private final Map<String, Integer> index;
  private final long[] ids;
  private final int[] idBins;

  /**
   * Creates a profile.
   *
   * @param count reference rows, missing included
   * @param missing rows without a value
   * @param values the tracked categories, most frequent first
   * @param shares {@code values.size() + 2} shares: the values, other, missing
   * @throws IllegalArgumentException if inconsistent
   */
  public CategoricalProfile(long count, long missing, List<String> values, double[] shares) {
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(shares, "shares");
    if (count < 0 || missing < 0 || missing > count) {
      throw new IllegalArgumentException("invalid counts: count=" + count + ", missing="
          + missing);
    }
    if (shares.length != values.size() + 2) {
      throw new IllegalArgumentException(values.size() + " values need " + (values.size() + 2)
          + " shares (values, other, missing), got " + shares.length);
    }
    this.count = count;
    this.missing = missing;
    this.values = List.copyOf(values);
    this.shares = shares.clone();
    Map<String, Integer> idx = new HashMap<>();
    Map<Long, Integer> byId = new LinkedHashMap<>();
    for (int i = 0; i < this.values.size(); i++) {
      String v = this.values.get(i);
      if (idx.put(v, i) != null) {
        throw new IllegalArgumentException("duplicate category '" + v + "'");
      }
      try {
        long id = Long.parseLong(v);
        if (Long.toString(id).equals(v)) {
          byId.put(id, i);
        }
      } catch (NumberFormatException notAnId) {
        // a string category
      }
    }
    this.index = idx;
    this.ids = byId.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    this.idBins = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      idBins[i] = byId.get(ids[i]);
    }
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public long missing() {
    return missing;
  }

  @Override
  public int binCount() {
    return shares.length;
  }

  /**
   * Returns the tracked categories.
   *
   * @return an unmodifiable list, most frequent first
   */
  public List<String> values() {
    return values;
  }

  /**
   * Returns the reference shares: the values, other, missing.
   *
   * @return a copy
   */
  public double[] shares() {
    return shares.clone();
  }

  double[] sharesView() {
    return shares;
  }

  /**
   * Returns the bin of a category; untracked categories fall in {@code other}. Allocation-free.
   *
   * @param category the category, or null for missing
   * @return the bin index
   */
  public int binOf(String category) {
    if (category == null) {
      return values.size() + 1;
    }
    Integer i = index.get(category);
    return i == null ? values.size() : i;
  }

  /**
   * Returns the bin of an integral category id (matched by its decimal form).
   *
   * @param id the id
   * @return the bin index
   */
  public int binOfId(long id) {
    int i = Arrays.binarySearch(ids, id);
    return i >= 0 ? idBins[i] : values.size();
  }

  int missingBin() {
    return values.size() + 1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CategoricalProfile && ((CategoricalProfile) o).count == count
        && ((CategoricalProfile) o).missing == missing
        && ((CategoricalProfile) o).values.equals(values)
        && Arrays.equals(((CategoricalProfile) o).shares, shares);
  }

  @Override
  public int hashCode() {
    return Objects.hash(count, missing, values, Arrays.hashCode(shares));
  }

  @Override
  public String toString() {
    return "CategoricalProfile{count=" + count + ", missing=" + missing + ", values=" + values
        + '}';
  }

  /** Fits a profile: the {@code topK} most frequent values (ties by name), other, missing. */
  static CategoricalProfile fit(Map<String, Long> counts, long missing, int topK) {
    long total = missing;
    for (long c : counts.values()) {
      total += c;
    }
    List<String> top = counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(topK).map(Map.Entry::getKey).collect(java.util.stream.Collectors.toList());
    double[] shares = new double[top.size() + 2];
    long tracked = 0;
    for (int i = 0; i < top.size(); i++) {
      long c = counts.get(top.get(i));
      tracked += c;
      shares[i] = total == 0 ? 0 : (double) c / total;
    }
    shares[top.size()] = total == 0 ? 0 : (double) (total - missing - tracked) / total;
    shares[top.size() + 1] = total == 0 ? 0 : (double) missing / total;
    return new CategoricalProfile(total, missing, top, shares);
  }
}
