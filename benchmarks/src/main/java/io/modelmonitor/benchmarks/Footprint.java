package io.modelmonitor.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.schema.FeatureSchema;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.openjdk.jol.util.ObjectUtils;
import org.openjdk.jol.vm.VM;
import org.openjdk.jol.vm.VirtualMachine;

/**
 * Measures the retained heap of one monitored model with JOL: the objects only that monitor
 * reaches, in steady state.
 *
 * <p>Method. One registry (reporting interval 1 hour, so no window closes on its own) holds two
 * monitors of the same shape, each with its own schema and baseline instances: a reference
 * monitor and the measured one. Both are called 1,000 times per window for 7 windows closed with
 * {@code tickNow()} (so the rolling view of 5 windows is full). Then the object graph is walked
 * from the reference monitor to collect what monitors share (registry internals reached through
 * it, JVM-wide caches such as method-handle forms, shared constants), and walked again from the
 * measured monitor, summing the sizes ({@code VirtualMachine.sizeOf}) of the objects not shared.
 * The walk stops at classes, class loaders, threads, thread groups and the registry core. What
 * is counted: the monitor, its compiled schema and baseline, the calling thread's recording
 * cell, the shared cell, the spare interval, the window and since-start aggregates (latency
 * histograms, drift bins and moments), the last closed window, the rolling drift view, error
 * slots and violation counters. Not counted: the registry's map entry for the model and this
 * thread's {@code ThreadLocal} entry (tens of bytes), and Micrometer meters (none is bound here).
 *
 * <p>Inputs are {@code Map<String, ?>} rows; numeric features have a range, the categorical one
 * a baseline of 200 categories of which the default top 50 are tracked. Default
 * {@code MonitorConfig} everywhere. The deltas (one more numeric or categorical feature, one
 * more calling thread) are differences of two such measurements.
 *
 * <p>Usage: {@code java -Djdk.attach.allowAttachSelf=true -cp benchmarks.jar
 * io.modelmonitor.benchmarks.Footprint OUT.json}.
 */
public final class Footprint {

  private static final int ROWS = 5_000;

  private Footprint() {}

  /**
   * Measures and writes the results as JSON.
   *
   * @param args the output file
   * @throws Exception if measuring or writing fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: Footprint OUT.json");
      System.exit(2);
    }
    // lambdas are hidden classes: JOL needs this to read their fields' offsets
    System.setProperty("jol.magicFieldOffset", "true");
    Map<String, Long> byOwner = new HashMap<>();
    long base = retained(20, 0, false, byOwner);
    long oneMoreNumeric = retained(21, 0, false, null);
    long oneMoreCategorical = retained(20, 1, false, null);
    long twoThreads = retained(20, 0, true, null);
    ObjectMapper json = new ObjectMapper();
    ObjectNode out = json.createObjectNode();
    out.put("features20Bytes", base);
    out.put("perNumericBytes", oneMoreNumeric - base);
    out.put("perCategoricalBytes", oneMoreCategorical - base);
    out.put("perThreadBytes", twoThreads - base);
    // the README computes the worst case (every per-thread cell in use) from the default
    out.put("maxThreadCells", MonitorConfig.ofDefaults().maxThreadCells());
    // the 20-feature monitor's bytes by owning ModelMonitor class, largest first
    ObjectNode owners = out.putObject("features20ByOwner");
    byOwner.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .forEach(e -> owners.put(e.getKey(), e.getValue()));
    out.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    json.writerWithDefaultPrettyPrinter().writeValue(Path.of(args[0]).toFile(), out);
    System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(out));
  }

  /**
   * Bytes retained by one monitor of {@code numeric} + {@code categorical} features, called
   * from this thread (and from a second, still running thread if {@code secondThread}); the
   * bytes by owner go to {@code byOwner} if it is not null.
   */
  static long retained(int numeric, int categorical, boolean secondThread,
      Map<String, Long> byOwner) throws InterruptedException {
    MonitorRegistry registry = registry();
    CountDownLatch called = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    try {
      Shape referenceShape = new Shape(numeric, categorical);
      Shape shape = new Shape(numeric, categorical);
      ModelMonitor<Map<String, ?>, Double> reference = referenceShape.monitor(registry, "ref");
      ModelMonitor<Map<String, ?>, Double> measured = shape.monitor(registry, "measured");
      steadyState(registry, reference, referenceShape, measured, shape);
      if (secondThread) {
        Thread other = new Thread(() -> {
          Function<Map<String, ?>, Double> m = measured.decorateFunction(Shape::model);
          for (int i = 0; i < 1_000; i++) {
            m.apply(shape.rows.get(i));
          }
          called.countDown();
          try {
            done.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        other.start();
        called.await();
        registry.tickNow();
      }
      Set<Object> shared = Collections.newSetFromMap(new IdentityHashMap<>());
      walk(reference, Collections.emptySet(), shared, null);
      Set<Object> own = Collections.newSetFromMap(new IdentityHashMap<>());
      long bytes = walk(measured, shared, own, byOwner);
      if (Boolean.getBoolean("footprint.details")) {
        printDetails(numeric, categorical, secondThread, own);
      }
      return bytes;
    } finally {
      done.countDown();
      registry.close();
    }
  }

  /**
   * Adds every object reachable from {@code root} that is not in {@code exclude} (and not a
   * stop object) to {@code into}; returns the sum of their sizes. If {@code byOwner} is not
   * null, each object's size is also added to its owner: the nearest object of a ModelMonitor
   * class ({@code io.modelmonitor.*}) on the path it was found by, itself if it is one.
   */
  static long walk(Object root, Set<Object> exclude, Set<Object> into,
      Map<String, Long> byOwner) {
    VirtualMachine vm = VM.current();
    ArrayDeque<Object[]> stack = new ArrayDeque<>();
    stack.push(new Object[] {root, "(monitor)"});
    long bytes = 0;
    while (!stack.isEmpty()) {
      Object[] entry = stack.pop();
      Object o = entry[0];
      if (exclude.contains(o) || !into.add(o)) {
        continue;
      }
      Class<?> type = o.getClass();
      String owner = type.getName().startsWith("io.modelmonitor.")
          ? ownerName(type) : (String) entry[1];
      long size = vm.sizeOf(o);
      bytes += size;
      if (byOwner != null) {
        byOwner.merge(owner, size, Long::sum);
      }
      if (type.isArray()) {
        if (!type.getComponentType().isPrimitive()) {
          for (Object e : (Object[]) o) {
            push(stack, e, owner);
          }
        }
        continue;
      }
      for (Class<?> c = type; c != null; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
            push(stack, ObjectUtils.value(o, f), owner);
          }
        }
      }
    }
    return bytes;
  }

  /** Prints the classes holding most of {@code own}, largest first. */
  private static void printDetails(int numeric, int categorical, boolean secondThread,
      Set<Object> own) {
    Map<String, long[]> byClass = new HashMap<>();
    for (Object o : own) {
      long[] c = byClass.computeIfAbsent(o.getClass().getName(), k -> new long[2]);
      c[0]++;
      c[1] += VM.current().sizeOf(o);
    }
    Map<Integer, Integer> longArrays = new java.util.TreeMap<>();
    for (Object o : own) {
      if (o instanceof long[]) {
        longArrays.merge(((long[]) o).length, 1, Integer::sum);
      }
    }
    System.out.printf("%d numeric, %d categorical%s: long[] length -> count %s%n", numeric,
        categorical, secondThread ? ", two calling threads" : "", longArrays);
    System.out.printf("%d numeric, %d categorical%s:%n", numeric, categorical,
        secondThread ? ", two calling threads" : "");
    byClass.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(15)
        .forEach(e -> System.out.printf("  %9d B %6d objects  %s%n", e.getValue()[1],
            e.getValue()[0], e.getKey()));
  }

  /** The simple name of a ModelMonitor class; lambdas (hidden classes) as "Outer (lambda)". */
  private static String ownerName(Class<?> type) {
    String name = type.getName().substring(type.getName().lastIndexOf('.') + 1);
    int lambda = name.indexOf("$$Lambda");
    return lambda < 0 ? name : name.substring(0, lambda) + " (lambda)";
  }

  private static void push(ArrayDeque<Object[]> stack, Object o, String owner) {
    if (o == null || o instanceof Class || o instanceof ClassLoader || o instanceof Thread
        || o instanceof ThreadGroup
        || o.getClass().getName().equals("io.modelmonitor.internal.RegistryCore")) {
      return;
    }
    stack.push(new Object[] {o, owner});
  }

  private static MonitorRegistry registry() {
    return MonitorRegistry.builder().reportingInterval(Duration.ofHours(1)).build();
  }

  private static void steadyState(MonitorRegistry registry,
      ModelMonitor<Map<String, ?>, Double> a, Shape shapeA,
      ModelMonitor<Map<String, ?>, Double> b, Shape shapeB) {
    Function<Map<String, ?>, Double> fa = a.decorateFunction(Shape::model);
    Function<Map<String, ?>, Double> fb = b.decorateFunction(Shape::model);
    for (int w = 0; w < 7; w++) {
      for (int i = 0; i < 1_000; i++) {
        int row = (w * 1_000 + i) % ROWS;
        fa.apply(shapeA.rows.get(row));
        fb.apply(shapeB.rows.get(row));
      }
      registry.tickNow();
    }
  }

  /** A schema, baseline and rows of {@code numeric} + {@code categorical} features. */
  static final class Shape {
    final FeatureSchema<Map<String, ?>> schema;
    final Baseline baseline;
    final List<Map<String, ?>> rows = new ArrayList<>();

    Shape(int numeric, int categorical) {
      FeatureSchema.Builder<Map<String, ?>> b = FeatureSchema.forMap();
      for (int i = 0; i < numeric; i++) {
        b.numeric("f" + i, f -> f.range(-10, 12));
      }
      for (int i = 0; i < categorical; i++) {
        b.categorical("c" + i, f -> { });
      }
      schema = b.build();
      SplittableRandom random = new SplittableRandom(Workload.SEED);
      double[] scores = new double[ROWS];
      for (int r = 0; r < ROWS; r++) {
        Map<String, Object> row = new HashMap<>();
        for (int i = 0; i < numeric; i++) {
          row.put("f" + i, i / 10.0 + random.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < categorical; i++) {
          // skewed over 200 categories
          int k = (int) (200 * Math.pow(random.nextDouble(), 3));
          row.put("c" + i, "cat" + k);
        }
        rows.add(row);
        scores[r] = random.nextDouble();
      }
      baseline = Baseline.builder().features(rows, schema).predictions(scores).build();
    }

    ModelMonitor<Map<String, ?>, Double> monitor(MonitorRegistry registry, String name) {
      return registry.<Map<String, ?>, Double>monitorBuilder(name, "v1").schema(schema)
          .baseline(baseline).prediction(PredictionSpec.score(Double::doubleValue)).build();
    }

    /** A stand-in model: a score from the first feature. */
    static Double model(Map<String, ?> row) {
      return ((Number) row.get("f0")).doubleValue() > 1 ? 0.7 : 0.2;
    }
  }
}
