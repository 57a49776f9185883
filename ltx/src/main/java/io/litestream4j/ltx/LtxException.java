package io.litestream4j.ltx;

import java.io.IOException;

/**
 * The one exception the LTX codec throws for bad bytes or broken continuity: a corrupt, truncated,
 * hostile or out-of-sequence file, or pages that would make an invalid file. The message names the
 * byte offset, page number or header field and says what was expected, so an operator can tell a
 * damaged replica from a bug. It is an {@link IOException} because callers handle it where they
 * handle storage failures: the file is unusable, nothing was accepted from it.
 */
public class LtxException extends IOException {
  private static final long serialVersionUID = 1L;

  public LtxException(String message) {
    super(message);
  }

  public LtxException(String message, Throwable cause) {
    super(message, cause);
  }
}
