package io.litestream4j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's own {@code bin/litestream4j} (source-tree layout): works through a symlink from
 * another directory, and rebuilds the jar exactly when a source or pom is newer than it. The build
 * is a stand-in {@code mvnw} that records its call (a real build here would take a minute and race
 * the build running this test); the jar it "builds" is the real shaded jar.
 */
class RepositoryLauncherTest {
  @TempDir Path tmp;
  Path repo;
  Path jar;
  Path calls;
  Path link;

  @BeforeEach
  void fakeCheckout() throws Exception {
    Path real = Path.of(System.getProperty("litestream4j.repo"));
    repo = Files.createDirectories(tmp.resolve("checkout"));
    Files.createDirectories(repo.resolve("bin"));
    for (String f : List.of("bin/litestream4j", "bin/find-jdk.sh")) {
      Files.copy(real.resolve(f), repo.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
    }
    Path source = repo.resolve("core/src/main/java/io/litestream4j/Example.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, "class Example {}\n");
    Files.writeString(repo.resolve("pom.xml"), "<project/>\n");
    Instant old = Instant.now().minusSeconds(3600);
    Files.setLastModifiedTime(source, FileTime.from(old));
    Files.setLastModifiedTime(repo.resolve("pom.xml"), FileTime.from(old));
    jar = repo.resolve("cli/target/litestream4j.jar");
    Files.createDirectories(jar.getParent());
    Files.copy(Path.of(System.getProperty("litestream4j.cli.jar")), jar);
    Files.copy(
        Path.of(System.getProperty("litestream4j.cli.base.jar")),
        jar.resolveSibling("litestream4j-base.jar"));
    Files.copy(
        Path.of(System.getProperty("litestream4j.cli.s3.jar")),
        jar.resolveSibling("litestream4j-s3.jar"));
    calls = repo.resolve("mvnw.calls");
    Path mvnw = repo.resolve("mvnw");
    Files.writeString(mvnw, "#!/bin/sh\necho \"$*\" >> \"$(dirname \"$0\")/mvnw.calls\"\n");
    Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
    link = Files.createDirectories(tmp.resolve("bin")).resolve("litestream4j");
    Files.createSymbolicLink(link, repo.resolve("bin/litestream4j"));
  }

  @Test
  void runsThroughASymlinkWithoutBuildingWhenTheJarIsCurrent() throws Exception {
    String out = version();
    assertThat(out).startsWith("v");
    assertThat(calls).doesNotExist();
  }

  @Test
  void rebuildsWhenASourceIsNewerThanTheJar() throws Exception {
    Path source = repo.resolve("core/src/main/java/io/litestream4j/Example.java");
    Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(5)));
    version();
    assertThat(Files.readString(calls)).contains("-pl cli -am package");
    // The jar is now newer than every source: the next run does not build again.
    Files.delete(calls);
    Files.setLastModifiedTime(source, FileTime.from(Instant.now().minusSeconds(60)));
    version();
    assertThat(calls).doesNotExist();
  }

  @Test
  void rebuildsWhenAPomIsNewerAndNeverWithRebuildZero() throws Exception {
    Files.setLastModifiedTime(repo.resolve("pom.xml"), FileTime.from(Instant.now().plusSeconds(5)));
    Map<String, String> env = new HashMap<>();
    env.put("LITESTREAM4J_REBUILD", "0");
    version(env);
    assertThat(calls).doesNotExist();
    version(Map.of());
    assertThat(Files.readString(calls)).contains("package");
  }

  /**
   * JDK 25+: the first run trains an AOT cache next to the jar and later runs map their classes
   * from it; a cache the JVM cannot use (here: garbage, as a cache of another JDK or jar would be)
   * is ignored without a word and the command still works.
   */
  @Test
  void theAotCacheIsBuiltAndUsedAndAnUnusableOneIsIgnoredSilently() throws Exception {
    Assumptions.assumeTrue(Runtime.version().feature() >= 25, "the JDK AOT cache needs JDK 25");
    Path classes = tmp.resolve("classes.log");
    Map<String, String> env =
        Map.of(
            "LITESTREAM4J_AOT",
            "1",
            "LITESTREAM4J_JAVA_OPTS",
            "-Xlog:class+load=info:file=" + classes);
    assertThat(version(env)).startsWith("v");
    List<Path> caches;
    try (var files = Files.list(jar.getParent())) {
      caches =
          files.filter(f -> f.getFileName().toString().matches("litestream4j-.+\\.aot")).toList();
    }
    assertThat(caches).hasSize(1);
    assertThat(Files.readString(classes))
        .containsPattern("io\\.litestream4j\\.cli\\.Main source: shared objects file");
    assertThat(Files.readString(tmp.resolve("err.txt"))).isEmpty();

    Files.write(caches.getFirst(), new byte[4096]);
    Files.setLastModifiedTime(caches.getFirst(), FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(version(env)).startsWith("v");
    assertThat(Files.readString(classes))
        .containsPattern("io\\.litestream4j\\.cli\\.Main source: (file|jar):");
    assertThat(Files.readString(tmp.resolve("err.txt"))).isEmpty();
    assertThat(calls).doesNotExist();
  }

  /**
   * An s3:// command run with static keys in the environment reads the bucket without the AWS SDK
   * (s3.HttpObjectReads), so it gets a cache of its own trained that way: the SDK's classes, which
   * the JVM would load from the cache at every start, are not in it; without keys the command keeps
   * the cache with the SDK.
   */
  @Test
  void anS3CommandWithKeysInTheEnvironmentGetsACacheWithoutTheSdk() throws Exception {
    Assumptions.assumeTrue(Runtime.version().feature() >= 25, "the JDK AOT cache needs JDK 25");
    Path classes = tmp.resolve("classes.log");
    Map<String, String> env = new HashMap<>();
    env.put("LITESTREAM4J_AOT", "1");
    env.put("LITESTREAM4J_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
    env.put("AWS_ACCESS_KEY_ID", "id-for-the-test");
    env.put("AWS_SECRET_ACCESS_KEY", "secret-for-the-test");
    // (an invalid flag fails before any request, after the launcher chose and built the cache)
    String[] command = {"restore", "-txid", "zz", "-o", "out.db", "s3://bucket/db"};
    assertThat(exitCode(env, command)).isEqualTo(1);
    List<String> caches;
    try (var files = Files.list(jar.getParent())) {
      caches =
          files
              .map(f -> f.getFileName().toString())
              .filter(n -> n.matches("litestream4j-.+\\.aot"))
              .toList();
    }
    assertThat(caches).singleElement().asString().endsWith("-s3-s3keys.aot");
    String loaded = Files.readString(classes);
    assertThat(loaded)
        .containsPattern("io\\.litestream4j\\.s3\\.HttpObjectReads source: shared objects file")
        .doesNotContain("software.amazon.awssdk.services.s3.S3Client ");
    assertThat(Files.readString(tmp.resolve("err.txt")))
        .contains("invalid -txid")
        .doesNotContain("secret-for-the-test");
  }

  /**
   * Commands that cannot need an SDK backend run the small base jar (start-up), those that can need
   * s3 at most the s3 jar; anything naming another scheme or a configuration (which may name any
   * backend) runs the full one, and so does every command with LITESTREAM4J_BASE_JAR=0.
   */
  @Test
  void commandsThatNeedNoSdkBackendRunTheBaseJar() throws Exception {
    Path classes = tmp.resolve("classes.log");
    Map<String, String> env =
        Map.of("LITESTREAM4J_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
    String base = "io\\.litestream4j\\.cli\\.Main source: \\S*/litestream4j-base\\.jar";
    String s3 = "io\\.litestream4j\\.cli\\.Main source: \\S*/litestream4j-s3\\.jar";
    String full = "io\\.litestream4j\\.cli\\.Main source: \\S*/litestream4j\\.jar";
    String replica = tmp.resolve("replica").toUri().toString();
    for (List<String> args :
        List.of(
            List.of("version"),
            List.of("ltx-file", "-h"),
            List.of("restore", "-o", "out.db", replica),
            List.of("ltx", replica))) {
      exitCode(env, args.toArray(String[]::new));
      assertThat(Files.readString(classes)).as("%s", args).containsPattern(base);
    }
    // (an invalid flag fails before any request, so no S3 endpoint is needed)
    for (List<String> args :
        List.of(
            List.of("restore", "-txid", "zz", "-o", "out.db", "s3://bucket/db"),
            List.of("restore", "-txid", "zz", "-o", "out.db", replica, "s3://bucket/db"),
            List.of("ltx", "-no-such-flag", "s3://bucket/db"))) {
      exitCode(env, args.toArray(String[]::new));
      assertThat(Files.readString(classes)).as("%s", args).containsPattern(s3);
    }
    for (List<String> args :
        List.of(
            List.of("help"),
            List.of("restore", "-h", "-o", "out.db", replica),
            // (schemes no backend has: the commands fail at once, on the full jar)
            List.of("restore", "-o", "out.db", "xyz://bucket/db"),
            List.of("restore", "-o", "out.db", replica, "xyz://host/db"),
            List.of("restore", "-config", "x.yml", replica),
            List.of("restore", "/var/lib/app.db"),
            List.of("ltx", "xyz://bucket/db"),
            List.of("restore", "-o", "out.db", "s3://bucket/db", "gs://bucket/db"),
            List.of("restore", "-config", "x.yml", "-o", "out.db", "s3://bucket/db"),
            List.of("databases", "-h"))) {
      exitCode(env, args.toArray(String[]::new));
      assertThat(Files.readString(classes)).as("%s", args).containsPattern(full);
    }
    Map<String, String> forced = new HashMap<>(env);
    forced.put("LITESTREAM4J_BASE_JAR", "0");
    run(forced, "version");
    assertThat(Files.readString(classes)).containsPattern(full);
    assertThat(calls).doesNotExist();
  }

  /**
   * Short commands run with C1 only (less CPU for JIT compilation); replicate and restore -f keep
   * C2, trim the C heap every 10 s (less RSS with many databases, benchmark P6) and wake the
   * monitor-deflation thread and the service thread's cleanup poll once a minute (idle CPU);
   * replicate has a 48 MiB young generation (RSS at 1000 idle databases); a restore without -f has
   * a 1 GiB heap cap (it streams: buffers and 8 bytes per page).
   */
  @Test
  void shortCommandsRunWithTheC1CompilerOnlyAndLongRunningOnesWithC2() throws Exception {
    Map<String, String> flags = Map.of("LITESTREAM4J_JAVA_OPTS", "-XX:+PrintFlagsFinal");
    String version = run(flags, "version");
    assertThat(version)
        .containsPattern("TieredStopAtLevel += 1 ")
        .containsPattern("CompileThresholdScaling += 10\\.0+ ")
        .containsPattern("TrimNativeHeapInterval += 0 ")
        .doesNotContainPattern("AsyncDeflationInterval += 60000 ")
        .doesNotContainPattern("ServiceThreadCleanupInterval += 60000 ")
        .doesNotContainPattern("NewSize += 50331648 ");
    assertThat(version)
        .as("only a restore has the launcher's heap cap")
        .doesNotContainPattern("MaxHeapSize += 1073741824 ");
    assertThat(run(flags, "restore", "-h"))
        .containsPattern("TieredStopAtLevel += 1 ")
        .containsPattern("TrimNativeHeapInterval += 0 ")
        .containsPattern("MaxHeapSize += 1073741824 ");
    String replicate = run(flags, "replicate", "-h");
    assertThat(replicate)
        .containsPattern("TieredStopAtLevel += 4 ")
        .containsPattern("CompileThresholdScaling += 1\\.0+ ")
        .containsPattern("TrimNativeHeapInterval += 10000 ")
        .containsPattern("AsyncDeflationInterval += 60000 ")
        .containsPattern("ServiceThreadCleanupInterval += 60000 ")
        .containsPattern(" NewSize += 50331648 ")
        .containsPattern("MaxNewSize += 50331648 ");
    assertThat(replicate)
        .as("replicate keeps the JVM's default initial heap (-Xms64m cost memory in P6)")
        .doesNotContainPattern("InitialHeapSize += 67108864 ");
    assertThat(run(flags, "restore", "-f", "-h"))
        .containsPattern("TieredStopAtLevel += 4 ")
        .containsPattern("TrimNativeHeapInterval += 10000 ")
        .containsPattern("AsyncDeflationInterval += 60000 ")
        .containsPattern("ServiceThreadCleanupInterval += 60000 ")
        .doesNotContainPattern(" NewSize += 50331648 ")
        .doesNotContainPattern("MaxHeapSize += 1073741824 ");
  }

  private String version() throws Exception {
    return version(Map.of());
  }

  private String version(Map<String, String> extra) throws Exception {
    return run(extra, "version");
  }

  private String run(Map<String, String> extra, String... args) throws Exception {
    assertThat(exitCode(extra, args)).as(Files.readString(tmp.resolve("err.txt"))).isZero();
    return Files.readString(tmp.resolve("out.txt"));
  }

  private int exitCode(Map<String, String> extra, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(link.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
    pb.environment().putAll(DistributionTest.userEnv(tmp.resolve("bin"), tmp.resolve("home")));
    pb.environment().put("LITESTREAM4J_AOT", "0");
    pb.environment().putAll(extra);
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }
}
