package io.litestream4j.cli;

import io.litestream4j.cli.TableOrJson.Column;
import io.litestream4j.config.Config;
import io.litestream4j.config.DbConfig;
import io.litestream4j.config.DirectoryEntry;
import io.litestream4j.config.LoggingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code databases [-json]}: the databases in the configuration and their replica type, as a {@code
 * path replica} table or {@code [{"path","replica"}]}. A {@code dir} entry is listed as the
 * databases it finds now (Litestream shows the working directory there, a quirk not reproduced); a
 * directory with no database, or that cannot be scanned, is listed by itself.
 */
@Command(name = "databases", description = "Lists the databases in the configuration file.")
final class DatabasesCommand implements Callable<Integer>, SharedFlags.User {
  @Spec CommandSpec spec;

  final ConfigFlags config = new ConfigFlags();

  final TableFlag table = new TableFlag();

  @Override
  public List<SharedFlags> sharedFlags() {
    return List.of(config, table);
  }

  @Parameters(arity = "0..*", hidden = true)
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Logging.configure(new LoggingConfig("info", "text", true, false), null);
    if (!args.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "too many arguments");
    }
    Config cfg = config.load(System.getenv(), spec.commandLine().getErr());
    TableOrJson rows = new TableOrJson(Column.of("path"), Column.of("replica"));
    for (DbConfig db : cfg.dbs()) {
      if (db.dir().isEmpty()) {
        rows.row(db.identifier().toString(), db.replica().type());
        continue;
      }
      List<DbConfig> found;
      try {
        found = new DirectoryEntry(db).databases();
      } catch (java.io.IOException e) {
        found = List.of();
      }
      if (found.isEmpty()) {
        rows.row(db.identifier().toString(), db.replica().type());
      }
      for (DbConfig f : found) {
        rows.row(f.identifier().toString(), f.replica().type());
      }
    }
    rows.print(spec.commandLine().getOut(), table.json());
    return 0;
  }
}
