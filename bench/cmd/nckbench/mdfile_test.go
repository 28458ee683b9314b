package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The generated part is replaced and the hand-written text around it kept.
func TestWriteBetweenMarkers(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, before, want string
	}{
		{"new file", "", "# Benchmarks\n\n" + beginMarker + "\nNEW\n" + endMarker + "\n"},
		{"replace", "head\n" + beginMarker + "\nOLD\n" + endMarker + "\ntail\n",
			"head\n" + beginMarker + "\nNEW\n" + endMarker + "\ntail\n"},
		{"no markers", "notes\n", "notes\n\n" + beginMarker + "\nNEW\n" + endMarker + "\n"},
		{"end marker at EOF", "head\n" + beginMarker + "\nOLD\n" + endMarker,
			"head\n" + beginMarker + "\nNEW\n" + endMarker + "\n"},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".md")
		if tt.before != "" {
			if err := os.WriteFile(path, []byte(tt.before), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := writeBetweenMarkers(path, beginMarker+"\nNEW\n"+endMarker+"\n"); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}
