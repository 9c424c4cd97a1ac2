package io.modelmonitor.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.SnapshotListener;
import io.modelmonitor.MetricNames;
import io.modelmonitor.Ticker;
import io.modelmonitor.alert.AlertEvent;
import io.modelmonitor.alert.AlertRule;
import io.modelmonitor.alert.AlertSink;
import io.modelmonitor.alert.Silence;
import io.modelmonitor.alert.SinkStats;
import io.modelmonitor.internal.MonitorErrors.Cause;
import io.modelmonitor.schema.FeatureSchema;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The implementation behind {@code MonitorRegistry}. Not public API.
 *
 * <p>Design note. Monitors live in a concurrent map keyed by name. One daemon reporter thread,
 * started with the first monitor, wakes every reporting interval and closes the window of every
 * monitor whose window is at least half an interval old <em>by the registry's ticker</em>; with a
 * fake ticker that does not move it therefore never closes a window, and tests drive windows with
 * {@link #tickNow()} alone. Ticks are serialised by {@code tickLock}; in one tick every due
 * window closes and its meters refresh, then the alert rules run over the new snapshots, then
 * the listeners receive them (so they see this window's alerts); none of it runs on a calling
 * thread.
 */
public final class RegistryCore {

  private static final Logger LOG = LoggerFactory.getLogger("io.modelmonitor");
  /** How long close() waits, in all, for the alert sinks to drain their queues. */
  private static final Duration ALERT_DRAIN = Duration.ofSeconds(5);

  private final Ticker ticker;
  private final Clock clock;
  private final Duration interval;
  private final Tags commonTags;
  private final MonitorConfig defaultConfig;
  private final List<MeterRegistry> leafRegistries;
  private final ConcurrentHashMap<String, Entry> monitors = new ConcurrentHashMap<>();
  private final List<SnapshotListener> listeners = new CopyOnWriteArrayList<>();
  private final MonitorErrors registryErrors = new MonitorErrors("registry");
  private final Object lifecycleLock = new Object();
  private final Object tickLock = new Object();
  private final AlertEvaluator alerts;
  private final List<SinkDispatcher> dispatchers;
  private final List<io.micrometer.core.instrument.Meter> alertMeters = new ArrayList<>();
  private final List<AutoCloseable> jvmCloseables = new ArrayList<>();
  private final List<io.micrometer.core.instrument.Meter> jvmMeters = new ArrayList<>();
  private MeterRegistry jvmRegistry;
  private ScheduledExecutorService reporter; // guarded by lifecycleLock
  private volatile boolean closed;

  /** A monitor and what it registered outside itself. */
  private static final class Entry {
    final DefaultModelMonitor<?, ?> monitor;
    final List<MicrometerBinding> bindings = new ArrayList<>();
    final List<Runnable> undo = new ArrayList<>();

    Entry(DefaultModelMonitor<?, ?> monitor) {
      this.monitor = monitor;
    }
  }

  public RegistryCore(Ticker ticker, Clock clock, Duration interval, Map<String, String> tags,
      MeterRegistry meterRegistry, MonitorConfig defaultConfig, List<AlertRule> rules,
      List<AlertSink> sinks, Duration alertWarmUp, int alertQueueCapacity, boolean jvmMetrics) {
    this.ticker = ticker;
    this.clock = clock;
    this.interval = interval;
    Tags t = Tags.empty();
    for (Map.Entry<String, String> e : tags.entrySet()) {
      t = t.and(e.getKey(), e.getValue());
    }
    this.commonTags = t;
    this.defaultConfig = defaultConfig;
    this.leafRegistries = meterRegistry == null ? List.of() : leaves(meterRegistry);
    this.alerts = new AlertEvaluator(rules, tags, clock, alertWarmUp.toNanos(), registryErrors);
    List<SinkDispatcher> d = new ArrayList<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (AlertSink sink : sinks) {
      String name = sink.name();
      for (int i = 2; !names.add(name); i++) {
        name = sink.name() + '-' + i; // sink names are tag values: keep them distinct
      }
      d.add(new SinkDispatcher(sink, name, alertQueueCapacity));
    }
    this.dispatchers = List.copyOf(d);
    if (jvmMetrics && meterRegistry != null) {
      bindJvmMetrics(meterRegistry);
    }
    if (!rules.isEmpty() || !sinks.isEmpty()) {
      try {
        bindAlertMeters();
      } catch (RuntimeException e) {
        for (SinkDispatcher dispatcher : dispatchers) {
          dispatcher.close(Duration.ZERO);
        }
        throw e;
      }
    }
  }

  /**
   * Binds Micrometer's own JVM and system binders (memory, GC, threads, class loading, CPU,
   * uptime), remembering what they registered so {@link #close()} removes it again.
   */
  private void bindJvmMetrics(MeterRegistry registry) {
    java.util.Set<io.micrometer.core.instrument.Meter.Id> before = new java.util.HashSet<>();
    for (io.micrometer.core.instrument.Meter m : registry.getMeters()) {
      before.add(m.getId());
    }
    io.micrometer.core.instrument.binder.jvm.JvmGcMetrics gc =
        new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics(commonTags);
    gc.bindTo(registry);
    jvmCloseables.add(gc);
    new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics(commonTags).bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics(commonTags).bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics(commonTags)
        .bindTo(registry);
    new io.micrometer.core.instrument.binder.system.ProcessorMetrics(commonTags)
        .bindTo(registry);
    new io.micrometer.core.instrument.binder.system.UptimeMetrics(commonTags).bindTo(registry);
    for (io.micrometer.core.instrument.Meter m : registry.getMeters()) {
      if (!before.contains(m.getId())) {
        jvmMeters.add(m);
      }
    }
    jvmRegistry = registry;
  }

  /** Registers the alert meters: firing alerts, and per sink delivered/failed/dropped. */
  private void bindAlertMeters() {
    for (MeterRegistry leaf : leafRegistries) {
      if (leaf.find(MetricNames.ALERTS_FIRING).tags(commonTags).meters().stream()
          .anyMatch(m -> m.getId().getTags().size() == commonTags.stream().count())) {
        throw new IllegalArgumentException("another MonitorRegistry with alerts already exports "
            + MetricNames.ALERTS_FIRING + " with the common tags " + commonTags + " to " + leaf
            + "; give each registry a distinguishing common tag");
      }
    }
    for (MeterRegistry leaf : leafRegistries) {
      alertMeters.add(io.micrometer.core.instrument.Gauge.builder(MetricNames.ALERTS_FIRING,
              alerts, a -> a.active().size())
          .tags(commonTags).description("Alerts firing now (silenced ones included)")
          .register(leaf));
      for (SinkDispatcher d : dispatchers) {
        for (String outcome : List.of("delivered", "failed", "dropped")) {
          java.util.concurrent.atomic.AtomicLong n = outcome.equals("delivered") ? d.delivered
              : outcome.equals("failed") ? d.failed : d.dropped;
          alertMeters.add(io.micrometer.core.instrument.FunctionCounter.builder(
                  MetricNames.ALERT_DELIVERIES, n, java.util.concurrent.atomic.AtomicLong::get)
              .tags(commonTags).tag(MetricNames.TAG_SINK, d.name)
              .tag(MetricNames.TAG_OUTCOME, outcome)
              .description("Alert deliveries by sink and outcome").register(leaf));
        }
        alertMeters.add(io.micrometer.core.instrument.FunctionCounter.builder(
                MetricNames.ALERT_RETRIES, d, SinkDispatcher::retries)
            .tags(commonTags).tag(MetricNames.TAG_SINK, d.name)
            .description("Delivery attempts the sink retried").register(leaf));
      }
    }
  }

  public List<AlertEvent> activeAlerts() {
    return alerts.active();
  }

  public List<AlertEvent> alertHistory() {
    return alerts.history();
  }

  public void silence(Silence silence) {
    alerts.silence(silence);
  }

  public List<Silence> silences() {
    return alerts.silences();
  }

  public List<SinkStats> sinkStats() {
    List<SinkStats> out = new ArrayList<>();
    for (SinkDispatcher d : dispatchers) {
      out.add(new SinkStats(d.name, d.delivered.get(), d.failed.get(), d.dropped.get(),
          d.retries()));
    }
    return out;
  }

  /** Evaluates the alert rules on the snapshots of one tick and hands events to the sinks. */
  private void evaluateAlerts(Map<String, ModelSnapshot> snapshots, long now) {
    if (!alerts.hasRules() || snapshots.isEmpty()) {
      return;
    }
    try {
      List<AlertEvent> events = alerts.evaluate(snapshots.values(), now);
      List<AlertEvent> firing = alerts.deliveredFiring();
      for (SinkDispatcher d : dispatchers) {
        for (AlertEvent e : events) {
          d.offer(e);
        }
        d.offerRefresh(firing);
      }
    } catch (RuntimeException ex) { // a user signal that throws: count it, keep ticking
      registryErrors.record(Cause.INTERNAL, "alert evaluation failed", ex);
    }
  }

  /** The distinct non-composite registries reachable from {@code registry}. */
  private static List<MeterRegistry> leaves(MeterRegistry registry) {
    java.util.Set<MeterRegistry> out =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    collectLeaves(registry, out);
    return List.copyOf(out);
  }

  private static void collectLeaves(MeterRegistry registry, java.util.Set<MeterRegistry> out) {
    if (registry instanceof CompositeMeterRegistry) {
      for (MeterRegistry child : ((CompositeMeterRegistry) registry).getRegistries()) {
        collectLeaves(child, out);
      }
    } else {
      out.add(registry);
    }
  }

  public MonitorConfig defaultConfig() {
    return defaultConfig;
  }

  public Duration interval() {
    return interval;
  }

  public <I, O> ModelMonitor<I, O> monitor(String name, String version,
      FeatureSchema<? super I> schema, io.modelmonitor.drift.Baseline baseline,
      io.modelmonitor.drift.PredictionSpec<? super O> prediction,
      java.util.function.Function<? super I, ?> requestId, MonitorConfig config,
      List<String> stages) {
    return monitor(name, version, schema, baseline, prediction, requestId, config, stages,
        io.modelmonitor.ModelInfo.EMPTY);
  }

  /**
   * As above, with the model's static facts; they are set when the monitor is created (an
   * existing monitor keeps its own).
   */
  @SuppressWarnings("unchecked")
  public <I, O> ModelMonitor<I, O> monitor(String name, String version,
      FeatureSchema<? super I> schema, io.modelmonitor.drift.Baseline baseline,
      io.modelmonitor.drift.PredictionSpec<? super O> prediction,
      java.util.function.Function<? super I, ?> requestId, MonitorConfig config,
      List<String> stages, io.modelmonitor.ModelInfo info) {
    Entry existing = monitors.get(name);
    if (existing == null) {
      synchronized (lifecycleLock) {
        if (closed) { // checked under the lock: close() cannot miss a monitor created now
          throw new IllegalStateException("MonitorRegistry is closed; cannot create monitor "
              + name);
        }
        existing = monitors.get(name);
        if (existing == null) {
          Entry created = create(name, version, schema, baseline, prediction, requestId, config,
              stages, info);
          monitors.put(name, created);
          startReporter();
          return (ModelMonitor<I, O>) created.monitor;
        }
      }
    }
    DefaultModelMonitor<?, ?> m = existing.monitor;
    if (!m.version().equals(version)) {
      throw new IllegalArgumentException("model '" + name + "' is already monitored as version '"
          + m.version() + "'; cannot monitor it again as version '" + version
          + "' (one monitor per model name)");
    }
    if (!m.config().equals(config)) {
      throw new IllegalArgumentException("model '" + name + ':' + version
          + "' is already monitored with another configuration: " + m.config());
    }
    if (!java.util.Objects.equals(m.schemaOrNull(), schema)) {
      throw new IllegalArgumentException("model '" + name + ':' + version
          + "' is already monitored with another feature schema: " + m.schemaOrNull());
    }
    if (!java.util.Objects.equals(m.baselineOrNull(), baseline)) {
      throw new IllegalArgumentException("model '" + name + ':' + version
          + "' is already monitored with another baseline");
    }
    String kind = prediction == null ? "none" : prediction.kind();
    if (!m.predictionKind().equals(kind)) {
      throw new IllegalArgumentException("model '" + name + ':' + version
          + "' is already monitored with a " + m.predictionKind() + " prediction spec, not "
          + kind);
    }
    if (!m.stages().equals(stages)) {
      throw new IllegalArgumentException("model '" + name + ':' + version
          + "' is already monitored with the stages " + m.stages() + ", not " + stages);
    }
    return (ModelMonitor<I, O>) m;
  }

  private Entry create(String name, String version, FeatureSchema<?> schema,
      io.modelmonitor.drift.Baseline baseline, io.modelmonitor.drift.PredictionSpec<?> prediction,
      java.util.function.Function<?, ?> requestId, MonitorConfig config, List<String> stages,
      io.modelmonitor.ModelInfo info) {
    @SuppressWarnings({"unchecked", "rawtypes"})
    DefaultModelMonitor<?, ?> monitor = new DefaultModelMonitor(name, version, config, ticker,
        clock, schema, baseline, prediction, requestId, stages);
    monitor.info(info);
    Entry entry = new Entry(monitor);
    try {
      for (MeterRegistry leaf : leafRegistries) {
        MicrometerBinding.checkNotExported(leaf, commonTags, name, version);
      }
      for (MeterRegistry leaf : leafRegistries) {
        // the probe lives in Holder: touching PrometheusLatencyHistogram itself would load a
        // class implementing client_java's Collector, absent when the registry is optional
        boolean prometheus = PrometheusLatencyHistogram.Holder.AVAILABLE
            && PrometheusLatencyHistogram.isPrometheus(leaf);
        MicrometerBinding binding = new MicrometerBinding(monitor, leaf, commonTags, !prometheus);
        entry.bindings.add(binding);
        Tags exported = binding.exportedTags();
        if (prometheus && exported != null) {
          entry.undo.add(PrometheusLatencyHistogram.bind(leaf, monitor, exported));
        }
      }
    } catch (RuntimeException e) {
      unbind(entry);
      throw e;
    }
    return entry;
  }

  private static void unbind(Entry e) {
    for (MicrometerBinding b : e.bindings) {
      b.remove();
    }
    for (Runnable undo : e.undo) {
      undo.run();
    }
    e.bindings.clear();
    e.undo.clear();
  }

  public ModelMonitor<?, ?> find(String name) {
    Entry e = monitors.get(name);
    return e == null ? null : e.monitor;
  }

  public List<ModelMonitor<?, ?>> monitors() {
    List<ModelMonitor<?, ?>> out = new ArrayList<>();
    for (Entry e : monitors.values()) {
      out.add(e.monitor);
    }
    return out;
  }

  public void addListener(SnapshotListener listener) {
    listeners.add(listener);
  }

  public boolean removeListener(SnapshotListener listener) {
    return listeners.remove(listener);
  }

  /** Closes every monitor's window now and returns the snapshots, keyed by model name. */
  public Map<String, ModelSnapshot> tickNow() {
    return tick(true);
  }

  private Map<String, ModelSnapshot> tick(boolean force) {
    synchronized (tickLock) {
      Map<String, ModelSnapshot> out = new LinkedHashMap<>();
      Map<String, Entry> closed = new LinkedHashMap<>();
      long now = ticker.read();
      long minAge = interval.toNanos() / 2;
      for (Entry e : monitors.values()) {
        if (!force && e.monitor.windowAgeNanos(now) < minAge) {
          continue;
        }
        ModelSnapshot snapshot;
        try {
          snapshot = e.monitor.closeWindow(now);
        } catch (RuntimeException ex) { // e.g. a user clock failing; the other monitors go on
          e.monitor.errors().record(Cause.INTERNAL, "could not close the window", ex);
          continue;
        }
        out.put(e.monitor.name(), snapshot);
        closed.put(e.monitor.name(), e);
        for (MicrometerBinding b : e.bindings) {
          try {
            b.refresh();
          } catch (RuntimeException ex) {
            e.monitor.errors().record(Cause.INTERNAL, "could not refresh meters", ex);
          }
        }
      }
      // rules first, so listeners (the log reporter, say) see this window's alert state
      evaluateAlerts(out, now);
      for (Map.Entry<String, ModelSnapshot> s : out.entrySet()) {
        Entry e = closed.get(s.getKey());
        for (SnapshotListener listener : listeners) {
          try {
            listener.onSnapshot(s.getValue());
          } catch (RuntimeException ex) {
            e.monitor.errors().record(Cause.LISTENER, "snapshot listener " + listener
                + " threw", ex);
          }
        }
      }
      return out;
    }
  }

  private void startReporter() {
    // caller holds lifecycleLock
    if (reporter != null || closed) {
      return;
    }
    reporter = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "modelmonitor-reporter");
      t.setDaemon(true);
      return t;
    });
    long nanos = interval.toNanos();
    reporter.scheduleAtFixedRate(this::scheduledTick, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  private void scheduledTick() {
    try {
      tick(false);
    } catch (Throwable t) { // a scheduled task that throws is never run again
      registryErrors.record(Cause.INTERNAL, "reporter tick failed", t);
    }
  }

  public boolean isReporterRunning() {
    synchronized (lifecycleLock) {
      return reporter != null && !reporter.isShutdown();
    }
  }

  public boolean isClosed() {
    return closed;
  }

  /** Stops the reporter, flushes the last window to the listeners and removes the meters. */
  public void close() {
    ScheduledExecutorService toStop;
    synchronized (lifecycleLock) {
      if (closed) {
        return;
      }
      closed = true;
      toStop = reporter;
      reporter = null;
    }
    if (toStop != null) {
      toStop.shutdown();
      try {
        if (!toStop.awaitTermination(5, TimeUnit.SECONDS)) {
          toStop.shutdownNow();
        }
      } catch (InterruptedException e) {
        toStop.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    try {
      tick(true);
    } finally {
      for (Entry e : monitors.values()) {
        unbind(e);
      }
      SinkDispatcher.closeAll(dispatchers, ALERT_DRAIN);
      for (io.micrometer.core.instrument.Meter m : alertMeters) {
        for (MeterRegistry leaf : leafRegistries) {
          leaf.remove(m);
        }
      }
      for (AutoCloseable c : jvmCloseables) {
        try {
          c.close();
        } catch (Exception e) {
          registryErrors.record(Cause.INTERNAL, "could not close a JVM metrics binder", e);
        }
      }
      for (io.micrometer.core.instrument.Meter m : jvmMeters) {
        jvmRegistry.remove(m);
      }
    }
    LOG.debug("MonitorRegistry closed with {} monitors", monitors.size());
  }
}
