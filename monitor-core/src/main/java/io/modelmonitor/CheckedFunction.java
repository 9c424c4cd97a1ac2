package io.modelmonitor;

/**
 * A function that may throw a checked exception of type {@code E}, such as ONNX Runtime's
 * {@code OrtException}.
 *
 * <p>Decorating it with {@link ModelMonitor#decorateCheckedFunction(CheckedFunction)} keeps the
 * exception type, so callers handle exactly the exceptions they handled before.
 *
 * @param <T> the input type
 * @param <R> the result type
 * @param <E> the checked exception type the function may throw
 */
@FunctionalInterface
public interface CheckedFunction<T, R, E extends Exception> {

  /**
   * Applies the function.
   *
   * @param input the input, passed through unchanged
   * @return the result
   * @throws E when the wrapped computation fails
   */
  R apply(T input) throws E;
}
