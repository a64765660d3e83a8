package dev.lookalike.server.http.graphql;

/** A query Lookalike cannot read or does not support; the message is for the client. */
public final class GraphQlException extends RuntimeException {

  public GraphQlException(String message) {
    super(message);
  }
}
