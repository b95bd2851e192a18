package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// sections are the parts of the comparison that -only selects.
var sections = []string{"mcp", "rest", "pg", "stdio", "start", "rss", "sse"}

// options are the command-line settings of a comparison.
type options struct {
	clara   string
	clients int
	dur     time.Duration
	rounds  int
	starts  int
	sse     int
	only    map[string]bool
}

// pair is a floor and the Clara side measured against it.
type pair struct {
	name         string
	floor, clara runner
}

// main parses the flags and either serves a floor (when this program is
// started as one) or runs the comparison.
func main() {
	var o options
	var floorKind, floorAddr, floorDB, only string
	var pg bool
	flag.StringVar(&o.clara, "clara", "bin/clara", "the clara binary to measure")
	flag.IntVar(&o.clients, "c", 16, "keep-alive HTTP clients (or stdio requests in flight) sending at once")
	flag.DurationVar(&o.dur, "d", 5*time.Second, "how long each load run counts")
	flag.IntVar(&o.rounds, "rounds", 5, "rounds; each visits every floor and Clara once")
	flag.IntVar(&o.starts, "starts", 10, "starts of each stdio server to time")
	flag.IntVar(&o.sse, "sse", 1000, "legacy SSE sessions to open for the memory figure")
	flag.BoolVar(&pg, "pg", true, "also compare on PostgreSQL (skipped when initdb is not on PATH); false drops the pg section")
	flag.StringVar(&only, "only", "all", "comma list of the sections to run: "+strings.Join(sections, ","))
	flag.StringVar(&floorKind, "serve-floor", "", "internal: serve this floor (mcp-http, mcp-sse, health, mcp-stdio, pg-user) instead")
	flag.StringVar(&floorDB, "db", "", "internal: the pg-user floor's database URL")
	flag.StringVar(&floorAddr, "addr", "", "internal: the floor's listen address")
	flag.Parse()
	if floorKind != "" {
		if err := serveFloor(floorKind, floorAddr, floorDB); err != nil {
			fail(err)
		}
		return
	}
	if o.clients < 1 || o.rounds < 1 || o.dur <= 0 || o.starts < 1 || o.sse < 1 {
		fail(fmt.Errorf("-c, -d, -rounds, -starts and -sse must be positive"))
	}
	var err error
	if o.only, err = parseOnly(only); err != nil {
		fail(err)
	}
	if !pg {
		delete(o.only, "pg")
	}
	t0 := time.Now()
	if err := run(o); err != nil {
		fail(err)
	}
	fmt.Printf("\nTotal time: %s\n", time.Since(t0).Round(100*time.Millisecond))
}

// parseOnly returns the set of sections a -only value names ("all": every
// one).
func parseOnly(only string) (map[string]bool, error) {
	set := map[string]bool{}
	for name := range strings.SplitSeq(only, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "all":
			for _, s := range sections {
				set[s] = true
			}
		case slices.Contains(sections, name):
			set[name] = true
		case name != "":
			return nil, fmt.Errorf("-only: unknown section %q (known: all,%s)", name, strings.Join(sections, ","))
		}
	}
	if len(set) == 0 {
		return nil, fmt.Errorf("-only names no section")
	}
	return set, nil
}

// run starts the servers the selected sections need, measures every pair
// and the other figures, and prints the report.
func run(o options) error {
	bin, err := filepath.Abs(o.clara)
	if err != nil {
		return fmt.Errorf("clara binary: %w", err)
	}
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("clara binary (build it with go build -o bin/clara ./cmd/clara): %w", err)
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("own executable: %w", err)
	}
	if o.only["sse"] {
		// Before any server starts, so that each inherits the limit.
		if err := raiseNoFile(uint64(o.sse) + 1024); err != nil {
			return err
		}
	}
	dataDir, err := os.MkdirTemp("", "clara-bench-mcp-*")
	if err != nil {
		return fmt.Errorf("mcp data dir: %w", err)
	}
	defer os.RemoveAll(dataDir)
	srv := &servers{bin: bin}
	defer srv.stop()

	var others measures
	// Start-up times first, on a machine no load run has disturbed yet.
	if o.only["start"] {
		if err := startupTimes(o, self, bin, dataDir, &others); err != nil {
			return err
		}
	}
	if o.only["rss"] {
		if err := idleRSS(srv, self, &others); err != nil {
			return err
		}
	}
	pairs, err := buildPairs(o, srv, self, bin, dataDir)
	if err != nil {
		return err
	}
	if len(pairs) > 0 {
		fmt.Printf("bench-compare: %d clients, %s per run, %d rounds, %d CPUs\n",
			o.clients, o.dur, o.rounds, numCPU())
	}
	runs, err := runRounds(pairs, o)
	if err != nil {
		return err
	}
	srv.stop() // the SSE figures want a quiet machine
	if o.only["sse"] {
		if err := sseFigures(o, bin, &others); err != nil {
			return err
		}
	}
	if len(pairs) > 0 {
		printReport(os.Stdout, pairs, runs, o)
	}
	others.print(os.Stdout)
	return nil
}

// buildPairs starts the servers of the selected sections' pairs and
// returns the pairs.
func buildPairs(o options, srv *servers, self, bin, dataDir string) ([]pair, error) {
	var pairs []pair
	if o.only["mcp"] {
		floor, clara, err := srv.mcpAndClara()
		if err != nil {
			return nil, err
		}
		echo := httpSide{echoTarget(floor), floor}
		pairs = append(pairs,
			pair{"MCP tools/call (echo ↔ health)", echo, httpSide{mcpCall(clara.base+"/mcp", "health", `{}`, `"healthy"`), clara}},
			pair{"MCP tools/call (echo ↔ version)", echo, httpSide{mcpCall(clara.base+"/mcp", "version", `{}`, `"version"`), clara}})
	}
	if o.only["rest"] {
		floor, err := srv.get(&srv.restFloor, func() (*child, error) { return startFloor("health", "/") })
		if err != nil {
			return nil, err
		}
		clara, err := srv.get(&srv.clara, func() (*child, error) { return startClara(bin) })
		if err != nil {
			return nil, err
		}
		health := httpSide{get(floor.base+"/", healthBody), floor}
		pairs = append(pairs,
			pair{"GET /api/v1/health", health, httpSide{get(clara.base+"/api/v1/health", healthBody), clara}},
			pair{"GET /api/v1/version (floor: health bytes)", health, httpSide{get(clara.base+"/api/v1/version", `"version"`), clara}})
	}
	if o.only["pg"] {
		setup, err := startPGPair(bin)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench-compare: PostgreSQL pairs skipped: %v\n", err)
		} else {
			srv.stops = append(srv.stops, setup.stop)
			floor, err := srv.get(&srv.mcpFloor, func() (*child, error) { return startFloor("mcp-http", "/mcp") })
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, setup.pairs(floor)...)
		}
	}
	if o.only["stdio"] {
		echo := stdioSide{newCmd: floorStdioCmd(self), tool: "echo", args: `{"message":"hello"}`,
			want: `"structuredContent":{"message":"hello"}`}
		claraCmd := claraStdioLoadCmd(bin, dataDir)
		pairs = append(pairs,
			pair{"MCP stdio tools/call (echo ↔ health)", echo, stdioSide{newCmd: claraCmd, tool: "health", args: `{}`, want: `"healthy"`}},
			pair{"MCP stdio tools/call (echo ↔ version)", echo, stdioSide{newCmd: claraCmd, tool: "version", args: `{}`, want: `"version"`}})
	}
	return pairs, nil
}

// runRounds runs every pair, floor then Clara, once a round, and returns
// their results.
func runRounds(pairs []pair, o options) ([]pairRuns, error) {
	runs := make([]pairRuns, len(pairs))
	for r := range o.rounds {
		for i, p := range pairs {
			f, err := p.floor.run(o.clients, o.dur)
			if err != nil {
				return nil, fmt.Errorf("round %d, %s, floor: %w", r+1, p.name, err)
			}
			c, err := p.clara.run(o.clients, o.dur)
			if err != nil {
				return nil, fmt.Errorf("round %d, %s, clara: %w", r+1, p.name, err)
			}
			runs[i].floor = append(runs[i].floor, f)
			runs[i].clara = append(runs[i].clara, c)
			fmt.Fprintf(os.Stderr, "round %d %-60s floor %7.0f req/s %5.1f µs CPU  clara %7.0f req/s %5.1f µs CPU\n",
				r+1, p.name, f.RPS, micros(f.CPU), c.RPS, micros(c.CPU))
		}
	}
	return runs, nil
}

// echoTarget is the tools/call of the echo tool of the Streamable HTTP
// floor.
func echoTarget(floor *child) target {
	return mcpCall(floor.base+"/mcp", "echo", `{"message":"hello"}`, `"structuredContent":{"message":"hello"}`)
}
