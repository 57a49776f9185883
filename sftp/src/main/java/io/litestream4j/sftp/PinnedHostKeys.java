package io.litestream4j.sftp;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The host keys JSch may accept for one sftp replica: exactly the configured {@code host-key}, or,
 * when none is configured, whatever the server presents (Litestream's insecure default). Unlike
 * JSch's file-backed repository it never reads or writes {@code ~/.ssh/known_hosts}. Remembers the
 * key last offered so a mismatch can be reported with the offending fingerprint.
 */
final class PinnedHostKeys implements HostKeyRepository {

  private final Optional<SftpHostKey> pinned;
  private final AtomicReference<byte[]> lastOffered = new AtomicReference<>();

  PinnedHostKeys(Optional<SftpHostKey> pinned) {
    this.pinned = pinned;
  }

  @Override
  public int check(String host, byte[] key) {
    lastOffered.set(key.clone());
    if (pinned.isEmpty()) {
      return OK;
    }
    return pinned.get().matches(key) ? OK : CHANGED;
  }

  /** The fingerprint of the key the server presented last, if any. */
  Optional<String> lastOfferedFingerprint() {
    return Optional.ofNullable(lastOffered.get()).map(SftpHostKey::fingerprint);
  }

  @Override
  public void add(HostKey hostkey, UserInfo ui) {
    // Nothing is learnt: the configuration is the only source of trusted keys.
  }

  @Override
  public void remove(String host, String type) {
    // Configured keys cannot be removed.
  }

  @Override
  public void remove(String host, String type, byte[] key) {
    // Configured keys cannot be removed.
  }

  @Override
  public String getKnownHostsRepositoryID() {
    return "litestream4j host-key setting";
  }

  @Override
  public HostKey[] getHostKey() {
    return getHostKey(null, null);
  }

  @Override
  public HostKey[] getHostKey(String host, String type) {
    if (pinned.isEmpty() || type != null && !type.equals(pinned.get().type())) {
      return new HostKey[0];
    }
    try {
      return new HostKey[] {
        new HostKey(host == null ? "" : host, HostKey.GUESS, pinned.get().blob())
      };
    } catch (JSchException e) {
      return new HostKey[0];
    }
  }
}
