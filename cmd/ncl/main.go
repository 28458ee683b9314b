// Command ncl listens on a port and copies the connection to stdout while copying stdin to
// it, a drop-in for OpenBSD "nc -l" that never loses data silently.
//
//	ncl [-46dkNnuv] [-q secs] [-s addr] [-w secs] [--each cmd] [addr] port
//	ncl -U [options] path
//
// See ncl(1).
package main

import (
	"os"

	"github.com/nckit/nckit/internal/netcat"
)

func main() {
	netcat.CatchSignals("ncl", os.Stderr)
	os.Exit(netcat.Listen(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
