package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
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
}

// warmup is how long a run loads the server before it starts counting.
const warmup = 300 * time.Millisecond

// runLoad sends t from clients keep-alive clients for d after a short
// warm-up and returns the rate and latency percentiles of the answers.
// Each client checks every answer: status 200 and, if set, t.Want.
func runLoad(t target, clients int, d time.Duration) (result, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	if err := check(client, t); err != nil {
		return result{}, err
	}
	start := time.Now().Add(warmup)
	end := start.Add(d)
	lat := make([][]time.Duration, clients)
	errs := make([]int, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			own := make([]time.Duration, 0, 1<<16)
			for {
				t0 := time.Now()
				if !t0.Before(end) {
					break
				}
				err := check(client, t)
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
	all := slices.Concat(lat...)
	r := result{Errors: sumInts(errs)}
	if len(all) == 0 {
		return r, fmt.Errorf("%s %s: no request succeeded", t.Method, t.URL)
	}
	slices.Sort(all)
	r.RPS = float64(len(all)) / d.Seconds()
	r.P50 = all[len(all)/2]
	r.P99 = all[len(all)*99/100]
	return r, nil
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
	if t.Want != "" && !bytes.Contains(body, []byte(t.Want)) {
		return fmt.Errorf("%s %s: answer lacks %q: %.300s", t.Method, t.URL, t.Want, body)
	}
	for _, bad := range t.Reject {
		if bytes.Contains(body, []byte(bad)) {
			return fmt.Errorf("%s %s: answer has %q: %.300s", t.Method, t.URL, bad, body)
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
		Reject: []string{`"isError":true`, `"error":{`}}
}

// get is a target that GETs url and expects want in the answer.
func get(url, want string) target {
	return target{Method: http.MethodGet, URL: url, Want: want}
}

func sumInts(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
