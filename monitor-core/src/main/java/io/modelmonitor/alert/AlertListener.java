package io.modelmonitor.alert;

/**
 * A typed callback for alert events, for code that reacts differently to an alert starting,
 * repeating and ending (open and close an incident, say). Implement the methods you need; each
 * runs on the listener's own delivery thread, like any {@link AlertSink}.
 *
 * <pre>{@code
 * registry = MonitorRegistry.builder()
 *     .alertSink(new AlertListener() {
 *       public void onFiring(AlertEvent e) { incidents.open(e.fingerprint(), e.description()); }
 *       public void onResolved(AlertEvent e) { incidents.close(e.fingerprint()); }
 *     })
 *     .build();
 * }</pre>
 */
public interface AlertListener extends AlertSink {

  /**
   * Called when an alert starts firing.
   *
   * @param event the event
   * @throws Exception counted as a failed delivery
   */
  default void onFiring(AlertEvent event) throws Exception {
  }

  /**
   * Called when a still-firing alert is re-sent after the rule's repeat interval.
   *
   * @param event the event ({@link AlertEvent#repeat()} is true)
   * @throws Exception counted as a failed delivery
   */
  default void onRepeat(AlertEvent event) throws Exception {
  }

  /**
   * Called when an alert resolves.
   *
   * @param event the event, with {@link AlertEvent#endsAt()} set
   * @throws Exception counted as a failed delivery
   */
  default void onResolved(AlertEvent event) throws Exception {
  }

  /** Dispatches to {@link #onFiring}, {@link #onRepeat} or {@link #onResolved}. */
  @Override
  default void deliver(AlertEvent event) throws Exception {
    if (event.state() == AlertEvent.State.RESOLVED) {
      onResolved(event);
    } else if (event.repeat()) {
      onRepeat(event);
    } else {
      onFiring(event);
    }
  }
}
