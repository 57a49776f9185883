package io.litestream4j.cli;

import io.litestream4j.config.Config;
import io.litestream4j.config.DbConfig;
import io.litestream4j.config.LoggingConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code databases [-json]}: the databases in the configuration and their replica type, as a
 * {@code path replica} table or {@code [{"path","replica"}]}. A {@code dir} entry is listed by its
 * directory (Litestream shows the working directory there, a quirk not reproduced).
 */
@Command(name = "databases", description = "Lists the databases in the configuration file.")
final class DatabasesCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ConfigFlags config;

  @Option(names = "-json", description = "Print JSON instead of a table.")
  boolean json;

  @Option(names = {"-h", "-help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  @Parameters(arity = "0..*", hidden = true)
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Logging.configure(new LoggingConfig("info", "text", true, false), null);
    if (!args.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "too many arguments");
    }
    Config cfg = config.load(System.getenv(), spec.commandLine().getErr());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      List<Object> rows = new ArrayList<>();
      for (DbConfig db : cfg.dbs()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", db.identifier().toString());
        m.put("replica", db.replica().type());
        rows.add(m);
      }
      out.println(JsonOut.render(rows));
      out.flush();
      return 0;
    }
    TextTable table = new TextTable("path", "replica");
    for (DbConfig db : cfg.dbs()) {
      table.row(db.identifier(), db.replica().type());
    }
    table.print(out);
    return 0;
  }
}
