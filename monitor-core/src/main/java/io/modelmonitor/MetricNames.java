package io.modelmonitor;

/**
 * Every meter name and tag key ModelMonitor exports, in Micrometer's dot notation.
 *
 * <p>Registries translate them to their own conventions; Prometheus, for example, turns
 * {@link #LATENCY} into {@code model_prediction_latency_seconds} and {@link #PREDICTIONS} into
 * {@code model_predictions_total}. Times are exported in the registry's base time unit (seconds
 * for Prometheus). Every tag value comes from a closed set: model names and versions from code,
 * outcomes and causes from fixed lists, exception types capped by
 * {@link MonitorConfig#maxErrorTypes()}.
 */
public final class MetricNames {

  /**
   * Latency of completed calls (success and error). On a Prometheus registry a histogram with
   * {@code le} buckets from {@link MonitorConfig#latencyBuckets()}; elsewhere a function timer
   * (count and total time).
   */
  public static final String LATENCY = "model.prediction.latency";

  /** Latency percentiles of the last closed window, tagged {@link #TAG_PHI}. */
  public static final String LATENCY_PERCENTILE = "model.prediction.latency.percentile";

  /** Largest latency of the last closed window. */
  public static final String LATENCY_MAX = "model.prediction.latency.max";

  /**
   * Duration of each declared stage of a call (input conversion, inference, ...), tagged
   * {@link #TAG_STAGE}: a function timer (count and total time since start). Present only for
   * monitors that declare stages.
   */
  public static final String STAGE_LATENCY = "model.stage.latency";

  /** Calls by outcome, tagged {@link #TAG_OUTCOME}: {@code success}, {@code error}, {@code rejected}. */
  public static final String PREDICTIONS = "model.predictions";

  /** Failed calls by exception type, tagged {@link #TAG_EXCEPTION}. */
  public static final String ERRORS = "model.prediction.errors";

  /** Calls started and not yet finished. */
  public static final String ACTIVE = "model.predictions.active";

  /** In-flight calls over {@code MonitorConfig.concurrencyLimit()}: a gauge, 1 = full. */
  public static final String SATURATION = "model.predictions.saturation";

  /** Number of batch calls. */
  public static final String BATCHES = "model.prediction.batches";

  /** Number of items in all batch calls. */
  public static final String BATCH_ITEMS = "model.prediction.batch.items";

  /**
   * Inputs violating the feature schema, tagged {@link #TAG_FEATURE} (a schema feature,
   * {@code _unexpected} or {@code _input}) and {@link #TAG_KIND} (such as {@code out_of_range}).
   */
  public static final String INPUT_VIOLATIONS = "model.input.violations";

  /** Inputs with at least one schema violation. */
  public static final String INVALID_INPUTS = "model.input.invalid";

  /**
   * Drift of a feature (or {@code _prediction}) against the baseline in the last closed window,
   * tagged {@link #TAG_FEATURE} and {@link #TAG_STATISTIC}; 0 while the window had fewer samples
   * than the policy's minimum (see {@link #DRIFT_SAMPLES}), never NaN.
   */
  public static final String DRIFT = "model.drift";

  /** Live observations of a feature in the last closed window, tagged {@link #TAG_FEATURE}. */
  public static final String DRIFT_SAMPLES = "model.drift.samples";

  /**
   * Drift verdict of a feature in the last closed window: 0 no data, 1 ok, 2 warn, 3 alert
   * (the ordinal of {@code DriftStatus}), tagged {@link #TAG_FEATURE}.
   */
  public static final String DRIFT_STATUS = "model.drift.status";

  /**
   * Live observations per baseline bin since start, tagged {@link #TAG_FEATURE} and
   * {@link #TAG_BIN}: a counter, for fleet-wide drift in Prometheus.
   */
  public static final String DRIFT_BIN_OBSERVATIONS = "model.drift.bin.observations";

  /** The baseline's share of each bin, tagged {@link #TAG_FEATURE} and {@link #TAG_BIN}. */
  public static final String DRIFT_BASELINE_SHARE = "model.drift.baseline.share";

  /**
   * The score distribution of the last closed window, tagged {@link #TAG_STATISTIC}:
   * {@code mean}, {@code p50}, {@code p90}, {@code p99}, {@code below_baseline_p1},
   * {@code above_baseline_p99}, {@code repeat_share}.
   */
  public static final String PREDICTION_SCORE = "model.prediction.score";

  /**
   * What a ranking model recommended in the last closed window, tagged {@link #TAG_STATISTIC}:
   * {@code coverage}, {@code gini}, {@code top_share}, {@code overflow_share}, {@code distinct}.
   */
  public static final String RECOMMENDATIONS = "model.recommendations";

  /**
   * Training-serving skew of a scaled feature in the last closed window, tagged
   * {@link #TAG_FEATURE}: 0 no data, 1 ok, 2 unscaled, 3 double scaled, 4 shifted.
   */
  public static final String SKEW_STATUS = "model.skew.status";

  /**
   * Predictions and feedback by what happened to them, tagged {@link #TAG_OUTCOME}:
   * {@code remembered}, {@code joined}, {@code late}, {@code unknown}, {@code duplicate},
   * {@code expired_negative}, {@code expired_dropped}, {@code evicted}, {@code event} (item events
   * joined to ranked lists).
   */
  public static final String FEEDBACK = "model.feedback";

  /** Predictions waiting for feedback now. */
  public static final String FEEDBACK_PENDING = "model.feedback.pending";

  /**
   * Online quality from delayed feedback in the last closed window, tagged
   * {@link #TAG_STATISTIC}: {@code positive_rate}, {@code mean_predicted}, {@code calibration},
   * {@code log_loss}, {@code brier}, {@code auc}, {@code offline_auc}, {@code mrr},
   * {@code labelled}, {@code delay_p50_seconds}, {@code delay_p99_seconds}.
   */
  public static final String QUALITY = "model.quality";

  /**
   * Ranked-list quality of the last closed window, tagged {@link #TAG_K} and
   * {@link #TAG_STATISTIC}: {@code precision}, {@code recall}, {@code ndcg}, {@code hit_rate}.
   */
  public static final String QUALITY_RANKING = "model.quality.ranking";

  /** The CUSUM statistic of the label stream now (it alarms at {@code ln(runLength)}). */
  public static final String QUALITY_CUSUM = "model.quality.cusum";

  /** CUSUM alarms since start. */
  public static final String QUALITY_CUSUM_ALARMS = "model.quality.cusum.alarms";

  /** Alerts firing now across every model (silenced ones included): a gauge. */
  public static final String ALERTS_FIRING = "model.alerts.firing";

  /** Alert deliveries, tagged {@link #TAG_SINK} and {@link #TAG_OUTCOME} (delivered, failed,
   * dropped). */
  public static final String ALERT_DELIVERIES = "model.alert.deliveries";

  /** Delivery attempts an alert sink retried, tagged {@link #TAG_SINK}. */
  public static final String ALERT_RETRIES = "model.alert.retries";

  /** Failures inside monitoring itself, tagged {@link #TAG_CAUSE}. */
  public static final String MONITOR_ERRORS = "model.monitor.errors";

  /**
   * Static facts about the model ({@link ModelInfo#labels()}) as the tags of a gauge of value
   * 1; Prometheus: {@code model_info}. Present only for monitors created with a
   * {@link ModelInfo}.
   */
  public static final String INFO = "model.info";

  /** Time ONNX Runtime took to load the model and create its session (seconds). */
  public static final String ONNX_LOAD_DURATION = "model.onnx.load.duration";

  /** Size of the ONNX model as loaded (bytes). */
  public static final String ONNX_SIZE = "model.onnx.size";

  /**
   * Growth of the process's resident memory while the ONNX model was loaded (bytes): an
   * estimate of its native footprint; NaN where the resident set size cannot be read.
   */
  public static final String ONNX_MEMORY_FOOTPRINT = "model.onnx.memory.footprint";

  /**
   * The process's resident memory around loading the ONNX model (bytes), tagged
   * {@link #TAG_PHASE}: {@code before_load}, {@code after_load}; NaN where it cannot be read.
   */
  public static final String ONNX_MEMORY_RESIDENT = "model.onnx.memory.resident";

  /**
   * Threads the ONNX Runtime session was configured with, tagged {@link #TAG_KIND}:
   * {@code intra_op}, {@code inter_op}; 0 means ONNX Runtime's default.
   */
  public static final String ONNX_THREADS = "model.onnx.threads";

  /**
   * How a challenger's scores differ from the champion's on the same rows, tagged
   * {@link #TAG_CHALLENGER} and {@link #TAG_STATISTIC}: {@code mean_abs_diff},
   * {@code exceed_share} (share of rows that disagree: difference beyond the tolerance, or NaN
   * on one side only), {@code top_k_overlap}, {@code nan_share} (share of rows with NaN on
   * either side).
   */
  public static final String SHADOW_DISAGREEMENT = "model.shadow.disagreement";

  /**
   * Drift of the challenger's score distribution against the champion's over the compared
   * rows kept, tagged {@link #TAG_CHALLENGER} and {@link #TAG_STATISTIC} (as {@link #DRIFT}).
   */
  public static final String SHADOW_DRIFT = "model.shadow.drift";

  /**
   * Challenger calls by what happened to them, tagged {@link #TAG_CHALLENGER} and
   * {@link #TAG_OUTCOME}: {@code compared}, {@code dropped} (queue full), {@code failed}.
   */
  public static final String SHADOW_CALLS = "model.shadow.calls";

  /** Rows compared between champion and challenger since start. */
  public static final String SHADOW_ROWS = "model.shadow.rows";

  /** Tag key: the model name. */
  public static final String TAG_MODEL = "model";

  /** Tag key: the model version. */
  public static final String TAG_VERSION = "version";

  /** Tag key: how a call ended. */
  public static final String TAG_OUTCOME = "outcome";

  /** Tag key: simple class name of the exception, or {@code other}. */
  public static final String TAG_EXCEPTION = "exception";

  /** Tag key: the percentile, as Micrometer names it ({@code 0.99}). */
  public static final String TAG_PHI = "phi";

  /** Tag key: the feature a violation concerns. */
  public static final String TAG_FEATURE = "feature";

  /** Tag key: the kind of a violation. */
  public static final String TAG_KIND = "kind";

  /** Tag key: the drift statistic, such as {@code psi} or {@code jensen_shannon}. */
  public static final String TAG_STATISTIC = "statistic";

  /** Tag key: the cut-off of a ranked metric (from the configured closed set). */
  public static final String TAG_K = "k";

  /** Tag key: a stage of a call, from the closed set the monitor declared. */
  public static final String TAG_STAGE = "stage";

  /**
   * Tag key: on a model's resource gauges, when the measurement was taken
   * ({@code before_load}, {@code after_load}).
   */
  public static final String TAG_PHASE = "phase";

  /** Tag key: the cause of a monitor error. */
  public static final String TAG_CAUSE = "cause";

  /** Tag key: a baseline bin's index ({@code 0}, {@code 1}, ...) or {@link #BIN_MISSING}. */
  public static final String TAG_BIN = "bin";

  /** Tag value of the bin counting missing values (absent, null, NaN). */
  public static final String BIN_MISSING = "missing";

  /** Tag key: an alert sink's name. */
  public static final String TAG_SINK = "sink";


  /** Tag key: the challenger model of a shadow comparison ({@code name:version}). */
  public static final String TAG_CHALLENGER = "challenger";

  /** Outcome tag value of a call that returned normally. */
  public static final String OUTCOME_SUCCESS = "success";

  /** Outcome tag value of a call that threw. */
  public static final String OUTCOME_ERROR = "error";

  /** Outcome tag value of a call refused before the model ran. */
  public static final String OUTCOME_REJECTED = "rejected";

  private MetricNames() {}
}
