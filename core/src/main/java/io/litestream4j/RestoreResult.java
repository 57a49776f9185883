package io.litestream4j;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A completed restore: the database now at {@code output} is the replicated database as of {@code
 * txid}.
 *
 * @param output the restored database
 * @param txid the transaction the database is at
 * @param timestamp when that transaction was committed (the last file's LTX header timestamp)
 * @param plan the files that were applied; null for a restore from Litestream v0.3 backups ({@code
 *     generations/}), which have no LTX files (and whose {@code txid} is 0)
 * @param duration wall time of the whole restore, planning included
 * @param integrityCheck the SQLite check that ran (may be stronger than requested, see {@link
 *     RestoreOptions#integrityCheck()})
 * @param checksumVerified true when every plan file carried rolling checksums, so the restored
 *     database's checksum was proven equal to the last file's post-apply checksum (and continuity
 *     checked at every exact seam); false when some file was written without them (flag 0x2, as
 *     Litestream writes), in which case SQLite's {@code quick_check} ran instead
 */
public record RestoreResult(
    Path output,
    long txid,
    Instant timestamp,
    @Nullable RestorePlan plan,
    Duration duration,
    RestoreOptions.IntegrityCheck integrityCheck,
    boolean checksumVerified) {

  public RestoreResult {
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(integrityCheck, "integrityCheck");
  }
}
