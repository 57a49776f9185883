package io.litestream4j.junit;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.internal.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 side of {@link ReplicatedDatabase}: creates the temporary directory, database and
 * replication when a test asks for a {@link TestDatabase} parameter, and after the test closes the
 * test's connections, shuts replication down (final sync included) and deletes the directory. One
 * database per test method; nothing is shared between tests.
 */
public final class ReplicatedDatabaseExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ReplicatedDatabaseExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestDatabase.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Resource.class, k -> open(context), Resource.class)
        .database();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Resource resource = context.getStore(NAMESPACE).remove(Resource.class, Resource.class);
    if (resource != null) {
      resource.close();
    }
  }

  private static Resource open(ExtensionContext context) {
    ReplicatedDatabase settings =
        AnnotationSupport.findAnnotation(context.getRequiredTestMethod(), ReplicatedDatabase.class)
            .or(
                () ->
                    AnnotationSupport.findAnnotation(
                        context.getRequiredTestClass(), ReplicatedDatabase.class))
            .orElseThrow(
                () ->
                    new ParameterResolutionException(
                        "TestDatabase parameters need @ReplicatedDatabase on the test method or class"));
    Path directory = null;
    try {
      directory = Files.createTempDirectory("l4j-test-");
      Path db = directory.resolve(settings.fileName());
      Path replica = directory.resolve("replica");
      Replication replication =
          Replication.start(
              ReplicationOptions.of(db, replica.toUri().toString())
                  .withSyncInterval(Duration.ofMillis(settings.syncIntervalMillis())));
      return new Resource(directory, new TestDatabase(directory, db, replica, replication));
    } catch (IOException | RuntimeException e) {
      if (directory != null) {
        deleteTree(directory);
      }
      throw new ParameterResolutionException(
          "cannot start a replicated test database: " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path directory) {
    try {
      FileTrees.delete(directory);
    } catch (IOException ignored) {
      // a leftover temporary directory is harmless
    }
  }

  /** What one test owns; closed in reverse order of creation. */
  private record Resource(Path directory, TestDatabase database) implements AutoCloseable {
    @Override
    public void close() {
      database.closeConnections();
      database.replication().close();
      deleteTree(directory);
    }
  }
}
