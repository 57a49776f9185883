package io.litestream4j.replica;

import io.litestream4j.ltx.LtxFileName;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A download of (part of) an LTX file that survives dropped connections.
 *
 * <p>Long restores keep many streams open at once and some sit idle for minutes while others are
 * consumed; storage providers close such connections, which shows up as a read error or as an end
 * of stream before the expected size. Either way this stream closes the broken connection, waits
 * (see {@link RetryPolicy}) and reopens the file at the byte it had reached, so the reader sees one
 * seamless byte sequence. Retries are bounded per failure streak: a read that makes progress resets
 * the count. A file that has disappeared (deleted by retention while being read) fails at once with
 * an {@link LtxFileNotFoundException} saying so, since retrying cannot bring it back.
 *
 * <p>Not thread-safe, like any {@link InputStream}.
 */
public final class ResumableInputStream extends InputStream {

  private static final Logger LOG = LoggerFactory.getLogger(ResumableInputStream.class);

  private final ReplicaClient client;
  private final int level;
  private final long minTxid;
  private final long maxTxid;
  private final long end; // exclusive end offset, or -1 when unknown (read to EOF)
  private final RetryPolicy policy;

  private final byte[] single = new byte[1];
  private long offset;
  private @Nullable InputStream current;
  private int failures;
  private @Nullable IOException failure;
  private boolean closed;

  private ResumableInputStream(
      ReplicaClient client,
      int level,
      long minTxid,
      long maxTxid,
      long offset,
      long end,
      RetryPolicy policy) {
    this.client = client;
    this.level = level;
    this.minTxid = minTxid;
    this.maxTxid = maxTxid;
    this.offset = offset;
    this.end = end;
    this.policy = policy;
  }

  /**
   * Opens the whole of {@code file}; its {@link LtxFileInfo#size()} is used to recognise a
   * connection that ended early.
   */
  public static ResumableInputStream open(
      ReplicaClient client, LtxFileInfo file, RetryPolicy policy) throws IOException {
    return open(client, file, 0, 0, policy);
  }

  /**
   * Opens {@code length} bytes of {@code file} from {@code offset} ({@code length} 0 = to the end
   * of the file). The first connection is made before returning, with the same retries as later
   * ones.
   */
  public static ResumableInputStream open(
      ReplicaClient client, LtxFileInfo file, long offset, long length, RetryPolicy policy)
      throws IOException {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(policy, "policy");
    LtxFileInfo.checkRange(offset, length);
    long end = length > 0 ? offset + length : file.size() > 0 ? file.size() : -1;
    var stream =
        new ResumableInputStream(
            client, file.level(), file.minTxid(), file.maxTxid(), offset, end, policy);
    stream.connect();
    return stream;
  }

  /** The absolute offset in the LTX file of the next byte this stream returns. */
  public long offset() {
    return offset;
  }

  @Override
  public int read() throws IOException {
    int n = read(single, 0, 1);
    return n < 0 ? -1 : single[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureUsable();
    if (len == 0) {
      return 0;
    }
    while (true) {
      if (end >= 0 && offset >= end) {
        return -1;
      }
      int want = end >= 0 ? (int) Math.min(len, end - offset) : len;
      int n;
      try {
        n = current.read(b, off, want);
      } catch (InterruptedIOException e) {
        if (!(e instanceof java.net.SocketTimeoutException)) {
          throw e; // a real interrupt; a read timeout is a stalled connection and resumes below
        }
        reconnectAfter(e);
        continue;
      } catch (IOException e) {
        reconnectAfter(e);
        continue;
      }
      if (n > 0) {
        offset += n;
        failures = 0;
        return n;
      }
      if (n < 0) {
        if (end < 0) {
          return -1;
        }
        reconnectAfter(new IOException("connection ended at byte %d of %d".formatted(offset, end)));
      }
    }
  }

  @Override
  public int available() throws IOException {
    ensureUsable();
    return current.available();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (current != null) {
      InputStream c = current;
      current = null;
      c.close();
    }
  }

  private void ensureUsable() throws IOException {
    if (closed) {
      throw new IOException("stream of " + describe() + " is closed");
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void reconnectAfter(IOException cause) throws IOException {
    closeQuietly(current, cause);
    current = null;
    failIfExhausted(cause);
    connect();
  }

  /** Opens a connection at {@link #offset}, retrying transient failures within the policy. */
  private void connect() throws IOException {
    while (true) {
      if (failures > 0) {
        pause();
      }
      try {
        current = client.openLtxFile(level, minTxid, maxTxid, offset, end < 0 ? 0 : end - offset);
        return;
      } catch (LtxFileNotFoundException e) {
        throw fail(
            new LtxFileNotFoundException(
                e.getFile(),
                level,
                minTxid,
                maxTxid,
                "LTX file vanished from the replica while being read at byte %d (deleted by retention"
                        .formatted(offset)
                    + " or compaction cleanup?); list the replica again and re-plan"));
      } catch (InterruptedIOException e) {
        if (!(e instanceof java.net.SocketTimeoutException)) {
          throw fail(e);
        }
        failIfExhausted(e);
      } catch (IOException e) {
        failIfExhausted(e);
      }
    }
  }

  private void failIfExhausted(IOException cause) throws IOException {
    failures++;
    if (failures > policy.maxRetries()) {
      IOException e =
          new IOException(
              "reading %s failed at byte %d after %d retries: %s"
                  .formatted(describe(), offset, policy.maxRetries(), cause.getMessage()),
              cause);
      throw fail(e);
    }
    LOG.debug(
        "reading {} failed at byte {} ({}); retry {} of {}",
        describe(),
        offset,
        cause.toString(),
        failures,
        policy.maxRetries());
  }

  private void pause() throws IOException {
    try {
      policy.sleeper().sleep(policy.delayBefore(failures - 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      var interrupted =
          new InterruptedIOException("interrupted while waiting to resume reading " + describe());
      interrupted.initCause(e);
      throw fail(interrupted);
    }
  }

  private IOException fail(IOException e) {
    failure = e;
    return e;
  }

  private String describe() {
    return "L"
        + level
        + "/"
        + LtxFileName.format(minTxid, maxTxid)
        + " on "
        + client.type()
        + " replica";
  }

  private static void closeQuietly(@Nullable InputStream in, IOException primary) {
    if (in == null) {
      return;
    }
    try {
      in.close();
    } catch (IOException e) {
      primary.addSuppressed(e);
    }
  }
}
