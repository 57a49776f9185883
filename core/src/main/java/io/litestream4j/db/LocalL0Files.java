package io.litestream4j.db;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * All an uploader ({@code io.litestream4j.replica.Replica}) sees of the database it replicates: the
 * level-0 files the database wrote locally, read-only, and how far they reach. Keeping the uploader
 * to this view makes data flow one way — the database writes files, the replica reads and ships
 * them — and leaves decisions that need both sides (re-basing the database on the replica) to
 * whoever assembled the two.
 */
public interface LocalL0Files {
  /** The newest TXID written locally; 0 before the first sync. */
  long newestTxid();

  /**
   * Opens the local L0 file of {@code txid}; {@link java.nio.file.NoSuchFileException} if it is
   * gone.
   */
  InputStream open(long txid) throws IOException;

  /** Where the local L0 file of {@code txid} is (or would be), for messages. */
  Path path(long txid);
}
