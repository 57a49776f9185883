package io.litestream4j.restore;

import io.litestream4j.RestoreException;
import io.litestream4j.RestorePlan;
import io.litestream4j.RestoreTarget;
import io.litestream4j.ltx.LockPage;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.LtxPageIndex;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a restore's starting point when the replica has no usable snapshot: a "full" file — one
 * holding every page of the database, as the replicator writes after the database was replaced or
 * changed its page size — can start a restore as well as a snapshot can.
 *
 * <p>Whether a file is full is read from its header (the page count) and its page index (the pages
 * it holds), fetched with ranged reads; the page frames are never downloaded. Only used when
 * planning from snapshots failed, and bounded to {@value #MAX_PROBES} files, newest first.
 */
final class FullFileProbe {
  private static final Logger LOG = LoggerFactory.getLogger(FullFileProbe.class);
  static final int MAX_PROBES = 16;

  private FullFileProbe() {}

  /**
   * A plan starting from a full file, if one of the probed files is full and reaches the target.
   */
  static Optional<RestorePlan> plan(
      ReplicaClient client,
      ReplicaCatalog catalog,
      RestoreTarget target,
      String replica,
      Set<LtxFileInfo> known) {
    List<LtxFileInfo> candidates =
        catalog.files().stream()
            .filter(f -> f.minTxid() > 1 && !known.contains(f))
            .filter(f -> !(target instanceof RestoreTarget.AtTxid t) || f.maxTxid() <= t.txid())
            .sorted(
                Comparator.comparingLong(LtxFileInfo::maxTxid)
                    .reversed()
                    .thenComparing(Comparator.comparingInt(LtxFileInfo::level).reversed()))
            .limit(MAX_PROBES)
            .toList();
    for (LtxFileInfo f : candidates) {
      if (!isFull(client, f)) {
        continue;
      }
      Set<LtxFileInfo> bases = new HashSet<>(known);
      bases.add(f);
      try {
        RestorePlan plan = RestorePlanner.plan(catalog, target, replica, bases);
        LOG.atInfo()
            .addKeyValue("replica", replica)
            .log(
                "no usable snapshot; restoring from L{}/{}, which holds every page",
                f.level(),
                f.name());
        return Optional.of(plan);
      } catch (RestoreException e) {
        LOG.debug(
            "full file L{}/{} does not lead to {}: {}",
            f.level(),
            f.name(),
            target,
            e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** True when {@code f}'s page index lists every page of the database it describes. */
  static boolean isFull(ReplicaClient client, LtxFileInfo f) {
    try (RangeChannel ch = new RangeChannel(client, f)) {
      LtxPageIndex index = LtxPageIndex.read(ch);
      LtxHeader h = index.header();
      int expected = h.commit() - (LockPage.pgno(h.pageSize()) <= h.commit() ? 1 : 0);
      return index.size() == expected;
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot read the page index of L{}/{}: {}", f.level(), f.name(), e.getMessage());
      return false;
    }
  }

  /** A read-only channel over one replica file, each read one ranged request. */
  private static final class RangeChannel implements SeekableByteChannel {
    private final ReplicaClient client;
    private final LtxFileInfo file;
    private long position;
    private boolean open = true;

    RangeChannel(ReplicaClient client, LtxFileInfo file) {
      this.client = client;
      this.file = file;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (position >= file.size()) {
        return -1;
      }
      int want = (int) Math.min(dst.remaining(), file.size() - position);
      try (InputStream in =
          client.openLtxFile(file.level(), file.minTxid(), file.maxTxid(), position, want)) {
        byte[] b = in.readNBytes(want);
        dst.put(b);
        position += b.length;
        return b.length == 0 ? -1 : b.length;
      }
    }

    @Override
    public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
      position = newPosition;
      return this;
    }

    @Override
    public long size() {
      return file.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }
}
