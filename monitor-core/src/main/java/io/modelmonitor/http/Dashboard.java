package io.modelmonitor.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The dashboard's fixed files: its page, script and style sheet (resources beside this class)
 * and Chart.js (from the {@code org.webjars.npm:chart.js} webjar on the class path).
 *
 * <p>They hold no monitoring data, so {@link Routes} serves them without the bearer token; the
 * page's script reads the token from the URL fragment and sends it with every API request. The
 * set of paths is closed: a request path is looked up in a map, never used to build a resource
 * name. Files are read on first use and kept.
 */
final class Dashboard {

  static final String HTML = "text/html; charset=utf-8";
  static final String JAVASCRIPT = "text/javascript; charset=utf-8";
  static final String CSS = "text/css; charset=utf-8";

  /**
   * Only this origin's script, style, data and images; no inline script or style, no plugins,
   * no framing, no forms, no {@code <base>}.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
      + "style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
      + "base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

  private static final String WEBJAR = "org.webjars.npm/chart.js";

  private static final Map<String, Supplier<File>> SOURCES = Map.of(
      "/", () -> new File(HTML, own("dashboard.html")),
      "/static/dashboard.js", () -> new File(JAVASCRIPT, own("dashboard.js")),
      "/static/dashboard.css", () -> new File(CSS, own("dashboard.css")),
      "/static/chart.umd.js", () -> new File(JAVASCRIPT, chartJs()));
  private static final Map<String, File> LOADED = new ConcurrentHashMap<>();

  /** A file to serve. */
  record File(String contentType, byte[] body) {}

  private Dashboard() {}

  /**
   * Returns the file served at a path, reading it on first use.
   *
   * @param path the raw request path
   * @return the file, or null when the path is not one of the dashboard's
   * @throws IllegalStateException if a resource is missing from the class path (a later call
   *     tries again)
   */
  static File find(String path) {
    Supplier<File> source = SOURCES.get(path);
    return source == null ? null : LOADED.computeIfAbsent(path, p -> source.get());
  }

  private static byte[] own(String name) {
    return read(Dashboard.class.getResourceAsStream(name), name);
  }

  /** The webjar's path holds its version: read it from the webjar's own pom.properties. */
  private static byte[] chartJs() {
    ClassLoader loader = Dashboard.class.getClassLoader();
    String properties = "META-INF/maven/" + WEBJAR + "/pom.properties";
    Properties p = new Properties();
    try (InputStream in = loader.getResourceAsStream(properties)) {
      if (in == null) {
        throw new IllegalStateException("missing " + properties + ": the dashboard needs "
            + "org.webjars.npm:chart.js on the class path");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String name = "META-INF/resources/webjars/chart.js/" + p.getProperty("version")
        + "/dist/chart.umd.js";
    return read(loader.getResourceAsStream(name), name);
  }

  private static byte[] read(InputStream in, String name) {
    if (in == null) {
      throw new IllegalStateException("missing dashboard resource " + name);
    }
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
