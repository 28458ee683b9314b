package main

import (
	"strings"
	"testing"
)

// Every row of the message table has as many cells as its header, even when a contender's
// label holds a shell pipe.
func TestMessageTableCells(t *testing.T) {
	r := &report{messages: map[string][]msgResult{}}
	for _, c := range messageContenders(bins{ncl: "ncl", ncc: "ncc", ncenc: "ncenc", ncdec: "ncdec"}) {
		r.messages[c.key] = []msgResult{{rate: 10}}
	}
	var w strings.Builder
	r.messageTable(&w)
	for _, l := range strings.Split(w.String(), "\n") {
		if !strings.HasPrefix(l, "|") {
			continue
		}
		if n := strings.Count(strings.ReplaceAll(l, `\|`, ""), "|"); n != 6 {
			t.Errorf("%d cell separators, want 6: %s", n, l)
		}
	}
}
