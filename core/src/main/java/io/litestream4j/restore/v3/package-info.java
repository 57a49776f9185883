/** Restore from Litestream 0.3 backups: generations, snapshots and WAL segments. */
@NullMarked
package io.litestream4j.restore.v3;

import org.jspecify.annotations.NullMarked;
