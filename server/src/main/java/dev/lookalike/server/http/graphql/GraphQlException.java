package dev.lookalike.server.http.graphql;

/**
 * A query Lookalike cannot read or does not support; the message is for the client, the code
 * tells which: {@link #SYNTAX} (not GraphQL), {@link #UNSUPPORTED} (GraphQL that Lookalike does not
 * answer) or {@link #BAD_REQUEST} (a value of the wrong kind, or a body that is not a query).
 */
public final class GraphQlException extends RuntimeException {

  public static final String SYNTAX = "GRAPHQL_SYNTAX_ERROR";
  public static final String UNSUPPORTED = "GRAPHQL_UNSUPPORTED";
  public static final String BAD_REQUEST = "BAD_REQUEST";

  private final String code;

  /** GraphQL that Lookalike does not answer. */
  public GraphQlException(String message) {
    this(UNSUPPORTED, message);
  }

  public GraphQlException(String code, String message) {
    super(message);
    this.code = code;
  }

  public static GraphQlException badRequest(String message) {
    return new GraphQlException(BAD_REQUEST, message);
  }

  public String code() {
    return code;
  }
}
