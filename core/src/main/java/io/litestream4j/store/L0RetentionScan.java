package io.litestream4j.store;

/**
 * The L0 files one retention pass saw, by Litestream's {@code litestream_l0_retention_files_total}
 * statuses.
 *
 * @param eligible compacted into L1 and older than {@code l0-retention}: deleted by this pass
 * @param notCompacted above L1's highest TXID (not compacted yet), or the level's newest file
 * @param tooRecent compacted, but still inside the {@code l0-retention} wait
 */
public record L0RetentionScan(int eligible, int notCompacted, int tooRecent) {}
