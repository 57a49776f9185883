/**
 * The database monitor: {@link io.litestream4j.db.Database} turns committed WAL frames into local
 * level-0 LTX files; {@link io.litestream4j.db.DatabaseMonitor} runs it on changes; its options,
 * positions and counters.
 */
@NullMarked
package io.litestream4j.db;

import org.jspecify.annotations.NullMarked;
