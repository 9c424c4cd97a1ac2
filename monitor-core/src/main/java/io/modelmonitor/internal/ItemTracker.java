package io.modelmonitor.internal;

import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.drift.RecommendationSummary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.RandomAccess;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts recommended items of ranked outputs in a fixed vocabulary: the first {@code maxItems}
 * distinct items get a slot (a lock-free map lookup per item afterwards), later ones only the
 * overflow count, so memory never grows with the catalogue. Counts are cumulative atomics shared
 * by all threads (a sampled, already list-sized path); a window is the difference between two
 * drains.
 */
final class ItemTracker {

  private final PredictionSpec.RankedOptions options;
  private final ConcurrentHashMap<Object, Integer> slots = new ConcurrentHashMap<>();
  private final String[] names;
  private final AtomicInteger assigned = new AtomicInteger();
  private final AtomicLongArray counts;
  private final AtomicLong overflow = new AtomicLong();
  private final AtomicLong lists = new AtomicLong();

  /** Drainer-only: the cumulative values at the last window close. */
  private long[] last;
  private long lastOverflow;
  private long lastLists;

  ItemTracker(PredictionSpec.RankedOptions options) {
    this.options = options;
    this.names = new String[options.maxItems()];
    this.counts = new AtomicLongArray(options.maxItems());
    this.last = new long[options.maxItems()];
  }

  void record(Collection<?> items) {
    lists.incrementAndGet();
    if (items instanceof List && items instanceof RandomAccess) {
      List<?> l = (List<?>) items;
      for (int i = 0, n = l.size(); i < n; i++) {
        count(l.get(i));
      }
    } else {
      for (Object item : items) {
        count(item);
      }
    }
  }

  private void count(Object item) {
    if (item == null) {
      return;
    }
    Integer slot = slots.get(item);
    if (slot == null) {
      slot = assign(item);
    }
    if (slot < 0) {
      overflow.incrementAndGet();
    } else {
      counts.incrementAndGet(slot);
    }
  }

  private int assign(Object item) {
    if (assigned.get() >= names.length) {
      return -1;
    }
    synchronized (this) { // once per distinct item, at most maxItems times
      Integer slot = slots.get(item);
      if (slot != null) {
        return slot;
      }
      int next = assigned.get();
      if (next >= names.length) {
        return -1;
      }
      names[next] = String.valueOf(item);
      assigned.set(next + 1);
      slots.put(item, next);
      return next;
    }
  }

  /** The window since the last call; drainer only. */
  RecommendationSummary closeWindow() {
    int n = assigned.get();
    long[] window = new long[n];
    long recommended = 0;
    for (int i = 0; i < n; i++) {
      long c = counts.get(i);
      window[i] = c - last[i];
      last[i] = c;
      recommended += window[i];
    }
    long over = overflow.get();
    long windowOverflow = over - lastOverflow;
    lastOverflow = over;
    long l = lists.get();
    long windowLists = l - lastLists;
    lastLists = l;
    long total = recommended + windowOverflow;
    if (total == 0) {
      return new RecommendationSummary(windowLists, 0, 0, 0, 0, 0, List.of(), 0);
    }
    Integer[] order = new Integer[n];
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      order[i] = i;
      if (window[i] > 0) {
        distinct++;
      }
    }
    Arrays.sort(order, (a, b) -> window[b] != window[a] ? Long.compare(window[b], window[a])
        : names[a].compareTo(names[b]));
    List<RecommendationSummary.ItemShare> top = new ArrayList<>();
    long topCount = 0;
    for (int k = 0; k < Math.min(options.topItems(), distinct); k++) {
      long c = window[order[k]];
      topCount += c;
      top.add(new RecommendationSummary.ItemShare(names[order[k]], (double) c / total));
    }
    long catalogue = options.catalogueSize();
    long population = catalogue > 0 ? Math.max(catalogue, distinct) : distinct;
    long[] nonZero = new long[distinct]; // unrecommended catalogue items: zeros, never stored
    int j = 0;
    for (int i = 0; i < n; i++) {
      if (window[i] > 0) {
        nonZero[j++] = window[i];
      }
    }
    Arrays.sort(nonZero);
    double coverage = catalogue > 0 ? Math.min(1.0, (double) distinct / catalogue) : 0;
    return new RecommendationSummary(windowLists, total, distinct, coverage,
        RecommendationSummary.gini(nonZero, population), (double) topCount / total, top,
        (double) windowOverflow / total);
  }
}
