package netcat

import (
	"bytes"
	"net"
	"os"
	"testing"
)

// TestStatusLines: nc 1.219's -v lines, names unless -n, services from /etc/services.
func TestStatusLines(t *testing.T) {
	if _, err := os.Stat("/etc/services"); err != nil {
		t.Skip("no /etc/services")
	}
	tcp := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}
	for _, tt := range []struct {
		cfg  config
		host string
		want string
	}{
		{config{network: "tcp"}, "127.0.0.1", "Connection to 127.0.0.1 8080 port [tcp/http-alt] succeeded!\n"},
		{config{network: "tcp", numeric: true}, "127.0.0.1", "Connection to 127.0.0.1 8080 port [tcp/*] succeeded!\n"},
		{config{network: "tcp"}, "localhost", "Connection to localhost (127.0.0.1) 8080 port [tcp/http-alt] succeeded!\n"},
		{config{network: "unix"}, "", ""},
	} {
		var b bytes.Buffer
		reportConnected(&b, tt.host, "8080", tcp, &tt.cfg)
		if b.String() != tt.want {
			t.Errorf("%+v %s: %q, want %q", tt.cfg, tt.host, b.String(), tt.want)
		}
	}
	var b bytes.Buffer
	reportListening(&b, &net.TCPAddr{IP: net.IPv6unspecified, Port: 5}, &config{network: "tcp", numeric: true})
	reportListening(&b, &net.UDPAddr{IP: net.IPv6loopback, Port: 6}, &config{network: "udp6", numeric: true})
	reportListening(&b, &net.UnixAddr{Name: "s"}, &config{network: "unix", addr: "s"})
	if want := "Listening on 0.0.0.0 5\nBound on ::1 6\nBound on s\nListening on s\n"; b.String() != want {
		t.Errorf("%q, want %q", b.String(), want)
	}
}
