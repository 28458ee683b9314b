package encdec

import (
	"os"

	"golang.org/x/sys/unix"
)

// pipeSize is the capacity ncenc and ncdec ask of the pipes on their stdin and stdout: four of
// the native writer's batches (native.WriteBatch, 16 records, 262,448 bytes), where Linux's
// default of 64 KiB holds none, so that a writer's batch goes in with one copy and the process
// on the other end is woken once per batch rather than once per 64 KiB. 1 MiB is the most an
// unprivileged process may ask by default (/proc/sys/fs/pipe-max-size). docs/BENCHMARKS.md
// "what each bought" has the measurement.
const pipeSize = 1 << 20

// widenPipes raises each of rs and ws that is a pipe to pipeSize, and leaves anything else (a
// file, a socket, a terminal) alone. A pipe already as large is not shrunk, and a refusal (over
// the system's ceiling or the user's pipe allowance, /proc/sys/fs/pipe-user-pages-soft) keeps
// the pipe as it is: a smaller pipe costs speed, never data.
func widenPipes(fs ...any) {
	for _, v := range fs {
		f, ok := v.(*os.File)
		if !ok {
			continue
		}
		// Through Control, not f.Fd(), which would make a non-blocking descriptor blocking:
		// it may be shared with the process that started this one.
		rc, err := f.SyscallConn()
		if err != nil {
			continue
		}
		_ = rc.Control(func(fd uintptr) {
			var st unix.Stat_t
			if unix.Fstat(int(fd), &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
				return
			}
			if n, err := unix.FcntlInt(fd, unix.F_GETPIPE_SZ, 0); err == nil && n < pipeSize {
				_, _ = unix.FcntlInt(fd, unix.F_SETPIPE_SZ, pipeSize)
			}
		})
	}
}
