package native

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"fmt"
	"io"
	"os"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"
)

// Benchmarks behind the numbers in docs/FORMAT.md ("Measurements"):
//
//	go test -run=^$ -bench=. -benchtime=2s ./internal/native

// BenchmarkAEAD compares the two candidate AEADs per record size (sealing only).
func BenchmarkAEAD(b *testing.B) {
	key := make([]byte, 32)
	block, _ := aes.NewCipher(key)
	gcm, _ := cipher.NewGCM(block)
	chacha, _ := chacha20poly1305.New(key)
	for _, size := range []int{64, 1024, 4096, 16384, 65536, 262144} {
		for _, c := range []struct {
			name string
			aead cipher.AEAD
		}{{"aes-256-gcm", gcm}, {"chacha20-poly1305", chacha}} {
			b.Run(fmt.Sprintf("%s/%d", c.name, size), func(b *testing.B) {
				buf := make([]byte, size+16)
				nonce := make([]byte, 12)
				b.SetBytes(int64(size))
				for i := 0; b.Loop(); i++ {
					nonce[11] = byte(i)
					c.aead.Seal(buf[:0], nonce, buf[:size], nil)
				}
			})
		}
	}
}

// BenchmarkEncrypt is the writer's throughput with writes of a given size (a 16 KiB write is
// one full record; 64-byte writes model a chat), binary and armored, to io.Discard.
func BenchmarkEncrypt(b *testing.B) {
	for _, armor := range []bool{false, true} {
		for _, size := range []int{64, 4096, RecordSize, 4 * RecordSize} {
			b.Run(fmt.Sprintf("armor=%v/write=%d", armor, size), func(b *testing.B) {
				w, err := NewWriter(io.Discard, password, cheap, armor)
				if err != nil {
					b.Fatal(err)
				}
				p := pattern(size)
				b.SetBytes(int64(size))
				for b.Loop() {
					w.Write(p)
				}
			})
		}
	}
}

// BenchmarkDecrypt decodes an 8 MiB stream of full records from memory.
func BenchmarkDecrypt(b *testing.B) {
	for _, armor := range []bool{false, true} {
		b.Run(fmt.Sprintf("armor=%v", armor), func(b *testing.B) {
			plain := pattern(8 << 20)
			ct := seal(b, plain, RecordSize, armor)
			b.SetBytes(int64(len(plain)))
			br := bufio.NewReader(nil)
			for b.Loop() {
				br.Reset(bytes.NewReader(ct))
				if err := DecryptStream(br, io.Discard, password); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPipe runs encryptor and decryptor concurrently across an OS pipe, as
// `ncenc | ncdec` does, with writes of the given size: the end-to-end throughput.
func BenchmarkPipe(b *testing.B) {
	for _, size := range []int{4096, RecordSize, 4 * RecordSize} {
		b.Run(fmt.Sprintf("write=%d", size), func(b *testing.B) {
			pr, pw, err := os.Pipe()
			if err != nil {
				b.Fatal(err)
			}
			defer pr.Close()
			p := pattern(size)
			b.SetBytes(int64(size))
			done := make(chan error, 1)
			go func() { done <- DecryptStream(bufio.NewReaderSize(pr, 64<<10), io.Discard, password) }()
			w, err := NewWriter(pw, password, cheap, false)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				w.Write(p)
			}
			w.Close()
			pw.Close()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkSetup is the per-stream cost at DefaultParams: NewWriter (one Argon2id and the
// header) and the decryption of an empty stream (one Argon2id and the commitment check).
func BenchmarkSetup(b *testing.B) {
	b.Run("encrypt", func(b *testing.B) {
		for b.Loop() {
			if _, err := NewWriter(io.Discard, password, DefaultParams(), false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decrypt", func(b *testing.B) {
		var buf bytes.Buffer
		w, _ := NewWriter(&buf, password, DefaultParams(), false)
		w.Close()
		for b.Loop() {
			if err := DecryptStream(bufio.NewReader(bytes.NewReader(buf.Bytes())), io.Discard, password); err != nil {
				b.Fatal(err)
			}
		}
	})
}
