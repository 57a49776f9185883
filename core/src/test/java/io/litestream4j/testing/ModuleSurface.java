package io.litestream4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.replica.ReplicaClientFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a module's compiled {@code module-info} offers others: its name, the packages it exports
 * (with the modules an export is limited to, empty for everyone) and the service implementations it
 * provides. Each module's test compares the whole value with the one it expects, so the surface
 * cannot grow unnoticed. Tests run on the class path; this reads the descriptor from the module's
 * output directory or jar.
 */
public record ModuleSurface(
    String name, Map<String, Set<String>> exports, Map<String, List<String>> provides) {

  private static final String SERVICES = "META-INF/services/";

  /** The surface of the module that holds {@code anyClass}. */
  public static ModuleSurface of(Class<?> anyClass) {
    ModuleDescriptor d = descriptor(anyClass);
    return new ModuleSurface(
        d.name(),
        byKey(d.exports(), ModuleDescriptor.Exports::source, ModuleDescriptor.Exports::targets),
        byKey(
            d.provides(),
            ModuleDescriptor.Provides::service,
            ModuleDescriptor.Provides::providers));
  }

  private static <T, V> Map<String, V> byKey(
      Collection<T> items, Function<T, String> key, Function<T, V> value) {
    return items.stream().collect(Collectors.toMap(key, value));
  }

  /** A replica backend: its factory's package to everyone, the factory to the service loader. */
  public static ModuleSurface backend(String name, Class<? extends ReplicaClientFactory> factory) {
    return new ModuleSurface(
        name,
        Map.of(factory.getPackageName(), Set.of()),
        Map.of(ReplicaClientFactory.class.getName(), List.of(factory.getName())));
  }

  /**
   * Asserts that the module holding {@code factory} is exactly {@link #backend} and that its {@code
   * META-INF/services} files (what class-path users get) name the same providers.
   */
  public static void assertBackend(String name, Class<? extends ReplicaClientFactory> factory) {
    ModuleSurface surface = of(factory);
    assertThat(surface).isEqualTo(backend(name, factory));
    assertThat(classPathServices(factory)).isEqualTo(surface.provides());
  }

  /** The compiled descriptor of the module that holds {@code anyClass}. */
  public static ModuleDescriptor descriptor(Class<?> anyClass) {
    return reference(anyClass).descriptor();
  }

  /** The output directory or jar {@code anyClass} was loaded from. */
  public static Path location(Class<?> anyClass) {
    try {
      return Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The services the module's {@code META-INF/services} files register, by service name. */
  public static Map<String, List<String>> classPathServices(Class<?> anyClass) {
    try (ModuleReader reader = reference(anyClass).open()) {
      Map<String, List<String>> services = new TreeMap<>();
      for (String file :
          reader.list().filter(f -> f.startsWith(SERVICES) && !f.endsWith("/")).toList()) {
        try (InputStream in = reader.open(file).orElseThrow()) {
          services.put(file.substring(SERVICES.length()), providers(in));
        }
      }
      return services;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> providers(InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
        .lines()
        .map(line -> line.replaceFirst("#.*", "").strip())
        .filter(line -> !line.isEmpty())
        .toList();
  }

  private static ModuleReference reference(Class<?> anyClass) {
    return ModuleFinder.of(location(anyClass)).findAll().iterator().next();
  }
}
