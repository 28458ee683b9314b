// Prototype of ncl/ncc's data path only (no options, no error reporting): blocking
// sockets, one thread, either splice(2) between the pipe and the socket or a read/write
// loop with one buffer. Invoked as ncl (-v HOST 0) or ncc (-N HOST PORT) via argv[0];
// NCPROTO=splice|copy, NCPROTO_BUF=bytes, NCPROTO_PIPE=bytes (F_SETPIPE_SZ on the pipe end).
package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

func env(k string, d int) int {
	if v, err := strconv.Atoi(os.Getenv(k)); err == nil {
		return v
	}
	return d
}

func die(err error) {
	fmt.Fprintln(os.Stderr, filepath.Base(os.Args[0])+":", err)
	os.Exit(1)
}

const spliceMove, spliceMore = 1, 4

func move(from, to int, isSplice bool, buf []byte) {
	for {
		var n int
		var err error
		if isSplice {
			n64, e := syscall.Splice(from, nil, to, nil, len(buf), spliceMove|spliceMore)
			n, err = int(n64), e
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				die(err)
			}
			if n == 0 {
				return
			}
			continue
		}
		n, err = syscall.Read(from, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			die(err)
		}
		if n == 0 {
			return
		}
		for p := buf[:n]; len(p) > 0; {
			m, err := syscall.Write(to, p)
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				die(err)
			}
			p = p[m:]
		}
	}
}

func main() {
	isSplice := os.Getenv("NCPROTO") != "copy"
	buf := make([]byte, env("NCPROTO_BUF", 1<<20))
	pipeSz := env("NCPROTO_PIPE", 0)
	args := os.Args[1:]
	host, port := args[len(args)-2], args[len(args)-1]
	ip := net.ParseIP(host).To4()
	p, _ := strconv.Atoi(port)
	sa := &syscall.SockaddrInet4{Port: p}
	copy(sa.Addr[:], ip)
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		die(err)
	}
	switch filepath.Base(os.Args[0]) {
	case "ncc":
		if pipeSz > 0 {
			syscall.Syscall(syscall.SYS_FCNTL, 0, 1031, uintptr(pipeSz))
		}
		if err := syscall.Connect(fd, sa); err != nil {
			die(err)
		}
		move(0, fd, isSplice, buf)
		syscall.Shutdown(fd, syscall.SHUT_WR)
		for {
			n, err := syscall.Read(fd, buf)
			if n <= 0 || err != nil {
				break
			}
		}
	case "ncl":
		if pipeSz > 0 {
			syscall.Syscall(syscall.SYS_FCNTL, 1, 1031, uintptr(pipeSz))
		}
		syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
		if err := syscall.Bind(fd, sa); err != nil {
			die(err)
		}
		if err := syscall.Listen(fd, 1); err != nil {
			die(err)
		}
		got, _ := syscall.Getsockname(fd)
		fmt.Fprintf(os.Stderr, "listening on %s:%d\n", host, got.(*syscall.SockaddrInet4).Port)
		c, _, err := syscall.Accept(fd)
		if err != nil {
			die(err)
		}
		move(c, 1, isSplice, buf)
	default:
		die(fmt.Errorf("run as ncl or ncc"))
	}
}
