package io.litestream4j.server;

import java.nio.file.Path;

/**
 * The answer to start/stop/register/unregister/sync, in Litestream's vocabulary.
 *
 * @param status e.g. {@code started}, {@code already_running}, {@code stopped}, {@code synced}
 * @param txid the database's local TXID after the operation
 * @param replicatedTxid the replica's TXID ({@code sync} only; -1 otherwise)
 */
public record ControlResult(String status, Path path, long txid, long replicatedTxid) {
  static ControlResult of(String status, Path path, long txid) {
    return new ControlResult(status, path, txid, -1);
  }
}
