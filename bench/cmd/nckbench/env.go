package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
)

// collectEnv describes the machine and the tools measured, for the report's header.
func collectEnv(b bins) [][2]string {
	var env [][2]string
	add := func(k, v string) { env = append(env, [2]string{k, strings.TrimSpace(v)}) }
	cpu := "unknown"
	flags := ""
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			k, v, ok := strings.Cut(l, ":")
			if !ok {
				continue
			}
			switch strings.TrimSpace(k) {
			case "model name":
				cpu = strings.TrimSpace(v)
			case "flags":
				var have []string
				for _, f := range []string{"aes", "vaes", "avx2", "avx512f", "sha_ni", "pclmulqdq"} {
					if slices.Contains(strings.Fields(v), f) {
						have = append(have, f)
					}
				}
				flags = strings.Join(have, " ")
			}
		}
	}
	add("CPU", fmt.Sprintf("%s, %d logical CPUs (%s)", cpu, runtime.NumCPU(), flags))
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		first, _, _ := strings.Cut(string(data), "\n")
		add("memory", strings.Join(strings.Fields(strings.TrimPrefix(first, "MemTotal:")), " "))
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		add("kernel", "Linux "+string(data))
	}
	if la := loadAverage(); la != "" {
		add("load average at start", la+" (other work on the machine skews the figures)")
	}
	add("Go", runtime.Version())
	add("openssl", cmdOut("openssl", "version"))
	if v := cmdOut("dpkg-query", "-W", "-f", "${Package} ${Version}", "netcat-openbsd"); v != "" {
		add("nc", v)
	} else {
		first, _, _ := strings.Cut(cmdOut("nc", "-h"), "\n")
		add("nc", first)
	}
	if b.ok {
		add("nckit", cmdOut("git", "describe", "--always", "--dirty", "--tags")+" (binaries in "+b.dir+")")
	} else {
		add("nckit", "not built (missing "+strings.Join(b.missing, ", ")+")")
	}
	return env
}

// loadAverage is the 1, 5 and 15 minute load average, "" if unknown.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// cmdOut runs a command and returns its combined output, or "" if it fails.
func cmdOut(name string, args ...string) string {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil && len(out) == 0 {
		return ""
	}
	return strings.TrimSpace(string(out))
}
