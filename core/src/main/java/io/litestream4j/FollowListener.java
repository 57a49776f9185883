package io.litestream4j;

import java.io.IOException;

/**
 * Told about a {@link Follower}'s progress, on the follower's thread (keep it quick). Exceptions
 * thrown by a listener are logged and otherwise ignored.
 */
public interface FollowListener {
  /** The follower's database now shows the state of {@code event.txid()}, as one transaction. */
  void applied(FollowEvent event);

  /** The follower stopped for good because of {@code error} (a checksum break, a gap, ...). */
  default void failed(IOException error) {}

  /** A listener that does nothing. */
  FollowListener NONE = event -> {};
}
