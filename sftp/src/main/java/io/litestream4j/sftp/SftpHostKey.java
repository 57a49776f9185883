package io.litestream4j.sftp;

import io.litestream4j.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The server public key an sftp replica pins ({@code host-key}), given in {@code authorized_keys}
 * format as Litestream takes it: {@code <type> <base64 key> [comment]}, e.g. a line printed by
 * {@code ssh-keyscan -t ed25519 host}. A leading host name (known_hosts style) is tolerated.
 *
 * @param type the key type, e.g. {@code ssh-ed25519}
 * @param blob the key in SSH wire format (the base64 part, decoded)
 */
public record SftpHostKey(String type, byte[] blob) {

  public SftpHostKey {
    Objects.requireNonNull(type, "type");
    blob = blob.clone();
  }

  /**
   * Parses an {@code authorized_keys}-style line.
   *
   * @throws ConfigException if it does not hold a key type followed by base64 key data whose
   *     embedded type matches
   */
  public static SftpHostKey parse(String line) {
    String[] fields = line.strip().split("\\s+");
    for (int i = 0; i + 1 < fields.length; i++) {
      if (isKeyType(fields[i])) {
        byte[] blob;
        try {
          blob = Base64.getDecoder().decode(fields[i + 1]);
        } catch (IllegalArgumentException e) {
          throw invalid(line, "the key data after '" + fields[i] + "' is not valid base64");
        }
        String embedded = embeddedType(blob);
        if (!fields[i].equals(embedded)) {
          throw invalid(line, "the key data is a '" + embedded + "' key, not '" + fields[i] + "'");
        }
        return new SftpHostKey(fields[i], blob);
      }
    }
    throw invalid(
        line,
        "expected '<type> <base64 key>' as printed by ssh-keyscan, e.g. 'ssh-ed25519 AAAAC3...'");
  }

  private static boolean isKeyType(String s) {
    return s.startsWith("ssh-") || s.startsWith("ecdsa-sha2-") || s.startsWith("sk-");
  }

  /** The type name that starts every SSH public key blob (a length-prefixed string). */
  private static String embeddedType(byte[] blob) {
    if (blob.length < 4) {
      return "?";
    }
    int len =
        ((blob[0] & 0xff) << 24)
            | ((blob[1] & 0xff) << 16)
            | ((blob[2] & 0xff) << 8)
            | (blob[3] & 0xff);
    if (len <= 0 || len > blob.length - 4) {
      return "?";
    }
    return new String(blob, 4, len, StandardCharsets.US_ASCII);
  }

  private static ConfigException invalid(String line, String why) {
    return new ConfigException("host-key", "cannot parse sftp host key: " + why, line, null);
  }

  @Override
  public byte[] blob() {
    return blob.clone();
  }

  public boolean matches(byte[] offered) {
    return MessageDigest.isEqual(blob, offered);
  }

  /**
   * The host key algorithms to offer so the server presents this key (RSA keys sign with SHA-2).
   */
  public String algorithms() {
    return type.equals("ssh-rsa") ? "rsa-sha2-512,rsa-sha2-256,ssh-rsa" : type;
  }

  /** The fingerprint OpenSSH prints: {@code SHA256:<base64 without padding>}. */
  public static String fingerprint(byte[] blob) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SftpHostKey k && k.type.equals(type) && Arrays.equals(k.blob, blob);
  }

  @Override
  public int hashCode() {
    return type.hashCode() * 31 + Arrays.hashCode(blob);
  }

  @Override
  public String toString() {
    return type + " " + fingerprint(blob);
  }
}
