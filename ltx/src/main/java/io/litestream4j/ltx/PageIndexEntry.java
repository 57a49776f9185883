package io.litestream4j.ltx;

/**
 * One entry of an LTX page index: where the frame of a page sits in the file.
 *
 * @param pgno page number, at least 1
 * @param offset absolute byte offset of the frame from the start of the file
 * @param size encoded frame size: page header, size prefix and compressed bytes
 */
public record PageIndexEntry(int pgno, long offset, long size) {}
