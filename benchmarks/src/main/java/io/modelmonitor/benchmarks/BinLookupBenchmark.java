package io.modelmonitor.benchmarks;

import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.NumericProfile;
import java.util.Arrays;
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

/**
 * The drift bin lookup alone: {@link NumericProfile#binOf} for the 20 features of one request
 * of the workload stream, against the {@link Arrays#binarySearch(double[], double)} lookup it
 * replaced, on the same edges (the baseline's 10 quantile bins) and values. Both return the
 * same bins (monitor-core's {@code NumericProfileBinTest}); only the time differs. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar BinLookup}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class BinLookupBenchmark {

  private NumericProfile[] profiles;
  private double[][] edges;
  private double[][] values;
  private int next;

  /** Profiles from the workload's baseline, values from its request stream. */
  @Setup
  public void setUp() {
    Baseline baseline = Workload.baseline(Workload.schema());
    String[] names = Workload.names();
    profiles = new NumericProfile[Workload.FEATURES];
    edges = new double[Workload.FEATURES][];
    for (int f = 0; f < Workload.FEATURES; f++) {
      profiles[f] = (NumericProfile) baseline.features().get(names[f]);
      edges[f] = profiles[f].edges();
    }
    Workload.Request[] stream = Workload.stream(Workload.STREAM, Workload.SEED);
    values = new double[stream.length][];
    for (int i = 0; i < stream.length; i++) {
      float[] x = stream[i].features();
      values[i] = new double[x.length];
      for (int f = 0; f < x.length; f++) {
        values[i][f] = x[f]; // widened as the schema's extractors widen them
      }
    }
  }

  private double[] nextRequest() {
    double[] x = values[next];
    next = (next + 1) & (values.length - 1);
    return x;
  }

  /**
   * The 20 bins of one request by {@link NumericProfile#binOf}.
   *
   * @return the sum of the bins, consumed by JMH
   */
  @Benchmark
  public int binOf() {
    double[] x = nextRequest();
    int sum = 0;
    for (int f = 0; f < x.length; f++) {
      sum += profiles[f].binOf(x[f]);
    }
    return sum;
  }

  /**
   * The 20 bins of one request by a binary search, as {@code binOf} did before.
   *
   * @return the sum of the bins, consumed by JMH
   */
  @Benchmark
  public int binarySearch() {
    double[] x = nextRequest();
    int sum = 0;
    for (int f = 0; f < x.length; f++) {
      sum += searchBin(edges[f], x[f]);
    }
    return sum;
  }

  private static int searchBin(double[] e, double x) {
    if (x != x) {
      return e.length + 1;
    }
    int i = Arrays.binarySearch(e, x + 0.0);
    if (i >= 0) {
      return i == 0 ? 1 : i;
    }
    int insertion = -i - 1;
    return insertion == 0 ? 0 : insertion == e.length ? e.length : insertion;
  }
}
