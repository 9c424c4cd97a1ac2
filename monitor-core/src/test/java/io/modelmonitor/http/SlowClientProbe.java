package io.modelmonitor.http;

import io.modelmonitor.MonitorRegistry;

/**
 * Runs in its own JVM for {@link SlowClientTimeoutTest}: a fresh process, so no other JDK HTTP
 * server has fixed the timeouts before {@link MonitorHttpServer} sets its defaults. Prints the
 * port and the timeouts in force, then serves until killed.
 */
public final class SlowClientProbe {

  private SlowClientProbe() {}

  /**
   * Starts a two-thread server.
   *
   * @param args unused
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    MonitorRegistry registry = MonitorRegistry.builder().build();
    registry.monitor("ctr", "v1");
    MonitorHttpServer server = MonitorHttpServer.builder(registry).threads(2).start();
    System.out.println("port=" + server.port() + " maxReqTime="
        + System.getProperty("sun.net.httpserver.maxReqTime"));
    System.out.flush();
    Thread.sleep(120_000);
  }
}
