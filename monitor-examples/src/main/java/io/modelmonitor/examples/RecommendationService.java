package io.modelmonitor.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.feedback.Event;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recommendation service: for each request it retrieves candidates, fetches their features,
 * scores them with the CTR model in one batch, returns the top items and remembers every shown
 * item's score (impression id {@code request/item}) for the click that may follow. Its HTTP API:
 *
 * <ul>
 *   <li>{@code GET /recommend?user=ID&n=N} → {@code {"request": "r-1", "fallback": false,
 *       "items": [{"item": 17, "category": "shoes", "price": 129.0, "discount": 0.0,
 *       "score": 0.081}, ...]}}; when the model cannot score, the popular candidates come back
 *       with {@code "fallback": true};
 *   <li>{@code POST /feedback?request=r-1&item=17&event=click} (or {@code purchase}) → 204.
 * </ul>
 *
 * <p>Two monitors watch it: {@code ctr} (the model, see {@link CtrModel}) and
 * {@code recommender} (each request end to end: latency, the ranked lists, clicks and purchases
 * per list). The scenario injects its incidents through {@link #faults}.
 */
final class RecommendationService implements AutoCloseable {

  static final String RECOMMENDER = "recommender";

  /** One request to the recommender. */
  record Request(String id, int user, int n) {}

  /** One recommended item as the shopper sees it. */
  record Shown(int item, double price, double discount, double score) {}

  /** The answer to one request. */
  record Recommendation(String requestId, boolean fallback, List<Shown> items) {
    List<Integer> itemIds() {
      return items.stream().map(Shown::item).toList();
    }
  }

  /** What goes wrong, set by the scenario; every field is read once per request. */
  static final class Faults {
    volatile Catalogue.Promotion promotion;
    /** Share of requests whose features come from the changed upstream (renamed, cents). */
    volatile double upstreamShare;
    /** Share of requests whose feature fetch is slow, and by how much. */
    volatile double slowShare;
    volatile Duration slowBy = Duration.ZERO;
  }

  final Faults faults = new Faults();
  private final Catalogue catalogue;
  private final CtrModel ctr;
  private final ModelMonitor<Request, Recommendation> recommender;
  private final ScenarioClock clock;
  private final AtomicLong requests = new AtomicLong();
  private final long seed;
  private final ObjectMapper json = new ObjectMapper();
  private HttpServer http;
  private ExecutorService httpThreads;

  RecommendationService(Catalogue catalogue, CtrModel ctr,
      ModelMonitor<Request, Recommendation> recommender, ScenarioClock clock, long seed) {
    this.catalogue = catalogue;
    this.ctr = ctr;
    this.recommender = recommender;
    this.clock = clock;
    this.seed = seed;
  }

  Catalogue catalogue() {
    return catalogue;
  }

  /** Serves one request through the {@code recommender} monitor. */
  Recommendation recommend(int userId, int n) {
    long number = requests.incrementAndGet();
    Request request = new Request("r-" + number, userId, n);
    return recommender.executeFunction(r -> rank(r, new SplittableRandom(seed * 31 + number)),
        request);
  }

  private Recommendation rank(Request request, SplittableRandom random) {
    Catalogue.User user = catalogue.users.get(request.user());
    Catalogue.Promotion promotion = faults.promotion;
    if (faults.slowShare > 0 && random.nextDouble() < faults.slowShare) {
      clock.sleep(faults.slowBy); // the feature store answers slowly
    }
    boolean changedUpstream = faults.upstreamShare > 0
        && random.nextDouble() < faults.upstreamShare;
    int[] candidates = catalogue.candidates(user, random, promotion);
    List<Map<String, ?>> rows = new ArrayList<>(candidates.length);
    double[] prices = new double[candidates.length];
    double[] discounts = new double[candidates.length];
    for (int i = 0; i < candidates.length; i++) {
      Catalogue.Item item = catalogue.items.get(candidates[i]);
      boolean promoted = promotion != null && promotion.covers(item);
      prices[i] = promoted ? Math.round(item.price() * promotion.priceFactor() * 10) / 10.0
          : item.price();
      discounts[i] = promoted ? promotion.discount() : item.discount();
      rows.add(changedUpstream ? changedRow(user, item, prices[i], discounts[i])
          : row(user, item, prices[i], discounts[i]));
    }
    double[] scores;
    boolean fallback = false;
    try {
      scores = ctr.scoreBatch(rows);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // the model cannot score these rows (the ctr monitor counted the error and the schema
      // violations): fall back to popularity
      fallback = true;
      scores = new double[candidates.length];
      for (int i = 0; i < candidates.length; i++) {
        scores[i] = catalogue.items.get(candidates[i]).orders();
      }
    }
    Integer[] order = new Integer[candidates.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    double[] s = scores;
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -s[i]));
    List<Shown> shown = new ArrayList<>(request.n());
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int i : order) {
      if (shown.size() == request.n()) {
        break;
      }
      if (seen.add(candidates[i])) {
        double score = fallback ? Double.NaN : s[i];
        shown.add(new Shown(candidates[i], prices[i], discounts[i], score));
        if (!fallback) {
          ctr.monitor().remember(request.id() + '/' + candidates[i], score);
        }
      }
    }
    return new Recommendation(request.id(), fallback, shown);
  }

  /** The feature row the model was trained on; values as Double, the category as a String. */
  static Map<String, Object> row(Catalogue.User user, Catalogue.Item item, double price,
      double discount) {
    Map<String, Object> row = new HashMap<>(16);
    row.put("price", price);
    row.put("discount", discount);
    row.put("category", Catalogue.CATEGORIES.get(item.category()));
    row.put("orders_30d", (double) item.orders());
    row.put("rating", item.rating());
    row.put("user_price_level", user.priceLevel());
    row.put("category_affinity", Catalogue.categoryAffinity(user, item));
    row.put("brand_match", user.brands().contains(item.brand()) ? 1.0 : 0.0);
    return row;
  }

  /** The changed upstream's row: {@code brand_match} renamed, prices in cents. */
  static Map<String, Object> changedRow(Catalogue.User user, Catalogue.Item item, double price,
      double discount) {
    Map<String, Object> row = row(user, item, price * 100, discount);
    row.put("is_favourite_brand", row.remove("brand_match"));
    return row;
  }

  /** Joins one shopper event to the request's monitors; unknown ids are counted, never thrown. */
  void feedback(String requestId, int item, Event event) {
    recommender.feedback(requestId, item, event);
    if (event == Event.CLICK) {
      ctr.monitor().feedback(requestId + '/' + item, true);
    }
  }

  /** Starts the HTTP API on {@code address:port} (port 0: a free one). */
  InetSocketAddress start(InetAddress address, int port) throws IOException {
    http = HttpServer.create(new InetSocketAddress(address, port), 64);
    httpThreads = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "recommendation-api");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(httpThreads);
    http.createContext("/recommend", this::handleRecommend);
    http.createContext("/feedback", this::handleFeedback);
    http.start();
    return http.getAddress();
  }

  private void handleRecommend(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        reply(exchange, 405, "use GET");
        return;
      }
      Map<String, String> q = query(exchange);
      if (q == null) {
        return;
      }
      int user;
      int n;
      try {
        user = Integer.parseInt(q.getOrDefault("user", "-1"));
        n = Integer.parseInt(q.getOrDefault("n", "12"));
      } catch (NumberFormatException e) {
        reply(exchange, 400, "user and n must be integers");
        return;
      }
      if (user < 0 || user >= catalogue.users.size() || n < 1 || n > Catalogue.CANDIDATES) {
        reply(exchange, 400, "user must be 0.." + (catalogue.users.size() - 1) + ", n 1.."
            + Catalogue.CANDIDATES);
        return;
      }
      Recommendation r = recommend(user, n);
      ObjectNode body = json.createObjectNode();
      body.put("request", r.requestId());
      body.put("fallback", r.fallback());
      ArrayNode items = body.putArray("items");
      for (Shown s : r.items()) {
        Catalogue.Item item = catalogue.items.get(s.item());
        ObjectNode node = items.addObject();
        node.put("item", s.item());
        node.put("category", Catalogue.CATEGORIES.get(item.category()));
        node.put("price", s.price());
        node.put("discount", s.discount());
        if (!Double.isNaN(s.score())) {
          node.put("score", s.score());
        }
      }
      byte[] bytes = json.writeValueAsBytes(body);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private void handleFeedback(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        reply(exchange, 405, "use POST");
        return;
      }
      exchange.getRequestBody().readAllBytes();
      Map<String, String> q = query(exchange);
      if (q == null) {
        return;
      }
      Event event;
      int item;
      try {
        event = Event.valueOf(q.getOrDefault("event", "").toUpperCase(Locale.ROOT));
        item = Integer.parseInt(q.getOrDefault("item", ""));
      } catch (IllegalArgumentException e) {
        reply(exchange, 400, "event must be impression, click, add_to_cart or purchase; item "
            + "an integer");
        return;
      }
      String request = q.get("request");
      if (request == null || request.isBlank()) {
        reply(exchange, 400, "request is required");
        return;
      }
      feedback(request, item, event);
      exchange.sendResponseHeaders(204, -1);
    }
  }

  private static void reply(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /**
   * The query's parameters, or null after answering 400 to a malformed {@code %} escape (the
   * JDK's server rejects most before the handler runs; this keeps any that get through from
   * escaping the handler as an exception).
   */
  private static Map<String, String> query(HttpExchange exchange) throws IOException {
    try {
      return query(exchange.getRequestURI());
    } catch (IllegalArgumentException e) {
      reply(exchange, 400, "malformed query: " + e.getMessage());
      return null;
    }
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  @Override
  public void close() {
    if (http != null) {
      http.stop(0);
      httpThreads.shutdownNow();
    }
  }
}
