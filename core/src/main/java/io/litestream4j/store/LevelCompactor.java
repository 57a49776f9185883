package io.litestream4j.store;

import io.litestream4j.db.LocalLtxDir;
import io.litestream4j.ltx.LtxCompactor;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.Txid;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ResumableInputStream;
import io.litestream4j.replica.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts the files of level n-1 that level n does not cover yet into level n, streaming the
 * merged file straight to the replica (nothing is staged on disk).
 *
 * <h2>What a compaction produces</h2>
 *
 * <ul>
 *   <li>Inputs are the contiguous run of level n-1 files starting right after level n's highest
 *       TXID; each output covers {@code first.min .. last.max} of its inputs, keeps the newest
 *       timestamp and every page's newest version, and carries the pre-apply checksum of its first
 *       input and the post-apply checksum of its last ({@link LtxCompactor}), so restores can still
 *       prove continuity.
 *   <li>Outputs are cut at snapshot TXIDs: when a level-9 snapshot {@code [1, m]} falls inside the
 *       run, one output ends at {@code m} and the next starts at {@code m + 1}. Every level
 *       therefore has a file starting right after every snapshot, and a restore can continue from
 *       any retained snapshot using compacted files alone, after L0 is gone.
 *   <li>Level-0 inputs are read from the local state directory when a copy is still there, else
 *       from the replica (with resumable downloads). If local copies give a bad result the
 *       compaction is redone from the replica alone.
 *   <li>At most {@value #MAX_INPUTS} inputs per output, bounding open streams after a long backlog.
 *   <li>Outputs are also cut before a file whose page size differs from its predecessor's (the full
 *       file written when the database changed its page size), so every output has one page size.
 * </ul>
 */
final class LevelCompactor {
  private static final Logger LOG = LoggerFactory.getLogger(LevelCompactor.class);
  static final int MAX_INPUTS = 1024;

  private final ReplicaClient client;
  private final @Nullable LocalLtxDir local;
  private final String name;
  private final RetryPolicy retry;
  private final AtomicReference<StreamPipe.Reader> inFlight;

  /** Per level, the min TXID of its newest known file: listing from there finds the level's end. */
  private final long[] seek = new long[LtxFileInfo.SNAPSHOT_LEVEL + 1];

  LevelCompactor(
      ReplicaClient client,
      @Nullable LocalLtxDir local,
      String name,
      RetryPolicy retry,
      AtomicReference<StreamPipe.Reader> inFlight) {
    this.client = client;
    this.local = local;
    this.name = name;
    this.retry = retry;
    this.inFlight = inFlight;
  }

  /**
   * Compacts level {@code level - 1} into {@code level} (1..8).
   *
   * @return the files written, oldest first; empty when level {@code level - 1} has nothing new
   */
  List<LtxFileInfo> compact(int level) throws IOException {
    if (level < 1 || level >= LtxFileInfo.SNAPSHOT_LEVEL) {
      throw new IllegalArgumentException("compaction levels are 1..8, got " + level);
    }
    long dstMax = maxTxid(level);
    List<LtxFileInfo> run =
        contiguousRun(level - 1, client.ltxFiles(level - 1, dstMax + 1), dstMax);
    if (run.isEmpty()) {
      return List.of();
    }
    Set<Long> cuts = new HashSet<>();
    if (run.size() > 1) {
      for (LtxFileInfo s : client.ltxFiles(LtxFileInfo.SNAPSHOT_LEVEL, 1)) {
        cuts.add(s.maxTxid());
      }
    }
    List<LtxFileInfo> written = new ArrayList<>();
    List<LtxFileInfo> remaining = run;
    while (!remaining.isEmpty()) {
      List<LtxFileInfo> group = groups(remaining, cuts).getFirst();
      LtxFileInfo out = compactGroup(level, group);
      written.add(out);
      seek[level] = out.minTxid();
      int consumed = (int) remaining.stream().takeWhile(f -> f.maxTxid() <= out.maxTxid()).count();
      remaining = remaining.subList(consumed, remaining.size());
    }
    return written;
  }

  /**
   * The highest TXID of {@code level}, listing only from its newest known file on (retention never
   * deletes a level's newest file); a full listing when that file is gone.
   */
  private long maxTxid(int level) throws IOException {
    List<LtxFileInfo> files = client.ltxFiles(level, Math.max(1, seek[level]));
    if (files.isEmpty() && seek[level] > 1) {
      files = client.ltxFiles(level, 1);
    }
    LevelFiles.newest(files).ifPresent(f -> seek[level] = f.minTxid());
    return LevelFiles.maxTxid(files);
  }

  /** The files of the source level to compact: contiguous, starting after {@code dstMax}. */
  private List<LtxFileInfo> contiguousRun(int srcLevel, List<LtxFileInfo> src, long dstMax) {
    List<LtxFileInfo> run = new ArrayList<>();
    long cur = dstMax;
    for (LtxFileInfo f : LevelFiles.sorted(src)) {
      if (f.maxTxid() <= cur) {
        continue; // covered by what is already compacted or chosen
      }
      if (run.isEmpty()) {
        if (dstMax > 0 && f.minTxid() != dstMax + 1) {
          LOG.atWarn()
              .addKeyValue("db", name)
              .log(
                  "L{} has no file starting at TXID {} (next starts at {}); L{} continues from there",
                  srcLevel,
                  Txid.format(dstMax + 1),
                  Txid.format(f.minTxid()),
                  srcLevel + 1);
        }
      } else if (f.minTxid() != cur + 1) {
        if (f.minTxid() > cur + 1) {
          LOG.atWarn()
              .addKeyValue("db", name)
              .log(
                  "L{} has a gap after TXID {} (next file starts at {}); compacting up to the gap",
                  srcLevel,
                  Txid.format(cur),
                  Txid.format(f.minTxid()));
        } else {
          LOG.atWarn()
              .addKeyValue("db", name)
              .log(
                  "L{} file {} overlaps the files before it; compacting up to TXID {}",
                  srcLevel,
                  f,
                  Txid.format(cur));
        }
        break;
      }
      run.add(f);
      cur = f.maxTxid();
    }
    return run;
  }

  /** Splits the run after every snapshot TXID and every {@value #MAX_INPUTS} files. */
  private static List<List<LtxFileInfo>> groups(List<LtxFileInfo> run, Set<Long> cuts) {
    List<List<LtxFileInfo>> groups = new ArrayList<>();
    List<LtxFileInfo> group = new ArrayList<>();
    for (LtxFileInfo f : run) {
      group.add(f);
      if (cuts.contains(f.maxTxid()) || group.size() == MAX_INPUTS) {
        groups.add(group);
        group = new ArrayList<>();
      }
    }
    if (!group.isEmpty()) {
      groups.add(group);
    }
    return groups;
  }

  /**
   * Compacts {@code group}, or the part of it before a page size change: a file with a different
   * page size than its predecessor holds every page of the database (a full file, written when the
   * page size changed) and starts the next output, which is then a full file itself.
   */
  private LtxFileInfo compactGroup(int level, List<LtxFileInfo> group) throws IOException {
    boolean usedLocal = false;
    try {
      Inputs inputs = untilPageSizeChange(group, open(group, true));
      usedLocal = inputs.local > 0;
      return write(level, group.subList(0, inputs.streams.size()), inputs.streams);
    } catch (StoreClosingException e) {
      throw e;
    } catch (IOException e) {
      if (!usedLocal) {
        throw e;
      }
      LOG.atWarn()
          .addKeyValue("db", name)
          .log(
              "compacting into L{} from local L0 copies failed ({}); retrying from the replica",
              level,
              e.getMessage());
      Inputs inputs = untilPageSizeChange(group, open(group, false));
      return write(level, group.subList(0, inputs.streams.size()), inputs.streams);
    }
  }

  /** Peeks at every input's header and keeps the inputs before the first page size change. */
  private Inputs untilPageSizeChange(List<LtxFileInfo> group, Inputs inputs) throws IOException {
    List<InputStream> peeked = new ArrayList<>(inputs.streams.size());
    int keep = inputs.streams.size();
    int first = 0;
    try {
      for (int i = 0; i < inputs.streams.size(); i++) {
        PushbackInputStream in = new PushbackInputStream(inputs.streams.get(i), LtxHeader.SIZE);
        peeked.add(in);
        byte[] head = in.readNBytes(LtxHeader.SIZE);
        in.unread(head);
        if (head.length < LtxHeader.SIZE || keep < inputs.streams.size()) {
          continue;
        }
        int pageSize = LtxHeader.decodeUnvalidated(head).pageSize();
        if (i == 0) {
          first = pageSize;
        } else if (pageSize != first) {
          keep = i;
          LOG.atWarn()
              .addKeyValue("db", name)
              .log(
                  "the page size changes from {} to {} at L{}/{}; it starts a new compacted file",
                  first,
                  pageSize,
                  group.get(i).level(),
                  group.get(i).name());
        }
      }
    } catch (IOException | RuntimeException e) {
      closeAll(peeked);
      closeAll(inputs.streams.subList(peeked.size(), inputs.streams.size()));
      throw e;
    }
    closeAll(peeked.subList(keep, peeked.size()));
    return new Inputs(peeked.subList(0, keep), inputs.local);
  }

  private record Inputs(List<InputStream> streams, int local) {}

  private Inputs open(List<LtxFileInfo> group, boolean preferLocal) throws IOException {
    List<InputStream> streams = new ArrayList<>(group.size());
    int fromLocal = 0;
    try {
      for (LtxFileInfo f : group) {
        InputStream in = preferLocal ? openLocal(f) : null;
        if (in != null) {
          fromLocal++;
        } else {
          in = ResumableInputStream.open(client, f, retry);
        }
        streams.add(in);
      }
      return new Inputs(streams, fromLocal);
    } catch (IOException | RuntimeException e) {
      closeAll(streams);
      throw e;
    }
  }

  private @Nullable InputStream openLocal(LtxFileInfo f) throws IOException {
    if (local == null || f.level() != LtxFileInfo.L0 || f.minTxid() != f.maxTxid()) {
      return null;
    }
    try {
      return local.open(f.minTxid());
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private LtxFileInfo write(int level, List<LtxFileInfo> group, List<InputStream> streams)
      throws IOException {
    long min = group.getFirst().minTxid();
    long max = group.getLast().maxTxid();
    LtxCompactor compactor;
    try {
      compactor = LtxCompactor.open(streams);
    } catch (IOException | RuntimeException e) {
      closeAll(streams);
      throw e;
    }
    LtxHeader h = compactor.header();
    if (h.minTxid() != min || h.maxTxid() != max) {
      compactor.close();
      throw new IOException(
          "L"
              + (level - 1)
              + " files "
              + group.getFirst()
              + " .. "
              + group.getLast()
              + " have headers covering "
              + h.fileName()
              + " instead of their names' TXIDs; the replica is damaged");
    }
    String thread = "l4j-compact-" + name + "-L" + level;
    StreamPipe.Reader in =
        StreamPipe.start(
            thread,
            out -> {
              try (compactor) {
                compactor.writeTo(out);
              }
            });
    inFlight.set(in);
    try (in) {
      LtxFileInfo info;
      try {
        info = client.writeLtxFile(level, min, max, in);
        in.finish();
      } catch (IOException e) {
        // Inside the resource block: only the store can have aborted the pipe yet.
        throw in.aborted() ? new StoreClosingException("compaction into L" + level, e) : e;
      }
      LOG.atInfo()
          .addKeyValue("db", name)
          .addKeyValue("txid", io.litestream4j.ltx.Txid.format(max))
          .log(
              "compacted {} L{} files into L{}/{} ({} bytes)",
              group.size(),
              level - 1,
              level,
              info.name(),
              info.size());
      return info;
    } finally {
      inFlight.set(null);
    }
  }

  private static void closeAll(List<InputStream> streams) {
    for (InputStream in : streams) {
      try {
        in.close();
      } catch (IOException ignored) {
        // already failing; the first error matters
      }
    }
  }
}
