package io.modelmonitor.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The shop: the catalogue and the users the CTR model was trained on (the files
 * {@code monitor-examples/training/train_ctr.py} wrote), candidate retrieval, and the shoppers'
 * real click probability. Retrieval and the click function are the training script's, line by
 * line, so live traffic in the normal phases looks exactly like the training data.
 */
final class Catalogue {

  /** The categories in the model's one-hot order (train_ctr.py CATEGORIES). */
  static final List<String> CATEGORIES = List.of("fashion", "shoes", "bags", "beauty", "home",
      "kitchen", "electronics", "phones", "toys", "sports", "books", "grocery");
  private static final double[] CATEGORY_BIAS = {0.10, 0.05, -0.05, 0.15, 0.0, -0.05, -0.10,
      -0.20, 0.10, 0.0, -0.15, 0.05};
  /** A user's affinity for their first, second and third favourite category. */
  private static final double[] AFFINITY = {0.6, 0.3, 0.1};
  /** Candidates retrieved per request: half from the favourite categories, half by popularity. */
  static final int CANDIDATES = 48;

  /** One item of the catalogue. */
  record Item(int id, int category, String brand, double price, double discount, double rating,
      long orders) {}

  /** One user: typical spend, favourite categories (most liked first), favourite brands. */
  record User(int id, double priceLevel, int[] favourites, List<String> brands) {}

  final List<Item> items;
  final List<User> users;
  private final double[] popularityCumulative;
  private final Map<Integer, int[]> itemsByCategory;

  private Catalogue(List<Item> items, List<User> users) {
    this.items = List.copyOf(items);
    this.users = List.copyOf(users);
    popularityCumulative = new double[items.size()];
    double sum = 0;
    for (int i = 0; i < items.size(); i++) {
      sum += items.get(i).orders() + 1.0;
      popularityCumulative[i] = sum;
    }
    itemsByCategory = IntStream.range(0, CATEGORIES.size()).boxed().collect(Collectors.toMap(
        Function.identity(), c -> items.stream().filter(it -> it.category() == c)
            .mapToInt(Item::id).toArray()));
  }

  /** Loads the committed catalogue and users from the classpath ({@code /demo/*.csv}). */
  static Catalogue load() {
    List<Item> items = new ArrayList<>();
    for (String[] f : csv("/demo/catalogue.csv")) {
      items.add(new Item(Integer.parseInt(f[0]), category(f[1]), f[2], Double.parseDouble(f[3]),
          Double.parseDouble(f[4]), Double.parseDouble(f[5]), Long.parseLong(f[6])));
    }
    List<User> users = new ArrayList<>();
    for (String[] f : csv("/demo/users.csv")) {
      int[] favourites = Arrays.stream(f[2].split(";")).mapToInt(Catalogue::category).toArray();
      users.add(new User(Integer.parseInt(f[0]), Double.parseDouble(f[1]), favourites,
          List.of(f[3].split(";"))));
    }
    return new Catalogue(items, users);
  }

  static int category(String name) {
    int c = CATEGORIES.indexOf(name);
    if (c < 0) {
      throw new IllegalArgumentException("unknown category " + name);
    }
    return c;
  }

  private static List<String[]> csv(String resource) {
    try (InputStream in = Catalogue.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in,
          StandardCharsets.UTF_8));
      return reader.lines().skip(1).map(l -> l.split(",", -1)).collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Retrieves the candidates of one request as train_ctr.py's {@code candidates} does: half
   * uniformly from the user's favourite categories, half weighted by 30-day orders; with a
   * promotion, {@code promotedShare} of the popularity half comes from the promoted categories.
   */
  int[] candidates(User user, SplittableRandom random, Promotion promotion) {
    int[] out = new int[CANDIDATES];
    int[] pool = favouritePool(user);
    int half = CANDIDATES / 2;
    for (int i = 0; i < half; i++) {
      out[i] = pool[random.nextInt(pool.length)];
    }
    for (int i = half; i < CANDIDATES; i++) {
      if (promotion != null && random.nextDouble() < promotion.retrievalShare()) {
        int[] promoted = itemsByCategory.get(
            promotion.categories()[random.nextInt(promotion.categories().length)]);
        out[i] = promoted[random.nextInt(promoted.length)];
      } else {
        double x = random.nextDouble() * popularityCumulative[popularityCumulative.length - 1];
        int at = Arrays.binarySearch(popularityCumulative, x);
        out[i] = at >= 0 ? Math.min(at + 1, items.size() - 1) : -at - 1;
      }
    }
    return out;
  }

  private int[] favouritePool(User user) {
    return IntStream.of(user.favourites()).flatMap(c -> IntStream.of(itemsByCategory.get(c)))
        .sorted().toArray();
  }

  /** How much {@code user} likes the category of {@code item}: 0.6, 0.3, 0.1 or 0. */
  static double categoryAffinity(User user, Item item) {
    for (int k = 0; k < user.favourites().length; k++) {
      if (user.favourites()[k] == item.category()) {
        return AFFINITY[k];
      }
    }
    return 0;
  }

  /**
   * The shoppers' real click probability: train_ctr.py's {@code true_click_probability}.
   *
   * @param price the price the shopper sees (yuan)
   * @param discount the discount the shopper sees
   */
  static double clickProbability(User user, Item item, double price, double discount) {
    double logit = -4.2 + 2.2 * categoryAffinity(user, item)
        + 0.9 * (user.brands().contains(item.brand()) ? 1 : 0)
        + 0.30 * Math.log1p(item.orders()) - 1.2 * Math.abs(Math.log(price / user.priceLevel()))
        + 2.5 * discount + 0.45 * (item.rating() - 4.0) + CATEGORY_BIAS[item.category()];
    return 1 / (1 + Math.exp(-logit));
  }

  /**
   * A price promotion: items of {@code categories} cost {@code priceFactor} of their price with
   * {@code discount}, and retrieval fills {@code retrievalShare} of its popularity half with them.
   */
  record Promotion(int[] categories, double priceFactor, double discount,
      double retrievalShare) {

    boolean covers(Item item) {
      for (int c : categories) {
        if (c == item.category()) {
          return true;
        }
      }
      return false;
    }
  }
}
