package io.litestream4j.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.ltx.LtxApplier;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.L0Restore;
import java.nio.file.Path;
import java.util.List;

/**
 * A source database as it was at one TXID — its logical content and rolling checksum — and the
 * check that a restore reproduces exactly that.
 */
record SourceState(long txid, List<String> dump, long checksum) {

  /** Captures {@code db} (no write may run meanwhile); {@code scratch} must not exist yet. */
  static SourceState capture(long txid, Path db, Path scratch) throws Exception {
    return new SourceState(txid, DbCompare.dump(db), L0Restore.logicalChecksum(db, scratch));
  }

  /** Applies {@code plan} into {@code out} and asserts the result is this state, intact. */
  void assertRestoredBy(ReplicaClient client, List<LtxFileInfo> plan, Path out) throws Exception {
    LtxApplier applier = Replicas.restore(client, plan, out);
    assertThat(applier.txid()).isEqualTo(txid);
    assertThat(applier.checksum())
        .as("checksum restored at TXID %d with %s", txid, plan)
        .isEqualTo(checksum);
    assertThat(DatabaseChecksum.of(out)).isEqualTo(checksum);
    DbCompare.assertSameContent(
        dump, DbCompare.dump(out), "TXID " + txid + " restored with " + plan);
    DbCompare.assertIntegrity(out);
  }
}
