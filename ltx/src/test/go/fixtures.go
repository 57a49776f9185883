// Generates LTX fixtures with superfly/ltx's own Go code (current block format and the legacy
// per-page LZ4 frame format), and verifies LTX files written by litestream4j.
package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	cur "example.com/ltxcur"
	legacy "example.com/ltxlegacy"
)

func page(pgno uint32, version, pageSize int) []byte {
	b := make([]byte, pageSize)
	for i := 0; i < pageSize/2; i++ {
		b[i] = byte((int(pgno)*31 + version*7 + i/3) & 0x7f)
	}
	return b
}

type state map[uint32][]byte

func checksum(s state, commit uint32) cur.Checksum {
	c := cur.ChecksumFlag
	for pgno := uint32(1); pgno <= commit; pgno++ {
		c = cur.ChecksumFlag | (c ^ cur.ChecksumPage(pgno, s[pgno]))
	}
	return c
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func writeCur(dir, name string, hdr cur.Header, pgnos []uint32, s state, post cur.Checksum) {
	var buf bytes.Buffer
	enc, err := cur.NewEncoder(&buf)
	must(err)
	must(enc.EncodeHeader(hdr))
	for _, p := range pgnos {
		must(enc.EncodePage(cur.PageHeader{Pgno: p}, s[p]))
	}
	enc.SetPostApplyChecksum(post)
	must(enc.Close())
	must(os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644))
	fmt.Printf("%s post=%s file=%s\n", name, enc.Trailer().PostApplyChecksum, enc.Trailer().FileChecksum)
}

func generate(dir string) {
	const ps = 4096
	s := state{}
	for p := uint32(1); p <= 5; p++ {
		s[p] = page(p, 1, ps)
	}
	post1 := checksum(s, 5)
	writeCur(dir, "go-1-snapshot.ltx", cur.Header{Version: 3, PageSize: ps, Commit: 5, MinTXID: 1, MaxTXID: 3, Timestamp: 1700000000000},
		[]uint32{1, 2, 3, 4, 5}, s, post1)

	s[2] = page(2, 2, ps)
	s[6] = page(6, 2, ps)
	post2 := checksum(s, 6)
	writeCur(dir, "go-2-incremental.ltx", cur.Header{Version: 3, PageSize: ps, Commit: 6, MinTXID: 4, MaxTXID: 4, Timestamp: 1700000001000,
		PreApplyChecksum: post1, WALOffset: 32, WALSize: 2 * (ps + 24), WALSalt1: 0x1234, WALSalt2: 0x5678, NodeID: 7},
		[]uint32{2, 6}, s, post2)

	s[1] = page(1, 3, ps)
	writeCur(dir, "go-3-nochecksum.ltx", cur.Header{Version: 3, Flags: cur.HeaderFlagNoChecksum, PageSize: ps, Commit: 4, MinTXID: 5, MaxTXID: 6,
		Timestamp: 1700000002000}, []uint32{1}, s, 0)

	var out bytes.Buffer
	f1, _ := os.ReadFile(filepath.Join(dir, "go-1-snapshot.ltx"))
	f2, _ := os.ReadFile(filepath.Join(dir, "go-2-incremental.ltx"))
	c, err := cur.NewCompactor(&out, []io.Reader{bytes.NewReader(f1), bytes.NewReader(f2)})
	must(err)
	must(c.Compact(context.Background()))
	must(os.WriteFile(filepath.Join(dir, "go-compacted-1-2.ltx"), out.Bytes(), 0o644))
	fmt.Printf("go-compacted-1-2.ltx post=%s file=%s\n", c.Trailer().PostApplyChecksum, c.Trailer().FileChecksum)

	// Legacy format: one LZ4 frame per page, no size prefix (flag 0x0001 clear).
	const lps = 1024
	ls := state{}
	for p := uint32(1); p <= 3; p++ {
		ls[p] = page(p, 1, lps)
	}
	var lbuf bytes.Buffer
	lenc, err := legacy.NewEncoder(&lbuf)
	must(err)
	must(lenc.EncodeHeader(legacy.Header{Version: 3, PageSize: lps, Commit: 3, MinTXID: 1, MaxTXID: 2, Timestamp: 1600000000000}))
	for p := uint32(1); p <= 3; p++ {
		must(lenc.EncodePage(legacy.PageHeader{Pgno: p}, ls[p]))
	}
	lenc.SetPostApplyChecksum(legacy.Checksum(checksum(ls, 3)))
	must(lenc.Close())
	must(os.WriteFile(filepath.Join(dir, "go-legacy-snapshot.ltx"), lbuf.Bytes(), 0o644))
	fmt.Printf("go-legacy-snapshot.ltx post=%s file=%s\n", lenc.Trailer().PostApplyChecksum, lenc.Trailer().FileChecksum)
}

func verify(paths []string) {
	for _, p := range paths {
		b, err := os.ReadFile(p)
		must(err)
		dec := cur.NewDecoder(bytes.NewReader(b))
		if err := dec.Verify(); err != nil {
			fmt.Printf("FAIL %s: %v\n", filepath.Base(p), err)
			continue
		}
		h, t := dec.Header(), dec.Trailer()
		fmt.Printf("OK   %s: %s-%s flags=%d commit=%d pages=%d pre=%s post=%s file=%s\n", filepath.Base(p), h.MinTXID, h.MaxTXID,
			h.Flags, h.Commit, dec.PageN(), h.PreApplyChecksum, t.PostApplyChecksum, t.FileChecksum)
	}
}

func main() {
	switch os.Args[1] {
	case "generate":
		generate(os.Args[2])
	case "verify":
		verify(os.Args[2:])
	}
}
