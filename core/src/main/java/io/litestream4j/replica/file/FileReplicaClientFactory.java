package io.litestream4j.replica.file;

import io.litestream4j.config.ConfigException;
import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.config.ReplicaUrl;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClientFactory;
import java.nio.file.Path;

/**
 * Registers the {@code file} backend: {@code file:///abs/path} URLs, plain absolute paths, and
 * config entries with {@code type: file} (the default) and a {@code path}.
 */
public final class FileReplicaClientFactory implements ReplicaClientFactory {

  @Override
  public String type() {
    return FileReplicaClient.TYPE;
  }

  @Override
  public ReplicaClient create(ReplicaConfig config) {
    String path =
        config
            .url()
            .map(ReplicaUrl::path)
            .or(config::path)
            .orElseThrow(
                () ->
                    new ConfigException(
                        "path",
                        "file replica path required (or a url such as file:///var/backups/db)"));
    Path root = Path.of(path);
    if (!root.isAbsolute()) {
      throw new ConfigException("path", "file replica path must be absolute", path, null);
    }
    return new FileReplicaClient(root).withLease(config.options().bool("lease").orElse(true));
  }
}
