package io.litestream4j.s3;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads the two XML documents {@link HttpObjectReads} receives: a ListObjectsV2 page and an error
 * body. Both are flat documents of known elements whose text can hold no markup, so they are read
 * by looking for the elements' tags rather than with an XML parser (which a restore would otherwise
 * initialise for one or two small responses).
 *
 * <p>A page that lacks what a listing must have (the result element, a key or size of an entry) is
 * refused with an {@link IllegalArgumentException} naming what is missing, never read as an empty
 * or shorter listing.
 */
final class S3Xml {

  private S3Xml() {}

  /** One object of a listing. */
  record Entry(String key, long size, Instant lastModified) {}

  /**
   * One page of a ListObjectsV2 response.
   *
   * @param nextToken the continuation token of the next page; empty on the last page
   */
  record ListPage(List<Entry> entries, Optional<String> nextToken) {}

  /** An S3 error body; fields the server did not send are empty strings. */
  record Error(String code, String message, String requestId) {
    /** No error document (a success, or a failure without a body). */
    static final Error NONE = new Error("", "", "");
  }

  static ListPage listPage(String xml) {
    if (!xml.contains("<ListBucketResult")) {
      throw new IllegalArgumentException(
          "not a ListObjectsV2 response (no ListBucketResult element): " + abbreviate(xml));
    }
    boolean urlEncoded = "url".equals(text(xml, "EncodingType", 0, xml.length()));
    List<Entry> entries = new ArrayList<>();
    int at = 0;
    while (true) {
      int start = xml.indexOf("<Contents>", at);
      if (start < 0) {
        break;
      }
      int end = xml.indexOf("</Contents>", start);
      if (end < 0) {
        throw new IllegalArgumentException("truncated ListObjectsV2 response: " + abbreviate(xml));
      }
      String key = text(xml, "Key", start, end);
      String size = text(xml, "Size", start, end);
      if (key == null || size == null) {
        throw new IllegalArgumentException(
            "ListObjectsV2 entry without Key or Size: " + abbreviate(xml.substring(start, end)));
      }
      if (urlEncoded) {
        key = URLDecoder.decode(key, StandardCharsets.UTF_8);
      }
      String modified = text(xml, "LastModified", start, end);
      entries.add(new Entry(key, Long.parseLong(size.strip()), instant(modified)));
      at = end;
    }
    Optional<String> next = Optional.empty();
    if ("true".equals(text(xml, "IsTruncated", 0, xml.length()))) {
      String token = text(xml, "NextContinuationToken", 0, xml.length());
      if (token == null || token.isEmpty()) {
        throw new IllegalArgumentException(
            "ListObjectsV2 response is truncated but has no NextContinuationToken");
      }
      next = Optional.of(token);
    }
    return new ListPage(List.copyOf(entries), next);
  }

  static Error error(String xml) {
    int n = xml.length();
    return new Error(
        orEmpty(text(xml, "Code", 0, n)),
        orEmpty(text(xml, "Message", 0, n)),
        orEmpty(text(xml, "RequestId", 0, n)));
  }

  /** The unescaped text of the first {@code <tag>} in {@code [from, to)}, or null. */
  private static @Nullable String text(String xml, String tag, int from, int to) {
    String open = "<" + tag + ">";
    int start = xml.indexOf(open, from);
    if (start < 0 || start >= to) {
      return null;
    }
    start += open.length();
    int end = xml.indexOf("</" + tag + ">", start);
    if (end < 0 || end > to) {
      return null;
    }
    return unescape(xml.substring(start, end));
  }

  static String unescape(String s) {
    int amp = s.indexOf('&');
    if (amp < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    sb.append(s, 0, amp);
    int i = amp;
    while (i < s.length()) {
      char c = s.charAt(i);
      int semi = c == '&' ? s.indexOf(';', i) : -1;
      if (semi < 0) {
        sb.append(c);
        i++;
        continue;
      }
      String entity = s.substring(i + 1, semi);
      switch (entity) {
        case "amp" -> sb.append('&');
        case "lt" -> sb.append('<');
        case "gt" -> sb.append('>');
        case "quot" -> sb.append('"');
        case "apos" -> sb.append('\'');
        default -> {
          if (entity.startsWith("#x") || entity.startsWith("#X")) {
            sb.appendCodePoint(Integer.parseInt(entity.substring(2), 16));
          } else if (entity.startsWith("#")) {
            sb.appendCodePoint(Integer.parseInt(entity.substring(1)));
          } else {
            throw new IllegalArgumentException("unknown XML entity &" + entity + ";");
          }
        }
      }
      i = semi + 1;
    }
    return sb.toString();
  }

  /**
   * {@code 2026-12-07T16:11:29.000Z}, the form S3 lists times in; the epoch when absent or
   * unreadable (the time only orders files for a timestamp restore, which reads each file's
   * metadata for the exact time).
   */
  static Instant instant(@Nullable String s) {
    if (s == null) {
      return Instant.EPOCH;
    }
    try {
      if (s.length() >= 20 && s.charAt(4) == '-' && s.charAt(10) == 'T' && s.endsWith("Z")) {
        LocalDateTime t =
            LocalDateTime.of(
                Integer.parseInt(s, 0, 4, 10),
                Integer.parseInt(s, 5, 7, 10),
                Integer.parseInt(s, 8, 10, 10),
                Integer.parseInt(s, 11, 13, 10),
                Integer.parseInt(s, 14, 16, 10),
                Integer.parseInt(s, 17, 19, 10));
        int nanos = 0;
        if (s.charAt(19) == '.') {
          String fraction = s.substring(20, s.length() - 1);
          nanos = Integer.parseInt((fraction + "000000000").substring(0, 9));
        }
        return t.toInstant(ZoneOffset.UTC).plusNanos(nanos);
      }
      return Instant.parse(s);
    } catch (NumberFormatException | DateTimeException | IndexOutOfBoundsException e) {
      return Instant.EPOCH;
    }
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  private static String abbreviate(String s) {
    String flat = s.replaceAll("\\s+", " ").strip();
    return flat.length() <= 200 ? flat : flat.substring(0, 200) + "...";
  }
}
