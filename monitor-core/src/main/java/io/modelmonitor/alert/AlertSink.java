package io.modelmonitor.alert;

/**
 * Receives alert events. Each sink gets its own bounded queue and delivery thread, so a slow or
 * failing sink never blocks rule evaluation, other sinks or model calls; an exception thrown here
 * is counted and logged, and the event is dropped (sinks that retry do so inside
 * {@link #deliver}).
 */
@FunctionalInterface
public interface AlertSink {

  /**
   * Delivers one event.
   *
   * @param event the event
   * @throws Exception if delivery failed for good
   */
  void deliver(AlertEvent event) throws Exception;

  /**
   * Receives every alert still firing (silenced ones excluded) after each evaluation, for sinks
   * that must re-send them to stay current, such as Prometheus Alertmanager; called only when
   * {@link #refreshes()} is true, on the sink's delivery thread.
   *
   * @param firing the alerts firing now
   * @throws Exception if delivery failed for good
   */
  default void refresh(java.util.List<AlertEvent> firing) throws Exception {
  }

  /**
   * Returns whether this sink wants {@link #refresh} after every evaluation.
   *
   * @return false by default
   */
  default boolean refreshes() {
    return false;
  }

  /**
   * Returns how many delivery attempts this sink has retried since start (sinks that retry
   * inside {@link #deliver} report them; exported as {@code model.alert.retries}).
   *
   * @return 0 by default
   */
  default long retries() {
    return 0;
  }

  /**
   * Returns a short name for metrics and logs ({@code sink} tag value).
   *
   * @return the name; the class's simple name by default
   */
  default String name() {
    String simple = getClass().getSimpleName();
    return simple.isEmpty() || simple.contains("$") ? "listener" : simple;
  }
}
