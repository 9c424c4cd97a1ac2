package io.modelmonitor.benchmarks;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of timing one call of a tiny model: the bare call, the physical floor (a
 * {@code System.nanoTime()} pair), ModelMonitor's decorator and a Micrometer {@code Timer}.
 *
 * <p>Issue 11 grows this into the full suite; this first benchmark checks the hot-path design.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar LatencyOverhead -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Benchmark)
public class LatencyOverheadBenchmark {

  private MonitorRegistry registry;
  private Function<float[], Float> monitored;
  private Timer micrometerTimer;
  private final Function<float[], Float> model = LatencyOverheadBenchmark::score;

  /** Per-thread input, prepared once. */
  @State(Scope.Thread)
  public static class Input {
    float[] features = new float[20];

    /** Fills the features. */
    @Setup
    public void fill() {
      for (int i = 0; i < features.length; i++) {
        features[i] = i * 0.05f;
      }
    }
  }

  /** Builds the monitors once per trial. */
  @Setup(Level.Trial)
  public void setUp() {
    registry = MonitorRegistry.builder().build();
    ModelMonitor<float[], Float> monitor = registry.monitor("ctr", "v1");
    monitored = monitor.decorateFunction(model);
    micrometerTimer = Timer.builder("model.latency").register(new SimpleMeterRegistry());
  }

  /** Stops the reporter thread. */
  @TearDown(Level.Trial)
  public void tearDown() {
    registry.close();
  }

  /** A 20-feature logistic scorer: a tiny model, returning a cached box for most inputs. */
  static Float score(float[] x) {
    float z = 0;
    for (float v : x) {
      z += v * 0.1f;
    }
    return z > 0 ? ONE : ZERO;
  }

  private static final Float ONE = 1f;
  private static final Float ZERO = 0f;

  /** The bare model call. */
  @Benchmark
  public Float bare(Input in) {
    return model.apply(in.features);
  }

  /** The physical floor of timing a call: two nanoTime reads. */
  @Benchmark
  public long nanoTimePair(Input in) {
    long start = System.nanoTime();
    Float out = model.apply(in.features);
    return System.nanoTime() - start + out.hashCode();
  }

  /** ModelMonitor's decorated function: latency histogram, outcome, in-flight. */
  @Benchmark
  public Float modelMonitor(Input in) {
    return monitored.apply(in.features);
  }

  /** Micrometer Timer (no percentile histogram) around the same call. */
  @Benchmark
  public Float micrometerTimer(Input in) {
    long start = System.nanoTime();
    Float out = model.apply(in.features);
    micrometerTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    return out;
  }
}
