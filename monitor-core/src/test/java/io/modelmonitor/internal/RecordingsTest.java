package io.modelmonitor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelmonitor.MonitorConfig;
import org.junit.jupiter.api.Test;

class RecordingsTest {

  private final LatencyLayout layout = new LatencyLayout(MonitorConfig.ofDefaults());

  @Test
  void drain_afterThreadsDied_dropsTheirCellsAndKeepsTheirCounts() throws Exception {
    Recordings recordings = new Recordings(layout, 3, 100);
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
    Recordings recordings = new Recordings(layout, 3, 100);
    RecordingCell cell = recordings.cell();
    cell.recordSuccess(1_000);
    recordings.drain();
    long before = cell.drainedWrites;

    recordings.drain();

    assertThat(cell.drainedWrites).isEqualTo(before).isEqualTo(1);
    assertThat(recordings.window.success).isEqualTo(1);
  }

  @Test
  void inFlight_startedOnOneThreadFinishedOnAnother_balances() throws Exception {
    Recordings recordings = new Recordings(layout, 3, 100);
    recordings.cell().callStarted();
    assertThat(recordings.inFlight()).isEqualTo(1);
    Thread finisher = new Thread(() -> recordings.cell().callFinished());
    finisher.start();
    finisher.join();

    assertThat(recordings.inFlight()).isZero();
    recordings.drain(); // retires the finisher's cell; the balance must survive
    assertThat(recordings.inFlight()).isZero();
  }
}
