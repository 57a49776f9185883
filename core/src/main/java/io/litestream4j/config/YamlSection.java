package io.litestream4j.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * One YAML mapping of the configuration, read key by key with typed accessors that know where each
 * value came from.
 *
 * <p>Why it exists: every error must name the key path, the raw value and its line, and every key
 * nobody asked for must produce a warning instead of being silently ignored. Accessors mark keys as
 * consumed; {@link #finish()} reports the rest. Scalars are interpreted as Litestream's YAML
 * library (YAML 1.1) does: {@code yes/no/on/off} are booleans, {@code 0600} is octal, {@code ~} and
 * {@code null} mean "not set".
 */
final class YamlSection {

  /** Keys Litestream 0.3 understood but 0.5 no longer does, with what to use instead. */
  private static final Map<String, String> LEGACY_HINTS =
      Map.of(
          "retention",
              "a Litestream 0.3 replica setting, replaced by the global snapshot.retention",
          "retention-check-interval",
              "a Litestream 0.3 replica setting, replaced by the global snapshot.retention",
          "snapshot-interval",
              "a Litestream 0.3 replica setting, replaced by the global snapshot.interval",
          "max-checkpoint-page-count",
              "removed in Litestream 0.5; the emergency threshold is truncate-page-n",
          "generations", "a Litestream 0.3 concept with no equivalent in 0.5");

  private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");
  private static final Set<String> TRUES =
      Set.of("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON");
  private static final Set<String> FALSES =
      Set.of("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF");

  private final String path;
  private final Source source;
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
  private final Set<String> consumed = new HashSet<>();

  /** Where the text came from, and the warnings collected while reading it. */
  record Source(String name, List<String> warnings) {
    String where(Node node) {
      return node.getStartMark().map(m -> name + ":" + (m.getLine() + 1)).orElse(name);
    }
  }

  YamlSection(String path, MappingNode node, Source source) {
    this.path = path;
    this.source = source;
    for (NodeTuple tuple : node.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
        throw new ConfigException(
            path, "keys must be plain names", null, source.where(tuple.getKeyNode()));
      }
      String key = keyNode.getValue();
      if (entries.putIfAbsent(key, tuple) != null) {
        throw new ConfigException(keyPath(key), "duplicate key", null, source.where(keyNode));
      }
    }
  }

  /** The path of this section, such as {@code dbs[0].replica}; empty for the top level. */
  String path() {
    return path;
  }

  Source source() {
    return source;
  }

  String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** "file:line" of the key, or of the section when the key is absent. */
  String where(String key) {
    NodeTuple tuple = entries.get(key);
    return tuple == null ? source.name() : source.where(tuple.getKeyNode());
  }

  /** True if the key is present with a non-null value. */
  boolean has(String key) {
    NodeTuple tuple = entries.get(key);
    return tuple != null && !isNull(tuple.getValueNode());
  }

  /** The raw text of a scalar value, for messages; null if absent or not a scalar. */
  @Nullable String raw(String key) {
    NodeTuple tuple = entries.get(key);
    return tuple != null && tuple.getValueNode() instanceof ScalarNode s ? s.getValue() : null;
  }

  /** An error about the value of {@code key}. */
  ConfigException invalid(String key, String rule) {
    return new ConfigException(keyPath(key), rule, raw(key), where(key));
  }

  /** An error about the presence of {@code key} (or its combination with others). */
  ConfigException misplaced(String key, String rule) {
    return new ConfigException(keyPath(key), rule, null, where(key));
  }

  void warn(String key, String message) {
    source.warnings().add(keyPath(key) + ": " + message + " at " + where(key));
  }

  Optional<String> string(String key) {
    return scalar(key).map(ScalarNode::getValue);
  }

  Optional<Boolean> bool(String key) {
    return scalar(key)
        .map(
            s -> {
              if (TRUES.contains(s.getValue())) {
                return true;
              }
              if (FALSES.contains(s.getValue())) {
                return false;
              }
              throw invalid(key, "must be true or false");
            });
  }

  OptionalLong integer(String key) {
    Optional<ScalarNode> s = scalar(key);
    if (s.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(parseYamlInt(s.get().getValue()));
    } catch (NumberFormatException e) {
      throw invalid(key, "must be a whole number");
    }
  }

  Optional<Duration> duration(String key) {
    return scalar(key)
        .map(
            s -> {
              try {
                return GoDuration.parse(s.getValue().strip());
              } catch (IllegalArgumentException e) {
                throw invalid(key, e.getMessage());
              }
            });
  }

  OptionalLong byteSize(String key) {
    Optional<ScalarNode> s = scalar(key);
    if (s.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(ByteSize.parse(s.get().getValue()));
    } catch (IllegalArgumentException e) {
      throw invalid(key, e.getMessage());
    }
  }

  /** A list of strings; a single value counts as a one-element list. */
  List<String> strings(String key) {
    Optional<Node> node = value(key);
    if (node.isEmpty()) {
      return List.of();
    }
    if (node.get() instanceof ScalarNode s) {
      return List.of(s.getValue());
    }
    if (!(node.get() instanceof SequenceNode seq)) {
      throw new ConfigException(keyPath(key), "must be a list of values", null, where(key));
    }
    var out = new ArrayList<String>();
    for (Node item : seq.getValue()) {
      if (!(item instanceof ScalarNode s)) {
        throw new ConfigException(
            keyPath(key), "must be a list of single values", null, source.where(item));
      }
      if (!isNull(s)) {
        out.add(s.getValue());
      }
    }
    return out;
  }

  Optional<YamlSection> section(String key) {
    return value(key)
        .map(
            node -> {
              if (!(node instanceof MappingNode m)) {
                throw new ConfigException(
                    keyPath(key), "must be a mapping of keys to values", raw(key), where(key));
              }
              return new YamlSection(keyPath(key), m, source);
            });
  }

  /** A list of mappings, each read as a section named {@code key[i]}. */
  List<YamlSection> sections(String key) {
    Optional<Node> node = value(key);
    if (node.isEmpty()) {
      return List.of();
    }
    if (!(node.get() instanceof SequenceNode seq)) {
      throw new ConfigException(keyPath(key), "must be a list", raw(key), where(key));
    }
    var out = new ArrayList<YamlSection>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      Node item = seq.getValue().get(i);
      String itemPath = keyPath(key) + "[" + i + "]";
      if (!(item instanceof MappingNode m)) {
        throw new ConfigException(
            itemPath, "must be a mapping of keys to values", null, source.where(item));
      }
      out.add(new YamlSection(itemPath, m, source));
    }
    return out;
  }

  /** Marks {@code key} as understood but ignored, warning if it is set. */
  void ignore(String key, String why) {
    consumed.add(key);
    if (has(key)) {
      warn(key, why);
    }
  }

  /** Warns about every key no accessor asked for. */
  void finish() {
    for (String key : entries.keySet()) {
      if (!consumed.contains(key)) {
        String hint = LEGACY_HINTS.get(key);
        warn(key, hint == null ? "unknown key, ignored" : "unknown key, ignored (" + hint + ")");
      }
    }
  }

  private Optional<Node> value(String key) {
    consumed.add(key);
    NodeTuple tuple = entries.get(key);
    if (tuple == null || isNull(tuple.getValueNode())) {
      return Optional.empty();
    }
    return Optional.of(tuple.getValueNode());
  }

  private Optional<ScalarNode> scalar(String key) {
    return value(key)
        .map(
            node -> {
              if (!(node instanceof ScalarNode s)) {
                throw new ConfigException(
                    keyPath(key),
                    "must be a single value, not a list or mapping",
                    null,
                    where(key));
              }
              return s;
            });
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode s && s.isPlain() && NULLS.contains(s.getValue());
  }

  /** YAML 1.1 integers: decimal, 0x hex, 0o or leading-0 octal, 0b binary, underscores allowed. */
  static long parseYamlInt(String text) {
    String s = text.strip().replace("_", "");
    boolean negative = s.startsWith("-");
    if (s.startsWith("-") || s.startsWith("+")) {
      s = s.substring(1);
    }
    if (s.isEmpty() || s.startsWith("-") || s.startsWith("+")) {
      throw new NumberFormatException(text);
    }
    String lower = s.toLowerCase(Locale.ROOT);
    int radix = 10;
    if (lower.startsWith("0x")) {
      radix = 16;
      s = s.substring(2);
    } else if (lower.startsWith("0o")) {
      radix = 8;
      s = s.substring(2);
    } else if (lower.startsWith("0b")) {
      radix = 2;
      s = s.substring(2);
    } else if (s.length() > 1 && s.startsWith("0")) {
      radix = 8;
      s = s.substring(1);
    }
    if (s.isEmpty() || Character.digit(s.charAt(0), radix) < 0) {
      throw new NumberFormatException(text);
    }
    return Long.parseLong(negative ? "-" + s : s, radix);
  }
}
