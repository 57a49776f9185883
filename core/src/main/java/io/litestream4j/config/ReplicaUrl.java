package io.litestream4j.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A parsed replica URL such as {@code file:///var/backups/db}, {@code s3://bucket/prefix?region=x}
 * or {@code sftp://user@host:22/path}. A plain absolute path is accepted as a {@code file} URL.
 *
 * <p>Parsing is lenient where Litestream's is (any scheme, any path characters) but rejects what
 * would silently go wrong: a missing scheme, bad percent-encoding, and {@code file} URLs whose
 * authority is not empty ({@code file://backups/db} would otherwise mean {@code /backups/db}). The
 * form without an authority, {@code file:backups/db}, is a path relative to the working directory.
 * Whether a scheme is actually supported is decided by whoever creates the client, not here.
 *
 * @param scheme lower-case scheme, e.g. {@code s3}
 * @param userInfo decoded {@code user[:password]} before the {@code @}, or empty
 * @param host host and optional {@code :port} as written (for S3, the bucket); empty for file URLs
 * @param path for {@code file}: the absolute, normalised file system path; for other schemes: the
 *     decoded path without its leading slash (an object prefix), possibly empty
 * @param query decoded query parameters (first value of each)
 */
public record ReplicaUrl(
    String scheme, String userInfo, String host, String path, Map<String, String> query) {

  private static final Pattern SCHEME =
      Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$", Pattern.DOTALL);
  private static final Pattern LOOKS_LIKE_URL = Pattern.compile("^\\w+://");

  public ReplicaUrl {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(userInfo, "userInfo");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(path, "path");
    query = Collections.unmodifiableMap(new LinkedHashMap<>(query));
  }

  /**
   * Parses {@code raw}.
   *
   * @throws ConfigException naming the URL and what is wrong with it
   */
  public static ReplicaUrl parse(String raw) {
    return parse(raw, "replica URL", null);
  }

  /** True if {@code s} starts like a URL ({@code word://}), as opposed to a path. */
  public static boolean looksLikeUrl(@Nullable String s) {
    return s != null && LOOKS_LIKE_URL.matcher(s).find();
  }

  static ReplicaUrl parse(@Nullable String raw, String key, @Nullable String where) {
    if (raw == null || raw.isBlank()) {
      throw new ConfigException(key, "replica URL is empty", raw == null ? "" : raw, where);
    }
    if (raw.startsWith("/")) {
      return new ReplicaUrl("file", "", "", Path.of(raw).normalize().toString(), Map.of());
    }
    if (raw.regionMatches(true, 0, "file:", 0, 5) && !raw.startsWith("//", 5)) {
      // file:relative/path or file:/absolute (no authority): a path, relative to the working
      // directory when it does not start with a slash
      String p = decode(raw.substring(5).replaceFirst("[?#].*$", ""), false, key, raw, where);
      if (p.isBlank()) {
        throw new ConfigException(
            key,
            "a file replica URL needs a path, as in file:///var/backups/db or file:backups/db",
            raw,
            where);
      }
      return new ReplicaUrl(
          "file", "", "", Path.of(p).toAbsolutePath().normalize().toString(), Map.of());
    }
    var m = SCHEME.matcher(raw);
    if (!m.matches()) {
      throw new ConfigException(
          key,
          "replica URL needs a scheme, such as file:///var/backups/db or s3://bucket/path",
          raw,
          where);
    }
    String scheme = m.group(1).toLowerCase(Locale.ROOT);
    String rest = m.group(2);
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      rest = rest.substring(0, hash);
    }
    String rawQuery = "";
    int question = rest.indexOf('?');
    if (question >= 0) {
      rawQuery = rest.substring(question + 1);
      rest = rest.substring(0, question);
    }
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String rawPath = slash < 0 ? "" : rest.substring(slash);
    String userInfo = "";
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      userInfo = decode(authority.substring(0, at), false, key, raw, where);
      authority = authority.substring(at + 1);
    }
    String path = decode(rawPath, false, key, raw, where);

    if (scheme.equals("file")) {
      if (!authority.isEmpty() && !authority.equals("localhost") || path.isEmpty()) {
        throw new ConfigException(
            key,
            "a file replica URL needs an absolute path, as in file:///var/backups/db",
            raw,
            where);
      }
      return new ReplicaUrl(scheme, "", "", Path.of(path).normalize().toString(), Map.of());
    }
    return new ReplicaUrl(
        scheme, userInfo, authority, cleanObjectPath(path), parseQuery(rawQuery, key, raw, where));
  }

  private static String cleanObjectPath(String path) {
    String cleaned = Path.of("/" + path).normalize().toString();
    return cleaned.equals("/") ? "" : cleaned.substring(1);
  }

  private static Map<String, String> parseQuery(
      String rawQuery, String key, String raw, @Nullable String where) {
    var query = new LinkedHashMap<String, String>();
    if (rawQuery.isEmpty()) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq), true, key, raw, where);
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true, key, raw, where);
      query.putIfAbsent(name, value);
    }
    return query;
  }

  private static String decode(
      String s, boolean plusIsSpace, String key, String raw, @Nullable String where) {
    if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) {
      return s;
    }
    try {
      return URLDecoder.decode(plusIsSpace ? s : s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          key, "malformed replica URL: bad percent-encoding in \"" + s + "\"", raw, where);
    }
  }

  /** The URL in canonical form, e.g. {@code file:///var/backups/db}. Passwords are masked. */
  @Override
  public String toString() {
    if (scheme.equals("file")) {
      return "file://" + path;
    }
    var sb = new StringBuilder(scheme).append("://");
    if (!userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      sb.append(colon < 0 ? userInfo : userInfo.substring(0, colon) + ":***").append('@');
    }
    sb.append(host);
    if (!path.isEmpty()) {
      sb.append('/').append(path);
    }
    if (!query.isEmpty()) {
      sb.append('?');
      query.forEach((k, v) -> sb.append(k).append('=').append(v).append('&'));
      sb.setLength(sb.length() - 1);
    }
    return sb.toString();
  }
}
