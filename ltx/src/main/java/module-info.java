/**
 * The LTX v3 file format: encoding, decoding, checksums, compaction and applying files to a
 * database image. Depends on LZ4 alone.
 */
module io.litestream4j.ltx {
  requires org.lz4.java;
  requires static jdk.unsupported; // O_DIRECT writes (DirectPageChannel); optional at run time

  exports io.litestream4j.ltx;
}
