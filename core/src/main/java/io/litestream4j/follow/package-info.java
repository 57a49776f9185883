/**
 * Follow mode ({@code restore -f}): finding the next files on the replica and applying each TXID to
 * a read replica with SQLite's own atomic commit.
 */
@NullMarked
package io.litestream4j.follow;

import org.jspecify.annotations.NullMarked;
