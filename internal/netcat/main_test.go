package netcat

import (
	"os"
	"testing"
)

// TestMain gives the package's tests a TMPDIR of their own: a listener that a test leaves
// running until the binary exits would otherwise leave its --each KDF slot directory behind.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "netcat-test-")
	if err != nil {
		panic(err)
	}
	os.Setenv("TMPDIR", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
