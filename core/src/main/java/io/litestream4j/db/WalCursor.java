package io.litestream4j.db;

import io.litestream4j.sqlite.WalHeader;
import io.litestream4j.sqlite.WalPosition;
import org.jspecify.annotations.Nullable;

/**
 * How far into the live WAL the replicated state reaches: a position inside one WAL generation
 * (salts + checkpoint sequence), with SQLite's running checksum at that point so the next frame can
 * be validated. {@link #FRESH} means there was no WAL content when the state was taken: any WAL
 * that appears later is entirely new.
 */
record WalCursor(@Nullable WalPosition position, int checkpointSeq, boolean fresh) {
  static final WalCursor FRESH = new WalCursor(null, 0, true);

  static WalCursor start(WalHeader header) {
    return new WalCursor(WalPosition.start(header), header.checkpointSeq(), false);
  }

  WalCursor advance(WalPosition to) {
    return new WalCursor(to, checkpointSeq, false);
  }

  long offset() {
    return fresh ? WalHeader.SIZE : position.offset();
  }

  boolean sameGeneration(WalHeader h) {
    return !fresh && position.sameGeneration(h);
  }
}
