package io.litestream4j;

import java.time.Instant;

/**
 * One transaction applied by a {@link Follower}.
 *
 * @param txid the TXID the follower's database is now at
 * @param committedAt when the source committed it (the LTX file's timestamp)
 * @param pages pages written
 * @param source what was applied: {@code L0/<name>}, {@code L2/<name>} or {@code snapshot}
 */
public record FollowEvent(long txid, Instant committedAt, int pages, String source) {}
