package netcat

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestUsage: every bad command line gets one line and exit status 2, before any I/O.
func TestUsage(t *testing.T) {
	tests := []struct {
		run    func([]string, io.Reader, io.Writer, io.Writer) int
		args   []string
		stderr string
	}{
		{Listen, []string{"ncl"}, "ncl: missing port\n"},
		{Listen, []string{"ncl", "1", "2", "3"}, "ncl: extra operand \"3\"\n"},
		{Listen, []string{"ncl", "99999"}, "ncl: invalid port \"99999\": out of range 0-65535\n"},
		{Listen, []string{"ncl", "65536"}, "ncl: invalid port \"65536\": out of range 0-65535\n"},
		{Listen, []string{"ncl", "abc"}, "ncl: invalid port \"abc\": not a number\n"},
		{Listen, []string{"ncl", "--", "-1"}, "ncl: invalid port \"-1\": out of range 0-65535\n"},
		{Listen, []string{"ncl", "-p", "-5"}, "ncl: invalid port \"-5\": out of range 0-65535\n"},
		{Listen, []string{"ncl", "-x", "1"}, "ncl: unknown flag -x\n"},
		{Listen, []string{"ncl", "-p", "5", "6"}, "ncl: extra operand \"6\" (the port is given with -p)\n"},
		{Listen, []string{"ncl", "-s", "::1", "::1", "5"}, "ncl: cannot use -s with an address operand\n"},
		{Listen, []string{"ncl", "-46", "5"}, "ncl: cannot use -4 with -6\n"},
		{Listen, []string{"ncl", "-U4", "p"}, "ncl: cannot use -U with -4\n"},
		{Listen, []string{"ncl", "-U"}, "ncl: missing socket path\n"},
		{Listen, []string{"ncl", "-k", "-q", "0", "5"}, "ncl: cannot use -q with -k\n"},
		{Listen, []string{"ncl", "-w", "0", "5"}, "ncl: invalid -w value \"0\": must be positive\n"},
		{Listen, []string{"ncl", "-q", "x", "5"}, "ncl: invalid -q value \"x\": not a number of seconds\n"},
		{Listen, []string{"ncl", "-n", "localhost", "5"}, "ncl: -n: address \"localhost\" is not numeric\n"},
		{Listen, []string{"ncl", "--each", "", "5"}, "ncl: --each needs a command\n"},
		{Listen, []string{"ncl", "--each", "cat", "-N", "5"}, "ncl: cannot use --each with -N\n"},
		{Listen, []string{"ncl", "--each", "cat", "-q", "1", "5"}, "ncl: cannot use --each with -q\n"},
		{Listen, []string{"ncl", "--each", "cat", "-d", "5"}, "ncl: cannot use --each with -d\n"},
		{Listen, []string{"ncl", "--each", "cat", "-u", "5"}, "ncl: cannot use --each with -u\n"},
		{Listen, []string{"ncl", "-p"}, "ncl: flag -p needs a value\n"},
		{Listen, []string{"ncl", "--max", "4", "5"}, "ncl: cannot use --max without --each\n"},
		{Listen, []string{"ncl", "--deadline", "4", "5"}, "ncl: cannot use --deadline without --each\n"},
		{Listen, []string{"ncl", "--each", "cat", "--max", "0", "5"}, "ncl: invalid --max value \"0\": not a number from 1 to 65536\n"},
		{Listen, []string{"ncl", "--each", "cat", "--deadline", "0", "5"}, "ncl: invalid --deadline value \"0\": must be positive\n"},
		{Listen, []string{"ncl", "--socket-mode", "600", "5"}, "ncl: cannot use --socket-mode without -U\n"},
		{Listen, []string{"ncl", "-U", "--socket-mode", "644x", "p"}, "ncl: invalid --socket-mode value \"644x\": octal, at most 777, at least 600\n"},
		{Listen, []string{"ncl", "-U", "--socket-mode", "400", "p"}, "ncl: invalid --socket-mode value \"400\": octal, at most 777, at least 600\n"},
		{Listen, []string{"ncl", "-w", "x", "5"}, "ncl: invalid -w value \"x\": not a number of seconds\n"},
		{Listen, []string{"ncl", "-U", "a", "b"}, "ncl: extra operand \"b\"\n"},
		{Listen, []string{"ncl", "-U", "-s", "x", "a"}, "ncl: cannot use -U with -s\n"},
		{Connect, []string{"ncc"}, "ncc: missing host and port\n"},
		{Connect, []string{"ncc", "h"}, "ncc: missing port\n"},
		{Connect, []string{"ncc", "h", "1", "x"}, "ncc: extra operand \"x\"\n"},
		{Connect, []string{"ncc", "h", "0"}, "ncc: invalid port \"0\": out of range 1-65535\n"},
		{Connect, []string{"ncc", "h", "http"}, "ncc: invalid port \"http\": not a number\n"},
		{Connect, []string{"ncc", "-l", "1"}, "ncc: unknown flag -l\n"},
		{Connect, []string{"ncc", "-zu", "h", "1"}, "ncc: cannot use -z with -u\n"},
		{Connect, []string{"ncc", "-n", "localhost", "1"}, "ncc: -n: host \"localhost\" is not numeric\n"},
		{Connect, []string{"ncc", "--retry", "-1", "h", "1"}, "ncc: invalid --retry value \"-1\": must be positive\n"},
		{Connect, []string{"ncc", "-U", "a", "b"}, "ncc: extra operand \"b\"\n"},
		{Connect, []string{"ncc", "-U"}, "ncc: missing socket path\n"},
		{Connect, []string{"ncc", "localhost:27190"}, "ncc: missing port\n" +
			"ncc: hint: give host and port as two operands: ncc HOST PORT\n"},
		{Connect, []string{"ncc", "[::1]:27190"}, "ncc: missing port\n" +
			"ncc: hint: give host and port as two operands: ncc HOST PORT\n"},
		{Connect, []string{"ncc", "-e", "/bin/sh", "h", "1"}, "ncc: unknown flag -e\n" +
			"ncc: hint: nckit does not execute programs for the peer; use --each CMD\n"},
		{Listen, []string{"ncl", "-e", "/bin/sh", "-lp", "1"}, "ncl: unknown flag -e\n" +
			"ncl: hint: nckit does not execute programs for the peer; use --each CMD\n"},
		{Listen, []string{"ncl", "-lc", "sh", "1"}, "ncl: unknown flag -c\n" +
			"ncl: hint: nckit does not execute programs for the peer; use --each CMD\n"},
		{Listen, []string{"ncl", "27191", "27192"}, "ncl: two ports given: \"27191\" and \"27192\"\n" +
			"ncl: hint: ncl listens on one port: ncl [ADDR] PORT; start one ncl per port\n"},
		{Listen, []string{"ncl", "localhost:27190"}, "ncl: invalid port \"localhost:27190\": not a number\n" +
			"ncl: hint: give address and port as two operands: ncl [ADDR] PORT\n"},
		{Connect, []string{"ncc", "h", "70000"}, "ncc: invalid port \"70000\": out of range 1-65535\n"},
		{Connect, []string{"ncc", "-w", "0", "h", "1"}, "ncc: invalid -w value \"0\": must be positive\n"},
		{Connect, []string{"ncc", "--retry", "x", "h", "1"}, "ncc: invalid --retry value \"x\": not a number of seconds\n"},
		{Connect, []string{"ncc", "-p", "x", "h", "1"}, "ncc: invalid port \"x\": not a number\n"},
		{Connect, []string{"ncc", "-4", "-6", "h", "1"}, "ncc: cannot use -4 with -6\n"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := tt.run(tt.args, strings.NewReader(""), &stdout, &stderr)
		prog := tt.args[0]
		want := tt.stderr + prog + ": try '" + prog + " -h' or 'man " + prog + "'\n"
		if code != 2 || stderr.String() != want || stdout.Len() != 0 {
			t.Errorf("%q: code %d, stderr %q, stdout %q; want 2, %q", tt.args, code, stderr.String(), stdout.String(), want)
		}
	}
}

// TestHelp: help the user asked for goes to stdout and exits 0; it names every option the
// command accepts and ends with the man page's name.
func TestHelp(t *testing.T) {
	for _, tt := range []struct {
		run   func([]string, io.Reader, io.Writer, io.Writer) int
		prog  string
		flags []cli.Flag
	}{{Listen, "ncl", ListenFlags()}, {Connect, "ncc", ConnectFlags()}} {
		var stdout, stderr bytes.Buffer
		code := tt.run([]string{tt.prog, "-h"}, nil, &stdout, &stderr)
		help := stdout.String()
		if code != 0 || stderr.Len() != 0 || !strings.HasPrefix(help, "usage: "+tt.prog+" ") ||
			!strings.HasSuffix(help, "\nSee "+tt.prog+"(1).\n") {
			t.Errorf("%s -h: code %d, stdout %q, stderr %q", tt.prog, code, help, stderr.String())
		}
		for _, f := range tt.flags {
			for _, name := range f.Names() {
				opt := "-" + name
				if len(name) > 1 {
					opt = "--" + name
				}
				if !regexp.MustCompile(`(^|[\s\[,])` + regexp.QuoteMeta(opt) + `\b`).MatchString(help) {
					t.Errorf("%s -h does not mention %s", tt.prog, opt)
				}
			}
		}
	}
}
