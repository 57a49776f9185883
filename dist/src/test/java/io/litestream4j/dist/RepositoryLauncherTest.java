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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's own {@code bin/litestream4j} (source-tree layout): works through a symlink from
 * another directory, and rebuilds the jar exactly when a source or pom is newer than it. The
 * build is a stand-in {@code mvnw} that records its call (a real build here would take a minute
 * and race the build running this test); the jar it "builds" is the real shaded jar.
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

  private String version() throws Exception {
    return version(Map.of());
  }

  private String version(Map<String, String> extra) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(link.toString(), "version").directory(tmp.toFile());
    pb.environment().putAll(DistributionTest.userEnv(tmp.resolve("bin"), tmp.resolve("home")));
    pb.environment().put("LITESTREAM4J_AOT", "0");
    pb.environment().putAll(extra);
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(err)).isZero();
    return Files.readString(out);
  }
}
