/** Litestream's log formats for logback: Go slog's text and JSON encoders and the pretty one. */
@NullMarked
package io.litestream4j.cli.logging;

import org.jspecify.annotations.NullMarked;
