package io.litestream4j.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.Replication;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.replica.ReplicaClientFactory;
import io.litestream4j.testing.ModuleSurface;
import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module descriptors of ltx and core state the public surface: what every module-path user may
 * use, and what only the project's own modules see. The tests themselves run on the class path;
 * this one reads the compiled descriptors and resolves the module graph from the real jars.
 */
class ModuleDescriptorTest {
  @Test
  void coreExportsTheApiAndKeepsItsPlumbingToTheProjectsModules() throws Exception {
    ModuleDescriptor core = ModuleSurface.descriptor(Replication.class);
    assertThat(core.name()).isEqualTo("io.litestream4j.core");
    Map<String, Set<String>> exports =
        core.exports().stream()
            .collect(
                Collectors.toMap(
                    ModuleDescriptor.Exports::source, ModuleDescriptor.Exports::targets));
    assertThat(exports)
        .containsEntry("io.litestream4j", Set.of())
        .containsEntry("io.litestream4j.replica", Set.of())
        .containsEntry("io.litestream4j.replica.lease", Set.of())
        .containsEntry("io.litestream4j.config", Set.of())
        .as("restore and follow internals: not exported")
        .doesNotContainKeys("io.litestream4j.restore", "io.litestream4j.follow");
    assertThat(exports.get("io.litestream4j.internal"))
        .as("plumbing: qualified export only")
        .isNotEmpty()
        .allMatch(m -> m.startsWith("io.litestream4j."));
    assertThat(exports.get("io.litestream4j.sqlite"))
        .as("SQLite formats: to the command line only")
        .containsExactly("io.litestream4j.cli");
    assertThat(exports.get("io.litestream4j.db"))
        .as("database monitor: to the command line and the benchmark")
        .containsExactlyInAnyOrder("io.litestream4j.cli", "io.litestream4j.bench");
    assertThat(core.requires())
        .as("null markers are needed to compile against core, never to run it")
        .anySatisfy(
            r -> {
              assertThat(r.name()).isEqualTo("org.jspecify");
              assertThat(r.modifiers()).contains(ModuleDescriptor.Requires.Modifier.STATIC);
            });
    assertThat(core.uses()).contains(ReplicaClientFactory.class.getName());
    assertThat(core.provides())
        .anySatisfy(p -> assertThat(p.service()).isEqualTo(ReplicaClientFactory.class.getName()));
    assertThat(ModuleSurface.classPathServices(Replication.class))
        .as("the class path gets the same providers")
        .isEqualTo(ModuleSurface.of(Replication.class).provides());
  }

  @Test
  void ltxExportsOnlyTheFormatAndNeedsOnlyLz4() throws Exception {
    ModuleDescriptor ltx = ModuleSurface.descriptor(LtxHeader.class);
    assertThat(ltx.name()).isEqualTo("io.litestream4j.ltx");
    assertThat(ltx.exports())
        .extracting(ModuleDescriptor.Exports::source)
        .containsExactly("io.litestream4j.ltx");
    assertThat(ltx.requires())
        .extracting(ModuleDescriptor.Requires::name)
        .containsExactlyInAnyOrder("java.base", "org.lz4.java");
  }

  @Test
  void theModuleGraphResolvesFromTheRealJars() throws Exception {
    List<String> needed = List.of("slf4j-api", "sqlite-jdbc", "snakeyaml-engine", "lz4-java");
    Stream<Path> jars =
        Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(Path::of)
            .filter(
                p -> needed.stream().anyMatch(n -> p.getFileName().toString().startsWith(n + "-")));
    Path[] path =
        Stream.concat(
                Stream.of(
                    ModuleSurface.location(Replication.class),
                    ModuleSurface.location(LtxHeader.class)),
                jars)
            .toArray(Path[]::new);
    Configuration cf =
        Configuration.empty()
            .resolve(
                ModuleFinder.compose(ModuleFinder.ofSystem(), ModuleFinder.of(path)),
                ModuleFinder.of(),
                Set.of("io.litestream4j.core"));
    assertThat(cf.findModule("io.litestream4j.core")).isPresent();
    assertThat(cf.findModule("io.litestream4j.ltx")).isPresent();
  }
}
