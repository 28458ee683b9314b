package encdec

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nckit/nckit/internal/native"
	"golang.org/x/sys/unix"
)

// kdfSlotsEnv names the directory of KDF slots that ncl --each gives its commands: one
// file per derivation that may run at once across all of them.
const kdfSlotsEnv = "NCL_KDF_SLOTS"

func init() { native.SetKDFGate(takeKDFSlot) }

// takeKDFSlot holds an exclusive flock on one slot file of $NCL_KDF_SLOTS during an
// Argon2id run, so that concurrent connections to ncl --each cost at most the number of
// slots times the memory ceiling. A free slot is taken at once; when all are held, it waits
// for one. The kernel releases the lock if the process dies. Without the variable it
// returns at once.
func takeKDFSlot() (release func(), err error) {
	dir := os.Getenv(kdfSlotsEnv)
	if dir == "" {
		return func() {}, nil
	}
	slotErr := func(err error) error { return fmt.Errorf("%s %s: %w", kdfSlotsEnv, dir, err) }
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, slotErr(err)
	}
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		f, err := os.OpenFile(filepath.Join(dir, e.Name()), os.O_RDONLY|unix.O_NOFOLLOW, 0)
		if err != nil {
			return nil, slotErr(err)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, slotErr(errors.New("no slot files"))
	}
	held := func(i int) func() {
		f := files[i]
		files = append(files[:i], files[i+1:]...) // kept open: closing it releases the lock
		return func() { f.Close() }
	}
	for i, f := range files {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return held(i), nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			return nil, slotErr(err)
		}
	}
	i := os.Getpid() % len(files) // all busy: wait on one, spread over them
	for {
		err := unix.Flock(int(files[i].Fd()), unix.LOCK_EX)
		if err == nil {
			return held(i), nil
		}
		if !errors.Is(err, unix.EINTR) {
			return nil, slotErr(err)
		}
	}
}
