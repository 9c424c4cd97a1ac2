package io.modelmonitor;

/**
 * Receives the snapshot of every model each time a reporting window closes.
 *
 * <p>Listeners run on the registry's reporter thread (or on the thread calling
 * {@link MonitorRegistry#tickNow()} or {@link MonitorRegistry#close()}), one window after another,
 * never concurrently with themselves. They must not block for long: the next window waits for
 * them. An exception thrown by a listener is counted and logged; it never reaches the monitored
 * calls and does not stop other listeners.
 */
@FunctionalInterface
public interface SnapshotListener {

  /**
   * Called once per model per closed window.
   *
   * @param snapshot the immutable snapshot of the window that just closed; never null
   */
  void onSnapshot(ModelSnapshot snapshot);
}
