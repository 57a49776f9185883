package io.litestream4j.replica.lease;

import io.litestream4j.replica.RfcTimestamps;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.JsonSchema;

/**
 * The content of {@code lock.json}, in the format of Litestream's S3 leaser (shared by every object
 * store backend here, so either tool recognises the other's lease): {@code
 * {"generation":3,"expires_at":"2025-01-02T03:04:05.123456789Z","owner":"host:1234"}}.
 *
 * @param generation increases by one each time another replicator takes the lease over
 * @param expiresAt when the lease runs out unless renewed
 * @param owner the holder, {@code host:pid}
 */
public record LeaseRecord(long generation, Instant expiresAt, String owner) {

  public LeaseRecord {
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(owner, "owner");
  }

  public byte[] toJson() {
    return "{\"generation\":%d,\"expires_at\":\"%s\",\"owner\":\"%s\"}"
        .formatted(generation, RfcTimestamps.format(expiresAt), escape(owner))
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses a lock object; Litestream versions that called the counter {@code token} are read too.
   *
   * @throws IOException naming the problem when the object is not a lease
   */
  public static LeaseRecord parse(byte[] json, String where) throws IOException {
    Map<?, ?> fields;
    try {
      // JSON is YAML 1.2 under the JSON schema: the configuration's parser reads it.
      Object root =
          new Load(LoadSettings.builder().setSchema(new JsonSchema()).build())
              .loadFromString(new String(json, StandardCharsets.UTF_8));
      if (!(root instanceof Map<?, ?> map)) {
        throw new IOException("not a JSON object");
      }
      fields = map;
    } catch (RuntimeException | IOException e) {
      throw new IOException(
          "lease object "
              + where
              + " is not valid lease JSON ("
              + e.getMessage()
              + "); if no replicator is running, delete it",
          e);
    }
    long generation =
        number(fields.get("generation")).or(() -> number(fields.get("token"))).orElse(0L);
    Optional<Instant> expiresAt =
        fields.get("expires_at") instanceof String s ? RfcTimestamps.parse(s) : Optional.empty();
    if (expiresAt.isEmpty()) {
      throw new IOException(
          "lease object "
              + where
              + " has no valid expires_at; if no replicator is running, delete it");
    }
    return new LeaseRecord(
        generation, expiresAt.get(), fields.get("owner") instanceof String o ? o : "");
  }

  /** This process as a lease owner: {@code hostname:pid}, or {@code pid-N} without a host name. */
  public static String currentOwner() {
    long pid = ProcessHandle.current().pid();
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "";
    }
    if (host.isEmpty()) {
      String name = ManagementFactory.getRuntimeMXBean().getName();
      return name.contains("@") ? name.substring(name.indexOf('@') + 1) + ":" + pid : "pid-" + pid;
    }
    return host + ":" + pid;
  }

  private static Optional<Long> number(Object n) {
    return switch (n) {
      case Integer i -> Optional.of(i.longValue());
      case Long l -> Optional.of(l);
      case java.math.BigInteger b when b.bitLength() < 64 -> Optional.of(b.longValue());
      case null, default -> Optional.empty();
    };
  }

  private static String escape(String s) {
    var sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append("\\u%04x".formatted((int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
