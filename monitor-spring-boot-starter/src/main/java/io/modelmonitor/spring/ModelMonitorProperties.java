package io.modelmonitor.spring;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the auto-configured {@code MonitorRegistry}, bound from the {@code modelmonitor}
 * prefix. Every property is optional; the defaults are those of {@code MonitorRegistry.builder()}.
 * Mutable, filled in once by Spring when the context starts; not meant to be changed afterwards.
 *
 * <pre>
 * modelmonitor.reporting-interval=10s
 * modelmonitor.common-tags.region=eu-west-1
 * modelmonitor.models.ctr.version=v7
 * modelmonitor.models.ctr.schema=/etc/models/ctr-schema.json
 * modelmonitor.models.ctr.baseline=/etc/models/ctr-baseline.json
 * modelmonitor.models.ctr.prediction=score
 * modelmonitor.models.ctr.request-id=request_id
 * modelmonitor.dashboard.enabled=true
 * modelmonitor.dashboard.token=${DASHBOARD_TOKEN}
 * </pre>
 */
@ConfigurationProperties(prefix = "modelmonitor")
public class ModelMonitorProperties {

  /** Length of one reporting window (snapshots, drift, alert evaluation); 100ms..1h. */
  private Duration reportingInterval = Duration.ofSeconds(10);

  /** Tags added to every meter of every model (the keys model and version are reserved). */
  private Map<String, String> commonTags = new LinkedHashMap<>();

  /** Alert rules and sinks. */
  private final Alerts alerts = new Alerts();

  /**
   * Models monitored from start-up, by model name (created in the auto-configured registry only;
   * an application that defines its own MonitorRegistry bean creates its monitors itself).
   */
  private Map<String, Model> models = new LinkedHashMap<>();

  /** The built-in dashboard and JSON API (MonitorHttpServer). */
  private final Dashboard dashboard = new Dashboard();

  /**
   * Returns the reporting interval.
   *
   * @return the length of one window; default 10 seconds
   */
  public Duration getReportingInterval() {
    return reportingInterval;
  }

  /**
   * Sets the reporting interval.
   *
   * @param reportingInterval the length of one window, 100ms..1h
   */
  public void setReportingInterval(Duration reportingInterval) {
    this.reportingInterval = reportingInterval;
  }

  /**
   * Returns the common tags.
   *
   * @return tag key to value, in binding order; never null
   */
  public Map<String, String> getCommonTags() {
    return commonTags;
  }

  /**
   * Sets the common tags.
   *
   * @param commonTags tag key to value
   */
  public void setCommonTags(Map<String, String> commonTags) {
    this.commonTags = commonTags;
  }

  /**
   * Returns the alert settings.
   *
   * @return the alert settings; never null
   */
  public Alerts getAlerts() {
    return alerts;
  }

  /**
   * Returns the models created at start-up.
   *
   * @return model name to model settings, in binding order; never null
   */
  public Map<String, Model> getModels() {
    return models;
  }

  /**
   * Sets the models created at start-up.
   *
   * @param models model name to model settings
   */
  public void setModels(Map<String, Model> models) {
    this.models = models;
  }

  /**
   * Returns the dashboard settings.
   *
   * @return the dashboard settings; never null
   */
  public Dashboard getDashboard() {
    return dashboard;
  }

  /** What a monitor observes in the model's return value. */
  public enum Prediction {
    /** Nothing: latency, outcomes and input checks only. */
    NONE,
    /** The return value is a {@link Number}, a score whose distribution is tracked. */
    SCORE
  }

  /** How a schema file's features are read from the {@code @Features} argument. */
  public enum Shape {
    /** A {@code Map<String, ?>} keyed by feature name. */
    MAP,
    /** A {@code float[]} in the schema's feature order. */
    FLOAT_ARRAY,
    /** A {@code double[]} in the schema's feature order. */
    DOUBLE_ARRAY
  }

  /** One model monitored from start-up. */
  public static class Model {

    /** Model version, reported as the version tag (required). */
    private String version;

    /** Feature schema JSON file the features argument is checked against. */
    private Path schema;

    /** Input shape the schema file describes. */
    private Shape shape = Shape.MAP;

    /** Training baseline JSON file live distributions are compared with. */
    private Path baseline;

    /** What to observe in the return value. */
    private Prediction prediction = Prediction.NONE;

    /**
     * Where the request id is in the model's input, so each prediction is remembered for the
     * delayed feedback carrying that id: the key of a Map input, else the record component,
     * getter or no-argument method of that name. Needs prediction=score and, with a schema,
     * shape=map.
     */
    private String requestId;

    /**
     * Returns the model version.
     *
     * @return the version; null until bound
     */
    public String getVersion() {
      return version;
    }

    /**
     * Sets the model version.
     *
     * @param version the version
     */
    public void setVersion(String version) {
      this.version = version;
    }

    /**
     * Returns the schema file.
     *
     * @return the path, or null for no schema
     */
    public Path getSchema() {
      return schema;
    }

    /**
     * Sets the schema file.
     *
     * @param schema the path of a feature schema JSON file
     */
    public void setSchema(Path schema) {
      this.schema = schema;
    }

    /**
     * Returns the input shape of the schema.
     *
     * @return the shape; default {@link Shape#MAP}
     */
    public Shape getShape() {
      return shape;
    }

    /**
     * Sets the input shape of the schema.
     *
     * @param shape the shape
     */
    public void setShape(Shape shape) {
      this.shape = shape;
    }

    /**
     * Returns the baseline file.
     *
     * @return the path, or null for no baseline
     */
    public Path getBaseline() {
      return baseline;
    }

    /**
     * Sets the baseline file.
     *
     * @param baseline the path of a baseline JSON file
     */
    public void setBaseline(Path baseline) {
      this.baseline = baseline;
    }

    /**
     * Returns what is observed in the return value.
     *
     * @return the prediction kind; default {@link Prediction#NONE}
     */
    public Prediction getPrediction() {
      return prediction;
    }

    /**
     * Sets what is observed in the return value.
     *
     * @param prediction the prediction kind
     */
    public void setPrediction(Prediction prediction) {
      this.prediction = prediction;
    }

    /**
     * Returns where the request id is read from the input.
     *
     * @return a map key or property name, or null to remember no prediction
     */
    public String getRequestId() {
      return requestId;
    }

    /**
     * Sets where the request id is read from the input: the key of a {@code Map} input, else
     * the record component, getter or public no-argument method of that name. Checked at
     * start-up: it needs {@link Prediction#SCORE} and, with a schema, the {@link Shape#MAP}
     * shape.
     *
     * @param requestId a map key or property name
     */
    public void setRequestId(String requestId) {
      this.requestId = requestId;
    }
  }

  /** Alert rules and where alerts go. */
  public static class Alerts {

    /** Whether alert rules are evaluated at all. */
    private boolean enabled = true;

    /** Whether the rules of AlertRules.defaults() are installed. */
    private boolean defaults = true;

    /** Time after start-up during which no alert fires. */
    private Duration warmUp = Duration.ofMinutes(1);

    /** Webhook that receives every alert event as JSON. */
    private URI webhookUrl;

    /** Base URL of an Alertmanager that receives every alert. */
    private URI alertmanagerUrl;

    /**
     * Returns whether alerts are enabled.
     *
     * @return default true
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets whether alerts are enabled.
     *
     * @param enabled false installs no rule and no sink
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * Returns whether the default rules are installed.
     *
     * @return default true
     */
    public boolean isDefaults() {
      return defaults;
    }

    /**
     * Sets whether the default rules are installed.
     *
     * @param defaults whether to install {@code AlertRules.defaults()}
     */
    public void setDefaults(boolean defaults) {
      this.defaults = defaults;
    }

    /**
     * Returns the warm-up.
     *
     * @return default 1 minute
     */
    public Duration getWarmUp() {
      return warmUp;
    }

    /**
     * Sets the warm-up.
     *
     * @param warmUp time after start during which no alert fires; not negative
     */
    public void setWarmUp(Duration warmUp) {
      this.warmUp = warmUp;
    }

    /**
     * Returns the webhook URL.
     *
     * @return the URL, or null for none
     */
    public URI getWebhookUrl() {
      return webhookUrl;
    }

    /**
     * Sets the webhook URL.
     *
     * @param webhookUrl the URL
     */
    public void setWebhookUrl(URI webhookUrl) {
      this.webhookUrl = webhookUrl;
    }

    /**
     * Returns the Alertmanager base URL.
     *
     * @return the URL, or null for none
     */
    public URI getAlertmanagerUrl() {
      return alertmanagerUrl;
    }

    /**
     * Sets the Alertmanager base URL.
     *
     * @param alertmanagerUrl the URL
     */
    public void setAlertmanagerUrl(URI alertmanagerUrl) {
      this.alertmanagerUrl = alertmanagerUrl;
    }
  }

  /** The built-in dashboard, served by {@code MonitorHttpServer} on its own port. */
  public static class Dashboard {

    /** Whether to start the built-in dashboard server. */
    private boolean enabled;

    /** Port of the dashboard server; 0 picks a free port. */
    private int port;

    /**
     * Address the dashboard server listens on; default the loopback address. Any other address
     * requires a token (and a TLS proxy in front).
     */
    private InetAddress address;

    /**
     * Bearer token every request except the page and its static files must carry
     * (Authorization: Bearer ...); visible ASCII, no spaces. Default none.
     */
    private String token;

    /** Whether the dashboard server also serves /metrics from the PrometheusMeterRegistry bean. */
    private boolean metrics;

    /**
     * Returns whether the dashboard is started.
     *
     * @return default false
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets whether the dashboard is started.
     *
     * @param enabled whether to start it
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * Returns the dashboard port.
     *
     * @return the port; default 0, a free port
     */
    public int getPort() {
      return port;
    }

    /**
     * Sets the dashboard port.
     *
     * @param port the port, 0..65535
     */
    public void setPort(int port) {
      this.port = port;
    }

    /**
     * Returns the address the dashboard listens on.
     *
     * @return the address, or null for the loopback address
     */
    public InetAddress getAddress() {
      return address;
    }

    /**
     * Sets the address the dashboard listens on; any but a loopback address needs a token.
     *
     * @param address the local address
     */
    public void setAddress(InetAddress address) {
      this.address = address;
    }

    /**
     * Returns the bearer token.
     *
     * @return the token, or null for none
     */
    public String getToken() {
      return token;
    }

    /**
     * Sets the bearer token requests must carry.
     *
     * @param token visible ASCII characters, no spaces
     */
    public void setToken(String token) {
      this.token = token;
    }

    /**
     * Returns whether {@code /metrics} is served.
     *
     * @return default false
     */
    public boolean isMetrics() {
      return metrics;
    }

    /**
     * Sets whether {@code /metrics} is served, from the application's
     * {@code PrometheusMeterRegistry} bean (which must then exist).
     *
     * @param metrics whether to serve {@code /metrics}
     */
    public void setMetrics(boolean metrics) {
      this.metrics = metrics;
    }
  }
}
