package io.litestream4j.db;

import java.io.IOException;
import java.util.Optional;

/**
 * Tells a starting {@link Database} what the replica already holds, so that replication resumes
 * where the replica stands instead of starting over (and re-bases when the replica is ahead of the
 * local state, Litestream issue 781).
 */
@FunctionalInterface
public interface BaselineSource {
  BaselineSource NONE = Optional::empty;

  Optional<Baseline> latest() throws IOException;
}
