package dev.lookalike.server.http.graphql;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads GraphQL literal values as the kinds Lookalike wants; a value of another kind is a bad request that names it. */
final class GraphQlValues {

  private GraphQlValues() {}

  static String string(Map<String, Object> near, String key, String operator) {
    if (!near.containsKey(key)) throw GraphQlException.badRequest(operator + " needs " + key);
    return text(near.get(key), operator + "." + key);
  }

  static String text(Object value, String what) {
    if (value instanceof String s) return s;
    throw GraphQlException.badRequest(what + " must be a string");
  }

  static Float number(Map<String, Object> near, String key) {
    Object value = near.get(key);
    if (value == null) return null;
    if (value instanceof BigDecimal d) return d.floatValue();
    throw GraphQlException.badRequest(key + " must be a number");
  }

  static Integer integer(Object value, String what) {
    if (value instanceof BigDecimal d) {
      try {
        return d.intValueExact();
      } catch (ArithmeticException e) {
        throw GraphQlException.badRequest(what + " must be a whole number");
      }
    }
    throw GraphQlException.badRequest(what + " must be a number");
  }

  static List<Float> floats(Object value) {
    if (!(value instanceof List<?> list)) throw GraphQlException.badRequest("nearVector.vector must be a list of numbers");
    List<Float> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof BigDecimal d)) throw GraphQlException.badRequest("nearVector.vector must be a list of numbers");
      out.add(d.floatValue());
    }
    return out;
  }

  static List<String> strings(Object value, String what) {
    if (value instanceof String s) return List.of(s);
    if (!(value instanceof List<?> list)) throw GraphQlException.badRequest(what + " must be a list of strings");
    List<String> out = new ArrayList<>(list.size());
    for (Object item : list) out.add(text(item, what));
    return out;
  }
}
