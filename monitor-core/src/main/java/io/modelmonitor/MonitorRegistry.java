package io.modelmonitor;

import io.micrometer.core.instrument.MeterRegistry;
import io.modelmonitor.alert.AlertEvent;
import io.modelmonitor.alert.AlertRule;
import io.modelmonitor.alert.AlertSink;
import io.modelmonitor.alert.Silence;
import io.modelmonitor.alert.SinkStats;
import io.modelmonitor.internal.RegistryCore;
import io.modelmonitor.schema.FeatureSchema;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The process-wide hub of ModelMonitor: creates one {@link ModelMonitor} per model name, owns the
 * reporter thread that closes reporting windows, and binds every monitor to the service's
 * Micrometer {@link MeterRegistry}.
 *
 * <pre>{@code
 * MonitorRegistry registry = MonitorRegistry.builder()
 *     .meterRegistry(meterRegistry)          // optional
 *     .reportingInterval(Duration.ofSeconds(10))
 *     .commonTag("service", "recommendations")
 *     .build();
 * ModelMonitor<float[], Float> ctr = registry.monitor("ctr", "2024-06-01");
 * }</pre>
 *
 * <p>Windows: every {@link Builder#reportingInterval(Duration) reporting interval} the reporter
 * thread (one daemon thread, started with the first monitor) closes the window of each monitor,
 * produces its {@link ModelSnapshot} and hands it to the {@link SnapshotListener}s. Windows are
 * measured with the registry's {@link Ticker}: a fake ticker that does not advance never closes a
 * window on its own, so tests advance the ticker and call {@link #tickNow()}.
 *
 * <p>Thread-safe. {@link #close()} stops the reporter, flushes the last window to the listeners
 * and removes the registry's meters; monitors keep working after it (their calls still record),
 * but no more windows close.
 */
public final class MonitorRegistry implements AutoCloseable {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");
  private static final Pattern STAGE = Pattern.compile("[a-z][a-z0-9_]{0,31}");
  private static final int MAX_STAGES = 16;

  private final RegistryCore core;
  private final Map<String, String> commonTags;

  private MonitorRegistry(Builder b) {
    this.commonTags = Collections.unmodifiableMap(new LinkedHashMap<>(b.commonTags));
    this.core = new RegistryCore(b.ticker, b.clock, b.reportingInterval, commonTags,
        b.meterRegistry,
        b.defaultConfig, b.alertRules, b.alertSinks, b.alertWarmUp, b.alertQueueCapacity,
        b.jvmMetrics);
  }

  /**
   * Returns a builder with the defaults: system ticker and UTC clock, no meter registry, a
   * 10-second reporting interval, no common tags, {@link MonitorConfig#ofDefaults()}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the monitor of model {@code name}, creating it with the registry's default
   * configuration on first use.
   *
   * @param name the model name: 1 to 128 characters of {@code [A-Za-z0-9._:/-]}, starting with a
   *     letter or digit
   * @param version the model version, same rules as the name
   * @param <I> the model's input type
   * @param <O> the model's output type
   * @return the monitor; the same instance for the same name and version
   * @throws IllegalArgumentException if a name or version is invalid, or the model is already
   *     monitored with another version or another configuration
   * @throws IllegalStateException if the registry is closed
   */
  public <I, O> ModelMonitor<I, O> monitor(String name, String version) {
    return monitor(name, version, core.defaultConfig());
  }

  /**
   * Returns the monitor of model {@code name}, creating it with {@code config} on first use.
   *
   * @param name the model name (see {@link #monitor(String, String)})
   * @param version the model version
   * @param config the monitor's policy
   * @param <I> the model's input type
   * @param <O> the model's output type
   * @return the monitor; the same instance for the same name, version and configuration
   * @throws IllegalArgumentException if a name or version is invalid, or the model is already
   *     monitored with another version or another configuration
   * @throws IllegalStateException if the registry is closed
   */
  public <I, O> ModelMonitor<I, O> monitor(String name, String version, MonitorConfig config) {
    checkName("model name", name);
    checkName("model version", version);
    Objects.requireNonNull(config, "config");
    return core.monitor(name, version, null, null, null, null, config, List.of());
  }

  /**
   * Returns the monitor of model {@code name} whose inputs are checked against {@code schema},
   * creating it with the registry's default configuration on first use.
   *
   * @param name the model name (see {@link #monitor(String, String)})
   * @param version the model version
   * @param schema the features the model was trained on
   * @param <I> the model's input type
   * @param <O> the model's output type
   * @return the monitor; the same instance for the same name, version, schema and configuration
   * @throws IllegalArgumentException if a name or version is invalid, or the model is already
   *     monitored with another version, schema or configuration
   * @throws IllegalStateException if the registry is closed
   */
  public <I, O> ModelMonitor<I, O> monitor(String name, String version,
      FeatureSchema<? super I> schema) {
    return monitor(name, version, schema, core.defaultConfig());
  }

  /**
   * Returns the monitor of model {@code name} whose inputs are checked against {@code schema}
   * under {@link MonitorConfig#schemaPolicy()}, creating it with {@code config} on first use.
   *
   * @param name the model name (see {@link #monitor(String, String)})
   * @param version the model version
   * @param schema the features the model was trained on
   * @param config the monitor's policy
   * @param <I> the model's input type
   * @param <O> the model's output type
   * @return the monitor; the same instance for the same name, version, schema and configuration
   * @throws IllegalArgumentException if a name or version is invalid, or the model is already
   *     monitored with another version, schema or configuration
   * @throws IllegalStateException if the registry is closed
   */
  public <I, O> ModelMonitor<I, O> monitor(String name, String version,
      FeatureSchema<? super I> schema, MonitorConfig config) {
    checkName("model name", name);
    checkName("model version", version);
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(config, "config");
    return core.monitor(name, version, schema, null, null, null, config, List.of());
  }

  /**
   * Starts describing a monitor with everything it may compare against: input schema, training
   * baseline, prediction spec, configuration. {@link MonitorBuilder#build()} returns the monitor
   * of that name, creating it on first use.
   *
   * <pre>{@code
   * ModelMonitor<Map<String, Object>, Float> ctr = registry
   *     .<Map<String, Object>, Float>monitorBuilder("ctr", "v7")
   *     .schema(schema)
   *     .baseline(Baseline.read(Path.of("ctr-v7.baseline.json")))
   *     .prediction(PredictionSpec.score(Float::doubleValue))
   *     .build();
   * }</pre>
   *
   * @param name the model name (see {@link #monitor(String, String)})
   * @param version the model version
   * @param <I> the model's input type
   * @param <O> the model's output type
   * @return a builder
   */
  public <I, O> MonitorBuilder<I, O> monitorBuilder(String name, String version) {
    return new MonitorBuilder<>(name, version);
  }

  /**
   * Describes one monitor; see {@link #monitorBuilder(String, String)}. Not thread-safe.
   *
   * @param <I> the model's input type
   * @param <O> the model's output type
   */
  public final class MonitorBuilder<I, O> {

    private final String name;
    private final String version;
    private FeatureSchema<? super I> schema;
    private io.modelmonitor.drift.Baseline baseline;
    private io.modelmonitor.drift.PredictionSpec<? super O> prediction;
    private MonitorConfig config = core.defaultConfig();
    private java.util.function.Function<? super I, ?> requestId;
    private List<String> stages = List.of();
    private ModelInfo info = ModelInfo.EMPTY;

    private MonitorBuilder(String name, String version) {
      checkName("model name", name);
      checkName("model version", version);
      this.name = name;
      this.version = version;
    }

    /**
     * Sets the schema every input is checked against; it also reads the features whose
     * distributions are compared with the baseline.
     *
     * @param schema the schema
     * @return this builder
     */
    public MonitorBuilder<I, O> schema(FeatureSchema<? super I> schema) {
      this.schema = Objects.requireNonNull(schema, "schema");
      return this;
    }

    /**
     * Sets the training baseline live feature and prediction distributions are compared with.
     *
     * @param baseline the baseline; its feature profiles must fit the schema's feature types
     * @return this builder
     */
    public MonitorBuilder<I, O> baseline(io.modelmonitor.drift.Baseline baseline) {
      this.baseline = Objects.requireNonNull(baseline, "baseline");
      return this;
    }

    /**
     * Sets what to observe in the model's output.
     *
     * @param prediction a score or label spec
     * @return this builder
     */
    public MonitorBuilder<I, O> prediction(
        io.modelmonitor.drift.PredictionSpec<? super O> prediction) {
      this.prediction = Objects.requireNonNull(prediction, "prediction");
      return this;
    }

    /**
     * Reads the request id of every input, so each prediction is remembered for the delayed
     * feedback that will carry the same id ({@link ModelMonitor#feedback(Object, boolean)}).
     * Needs a score or ranked prediction spec.
     *
     * @param requestId reads the id; a null id means "do not remember this one"
     * @return this builder
     */
    public MonitorBuilder<I, O> requestId(java.util.function.Function<? super I, ?> requestId) {
      this.requestId = Objects.requireNonNull(requestId, "requestId");
      return this;
    }

    /**
     * Sets the monitor's policy.
     *
     * @param config the configuration; default the registry's
     * @return this builder
     */
    public MonitorBuilder<I, O> config(MonitorConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets static facts about the model (origin, load cost): carried by every snapshot and
     * exported as {@link MetricNames#INFO} and one gauge per measurement. They belong to the
     * monitor when it is created; a later builder of the same monitor does not change them.
     *
     * @param info the facts; default {@link ModelInfo#EMPTY}
     * @return this builder
     */
    public MonitorBuilder<I, O> info(ModelInfo info) {
      this.info = Objects.requireNonNull(info, "info");
      return this;
    }

    /**
     * Returns the monitor of this name, creating it on first use.
     *
     * @return the monitor
     * @throws IllegalArgumentException if the model is already monitored differently, or the
     *     baseline does not fit the schema or the prediction spec
     * @throws IllegalStateException if the registry is closed
     */
    public ModelMonitor<I, O> build() {
      return core.monitor(name, version, schema, baseline, prediction, requestId, config,
          stages, info);
    }

    /**
     * Declares the named stages of a call (for example {@code "input"}, {@code "inference"},
     * {@code "output"}) whose durations the caller records with
     * {@link ModelMonitor#recordStage(int, long)}, so users see where the time of a call goes.
     * The set is closed and fixed here: each stage is a {@code stage} tag value of
     * {@link MetricNames#STAGE_LATENCY} and a key of {@link ModelSnapshot#totalStages()}.
     *
     * @param names 1 to 16 distinct names of 1 to 32 characters of {@code [a-z0-9_]}, starting
     *     with a letter; their order gives the stage indexes; default none
     * @return this builder
     * @throws IllegalArgumentException if a name is invalid or repeated, or there are none or
     *     more than 16
     */
    public MonitorBuilder<I, O> stages(String... names) {
      Objects.requireNonNull(names, "names");
      if (names.length < 1 || names.length > MAX_STAGES) {
        throw new IllegalArgumentException("1.." + MAX_STAGES + " stages expected: "
            + names.length);
      }
      List<String> checked = new ArrayList<>();
      for (String n : names) {
        Objects.requireNonNull(n, "stage name");
        if (!STAGE.matcher(n).matches()) {
          throw new IllegalArgumentException("stage name must be 1..32 characters of [a-z0-9_] "
              + "starting with a letter: '" + n + "'");
        }
        if (checked.contains(n)) {
          throw new IllegalArgumentException("stage '" + n + "' declared twice");
        }
        checked.add(n);
      }
      this.stages = List.copyOf(checked);
      return this;
    }
  }

  /**
   * Returns the monitor of model {@code name} if one exists.
   *
   * @param name the model name
   * @return the monitor, or empty
   */
  public Optional<ModelMonitor<?, ?>> find(String name) {
    return Optional.ofNullable(core.find(name));
  }

  /**
   * Returns all monitors, in no particular order.
   *
   * @return an unmodifiable copy
   */
  public List<ModelMonitor<?, ?>> monitors() {
    return List.copyOf(core.monitors());
  }

  /**
   * Adds a listener that receives every snapshot when a window closes.
   *
   * @param listener the listener; not null
   */
  public void addSnapshotListener(SnapshotListener listener) {
    core.addListener(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Removes a listener added with {@link #addSnapshotListener(SnapshotListener)}.
   *
   * @param listener the listener
   * @return whether it was registered
   */
  public boolean removeSnapshotListener(SnapshotListener listener) {
    return core.removeListener(listener);
  }

  /**
   * Closes the current window of every monitor now, whatever its age, on the calling thread,
   * and notifies the listeners. Tests use it with a fake ticker to drive windows
   * deterministically.
   *
   * @return the snapshots of the closed windows, keyed by model name, in no particular order
   */
  public Map<String, ModelSnapshot> tickNow() {
    return Collections.unmodifiableMap(core.tickNow());
  }

  /**
   * Returns the alerts firing now, one per rule and model, with the signal's value at the last
   * evaluation; silenced ones included (marked).
   *
   * @return an unmodifiable list
   */
  public List<AlertEvent> activeAlerts() {
    return core.activeAlerts();
  }

  /**
   * Returns the last 1,000 alert events (firing, repeated, resolved; silenced ones included),
   * oldest first.
   *
   * @return an unmodifiable copy
   */
  public List<AlertEvent> alertHistory() {
    return core.alertHistory();
  }

  /**
   * Mutes matching alerts until the silence ends: their state keeps changing and they stay
   * listed, but no sink receives them.
   *
   * @param silence the silence
   */
  public void silence(Silence silence) {
    core.silence(Objects.requireNonNull(silence, "silence"));
  }

  /**
   * Returns the silences that have not ended.
   *
   * @return an unmodifiable copy
   */
  public List<Silence> silences() {
    return core.silences();
  }

  /**
   * Returns each alert sink's delivery counts, in the order the sinks were added.
   *
   * @return one entry per sink
   */
  public List<SinkStats> alertSinkStats() {
    return List.copyOf(core.sinkStats());
  }

  /**
   * Returns the tags this registry adds to every meter it registers, so that components
   * exporting their own meters beside it (such as a shadow comparison) can carry them too.
   *
   * @return the common tags, in the order they were added; unmodifiable
   */
  public Map<String, String> commonTags() {
    return commonTags;
  }

  /**
   * Returns the reporting interval.
   *
   * @return the interval
   */
  public Duration reportingInterval() {
    return core.interval();
  }

  /**
   * Returns whether the reporter thread is running (it starts with the first monitor and stops
   * with {@link #close()}).
   *
   * @return true while it runs
   */
  public boolean isReporterRunning() {
    return core.isReporterRunning();
  }

  /**
   * Stops the reporter thread, closes the last window (listeners receive it, alert rules are
   * evaluated on it), gives the alert sinks up to 5 seconds in all to deliver what is queued and
   * removes every meter this registry registered. Idempotent.
   */
  @Override
  public void close() {
    core.close();
  }

  private static void checkName(String what, String value) {
    Objects.requireNonNull(value, what);
    if (!NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " must be 1..128 characters of [A-Za-z0-9._:/-] "
          + "starting with a letter or digit: '" + value + "'");
    }
  }

  /** Builds a {@link MonitorRegistry}. Not thread-safe; each setter validates at once. */
  public static final class Builder {

    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();
    private MeterRegistry meterRegistry;
    private Duration reportingInterval = Duration.ofSeconds(10);
    private final Map<String, String> commonTags = new LinkedHashMap<>();
    private MonitorConfig defaultConfig = MonitorConfig.ofDefaults();
    private final List<AlertRule> alertRules = new ArrayList<>();
    private final List<AlertSink> alertSinks = new ArrayList<>();
    private Duration alertWarmUp = Duration.ofMinutes(1);
    private int alertQueueCapacity = 1_000;
    private boolean jvmMetrics;

    private Builder() {}

    /**
     * Also binds Micrometer's JVM and system binders to the meter registry (heap and non-heap
     * memory, GC pauses and allocation, threads, class loading, process and system CPU,
     * uptime), with the common tags, so the model's latency can be read next to the resources
     * of the process that serves it. Skip it when the service binds them already (Spring Boot
     * Actuator does). {@link MonitorRegistry#close()} unbinds them.
     *
     * @return this builder
     */
    public Builder jvmMetrics() {
      this.jvmMetrics = true;
      return this;
    }

    /**
     * Adds an alert rule, evaluated for every model it applies to each time a window closes.
     *
     * @param rule the rule; its name must differ from the rules already added
     * @return this builder
     * @throws IllegalArgumentException if a rule of that name was already added
     */
    public Builder alertRule(AlertRule rule) {
      Objects.requireNonNull(rule, "rule");
      for (AlertRule r : alertRules) {
        if (r.name().equals(rule.name())) {
          throw new IllegalArgumentException("alert rule " + rule.name() + " added twice");
        }
      }
      alertRules.add(rule);
      return this;
    }

    /**
     * Adds alert rules, such as {@link io.modelmonitor.alert.AlertRules#defaults()}.
     *
     * @param rules the rules
     * @return this builder
     * @throws IllegalArgumentException if two rules share a name
     */
    public Builder alertRules(java.util.Collection<AlertRule> rules) {
      for (AlertRule r : rules) {
        alertRule(r);
      }
      return this;
    }

    /**
     * Adds a sink that receives alert events on its own thread through a bounded queue.
     *
     * @param sink the sink, such as a {@link io.modelmonitor.alert.LogSink}, a
     *     {@link io.modelmonitor.alert.WebhookSink}, an
     *     {@link io.modelmonitor.alert.AlertmanagerSink} or a lambda
     * @return this builder
     */
    public Builder alertSink(AlertSink sink) {
      alertSinks.add(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /**
     * Sets how long after a model's first closed window none of its alerts may fire: the first
     * windows of a fresh process or model are short on data and its caches cold. Rules still
     * track pending state meanwhile.
     *
     * @param warmUp zero or more; default 1 minute
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder alertWarmUp(Duration warmUp) {
      Objects.requireNonNull(warmUp, "warmUp");
      if (warmUp.isNegative()) {
        throw new IllegalArgumentException("alert warm-up must not be negative: " + warmUp);
      }
      this.alertWarmUp = warmUp;
      return this;
    }

    /**
     * Sets how many events each sink may have queued; beyond it events are dropped (counted).
     *
     * @param capacity 1 to 1,000,000; default 1,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder alertQueueCapacity(int capacity) {
      if (capacity < 1 || capacity > 1_000_000) {
        throw new IllegalArgumentException("alert queue capacity must be 1..1000000: "
            + capacity);
      }
      this.alertQueueCapacity = capacity;
      return this;
    }

    /**
     * Sets the time source of every latency and window.
     *
     * @param ticker the ticker; default {@link Ticker#system()}
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Sets the wall clock used for snapshot timestamps.
     *
     * @param clock the clock; default {@link Clock#systemUTC()}
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the Micrometer registry every monitor registers its meters in. A
     * {@code CompositeMeterRegistry} is bound through the registries it holds at build time.
     *
     * @param meterRegistry the registry; default none
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
      return this;
    }

    /**
     * Sets the length of a reporting window.
     *
     * @param interval 100 ms to 1 hour; default 10 seconds
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder reportingInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofMillis(100)) < 0
          || interval.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("reporting interval must be 100ms..1h: " + interval);
      }
      this.reportingInterval = interval;
      return this;
    }

    /**
     * Adds a tag to every exported meter, such as the service or the region. Values are static,
     * so they stay a closed set.
     *
     * @param key tag key; not {@code model} or {@code version}, which every meter already has
     * @param value tag value
     * @return this builder
     * @throws IllegalArgumentException if the key is blank or reserved, or the value is blank
     */
    public Builder commonTag(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (key.isBlank() || value.isBlank()) {
        throw new IllegalArgumentException("common tag key and value must not be blank: '"
            + key + "'='" + value + "'");
      }
      if (key.equals(MetricNames.TAG_MODEL) || key.equals(MetricNames.TAG_VERSION)) {
        throw new IllegalArgumentException("common tag key '" + key + "' is reserved");
      }
      commonTags.put(key, value);
      return this;
    }

    /**
     * Sets the configuration of monitors created without one.
     *
     * @param config the configuration; default {@link MonitorConfig#ofDefaults()}
     * @return this builder
     */
    public Builder defaultConfig(MonitorConfig config) {
      this.defaultConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Builds the registry. Each alert sink's delivery thread (a daemon) starts now; the reporter
     * thread starts with the first monitor.
     *
     * @return the registry
     */
    public MonitorRegistry build() {
      return new MonitorRegistry(this);
    }
  }
}
