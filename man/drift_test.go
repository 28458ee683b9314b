//go:build drift

// The drift tag goes once netcat.ListenFlags/ConnectFlags and encdec.EncFlags/DecFlags are
// merged (plan.md, command shape); until then `go test -tags drift ./man` runs this file.

package man_test

import (
	"slices"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/nckit/nckit/internal/encdec"
	"github.com/nckit/nckit/internal/netcat"
)

// cmdlineFlags are the flags cmdline.Run adds to every command.
var cmdlineFlags = []string{"help", "h", "version", "V"}

var commands = []struct {
	name  string
	page  string
	flags func() []cli.Flag
}{
	{"ncl", "ncl.1", netcat.ListenFlags},
	{"ncc", "ncc.1", netcat.ConnectFlags},
	{"ncenc", "ncenc.1", encdec.EncFlags},
	{"ncdec", "ncdec.1", encdec.DecFlags},
}

// accepted is the sorted set of names a command accepts, without dashes.
func accepted(flags []cli.Flag) []string {
	names := slices.Clone(cmdlineFlags)
	for _, f := range flags {
		names = append(names, f.Names()...)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func TestPagesNameEveryFlag(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			want := accepted(c.flags())
			got := pageOptions(t, c.page)
			if missing := minus(want, got); len(missing) > 0 {
				t.Errorf("%s accepts %s, which %s does not describe in OPTIONS",
					c.name, dashed(missing), c.page)
			}
			if extra := minus(got, want); len(extra) > 0 {
				t.Errorf("%s describes %s, which %s does not accept", c.page, dashed(extra), c.name)
			}
		})
	}
}

func TestCompletionNamesEveryFlag(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			got := completionFlags(t, c.name)
			want := accepted(c.flags())
			if missing := minus(want, got); len(missing) > 0 {
				t.Errorf("the completion of %s lacks %s", c.name, dashed(missing))
			}
			if extra := minus(got, want); len(extra) > 0 {
				t.Errorf("the completion of %s offers %s, which it does not accept", c.name, dashed(extra))
			}
		})
	}
}
