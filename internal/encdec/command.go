// Package encdec is the ncenc and ncdec commands: openssl enc's options, the password, and
// the dispatch between nckit's native format and openssl's. This file is the command line.
package encdec

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/nckit/nckit/internal/cmdline"
	"github.com/nckit/nckit/internal/native"
	"github.com/nckit/nckit/internal/opensslenc"
	"github.com/nckit/nckit/internal/password"
)

// Ncenc is the ncenc command: it encrypts stdin to stdout (ncenc -d is Ncdec) and returns
// the exit status.
func Ncenc(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return command("ncenc", false, args, stdin, stdout, stderr)
}

// Ncdec is the ncdec command: it decrypts stdin to stdout and returns the exit status.
func Ncdec(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return command("ncdec", true, args, stdin, stdout, stderr)
}

// EncFlags are the options ncenc accepts (besides -h and --version).
func EncFlags() []cli.Flag { return flags() }

// DecFlags are the options ncdec accepts: the same set, since ncenc -d is ncdec.
func DecFlags() []cli.Flag { return flags() }

func command(prog string, decrypt bool, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		args = []string{prog}
	}
	args = append([]string{prog}, args[1:]...)
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
		&cli.BoolFlag{Name: "detect"},
		&cli.StringFlag{Name: "argon2-max-memory"},
		&cli.StringFlag{Name: "argon2-max-time"},
		&cli.StringFlag{Name: "header-timeout"},
		&cli.StringFlag{Name: "message-timeout"},
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
		// openssl enc options that only tune I/O or the random state: accepted, no effect
		&cli.StringFlag{Name: "bufsize"},
		&cli.StringFlag{Name: "rand"},
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

// notTaken are openssl enc's options that nckit refuses, each with the reason.
var notTaken = map[string]string{
	"engine":        "nckit has one built-in implementation",
	"provider":      "nckit has one built-in implementation",
	"provider-path": "nckit has one built-in implementation",
	"propquery":     "nckit has one built-in implementation",
	"none":          "nckit always encrypts",
	"debug":         "use -v for byte counts",
	"list":          "the ciphers are -" + strings.Join(opensslenc.CipherNames(), " -"),
	"ciphers":       "the ciphers are -" + strings.Join(opensslenc.CipherNames(), " -"),
	"writerand":     "nckit keeps no random seed file",
	"z":             "nckit does not compress: pipe through gzip",
}

// checkCipherArgs turns an openssl cipher nckit does not implement, or an openssl option it
// does not take, into a clear message, where the flag parser would only say "unknown flag".
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
		if why, ok := notTaken[name]; ok && strings.HasPrefix(a, "-") {
			return cmdline.Usagef("nckit does not take openssl's %s: %s", a, why)
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
	win     window // the Argon2id costs accepted (ncdec) or written (ncenc)
	// detect: ncdec reads openssl messages without a cipher option, as -aes-256-cbc -pbkdf2.
	detect bool
	// peer: ncdec runs as an ncl --each handler (NCL_PEER is set).
	peer bool
	// headerTimeout bounds a native header and each record from its first byte,
	// messageTimeout an openssl message; 0 is none.
	headerTimeout, messageTimeout time.Duration
	label                         string // native streams' context label ("" none); FORMAT.md section 12
	// sawNative: this run has decoded a nckit stream, so an openssl message after it would be
	// a downgrade in mid-stream and is refused.
	sawNative bool
	pw        password.Options
	needPass  bool
	warnings  []string
}

func parse(c *cli.Context, prog string, decrypt bool) (*config, error) {
	if c.Args().Len() > 0 {
		// The operand is not echoed: it may be the rest of an unquoted -pass value.
		return nil, hinted{cmdline.Usagef("unexpected operand: input comes from stdin or -in FILE"),
			"a -pass value with spaces needs quotes: -pass 'pass:two words'"}
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
	for _, n := range []string{"argon2-time", "argon2-memory", "argon2-threads", "argon2-max-memory", "argon2-max-time"} {
		if c.IsSet(n) && cfg.cipher != nil {
			return nil, cmdline.Usagef("-%s applies to nckit's format, not to -%s", n, cfg.cipher.Name)
		}
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
	cfg.detect = c.Bool("detect")
	_, cfg.peer = os.LookupEnv("NCL_PEER")
	switch {
	case cfg.detect && cfg.cipher != nil:
		return nil, cmdline.Usagef("cannot use -detect and -%s together", cfg.cipher.Name)
	case cfg.detect && c.Bool("native"):
		return nil, cmdline.Usagef("cannot use -detect and -native together")
	case cfg.detect && c.IsSet("label"):
		return nil, cmdline.Usagef("cannot use -detect and -label together: openssl's format has no label")
	case cfg.detect && !cfg.decrypt:
		return nil, cmdline.Usagef("-detect applies to decryption")
	}
	// Without a cipher or -detect, ncdec reads no openssl message: an option that tunes them
	// could not act, and is refused rather than ignored.
	if cfg.decrypt && cfg.cipher == nil && !cfg.detect {
		for _, n := range []string{"pbkdf2", "iter", "md", "A", "p", "P"} {
			if c.IsSet(n) {
				return nil, hinted{cmdline.Usagef("-%s applies to openssl's format", n),
					"name the cipher (e.g. -aes-256-cbc -pbkdf2), or pass -detect"}
			}
		}
	}
	if b := c.String("bufsize"); c.IsSet("bufsize") && !validBufsize(b) {
		return nil, fmt.Errorf("-bufsize %s: a positive number of bytes, or of KiB with k", b)
	}
	var err error
	if cfg.headerTimeout, err = seconds(c, "header-timeout", defHeaderTimeout); err != nil {
		return nil, err
	}
	// A bulk openssl transfer through a pipe may take hours; only a network peer's message
	// (ncl --each) is bounded by default.
	msgDefault := time.Duration(0)
	if cfg.peer {
		msgDefault = defMessageTimeout
	}
	if cfg.messageTimeout, err = seconds(c, "message-timeout", msgDefault); err != nil {
		return nil, err
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

	given := func(name string) *string {
		if !c.IsSet(name) {
			return nil
		}
		v := c.String(name)
		return &v
	}
	cfg.pw = password.Options{Pass: given("pass"), K: given("k"), KFile: given("kfile"), Confirm: !cfg.decrypt}
	explicit := cfg.pw.Pass != nil || cfg.pw.K != nil || cfg.pw.KFile != nil
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

// validBufsize accepts what openssl's -bufsize does: a positive number, k for KiB. nckit's
// buffers are fixed; the value has no effect.
func validBufsize(s string) bool {
	s = strings.TrimSuffix(s, "k")
	n, err := strconv.ParseUint(s, 10, 31)
	return err == nil && n > 0
}

// Deadlines of ncdec on a pipe or socket (FORMAT.md "Receivers").
const (
	defHeaderTimeout  = 10 * time.Second
	defMessageTimeout = 30 * time.Second
)

func seconds(c *cli.Context, name string, def time.Duration) (time.Duration, error) {
	if !c.IsSet(name) {
		return def, nil
	}
	s := c.String(name)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || v > 1e6 {
		return 0, fmt.Errorf("-%s %s: seconds from 0 (none) to 1000000", name, s)
	}
	return time.Duration(v * float64(time.Second)), nil
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
