package io.modelmonitor.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Posts every alert event as JSON to an HTTP endpoint (chat webhooks, incident tools).
 *
 * <p>Delivery: connect and request timeouts; on 5xx, timeouts and refused connections up to
 * {@code maxAttempts} attempts with exponential backoff and full jitter; on 429 the
 * {@code Retry-After} header is honoured; other 4xx are not retried. Every attempt of one event
 * carries the same {@code X-ModelMonitor-Delivery} id, so a receiver can drop duplicates, and,
 * with a secret, an {@code X-ModelMonitor-Signature: sha256=<hex>} HMAC-SHA256 of the body.
 */
public final class WebhookSink implements AlertSink {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A 4xx answer other than 429: the receiver will refuse the same request again. */
  private static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private final URI uri;
  private final Duration requestTimeout;
  private final int maxAttempts;
  private final Duration backoff;
  private final Duration maxBackoff;
  private final byte[] secret;
  private final HttpClient client;
  private final AtomicLong retries = new AtomicLong();
  /** Waits between attempts; tests replace it to see the waits without spending them. */
  Sleeper sleeper = Thread::sleep;

  /** How the sink waits between attempts. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  private WebhookSink(Builder b) {
    this.uri = b.uri;
    this.requestTimeout = b.requestTimeout;
    this.maxAttempts = b.maxAttempts;
    this.backoff = b.backoff;
    this.maxBackoff = b.maxBackoff;
    this.secret = b.secret;
    this.client = HttpClient.newBuilder().connectTimeout(b.connectTimeout)
        .version(HttpClient.Version.HTTP_1_1).build();
  }

  /**
   * Starts a webhook sink.
   *
   * @param uri the endpoint
   * @return a builder
   */
  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /**
   * Returns how many attempts were retries, since start.
   *
   * @return the count
   */
  @Override
  public long retries() {
    return retries.get();
  }

  @Override
  public String name() {
    return "webhook";
  }

  /**
   * Returns the JSON body for an event.
   *
   * @param e the event
   * @param deliveryId the delivery id
   * @return the body
   */
  static String body(AlertEvent e, String deliveryId) {
    ObjectNode root = JSON.createObjectNode();
    root.put("deliveryId", deliveryId);
    root.put("alert", e.rule());
    root.put("state", e.state().name().toLowerCase(java.util.Locale.ROOT));
    root.put("repeat", e.repeat());
    root.put("model", e.model());
    root.put("version", e.version());
    root.put("severity", e.severity().label());
    root.put("value", e.value());
    root.put("threshold", e.threshold());
    root.put("description", e.description());
    root.put("startsAt", e.startsAt().toString());
    if (e.endsAt() != null) {
      root.put("endsAt", e.endsAt().toString());
    }
    root.put("fingerprint", e.fingerprint());
    ObjectNode labels = root.putObject("labels");
    e.labels().forEach(labels::put);
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /**
   * Returns the signature header value of a body.
   *
   * @param secret the shared secret
   * @param body the body
   * @return {@code sha256=<hex>}
   */
  public static String signature(byte[] secret, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(
          StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void deliver(AlertEvent event) throws IOException, InterruptedException {
    String deliveryId = UUID.randomUUID().toString();
    String body = body(event, deliveryId);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
        .header("Content-Type", "application/json")
        .header("X-ModelMonitor-Delivery", deliveryId)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (secret != null) {
      request.header("X-ModelMonitor-Signature", signature(secret, body));
    }
    IOException lastFailure = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      final int thisAttempt = attempt;
      long waitMillis;
      try {
        HttpResponse<Void> response = client.send(request.build(),
            HttpResponse.BodyHandlers.discarding());
        int status = response.statusCode();
        if (status < 300) {
          return;
        }
        if (status == 429 || status == 503) {
          java.util.Optional<Long> asked = retryAfterMillis(
              response.headers().firstValue("Retry-After").orElse(null), java.time.Instant.now());
          if (asked.isPresent() && asked.get() > maxBackoff.toMillis()) {
            throw new Refused("webhook " + uri + " answered HTTP " + status + " and asked to "
                + "wait " + asked.get() + " ms, longer than the maximum backoff " + maxBackoff
                + " (not retried)");
          }
          waitMillis = asked.orElseGet(() -> backoffMillis(thisAttempt));
        } else if (status >= 500) {
          waitMillis = backoffMillis(attempt);
        } else {
          throw new Refused("webhook " + uri + " refused the alert with HTTP " + status
              + " (not retried)");
        }
        lastFailure = new IOException("webhook " + uri + " answered HTTP " + status);
      } catch (java.net.http.HttpTimeoutException | java.net.ConnectException e) {
        lastFailure = e;
        waitMillis = backoffMillis(attempt);
      } catch (Refused e) {
        throw e;
      } catch (IOException e) {
        lastFailure = e;
        waitMillis = backoffMillis(attempt);
      }
      if (attempt < maxAttempts) {
        retries.incrementAndGet();
        sleeper.sleep(waitMillis);
      }
    }
    throw lastFailure;
  }

  /** Full jitter: uniform in [0, min(max, base * 2^(attempt-1))]. */
  private long backoffMillis(int attempt) {
    long cap = Math.min(maxBackoff.toMillis(),
        backoff.toMillis() * (1L << Math.min(20, attempt - 1)));
    return ThreadLocalRandom.current().nextLong(cap + 1);
  }

  /**
   * The server's {@code Retry-After}, in milliseconds from now: delay-seconds or an HTTP-date;
   * empty when absent or unreadable. Never negative; saturates instead of overflowing.
   */
  static java.util.Optional<Long> retryAfterMillis(String header, java.time.Instant now) {
    if (header == null || header.isBlank()) {
      return java.util.Optional.empty();
    }
    String v = header.trim();
    try {
      long seconds = Long.parseLong(v);
      return java.util.Optional.of(seconds <= 0 ? 0
          : seconds >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : seconds * 1000);
    } catch (NumberFormatException notSeconds) {
      try {
        java.time.Instant at = java.time.ZonedDateTime.parse(v,
            java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return java.util.Optional.of(Math.max(0, java.time.Duration.between(now, at)
            .toMillis()));
      } catch (java.time.format.DateTimeParseException | ArithmeticException notDate) {
        return java.util.Optional.empty();
      }
    }
  }

  /** Builds a {@link WebhookSink}. */
  public static final class Builder {
    private final URI uri;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration requestTimeout = Duration.ofSeconds(5);
    private int maxAttempts = 5;
    private Duration backoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private byte[] secret;

    private Builder(URI uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
    }

    /**
     * Sets the connect timeout.
     *
     * @param timeout positive; default 2 seconds
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connect timeout");
      return this;
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + d);
      }
      return d;
    }

    /**
     * Sets the timeout of one request, until the response headers.
     *
     * @param timeout positive; default 5 seconds
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "request timeout");
      return this;
    }

    /**
     * Sets how many attempts one event gets.
     *
     * @param attempts 1 to 20; default 5
     * @return this builder
     */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1 || attempts > 20) {
        throw new IllegalArgumentException("maxAttempts must be 1..20: " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * Sets the backoff base and cap.
     *
     * @param base the first retry's maximum wait; positive; default 200 ms
     * @param max the largest wait, also the longest {@code Retry-After} honoured (a server
     *     asking for more gets no retry); at least {@code base}; default 30 seconds
     * @return this builder
     * @throws IllegalArgumentException if not positive or {@code max < base}
     */
    public Builder backoff(Duration base, Duration max) {
      this.backoff = positive(base, "backoff base");
      this.maxBackoff = positive(max, "maximum backoff");
      if (max.compareTo(base) < 0) {
        throw new IllegalArgumentException("maximum backoff " + max + " is below the base "
            + base);
      }
      return this;
    }

    /**
     * Signs every body with HMAC-SHA256 under {@code secret}.
     *
     * @param secret the shared secret
     * @return this builder
     */
    public Builder hmacSecret(byte[] secret) {
      this.secret = Objects.requireNonNull(secret, "secret").clone();
      return this;
    }

    /**
     * Builds the sink.
     *
     * @return the sink
     */
    public WebhookSink build() {
      return new WebhookSink(this);
    }
  }
}
