/**
 * The store: what keeps a replica fast to restore and bounded in size — compaction into levels
 * L1..L8, level-9 snapshots, retention and validation. {@link io.litestream4j.store.Store} is the
 * entry point, {@link io.litestream4j.config.StoreOptions} its configuration.
 *
 * <h2>Shape of a replica</h2>
 *
 * <ul>
 *   <li>L0: one file per sync of the database (written by the replica uploader).
 *   <li>L1..Ln: level n holds the files of level n-1 merged on level n's schedule; within a level
 *       files follow each other without gaps or overlaps. Compacted files carry the newest input
 *       timestamp (so point-in-time restore never pulls in a later transaction) and the rolling
 *       checksums of their first and last input.
 *   <li>L9: snapshots {@code [1, txid]} of the live database.
 *   <li>Levels are cut at snapshots: at every level, the file after a snapshot {@code [1, m]}
 *       starts at {@code m + 1}. A restore — the newest snapshot at or below the target, then the
 *       fewest files of levels 8..0 that each start right after the previous one ended — therefore
 *       never needs L0 once L1 has caught up, and the number of files it needs is bounded by the
 *       levels' intervals, not by the length of the history.
 * </ul>
 *
 * <h2>The retention rule</h2>
 *
 * A replica file is deleted only if it has been a <em>deletion candidate</em> continuously for its
 * level's wait, as recorded by the store (in the state directory, so the wait survives restarts and
 * one-shot runs):
 *
 * <ul>
 *   <li>L9 — candidate: created before {@code now - snapshot.retention} and not the newest
 *       snapshot. The <em>floor</em> is the lowest max TXID among the snapshots that are not
 *       candidates.
 *   <li>L1..L8 — candidate: ends at or below the floor, is not the newest file of its level, and
 *       (below the top configured level) is covered by the next level; only a leading run of the
 *       level can be candidates, so no level ever gets a hole.
 *   <li>L0 — candidate: covered by L1 and not the newest L0 file; again only a leading run.
 *   <li>Waits: {@code l0-retention} for L0 ("kept that long after being compacted into L1"), {@link
 *       io.litestream4j.config.StoreOptions#retentionGrace() retention grace} (default 1h) for
 *       L1..L9. {@code l0-retention: 0} keeps L0 on the replica; {@code retention.enabled: false}
 *       deletes nothing on the replica. Local L0 copies already covered by L1 are removed at once
 *       (except the newest) in every case, so the state directory cannot grow without bound.
 * </ul>
 *
 * <p><b>What it guarantees (Litestream issue 1307).</b> Take a restore plan computed at time {@code
 * t} from a listing of the replica: the newest snapshot at or below its target, then the fewest
 * contiguous files after it. If the target is at or above the floor, none of the plan's L1..L9
 * files is a candidate at {@code t} (the newest snapshot never is one, and the floor stays at or
 * below that snapshot's TXID for as long as the snapshot is not a candidate), so each survives
 * until at least {@code t + retention grace}. A plan for the latest state uses an L0 file only
 * where L1 does not cover it yet (L1 files end on file boundaries of every level and on every
 * snapshot, so the fewest-files plan always prefers them), so its L0 files survive until at least
 * {@code t + l0-retention}. A point-in-time plan to a TXID inside an L1 file may also read L0 files
 * L1 already covers; those are kept {@code l0-retention} after L1 covered them. In short: a restore
 * that finishes within the retention grace (and within {@code l0-retention} for the L0 files it
 * reads) never finds a planned file deleted. Plans for TXIDs below the floor — history retention is
 * already removing — get no such promise.
 */
@NullMarked
package io.litestream4j.store;

import org.jspecify.annotations.NullMarked;
