package io.litestream4j.internal;

/** What the backends' error messages need from an exception chain. */
public final class Throwables {
  private Throwables() {}

  /**
   * The innermost cause of {@code e} ({@code e} itself when it has none): for an SDK's wrapped
   * failure, the one that says what happened ("Connection refused").
   */
  public static Throwable rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }
}
