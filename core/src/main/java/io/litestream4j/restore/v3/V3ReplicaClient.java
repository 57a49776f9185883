package io.litestream4j.restore.v3;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Read access to backups written by Litestream 0.3.x, for clients whose storage may still hold them
 * (Litestream 0.5's {@code ReplicaClientV3}; file and S3): {@code generations/<id>/snapshots/
 * <index>.snapshot.lz4} and {@code generations/<id>/wal/<index>_<offset>.wal.lz4}, each an LZ4
 * frame. A {@link io.litestream4j.replica.ReplicaClient} that implements this interface is restored
 * from these backups when they are the newest data it holds (see {@link V3Selection}). Missing
 * directories are empty lists, never errors.
 */
public interface V3ReplicaClient {
  /** Generation ids (16 hex digits), sorted. */
  List<String> v3Generations() throws IOException;

  /** The generation's snapshots, by index. */
  List<V3Snapshot> v3Snapshots(String generation) throws IOException;

  /** The generation's WAL segments, by index then offset. */
  List<V3WalSegment> v3WalSegments(String generation) throws IOException;

  /** The snapshot's stored (LZ4-compressed) bytes. */
  InputStream openV3Snapshot(V3Snapshot snapshot) throws IOException;

  /** The segment's stored (LZ4-compressed) bytes. */
  InputStream openV3WalSegment(V3WalSegment segment) throws IOException;
}
