package io.litestream4j.abs;

import io.litestream4j.config.ConfigException;
import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.config.ReplicaOptions;
import io.litestream4j.config.ReplicaUrl;
import io.litestream4j.replica.ObjectKeys;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an Azure Blob replica lives and how to authenticate, read from Litestream's keys: {@code
 * abs://[account@]container/path} or {@code account-name}, {@code bucket} (the container), {@code
 * path}, {@code endpoint} (default {@code https://<account>.blob.core.windows.net}), {@code
 * account-key}, {@code sas-token}; the environment variables {@code LITESTREAM_AZURE_SAS_TOKEN} and
 * {@code LITESTREAM_AZURE_ACCOUNT_KEY} stand in for the last two. Credentials: SAS token, else
 * shared key (needs the account name), else {@code DefaultAzureCredential}. {@code lease} (default
 * true) takes the replica's lease {@code <path>/lock.json} before replicating. {@code toString}
 * never shows a secret.
 *
 * @param accountName storage account, possibly empty when an endpoint is given
 * @param container the blob container
 * @param path object prefix without leading or trailing slash, possibly empty
 * @param endpoint the blob service URL
 * @param credentials how to authenticate
 * @param lease take a lease ({@code <path>/lock.json}) before replicating
 */
public record AbsSettings(
    String accountName,
    String container,
    String path,
    String endpoint,
    AbsCredentials credentials,
    boolean lease) {

  static final String SAS_TOKEN_ENV = "LITESTREAM_AZURE_SAS_TOKEN";
  static final String ACCOUNT_KEY_ENV = "LITESTREAM_AZURE_ACCOUNT_KEY";

  public AbsSettings {
    Objects.requireNonNull(accountName, "accountName");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(credentials, "credentials");
    if (container.isBlank()) {
      throw new ConfigException(
          "bucket",
          "container required for abs replica (set 'bucket' or use a url such as abs://account@container/path)");
    }
  }

  /** Settings with leasing on. */
  public AbsSettings(
      String accountName,
      String container,
      String path,
      String endpoint,
      AbsCredentials credentials) {
    this(accountName, container, path, endpoint, credentials, true);
  }

  public AbsSettings withLease(boolean enabled) {
    return new AbsSettings(accountName, container, path, endpoint, credentials, enabled);
  }

  /**
   * Reads the settings of an {@code abs} replica entry; {@code env} supplies the fallback secrets.
   */
  public static AbsSettings from(ReplicaConfig config, Map<String, String> env) {
    ReplicaOptions o = config.options();
    Optional<ReplicaUrl> url = config.urlInsteadOf("bucket");
    String account = o.string("account-name").orElse("");
    String container = o.string("bucket").orElse("");
    String path = config.path().map(ObjectKeys::trimSlashes).orElse("");
    if (url.isPresent()) {
      ReplicaUrl u = url.get();
      if (account.isEmpty()) {
        String user = u.userInfo();
        int colon = user.indexOf(':');
        account = colon < 0 ? user : user.substring(0, colon);
      }
      container = u.host();
      path = ObjectKeys.trimSlashes(u.path());
    }
    String endpoint =
        o.string("endpoint").filter(s -> !s.isBlank()).map(AbsSettings::withScheme).orElse("");
    if (endpoint.isEmpty()) {
      if (account.isEmpty()) {
        throw new ConfigException(
            "account-name",
            "account name required for abs replica without an endpoint "
                + "(set 'account-name' or use a url such as abs://account@container/path)");
      }
      endpoint = "https://" + account + ".blob.core.windows.net";
    }
    String sas =
        o.string("sas-token").filter(s -> !s.isBlank()).orElse(env.getOrDefault(SAS_TOKEN_ENV, ""));
    String key =
        o.string("account-key")
            .filter(s -> !s.isBlank())
            .orElse(env.getOrDefault(ACCOUNT_KEY_ENV, ""));
    AbsCredentials credentials;
    if (!sas.isBlank()) {
      credentials = new AbsCredentials.SasToken(sas.strip());
    } else if (!key.isBlank()) {
      if (account.isEmpty()) {
        throw new ConfigException(
            "account-name",
            "an account key needs the account name: set 'account-name' "
                + "or use a url such as abs://account@container/path");
      }
      credentials = new AbsCredentials.SharedKey(account, key.strip());
    } else {
      credentials = new AbsCredentials.DefaultChain();
    }
    return new AbsSettings(
        account, container, path, endpoint, credentials, o.bool("lease").orElse(true));
  }

  /**
   * Adds {@code https://} (or {@code http://} for loopback hosts) to an endpoint given without a
   * scheme.
   */
  static String withScheme(String endpoint) {
    String e = endpoint.strip();
    if (e.contains("://")) {
      return e;
    }
    boolean local = e.startsWith("localhost") || e.startsWith("127.") || e.startsWith("[::1]");
    return (local ? "http://" : "https://") + e;
  }

  /** The replica as Litestream writes it: {@code abs://account@container/path}. */
  public String location() {
    return "abs://"
        + (accountName.isEmpty() ? "" : accountName + "@")
        + container
        + (path.isEmpty() ? "" : "/" + path);
  }

  /** Where a blob is, for messages. */
  String where(String blobName) {
    return "abs://" + (accountName.isEmpty() ? "" : accountName + "@") + container + "/" + blobName;
  }

  @Override
  public String toString() {
    return "AbsSettings{"
        + location()
        + ", endpoint "
        + endpoint
        + ", "
        + credentials
        + (lease ? "" : ", no lease")
        + "}";
  }
}
