package io.modelmonitor.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Maps exception classes to a bounded set of slots so error counts and their tag values stay a
 * closed set: the first {@code cap} distinct types get their own slot, later ones share
 * {@code other} (slot {@code cap}).
 *
 * <p>Thread-safe. Lookup of a known type is a lock-free map read; assigning a new slot takes a
 * lock, at most {@code cap} times in the monitor's life.
 */
final class ErrorTypes {

  static final String OTHER = "other";

  private final int cap;
  private final ConcurrentHashMap<Class<?>, Integer> slots = new ConcurrentHashMap<>();
  private final String[] names;
  private volatile int assigned;

  ErrorTypes(int cap) {
    this.cap = cap;
    this.names = new String[cap + 1];
    this.names[cap] = OTHER;
  }

  /** Number of slots including {@code other}. */
  int slotCount() {
    return cap + 1;
  }

  int otherSlot() {
    return cap;
  }

  /** Number of named slots assigned so far; slots {@code [0, assigned)} have names. */
  int assigned() {
    return assigned;
  }

  String name(int slot) {
    return names[slot];
  }

  int slotOf(Throwable error) {
    Class<?> type = unwrap(error).getClass();
    Integer slot = slots.get(type);
    if (slot != null) {
      return slot;
    }
    if (assigned >= cap) {
      return cap;
    }
    synchronized (this) {
      slot = slots.get(type);
      if (slot != null) {
        return slot;
      }
      int next = assigned;
      if (next >= cap) {
        return cap;
      }
      names[next] = uniqueName(type, next);
      // publish the slot as assigned before any writer can find it in the map, so a window
      // that counts an error of this type also lists the type
      assigned = next + 1;
      slots.put(type, next);
      return next;
    }
  }

  private String uniqueName(Class<?> type, int upTo) {
    String simple = type.getSimpleName();
    String candidate = simple.isEmpty() ? type.getName() : simple;
    for (int i = 0; i < upTo; i++) {
      if (names[i].equals(candidate)) {
        return type.getName();
      }
    }
    return OTHER.equals(candidate) ? type.getName() : candidate;
  }

  /** Async wrappers say nothing about what failed; count the cause instead. */
  static Throwable unwrap(Throwable error) {
    Throwable current = error;
    for (int depth = 0; depth < 16 // a cycle of causes must not hang the caller
        && (current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null; depth++) {
      current = current.getCause();
    }
    return current;
  }
}
