package io.litestream4j.ltx;

import java.io.IOException;

/**
 * Hands a failure that a helper thread caught to the thread that waits for it, keeping its type: an
 * {@link IOException} (a full disk, a short read) as it is, so callers can tell it by type and
 * message, unchecked exceptions and errors rethrown, anything else wrapped.
 *
 * <p>Written with {@code instanceof} rather than a type switch on purpose: the first type switch a
 * JVM runs costs it several milliseconds to bootstrap, and every command-line restore runs this.
 */
final class Rethrow {
  private Rethrow() {}

  /** Returns {@code e} as the {@link IOException} to throw, or throws it if it is unchecked. */
  static IOException asIoException(Throwable e) {
    if (e instanceof IOException io) {
      return io;
    }
    if (e instanceof RuntimeException r) {
      throw r;
    }
    if (e instanceof Error err) {
      throw err;
    }
    return new IOException(e);
  }
}
