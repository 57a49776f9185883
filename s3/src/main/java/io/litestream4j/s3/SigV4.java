package io.litestream4j.s3;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * AWS Signature Version 4 for the body-less S3 requests {@link HttpObjectReads} sends (GET of an
 * object or a listing): the {@code Authorization} header over the method, path, query, every header
 * we send that the signature must cover, and the hash of the empty body.
 *
 * <p>Written from AWS's published description of the algorithm; {@code SigV4Test} checks it against
 * the AWS SDK's own signer for the same requests. The secret key never leaves this object and
 * {@link #toString()} does not show it.
 */
final class SigV4 {

  /** SHA-256 of zero bytes: the payload hash of a request without a body. */
  static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final String SERVICE = "s3";
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** SHA-256's block size in bytes, the HMAC key size. */
  private static final int HMAC_BLOCK = 64;

  private final String accessKeyId;
  private final byte[] secret;
  private final @Nullable String sessionToken;
  private final String region;

  SigV4(String accessKeyId, String secretAccessKey, @Nullable String sessionToken, String region) {
    this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
    this.secret = ("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8);
    this.sessionToken = sessionToken == null || sessionToken.isEmpty() ? null : sessionToken;
    this.region = Objects.requireNonNull(region, "region");
  }

  /**
   * The headers to add to a body-less request so S3 accepts it: {@code x-amz-date}, {@code
   * x-amz-content-sha256}, {@code x-amz-security-token} with temporary credentials, and {@code
   * Authorization}.
   *
   * @param host the {@code Host} header exactly as it will be sent ({@code host[:port]})
   * @param path the request path exactly as it will be sent, already percent-encoded
   * @param query the query parameters, names and values not yet encoded
   * @param headers other headers to send and sign (names in lower case), e.g. {@code range}
   */
  Map<String, String> sign(
      String method,
      String host,
      String path,
      Map<String, String> query,
      Map<String, String> headers,
      Instant now) {
    String amzDate = amzDate(now);
    String day = amzDate.substring(0, 8);
    TreeMap<String, String> signed = new TreeMap<>();
    headers.forEach((name, value) -> signed.put(name.toLowerCase(java.util.Locale.ROOT), value));
    signed.put("host", host);
    signed.put("x-amz-date", amzDate);
    signed.put("x-amz-content-sha256", EMPTY_SHA256);
    if (sessionToken != null) {
      signed.put("x-amz-security-token", sessionToken);
    }
    StringBuilder canonical = new StringBuilder(512);
    canonical.append(method).append('\n').append(path).append('\n');
    canonical.append(canonicalQuery(query)).append('\n');
    signed.forEach(
        (name, value) -> canonical.append(name).append(':').append(value.strip()).append('\n'));
    canonical.append('\n');
    String signedNames = String.join(";", signed.keySet());
    canonical.append(signedNames).append('\n').append(EMPTY_SHA256);

    String scope = day + "/" + region + "/" + SERVICE + "/aws4_request";
    String toSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonical));
    byte[] key = hmac(secret, day);
    key = hmac(key, region);
    key = hmac(key, SERVICE);
    key = hmac(key, "aws4_request");
    String signature = hex(hmac(key, toSign));

    Map<String, String> out = new TreeMap<>();
    out.put("x-amz-date", amzDate);
    out.put("x-amz-content-sha256", EMPTY_SHA256);
    if (sessionToken != null) {
      out.put("x-amz-security-token", sessionToken);
    }
    out.put(
        "Authorization",
        ALGORITHM
            + " Credential="
            + accessKeyId
            + "/"
            + scope
            + ", SignedHeaders="
            + signedNames
            + ", Signature="
            + signature);
    return out;
  }

  /** The query string in canonical form, which is also the form sent: sorted, each part encoded. */
  static String canonicalQuery(Map<String, String> query) {
    TreeMap<String, String> sorted = new TreeMap<>();
    query.forEach((k, v) -> sorted.put(encode(k, true), encode(v, true)));
    StringBuilder sb = new StringBuilder();
    sorted.forEach(
        (k, v) -> {
          if (!sb.isEmpty()) {
            sb.append('&');
          }
          sb.append(k).append('=').append(v);
        });
    return sb.toString();
  }

  /**
   * Percent-encodes {@code s} as SigV4 requires: UTF-8, every byte but {@code A-Z a-z 0-9 - _ . ~}
   * as {@code %XX} (upper case); {@code /} too unless it separates path segments.
   */
  static String encode(String s, boolean slash) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 'A' && c <= 'Z'
          || c >= 'a' && c <= 'z'
          || c >= '0' && c <= '9'
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~'
          || c == '/' && !slash) {
        sb.append((char) c);
      } else {
        sb.append('%')
            .append(Character.toUpperCase(HEX[c >>> 4]))
            .append(Character.toUpperCase(HEX[c & 0xf]));
      }
    }
    return sb.toString();
  }

  /**
   * {@code yyyyMMdd'T'HHmmss'Z'} in UTC, formatted by hand: {@code String.format}'s {@code %d}
   * loads the locale's number symbols (CLDR data, ~12 ms of an S3 restore's start).
   */
  static String amzDate(Instant now) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(now.getEpochSecond(), 0, ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder(16);
    digits(sb, t.getYear(), 4);
    digits(sb, t.getMonthValue(), 2);
    digits(sb, t.getDayOfMonth(), 2);
    sb.append('T');
    digits(sb, t.getHour(), 2);
    digits(sb, t.getMinute(), 2);
    digits(sb, t.getSecond(), 2);
    return sb.append('Z').toString();
  }

  private static void digits(StringBuilder sb, int value, int width) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < width; i++) {
      sb.append('0');
    }
    sb.append(s);
  }

  private static byte[] sha256(CharSequence s) {
    return sha256().digest(s.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * HMAC-SHA256 (RFC 2104) over {@link MessageDigest}: {@code javax.crypto.Mac} would make the JDK
   * instantiate every security provider ahead of SunJCE in turn (elliptic curves, TLS) and verify
   * the JCE policy, ~40 ms of a restore that signs two requests.
   */
  static byte[] hmac(byte[] key, String data) {
    MessageDigest sha = sha256();
    byte[] k = key.length > HMAC_BLOCK ? sha.digest(key) : key;
    byte[] inner = new byte[HMAC_BLOCK];
    byte[] outer = new byte[HMAC_BLOCK];
    for (int i = 0; i < HMAC_BLOCK; i++) {
      byte b = i < k.length ? k[i] : 0;
      inner[i] = (byte) (b ^ 0x36);
      outer[i] = (byte) (b ^ 0x5c);
    }
    sha.update(inner);
    byte[] innerHash = sha.digest(data.getBytes(StandardCharsets.UTF_8));
    sha.update(outer);
    return sha.digest(innerHash);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no SHA-256, which every JDK must have", e);
    }
  }

  private static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >>> 4) & 0xf];
      out[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return new String(out);
  }

  @Override
  public String toString() {
    return "SigV4[accessKeyId=" + accessKeyId + ", region=" + region + "]";
  }
}
