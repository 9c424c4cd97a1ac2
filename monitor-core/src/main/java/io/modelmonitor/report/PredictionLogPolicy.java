package io.modelmonitor.report;

import java.util.Objects;

/**
 * Which calls the structured prediction log writes, and what it does with sensitive features.
 *
 * <p>The prediction log writes one JSON line per logged call on the logger
 * {@value #LOGGER_NAME} at INFO: model, version, timestamp, request id, latency, outcome, error
 * type, prediction and, when the monitor has a feature schema, the features. Values of features
 * marked {@code sensitive()} never appear in clear: they are left out ({@link Sensitive#DROP}) or
 * replaced by a keyed hash ({@link Sensitive#HASH}).
 *
 * <p>Logged are the calls made through the {@code decorateX}/{@code executeX} verbs of a
 * {@code ModelMonitor}, batches excepted; hand-recorded calls ({@code start}/{@code succeeded},
 * {@code record}) have neither input nor output and are not logged. Suppliers and completion
 * stages have no input, so their lines carry no request id and no features.
 *
 * <p>The sampling decision is one random draw on the calling thread and allocates nothing; only
 * a logged call builds its line (and allocates). Logging never throws into the monitored call:
 * failures are counted in {@code model.monitor.errors{cause="internal"}}.
 *
 * @param sampleRate share of calls logged, chosen at random per call, in [0, 1]; 0 logs no call
 *     by sampling, 1 every call
 * @param alwaysLogErrors whether every failed call (the model threw, or the schema rejected the
 *     input) is logged whatever the sample rate, up to 100 such lines per second per model (an
 *     outage must not turn every failing call into a log write; the rest are left out)
 * @param sensitive what happens to the values of sensitive features
 * @param hashKey the key of {@link Sensitive#HASH}, or null for a random key generated once per
 *     process (hashes then match within one process only); never printed by {@link #toString()}
 */
public record PredictionLogPolicy(double sampleRate, boolean alwaysLogErrors, Sensitive sensitive,
    String hashKey) {

  /** The name of the logger the lines are written to. */
  public static final String LOGGER_NAME = "io.modelmonitor.predictions";

  /** Logs nothing: the default of {@code MonitorConfig}. */
  public static final PredictionLogPolicy OFF = new PredictionLogPolicy(0, false, Sensitive.DROP,
      null);

  /** What the prediction log does with the value of a feature marked sensitive. */
  public enum Sensitive {
    /** Leaves the feature out of the line. */
    DROP,
    /**
     * Writes {@code HmacSHA256(key, value)} instead, as the first 16 hex characters (64 bits):
     * equal values give equal hashes, so they can still be grouped and joined. The value hashed
     * is the UTF-8 text the line would otherwise hold: a string as is (unquoted), a number or
     * boolean as its JSON text, a vector as its JSON array.
     */
    HASH
  }

  /**
   * Creates the record after validating its components.
   *
   * @param sampleRate see {@link #sampleRate()}
   * @param alwaysLogErrors see {@link #alwaysLogErrors()}
   * @param sensitive see {@link #sensitive()}
   * @param hashKey see {@link #hashKey()}
   * @throws IllegalArgumentException if the rate is outside [0, 1] or the key is empty
   */
  public PredictionLogPolicy {
    if (!(sampleRate >= 0 && sampleRate <= 1)) {
      throw new IllegalArgumentException("prediction log sampleRate must be in [0, 1]: "
          + sampleRate);
    }
    Objects.requireNonNull(sensitive, "sensitive");
    if (hashKey != null && hashKey.isEmpty()) {
      throw new IllegalArgumentException("prediction log hashKey must not be empty");
    }
  }

  /**
   * Returns a policy that logs a random {@code rate} share of calls, drops sensitive features and
   * does not log every error.
   *
   * @param rate share of calls logged, in [0, 1]
   * @return the policy
   * @throws IllegalArgumentException if out of range
   */
  public static PredictionLogPolicy sampled(double rate) {
    return new PredictionLogPolicy(rate, false, Sensitive.DROP, null);
  }

  /**
   * Returns a copy that logs every failed call (or not) whatever the sample rate.
   *
   * @param always whether failures are always logged
   * @return the copy
   */
  public PredictionLogPolicy withAlwaysLogErrors(boolean always) {
    return new PredictionLogPolicy(sampleRate, always, sensitive, hashKey);
  }

  /**
   * Returns a copy that drops sensitive features.
   *
   * @return the copy, without a hash key
   */
  public PredictionLogPolicy withSensitiveDropped() {
    return new PredictionLogPolicy(sampleRate, alwaysLogErrors, Sensitive.DROP, null);
  }

  /**
   * Returns a copy that hashes sensitive features with {@code key}.
   *
   * @param key the HMAC key, from the application's configuration (its UTF-8 bytes are used);
   *     null for a random key generated once per process
   * @return the copy
   * @throws IllegalArgumentException if the key is empty
   */
  public PredictionLogPolicy withSensitiveHashed(String key) {
    return new PredictionLogPolicy(sampleRate, alwaysLogErrors, Sensitive.HASH, key);
  }

  /**
   * Returns whether any call can be logged.
   *
   * @return true if the sample rate is positive or errors are always logged
   */
  public boolean enabled() {
    return sampleRate > 0 || alwaysLogErrors;
  }

  @Override
  public String toString() {
    return "PredictionLogPolicy[sampleRate=" + sampleRate + ", alwaysLogErrors="
        + alwaysLogErrors + ", sensitive=" + sensitive + ", hashKey="
        + (hashKey == null ? "per-process" : "(set)") + ']';
  }
}
