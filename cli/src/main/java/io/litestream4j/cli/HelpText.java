package io.litestream4j.cli;

import io.litestream4j.replica.ReplicaClients;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * The examples and the list of replica URL schemes at the end of {@code -h} output. The schemes
 * come from the backends registered in this build ({@link ReplicaClients#discover()}), so a new
 * backend module shows up here by being on the class path, and no scheme is listed that would fail.
 */
final class HelpText {
  private HelpText() {}

  /** What each scheme's URL looks like; a registered backend without an entry is listed by name. */
  private static final Map<String, String> URL_FORMS =
      Map.of(
          "file", "file:///var/backups/app  (a local or mounted directory)",
          "s3", "s3://bucket/path[?endpoint=URL&region=REGION&forcePathStyle=true]",
          "gs", "gs://bucket/path",
          "abs", "abs://[account@]container/path",
          "sftp", "sftp://user[:password]@host[:port]/path",
          "webdav", "webdav[s]://[user:password@]host[:port]/path",
          "nats", "nats://host[:port]/bucket",
          "oss", "oss://bucket/path");

  /**
   * One command per line or a shell continuation ({@code \\}): no line is wrapped in 80 columns.
   */
  private static final Map<String, List<String>> EXAMPLES =
      Map.of(
          "",
              List.of(
                  "litestream4j replicate /data/app.db s3://my-bucket/app",
                  "litestream4j replicate -config /etc/litestream.yml",
                  "litestream4j restore -o /data/app.db s3://my-bucket/app",
                  "litestream4j ltx -level all s3://my-bucket/app",
                  "litestream4j <command> -h                    (help for one command)"),
          "replicate",
              List.of(
                  "litestream4j replicate /data/app.db file:///var/backups/app",
                  "litestream4j replicate /data/app.db s3://my-bucket/app",
                  "litestream4j replicate -config /etc/litestream.yml",
                  "litestream4j replicate -config /etc/litestream.yml \\",
                  "    -exec \"java -jar app.jar\"",
                  "litestream4j replicate -once -force-snapshot \\",
                  "    /data/app.db s3://my-bucket/app"),
          "restore",
              List.of(
                  "litestream4j restore -o /tmp/app.db s3://my-bucket/app",
                  "litestream4j restore -o /tmp/app.db -timestamp 2026-01-02T15:04:05Z \\",
                  "    s3://my-bucket/app",
                  "litestream4j restore -o /tmp/app.db -txid 00000000000000a1 \\",
                  "    file:///var/backups/app",
                  "litestream4j restore -dry-run -o /tmp/app.db s3://my-bucket/app",
                  "litestream4j restore -config /etc/litestream.yml -if-db-not-exists \\",
                  "    /data/app.db"),
          "ltx",
              List.of(
                  "litestream4j ltx s3://my-bucket/app",
                  "litestream4j ltx -level all -json /data/app.db   (a configured database)"));

  /**
   * Adds examples and, where replica URLs are accepted, the available schemes to the help. The
   * footers are composed when help is printed: finding the backends loads every backend's factory,
   * which a command that does not print help has no use for.
   */
  static void install(CommandLine root) {
    addFooterOnHelp(root, "");
    for (String name : List.of("replicate", "restore", "ltx")) {
      CommandLine sub = root.getSubcommands().get(name);
      if (sub != null) {
        addFooterOnHelp(sub, name);
      }
    }
  }

  private static void addFooterOnHelp(CommandLine cmd, String key) {
    cmd.getHelpSectionMap()
        .put(
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER,
            help -> {
              addFooter(cmd, key, true, ReplicaClients.discover().types());
              return help.footer();
            });
  }

  private static void addFooter(
      CommandLine cmd, String key, boolean withSchemes, Set<String> schemes) {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("Examples:");
    EXAMPLES.getOrDefault(key, List.of()).forEach(e -> lines.add("  " + e));
    if (withSchemes) {
      lines.add("");
      lines.add("Replica URLs (backends in this build):");
      for (String s : schemes) {
        lines.add("  " + URL_FORMS.getOrDefault(s, s + "://..."));
      }
      if (key.isEmpty() || key.equals("replicate")) {
        lines.add("");
        lines.add("Configuration: a litestream.yml with Litestream's keys");
        lines.add("  (-config, else $LITESTREAM_CONFIG, else /etc/litestream.yml).");
      }
    }
    cmd.getCommandSpec().usageMessage().footer(lines.toArray(String[]::new));
  }
}
