// Command ncl listens on a port and copies the connection to stdout while copying stdin
// to it: a drop-in for OpenBSD "nc -l" that never loses data silently.
//
//	ncl [-46dkNnuv] [-q secs] [-s addr] [-w secs] [--each cmd] [addr] port
//	ncl [options] -p port
//	ncl -U [options] path
//
// Options: -l (accepted, ncl always listens), -p port, -s addr, -4/-6, -u (UDP), -U (unix
// socket), -k (keep serving, one connection at a time), --each cmd (run cmd per
// connection with the peer's data as stdin), -N (FIN after stdin EOF), -d (no stdin),
// -q secs (quit after stdin EOF), -w secs (idle timeout), -n (numeric only), -v (status
// lines on stderr). Exit status: 0 ok, 1 failure, 2 usage, 128+N interrupted by
// signal N (INT, TERM, HUP; the connection is reset). See README.md.
package main

import (
	"os"

	"github.com/nckit/nckit/internal/netcat"
)

func main() {
	os.Exit(netcat.ListenMain(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
