package netcat

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

// The -v status lines are OpenBSD nc 1.219's, byte for byte, because scripts scrape them
// (its regress tests read the port with sed -E 's/(Listening|Bound) on .* //p'):
//
//	Listening on HOST PORT        a TCP listener; "Bound on PATH" then "Listening on PATH" for -U
//	Bound on HOST PORT            a UDP listener; "Bound on PATH" for -U -u (and ncc -U -u)
//	Connection received on HOST PORT    (on PATH for -U)
//	Connection to HOST [(IP)] PORT port [tcp/SERVICE] succeeded!
//
// HOST is a name found by reverse lookup unless -n; SERVICE is the port's name in
// /etc/services, or * (always with -n). nckit's own lines start with "ncl: " or "ncc: ".

// hostName is ip as nc's report_sock shows it: its first name (from /etc/hosts or DNS)
// without -n, else the number. The unspecified address has no name worth a lookup.
func hostName(ip net.IP, numeric bool) string {
	if numeric || ip.IsUnspecified() {
		return ip.String()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if names, err := net.DefaultResolver.LookupAddr(ctx, ip.String()); err == nil && len(names) > 0 {
		return strings.TrimSuffix(names[0], ".")
	}
	return ip.String()
}

// sockLine is "MSG on HOST PORT" for an IP address, "MSG on PATH" for a unix socket.
func sockLine(w io.Writer, msg string, addr net.Addr, cfg *config) {
	var ip net.IP
	port := 0
	switch a := addr.(type) {
	case *net.TCPAddr:
		ip, port = a.IP, a.Port
	case *net.UDPAddr:
		ip, port = a.IP, a.Port
	default:
		printf(w, "%s on %s", msg, cfg.addr)
		return
	}
	if ip.IsUnspecified() && !strings.HasSuffix(cfg.network, "6") {
		// ncl listens on both families; nc, listening on IPv4 by default, says 0.0.0.0
		ip = net.IPv4zero
	}
	printf(w, "%s on %s %d", msg, hostName(ip, cfg.numeric), port)
}

// reportListening prints what nc -l -v prints once its socket is ready.
func reportListening(w io.Writer, addr net.Addr, cfg *config) {
	switch {
	case cfg.network == "unix":
		sockLine(w, "Bound", addr, cfg)
		sockLine(w, "Listening", addr, cfg)
	case cfg.datagram():
		sockLine(w, "Bound", addr, cfg)
	default:
		sockLine(w, "Listening", addr, cfg)
	}
}

// reportConnected prints nc -v's line for a connection made to host (as the user wrote it).
func reportConnected(w io.Writer, host, port string, remote net.Addr, cfg *config) {
	if strings.HasPrefix(cfg.network, "unix") {
		return // nc -U -v says nothing once connected
	}
	proto := "tcp"
	if cfg.datagram() {
		proto = "udp"
	}
	line := "Connection to " + host
	if ip := addrIP(remote); !cfg.numeric && ip != nil && ip.String() != host {
		line += " (" + ip.String() + ")"
	}
	service := "*"
	if !cfg.numeric {
		if s := serviceName(port, proto); s != "" {
			service = s
		}
	}
	printf(w, "%s %s port [%s/%s] succeeded!", line, port, proto, service)
}

func addrIP(a net.Addr) net.IP {
	switch a := a.(type) {
	case *net.TCPAddr:
		return a.IP
	case *net.UDPAddr:
		return a.IP
	}
	return nil
}

// serviceName is the name /etc/services gives port/proto, as getservbyport(3) finds it.
func serviceName(port, proto string) string {
	f, err := os.Open("/etc/services")
	if err != nil {
		return ""
	}
	defer f.Close()
	want := port + "/" + proto
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if fields := strings.Fields(line); len(fields) >= 2 && fields[1] == want {
			return fields[0]
		}
	}
	return ""
}
