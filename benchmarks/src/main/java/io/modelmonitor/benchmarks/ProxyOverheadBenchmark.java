package io.modelmonitor.benchmarks;

import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.annotation.Monitored;
import io.modelmonitor.annotation.MonitoredProxy;
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
 * Cost of the annotation route over the decorator for the same tiny model: a direct call, the
 * decorator ({@code decorateFunction}) and a {@code @Monitored} JDK proxy
 * ({@link MonitoredProxy}). Run: {@code java -jar benchmarks/target/benchmarks.jar
 * ProxyOverhead -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class ProxyOverheadBenchmark {

  /** The scorer interface a service would annotate. */
  public interface Scorer {
    /**
     * Scores one input.
     *
     * @param features the input
     * @return the score
     */
    @Monitored(model = "ctr")
    Float score(float[] features);
  }

  private MonitorRegistry registry;
  private Function<float[], Float> decorated;
  private Scorer proxied;
  private final Scorer direct = LatencyOverheadBenchmark::score;

  /** Builds one monitor, its decorator and its proxy. */
  @Setup(Level.Trial)
  public void setUp() {
    registry = MonitorRegistry.builder().build();
    ModelMonitor<float[], Float> monitor = registry.monitor("ctr", "v1");
    decorated = monitor.decorateFunction(direct::score);
    proxied = MonitoredProxy.create(Scorer.class, direct, registry);
  }

  /** Stops the reporter thread. */
  @TearDown(Level.Trial)
  public void tearDown() {
    registry.close();
  }

  /** The bare call. */
  @Benchmark
  public Float direct(LatencyOverheadBenchmark.Input in) {
    return direct.score(in.features);
  }

  /** Through the decorator. */
  @Benchmark
  public Float decorator(LatencyOverheadBenchmark.Input in) {
    return decorated.apply(in.features);
  }

  /** Through the annotation-driven proxy. */
  @Benchmark
  public Float proxy(LatencyOverheadBenchmark.Input in) {
    return proxied.score(in.features);
  }
}
