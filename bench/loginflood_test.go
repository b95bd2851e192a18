package bench

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// floodLogins is how many wrong logins a flood sends at once.
const floodLogins = 150

// BenchmarkLoginFlood starts `clara serve` on the embedded store and, b.N
// times, sends 150 concurrent password logins for unknown emails, each
// from its own client address (X-Forwarded-For, with --trust-proxy), so
// that per-address limits do not stop them. It reports the server's peak
// resident memory (VmHWM) and its memory at rest before the first flood,
// in MiB, and how the logins were answered. Set CLARA_BENCH_BINARY to
// measure another build of clara (for example an older release).
func BenchmarkLoginFlood(b *testing.B) {
	bin := os.Getenv("CLARA_BENCH_BINARY")
	if bin == "" {
		bin = buildClara(b)
	}
	addr := freeAddr(b)
	cmd := exec.Command(bin, "serve", "--addr", addr, "--trust-proxy=true")
	cmd.Env = append(os.Environ(), "CLARA_DATA_DIR="+b.TempDir(), "CLARA_LOG_LEVEL=error")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	base := "http://" + addr
	waitHealthy(b, base+"/api/v1/health")
	rest := procMiB(b, cmd.Process.Pid, "VmRSS")

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: floodLogins, MaxConnsPerHost: floodLogins}}
	statuses := map[int]int{}
	var mu sync.Mutex
	b.ResetTimer()
	for n := range b.N {
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range floodLogins {
			wg.Go(func() {
				req, err := http.NewRequestWithContext(context.Background(), "POST", base+"/api/v1/auth/session", nil)
				if err != nil {
					b.Error(err)
					return
				}
				req.SetBasicAuth(fmt.Sprintf("nobody-%d-%d@example.com", n, i), "wrong-password-1234")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", n%250, i/250, 1+i%250))
				<-start
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				resp.Body.Close()
				mu.Lock()
				statuses[resp.StatusCode]++
				mu.Unlock()
			})
		}
		close(start)
		wg.Wait()
	}
	b.StopTimer()
	b.ReportMetric(procMiB(b, cmd.Process.Pid, "VmHWM"), "peak-RSS-MiB")
	b.ReportMetric(rest, "rest-RSS-MiB")
	total := float64(b.N * floodLogins)
	b.ReportMetric(float64(statuses[http.StatusUnauthorized])/total, "401-share")
	b.ReportMetric(float64(statuses[http.StatusTooManyRequests])/total, "429-share")
}

// freeAddr returns a loopback address with a port free at the moment.
func freeAddr(b *testing.B) string {
	b.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitHealthy polls url until it answers 200, for up to 30 s.
func waitHealthy(b *testing.B, url string) {
	b.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	b.Fatalf("%s did not become healthy", url)
}

// procMiB reads a memory field (VmRSS, VmHWM) of process pid, in MiB.
func procMiB(b *testing.B, pid int, field string) float64 {
	b.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kib, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			if err != nil {
				b.Fatalf("%s: %v", field, err)
			}
			return kib / 1024
		}
	}
	b.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}
