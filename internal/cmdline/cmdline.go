// Package cmdline runs a urfave/cli App the way nckit's filters need: stdout is payload, so
// help and diagnostics go to stderr; flags may follow operands, as with GNU getopt, which
// the nc and openssl that scripts were written for accept; and every error becomes one line
// "prog: msg" and an exit status (0 ok, 1 failure, 2 usage).
package cmdline

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
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

// Run runs app on args (args[0] is the program name) and returns the exit status.
//
// Help (-h, -help, --help) prints app.CustomAppHelpTemplate to stderr and returns 0. A flag
// written after the operands is moved in front of them, so `ncc host 12345 -N` means what
// nc means by it; `--` still ends the flags. Short flags may be combined (`-lvnp 12345`).
func Run(app *cli.App, args []string, stderr io.Writer) int {
	if app.Name == "" && len(args) > 0 {
		app.Name = filepath.Base(args[0])
	}
	app.Writer = stderr
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
		app.Flags = append(app.Flags, &cli.BoolFlag{Name: "help", Aliases: []string{"h"}})
		action := app.Action
		app.Action = func(c *cli.Context) error {
			if c.Bool("help") {
				_, err := io.WriteString(stderr, app.CustomAppHelpTemplate)
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
// exit status.
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
	takes := map[string]bool{} // flag name -> takes a value
	for _, f := range flags {
		tv := false
		if d, ok := f.(cli.DocGenerationFlag); ok {
			tv = d.TakesValue()
		}
		for _, n := range f.Names() {
			takes[n] = tv
		}
	}
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
