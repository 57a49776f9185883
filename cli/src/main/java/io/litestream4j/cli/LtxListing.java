package io.litestream4j.cli;

import io.litestream4j.cli.TableOrJson.Column;
import io.litestream4j.config.LoggingConfig;
import io.litestream4j.ltx.Txid;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * What {@code ltx} (and its deprecated alias {@code wal}) do: list the LTX files a replica holds at
 * one level or all, as a table ({@code level min_txid max_txid size created}) or JSON ({@code
 * [{"level","min_txid","max_txid","size","timestamp"}]}). Declared without annotations ({@link
 * CommandOptions}): {@code ltx} of a file replica runs from the small jar, where start-up counts.
 */
final class LtxListing {
  private final ConfigFlags config = new ConfigFlags();
  private final TableFlag table = new TableFlag();
  private final CommandOptions.Value<String> level;
  private final CommandOptions.Values<String> args;

  /** Declares {@code -level} and the positional argument in the command's model. */
  LtxListing(CommandOptions options) {
    level =
        options.option(
            String.class,
            "-level",
            "LEVEL",
            "0",
            "Compaction level to list: 0-9 or \"all\" (default: ${DEFAULT-VALUE}).");
    args = options.parameters(String.class, "0..*", "DB_PATH|REPLICA_URL");
  }

  /** The flags {@link Main} adds to the command's model: {@code -config}, {@code -json}. */
  List<SharedFlags> sharedFlags() {
    return List.of(config, table);
  }

  int run(CommandLine cmd) throws Exception {
    Logging.configure(new LoggingConfig("info", "text", true, false), null);
    List<String> positional = args.get();
    if (positional.isEmpty() || positional.getFirst().isEmpty()) {
      throw new ParameterException(cmd, "database path or replica URL required");
    }
    if (positional.size() > 1) {
      throw new ParameterException(cmd, "too many arguments");
    }
    List<Integer> levels = levels();
    ReplicaSource source =
        ReplicaSource.resolve(positional.getFirst(), config, System.getenv(), cmd.getErr());
    List<LtxFileInfo> files = new ArrayList<>();
    try (ReplicaClient client = source.client()) {
      client.init();
      for (int l : levels) {
        files.addAll(client.ltxFiles(l, 0));
      }
    }
    TableOrJson rows =
        new TableOrJson(
            Column.of("level"),
            Column.of("min_txid"),
            Column.of("max_txid"),
            Column.of("size"),
            new Column("timestamp", "created"));
    for (LtxFileInfo f : files) {
      rows.row(
          f.level(),
          Txid.format(f.minTxid()),
          Txid.format(f.maxTxid()),
          f.size(),
          Rfc3339.format(f.createdAt()));
    }
    rows.print(cmd.getOut(), table.json());
    return 0;
  }

  private List<Integer> levels() {
    String level = this.level.get();
    if ("all".equals(level)) {
      List<Integer> all = new ArrayList<>();
      for (int l = LtxFileInfo.L0; l <= LtxFileInfo.SNAPSHOT_LEVEL; l++) {
        all.add(l);
      }
      return all;
    }
    try {
      int l = Integer.parseInt(level);
      LtxFileInfo.checkLevel(l);
      return List.of(l);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid -level value \"" + level + "\": use 0-9 or \"all\"");
    }
  }
}
