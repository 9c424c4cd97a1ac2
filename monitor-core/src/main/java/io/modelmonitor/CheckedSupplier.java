package io.modelmonitor;

/**
 * A supplier that may throw a checked exception of type {@code E}.
 *
 * @param <R> the result type
 * @param <E> the checked exception type the supplier may throw
 * @see ModelMonitor#decorateCheckedSupplier(CheckedSupplier)
 */
@FunctionalInterface
public interface CheckedSupplier<R, E extends Exception> {

  /**
   * Computes the result.
   *
   * @return the result
   * @throws E when the wrapped computation fails
   */
  R get() throws E;
}
