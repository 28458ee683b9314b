// Package cmdline runs a urfave/cli App the way nckit's filters need: help and --version
// that the user asked for go to stdout, diagnostics to stderr; flags may follow operands, as
// with GNU getopt, which the nc and openssl that scripts were written for accept; and every
// error becomes one line "prog: msg" and an exit status (0 ok, 1 failure, 2 usage), a usage
// error followed by a line that says where to look.
package cmdline

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"
)

// ErrUsage marks an error in the command line itself: exit status 2.
var ErrUsage = errors.New("usage error")

type usageError struct{ msg string }

func (e *usageError) Error() string        { return e.msg }
func (e *usageError) Is(target error) bool { return target == ErrUsage }

// Usagef returns an error that Run reports with exit status 2.
func Usagef(format string, a ...any) error {
	return &usageError{msg: fmt.Sprintf(format, a...)}
}

// Hinter is an error with advice printed on a second line, "prog: hint: ...".
type Hinter interface {
	Hint() string
}

// New returns the App of one of nckit's commands: name, its hand-written usage text (shown
// by -h), its flags and what it does once they are parsed.
func New(name, usage string, flags []cli.Flag, action cli.ActionFunc) *cli.App {
	return &cli.App{Name: name, Flags: flags, CustomAppHelpTemplate: usage, Action: action}
}

// Version is nckit's version as the build knows it: the module version when installed with
// go install, else the VCS revision the binary was built from, else "devel".
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "devel-" + rev
}

// Run runs app on args (args[0] is the program name) and returns the exit status.
//
// Help (-h, -help, --help) prints app.CustomAppHelpTemplate to stdout and returns 0; so does
// --version (-V), with "prog (nckit) VERSION". A flag written after the operands is moved in
// front of them, so `ncc host 12345 -N` means what nc means by it; `--` still ends the
// flags. Short flags may be combined (`-lvnp 12345`).
func Run(app *cli.App, args []string, stdout, stderr io.Writer) int {
	if app.Name == "" && len(args) > 0 {
		app.Name = filepath.Base(args[0])
	}
	app.Writer = stdout
	app.ErrWriter = stderr
	app.HideHelpCommand = true // an operand "help" is an operand, not a command
	app.UseShortOptionHandling = true
	app.ExitErrHandler = func(*cli.Context, error) {} // we own the exit status
	app.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
		return Usagef("%s", flagErrorText(err))
	}
	// urfave's own help flag is one package-level value that every App writes to, which races
	// when tests run several tools in one process; each run gets its own instead.
	if !app.HideHelp {
		app.HideHelp = true
		app.HideVersion = true
		app.Flags = append(app.Flags,
			&cli.BoolFlag{Name: "help", Aliases: []string{"h"}},
			&cli.BoolFlag{Name: "version", Aliases: []string{"V"}})
		action := app.Action
		app.Action = func(c *cli.Context) error {
			if c.Bool("help") {
				_, err := io.WriteString(stdout, app.CustomAppHelpTemplate)
				return err
			}
			if c.Bool("version") {
				_, err := fmt.Fprintf(stdout, "%s (nckit) %s\n", app.Name, Version())
				return err
			}
			if action == nil {
				return nil
			}
			return action(c)
		}
	}
	if len(args) > 0 {
		args = Permute(app.Flags, args)
	}
	err := app.Run(args)
	return Report(app.Name, err, stderr)
}

// Report prints err as "prog: msg" (and "prog: hint: ..." when it has one) and returns its
// exit status. A usage error ends with "prog: try 'prog -h' or 'man prog'".
func Report(prog string, err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	code := 1
	var ec cli.ExitCoder
	switch {
	case errors.Is(err, ErrUsage):
		code = 2
	case errors.As(err, &ec):
		code = ec.ExitCode()
	}
	if msg := err.Error(); msg != "" {
		fmt.Fprintf(stderr, "%s: %s\n", prog, msg)
	}
	var h Hinter
	if errors.As(err, &h) && h.Hint() != "" {
		fmt.Fprintf(stderr, "%s: hint: %s\n", prog, h.Hint())
	}
	if code == 2 {
		fmt.Fprintf(stderr, "%s: try '%s -h' or 'man %s'\n", prog, prog, prog)
	}
	return code
}

// flagErrorText rewrites the flag package's messages into nckit's style.
func flagErrorText(err error) string {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return "unknown flag " + rest
	}
	if rest, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return "flag " + rest + " needs a value"
	}
	return msg
}

// Permute returns args with every flag (and the value it takes) moved before the operands,
// keeping their order. Tokens after "--" stay operands. A lone "-" is an operand. Combined
// short flags are split the way getopt splits them: `-lvnp 80` is `-l -v -n -p 80`, and a
// letter that takes a value takes the rest of the token when there is one (`-q0`, `-Nq0`).
func Permute(flags []cli.Flag, args []string) []string {
	takes := TakesValue(flags)
	out := []string{args[0]}
	var operands []string
	afterDashes := false
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			operands = append(operands, args[i+1:]...)
			afterDashes = true
			break
		}
		if len(a) < 2 || a[0] != '-' {
			operands = append(operands, a)
			continue
		}
		toks, needsNext := splitFlag(a, takes)
		out = append(out, toks...)
		if needsNext && i+1 < len(args) {
			i++
			out = append(out, args[i])
		}
	}
	if len(operands) > 0 {
		if afterDashes || len(operands[0]) > 1 && operands[0][0] == '-' {
			out = append(out, "--")
		}
		out = append(out, operands...)
	}
	return out
}

// splitFlag turns one flag token into the tokens the flag package understands, and says
// whether the last of them still needs the next argument as its value. A token that is a
// flag's whole name, or that is not made of known one-letter flags, is left as it is for the
// flag package to accept or refuse.
func splitFlag(a string, takes map[string]bool) (toks []string, needsNext bool) {
	name := strings.TrimLeft(a, "-")
	if strings.Contains(name, "=") {
		return []string{a}, false
	}
	if tv, ok := takes[name]; ok {
		return []string{a}, tv
	}
	if a[1] == '-' || len(name) < 2 {
		return []string{a}, false
	}
	for i, r := range name {
		tv, ok := takes[string(r)]
		if !ok {
			return []string{a}, false
		}
		toks = append(toks, "-"+string(r))
		if tv {
			if rest := name[i+len(string(r)):]; rest != "" {
				return append(toks, rest), false
			}
			return toks, true
		}
	}
	return toks, false
}

// TakesValue maps every name and alias of flags to whether that flag takes a value.
func TakesValue(flags []cli.Flag) map[string]bool {
	takes := map[string]bool{}
	for _, f := range flags {
		tv := false
		if d, ok := f.(cli.DocGenerationFlag); ok {
			tv = d.TakesValue()
		}
		for _, n := range f.Names() {
			takes[n] = tv
		}
	}
	return takes
}
