package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// target is one kind of request a load run sends.
type target struct {
	Method string
	URL    string
	Body   []byte
	Header http.Header
	// Want, when set, must appear in the answer's body.
	Want string
	// Reject lists strings that must not appear in the answer's body.
	Reject []string
}

// result is what one load run measured.
type result struct {
	RPS      float64
	P50, P99 time.Duration
	Errors   int
	// CPU is the server process's CPU time per counted request; Other is
	// the CPU time per request of everything else on the machine but the
	// load generator: PostgreSQL's, on the database pairs; Load is the
	// load generator's (this process's).
	CPU, Other, Load time.Duration
}

// warmup is how long a run loads the server before it starts counting.
const warmup = 300 * time.Millisecond

// runner is one side of a pair: a server and the request a load run
// sends it.
type runner interface {
	// run loads the server from clients concurrent senders for d after a
	// short warm-up and returns what it measured.
	run(clients int, d time.Duration) (result, error)
}

// httpSide is a runner of target t against the server process proc.
type httpSide struct {
	t    target
	proc *child
}

// run calls runLoad on the side's target, measuring the server's CPU.
func (h httpSide) run(clients int, d time.Duration) (result, error) {
	return runLoad(h.t, h.proc.cmd.Process.Pid, clients, d)
}

// runLoad sends t from clients keep-alive clients for d after a short
// warm-up and returns the rate and latency percentiles of the answers and
// the CPU time process pid used per counted request. Each client checks
// every answer: status 200 and, if set, t.Want.
func runLoad(t target, pid, clients int, d time.Duration) (result, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	if err := check(client, t); err != nil {
		return result{}, err
	}
	start := time.Now().Add(warmup)
	meter := startCPUMeter(pid, start)
	lat, errs, _ := drive(clients, start, d, func() func() error {
		return func() error { return check(client, t) }
	})
	r, err := tally(lat, errs, d, meter)
	if err != nil {
		return r, fmt.Errorf("%s %s: %w", t.Method, t.URL, err)
	}
	return r, nil
}

// tally turns the latencies and error counts of the clients of a run that
// counted for d into its result, with the CPU time meter measured.
func tally(lat [][]time.Duration, errs []int, d time.Duration, meter *cpuMeter) (result, error) {
	cpu, err := meter.stop()
	if err != nil {
		return result{}, fmt.Errorf("server CPU: %w", err)
	}
	all := slices.Concat(lat...)
	r := result{Errors: sumInts(errs)}
	if len(all) == 0 {
		return r, fmt.Errorf("no request succeeded")
	}
	slices.Sort(all)
	r.RPS = float64(len(all)) / d.Seconds()
	r.P50 = all[len(all)/2]
	r.P99 = all[len(all)*99/100]
	n := time.Duration(len(all) + r.Errors)
	r.CPU = cpu.server / n
	r.Other = max(0, cpu.machine-cpu.server-cpu.load) / n
	r.Load = cpu.load / n
	return r, nil
}

// errStop, returned by a call of drive, ends its client at once.
var errStop = errors.New("stop")

// drive runs clients clients, each making the calls newCall gives it one
// after another from now until d after start, and returns each client's
// latencies of the successful calls made from start on, each client's
// count of failed ones, and the first error wrapping errStop, which ends
// its client.
func drive(clients int, start time.Time, d time.Duration, newCall func() func() error) ([][]time.Duration, []int, error) {
	end := start.Add(d)
	lat := make([][]time.Duration, clients)
	errs := make([]int, clients)
	var fatal atomic.Pointer[error]
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			call := newCall()
			own := make([]time.Duration, 0, 1<<16)
			for {
				t0 := time.Now()
				if !t0.Before(end) {
					break
				}
				err := call()
				if errors.Is(err, errStop) {
					fatal.CompareAndSwap(nil, &err)
					break
				}
				if t0.Before(start) {
					continue
				}
				if err != nil {
					errs[i]++
					continue
				}
				own = append(own, time.Since(t0))
			}
			lat[i] = own
		})
	}
	wg.Wait()
	if err := fatal.Load(); err != nil {
		return lat, errs, *err
	}
	return lat, errs, nil
}

// check sends t once and verifies the answer.
func check(c *http.Client, t target) error {
	req, err := http.NewRequest(t.Method, t.URL, bytes.NewReader(t.Body))
	if err != nil {
		return fmt.Errorf("request %s: %w", t.URL, err)
	}
	for k, v := range t.Header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", t.Method, t.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: read: %w", t.Method, t.URL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: status %d: %.200s", t.Method, t.URL, resp.StatusCode, body)
	}
	if err := checkBody(body, t.Want, t.Reject); err != nil {
		return fmt.Errorf("%s %s: %w", t.Method, t.URL, err)
	}
	return nil
}

// checkBody verifies that an answer holds want (when set) and none of
// reject.
func checkBody(body []byte, want string, reject []string) error {
	if want != "" && !bytes.Contains(body, []byte(want)) {
		return fmt.Errorf("answer lacks %q: %.300s", want, body)
	}
	for _, bad := range reject {
		if bytes.Contains(body, []byte(bad)) {
			return fmt.Errorf("answer has %q: %.300s", bad, body)
		}
	}
	return nil
}

// mcpCall is a target that calls an MCP tool over Streamable HTTP at url
// with a stateless JSON-RPC tools/call, with no session; a JSON-RPC error
// or a tool result with isError counts as a failed request.
func mcpCall(url, tool, args, want string) target {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json, text/event-stream")
	h.Set("MCP-Protocol-Version", "2025-11-25")
	body := fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":%q,"arguments":%s}}`, tool, args)
	return target{Method: http.MethodPost, URL: url, Body: []byte(body), Header: h, Want: want,
		Reject: mcpFailures}
}

// mcpFailures mark an MCP answer as failed: a tool result with isError or
// a JSON-RPC error.
var mcpFailures = []string{`"isError":true`, `"error":{`}

// get is a target that GETs url and expects want in the answer.
func get(url, want string) target {
	return target{Method: http.MethodGet, URL: url, Want: want}
}

// sumInts returns the sum of xs.
func sumInts(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
