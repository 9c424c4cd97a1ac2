package io.modelmonitor.http;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelmonitor.MonitorRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A small read-only HTTP endpoint over a {@link MonitorRegistry}, on the JDK's built-in
 * {@code com.sun.net.httpserver} server.
 *
 * <p>Routes (only {@code GET} and {@code HEAD}; other methods get 405):
 * <ul>
 *   <li>{@code /metrics}: the Prometheus text format ({@code text/plain; version=0.0.4}) when a
 *       scrape source was given ({@link Builder#prometheus(PrometheusMeterRegistry)} or
 *       {@link Builder#metrics(Supplier)}), 404 otherwise;</li>
 *   <li>{@code /api/models}: a JSON array with a short summary of every monitor, sorted by name
 *       (window and since-start calls and error rates, the window's median and 99th percentile
 *       latency in seconds, in-flight calls, invalid inputs, worst drift status of the window,
 *       firing alerts);</li>
 *   <li>{@code /api/models/{name}}: the model's {@link io.modelmonitor.ModelSnapshot} as JSON
 *       (the name percent-decoded; 404 with a JSON error for an unknown model);</li>
 *   <li>{@code /api/alerts}: {@code {"active": [...], "recent": [...]}}, the firing alerts and
 *       the last 100 alert events, oldest first;</li>
 *   <li>{@code /api/process}: this JVM's heap (used, committed, maximum bytes), recent process
 *       CPU load (0..1), available processors and uptime;</li>
 *   <li>{@code /}: an HTML dashboard that polls the JSON routes every 5 seconds and draws, with
 *       Chart.js served from this jar under {@code /static/}, latency percentiles and throughput
 *       over time (kept in the browser), score tails against the baseline, drift per feature,
 *       schema violations, firing alerts and resource usage.</li>
 * </ul>
 *
 * <p>JSON field names are snake_case, window lengths are in seconds (other durations name their
 * unit: {@code _nanos}, {@code _millis}), instants ISO-8601 strings, and
 * no document contains NaN or Infinity: a non-finite number is written as {@code null}.
 * Snapshots hold counts and statistics only, never raw inputs (though a one-sample window's
 * mean of a feature is that value); the mean and standard deviation
 * of a feature its schema marks sensitive are written as {@code null}. Every response carries
 * {@code Cache-Control: no-store} and {@code X-Content-Type-Options: nosniff}.
 *
 * <p>The server binds to the loopback address unless told otherwise; bound there, it answers
 * only requests whose {@code Host} is {@code 127.0.0.1}, {@code localhost} or {@code [::1]}
 * (421 otherwise), so a web page cannot reach it through DNS rebinding. With a bearer token every
 * request must carry {@code Authorization: Bearer <token>}, else it gets 401 with
 * {@code WWW-Authenticate: Bearer}; the token is compared in constant time. The dashboard page
 * and its fixed files under {@code /static/} hold no data and need no token; the page reads the
 * token from its URL fragment ({@code http://host:port/#token=<token>}, which browsers never
 * send to the server) and sends it with each request to the JSON routes. The page carries a
 * strict {@code Content-Security-Policy} (only this origin, no inline script). There is no TLS:
 * expose the endpoint beyond the host only behind a proxy that terminates it.
 *
 * <p>Requests run on a small pool of daemon threads ({@link Builder#threads(int)}) with a
 * bounded queue; a connection arriving when the queue is full is closed. Request timeouts: the
 * JDK server has no per-server timeout, only the JVM-wide system properties
 * {@code sun.net.httpserver.maxReqTime} and {@code sun.net.httpserver.maxRspTime} (seconds),
 * read once when the first JDK HTTP server of the process starts. When this class loads it sets
 * them to 10 and 30 seconds unless they are set already, so a client that sends its request or
 * reads its response too slowly is disconnected instead of holding a thread. If another JDK
 * server started earlier in the process, the values in force are the ones it saw: pass
 * {@code -Dsun.net.httpserver.maxReqTime=10 -Dsun.net.httpserver.maxRspTime=30} on the command
 * line to be sure.
 *
 * <p>Instances are thread-safe. Closing the server does not close the registry.
 */
public final class MonitorHttpServer implements AutoCloseable {

  /** Seconds a client may take to send a request, unless the JVM was told otherwise. */
  static final String MAX_REQUEST_SECONDS = "10";
  /** Seconds a client may take to read a response, unless the JVM was told otherwise. */
  static final String MAX_RESPONSE_SECONDS = "30";

  static {
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
    }
    if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
      System.setProperty("sun.net.httpserver.maxRspTime", MAX_RESPONSE_SECONDS);
    }
  }

  private final HttpServer server;
  private final ThreadPoolExecutor executor;

  private MonitorHttpServer(HttpServer server, ThreadPoolExecutor executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts building an endpoint over a registry.
   *
   * @param registry the registry whose monitors and alerts are served; not null
   * @return a builder with the defaults: loopback address, a free port, no token, no
   *     {@code /metrics}, 4 threads
   */
  public static Builder builder(MonitorRegistry registry) {
    return new Builder(Objects.requireNonNull(registry, "registry"));
  }

  /**
   * Returns the address and port the server is bound to.
   *
   * @return the bound socket address
   */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /**
   * Returns the port the server is bound to: the configured one, or the free port chosen when
   * it was 0.
   *
   * @return the bound port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Stops the server at once: closes the listening socket and every open connection, then the
   * request threads. Idempotent.
   */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** Configures and starts a {@link MonitorHttpServer}. Not thread-safe. */
  public static final class Builder {

    private final MonitorRegistry registry;
    private InetAddress bindAddress = InetAddress.getLoopbackAddress();
    private int port;
    private String bearerToken;
    private Supplier<String> scrape;
    private int threads = 4;

    private Builder(MonitorRegistry registry) {
      this.registry = registry;
    }

    /**
     * Sets the address to listen on. The default is the loopback address, so only the host
     * itself can connect; use a wildcard address ({@code 0.0.0.0}) only together with a bearer
     * token and a TLS proxy.
     *
     * @param address the local address; not null
     * @return this builder
     */
    public Builder bindAddress(InetAddress address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Sets the port to listen on; 0 (the default) picks a free one, see
     * {@link MonitorHttpServer#port()}.
     *
     * @param port the port, 0..65535
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be in [0, 65535]: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Requires every request to carry {@code Authorization: Bearer <token>}. By default no
     * token is required.
     *
     * @param token the token: visible ASCII characters, no spaces; not null or empty
     * @return this builder
     * @throws IllegalArgumentException if empty or containing other characters (the message
     *     does not repeat the token)
     */
    public Builder bearerToken(String token) {
      Objects.requireNonNull(token, "token");
      if (token.isEmpty() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("bearer token must be non-empty visible ASCII "
            + "without spaces (length " + token.length() + ')');
      }
      this.bearerToken = token;
      return this;
    }

    /**
     * Serves {@code /metrics} from a Prometheus registry, typically the one the monitor
     * registry exports to. Requires {@code micrometer-registry-prometheus} on the class path
     * (an optional dependency of monitor-core); without calling this method it is not needed.
     *
     * @param prometheus the registry to scrape on each request; not null
     * @return this builder
     */
    public Builder prometheus(PrometheusMeterRegistry prometheus) {
      Objects.requireNonNull(prometheus, "prometheus");
      return metrics(prometheus::scrape);
    }

    /**
     * Serves {@code /metrics} from any source of Prometheus text format (version 0.0.4),
     * called once per request on a request thread.
     *
     * @param scrape returns the whole exposition; not null
     * @return this builder
     */
    public Builder metrics(Supplier<String> scrape) {
      this.scrape = Objects.requireNonNull(scrape, "scrape");
      return this;
    }

    /**
     * Sets how many daemon threads serve requests (default 4). Up to {@code 16 x threads}
     * more connections wait in a queue; beyond that new connections are closed.
     *
     * @param threads 1..64
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException("threads must be in [1, 64]: " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Binds the socket and starts serving.
     *
     * @return the running server; close it to stop
     * @throws IOException if the address cannot be bound (for example the port is in use)
     */
    public MonitorHttpServer start() throws IOException {
      HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
      ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30,
          TimeUnit.SECONDS, new ArrayBlockingQueue<>(16 * threads), new DaemonThreads());
      executor.allowCoreThreadTimeOut(true);
      server.setExecutor(executor);
      server.createContext("/", new Routes(registry, scrape, bearerToken,
          bindAddress.isLoopbackAddress()));
      server.start();
      return new MonitorHttpServer(server, executor);
    }
  }

  /** Names request threads and keeps them from holding the JVM open. */
  private static final class DaemonThreads implements ThreadFactory {
    private static final AtomicInteger SERVERS = new AtomicInteger();
    private final int server = SERVERS.incrementAndGet();
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "modelmonitor-http-" + server + '-' + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
