package io.modelmonitor.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelmonitor.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BaselineCaptureTest {

  @Test
  void capture_equalsFittingTheSameRows() {
    List<Map<String, ?>> rows = BaselineTest.rows(3_000, 9, 0);
    double[] scores = new SplittableRandom(10).doubles(3_000).toArray();
    BaselineCapture<Map<String, ?>> capture = BaselineCapture.of(BaselineTest.SCHEMA, 2_000);
    for (int i = 0; i < rows.size(); i++) {
      boolean taken = capture.offer(rows.get(i), scores[i]);
      assertThat(taken).isEqualTo(i < 2_000);
    }
    assertThat(capture.isComplete()).isTrue();
    Baseline captured = capture.build();
    Baseline fitted = Baseline.builder().features(rows.subList(0, 2_000), BaselineTest.SCHEMA)
        .predictions(java.util.Arrays.copyOf(scores, 2_000)).build();
    assertThat(captured.features()).isEqualTo(fitted.features());
    assertThat(captured.prediction()).isEqualTo(fitted.prediction());
    assertThat(captured.metadata()).containsEntry("source", "captured from 2000 live rows");
  }

  record Query(float[] embedding) {}

  @Test
  void capture_copiesValues_soReusedBuffersCannotCorruptIt() {
    FeatureSchema<Query> schema = FeatureSchema.forRecord(Query.class).build();
    BaselineCapture<Query> capture = BaselineCapture.of(schema, 10);
    float[] buffer = new float[2];
    for (int i = 0; i < 10; i++) {
      buffer[0] = i; // the caller reuses one buffer, as serving code often does
      buffer[1] = 1;
      capture.offer(new Query(buffer));
    }
    buffer[0] = 1_000;
    VectorProfile v = (VectorProfile) capture.build().features().get("embedding");
    assertThat(v.mean()[0]).isEqualTo(4.5); // (0 + ... + 9) / 10, not 1000
  }

  @Test
  void capture_concurrentOffers_takeExactlyTheCapacity() throws Exception {
    List<Map<String, ?>> rows = BaselineTest.rows(5_000, 11, 0);
    BaselineCapture<Map<String, ?>> capture = BaselineCapture.of(BaselineTest.SCHEMA, 10_000);
    AtomicInteger accepted = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (Map<String, ?> row : rows) {
          if (capture.offer(row)) {
            accepted.incrementAndGet();
          }
        }
      });
      threads.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(accepted).hasValue(10_000);
    assertThat(capture.size()).isEqualTo(10_000);
    NumericProfile price = (NumericProfile) capture.build().features().get("price");
    assertThat(price.count()).isEqualTo(10_000);
  }
}
