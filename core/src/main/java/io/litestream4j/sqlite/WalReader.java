package io.litestream4j.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads the committed content of a SQLite WAL file the way SQLite's own recovery does: a frame
 * counts only if its salts equal the header's, its page number is non-zero, its cumulative checksum
 * matches, and a valid commit frame follows it (or it is one). Reading stops at the first frame
 * that fails, so torn writes, frames of an unfinished transaction and stale frames of an earlier
 * WAL generation are never returned.
 *
 * <p>Reading can start at any {@link WalPosition} this class handed out before, which is how an
 * incremental sync continues where the previous one stopped. The header is read once, at {@link
 * #open}; after a WAL reset open a new reader. Scanning while SQLite appends is safe: a frame still
 * being written fails its checksum and ends the scan. The file is read in chunks of about 1 MiB;
 * the read buffer is allocated at the first read and no larger than the frames the file holds, so a
 * reader that finds nothing past its start position (the poll of an idle database) allocates none.
 * The caller owns the channel. Instances keep the read buffer and are not thread-safe.
 */
public final class WalReader {
  private static final int TARGET_CHUNK_BYTES = 1 << 20;

  private final FileChannel channel;
  private final WalHeader header;
  private final ByteOrder order;
  private final int pageSize;
  private final int frameSize;
  private final int chunkBytes;
  private byte[] buffer = new byte[0];
  private long bufferStart;
  private int bufferLength;

  private WalReader(FileChannel channel, WalHeader header) {
    this.channel = channel;
    this.header = header;
    this.order = header.checksumOrder();
    this.pageSize = header.pageSize();
    this.frameSize = header.frameSize();
    this.chunkBytes = Math.max(1, TARGET_CHUNK_BYTES / frameSize) * frameSize;
  }

  /**
   * Reads the WAL header of {@code wal}.
   *
   * @return empty when the file is shorter than a WAL header (absent content, e.g. after a TRUNCATE
   *     checkpoint), which SQLite treats as an empty WAL
   * @throws SqliteFormatException when a header is present but is not a valid WAL header
   */
  public static Optional<WalReader> open(FileChannel wal) throws IOException {
    Objects.requireNonNull(wal, "wal");
    if (wal.size() < WalHeader.SIZE) {
      return Optional.empty();
    }
    return Optional.of(new WalReader(wal, WalHeader.read(wal)));
  }

  /** The WAL header as read by {@link #open}. */
  public WalHeader header() {
    return header;
  }

  /** Page size of the database this WAL belongs to. */
  public int pageSize() {
    return pageSize;
  }

  /** Size of one frame in bytes. */
  public int frameSize() {
    return frameSize;
  }

  /** The position of the first frame. */
  public WalPosition start() {
    return WalPosition.start(header);
  }

  /**
   * True when this WAL still continues from {@code position}: same generation (salts), and the
   * commit frame that ends at the position is still there with the recorded checksum. False means
   * the WAL was reset, truncated or rewritten since the position was taken.
   */
  public boolean continuesFrom(WalPosition position) throws IOException {
    if (!position.sameGeneration(header) || !isFrameBoundary(position.offset())) {
      return false;
    }
    if (position.offset() == WalHeader.SIZE) {
      return position.checksum().equals(header.checksum());
    }
    byte[] bytes = new byte[WalFrameHeader.SIZE];
    if (readAt(position.offset() - frameSize, bytes, 0, bytes.length) < bytes.length) {
      return false;
    }
    WalFrameHeader last = WalFrameHeader.parse(bytes, 0);
    return last.isCommit()
        && last.salt1() == header.salt1()
        && last.salt2() == header.salt2()
        && last.checksum().equals(position.checksum());
  }

  /** Scans all committed frames from {@code from} to the last valid commit frame. */
  public WalSegment scan(WalPosition from) throws IOException {
    return scan(from, Long.MAX_VALUE);
  }

  /**
   * Scans committed frames from {@code from}, ending at the last valid commit frame that keeps the
   * segment within {@code maxBytes}. When the first transaction alone is larger than {@code
   * maxBytes} it is returned whole, so repeated calls always make progress.
   *
   * @param from a position from {@link #start()} or from an earlier segment of this WAL generation
   */
  public WalSegment scan(WalPosition from, long maxBytes) throws IOException {
    return scan(from, maxBytes, null);
  }

  /**
   * Like {@link #scan(WalPosition, long)}, and keeps in {@code keep} (cleared first) the bytes of
   * the pages it reads and verifies, so that the segment can be written without reading the WAL
   * again (see {@link FramePages}).
   *
   * @param keep null to keep nothing; else of this WAL's page size
   */
  public WalSegment scan(WalPosition from, long maxBytes, @Nullable FramePages keep)
      throws IOException {
    requireReadable(from);
    if (keep != null) {
      if (keep.pageSize() != pageSize) {
        throw new IllegalArgumentException(
            "pages of " + keep.pageSize() + " bytes kept for a WAL of " + pageSize + "-byte pages");
      }
      keep.clear();
    }
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
    }
    invalidateBuffer();
    IntList pgnos = new IntList();
    long offset = from.offset();
    WalChecksum checksum = from.checksum();
    WalPosition end = from;
    int commit = 0;
    int commits = 0;
    int committedFrames = 0;
    while (commits == 0 || offset + frameSize - from.offset() <= maxBytes) {
      int at = frameAt(offset);
      if (at < 0) {
        break;
      }
      WalFrameHeader frame = WalFrameHeader.parse(buffer, at);
      WalChecksum next = validate(frame, at, checksum);
      if (next == null) {
        break;
      }
      checksum = next;
      pgnos.add(frame.pgno());
      if (keep != null) {
        keep.offer(frame.pgno(), offset, buffer, at + WalFrameHeader.SIZE);
      }
      offset += frameSize;
      if (frame.isCommit()) {
        commits++;
        commit = frame.commit();
        committedFrames = pgnos.size();
        end = new WalPosition(offset, header.salt1(), header.salt2(), checksum.s1(), checksum.s2());
      }
    }
    return new WalSegment(
        from,
        end,
        commit,
        commits,
        committedFrames,
        latestFrames(pgnos, committedFrames, commit, from.offset()));
  }

  /** Hands every frame of {@code segment} to {@code visitor}, in file order. */
  public void readFrames(WalSegment segment, WalFrameVisitor visitor) throws IOException {
    readFrames(segment.start(), segment.end().offset(), visitor);
  }

  /**
   * Hands every frame from {@code from} up to {@code endOffset} to {@code visitor}, in file order,
   * verifying salts and checksums again on the way.
   *
   * @param endOffset the end of a segment returned by {@link #scan}: right after a commit frame
   * @throws SqliteFormatException when a frame no longer validates (the WAL was reset or rewritten
   *     since it was scanned) or {@code endOffset} does not follow a commit frame
   */
  public void readFrames(WalPosition from, long endOffset, WalFrameVisitor visitor)
      throws IOException {
    requireReadable(from);
    Objects.requireNonNull(visitor, "visitor");
    if (endOffset < from.offset() || !isFrameBoundary(endOffset)) {
      throw new IllegalArgumentException(
          "end offset "
              + endOffset
              + " is not a frame boundary at or after "
              + from.offset()
              + " (frame size "
              + frameSize
              + ")");
    }
    invalidateBuffer();
    long offset = from.offset();
    WalChecksum checksum = from.checksum();
    boolean endsWithCommit = true;
    while (offset < endOffset) {
      int at = frameAt(offset);
      if (at < 0) {
        throw new SqliteFormatException(
            "WAL ends before offset "
                + endOffset
                + ": the frame at offset "
                + offset
                + " is missing or incomplete (WAL truncated since it was scanned?)");
      }
      WalFrameHeader frame = WalFrameHeader.parse(buffer, at);
      WalChecksum next = validate(frame, at, checksum);
      if (next == null) {
        throw new SqliteFormatException(
            "WAL frame at offset "
                + offset
                + " no longer validates (salts or checksum differ): the WAL was reset or rewritten since it was scanned");
      }
      checksum = next;
      visitor.frame(
          new WalFrame(offset, frame),
          ByteBuffer.wrap(buffer, at + WalFrameHeader.SIZE, pageSize).slice().asReadOnlyBuffer());
      endsWithCommit = frame.isCommit();
      offset += frameSize;
    }
    if (!endsWithCommit) {
      throw new IllegalArgumentException(
          "end offset "
              + endOffset
              + " does not follow a commit frame; use the end of a segment returned by scan()");
    }
  }

  /**
   * Copies the page held by the frame at {@code frameOffset} into {@code destination} (which needs
   * {@link #pageSize()} bytes remaining), after checking that the frame still holds {@code pgno} in
   * this WAL generation.
   */
  public void readPage(int pgno, long frameOffset, ByteBuffer destination) throws IOException {
    if (!isFrameBoundary(frameOffset)) {
      throw new IllegalArgumentException(
          "offset " + frameOffset + " is not the start of a frame (frame size " + frameSize + ")");
    }
    if (destination.remaining() < pageSize) {
      throw new IllegalArgumentException(
          "destination has "
              + destination.remaining()
              + " bytes remaining, a page needs "
              + pageSize);
    }
    invalidateBuffer();
    ensureBuffer(frameSize);
    if (readAt(frameOffset, buffer, 0, frameSize) < frameSize) {
      throw new SqliteFormatException(
          "WAL frame at offset " + frameOffset + " is missing or incomplete");
    }
    WalFrameHeader frame = WalFrameHeader.parse(buffer, 0);
    if (frame.pgno() != pgno
        || frame.salt1() != header.salt1()
        || frame.salt2() != header.salt2()) {
      throw new SqliteFormatException(
          "WAL frame at offset "
              + frameOffset
              + " holds page "
              + Integer.toUnsignedString(frame.pgno())
              + " of salts "
              + salts(frame.salt1(), frame.salt2())
              + ", expected page "
              + Integer.toUnsignedString(pgno)
              + " of salts "
              + salts(header.salt1(), header.salt2())
              + ": the WAL was reset since it was scanned");
    }
    destination.put(buffer, WalFrameHeader.SIZE, pageSize);
  }

  private void requireReadable(WalPosition from) {
    Objects.requireNonNull(from, "from");
    if (!from.sameGeneration(header)) {
      throw new IllegalArgumentException(
          "position "
              + from
              + " belongs to another WAL generation than salts "
              + salts(header.salt1(), header.salt2())
              + "; check continuesFrom() first");
    }
    if (!isFrameBoundary(from.offset())) {
      throw new IllegalArgumentException(
          "position offset "
              + from.offset()
              + " is not a frame boundary for frame size "
              + frameSize);
    }
  }

  private boolean isFrameBoundary(long offset) {
    return offset >= WalHeader.SIZE && (offset - WalHeader.SIZE) % frameSize == 0;
  }

  /**
   * Returns the checksum after the frame at buffer index {@code at}, or null if the frame is
   * invalid.
   */
  private @Nullable WalChecksum validate(WalFrameHeader frame, int at, WalChecksum previous) {
    if (frame.pgno() == 0 || frame.salt1() != header.salt1() || frame.salt2() != header.salt2()) {
      return null;
    }
    WalChecksum checksum =
        previous
            .update(order, buffer, at, 8)
            .update(order, buffer, at + WalFrameHeader.SIZE, pageSize);
    return checksum.equals(frame.checksum()) ? checksum : null;
  }

  /**
   * Index in {@link #buffer} of the complete frame at {@code offset}, or -1 if the file ends before
   * it does.
   */
  private int frameAt(long offset) throws IOException {
    if (bufferStart >= 0
        && offset >= bufferStart
        && offset + frameSize <= bufferStart + bufferLength) {
      return (int) (offset - bufferStart);
    }
    long available = channel.size() - offset;
    if (available < frameSize) {
      invalidateBuffer();
      return -1;
    }
    ensureBuffer((int) Math.min(chunkBytes, available - available % frameSize));
    bufferStart = offset;
    bufferLength = readAt(offset, buffer, 0, buffer.length);
    return bufferLength >= frameSize ? 0 : -1;
  }

  private void ensureBuffer(int bytes) {
    if (buffer.length < bytes) {
      buffer = new byte[bytes];
    }
  }

  private void invalidateBuffer() {
    bufferStart = -1;
    bufferLength = 0;
  }

  /** Reads up to {@code length} bytes at {@code position}; fewer only at end of file. */
  private int readAt(long position, byte[] into, int offset, int length) throws IOException {
    ByteBuffer target = ByteBuffer.wrap(into, offset, length);
    while (target.hasRemaining()) {
      int n = channel.read(target, position + target.position() - offset);
      if (n < 0) {
        break;
      }
    }
    return target.position() - offset;
  }

  /**
   * The latest frame of each page among the first {@code frames} frames, dropping pages beyond the
   * final database size {@code commit}.
   */
  private PageIndex latestFrames(IntList pgnos, int frames, int commit, long firstOffset) {
    long[] keys = new long[frames];
    int n = 0;
    for (int i = 0; i < frames; i++) {
      int pgno = pgnos.get(i);
      if (Integer.compareUnsigned(pgno, commit) <= 0) {
        // page number in the high word (as unsigned, hence the sign flip), frame index in the low
        // word
        keys[n++] = ((Integer.toUnsignedLong(pgno) << 32) | i) ^ Long.MIN_VALUE;
      }
    }
    Arrays.sort(keys, 0, n);
    int[] pages = new int[n];
    long[] offsets = new long[n];
    int count = 0;
    for (int i = 0; i < n; i++) {
      long key = keys[i] ^ Long.MIN_VALUE;
      int pgno = (int) (key >>> 32);
      long offset = firstOffset + (key & 0xffffffffL) * frameSize;
      if (count > 0 && pages[count - 1] == pgno) {
        offsets[count - 1] = offset;
      } else {
        pages[count] = pgno;
        offsets[count] = offset;
        count++;
      }
    }
    return PageIndex.adopt(Arrays.copyOf(pages, count), Arrays.copyOf(offsets, count));
  }

  private static String salts(int salt1, int salt2) {
    return String.format("%08x/%08x", salt1, salt2);
  }

  /** A growable list of ints without boxing. */
  private static final class IntList {
    private int[] values = new int[256];
    private int size;

    void add(int value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    int get(int i) {
      return values[i];
    }

    int size() {
      return size;
    }
  }
}
