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
			compare(t, c.name, c.page+"'s OPTIONS", pageOptions(t, c.page), accepted(c.flags()))
		})
	}
}

func TestCompletionNamesEveryFlag(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			compare(t, c.name, "its completion", completionFlags(t, c.name), accepted(c.flags()))
		})
	}
}

// compare checks that doc (what where documents) names exactly what cmd accepts.
func compare(t *testing.T, cmd, where string, doc, want []string) {
	t.Helper()
	if d := minus(want, doc); len(d) > 0 {
		t.Errorf("%s accepts %s, which %s does not name", cmd, dashed(d), where)
	}
	if d := minus(doc, want); len(d) > 0 {
		t.Errorf("%s names %s, which %s does not accept", where, dashed(d), cmd)
	}
}
