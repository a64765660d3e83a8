package dev.lookalike.server.http.graphql;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the part of GraphQL that Weaviate's clients send for a query: one operation, fields with
 * arguments and selection sets, and literal values (strings, numbers, booleans, null, enum names,
 * lists and objects). Variables, fragments and directives are refused with a message that says
 * so ({@link GraphQlException#UNSUPPORTED}); so is anything malformed ({@link GraphQlException#SYNTAX}),
 * always as a {@link GraphQlException}, never a stack overflow: nesting is bounded.
 */
public final class GraphQlParser {

  /** Deeper than any query a client sends; keeps a hostile one from exhausting the stack. */
  static final int MAX_DEPTH = 32;

  /** A field: {@code alias: name(arguments) { selection }}. */
  public record Field(String alias, String name, Map<String, Object> arguments, List<Field> selection) {
    /** The key of this field in the response. */
    public String responseKey() {
      return alias != null ? alias : name;
    }
  }

  /** An enum value, such as Weaviate's {@code operator: ContainsAll}. */
  public record EnumValue(String name) {}

  private final String text;
  private int at;
  private int depth;

  private GraphQlParser(String text) {
    this.text = text;
  }

  /** The operation's top-level selection. */
  public static List<Field> parse(String query) {
    if (query == null || query.isBlank()) throw new GraphQlException(GraphQlException.SYNTAX, "the query is empty");
    GraphQlParser parser = new GraphQlParser(query);
    List<Field> selection = parser.operation();
    parser.skipIgnored();
    if (parser.at < parser.text.length()) {
      throw parser.error("one operation per request; found more after it");
    }
    return selection;
  }

  private List<Field> operation() {
    skipIgnored();
    if (peek() != '{') {
      String keyword = name();
      if (keyword.equals("mutation") || keyword.equals("subscription")) throw unsupported(keyword + " is not supported: only queries");
      if (!keyword.equals("query")) throw error("expected '{' or 'query', found '" + keyword + "'");
      skipIgnored();
      if (isNameStart(peek())) name();
      skipIgnored();
      if (peek() == '(') throw unsupported("variables are not supported: write the values into the query");
    }
    return selectionSet();
  }

  private List<Field> selectionSet() {
    expect('{');
    enter();
    List<Field> fields = new ArrayList<>();
    while (true) {
      skipIgnored();
      if (peek() == '}') break;
      fields.add(field());
    }
    at++;
    leave();
    if (fields.isEmpty()) throw error("a selection set needs at least one field");
    return fields;
  }

  private Field field() {
    if (text.startsWith("...", at)) throw unsupported("fragments are not supported");
    String first = name();
    String alias = null;
    String name = first;
    skipIgnored();
    if (peek() == ':') {
      at++;
      skipIgnored();
      alias = first;
      name = name();
      skipIgnored();
    }
    Map<String, Object> arguments = Map.of();
    if (peek() == '(') arguments = arguments();
    skipIgnored();
    if (peek() == '@') throw unsupported("directives are not supported");
    List<Field> selection = peek() == '{' ? selectionSet() : List.of();
    return new Field(alias, name, arguments, selection);
  }

  private Map<String, Object> arguments() {
    expect('(');
    Map<String, Object> arguments = new LinkedHashMap<>();
    while (true) {
      skipIgnored();
      if (peek() == ')') break;
      String name = name();
      skipIgnored();
      expect(':');
      if (arguments.put(name, value()) != null) throw error("argument '" + name + "' is given twice");
    }
    at++;
    if (arguments.isEmpty()) throw error("empty argument list");
    return arguments;
  }

  private Object value() {
    skipIgnored();
    char c = peek();
    if (c == '"') return string();
    if (c == '[') return list();
    if (c == '{') return object();
    if (c == '$') throw unsupported("variables are not supported: write the values into the query");
    if (c == '-' || Character.isDigit(c)) return number();
    if (isNameStart(c)) {
      String name = name();
      return switch (name) {
        case "true" -> Boolean.TRUE;
        case "false" -> Boolean.FALSE;
        case "null" -> null;
        default -> new EnumValue(name);
      };
    }
    throw error(at < text.length() ? "unexpected '" + c + "'" : "the query ends too early");
  }

  private List<Object> list() {
    expect('[');
    enter();
    List<Object> values = new ArrayList<>();
    while (true) {
      skipIgnored();
      if (peek() == ']') break;
      values.add(value());
    }
    at++;
    leave();
    return values;
  }

  private Map<String, Object> object() {
    expect('{');
    enter();
    Map<String, Object> fields = new LinkedHashMap<>();
    while (true) {
      skipIgnored();
      if (peek() == '}') break;
      String name = name();
      skipIgnored();
      expect(':');
      if (fields.containsKey(name)) throw error("field '" + name + "' is given twice");
      fields.put(name, value());
    }
    at++;
    leave();
    return fields;
  }

  private BigDecimal number() {
    int start = at;
    if (peek() == '-') at++;
    while (at < text.length() && (Character.isDigit(text.charAt(at)) || "+-.eE".indexOf(text.charAt(at)) >= 0)) at++;
    try {
      return new BigDecimal(text.substring(start, at));
    } catch (NumberFormatException e) {
      throw error("'" + text.substring(start, at) + "' is not a number");
    }
  }

  private String string() {
    if (text.startsWith("\"\"\"", at)) throw unsupported("block strings are not supported");
    at++;
    StringBuilder out = new StringBuilder();
    while (at < text.length()) {
      char c = text.charAt(at++);
      if (c == '"') return out.toString();
      if (c == '\n' || c == '\r') throw error("a string cannot span lines");
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (at >= text.length()) break;
      char escaped = text.charAt(at++);
      switch (escaped) {
        case '"', '\\', '/' -> out.append(escaped);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append(unicode());
        default -> throw error("unknown escape \\" + escaped);
      }
    }
    throw error("a string is not closed");
  }

  private char unicode() {
    if (at + 4 > text.length()) throw error("\\u needs four hex digits");
    try {
      char c = (char) Integer.parseInt(text.substring(at, at + 4), 16);
      at += 4;
      return c;
    } catch (NumberFormatException e) {
      throw error("\\u needs four hex digits");
    }
  }

  private String name() {
    skipIgnored();
    if (!isNameStart(peek())) throw error(at < text.length() ? "expected a name, found '" + peek() + "'" : "the query ends too early");
    int start = at;
    while (at < text.length() && (isNameStart(text.charAt(at)) || Character.isDigit(text.charAt(at)))) at++;
    return text.substring(start, at);
  }

  private static boolean isNameStart(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** Whitespace, commas (insignificant in GraphQL), a byte-order mark and # comments. */
  private void skipIgnored() {
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == '#') {
        while (at < text.length() && text.charAt(at) != '\n' && text.charAt(at) != '\r') at++;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '\uFEFF') {
        at++;
      } else {
        return;
      }
    }
  }

  private char peek() {
    return at < text.length() ? text.charAt(at) : '\0';
  }

  private void expect(char c) {
    skipIgnored();
    if (peek() != c) throw error(at < text.length() ? "expected '" + c + "', found '" + peek() + "'" : "the query ends too early; expected '" + c + "'");
    at++;
  }

  private void enter() {
    if (++depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH + " levels");
  }

  private void leave() {
    depth--;
  }

  private GraphQlException error(String message) {
    return new GraphQlException(GraphQlException.SYNTAX, message + position());
  }

  private GraphQlException unsupported(String message) {
    return new GraphQlException(GraphQlException.UNSUPPORTED, message + position());
  }

  private String position() {
    int line = 1;
    int column = 1;
    for (int i = 0; i < Math.min(at, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return " (line " + line + ", column " + column + ")";
  }
}
