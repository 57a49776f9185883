package io.litestream4j.abs;

/**
 * How an Azure Blob replica authenticates, in Litestream's priority order: a SAS token, else the
 * storage account's shared key, else {@code DefaultAzureCredential} (environment service principal,
 * workload/managed identity, Azure CLI, ...). {@code toString} never shows a secret.
 */
sealed interface AbsCredentials {

  /** A shared access signature (with or without its leading {@code ?}). */
  record SasToken(String token) implements AbsCredentials {
    @Override
    public String toString() {
      return "sas-token";
    }
  }

  /** The account name and one of its base64 access keys. */
  record SharedKey(String accountName, String accountKey) implements AbsCredentials {
    @Override
    public String toString() {
      return "shared key of account " + accountName;
    }
  }

  /** Azure Identity's default chain. */
  record DefaultChain() implements AbsCredentials {
    @Override
    public String toString() {
      return "DefaultAzureCredential";
    }
  }
}
