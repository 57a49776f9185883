/**
 * The embedding API: {@link io.litestream4j.Replication} (one database), {@link
 * io.litestream4j.Replicator} (many, sharing threads), {@link
 * io.litestream4j.DirectoryReplication}, {@link io.litestream4j.Restorer}, {@link
 * io.litestream4j.Follower} and {@link io.litestream4j.DurableDataSource}, with their options and
 * the values they return. Nothing here accepts or returns {@code null} unless marked
 * {@code @Nullable}.
 */
@NullMarked
package io.litestream4j;

import org.jspecify.annotations.NullMarked;
