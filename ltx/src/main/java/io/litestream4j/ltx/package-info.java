/**
 * The LTX v3 file format of Litestream 0.5 and LiteFS, byte for byte: the replica file format of
 * this project.
 *
 * <p>What is here and why:
 *
 * <ul>
 *   <li>{@link io.litestream4j.ltx.LtxEncoder} / {@link io.litestream4j.ltx.LtxDecoder} stream one
 *       file page by page; neither ever holds a whole file in memory.
 *   <li>{@link io.litestream4j.ltx.LtxPageIndex} reads a single page of a file through the page
 *       index at its end.
 *   <li>{@link io.litestream4j.ltx.LtxCompactor} merges contiguous files into one (compaction), or
 *       straight into a database image (restore), in one sequential pass.
 *   <li>{@link io.litestream4j.ltx.LtxApplier} applies files one after the other to a database and
 *       proves continuity with the rolling {@link io.litestream4j.ltx.DatabaseChecksum}.
 *   <li>{@link io.litestream4j.ltx.Crc64} and {@link io.litestream4j.ltx.Checksums} compute the
 *       CRC-64/ISO based checksums exactly as Go's {@code hash/crc64} does.
 * </ul>
 *
 * <p>Every problem with the bytes of a file is reported as an {@link
 * io.litestream4j.ltx.LtxException} naming the offset, page or field; hostile input never causes an
 * unchecked exception, an allocation beyond a small per-page bound, or a hang. The module depends
 * on lz4-java only.
 */
package io.litestream4j.ltx;
