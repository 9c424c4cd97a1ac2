package io.modelmonitor.drift;

import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.FeatureVisitor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Captures a baseline from live traffic during a warm-up window, for a model without training
 * data at hand: the first {@code capacity} offered inputs (and scores) are copied, then
 * {@link #build()} profiles them exactly as {@link Baseline#fit} would.
 *
 * <pre>{@code
 * BaselineCapture<Request> warmup = BaselineCapture.of(schema, 10_000);
 * Function<Request, Double> predict = r -> {
 *   double score = model.score(r);
 *   warmup.offer(r, score);           // a no-op once full
 *   return score;
 * };
 * // later, once warmup.isComplete():
 * warmup.build().write(Path.of("ctr-v7.live.baseline.json"));
 * }</pre>
 *
 * <p>Thread-safe and bounded: memory is {@code capacity} rows of feature values, whatever the
 * traffic. Values are copied when offered (vectors too), so callers may reuse their buffers.
 * Offering allocates (a row copy) until the capture is full, then returns at once.
 *
 * @param <I> the input type
 */
public final class BaselineCapture<I> {

  private final FeatureSchema<I> schema;
  private final int capacity;
  private final AtomicInteger claimed = new AtomicInteger();
  private final AtomicInteger filled = new AtomicInteger();
  private final AtomicReferenceArray<Object[]> rows;
  private final double[] scores;
  private volatile boolean scored;

  private BaselineCapture(FeatureSchema<I> schema, int capacity) {
    this.schema = schema;
    this.capacity = capacity;
    this.rows = new AtomicReferenceArray<>(capacity);
    this.scores = new double[capacity];
  }

  /**
   * Starts a capture.
   *
   * @param schema reads the features
   * @param capacity rows to capture, 10 to 10,000,000
   * @param <I> the input type
   * @return the capture
   * @throws IllegalArgumentException if the capacity is out of range
   */
  public static <I> BaselineCapture<I> of(FeatureSchema<I> schema, int capacity) {
    Objects.requireNonNull(schema, "schema");
    if (capacity < 10 || capacity > 10_000_000) {
      throw new IllegalArgumentException("capacity must be 10..10000000: " + capacity);
    }
    return new BaselineCapture<>(schema, capacity);
  }

  /**
   * Captures an input, if there is room.
   *
   * @param input the input
   * @return true if captured, false once the capture is full
   */
  public boolean offer(I input) {
    return offer(input, Double.NaN, false);
  }

  /**
   * Captures an input and the model's score for it, if there is room.
   *
   * @param input the input
   * @param score the score
   * @return true if captured, false once the capture is full
   */
  public boolean offer(I input, double score) {
    return offer(input, score, true);
  }

  private boolean offer(I input, double score, boolean withScore) {
    if (claimed.get() >= capacity) {
      return false;
    }
    int i = claimed.getAndIncrement();
    if (i >= capacity) {
      return false;
    }
    Object[] row = new Object[schema.features().size()];
    schema.visit(input, new FeatureVisitor() {
      @Override
      public void numeric(int f, double value) {
        row[f] = value;
      }

      @Override
      public void category(int f, String value) {
        row[f] = value;
      }

      @Override
      public void categoryId(int f, long id) {
        row[f] = id;
      }

      @Override
      public void vector(int f, Object vector) {
        double[] copy = Vectors.toDoubles(vector);
        row[f] = copy;
      }

      @Override
      public void missing(int f) {
        row[f] = null;
      }
    });
    scores[i] = score;
    if (withScore) {
      scored = true;
    }
    rows.set(i, row); // publishes the row and its score
    filled.incrementAndGet();
    return true;
  }

  /**
   * Returns how many rows are captured.
   *
   * @return the count, at most the capacity
   */
  public int size() {
    return filled.get();
  }

  /**
   * Returns whether the capture is full.
   *
   * @return true once {@code capacity} rows are captured
   */
  public boolean isComplete() {
    return filled.get() >= capacity;
  }

  /**
   * Profiles the captured rows (and scores, if any were offered) with the default options.
   *
   * @return the baseline
   * @throws IllegalStateException if nothing was captured
   */
  public Baseline build() {
    return into(Baseline.builder()).build();
  }

  /** Adds the captured profiles to {@code builder}, with its bins and top-K. */
  Baseline.Builder into(Baseline.Builder builder) {
    List<Object[]> captured = new ArrayList<>();
    List<Double> capturedScores = new ArrayList<>();
    for (int i = 0; i < capacity; i++) {
      Object[] row = rows.get(i);
      if (row != null) {
        captured.add(row);
        capturedScores.add(scores[i]);
      }
    }
    if (captured.isEmpty()) {
      throw new IllegalStateException("nothing captured yet");
    }
    ProfileCollector collector = new ProfileCollector(schema, captured.size());
    for (Object[] row : captured) {
      for (int f = 0; f < row.length; f++) {
        Object v = row[f];
        if (v == null) {
          collector.missing(f);
        } else if (v instanceof Double) {
          collector.numeric(f, (Double) v);
        } else if (v instanceof String) {
          collector.category(f, (String) v);
        } else if (v instanceof Long) {
          collector.categoryId(f, (Long) v);
        } else {
          collector.vector(f, v);
        }
      }
    }
    builder.profiles(collector);
    if (scored) {
      builder.predictions(capturedScores.stream().mapToDouble(Double::doubleValue).toArray());
    }
    return builder.metadata("source", "captured from " + captured.size() + " live rows");
  }
}
