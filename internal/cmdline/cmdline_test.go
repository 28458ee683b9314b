package cmdline

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

func testFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "l"},
		&cli.BoolFlag{Name: "k"},
		&cli.BoolFlag{Name: "N"},
		&cli.BoolFlag{Name: "v"},
		&cli.IntFlag{Name: "p"},
		&cli.StringFlag{Name: "pass"},
		&cli.BoolFlag{Name: "aes-256-cbc", Aliases: []string{"aes256"}},
	}
}

func TestPermute(t *testing.T) {
	tests := []struct {
		in, want []string
	}{
		{[]string{"ncc", "host", "80", "-N"}, []string{"ncc", "-N", "host", "80"}},
		{[]string{"ncl", "-lvp", "80"}, []string{"ncl", "-l", "-v", "-p", "80"}},
		{[]string{"ncl", "80", "-lvp", "81"}, []string{"ncl", "-l", "-v", "-p", "81", "80"}},
		{[]string{"ncc", "-p0", "h", "80"}, []string{"ncc", "-p", "0", "h", "80"}},
		{[]string{"ncc", "-Np12", "h", "80"}, []string{"ncc", "-N", "-p", "12", "h", "80"}},
		{[]string{"ncc", "h", "80", "-p", "-1"}, []string{"ncc", "-p", "-1", "h", "80"}},
		{[]string{"ncc", "-Nx", "h"}, []string{"ncc", "-Nx", "h"}},
		{[]string{"ncc", "--lk", "h"}, []string{"ncc", "--lk", "h"}},
		{[]string{"ncenc", "-pass", "x", "-aes256"}, []string{"ncenc", "-pass", "x", "-aes256"}},
		{[]string{"ncenc", "-aes256", "file", "-pass", "-x"}, []string{"ncenc", "-aes256", "-pass", "-x", "file"}},
		{[]string{"ncc", "-N", "--", "-host", "80"}, []string{"ncc", "-N", "--", "-host", "80"}},
		{[]string{"ncc", "-", "80"}, []string{"ncc", "-", "80"}},
		{[]string{"ncc", "-pass=x", "a"}, []string{"ncc", "-pass=x", "a"}},
		{[]string{"ncc"}, []string{"ncc"}},
	}
	for _, tt := range tests {
		got := Permute(testFlags(), tt.in)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Permute(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func newApp(action cli.ActionFunc) *cli.App {
	return &cli.App{
		Name:                  "prog",
		Flags:                 testFlags(),
		CustomAppHelpTemplate: "usage: prog [-lkNv] [-p port]\n",
		Action:                action,
	}
}

type hinted struct{}

func (hinted) Error() string { return "no password" }
func (hinted) Hint() string  { return "set NCPASS" }

const try = "prog: try 'prog -h' or 'man prog'\n"

func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		err      error
		code     int
		stdout   string
		stderr   string
		wantArgs []string
	}{
		{"ok", []string{"prog", "a", "-N"}, nil, 0, "", "", []string{"a"}},
		{"help", []string{"prog", "-h"}, nil, 0, "usage: prog [-lkNv] [-p port]\n", "", nil},
		{"long help", []string{"prog", "--help"}, nil, 0, "usage: prog [-lkNv] [-p port]\n", "", nil},
		{"version", []string{"prog", "--version"}, nil, 0, "prog (nckit) " + Version() + "\n", "", nil},
		{"-V", []string{"prog", "-V"}, nil, 0, "prog (nckit) " + Version() + "\n", "", nil},
		{"unknown flag", []string{"prog", "-x"}, nil, 2, "", "prog: unknown flag -x\n" + try, nil},
		{"missing value", []string{"prog", "-p"}, nil, 2, "", "prog: flag -p needs a value\n" + try, nil},
		{"bad value", []string{"prog", "-p", "abc"}, nil, 2, "", "prog: invalid value \"abc\" for flag -p: parse error\n" + try, nil},
		{"usage from action", []string{"prog"}, Usagef("missing port"), 2, "", "prog: missing port\n" + try, nil},
		{"runtime", []string{"prog"}, errors.New("connection refused"), 1, "", "prog: connection refused\n", nil},
		{"exit coder", []string{"prog"}, cli.Exit("", 3), 3, "", "", nil},
		{"hint", []string{"prog"}, hinted{}, 1, "", "prog: no password\nprog: hint: set NCPASS\n", nil},
		{"help operand", []string{"prog", "help"}, nil, 0, "", "", []string{"help"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotArgs []string
			var stdout, stderr bytes.Buffer
			app := newApp(func(c *cli.Context) error {
				gotArgs = c.Args().Slice()
				return tt.err
			})
			code := Run(app, tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("code = %d, want %d", code, tt.code)
			}
			if stdout.String() != tt.stdout {
				t.Errorf("stdout = %q, want %q", stdout.String(), tt.stdout)
			}
			if stderr.String() != tt.stderr {
				t.Errorf("stderr = %q, want %q", stderr.String(), tt.stderr)
			}
			if tt.wantArgs != nil && !reflect.DeepEqual(gotArgs, tt.wantArgs) {
				t.Errorf("args = %q, want %q", gotArgs, tt.wantArgs)
			}
		})
	}
}

func TestCombinedShortFlags(t *testing.T) {
	var l, k, v bool
	var p int
	app := newApp(func(c *cli.Context) error {
		l, k, v, p = c.Bool("l"), c.Bool("k"), c.Bool("v"), c.Int("p")
		return nil
	})
	var stderr bytes.Buffer
	if code := Run(app, []string{"prog", "-lkvp", "12345"}, &stderr, &stderr); code != 0 {
		t.Fatalf("code %d: %s", code, stderr.String())
	}
	if !l || !k || !v || p != 12345 {
		t.Errorf("got l=%v k=%v v=%v p=%d", l, k, v, p)
	}
	if strings.Contains(stderr.String(), "Incorrect") {
		t.Errorf("stderr %q", stderr.String())
	}
}
