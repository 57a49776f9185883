package io.litestream4j.server;

import io.litestream4j.ltx.Txid;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * The human-readable status page served at {@code /}: one table row per database with local and
 * replica TXID, lag, last upload, last error, restorable window and the replica's size per level.
 * Plain server-rendered HTML with a little CSS; it reloads itself through a meta refresh, so no
 * JavaScript is involved. Every value is HTML-escaped.
 */
final class StatusPage {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private final int refreshSeconds;
  private final String version;

  StatusPage(int refreshSeconds, String version) {
    this.refreshSeconds = refreshSeconds;
    this.version = version;
  }

  String render(List<DatabaseStatus> dbs, Instant now) {
    StringBuilder h = new StringBuilder(4096);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"refresh\" content=\"")
        .append(refreshSeconds)
        .append("\">")
        .append("<title>litestream4j status</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}")
        .append(
            "table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.35em .6em;")
        .append("text-align:left;vertical-align:top;font-size:14px}th{background:#f0f0f0}")
        .append(
            ".ok{color:#176317;font-weight:600}.bad{color:#b00020;font-weight:600}.warn{color:#a15c00}")
        .append(
            "code{font-size:13px}small{color:#666}td.levels,td.local-txid,td.replica-txid{white-space:nowrap}</style></head><body>\n")
        .append("<h1>litestream4j</h1><p><small>version ")
        .append(esc(version))
        .append(" &middot; ")
        .append(esc(TIME.format(now)))
        .append(" &middot; refreshes every ")
        .append(refreshSeconds)
        .append(" s &middot; <a href=\"/metrics\">metrics</a></small></p>\n");
    if (dbs.isEmpty()) {
      h.append("<p>No databases configured.</p>");
    } else {
      h.append(
              "<table id=\"databases\"><thead><tr><th>database</th><th>state</th><th>local TXID</th>")
          .append("<th>replica TXID</th><th>lag</th><th>last upload</th><th>last error</th>")
          .append(
              "<th>restorable window</th><th>replica size per level</th></tr></thead><tbody>\n");
      for (DatabaseStatus db : dbs) {
        row(h, db, now);
      }
      h.append("</tbody></table>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  private void row(StringBuilder h, DatabaseStatus db, Instant now) {
    h.append("<tr class=\"db\"><td><code>")
        .append(esc(db.path().toString()))
        .append("</code><br><small>")
        .append(esc(db.replicaUrl()))
        .append("</small></td>");
    boolean failing = db.failing();
    h.append("<td class=\"")
        .append(!db.running() ? "warn" : failing ? "bad" : "ok")
        .append("\">")
        .append(esc(db.state()))
        .append("</td>");
    h.append("<td class=\"local-txid\"><code>")
        .append(Txid.format(db.localTxid()))
        .append("</code></td>");
    h.append("<td class=\"replica-txid\"><code>")
        .append(Txid.format(db.replicaTxid()))
        .append("</code></td>");
    double lag = db.lagSeconds(now);
    h.append("<td class=\"lag ")
        .append(lag > 60 ? "bad" : "")
        .append("\">")
        .append(db.running() ? String.format("%.1f s (%d TXIDs)", lag, db.lagTxids()) : "&ndash;")
        .append("</td>");
    h.append("<td class=\"last-upload\">").append(time(db.lastUpload(), now)).append("</td>");
    h.append("<td class=\"last-error")
        .append(failing ? " bad" : "")
        .append("\">")
        .append(
            db.lastError()
                .map(
                    e ->
                        failing
                            ? esc(e)
                            : "<span class=\"warn\">earlier (not failing now): "
                                + esc(e)
                                + "</span>")
                .orElse("none"))
        .append("</td>");
    h.append("<td class=\"window\">");
    Optional<ReplicaSummary> rs = db.replica();
    if (rs.isEmpty()) {
      h.append("&ndash;");
    } else if (rs.get().error().isPresent()) {
      h.append("<span class=\"bad\">listing failed: ")
          .append(esc(rs.get().error().get()))
          .append("</span>");
    } else {
      h.append(rs.get().oldestRestorable().map(TIME::format).orElse("?"))
          .append(" &rarr; ")
          .append(rs.get().newestRestorable().map(TIME::format).orElse("?"));
    }
    h.append("</td><td class=\"levels\">");
    rs.ifPresent(
        r -> {
          for (ReplicaSummary.Level l : r.levels()) {
            h.append("L")
                .append(l.level())
                .append(": ")
                .append(l.files())
                .append(l.files() == 1 ? " file, " : " files, ")
                .append(humanBytes(l.bytes()))
                .append("<br>");
          }
        });
    h.append("</td></tr>\n");
  }

  private static String time(Optional<Instant> t, Instant now) {
    return t.map(
            i ->
                esc(TIME.format(i))
                    + "<br><small>"
                    + Duration.between(i, now).toSeconds()
                    + " s ago</small>")
        .orElse("never");
  }

  static String humanBytes(long n) {
    if (n < 1000) {
      return n + " B";
    }
    String units = "kMGTPE";
    double v = n;
    int u = -1;
    while (v >= 1000 && u < units.length() - 1) {
      v /= 1000;
      u++;
    }
    return String.format("%.1f %sB", v, units.charAt(u));
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
