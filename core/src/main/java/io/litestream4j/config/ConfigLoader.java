package io.litestream4j.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Builds a {@link Config} from a Litestream configuration file ({@code litestream.yml}) or from
 * command-line arguments, with Litestream's semantics: the same file means the same thing to both
 * programs.
 *
 * <p>Loading expands {@code $VAR}/{@code ${VAR}} over the whole text (unless disabled; {@code $PID}
 * is this process), parses Go-style durations and human byte sizes, makes paths absolute, applies
 * defaults and the top-level replica settings, and validates every value. Invalid values fail with
 * a {@link ConfigException} naming key, value, rule and line; unknown keys do not fail but are
 * returned as warnings. The environment is passed in (not read from the process) so callers and
 * tests control it.
 */
public final class ConfigLoader {

  /** Used when {@code LITESTREAM_CONFIG} is not set. */
  public static final Path DEFAULT_PATH = Path.of("/etc/litestream.yml");

  private ConfigLoader() {}

  /**
   * Reads and validates the configuration file at {@code file}.
   *
   * @param expandEnv expand environment variables in the text (Litestream's default; {@code
   *     -no-expand-env} turns it off)
   * @param env the environment to expand from; also supplies {@code HOME} for {@code ~} and {@code
   *     LOG_LEVEL}
   * @throws NoSuchFileException if the file does not exist
   * @throws IOException if it cannot be read
   * @throws ConfigException if its content is invalid
   */
  public static LoadedConfig load(Path file, boolean expandEnv, Map<String, String> env)
      throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(
          file.toString(),
          null,
          "config file not found (pass -config PATH or set LITESTREAM_CONFIG)");
    } catch (CharacterCodingException e) {
      throw new ConfigException(
          "", "config file is not valid UTF-8 text", null, file.toString(), e);
    }
    return parse(text, file.toString(), expandEnv, env);
  }

  /**
   * Parses configuration text; {@code sourceName} names it in messages (e.g. a file path).
   *
   * @throws ConfigException if the text is not valid YAML or a value is invalid
   */
  public static LoadedConfig parse(
      String yaml, String sourceName, boolean expandEnv, Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    String text = expandEnv ? EnvExpander.expand(yaml, name -> lookup(env, name)) : yaml;
    var warnings = new ArrayList<String>();
    var source = new YamlSection.Source(sourceName, warnings);
    Optional<Node> document;
    try {
      LoadSettings settings = LoadSettings.builder().setLabel(sourceName).setUseMarks(true).build();
      document =
          new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text)))
              .getSingleNode();
    } catch (YamlEngineException e) {
      throw new ConfigException("", "invalid YAML: " + e.getMessage().strip(), null, sourceName, e);
    }
    if (document.isEmpty() || document.get() instanceof ScalarNode s && s.getValue().isBlank()) {
      return new LoadedConfig(Config.defaults(), warnings);
    }
    if (!(document.get() instanceof MappingNode root)) {
      throw new ConfigException(
          "",
          "the configuration must be a mapping of keys to values (such as dbs:)",
          null,
          source.where(document.get()));
    }
    Config config = ConfigReader.read(new YamlSection("", root, source), env, home(env));
    return new LoadedConfig(config, warnings);
  }

  /**
   * The configuration of {@code litestream replicate DB_PATH REPLICA_URL}: one database with one
   * replica syncing every second, all else default.
   *
   * @throws ConfigException if no URL or more than one is given, or the URL is invalid
   */
  public static Config fromArguments(
      String dbPath, List<String> replicaUrls, Map<String, String> env) {
    Objects.requireNonNull(dbPath, "dbPath");
    if (dbPath.isBlank()) {
      throw new ConfigException("DB_PATH", "database path is required");
    }
    Path db = expandPath(dbPath, env);
    if (replicaUrls.isEmpty()) {
      throw new ConfigException(
          "REPLICA_URL", "must specify at least one replica URL for " + dbPath);
    }
    if (replicaUrls.size() > 1) {
      throw new ConfigException(
          "REPLICA_URL", "multiple replicas on a single database are no longer supported");
    }
    ReplicaConfig replica = ReplicaConfig.forUrl(replicaUrls.getFirst());
    return Config.defaults().withDbs(List.of(DbConfig.forPath(db, replica)));
  }

  /** {@code $LITESTREAM_CONFIG} if set and non-empty, else {@link #DEFAULT_PATH}. */
  public static Path defaultPath(Map<String, String> env) {
    String configured = env.get("LITESTREAM_CONFIG");
    return configured == null || configured.isEmpty() ? DEFAULT_PATH : Path.of(configured);
  }

  /**
   * Expands a database or state path as the configuration does: strips {@code sqlite://} and {@code
   * sqlite3://}, expands a leading {@code ~} (from {@code HOME} in {@code env}) and makes it
   * absolute. Use it to match a path given on the command line against {@link DbConfig#path()}.
   */
  public static Path expandPath(String raw, Map<String, String> env) {
    try {
      return PathExpander.expand(raw, home(env));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("path", e.getMessage(), raw, null);
    }
  }

  private static String lookup(Map<String, String> env, String name) {
    if (name.equals("PID")) {
      return Long.toString(ProcessHandle.current().pid());
    }
    return env.getOrDefault(name, "");
  }

  private static String home(Map<String, String> env) {
    String home = env.get("HOME");
    return home != null && !home.isEmpty() ? home : System.getProperty("user.home");
  }
}
