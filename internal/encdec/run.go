package encdec

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/nckit/nckit/internal/native"
	"github.com/nckit/nckit/internal/opensslenc"
	"github.com/nckit/nckit/internal/password"
)

// bufSize is the input buffer of ncdec and of the openssl format's encrypter, and their
// output buffer: as large as the native writer's batch (native.WriteBatch), so that one read or
// write moves what one batch does.
const bufSize = 256 * 1024

// stdinBufSize is the buffer for reading a password line from stdin (see run).
const stdinBufSize = 4096

// outBufSize is ncdec's plaintext buffer: more than one buffer of input (bufSize) can release
// between two reads, so that it leaves with one write.
const outBufSize = 2 * bufSize

// counter counts the bytes passing through for -v.
type counter struct {
	r io.Reader
	w io.Writer
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// flushingReader writes out ncdec's collected plaintext before each read of the input from
// the system, the only place where the decoder can wait: a line still leaves as soon as its
// record (or message) is released, while bulk data leaves with one write per read instead of
// one per record. A failed write ends the input; err keeps it, to be reported as a write
// error rather than as the read error the decoder sees.
type flushingReader struct {
	r   io.Reader
	w   *bufio.Writer // nil when encrypting
	err error
}

func (f *flushingReader) Read(p []byte) (int, error) {
	if f.w != nil && f.w.Buffered() > 0 {
		if err := f.w.Flush(); err != nil {
			f.err = err
			return 0, err
		}
	}
	return f.r.Read(p)
}

func (cfg *config) run(stdin io.Reader, stdout, stderr io.Writer) (err error) {
	for _, w := range cfg.warnings {
		fmt.Fprintf(stderr, "%s: warning: %s\n", cfg.prog, w)
	}
	if !cfg.decrypt && cfg.out == "" && !cfg.base64 && cfg.show != 2 && isTerminal(stdout) {
		return hinted{errors.New("refusing to write binary ciphertext to a terminal"),
			"use -a for text, or redirect the output to a file or a pipe"}
	}

	// Under ncl --each, where up to 64 handlers run at once, the output is a few lines per
	// connection and every handler's pipes would count against the user's pipe allowance.
	if !cfg.peer {
		widenPipes(stdin, stdout)
	}

	// -pass stdin and fd:0 take the first line of stdin; the rest is the data. stdinBuf is
	// small on purpose: once it is empty, reads of its size or more bypass it, so the data is
	// not copied once more through it, and ncenc's reads keep their own size. in is where
	// the input is read from the system, stdin or -in: ncdec flushes its plaintext there.
	var dl *deadlineReader
	if cfg.decrypt && cfg.in == "" && timed(stdin) {
		dl = newDeadlineReader(stdin)
		stdin = dl
	}
	in := &flushingReader{r: stdin}
	stdinBuf := bufio.NewReaderSize(in, stdinBufSize)
	cfg.pw.Stdin = stdinBuf
	src := &counter{r: stdinBuf}
	if cfg.in != "" {
		f, err := os.Open(cfg.in)
		if err != nil {
			return fmt.Errorf("cannot open input: %w", err)
		}
		defer f.Close()
		var r io.Reader = f
		if cfg.decrypt && timed(f) {
			dl = newDeadlineReader(f)
			r = dl
		}
		in = &flushingReader{r: r}
		src.r = in
	}
	br := bufio.NewReaderSize(src, bufSize)

	var pw []byte
	if cfg.needPass {
		if pw, err = password.Get(cfg.pw); err != nil {
			return err
		}
	}

	// Output: -out is replaced only on success.
	dst := &counter{w: stdout}
	var of *outFile
	if cfg.out != "" && cfg.show != 2 {
		if of, err = createOutput(cfg.out); err != nil {
			return fmt.Errorf("cannot create output: %w", err)
		}
		dst.w = of
		defer func() {
			if err != nil {
				of.abort()
			} else if cerr := of.commit(); cerr != nil {
				err = fmt.Errorf("cannot write output: %w", cerr)
			}
		}()
	}
	if cfg.verbose {
		fmt.Fprintf(stderr, "bufsize=%d\n", bufSize)
		defer func() {
			fmt.Fprintf(stderr, "bytes read   : %8d\n", src.n)
			fmt.Fprintf(stderr, "bytes written: %8d\n", dst.n)
		}()
	}
	// The key lines of -p go to stdout, mixed into the data when that goes there too.
	keysTo := stdout
	if cfg.decrypt {
		out := bufio.NewWriterSize(dst, outBufSize)
		in.w = out
		if of == nil {
			keysTo = out // in order with the plaintext
		}
		dc := &decoder{config: cfg, br: br, dst: out, keysTo: keysTo, pw: pw, dl: dl}
		derr := dc.decryptAll()
		// What the decoder released before a failure is written too, as it was when every
		// record was written at once; a failed -out file is thrown away all the same.
		ferr := out.Flush()
		switch {
		case in.err != nil:
			return fmt.Errorf("write error: %w", in.err)
		case derr != nil:
			return derr
		case ferr != nil:
			return fmt.Errorf("write error: %w", ferr)
		}
		return nil
	}
	if cfg.cipher == nil {
		return cfg.encryptNative(src, dst, pw) // not through br: its reads keep their size
	}
	bw := bufio.NewWriterSize(dst, bufSize)
	if of == nil {
		keysTo = bw
	}
	o := cfg.opensslOptions(pw, keysTo)
	if err := opensslenc.Encrypt(bw, br, o); err != nil {
		_ = bw.Flush()
		return encryptErr(err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write error: %w", err)
	}
	return nil
}

func encryptErr(err error) error {
	if errors.Is(err, opensslenc.ErrNoPad) {
		return fmt.Errorf("-nopad: %w", err)
	}
	return err
}

// timed reports whether reads from r get deadlines: all but those of a regular file or a
// terminal, where nobody on a network can stall the reader.
func timed(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return true
	}
	fi, err := f.Stat()
	return err != nil || !fi.Mode().IsRegular() && !term.IsTerminal(int(f.Fd()))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (cfg *config) opensslOptions(pw []byte, keysTo io.Writer) *opensslenc.Options {
	o := &opensslenc.Options{
		Cipher:   cfg.cipher,
		KDF:      cfg.kdf,
		Password: pw,
		Key:      cfg.key,
		IV:       cfg.iv,
		Salt:     cfg.salt,
		NoSalt:   cfg.noSalt,
		NoPad:    cfg.noPad,
		Base64:   cfg.base64,
		OneLine:  cfg.oneLine,
		Split:    true,
		// an armored nckit stream may follow an openssl base64 message directly
		TextStarts: []string{nativeArmorStart},
	}
	if cfg.show > 0 {
		o.ShowKeys = func(k opensslenc.Keys) error {
			if _, err := k.WriteTo(keysTo); err != nil {
				return err
			}
			if cfg.show == 2 {
				return opensslenc.ErrStop
			}
			return nil
		}
	}
	return o
}

// encryptNative writes nckit's format, sealing whatever each read of the input returns at
// once, so that a line typed into a pipe leaves immediately. A read takes at most what the
// writer seals into one output write, so each read costs one write, whatever its size.
func (cfg *config) encryptNative(in io.Reader, dst io.Writer, pw []byte) error {
	w, err := native.NewLabeledWriter(dst, pw, cfg.params, cfg.base64, cfg.label)
	if err != nil {
		return err
	}
	buf := make([]byte, native.WriteBatch)
	for {
		n, rerr := in.Read(buf)
		if n > 0 {
			if _, err := w.Write(buf[:n]); err != nil {
				return fmt.Errorf("write error: %w", err)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return fmt.Errorf("read error: %w", rerr)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("write error: %w", err)
	}
	return nil
}
