package io.litestream4j.s3;

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
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/**
 * The content of {@code lock.json}, in Litestream's format:
 * {@code {"generation":3,"expires_at":"2025-01-02T03:04:05.123456789Z","owner":"host:1234"}}.
 *
 * @param generation increases by one each time another replicator takes the lease over
 * @param expiresAt when the lease runs out unless renewed
 * @param owner the holder, {@code host:pid}
 */
record LeaseRecord(long generation, Instant expiresAt, String owner) {

  LeaseRecord {
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(owner, "owner");
  }

  byte[] toJson() {
    return "{\"generation\":%d,\"expires_at\":\"%s\",\"owner\":\"%s\"}"
        .formatted(generation, RfcTimestamps.format(expiresAt), escape(owner))
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses a lock object; Litestream versions that called the counter {@code token} are read too.
   *
   * @throws IOException naming the problem when the object is not a lease
   */
  static LeaseRecord parse(byte[] json, String where) throws IOException {
    Map<String, JsonNode> fields;
    try {
      JsonNode root = JsonNodeParser.create().parse(json);
      if (!root.isObject()) {
        throw new IOException("not a JSON object");
      }
      fields = root.asObject();
    } catch (RuntimeException | IOException e) {
      throw new IOException("lease object " + where + " is not valid lease JSON (" + e.getMessage()
          + "); if no replicator is running, delete it", e);
    }
    long generation = number(fields.get("generation")).or(() -> number(fields.get("token"))).orElse(0L);
    JsonNode expires = fields.get("expires_at");
    Optional<Instant> expiresAt = expires != null && expires.isString()
        ? RfcTimestamps.parse(expires.asString()) : Optional.empty();
    if (expiresAt.isEmpty()) {
      throw new IOException("lease object " + where + " has no valid expires_at; if no replicator is running, delete it");
    }
    JsonNode owner = fields.get("owner");
    return new LeaseRecord(generation, expiresAt.get(), owner != null && owner.isString() ? owner.asString() : "");
  }

  /** This process as a lease owner: {@code hostname:pid}, or {@code pid-N} without a host name. */
  static String currentOwner() {
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

  private static Optional<Long> number(JsonNode n) {
    if (n == null || !n.isNumber()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(n.asNumber()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
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
