package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os/exec"
	"time"
)

// kdfMemory finds the Argon2id memory ncenc uses by default, from the header of an empty
// native stream: magic (6 bytes) | version | t | m (KiB, u32 big-endian) | p | salt | commit
// (docs/FORMAT.md).
func kdfMemory(b bins, override int) (int, string) {
	if override > 0 {
		return override, fmt.Sprintf("%d MiB (-kdf-mib flag)", override)
	}
	if !b.ok {
		return 0, "unknown"
	}
	cmd := exec.Command(b.ncenc, "-pass", password)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return 0, "unknown (ncenc failed: " + err.Error() + ")"
	}
	h := out.Bytes()
	const magic = "\x9d\xc9\x22\xb4\x43\x42"
	if len(h) >= 13 && string(h[:6]) == magic && h[6] >= 1 {
		m := binary.BigEndian.Uint32(h[8:12])
		if m < 1<<10 || m > 4<<20 {
			return 0, fmt.Sprintf("unknown (version %d native header; pass -kdf-mib)", h[6])
		}
		return int(m >> 10), fmt.Sprintf("Argon2id t=%d m=%d MiB p=%d (from a version %d native header)",
			h[7], m>>10, h[12], h[6])
	}
	return 0, "unknown (native header not recognised; pass -kdf-mib)"
}

// kdfSample times one key derivation as a user meets it: `ncenc -pass P` on empty input, a
// fresh process that derives its key and writes the header (process start included, as in
// every transfer). The 1 MiB target compares a native transfer with this.
func kdfSample(b bins) (time.Duration, error) {
	start := time.Now()
	pl, err := startPipeline([][]string{{b.ncenc, "-pass", password}}, devNull, devNull, nil)
	if err != nil {
		return 0, err
	}
	if err := pl.wait(start.Add(30 * time.Second)); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}
