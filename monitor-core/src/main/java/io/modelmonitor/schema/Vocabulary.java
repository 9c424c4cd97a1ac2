package io.modelmonitor.schema;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A categorical feature's known categories, looked up without allocation: strings in a hash set
 * (their hash codes are cached by {@link String}), integral ids in a sorted {@code long[]}.
 */
final class Vocabulary {

  private final Set<String> strings;
  private final long[] ids;

  Vocabulary(List<String> categories) {
    this.strings = new HashSet<>(categories);
    long[] parsed = new long[categories.size()];
    int n = 0;
    for (String c : categories) {
      try {
        long id = Long.parseLong(c);
        if (Long.toString(id).equals(c)) { // "007" is a string category, not id 7
          parsed[n++] = id;
        }
      } catch (NumberFormatException notAnId) {
        // a string category
      }
    }
    this.ids = Arrays.copyOf(parsed, n);
    Arrays.sort(this.ids);
  }

  boolean contains(String category) {
    return strings.contains(category);
  }

  boolean containsId(long id) {
    return Arrays.binarySearch(ids, id) >= 0;
  }
}
