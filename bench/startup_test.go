package bench

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// buildClara builds the clara binary once into a temporary directory.
func buildClara(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "clara")
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/clara")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

const initializeRequest = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}` + "\n"

// BenchmarkMCPStartup measures the time from starting `clara mcp` on the
// embedded store to reading its answer to initialize, and reports the
// median and 90th percentile in milliseconds.
func BenchmarkMCPStartup(b *testing.B) {
	bin := buildClara(b)
	dataDir := b.TempDir()
	env := append(os.Environ(), "CLARA_DATA_DIR="+dataDir, "CLARA_LOG_LEVEL=warn")
	startOnce := func() time.Duration {
		cmd := exec.Command(bin, "mcp")
		cmd.Env = env
		stdin, err := cmd.StdinPipe()
		if err != nil {
			b.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		if _, err := stdin.Write([]byte(initializeRequest)); err != nil {
			b.Fatal(err)
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		elapsed := time.Since(start)
		if err != nil || !strings.Contains(line, `"serverInfo"`) {
			b.Fatalf("initialize answer %q: %v", line, err)
		}
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			b.Fatalf("clara mcp exit: %v", err)
		}
		return elapsed
	}
	startOnce() // first start creates the store and its secrets
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		times = append(times, startOnce())
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(ms(times[len(times)/2]), "median-ms")
	b.ReportMetric(ms(times[len(times)*9/10]), "p90-ms")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
