/**
 * The LTX v3 file format: encoding, decoding, checksums, compaction and applying files to a
 * database image. Depends on LZ4 alone.
 */
module io.litestream4j.ltx {
  requires org.lz4.java;

  exports io.litestream4j.ltx;
}
