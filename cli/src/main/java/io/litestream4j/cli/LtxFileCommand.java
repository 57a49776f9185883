package io.litestream4j.cli;

import io.litestream4j.ltx.Checksums;
import io.litestream4j.ltx.Txid;
import io.litestream4j.sqlite.PendingChangesException;
import io.litestream4j.tools.DatabaseSnapshots;
import io.litestream4j.tools.LtxChain;
import io.litestream4j.tools.LtxInspector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ltx-file}: the file-level tools people reach for when debugging a replica. Each subcommand
 * works on local files only, never modifies its inputs, and reports bad input as {@code Error: ...}
 * with exit code 1 (never a stack trace); the work itself is done by {@code io.litestream4j.tools}.
 * Its models are built without annotations ({@link CommandOptions}): {@code ltx-file} runs from the
 * small jar, where start-up counts.
 */
final class LtxFileCommand {
  private final CommandSpec spec = CommandSpec.wrapWithoutInspection(this).name("ltx-file");

  LtxFileCommand() {
    spec.usageMessage().description("Inspects, verifies, creates and applies LTX files.");
    spec.addSubcommand("dump", new CommandLine(new Dump().spec));
    spec.addSubcommand("verify", new CommandLine(new Verify().spec));
    spec.addSubcommand("checksum", new CommandLine(new Checksum().spec));
    spec.addSubcommand("encode-db", new CommandLine(new EncodeDb().spec));
    spec.addSubcommand("apply", new CommandLine(new Apply().spec));
  }

  /** The model picocli parses into, with its subcommands; its user object is this command. */
  CommandSpec spec() {
    return spec;
  }

  /** A subcommand's model, named {@code name}, described by {@code description}'s paragraphs. */
  private static CommandSpec subcommand(Object command, String name, String... description) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
    spec.usageMessage().description(description);
    return spec;
  }

  /** {@code -include-wal} of the subcommands that read a database file. */
  private static CommandOptions.Flag walOverlay(CommandSpec spec) {
    return new CommandOptions(spec)
        .flag(
            "-include-wal", "Overlay the committed frames of DB-wal, as SQLite sees the database.");
  }

  /** {@code dump FILE}: header, page table and trailer of one LTX file, as text or JSON. */
  static final class Dump implements Callable<Integer> {
    private final CommandSpec spec =
        subcommand(
            this,
            "dump",
            "Prints the header, the page table (page number, offset, encoded size, page checksum) and the"
                + " trailer of an LTX file, verifying it on the way. TXIDs and checksums are 16 hex digits,"
                + " the timestamp is RFC 3339.",
            "A damaged file is printed up to the first problem, which is then reported as an error.");
    private final CommandOptions.Flag json =
        new CommandOptions(spec).flag("-json", "Print one JSON object instead of text.");
    private final CommandOptions.Value<Path> fileArg =
        new CommandOptions(spec).parameter(Path.class, "0", "FILE", "The LTX file.");

    @Override
    public Integer call() throws IOException {
      Path file = Objects.requireNonNull(fileArg.get());
      requireFile(file, "LTX file");
      PrintWriter out = spec.commandLine().getOut();
      LtxDumpPrinter printer = json.isSet() ? LtxDumpPrinter.json(out) : LtxDumpPrinter.text(out);
      printer.begin(file, Files.size(file));
      try {
        printer.end(LtxInspector.inspect(Files.newInputStream(file), printer));
        return 0;
      } catch (IOException e) {
        printer.fail(reason(file, e));
        throw new IOException(file + ": " + reason(file, e), e);
      } finally {
        out.flush();
      }
    }
  }

  /** {@code verify FILE...}: one OK/FAIL line per file; exit 0 only if every file is valid. */
  static final class Verify implements Callable<Integer> {
    private final CommandSpec spec =
        subcommand(
            this,
            "verify",
            "Fully decodes and verifies LTX files: header rules, page order, page data, page index,"
                + " trailer and file checksum (and, for snapshots, the post-apply checksum).",
            "Prints 'OK <file>' or 'FAIL <file>: <reason>' for each file and exits with 1 if any failed.");
    private final CommandOptions.Values<Path> files =
        new CommandOptions(spec).parameters(Path.class, "1..*", "FILE", "LTX files.");

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      int failed = 0;
      for (Path file : files.get()) {
        try {
          requireFile(file, "LTX file");
          LtxInspector.verify(Files.newInputStream(file));
          out.println("OK " + file);
        } catch (IOException e) {
          out.println("FAIL " + file + ": " + reason(file, e));
          failed++;
        }
        out.flush();
      }
      return failed == 0 ? 0 : 1;
    }
  }

  /** {@code checksum DB}: the rolling LTX checksum of a database file. */
  static final class Checksum implements Callable<Integer> {
    private final CommandSpec spec =
        subcommand(
            this,
            "checksum",
            "Prints the rolling LTX checksum of a SQLite database file as 16 hex digits: the value an LTX"
                + " file's post-apply checksum has after producing this database.",
            "Only the database file is read: the -wal of a WAL-mode database is NOT included (a warning says"
                + " so when it holds changes the file lacks) unless -include-wal is given. Nothing is modified.");
    private final CommandOptions.Flag includeWal = walOverlay(spec);
    private final CommandOptions.Value<Path> dbArg =
        new CommandOptions(spec).parameter(Path.class, "0", "DB", "The SQLite database file.");

    @Override
    public Integer call() throws IOException {
      Path db = Objects.requireNonNull(dbArg.get());
      requireFile(db, "database");
      DatabaseSnapshots.ImageChecksum sum =
          wrap(() -> DatabaseSnapshots.checksum(db, includeWal.isSet()));
      sum.pendingChanges()
          .ifPresent(
              p -> {
                boolean walHint = !includeWal.isSet() && Files.exists(walOf(db));
                PrintWriter err = spec.commandLine().getErr();
                err.println(
                    "warning: "
                        + p
                        + "; this is the checksum of the files as they are now"
                        + (walHint
                            ? ", without the WAL (-include-wal adds its committed frames)"
                            : ""));
                err.flush();
              });
      PrintWriter out = spec.commandLine().getOut();
      out.println(Checksums.format(sum.checksum()));
      out.flush();
      return 0;
    }
  }

  /** {@code encode-db DB OUT.ltx}: a snapshot LTX file (TXID 1) of a database file. */
  static final class EncodeDb implements Callable<Integer> {
    private final CommandSpec spec =
        subcommand(
            this,
            "encode-db",
            "Writes a snapshot LTX file of a SQLite database: TXID 0000000000000001, every page, database"
                + " checksums tracked. Placed as ltx/0/0000000000000001-0000000000000001.ltx in a"
                + " directory, it is a replica Litestream can read.",
            "The database is read without SQLite and never modified. A WAL holding commits that are not"
                + " in the database file is refused unless -include-wal overlays them; a hot rollback"
                + " journal is always refused; a database that changes while it is read is read again.");
    private final CommandOptions.Flag includeWal = walOverlay(spec);
    private final CommandOptions.Flag force =
        new CommandOptions(spec).flag("-force", "Replace OUT if it exists.");
    private final CommandOptions.Value<Path> dbArg =
        new CommandOptions(spec).parameter(Path.class, "0", "DB", "The SQLite database file.");
    private final CommandOptions.Value<Path> outArg =
        new CommandOptions(spec).parameter(Path.class, "1", "OUT", "The LTX file to write.");

    @Override
    public Integer call() throws Exception {
      Path db = Objects.requireNonNull(dbArg.get());
      Path out = Objects.requireNonNull(outArg.get());
      requireFile(db, "database");
      if (sameFile(db, out) || sameFile(walOf(db), out)) {
        throw new IOException(out + " is the database itself; choose another output file");
      }
      requireWritable(out, force.isSet());
      DatabaseSnapshots.Snapshot s;
      RestoreSignals signals = RestoreSignals.install("ltx-file encode-db", out);
      try {
        s =
            wrap(
                () ->
                    DatabaseSnapshots.write(
                        db, out, includeWal.isSet(), System.currentTimeMillis()));
      } catch (PendingChangesException e) {
        boolean walExists = Files.exists(walOf(db));
        throw new IOException(
            db
                + ": "
                + e.getMessage()
                + (walExists && !includeWal.isSet()
                    ? "; use -include-wal to read the committed WAL frames too"
                        + " (nothing is modified)"
                    : ""),
            e);
      } catch (IOException | RuntimeException e) {
        throw signals.explain(e);
      } finally {
        signals.close();
      }
      PrintWriter o = spec.commandLine().getOut();
      o.println(
          "wrote "
              + out
              + ": snapshot TXID "
              + Txid.format(s.header().maxTxid())
              + ", "
              + s.header().commit()
              + " pages of "
              + s.header().pageSize()
              + " bytes"
              + (s.walPages() > 0 ? " (" + s.walPages() + " from the WAL)" : "")
              + ", checksum "
              + Checksums.format(s.trailer().postApplyChecksum())
              + ", "
              + s.bytes()
              + " bytes");
      o.flush();
      return 0;
    }
  }

  /** {@code apply -o OUT.db FILE...}: a database from a snapshot and the files that follow it. */
  static final class Apply implements Callable<Integer> {
    private final CommandSpec spec =
        subcommand(
            this,
            "apply",
            "Builds a database from a snapshot LTX file and the files that follow it, applied in the order"
                + " given. Gaps, overlaps and checksum breaks are refused, naming the file.",
            "OUT is written as a new OUT.<random>.tmp (never through a symlink), fsynced and renamed into place; on failure nothing is left behind.");
    private final CommandOptions options = new CommandOptions(spec);
    private final CommandOptions.Value<Path> outArg =
        options.requiredOption(Path.class, "-o", "OUT", "The database file to create.");
    private final CommandOptions.Flag forceFlag =
        options.flag("-force", "Replace OUT (and remove its stale -wal/-shm files) if it exists.");
    private final CommandOptions.Values<Path> fileArgs =
        options.parameters(Path.class, "1..*", "FILE", "LTX files, a snapshot first.");

    @Override
    public Integer call() throws Exception {
      Path out = Objects.requireNonNull(outArg.get());
      boolean force = forceFlag.isSet();
      List<Path> files = fileArgs.get();
      for (Path file : files) {
        requireFile(file, "LTX file");
        if (sameFile(file, out)) {
          throw new IOException(out + " is one of the input files; choose another output file");
        }
      }
      requireWritable(out, force);
      if (force) {
        DatabaseInUse.refuse(out);
      }
      for (String suffix : List.of("-wal", "-shm")) {
        Path stale = out.resolveSibling(out.getFileName() + suffix);
        if (!force && Files.exists(stale)) {
          throw new IOException(
              stale
                  + " exists and SQLite would apply it to the new database;"
                  + " remove it or use -force");
        }
      }
      LtxChain.Result r;
      RestoreSignals signals = RestoreSignals.install("ltx-file apply", out);
      try {
        r = wrap(() -> LtxChain.apply(files, out));
      } catch (IOException | RuntimeException e) {
        throw signals.explain(e);
      } finally {
        signals.close();
      }
      PrintWriter o = spec.commandLine().getOut();
      o.println(
          "applied "
              + r.files()
              + " file"
              + (r.files() == 1 ? "" : "s")
              + " to "
              + out
              + ": TXID "
              + Txid.format(r.txid())
              + ", "
              + r.commit()
              + " pages of "
              + r.pageSize()
              + " bytes, checksum "
              + Checksums.format(r.checksum())
              + ", timestamp "
              + LtxDumpPrinter.rfc3339(r.timestamp()));
      o.flush();
      return 0;
    }
  }

  // ---------------------------------------------------------------------------------------------

  @FunctionalInterface
  private interface IoCall<T> {
    T call() throws IOException;
  }

  /**
   * Runs {@code call}, turning bare file-system exceptions (whose message is only a path) into
   * readable ones.
   */
  private static <T> T wrap(IoCall<T> call) throws IOException {
    try {
      return call.call();
    } catch (FileSystemException e) {
      throw new IOException(reason(e), e);
    }
  }

  private static void requireFile(Path file, String what) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": is a directory, not an " + what);
    }
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such " + what);
    }
    if (!Files.isReadable(file)) {
      throw new AccessDeniedException(file.toString(), null, "permission denied");
    }
  }

  private static void requireWritable(Path out, boolean force) throws IOException {
    if (Files.isDirectory(out)) {
      throw new IOException(out + " is a directory; name the output file");
    }
    if (Files.exists(out) && !force) {
      throw new IOException(out + " already exists; use -force to replace it");
    }
    Path dir = out.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "output directory does not exist");
    }
  }

  private static Path walOf(Path db) {
    return db.resolveSibling(db.getFileName() + "-wal");
  }

  private static boolean sameFile(Path a, Path b) throws IOException {
    if (Files.exists(a) && Files.exists(b)) {
      return Files.isSameFile(a, b);
    }
    return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
  }

  /** The reason {@code e} gives about {@code subject}, without repeating the subject's name. */
  static String reason(Path subject, IOException e) {
    String r = reason(e);
    String prefix = subject + ": ";
    return r.startsWith(prefix) ? r.substring(prefix.length()) : r;
  }

  /** A one-line reason for a failure: file-system exceptions name the file and what went wrong. */
  static String reason(IOException e) {
    if (e instanceof FileSystemException fs) {
      String why = fs.getReason();
      if (why == null) {
        why =
            switch (fs) {
              case NoSuchFileException ignored -> "no such file";
              case AccessDeniedException ignored -> "permission denied";
              default -> fs.getClass().getSimpleName();
            };
      }
      return fs.getFile() == null
          ? why
          : fs.getFile()
              + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile())
              + ": "
              + why;
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
