package io.modelmonitor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelmonitor.MonitorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecordingsTest {

  private final LatencyLayout layout = new LatencyLayout(MonitorConfig.ofDefaults());

  private Recordings recordings(int maxCells) {
    return new Recordings(layout, 3, 0, 100, maxCells, null, java.util.List.of());
  }

  @Test
  void drain_afterThreadsDied_dropsTheirCellsAndKeepsTheirCounts() throws Exception {
    Recordings recordings = recordings(128);
    for (int t = 0; t < 20; t++) {
      Thread thread = new Thread(() -> {
        RecordingCell cell = recordings.cell();
        for (int i = 0; i < 100; i++) {
          cell.callStarted();
          cell.recordSuccess(5_000);
          cell.callFinished();
        }
      });
      thread.start();
      thread.join();
    }
    assertThat(recordings.cellCount()).isEqualTo(20);

    recordings.drain();

    assertThat(recordings.cellCount()).isZero();
    assertThat(recordings.total.success).isEqualTo(2_000);
    assertThat(recordings.total.latency.getTotalCount()).isEqualTo(2_000);
    assertThat(recordings.inFlight()).isZero();
  }

  @Test
  void drain_unwrittenCell_isNotSwapped() {
    Recordings recordings = recordings(128);
    RecordingCell cell = recordings.cell();
    cell.recordSuccess(1_000);
    recordings.drain();
    CellInterval activeAfterFirstDrain = cell.swap(null); // peek: take it out, put it back
    cell.swap(activeAfterFirstDrain);

    recordings.drain(); // nothing written since: the cell must keep its interval

    CellInterval activeNow = cell.swap(null);
    cell.swap(activeNow);
    assertThat(activeNow).isNotNull().isSameAs(activeAfterFirstDrain);
    assertThat(recordings.window.success).isEqualTo(1);
  }

  @Test
  void cell_beyondCap_threadsShareOneAtomicCell_countsStayExact() throws Exception {
    Recordings recordings = recordings(2);
    int threads = 8;
    int calls = 50_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        RecordingCell cell = recordings.cell();
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < calls; i++) {
          cell.callStarted();
          cell.recordSuccess(1_000 + i);
          cell.callFinished();
        }
      });
      workers.add(w);
      w.start();
    }
    start.countDown();
    AtomicBoolean done = new AtomicBoolean();
    Thread drainer = new Thread(() -> {
      while (!done.get()) {
        recordings.drain();
      }
    });
    drainer.start();
    for (Thread w : workers) {
      w.join();
    }
    done.set(true);
    drainer.join();
    recordings.drain();

    assertThat(recordings.total.success).isEqualTo((long) threads * calls);
    assertThat(recordings.total.latency.getTotalCount()).isEqualTo((long) threads * calls);
    assertThat(recordings.inFlight()).isZero();
    assertThat(recordings.cellCount()).isZero(); // the two own cells retired, shared stays
  }

  @Test
  void cells_manyShortLivedThreads_memoryBoundedByCap() throws Exception {
    Recordings recordings = recordings(4);
    for (int t = 0; t < 200; t++) {
      Thread thread = new Thread(() -> recordings.cell().recordSuccess(1_000));
      thread.start();
      thread.join();
      assertThat(recordings.cellCount()).isLessThanOrEqualTo(4);
    }
    recordings.drain();
    assertThat(recordings.total.success).isEqualTo(200);
  }

  @Test
  void inFlight_startedOnOneThreadFinishedOnAnother_balances() throws Exception {
    Recordings recordings = recordings(128);
    recordings.cell().callStarted();
    assertThat(recordings.inFlight()).isEqualTo(1);
    Thread finisher = new Thread(() -> recordings.cell().callFinished());
    finisher.start();
    finisher.join();

    assertThat(recordings.inFlight()).isZero();
    recordings.drain(); // retires the finisher's cell; the balance must survive
    assertThat(recordings.inFlight()).isZero();
  }

  @Test
  void inFlight_asyncHandOffsRacingRetirement_neverNegativeOrInflated() throws Exception {
    Recordings recordings = recordings(1_000);
    int handOffs = 2_000;
    AtomicLong worst = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    Thread reader = new Thread(() -> {
      while (!done.get()) {
        worst.accumulateAndGet(recordings.inFlight(), Math::max);
        recordings.drain();
      }
    });
    reader.start();
    // each call starts on a short-lived thread and finishes on another one
    for (int i = 0; i < handOffs; i++) {
      Thread starter = new Thread(() -> recordings.cell().callStarted());
      starter.start();
      starter.join();
      Thread finisher = new Thread(() -> recordings.cell().callFinished());
      finisher.start();
      finisher.join();
    }
    done.set(true);
    reader.join();
    recordings.drain();
    assertThat(recordings.inFlight()).isZero();
    assertThat(worst.get()).as("at most the one call in flight at a time").isLessThanOrEqualTo(1);
  }
}
