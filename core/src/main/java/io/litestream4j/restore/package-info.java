/**
 * Restore: the catalog of a replica's levels, the planner, parallel downloads into a staging area,
 * one checksum-verified merge pass and the atomic output file.
 */
@NullMarked
package io.litestream4j.restore;

import org.jspecify.annotations.NullMarked;
