package io.modelmonitor.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * As many clients as server threads send half a request and go quiet; once the request timeout
 * disconnects them, other clients (a Prometheus scrape, say) are served again. Runs the server
 * in a fresh JVM, where the timeouts {@link MonitorHttpServer} sets are the ones in force.
 */
class SlowClientTimeoutTest {

  @Test
  void clientsThatStallMidRequestAreDisconnectedAndOthersServed() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    Process probe = new ProcessBuilder(java, "-cp", classPath,
        "io.modelmonitor.http.SlowClientProbe").redirectErrorStream(true).start();
    List<Socket> stalled = new ArrayList<>();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(probe.getInputStream(),
          StandardCharsets.UTF_8));
      String line;
      Matcher m = null;
      while ((line = out.readLine()) != null) {
        m = Pattern.compile("port=(\\d+) maxReqTime=(\\S+)").matcher(line);
        if (m.find()) {
          break;
        }
      }
      assertThat(m).isNotNull();
      assertThat(m.group(2)).isEqualTo(MonitorHttpServer.MAX_REQUEST_SECONDS);
      int port = Integer.parseInt(m.group(1));
      for (int i = 0; i < 2; i++) { // one per server thread
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        OutputStream o = s.getOutputStream();
        o.write("GET /api/mod".getBytes(StandardCharsets.US_ASCII)); // and nothing more
        o.flush();
        stalled.add(s);
      }
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
          .build();
      HttpResponse<String> models = client.send(HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + port + "/api/models")).timeout(Duration.ofSeconds(40))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(models.statusCode()).isEqualTo(200);
      assertThat(models.body()).contains("\"ctr\"");
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
      probe.destroyForcibly();
    }
  }
}
