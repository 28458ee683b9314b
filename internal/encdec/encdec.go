// Package encdec is the ncenc/ncdec command: flags with openssl enc's meanings, password
// lookup, and the dispatch between nckit's native format and openssl's, including the
// decryptor's per-message format detection.
package encdec

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/nckit/nckit/internal/cmdline"
	"github.com/nckit/nckit/internal/native"
	"github.com/nckit/nckit/internal/opensslenc"
	"github.com/nckit/nckit/internal/password"
)

const bufSize = 64 * 1024

// stdinBufSize is the buffer for reading a password line from stdin (see run).
const stdinBufSize = 4096

// outBufSize is ncdec's plaintext buffer: more than one buffer of input (bufSize) can release
// between two reads, so that it leaves with one write.
const outBufSize = 2 * bufSize

// Main runs ncenc (decrypt false) or ncdec (decrypt true) and returns the exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer, decrypt bool) int {
	prog := "ncenc"
	if decrypt {
		prog = "ncdec"
	}
	if len(args) > 0 && args[0] != "" {
		args = append([]string{prog}, args[1:]...)
	}
	fl := flags()
	if err := checkCipherArgs(fl, args); err != nil {
		return cmdline.Report(prog, err, stderr)
	}
	app := cmdline.New(prog, usage(prog), fl, func(c *cli.Context) error {
		cfg, err := parse(c, prog, decrypt)
		if err != nil {
			return err
		}
		return cfg.run(stdin, stdout, stderr)
	})
	return cmdline.Run(app, args, stdout, stderr)
}

func flags() []cli.Flag {
	fs := []cli.Flag{
		&cli.BoolFlag{Name: "e"},
		&cli.BoolFlag{Name: "d"},
		&cli.StringFlag{Name: "pass"},
		&cli.StringFlag{Name: "k"},
		&cli.StringFlag{Name: "kfile"},
		&cli.BoolFlag{Name: "a", Aliases: []string{"base64"}},
		&cli.BoolFlag{Name: "A"},
		// The numeric options are strings parsed by parse(): a bad value is a bad option value
		// (exit 1, named in the flag's own units), not a malformed command line.
		&cli.StringFlag{Name: "argon2-time"},
		&cli.StringFlag{Name: "argon2-memory"},
		&cli.StringFlag{Name: "argon2-threads"},
		&cli.StringFlag{Name: "label"},
		&cli.BoolFlag{Name: "native"},
		&cli.BoolFlag{Name: "pbkdf2"},
		&cli.StringFlag{Name: "iter"},
		&cli.StringFlag{Name: "md"},
		&cli.BoolFlag{Name: "salt"},
		&cli.BoolFlag{Name: "nosalt"},
		&cli.StringFlag{Name: "S"},
		&cli.StringFlag{Name: "K"},
		&cli.StringFlag{Name: "iv"},
		&cli.BoolFlag{Name: "nopad"},
		&cli.BoolFlag{Name: "p"},
		&cli.BoolFlag{Name: "P"},
		&cli.StringFlag{Name: "in"},
		&cli.StringFlag{Name: "out"},
		&cli.BoolFlag{Name: "v"},
	}
	for _, n := range opensslenc.CipherNames() {
		fs = append(fs, &cli.BoolFlag{Name: n})
	}
	return fs
}

// hinted is an error with a second line of advice (see cmdline.Hinter).
type hinted struct {
	error
	hint string
}

func (h hinted) Hint() string  { return h.hint }
func (h hinted) Unwrap() error { return h.error }

var cipherLike = regexp.MustCompile(`^(aes|aria|bf|blowfish|camellia|cast|chacha|des|id-aes|idea|rc2|rc4|rc5|seed|sm4)`)

// checkCipherArgs turns an openssl cipher nckit does not implement into a clear message,
// where the flag parser would only say "unknown flag".
func checkCipherArgs(fl []cli.Flag, args []string) error {
	known := cmdline.TakesValue(fl)
	args = args[min(1, len(args)):]
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		name := strings.TrimLeft(a, "-")
		if tv, ok := known[name]; ok {
			if tv {
				i++ // its value, which may well start with a dash
			}
			continue
		}
		if !strings.HasPrefix(a, "-") || !cipherLike.MatchString(name) {
			continue
		}
		return hinted{fmt.Errorf("unsupported cipher %s", a),
			"supported: -" + strings.Join(opensslenc.CipherNames(), " -") + ", or none for nckit's own format"}
	}
	return nil
}

// config is a validated command line.
type config struct {
	prog    string
	decrypt bool
	cipher  *opensslenc.Cipher // nil: nckit format (encrypt) or detection (decrypt)
	kdf     opensslenc.KDF
	base64  bool
	oneLine bool
	noSalt  bool
	noPad   bool
	salt    []byte
	key, iv []byte
	show    int // 1: -p, 2: -P
	in, out string
	verbose bool
	params  native.Params
	label   string // native streams' context label ("" none); FORMAT.md section 12
	// nativeOnly: ncdec accepts nckit's authenticated format only (-native, or -label).
	nativeOnly bool
	// sawNative: this run has decoded a nckit stream, so an openssl message after it would be
	// a downgrade in mid-stream and is refused.
	sawNative bool
	pw        password.Options
	needPass  bool
	warnings  []string
}

func parse(c *cli.Context, prog string, decrypt bool) (*config, error) {
	if c.Args().Len() > 0 {
		return nil, cmdline.Usagef("unexpected operand %q: input comes from stdin or -in FILE", c.Args().First())
	}
	if c.Bool("e") && c.Bool("d") {
		return nil, cmdline.Usagef("cannot use -e and -d together")
	}
	cfg := &config{prog: prog, decrypt: decrypt && !c.Bool("e") || c.Bool("d")}
	for _, n := range opensslenc.CipherNames() {
		if !c.Bool(n) {
			continue
		}
		ci, _ := opensslenc.LookupCipher(n)
		if cfg.cipher != nil && cfg.cipher != ci {
			return nil, cmdline.Usagef("cannot use -%s and -%s together", cfg.cipher.Name, n)
		}
		cfg.cipher = ci
	}
	cfg.base64 = c.Bool("a")
	cfg.oneLine = c.Bool("A")
	cfg.noSalt = c.Bool("nosalt")
	cfg.noPad = c.Bool("nopad")
	cfg.in, cfg.out, cfg.verbose = c.String("in"), c.String("out"), c.Bool("v")
	switch {
	case c.Bool("P"):
		cfg.show = 2
	case c.Bool("p"):
		cfg.show = 1
	}

	cfg.kdf.PBKDF2 = c.Bool("pbkdf2") || c.IsSet("iter")
	if c.IsSet("iter") {
		n, err := strconv.Atoi(c.String("iter"))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("-iter %s: the iteration count must be a positive number", c.String("iter"))
		}
		cfg.kdf.Iter = n
	}
	if c.IsSet("md") {
		if _, err := opensslenc.Digest(c.String("md")); err != nil {
			return nil, fmt.Errorf("-md: %w", err)
		}
		cfg.kdf.Digest = c.String("md")
	}

	// Options that only make sense for openssl's format need a cipher: without one ncenc
	// writes nckit's format, and ncdec could not tell what the data is.
	if cfg.cipher == nil {
		for _, n := range []string{"nosalt", "S", "K", "iv", "nopad"} {
			if c.IsSet(n) {
				return nil, cmdline.Usagef("-%s needs an openssl cipher option such as -aes-256-cbc", n)
			}
		}
		if !cfg.decrypt {
			for _, n := range []string{"pbkdf2", "iter", "md", "A", "p", "P"} {
				if c.IsSet(n) {
					return nil, hinted{cmdline.Usagef("-%s applies to openssl's format: name a cipher such as -aes-256-cbc", n),
						"without a cipher option ncenc writes nckit's own format"}
				}
			}
		}
	}
	argon := c.IsSet("argon2-time") || c.IsSet("argon2-memory") || c.IsSet("argon2-threads")
	if argon && (cfg.decrypt || cfg.cipher != nil) {
		return nil, cmdline.Usagef("the -argon2 options apply to encryption in nckit's format only")
	}
	if err := cfg.argon2Params(c); err != nil {
		return nil, err
	}
	// The label is bound into the native key schedule and never sent: openssl's format has
	// nowhere to put it, so a label with a cipher could only be ignored, silently.
	if c.IsSet("label") && cfg.cipher != nil {
		return nil, cmdline.Usagef("cannot use -label and -%s together: openssl's format has no label", cfg.cipher.Name)
	}
	cfg.label = c.String("label")
	if len(cfg.label) > maxLabel {
		return nil, fmt.Errorf("-label is %d bytes long, at most %d", len(cfg.label), maxLabel)
	}
	if c.Bool("native") && cfg.cipher != nil {
		return nil, cmdline.Usagef("cannot use -native and -%s together", cfg.cipher.Name)
	}
	// A label binds streams to a context that openssl's format cannot carry: it implies -native.
	cfg.nativeOnly = c.Bool("native") || cfg.label != ""
	// ncdec's openssl options only tune the openssl messages it reads: with -native there are
	// none, and an option that cannot act is refused rather than ignored, as ncenc does.
	if cfg.decrypt && cfg.nativeOnly {
		why := "-native"
		if !c.Bool("native") {
			why = "-label"
		}
		for _, n := range []string{"pbkdf2", "iter", "md", "A", "p", "P"} {
			if c.IsSet(n) {
				return nil, cmdline.Usagef("-%s applies to openssl's format, which %s refuses", n, why)
			}
		}
	}

	if cfg.cipher != nil {
		var err error
		if cfg.salt, err = cfg.hexOpt(c, "S", opensslenc.SaltLen); err != nil {
			return nil, err
		}
		if cfg.key, err = cfg.hexOpt(c, "K", cfg.cipher.KeyLen); err != nil {
			return nil, err
		}
		if cfg.iv, err = cfg.hexOpt(c, "iv", cfg.cipher.IVLen); err != nil {
			return nil, err
		}
	}

	cfg.pw = password.Options{
		Pass: c.String("pass"), HasPass: c.IsSet("pass"),
		K: c.String("k"), HasK: c.IsSet("k"),
		KFile: c.String("kfile"), HasKFile: c.IsSet("kfile"),
		Confirm: !cfg.decrypt,
	}
	explicit := cfg.pw.HasPass || cfg.pw.HasK || cfg.pw.HasKFile
	// With -K and no password option there is nothing to ask for, as with openssl.
	cfg.needPass = explicit || cfg.key == nil
	if cfg.cipher != nil && cfg.key != nil && !cfg.needPass && cfg.iv == nil && cfg.cipher.IVLen > 0 {
		return nil, cmdline.Usagef("-K needs -iv for %s", cfg.cipher.Name)
	}
	dir := "encryption"
	if cfg.decrypt {
		dir = "decryption"
	}
	switch {
	case cfg.cipher != nil:
		cfg.pw.Prompt = fmt.Sprintf("enter %s %s password:", strings.ToUpper(cfg.cipher.Name), dir)
	case cfg.decrypt:
		cfg.pw.Prompt = "enter decryption password:"
	default:
		cfg.pw.Prompt = "enter nckit encryption password:"
	}
	if cfg.cipher != nil && !cfg.kdf.PBKDF2 && cfg.needPass {
		cfg.warnings = append(cfg.warnings, "deprecated key derivation used (one round of EVP_BytesToKey); -pbkdf2 or -iter would be better")
	}
	return cfg, nil
}

// argon2Params sets cfg.params from the -argon2 options. Their bounds are the decoder's
// ceilings (native.Params.Check), stated in each option's own unit.
func (cfg *config) argon2Params(c *cli.Context) error {
	cfg.params = native.DefaultParams()
	opts := []struct {
		name, unit string
		lo, hi     uint64
		set        func(uint64)
	}{
		{"argon2-time", "", 1, native.MaxTime, func(v uint64) { cfg.params.Time = uint32(v) }},
		{"argon2-memory", " MiB", 1, native.MaxMemoryKiB / 1024, func(v uint64) { cfg.params.MemoryKiB = uint32(v) * 1024 }},
		{"argon2-threads", "", 1, native.MaxThreads, func(v uint64) { cfg.params.Threads = uint8(v) }},
	}
	for _, o := range opts {
		if !c.IsSet(o.name) {
			continue
		}
		s := c.String(o.name)
		v, err := strconv.ParseUint(s, 10, 64)
		switch {
		case err != nil && errors.Is(err, strconv.ErrRange):
			return fmt.Errorf("-%s %s: at most %d%s", o.name, s, o.hi, o.unit)
		case err != nil:
			return fmt.Errorf("-%s %s: not a whole number", o.name, s)
		case v < o.lo:
			return fmt.Errorf("-%s %s: at least %d%s", o.name, s, o.lo, o.unit)
		case v > o.hi:
			return fmt.Errorf("-%s %s: at most %d%s", o.name, s, o.hi, o.unit)
		}
		o.set(v)
	}
	p := cfg.params
	if cost := uint64(p.Time) * uint64(p.MemoryKiB); cost > native.MaxCost {
		return fmt.Errorf("-argon2-time %d with -argon2-memory %d: %d MiB of passes, at most %d MiB (lower one of them)",
			p.Time, p.MemoryKiB/1024, cost/1024, native.MaxCost/1024)
	}
	// Anything left (none with the bounds above) is still a bad value, not a usage error.
	return p.Check()
}

func (cfg *config) hexOpt(c *cli.Context, name string, n int) ([]byte, error) {
	if !c.IsSet(name) {
		return nil, nil
	}
	b, warn, err := opensslenc.ParseHex(c.String(name), n)
	if err != nil {
		return nil, fmt.Errorf("-%s: %w", name, err)
	}
	if warn != "" {
		cfg.warnings = append(cfg.warnings, "-"+name+": "+warn)
	}
	return b, nil
}

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

	// -pass stdin and fd:0 take the first line of stdin; the rest is the data. stdinBuf is
	// small on purpose: once it is empty, reads of its size or more bypass it, so the data is
	// not copied once more through it, and ncenc's reads keep their own size. in is where
	// the input is read from the system, stdin or -in: ncdec flushes its plaintext there.
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
		in = &flushingReader{r: f}
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
		derr := cfg.decryptAll(br, out, keysTo, pw)
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

// maxLabel is the native format's longest label (its length is one byte of the key schedule).
const maxLabel = 255

// nativeArmorStart is how an armored nckit stream begins (native.IsStart accepts it).
const nativeArmorStart = "nckitENC"

var (
	errEmpty = errors.New("no input")
	// errUnknown: input that is neither format.
	errUnknown = errors.New("unrecognized input")
	// errOpenSSLRefused: an openssl message where only nckit's authenticated format may be
	// read. Nothing of it is decrypted, let alone printed.
	errOpenSSLRefused = errors.New("refusing an openssl-format message (unauthenticated)")
)

// defaultCipher is what an openssl message is read with when no cipher is named: the
// tutorial's -aes-256-cbc -pbkdf2 (sha256, 10000 rounds unless -md/-iter say otherwise).
var defaultCipher, _ = opensslenc.LookupCipher("aes-256-cbc")

const peekLen = max(native.PrefixLen, len(opensslenc.SaltedBase64), len(opensslenc.Magic))

// decryptAll decrypts message after message until EOF, each in the format it shows, and
// writes each message's plaintext as soon as that message is complete: dst is flushed after
// every message (the next one may start with a KDF run before any read of the input).
func (cfg *config) decryptAll(br *bufio.Reader, dst *bufio.Writer, keysTo io.Writer, pw []byte) error {
	// A headerless openssl message has nothing to recognise it by: it runs to EOF.
	headerless := cfg.cipher != nil && (cfg.noSalt || cfg.salt != nil || cfg.key != nil && pw == nil)
	for n := 1; ; n++ {
		if !(cfg.cipher != nil && !cfg.base64 && n == 1) {
			// White space between text messages (and before the first) is no message.
			if err := skipSpace(br); err != nil {
				return err
			}
		}
		prefix, err := br.Peek(peekLen)
		if len(prefix) == 0 {
			switch {
			case err != nil && err != io.EOF:
				return fmt.Errorf("read error: %w", err)
			case n == 1:
				return fmt.Errorf("%w: expected encrypted data", errEmpty)
			}
			return nil
		}
		err = cfg.decryptOne(br, dst, keysTo, pw, prefix, n, headerless)
		if err != nil {
			if n > 1 {
				return fmt.Errorf("message %d: %w", n, err)
			}
			return err
		}
		if err := dst.Flush(); err != nil {
			return fmt.Errorf("write error: %w", err)
		}
		if cfg.show == 2 || headerless {
			return nil
		}
	}
}

func (cfg *config) decryptOne(br *bufio.Reader, dst, keysTo io.Writer, pw, prefix []byte, n int, headerless bool) error {
	isB64 := bytes.HasPrefix(prefix, []byte(opensslenc.SaltedBase64))
	isBin := bytes.HasPrefix(prefix, []byte(opensslenc.Magic))
	isNative := native.IsStart(prefix)
	if cfg.cipher == nil {
		switch {
		case isNative:
			if err := native.DecryptLabeledStream(br, dst, pw, cfg.label); err != nil {
				return err
			}
			cfg.sawNative = true
			return nil
		case (isB64 || isBin) && cfg.label != "":
			// Accepting it would let a message that is bound to no context through where the
			// caller asked for streams bound to theirs (a reflected or foreign one, say).
			return hinted{errors.New("openssl message refused: with -label only nckit streams are accepted (openssl's format has no label)"),
				"leave out -label to read openssl messages"}
		case (isB64 || isBin) && cfg.nativeOnly:
			return fmt.Errorf("%w with -native", errOpenSSLRefused)
		case (isB64 || isBin) && cfg.sawNative:
			// Whoever can inject bytes after an authenticated stream could otherwise append
			// unauthenticated text that would be printed as if it came from the same sender.
			return fmt.Errorf("%w after a nckit stream", errOpenSSLRefused)
		case isB64 || isBin:
			o := cfg.opensslOptions(pw, keysTo)
			o.Cipher = defaultCipher
			o.KDF.PBKDF2 = true
			o.Base64 = isB64
			return opensslenc.Decrypt(br, dst, o)
		case n == 1 && cfg.nativeOnly:
			return fmt.Errorf("%w: neither nckit's format nor openssl enc's", errUnknown)
		case n == 1:
			return hinted{fmt.Errorf("%w: neither nckit's format nor openssl enc's", errUnknown),
				"openssl messages start with \"Salted__\" (or U2FsdGVkX1 in base64); for -nosalt, -S or -K name the cipher"}
		default:
			return fmt.Errorf("%w after the previous message", errUnknown)
		}
	}
	if n > 1 && !(cfg.base64 && isB64 || !cfg.base64 && isBin) {
		return fmt.Errorf("%w after the previous message", errUnknown)
	}
	err := opensslenc.Decrypt(br, dst, cfg.opensslOptions(pw, keysTo))
	if err != nil && isNative && !headerless {
		return hinted{err, "the input is in nckit's own format: leave out the openssl cipher options"}
	}
	return err
}

func skipSpace(br *bufio.Reader) error {
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read error: %w", err)
		}
		switch c {
		case ' ', '\t', '\r', '\n', '\f', '\v':
			continue
		}
		return br.UnreadByte()
	}
}
