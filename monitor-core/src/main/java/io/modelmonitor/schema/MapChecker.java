package io.modelmonitor.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks {@code Map<String, ?>} inputs. Work is proportional to the schema, never to the map:
 * unexpected keys are counted as {@code map.size()} minus the known keys present, without
 * iterating the map.
 */
final class MapChecker extends Checker {

  private final String[] ignored;
  private final Set<String> known;

  MapChecker(Rule[] rules, List<String> ignored, Set<String> known) {
    super(rules);
    this.ignored = ignored.toArray(new String[0]);
    this.known = known;
  }

  @Override
  int check(Object input, ViolationListener l) {
    if (input == null) {
      return nullInput(l);
    }
    if (!(input instanceof Map)) {
      return wrongInputType(input, l);
    }
    try {
      return checkMap((Map<?, ?>) input, l);
    } catch (ClassCastException | NullPointerException | UnsupportedOperationException e) {
      // a map that refuses String keys (a TreeMap of Integers, say) is not a feature map
      return wrongInputType(input, l);
    }
  }

  private int checkMap(Map<?, ?> map, ViolationListener l) {
    int present = 0;
    int violations = 0;
    for (Rule rule : rules) {
      Object value = map.get(rule.name);
      if (value == null) {
        if (map.containsKey(rule.name)) {
          present++;
          violations += rule.isNull(l);
        } else {
          violations += rule.missing(l);
        }
        continue;
      }
      present++;
      violations += rule.checkObject(value, l);
    }
    for (String name : ignored) {
      if (map.containsKey(name)) {
        present++;
      }
    }
    int unexpected = map.size() - present;
    if (unexpected > 0) {
      l.onViolation(unexpectedIndex, ViolationKind.UNEXPECTED, unexpected, null);
      violations++;
    }
    return violations;
  }

  @Override
  void visit(Object input, FeatureVisitor v) {
    if (!(input instanceof Map)) {
      allMissing(v);
      return;
    }
    Map<?, ?> map = (Map<?, ?>) input;
    for (Rule rule : rules) {
      Object value;
      try {
        value = map.get(rule.name);
      } catch (ClassCastException | NullPointerException | UnsupportedOperationException e) {
        value = null;
      }
      rule.visitObject(value, v);
    }
  }

  @Override
  List<String> unexpectedNames(Object input, int limit) {
    List<String> names = new ArrayList<>();
    if (input instanceof Map) {
      for (Object key : ((Map<?, ?>) input).keySet()) {
        if (!(key instanceof String) || !known.contains(key)) {
          // only strings are named; other keys are counted but never converted
          names.add(key instanceof String ? (String) key
              : "<" + (key == null ? "null" : key.getClass().getSimpleName()) + " key>");
          if (names.size() >= limit) {
            break;
          }
        }
      }
    }
    return names;
  }
}
