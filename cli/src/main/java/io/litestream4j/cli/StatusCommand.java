package io.litestream4j.cli;

import io.litestream4j.cli.TableOrJson.Column;
import io.litestream4j.config.Config;
import io.litestream4j.config.ConfigLoader;
import io.litestream4j.config.DbConfig;
import io.litestream4j.config.DirectoryEntry;
import io.litestream4j.config.LoggingConfig;
import io.litestream4j.db.LocalLtxDir;
import io.litestream4j.ltx.Txid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code status [-json] [DB_PATH]}: local replication state of the configured databases, read from
 * disk only (no replica, no running daemon): database, status ({@code ok}, {@code not initialized},
 * {@code no database}, {@code error}), newest local TXID, WAL size. Directory ({@code dir}) entries
 * show each database they find now, with its derived state directory.
 */
@Command(
    name = "status",
    description = "Shows the local replication status of the configured databases.")
final class StatusCommand implements Callable<Integer>, SharedFlags.User {
  @Spec CommandSpec spec;

  final ConfigFlags config = new ConfigFlags();

  final TableFlag table = new TableFlag();

  @Override
  public List<SharedFlags> sharedFlags() {
    return List.of(config, table);
  }

  @Parameters(arity = "0..*", paramLabel = "DB_PATH")
  List<String> args = new ArrayList<>();

  /** One database's line. */
  record Status(String database, String status, String localTxid, String walSize) {}

  @Override
  public Integer call() throws Exception {
    Logging.configure(new LoggingConfig("info", "text", true, false), null);
    if (args.size() > 1) {
      throw new ParameterException(spec.commandLine(), "too many arguments");
    }
    Map<String, String> env = System.getenv();
    Config cfg = config.load(env, spec.commandLine().getErr());
    Path filter = args.isEmpty() ? null : ConfigLoader.expandPath(args.getFirst(), env);
    List<Status> statuses = new ArrayList<>();
    for (DbConfig entry : cfg.dbs()) {
      List<DbConfig> dbs =
          entry.dir().isEmpty() ? List.of(entry) : new DirectoryEntry(entry).databases();
      for (DbConfig db : dbs) {
        if (filter != null && !db.path().orElseThrow().equals(filter)) {
          continue;
        }
        statuses.add(status(db.path().orElseThrow(), db.resolvedMetaPath()));
      }
    }
    TableOrJson rows =
        new TableOrJson(
            Column.of("database"),
            Column.of("status"),
            new Column("local_txid", "local txid"),
            new Column("wal_size", "wal size"));
    for (Status s : statuses) {
      rows.row(s.database(), s.status(), s.localTxid(), s.walSize());
    }
    rows.print(spec.commandLine().getOut(), table.json());
    return 0;
  }

  static Status status(Path db, Path metaDir) {
    if (!Files.exists(db)) {
      return new Status(db.toString(), "no database", "-", "-");
    }
    String walSize = "-";
    try {
      walSize = HumanBytes.format(Files.size(db.resolveSibling(db.getFileName() + "-wal")));
    } catch (NoSuchFileException e) {
      walSize = "0 B";
    } catch (IOException e) {
      // unreadable: leave "-"
    }
    try {
      List<Long> txids = new LocalLtxDir(metaDir).txids();
      if (txids.isEmpty()) {
        return new Status(db.toString(), "not initialized", "-", walSize);
      }
      return new Status(db.toString(), "ok", Txid.format(txids.getLast()), walSize);
    } catch (IOException e) {
      return new Status(db.toString(), "error", "-", walSize);
    }
  }
}
