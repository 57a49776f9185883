/**
 * The configuration model: {@code litestream.yml} read with Litestream's keys and defaults ({@link
 * io.litestream4j.config.ConfigLoader}) into immutable records, directory entries included.
 */
@NullMarked
package io.litestream4j.config;

import org.jspecify.annotations.NullMarked;
