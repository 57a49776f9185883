package io.litestream4j.s3;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The two reads a restore makes of a bucket, listing keys and getting (part of) an object, behind
 * one seam so {@link S3ReplicaClient} can serve them either through the AWS SDK ({@link
 * SdkObjectReads}) or, when the replica's settings allow, through plain signed HTTP requests
 * ({@link HttpObjectReads}) without starting the SDK. Both retry transient failures the same way
 * and report failures as {@code s3: cannot <action> s3://bucket/key: <why>}.
 */
interface ObjectReads {

  /** A listed object: its full key, size in bytes and upload time (the epoch if not sent). */
  record Listed(String key, long size, Instant lastModified) {}

  /**
   * Every object whose key starts with {@code prefix} (and sorts after {@code startAfter}, if
   * given), in key order, all pages.
   */
  List<Listed> list(String prefix, @Nullable String startAfter) throws IOException;

  /**
   * {@code length} bytes of the object from {@code offset} ({@code length} 0: to its end); an empty
   * stream when {@code offset} is at or past the end; null when there is no such object. Closing
   * the stream before its end drops the connection.
   */
  @Nullable InputStream get(String key, long offset, long length) throws IOException;
}
