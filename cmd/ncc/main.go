// Command ncc connects to host port and copies the connection to stdout while copying
// stdin to it: a drop-in for OpenBSD "nc host port" that never loses data silently.
//
//	ncc [-46dNnuvz] [-p port] [-q secs] [-s addr] [-w secs] [--retry secs] host port
//	ncc -U [options] path
//
// Options: -N (FIN after stdin EOF), -d (no stdin), -q secs (quit after stdin EOF),
// -w secs (connect and idle timeout), -s addr and -p port (local side), -4/-6, -u (UDP),
// -U (unix socket), -n (numeric host), -z (only probe), --retry secs (retry a refused
// connection until secs have passed), -v (status line on stderr).
// Exit status: 0 ok, 1 failure, 2 usage, 128+N interrupted by
// signal N (INT, TERM, HUP; the connection is reset). See README.md.
package main

import (
	"os"

	"github.com/nckit/nckit/internal/netcat"
)

func main() {
	os.Exit(netcat.ConnectMain(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
