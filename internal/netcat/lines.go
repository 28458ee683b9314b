package netcat

import (
	"bytes"
	"io"
	"sync"
)

// lineMax is the longest partial line held back from ncl's stdout: a command's output
// without a newline is written out in pieces of this size.
const lineMax = 64 << 10

// lineOut is ncl's stdout shared by concurrent --each commands. Each write is whole lines
// under one lock, so the lines of different commands never interleave.
type lineOut struct {
	mu  sync.Mutex
	w   io.Writer
	err error // the first write error; later writes fail with it at once
}

func (o *lineOut) write(b []byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err == nil {
		_, o.err = o.w.Write(b)
	}
	return o.err
}

// copyLines copies r to out in whole lines: a partial line is held until its newline,
// until lineMax bytes are held, or until r ends (then it goes out as it is). It reads r to
// its end even after out failed, so the command never blocks on a full pipe, and returns
// out's error.
func copyLines(out *lineOut, r io.Reader) error {
	buf := make([]byte, lineMax)
	n := 0
	var werr error
	for {
		m, rerr := r.Read(buf[n:])
		n += m
		end := 0
		if rerr != nil || n == len(buf) {
			end = n
		} else if i := bytes.LastIndexByte(buf[n-m:n], '\n'); i >= 0 {
			end = n - m + i + 1
		}
		if end > 0 {
			if werr == nil {
				werr = out.write(buf[:end])
			}
			n = copy(buf, buf[end:n])
		}
		if rerr != nil {
			return werr
		}
	}
}
