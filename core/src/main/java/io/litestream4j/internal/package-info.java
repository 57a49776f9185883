/**
 * Plumbing shared by the other packages: atomic and temporary files, file modes, work permits,
 * failure backoff, fan-out, remote client lifecycles and JSON string escaping. Not API: exported
 * only to the project's own modules.
 */
@NullMarked
package io.litestream4j.internal;

import org.jspecify.annotations.NullMarked;
