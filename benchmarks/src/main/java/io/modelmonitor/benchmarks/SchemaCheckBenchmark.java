package io.modelmonitor.benchmarks;

import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.ViolationListener;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of checking one valid 20-feature numeric input against its schema, per input shape.
 * Divide by 20 for the cost per feature. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar SchemaCheck -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Benchmark)
public class SchemaCheckBenchmark {

  static final int FEATURES = 20;

  /** A request with 20 numeric features, as a record. */
  public record Request(double f0, double f1, double f2, double f3, double f4, double f5,
      double f6, double f7, double f8, double f9, double f10, double f11, double f12, double f13,
      double f14, double f15, double f16, double f17, double f18, double f19) {}

  private FeatureSchema<float[]> arraySchema;
  private FeatureSchema<Map<String, ?>> mapSchema;
  private FeatureSchema<Request> recordSchema;
  private FeatureSchema<Request> extractorSchema;
  private float[] array;
  private Map<String, Object> map;
  private Request record;
  private ViolationListener listener;

  /** Builds the schemas and valid inputs. */
  @Setup
  public void setUp(Blackhole bh) {
    String[] names = new String[FEATURES];
    FeatureSchema.Builder<Map<String, ?>> mb = FeatureSchema.forMap();
    array = new float[FEATURES];
    map = new HashMap<>();
    for (int i = 0; i < FEATURES; i++) {
      names[i] = "f" + i;
      mb.numeric(names[i], f -> f.range(-10, 10));
      array[i] = i * 0.1f;
      map.put(names[i], i * 0.1);
    }
    FeatureSchema.Builder<float[]> ab = FeatureSchema.forFloatArray(names);
    FeatureSchema.Builder<Request> rb = FeatureSchema.forRecord(Request.class);
    for (String n : names) {
      ab.numeric(n, f -> f.range(-10, 10));
      rb.numeric(n, f -> f.range(-10, 10));
    }
    extractorSchema = FeatureSchema.forType(Request.class)
        .numeric("f0", Request::f0, f -> f.range(-10, 10))
        .numeric("f1", Request::f1, f -> f.range(-10, 10))
        .numeric("f2", Request::f2, f -> f.range(-10, 10))
        .numeric("f3", Request::f3, f -> f.range(-10, 10))
        .numeric("f4", Request::f4, f -> f.range(-10, 10))
        .numeric("f5", Request::f5, f -> f.range(-10, 10))
        .numeric("f6", Request::f6, f -> f.range(-10, 10))
        .numeric("f7", Request::f7, f -> f.range(-10, 10))
        .numeric("f8", Request::f8, f -> f.range(-10, 10))
        .numeric("f9", Request::f9, f -> f.range(-10, 10))
        .numeric("f10", Request::f10, f -> f.range(-10, 10))
        .numeric("f11", Request::f11, f -> f.range(-10, 10))
        .numeric("f12", Request::f12, f -> f.range(-10, 10))
        .numeric("f13", Request::f13, f -> f.range(-10, 10))
        .numeric("f14", Request::f14, f -> f.range(-10, 10))
        .numeric("f15", Request::f15, f -> f.range(-10, 10))
        .numeric("f16", Request::f16, f -> f.range(-10, 10))
        .numeric("f17", Request::f17, f -> f.range(-10, 10))
        .numeric("f18", Request::f18, f -> f.range(-10, 10))
        .numeric("f19", Request::f19, f -> f.range(-10, 10))
        .build();
    arraySchema = ab.build();
    mapSchema = mb.build();
    recordSchema = rb.build();
    record = new Request(0, .1, .2, .3, .4, .5, .6, .7, .8, .9, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6,
        1.7, 1.8, 1.9);
    listener = (f, k, v, r) -> bh.consume(k);
  }

  /** Positional float[] input. */
  @Benchmark
  public int floatArray() {
    return arraySchema.check(array, listener);
  }

  /** Feature map (HashMap with String keys). */
  @Benchmark
  public int featureMap() {
    return mapSchema.check(map, listener);
  }

  /** Record read through its component accessors. */
  @Benchmark
  public int record() {
    return recordSchema.check(record, listener);
  }

  /** Any type read through ToDoubleFunction extractors (method references). */
  @Benchmark
  public int extractors() {
    return extractorSchema.check(record, listener);
  }
}
