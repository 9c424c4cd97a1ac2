package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

  private static final int THREADS = 8;
  private static final int CALLS = 100_000;

  @Test
  void decoratedFunction_eightThreadsWithFailures_countsExactlyEverywhere() throws Exception {
    SimpleMeterRegistry simple = new SimpleMeterRegistry();
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CompositeMeterRegistry composite = new CompositeMeterRegistry();
    composite.add(simple);
    composite.add(prometheus);
    try (MonitorRegistry registry = MonitorRegistry.builder().meterRegistry(composite).build()) {
      ModelMonitor<Integer, Integer> monitor = registry.monitor("ctr", "v1");
      Function<Integer, Integer> model = monitor.decorateFunction(i -> {
        if (i % 7 == 0) {
          throw new IllegalStateException("boom " + i);
        }
        if (i % 11 == 0) {
          throw new IllegalArgumentException("bad " + i);
        }
        return i + 1;
      });

      // independent reference counts, kept by the callers themselves
      AtomicLong ok = new AtomicLong();
      AtomicLong illegalState = new AtomicLong();
      AtomicLong illegalArgument = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int offset = t * CALLS;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < CALLS; i++) {
            try {
              model.apply(offset + i);
              ok.incrementAndGet();
            } catch (IllegalStateException e) {
              illegalState.incrementAndGet();
            } catch (IllegalArgumentException e) {
              illegalArgument.incrementAndGet();
            }
            if (i % 10_000 == 0) {
              monitor.snapshot(); // a concurrent reader draining while writers record
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
      pool.shutdown();

      long total = (long) THREADS * CALLS;
      long errors = illegalState.get() + illegalArgument.get();
      assertThat(ok.get() + errors).isEqualTo(total);

      ModelSnapshot s = monitor.snapshot();
      assertThat(s.totalOutcomes().success()).isEqualTo(ok.get());
      assertThat(s.totalOutcomes().errors()).isEqualTo(errors);
      assertThat(s.totalOutcomes().errorsByType())
          .containsEntry("IllegalStateException", illegalState.get())
          .containsEntry("IllegalArgumentException", illegalArgument.get());
      assertThat(s.totalLatency().count()).isEqualTo(total);
      assertThat(s.inFlight()).isZero();
      assertThat(s.monitorErrors()).isZero();

      registry.tickNow(); // registers the counters of the exception types seen meanwhile
      assertThat(simple.get(MetricNames.PREDICTIONS).tag("outcome", "success")
          .functionCounter().count()).isEqualTo(ok.get());
      assertThat(simple.get(MetricNames.PREDICTIONS).tag("outcome", "error")
          .functionCounter().count()).isEqualTo(errors);
      FunctionCounter illegalStateCounter = simple.get(MetricNames.ERRORS)
          .tag("exception", "IllegalStateException").functionCounter();
      assertThat(illegalStateCounter.count()).isEqualTo(illegalState.get());
      FunctionTimer latency = simple.get(MetricNames.LATENCY).functionTimer();
      assertThat(latency.count()).isEqualTo(total);
      assertThat(simple.get(MetricNames.ACTIVE).gauge().value()).isZero();

      String scrape = prometheus.scrape();
      assertThat(scrape)
          .contains("model_predictions_total{model=\"ctr\",outcome=\"success\",version=\"v1\"} "
              + ok.get())
          .contains("model_prediction_latency_seconds_count{model=\"ctr\",version=\"v1\"} "
              + total)
          .contains("model_prediction_errors_total{exception=\"IllegalArgumentException\","
              + "model=\"ctr\",version=\"v1\"} " + illegalArgument.get());
    }
  }

  @Test
  void shortLivedThreads_cellsAreRetired_countsSurvive() throws Exception {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<Integer, Integer> monitor = registry.monitor("ranker", "v2");
      Function<Integer, Integer> model = monitor.decorateFunction(i -> i);
      int threads = 50;
      for (int t = 0; t < threads; t++) {
        Thread thread = new Thread(() -> {
          for (int i = 0; i < 1_000; i++) {
            model.apply(i);
          }
        });
        thread.start();
        thread.join();
      }
      ModelSnapshot s = monitor.snapshot(); // drains and retires the dead threads' cells
      assertThat(s.totalOutcomes().success()).isEqualTo(threads * 1_000L);
      assertThat(s.inFlight()).isZero();
    }
  }
}
