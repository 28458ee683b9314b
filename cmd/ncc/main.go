// Command ncc connects to host port and copies the connection to stdout while copying stdin
// to it, a drop-in for OpenBSD "nc host port" that never loses data silently.
//
//	ncc [-46dNnuvz] [-p port] [-q secs] [-s addr] [-w secs] [--retry secs] host port
//	ncc -U [options] path
//
// See ncc(1).
package main

import (
	"os"

	"github.com/nckit/nckit/internal/netcat"
)

func main() {
	netcat.CatchSignals("ncc", os.Stderr)
	os.Exit(netcat.Connect(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
