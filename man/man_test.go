// Package man_test keeps the man pages and the bash completion from drifting apart and, in
// drift_test.go, from the flags the commands accept: each page's OPTIONS list and each
// completion list must name exactly the flags (and aliases) of the command's definition, plus
// the help and version flags that cmdline adds.
package man_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var pages = map[string]string{
	"ncl": "ncl.1", "ncc": "ncc.1", "ncenc": "ncenc.1", "ncdec": "ncdec.1",
}

// pageOptions returns the flags that the .It lines of a page's OPTIONS section name: every
// argument of an Fl macro on such a line, without its dashes (".Fl -each" is --each).
func pageOptions(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		// an input line ending in a backslash goes on in the next one
		for strings.HasSuffix(line, "\\") && sc.Scan() {
			line = strings.TrimSuffix(line, "\\") + sc.Text()
		}
		if strings.HasPrefix(line, ".Sh ") {
			in = line == ".Sh OPTIONS"
			continue
		}
		if !in || !strings.HasPrefix(line, ".It ") {
			continue
		}
		words := strings.Fields(line)
		for i := 0; i+1 < len(words); i++ {
			if words[i] == "Fl" && strings.HasPrefix(words[i+1], "-") {
				// ".Fl -each" renders as --each; ".Fl 4" as -4
				names = append(names, strings.TrimLeft(words[i+1], "-"))
			} else if words[i] == "Fl" && !isMacro(words[i+1]) {
				names = append(names, words[i+1])
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// isMacro reports whether w is an mdoc macro or delimiter rather than a flag name.
func isMacro(w string) bool {
	if w == "," || w == "|" {
		return true
	}
	return len(w) == 2 && w[0] >= 'A' && w[0] <= 'Z' && w[1] >= 'a' && w[1] <= 'z'
}

// completionFlags returns the flags that completions/nckit.bash offers for cmd, without
// their dashes.
func completionFlags(t *testing.T, cmd string) []string {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	script, err := filepath.Abs("../completions/nckit.bash")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bash, "-c",
		`source "$1" && v=_nckit_$2_flags && printf '%s\n' ${!v}`, "bash", script, cmd).Output()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, w := range strings.Fields(string(out)) {
		names = append(names, strings.TrimLeft(w, "-"))
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// TestCompletionMatchesPages: the completion offers what each page describes, no more.
func TestCompletionMatchesPages(t *testing.T) {
	for cmd, page := range pages {
		t.Run(cmd, func(t *testing.T) {
			inPage := pageOptions(t, page)
			if len(inPage) < 10 {
				t.Fatalf("%s: only %d options found in OPTIONS", page, len(inPage))
			}
			offered := completionFlags(t, cmd)
			if d := minus(inPage, offered); len(d) > 0 {
				t.Errorf("%s describes %s, which its completion does not offer", page, dashed(d))
			}
			if d := minus(offered, inPage); len(d) > 0 {
				t.Errorf("the completion of %s offers %s, which %s does not describe", cmd, dashed(d), page)
			}
		})
	}
}

// minus returns the elements of a that are not in b.
func minus(a, b []string) []string {
	var d []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			d = append(d, x)
		}
	}
	return d
}

func dashed(names []string) string {
	return "-" + strings.Join(names, " -")
}
