package io.litestream4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run of the JDK AOT cache ({@code bin/litestream4j}, JDK 25+): runs the commands
 * people time from a shell — {@code version}, restores of a tiny and of a 16 MB replica shipped in
 * this jar, the {@code -dry-run} and {@code -json} forms, {@code ltx} and a command's help — in one
 * JVM, so the classes they load and link, and the lambdas they spin, are in the cache. Every
 * command must succeed (exit code 0), else the training fails and no cache is written. Scratch
 * files live in a temporary directory that is removed at the end.
 *
 * <p>With {@code -s3} it also restores the tiny replica from {@code s3://} (served by {@link
 * TrainingS3Server}), for the launcher's second cache, used by commands that name an {@code s3://}
 * URL: the AWS SDK's classes double the cache (22 to 43 MB), and since a mapped cache is resident
 * as a whole, every other command would pay ~20 MB of RSS for them.
 *
 * <p>With {@code -s3keys} the S3 restore runs with the static keys the launcher puts in the
 * training's environment ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}), so it takes
 * the SDK-free path of a replica with static keys and the cache holds signed HTTP requests instead
 * of the SDK: the launcher's cache for S3 commands run with keys in the environment (20 instead of
 * 41 MB, which the JVM maps and relocates at every start).
 *
 * <p>With {@code -version} it runs {@code version} only, for the launcher's cache of that command:
 * the JVM loads every class of a cache at start-up, and the 2 300 classes the restores need cost
 * {@code version} about a tenth of its time (docs/performance.md, start-up, session 10).
 *
 * <p>The restore never loads sqlite-jdbc (the checksum chain proves the result), so neither does
 * the training: its classes are not worth their space in the cache.
 */
public final class AotTraining {
  /**
   * The small training replica: a 4-page snapshot and three later transactions (rows one..four).
   */
  static final List<String> SMALL_REPLICA =
      List.of(
          "small/ltx/9/0000000000000001-0000000000000001.ltx",
          "small/ltx/0/0000000000000002-0000000000000002.ltx",
          "small/ltx/0/0000000000000003-0000000000000003.ltx",
          "small/ltx/0/0000000000000004-0000000000000004.ltx");

  /**
   * A 16 MB database of 3900 zero-filled blobs in one 298 KB file: enough pages for the restore's
   * writer thread, the native LZ4 decompressor, and the snapshot read-ahead and early writeback,
   * which start after 8 MiB (a 5 MB replica left them to be loaded from the jar, with lambdas spun
   * at run time, in every larger restore).
   */
  static final List<String> LARGE_REPLICA =
      List.of("large/ltx/0/0000000000000001-0000000000000001.ltx");

  /** Which restore from S3 the training runs, if any. */
  enum S3Restore {
    NONE,
    /** Through the AWS SDK, keys from its default chain (system properties). */
    SDK,
    /** With keys from the environment, without the SDK. */
    KEYS
  }

  private AotTraining() {}

  public static void main(String[] args) throws IOException {
    CliLoggingProvider.install();
    Path dir = Files.createTempDirectory("litestream4j-aot-training");
    PrintStream out = System.out;
    PrintStream err = System.err;
    List<String> failed;
    try {
      // The launcher discards the output anyway; -verbose shows it.
      List<String> flags = List.of(args);
      if (!flags.contains("-verbose")) {
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
      }
      S3Restore s3 =
          flags.contains("-s3keys")
              ? S3Restore.KEYS
              : flags.contains("-s3") ? S3Restore.SDK : S3Restore.NONE;
      failed = flags.contains("-version") ? runVersion() : run(dir, s3);
    } finally {
      System.setOut(out);
      System.setErr(err);
      delete(dir);
    }
    if (!failed.isEmpty()) {
      System.err.println("AOT training failed: " + failed);
      System.exit(1);
    }
    // Like Main: System.exit initialises the JDK's logging of Runtime.exit, about 30 ms of classes.
    System.exit(0);
  }

  /** Runs {@code version} and {@code version -verbose} only; returns those that failed. */
  static List<String> runVersion() {
    List<String> failed = new ArrayList<>();
    for (String[] c : List.of(new String[] {"version"}, new String[] {"version", "-verbose"})) {
      if (Main.run(c) != 0) {
        failed.add(String.join(" ", c));
      }
    }
    return failed;
  }

  /**
   * Runs every training command in {@code dir}, and the restore from S3 that {@code s3} names;
   * returns those that failed.
   */
  static List<String> run(Path dir, S3Restore s3) throws IOException {
    String replica =
        unpack(dir.resolve("replica"), SMALL_REPLICA).resolve("small").toUri().toString();
    String large =
        unpack(dir.resolve("replica"), LARGE_REPLICA).resolve("large").toUri().toString();
    String db = dir.resolve("restored.db").toString();
    List<List<String>> commands =
        List.of(
            List.of("version"),
            List.of("version", "-verbose"),
            List.of("restore", "-o", db, replica),
            List.of("restore", "-dry-run", "-o", dir.resolve("plan.db").toString(), replica),
            List.of(
                "restore",
                "-json",
                "-txid",
                "0000000000000003",
                "-o",
                dir.resolve("txid.db").toString(),
                replica),
            List.of("restore", "-if-db-not-exists", "-o", db, replica),
            List.of("restore", "-o", dir.resolve("large.db").toString(), large),
            List.of("ltx", replica),
            List.of("ltx", "-level", "all", "-json", replica),
            List.of("restore", "-h"));
    List<String> failed = new ArrayList<>();
    for (List<String> c : commands) {
      if (Main.run(c.toArray(String[]::new)) != 0) {
        failed.add(String.join(" ", c));
      }
    }
    if (s3 == S3Restore.NONE) {
      return failed;
    }
    if (s3 == S3Restore.KEYS && System.getenv("AWS_ACCESS_KEY_ID") == null) {
      failed.add("restore from s3 with keys: AWS_ACCESS_KEY_ID is not set");
      return failed;
    }
    try (TrainingS3Server server =
        TrainingS3Server.start(dir.resolve("replica").resolve("small"), "small")) {
      if (s3 == S3Restore.SDK) {
        // The SDK's default credentials chain reads these before the environment, and they keep
        // the restore on the SDK's path whatever keys the environment holds.
        System.setProperty("aws.accessKeyId", "training");
        System.setProperty("aws.secretAccessKey", "training");
      }
      List<String> c =
          List.of("restore", "-o", dir.resolve("s3.db").toString(), server.url("small"));
      if (Main.run(c.toArray(String[]::new)) != 0) {
        failed.add(String.join(" ", c));
      }
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
    return failed;
  }

  /** Copies training replica files out of the jar into {@code dir}; returns {@code dir}. */
  static Path unpack(Path dir, List<String> files) throws IOException {
    for (String name : files) {
      Path target = dir.resolve(name);
      Files.createDirectories(target.getParent());
      try (InputStream in = AotTraining.class.getResourceAsStream("aot-training/" + name)) {
        if (in == null) {
          throw new IOException("the training replica file " + name + " is missing from the jar");
        }
        Files.copy(in, target);
      }
    }
    return dir;
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
