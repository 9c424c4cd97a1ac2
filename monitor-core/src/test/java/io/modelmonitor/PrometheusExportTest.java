package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PrometheusExportTest {

  private static long scrapedBucket(String scrape, String le) {
    Matcher m = Pattern.compile("model_prediction_latency_seconds_bucket\\{[^}]*le=\""
        + Pattern.quote(le) + "\"} (\\d+)").matcher(scrape);
    assertThat(m.find()).as("bucket le=%s in scrape", le).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void scrape_configuredBuckets_countValuesAtOrBelowEachBound() {
    MonitorConfig config = MonitorConfig.custom()
        .latencyBuckets(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(20))
        .build();
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MonitorRegistry registry = MonitorRegistry.builder().meterRegistry(prometheus)
        .commonTag("service", "reco").build()) {
      ModelMonitor<Object, Object> monitor = registry.monitor("ctr", "v7", config);
      SplittableRandom random = new SplittableRandom(3);
      long[] bounds = {1_000_000, 5_000_000, 20_000_000};
      long[] expected = new long[bounds.length];
      long sum = 0;
      int n = 20_000;
      for (int i = 0; i < n; i++) {
        long v;
        do { // keep 2% away from every bound: there the histogram's precision decides
          v = 200_000 + random.nextLong(40_000_000);
        } while (nearBound(v, bounds));
        monitor.record(v);
        sum += v;
        for (int b = 0; b < bounds.length; b++) {
          if (v <= bounds[b]) {
            expected[b]++;
          }
        }
      }

      String scrape = prometheus.scrape();

      assertThat(scrapedBucket(scrape, "0.001")).isEqualTo(expected[0]);
      assertThat(scrapedBucket(scrape, "0.005")).isEqualTo(expected[1]);
      assertThat(scrapedBucket(scrape, "0.02")).isEqualTo(expected[2]);
      assertThat(scrapedBucket(scrape, "+Inf")).isEqualTo(n);
      assertThat(scrape).contains("model_prediction_latency_seconds_count{model=\"ctr\","
          + "service=\"reco\",version=\"v7\"} " + n);
      Matcher sumLine = Pattern.compile("model_prediction_latency_seconds_sum\\{[^}]*} (\\S+)")
          .matcher(scrape);
      assertThat(sumLine.find()).isTrue();
      assertThat(Double.parseDouble(sumLine.group(1))).isCloseTo(sum / 1e9,
          org.assertj.core.data.Offset.offset(1e-6));
      assertThat(scrape).contains("# TYPE model_prediction_latency_seconds histogram");
    }
  }

  private static boolean nearBound(long v, long[] bounds) {
    for (long b : bounds) {
      if (Math.abs(v - b) < b * 0.02) {
        return true;
      }
    }
    return false;
  }

  @Test
  void meters_registeredOnceAtBuild_notPerCall_andRemovedOnClose() {
    SimpleMeterRegistry simple = new SimpleMeterRegistry();
    MonitorRegistry registry = MonitorRegistry.builder().meterRegistry(simple).build();
    ModelMonitor<Integer, Integer> monitor = registry.monitor("ctr", "v1");
    List<Meter> atBuild = List.copyOf(simple.getMeters());
    assertThat(atBuild).isNotEmpty();

    for (int i = 0; i < 1_000; i++) {
      monitor.executeFunction(x -> x, i);
    }
    assertThat(simple.getMeters()).hasSameSizeAs(atBuild);

    // an exception type seen for the first time gets its counter from the reporter tick
    try {
      monitor.executeFunction(x -> {
        throw new IllegalStateException();
      }, 1);
    } catch (IllegalStateException expected) {
      // counted
    }
    assertThat(simple.getMeters()).hasSameSizeAs(atBuild);
    registry.tickNow();
    assertThat(simple.find(MetricNames.ERRORS).tag("exception", "IllegalStateException")
        .functionCounter().count()).isEqualTo(1);

    registry.close();
    assertThat(simple.getMeters()).isEmpty();
  }

  @Test
  void twoRegistries_sameModelSameTags_secondIsRejectedAndScrapeStillWorks() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MonitorRegistry a = MonitorRegistry.builder().meterRegistry(prometheus).build();
        MonitorRegistry b = MonitorRegistry.builder().meterRegistry(prometheus).build();
        MonitorRegistry c = MonitorRegistry.builder().meterRegistry(prometheus)
            .commonTag("replica", "canary").build()) {
      a.monitor("ctr", "v1").record(1_000_000);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.monitor("ctr", "v1"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already exported");
      c.monitor("ctr", "v1").record(2_000_000); // other common tags: its own series
      String scrape = prometheus.scrape();
      assertThat(scrape).contains("model_prediction_latency_seconds_count{model=\"ctr\","
          + "version=\"v1\"} 1");
      assertThat(scrape).contains("model_prediction_latency_seconds_count{model=\"ctr\","
          + "replica=\"canary\",version=\"v1\"} 1");
    }
  }

  @Test
  void registryCommonTags_appliedByMeterFilter_reachTheHistogramToo() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    prometheus.config().commonTags("region", "eu-1");
    try (MonitorRegistry r = MonitorRegistry.builder().meterRegistry(prometheus).build()) {
      r.monitor("ctr", "v1").record(1_000_000);
      assertThat(prometheus.scrape()).contains("model_prediction_latency_seconds_count{model="
          + "\"ctr\",region=\"eu-1\",version=\"v1\"} 1");
    }
  }

  @Test
  void twoRegistries_shareOnePrometheusRegistry() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MonitorRegistry a = MonitorRegistry.builder().meterRegistry(prometheus).build();
        MonitorRegistry b = MonitorRegistry.builder().meterRegistry(prometheus).build()) {
      a.monitor("ctr", "v1").record(1_000_000);
      b.monitor("cvr", "v2").record(2_000_000);
      String scrape = prometheus.scrape();
      assertThat(scrape).contains("model_prediction_latency_seconds_count{model=\"ctr\","
          + "version=\"v1\"} 1");
      assertThat(scrape).contains("model_prediction_latency_seconds_count{model=\"cvr\","
          + "version=\"v2\"} 1");
    }
  }
}
