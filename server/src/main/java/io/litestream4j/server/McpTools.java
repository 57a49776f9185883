package io.litestream4j.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The MCP tools, with Litestream's names and arguments ({@code litestream_info}, {@code
 * litestream_databases}, {@code litestream_status}, {@code litestream_ltx}, {@code
 * litestream_restore}, {@code litestream_reset}, {@code litestream_version}), run in-process
 * through {@link CommandRunner}. Boolean arguments become bare flags when true and are left out
 * when false (Litestream passes {@code -flag true}, which Go's flag parser reads as a positional
 * argument); {@code "true"} as a string is accepted too.
 */
final class McpTools {
  private final CommandRunner runner;
  private final Optional<Path> defaultConfig;

  McpTools(CommandRunner runner, Optional<Path> defaultConfig) {
    this.runner = runner;
    this.defaultConfig = defaultConfig;
  }

  List<Map<String, Object>> list() {
    return List.of(
        tool(
            "litestream_info",
            "Version, configured databases and the LTX files of each replica.",
            props(str("config", "Path to the litestream.yml configuration file")),
            List.of()),
        tool(
            "litestream_databases",
            "List the databases of a configuration file and their replicas.",
            props(str("config", "Path to the configuration file")),
            List.of()),
        tool(
            "litestream_status",
            "Local replication status of the configured databases.",
            props(
                str("config", "Path to the configuration file"), str("path", "Only this database")),
            List.of()),
        tool(
            "litestream_ltx",
            "List the LTX files of a database's replica (or of a replica URL).",
            props(
                str("path", "Database path or replica URL"),
                str("config", "Path to the configuration file")),
            List.of("path")),
        tool(
            "litestream_restore",
            "Restore a database from its replica.",
            props(
                str("path", "Database path (config mode) or replica URL"),
                str("o", "Output path"),
                str("config", "Path to the configuration file"),
                str("txid", "Restore up to this TXID (hex)"),
                str("timestamp", "Restore to this time (RFC 3339)"),
                Map.entry(
                    "parallelism", Map.of("type", "integer", "description", "Parallel downloads")),
                bool("if_db_not_exists", "Skip when the output database already exists"),
                bool(
                    "if_replica_exists",
                    "Succeed without restoring when the replica has no backups")),
            List.of("path")),
        tool(
            "litestream_reset",
            "Delete a database's local replication state (it is rebuilt on the next sync).",
            props(str("path", "Database path"), str("config", "Path to the configuration file")),
            List.of("path")),
        tool("litestream_version", "The litestream4j version.", props(), List.of()));
  }

  /** Runs a tool; the result text is the CLI's output, {@code isError} its exit status. */
  CommandRunner.Result call(String name, Map<String, Object> args) {
    return switch (name) {
      case "litestream_version" -> runner.run(List.of("version"));
      case "litestream_databases" ->
          runner.run(withConfig(new ArrayList<>(List.of("databases")), args));
      case "litestream_status" -> {
        List<String> a = withConfig(new ArrayList<>(List.of("status")), args);
        string(args, "path").ifPresent(a::add);
        yield runner.run(a);
      }
      case "litestream_ltx" -> {
        String path = required(args, "path");
        List<String> a = new ArrayList<>(List.of("ltx"));
        if (!path.contains("://")) {
          withConfig(a, args);
        }
        a.add(path);
        yield runner.run(a);
      }
      case "litestream_reset" -> {
        List<String> a = withConfig(new ArrayList<>(List.of("reset")), args);
        a.add(required(args, "path"));
        yield runner.run(a);
      }
      case "litestream_restore" -> runner.run(restoreArgs(args));
      case "litestream_info" -> info(args);
      default -> throw new IllegalArgumentException("unknown tool: " + name);
    };
  }

  List<String> restoreArgs(Map<String, Object> args) {
    String path = required(args, "path");
    List<String> a = new ArrayList<>(List.of("restore"));
    if (!path.contains("://")) {
      withConfig(a, args);
    }
    string(args, "o").ifPresent(v -> a.addAll(List.of("-o", v)));
    string(args, "txid").ifPresent(v -> a.addAll(List.of("-txid", v)));
    string(args, "timestamp").ifPresent(v -> a.addAll(List.of("-timestamp", v)));
    string(args, "parallelism").ifPresent(v -> a.addAll(List.of("-parallelism", v)));
    if (flag(args, "if_db_not_exists")) {
      a.add("-if-db-not-exists");
    }
    if (flag(args, "if_replica_exists")) {
      a.add("-if-replica-exists");
    }
    a.add(path);
    return a;
  }

  private CommandRunner.Result info(Map<String, Object> args) {
    StringBuilder out = new StringBuilder();
    CommandRunner.Result v = runner.run(List.of("version"));
    out.append("Version: ").append(v.out().strip()).append("\n\n");
    CommandRunner.Result dbs = runner.run(withConfig(new ArrayList<>(List.of("databases")), args));
    out.append("Databases:\n").append(dbs.out()).append(dbs.err());
    if (dbs.exitCode() != 0) {
      return new CommandRunner.Result(dbs.exitCode(), out.toString(), "");
    }
    CommandRunner.Result json =
        runner.run(withConfig(new ArrayList<>(List.of("databases", "-json")), args));
    Object parsed = Json.parse(json.out().isBlank() ? "[]" : json.out());
    if (parsed instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> m && m.get("path") instanceof String p) {
          List<String> a = withConfig(new ArrayList<>(List.of("ltx")), args);
          a.add(p);
          CommandRunner.Result ltx = runner.run(a);
          out.append("\nLTX files of ").append(p).append(":\n").append(ltx.out()).append(ltx.err());
        }
      }
    }
    return new CommandRunner.Result(0, out.toString(), "");
  }

  private List<String> withConfig(List<String> a, Map<String, Object> args) {
    Optional<String> c = string(args, "config").or(() -> defaultConfig.map(Path::toString));
    c.ifPresent(v -> a.addAll(List.of("-config", v)));
    return a;
  }

  private static String required(Map<String, Object> args, String key) {
    return string(args, key)
        .orElseThrow(() -> new IllegalArgumentException("argument '" + key + "' is required"));
  }

  private static Optional<String> string(Map<String, Object> args, String key) {
    Object v = args.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof Double d && d == Math.rint(d)) {
      return Optional.of(Long.toString(d.longValue()));
    }
    String s = v.toString();
    return s.isBlank() ? Optional.empty() : Optional.of(s);
  }

  static boolean flag(Map<String, Object> args, String key) {
    Object v = args.get(key);
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s) {
      if (s.equalsIgnoreCase("true")) {
        return true;
      }
      if (s.isEmpty() || s.equalsIgnoreCase("false")) {
        return false;
      }
    }
    if (v == null) {
      return false;
    }
    throw new IllegalArgumentException("argument '" + key + "' must be a boolean, got " + v);
  }

  private static Map<String, Object> tool(
      String name, String description, Map<String, Object> properties, List<String> required) {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", properties);
    if (!required.isEmpty()) {
      schema.put("required", required);
    }
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("name", name);
    t.put("description", description);
    t.put("inputSchema", schema);
    return t;
  }

  @SafeVarargs
  private static Map<String, Object> props(Map.Entry<String, Object>... entries) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : entries) {
      m.put(e.getKey(), e.getValue());
    }
    return m;
  }

  private static Map.Entry<String, Object> str(String name, String description) {
    return Map.entry(name, Map.of("type", "string", "description", description));
  }

  private static Map.Entry<String, Object> bool(String name, String description) {
    return Map.entry(name, Map.of("type", "boolean", "description", description));
  }
}
