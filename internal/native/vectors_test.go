package native

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/argon2"
)

// The committed test vectors live in testdata/native at the repository root;
// `go test ./internal/native -run TestVectors -update` regenerates them (README.md there).
var update = flag.Bool("update", false, "rewrite testdata/native from this implementation")

const vectorDir = "../../testdata/native"

type vector struct {
	Name     string   `json:"name"`
	Comment  string   `json:"comment"`
	Password string   `json:"password"`
	Label    string   `json:"label"`
	Time     uint32   `json:"argon2_time"`
	Memory   uint32   `json:"argon2_memory_kib"`
	Threads  uint8    `json:"argon2_threads"`
	Salt     string   `json:"salt"`
	Armor    bool     `json:"armor"`
	Writes   []int    `json:"writes,omitempty"` // lengths of the successive Write calls
	Plain    string   `json:"plaintext_file,omitempty"`
	Stream   string   `json:"stream_file"`
	Error    string   `json:"error,omitempty"` // expected failure: wrong password, corrupt, ...
	Inter    *interms `json:"intermediates,omitempty"`
}

// interms are the key schedule's intermediate values, for implementers to check step by step.
type interms struct {
	Header    string `json:"header"`
	IKM       string `json:"argon2id_output"`
	PRK       string `json:"hkdf_prk"`
	Commit    string `json:"commit"`
	NonceBase string `json:"nonce_base"`
	Key0      string `json:"key_epoch_0"`
	Key1      string `json:"key_epoch_1"`
	Record0   string `json:"first_record,omitempty"`
}

var sentinels = map[string]error{
	"wrong password": ErrWrongPassword, "corrupt": ErrCorrupt, "truncated": ErrTruncated,
	"unsupported": ErrUnsupported, "limit": ErrLimit,
}

func vectorSalt(name string) []byte {
	s := sha256.Sum256([]byte("nckit test vector " + name))
	return s[:SaltLen]
}

// makeStream encrypts plain in writes of the given lengths with a fixed salt.
func makeStream(t *testing.T, v *vector, plain []byte) ([]byte, *interms) {
	t.Helper()
	salt, _ := hex.DecodeString(v.Salt)
	p := Params{v.Time, v.Memory, v.Threads}
	var buf bytes.Buffer
	w, err := newWriter(&buf, []byte(v.Password), p, v.Armor, v.Label, bytes.NewReader(salt))
	if err != nil {
		t.Fatal(err)
	}
	rest := plain
	for _, n := range v.Writes {
		w.Write(rest[:n])
		rest = rest[n:]
	}
	w.Close()
	h := &header{params: p}
	copy(h.salt[:], salt)
	ikm := argon2.IDKey([]byte(v.Password), salt, p.Time, p.MemoryKiB, p.Threads, ikmLen)
	s, err := expand(ikm, h.marshal()[:HeaderLen-CommitLen], v.Label)
	if err != nil {
		t.Fatal(err)
	}
	h.commit = s.commit
	k0, _ := s.epochKey(0)
	k1, _ := s.epochKey(1)
	in := &interms{
		Header: hex.EncodeToString(h.marshal()), IKM: hex.EncodeToString(ikm),
		PRK: hex.EncodeToString(s.prk), Commit: hex.EncodeToString(s.commit[:]),
		NonceBase: hex.EncodeToString(s.nonceBase[:]), Key0: hex.EncodeToString(k0), Key1: hex.EncodeToString(k1),
	}
	if !v.Armor {
		if b := buf.Bytes()[HeaderLen:]; len(b) >= 2 {
			in.Record0 = hex.EncodeToString(b[:2+int(binary.BigEndian.Uint16(b))])
		}
	}
	return buf.Bytes(), in
}

// rawRecord seals an arbitrary inner plaintext (data || type || padding) as the next record,
// for the vectors a conforming writer never produces.
func rawRecord(s *schedule, inner []byte) []byte {
	aead, nonce, _ := s.next()
	rec := binary.BigEndian.AppendUint16(nil, uint16(len(inner)+tagLen))
	return aead.Seal(rec, nonce, inner, rec[:2])
}

func generateVectors(t *testing.T) {
	cheapV := func(name, comment string, writes []string, armor bool, label string) (vector, []byte) {
		var plain []byte
		var lens []int
		for _, w := range writes {
			plain = append(plain, w...)
			lens = append(lens, len(w))
		}
		return vector{Name: name, Comment: comment, Password: "chatpassword", Label: label,
			Time: 1, Memory: 64, Threads: 1, Salt: hex.EncodeToString(vectorSalt(name)), Armor: armor, Writes: lens}, plain
	}
	var vs []vector
	add := func(v vector, plain, stream []byte) {
		ext := ".nck"
		if v.Armor {
			ext = ".nck.txt"
		}
		v.Stream = v.Name + ext
		if plain != nil {
			v.Plain = v.Name + ".plain"
			must(t, os.WriteFile(filepath.Join(vectorDir, v.Plain), plain, 0o644))
		}
		must(t, os.WriteFile(filepath.Join(vectorDir, v.Stream), stream, 0o644))
		vs = append(vs, v)
	}
	positive := func(v vector, plain []byte) []byte {
		stream, in := makeStream(t, &v, plain)
		v.Inter = in
		add(v, plain, stream)
		return stream
	}
	v, p := cheapV("empty", "no data: header and END record only", nil, false, "")
	positive(v, p)
	v, p = cheapV("hi", "one line, one DATA record", []string{"hi\n"}, false, "")
	hi := positive(v, p)
	v, p = cheapV("lines-armored", "two writes, armored: header line, two record lines, END line", []string{"hello\n", "world\n"}, true, "")
	arm := positive(v, p)
	v, p = cheapV("lines-armored-crlf", "the same text with CRLF line ends, which decoders accept", nil, true, "")
	v.Salt, v.Writes, v.Inter = "", nil, nil
	add(v, []byte("hello\nworld\n"), bytes.ReplaceAll(arm, []byte("\n"), []byte("\r\n")))
	v, p = cheapV("three-records", "one write of 2*16384+1 bytes (byte i = i mod 251): two full records and one of 1 byte",
		[]string{string(pattern(2*RecordSize + 1))}, false, "")
	positive(v, p)
	v, p = cheapV("labeled", "label \"alice->bob\" in the key context", []string{"hi\n"}, false, "alice->bob")
	positive(v, p)
	v, p = cheapV("lanes", "argon2id t=3, m=256 KiB, p=4", []string{"four lanes\n"}, false, "")
	v.Time, v.Memory, v.Threads = 3, 256, 4
	positive(v, p)
	v, p = cheapV("default-params", "DefaultParams(): t=2, m=65536 KiB, p=1", []string{"hi\n"}, true, "")
	v.Time, v.Memory, v.Threads = DefaultParams().Time, DefaultParams().MemoryKiB, DefaultParams().Threads
	positive(v, p)

	// Hand-made records: padding (accepted), an END record with data and an empty DATA record
	// (both rejected). Built on the "hi" header with its schedule.
	hand := func(name, comment, errName string, plain []byte, inners ...[]byte) {
		v, _ := cheapV("hi", "", nil, false, "")
		_, in := makeStream(t, &v, nil)
		hb, _ := hex.DecodeString(in.Header)
		h, _ := parseHeader(hb)
		s, _ := derive([]byte(v.Password), h, "")
		stream := bytes.Clone(hb)
		for _, inner := range inners {
			stream = append(stream, rawRecord(s, inner)...)
		}
		v.Name, v.Comment, v.Error, v.Writes = name, comment, errName, nil
		add(v, plain, stream)
	}
	hand("padded", "DATA \"hi\\n\" padded with 40 zero bytes, then an END padded with 3: decoders strip the padding",
		"", []byte("hi\n"), append([]byte("hi\n\x01"), make([]byte, 40)...), []byte{typeEnd, 0, 0, 0})
	hand("end-with-data", "an END record carrying \"x\": rejected", "corrupt", nil, []byte("x\x02"))
	hand("empty-data", "an empty DATA record: rejected", "corrupt", nil, []byte{typeData}, []byte{typeEnd})
	hand("unknown-type", "a record of type 3: rejected", "corrupt", nil, []byte("x\x03"))

	// A negative vector's plaintext file, if any, is what a decoder may write before failing.
	negative := func(name, comment, errName, password string, stream, plain []byte) {
		v, _ := cheapV(name, comment, nil, false, "")
		v.Password, v.Error, v.Writes, v.Salt = password, errName, nil, ""
		add(v, plain, stream)
	}
	negative("wrong-password", "hi.nck with password \"chatpasswore\"", "wrong password", "chatpasswore", hi, nil)
	negative("truncated", "hi.nck without its END record", "truncated", "chatpassword", hi[:len(hi)-2-minBody], []byte("hi\n"))
	_, recs := records(hi)
	swapped := append(append(bytes.Clone(hi[:HeaderLen]), recs[1]...), recs[0]...)
	negative("reordered", "hi.nck with its two records swapped", "corrupt", "chatpassword", swapped, nil)
	v2 := bytes.Clone(hi)
	v2[6] = 2
	negative("version-2", "hi.nck with version byte 2", "unsupported", "chatpassword", v2, nil)
	big := bytes.Clone(hi)
	binary.BigEndian.PutUint32(big[8:], MaxMemoryKiB+1)
	negative("memory-ceiling", "hi.nck claiming 1048577 KiB of Argon2 memory: refused before derivation", "limit", "chatpassword", big, nil)

	out, err := json.MarshalIndent(vs, "", "  ")
	must(t, err)
	must(t, os.WriteFile(filepath.Join(vectorDir, "vectors.json"), append(out, '\n'), 0o644))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestVectors(t *testing.T) {
	if *update {
		must(t, os.MkdirAll(vectorDir, 0o755))
		generateVectors(t)
	}
	data, err := os.ReadFile(filepath.Join(vectorDir, "vectors.json"))
	must(t, err)
	var vs []vector
	must(t, json.Unmarshal(data, &vs))
	if len(vs) < 10 {
		t.Fatalf("only %d vectors", len(vs))
	}
	for _, v := range vs {
		stream, err := os.ReadFile(filepath.Join(vectorDir, v.Stream))
		must(t, err)
		var plain []byte
		if v.Plain != "" {
			plain, err = os.ReadFile(filepath.Join(vectorDir, v.Plain))
			must(t, err)
		}
		var out bytes.Buffer
		r := bufio.NewReader(bytes.NewReader(stream))
		err = DecryptLabeledStream(r, &out, []byte(v.Password), v.Label)
		if v.Error != "" {
			if !errors.Is(err, sentinels[v.Error]) || !bytes.HasPrefix(plain, out.Bytes()) {
				t.Errorf("%s: %v, want %s", v.Name, err, v.Error)
			}
			continue
		}
		if err != nil || !bytes.Equal(out.Bytes(), plain) || r.Buffered() != 0 {
			t.Errorf("%s: %d bytes, %v", v.Name, out.Len(), err)
		}
		if v.Inter != nil { // written by a writer: this implementation must reproduce it exactly
			again, in := makeStream(t, &v, plain)
			if !bytes.Equal(again, stream) || *in != *v.Inter {
				t.Errorf("%s: re-encryption differs from the committed vector", v.Name)
			}
		}
	}
}
