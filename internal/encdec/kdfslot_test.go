package encdec

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nckit/nckit/internal/native"
	"golang.org/x/sys/unix"
)

// TestKDFSlotWaits: under NCL_KDF_SLOTS, a decoder's Argon2id run waits while every slot is
// held by another process (here: the test's own flocks), and proceeds once one is freed.
func TestKDFSlotWaits(t *testing.T) {
	var ct bytes.Buffer
	w, err := native.NewWriter(&ct, []byte("pw"), native.Params{Time: 1, MemoryKiB: 64, Threads: 1}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var held []*os.File
	for _, name := range []string{"0", "1"} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			t.Fatal(err)
		}
		held = append(held, f)
	}
	t.Setenv(kdfSlotsEnv, dir)

	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- native.Decrypt(bufio.NewReader(bytes.NewReader(ct.Bytes())), &out, []byte("pw"), native.Options{})
	}()
	select {
	case err := <-done:
		t.Fatalf("decrypted while both slots were held: %v", err)
	case <-time.After(300 * time.Millisecond): // the scenario: no slot for this long
	}
	held[1].Close() // frees slot "1"
	select {
	case err := <-done:
		if err != nil || out.String() != "hello\n" {
			t.Fatalf("after a slot was freed: %q, %v", out.String(), err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still waiting after a slot was freed")
	}
	// The decoder released its slot: it can be taken again at once.
	f, err := os.Open(filepath.Join(dir, "1"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		t.Errorf("slot still held after the derivation: %v", err)
	}
}

// TestKDFSlotMissing: a slots directory that is gone fails the decoding, naming it.
func TestKDFSlotMissing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gone")
	t.Setenv(kdfSlotsEnv, dir)
	if _, err := takeKDFSlot(); err == nil || !bytes.Contains([]byte(err.Error()), []byte(dir)) {
		t.Errorf("err %v, want one naming %s", err, dir)
	}
}
