package main

import (
	"errors"
	"os"
	"strings"
)

// The generated part of docs/BENCHMARKS.md lies between these markers; the hand-written text
// around them is kept.
const (
	beginMarker = "<!-- bench:begin: written by bench/run.sh (make bench); " +
		"edits between the markers are overwritten -->"
	endMarker = "<!-- bench:end -->"
)

// writeBetweenMarkers replaces the generated part of path, keeping the hand-written text
// around it; a file without markers gets the generated part appended.
func writeBetweenMarkers(path, md string) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	s := string(old)
	var out string
	i := strings.Index(s, beginMarker)
	j := strings.Index(s, endMarker)
	switch {
	case i >= 0 && j > i:
		out = s[:i] + md + strings.TrimPrefix(s[j+len(endMarker):], "\n")
	case len(s) == 0:
		out = "# Benchmarks\n\n" + md
	default:
		out = strings.TrimRight(s, "\n") + "\n\n" + md
	}
	return os.WriteFile(path, []byte(out), 0o644)
}
