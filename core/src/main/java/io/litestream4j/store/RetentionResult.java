package io.litestream4j.store;

import io.litestream4j.replica.LtxFileInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * What a retention pass did.
 *
 * @param deleted replica files deleted
 * @param waiting replica files that are deletion candidates still inside their wait (they will be
 *     deleted by a later pass unless they stop being deletable)
 * @param localFilesDeleted local L0 copies removed from the state directory
 */
public record RetentionResult(List<LtxFileInfo> deleted, int waiting, int localFilesDeleted) {
  public static final RetentionResult NONE = new RetentionResult(List.of(), 0, 0);

  public RetentionResult {
    deleted = List.copyOf(deleted);
  }

  /** Both passes together. */
  RetentionResult plus(RetentionResult other) {
    List<LtxFileInfo> all = new ArrayList<>(deleted);
    all.addAll(other.deleted);
    return new RetentionResult(all, other.waiting, localFilesDeleted + other.localFilesDeleted);
  }
}
