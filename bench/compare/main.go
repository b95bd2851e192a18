package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// options are the command-line settings of a comparison.
type options struct {
	clara   string
	clients int
	dur     time.Duration
	rounds  int
	starts  int
	pg      bool
}

// pair is a floor target and the Clara target measured against it.
type pair struct {
	name         string
	floor, clara target
}

func main() {
	var o options
	var floorKind, floorAddr, floorDB string
	flag.StringVar(&o.clara, "clara", "bin/clara", "the clara binary to measure")
	flag.IntVar(&o.clients, "c", 16, "keep-alive HTTP clients sending at once")
	flag.DurationVar(&o.dur, "d", 5*time.Second, "how long each load run counts")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds; each visits every floor and Clara once")
	flag.IntVar(&o.starts, "starts", 10, "starts of each stdio server to time")
	flag.BoolVar(&o.pg, "pg", true, "also compare reading a user on PostgreSQL (skipped when initdb is not on PATH)")
	flag.StringVar(&floorKind, "serve-floor", "", "internal: serve this floor (mcp-http, health, mcp-stdio, pg-user) instead")
	flag.StringVar(&floorDB, "db", "", "internal: the pg-user floor's database URL")
	flag.StringVar(&floorAddr, "addr", "", "internal: the floor's listen address")
	flag.Parse()
	if floorKind != "" {
		if err := serveFloor(floorKind, floorAddr, floorDB); err != nil {
			fail(err)
		}
		return
	}
	if o.clients < 1 || o.rounds < 1 || o.dur <= 0 || o.starts < 1 {
		fail(fmt.Errorf("-c, -d, -rounds and -starts must be positive"))
	}
	t0 := time.Now()
	if err := run(o); err != nil {
		fail(err)
	}
	fmt.Printf("\nTotal time: %s\n", time.Since(t0).Round(100*time.Millisecond))
}

// run starts the servers, measures every pair and prints the report.
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

	mcpFloor, err := startFloor("mcp-http", "/mcp")
	if err != nil {
		return err
	}
	defer mcpFloor.stop()
	restFloor, err := startFloor("health", "/")
	if err != nil {
		return err
	}
	defer restFloor.stop()
	clara, err := startClara(bin)
	if err != nil {
		return err
	}
	defer clara.stop()

	time.Sleep(2 * time.Second)
	claraRSS, err := rssMiB(clara.cmd.Process.Pid)
	if err != nil {
		return fmt.Errorf("clara serve: %w", err)
	}
	floorRSS, err := rssMiB(restFloor.cmd.Process.Pid)
	if err != nil {
		return fmt.Errorf("health floor: %w", err)
	}

	echo := mcpCall(mcpFloor.base+"/mcp", "echo", `{"message":"hello"}`, `"structuredContent":{"message":"hello"}`)
	pairs := []pair{
		{"MCP tools/call (echo ↔ health)", echo, mcpCall(clara.base+"/mcp", "health", `{}`, `"healthy"`)},
		{"MCP tools/call (echo ↔ version)", echo, mcpCall(clara.base+"/mcp", "version", `{}`, `"version"`)},
		{"GET /api/v1/health", get(restFloor.base+"/", healthBody), get(clara.base+"/api/v1/health", healthBody)},
		{"GET /api/v1/version (floor: health bytes)", get(restFloor.base+"/", healthBody), get(clara.base+"/api/v1/version", `"version"`)},
	}
	if o.pg {
		setup, err := startPGPair(bin)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench-compare: PostgreSQL pair skipped: %v\n", err)
		} else {
			defer setup.stop()
			pairs = append(pairs, setup.pair())
		}
	}
	fmt.Printf("bench-compare: %d clients, %s per run, %d rounds, %d CPUs\n",
		o.clients, o.dur, o.rounds, numCPU())
	runs := make([]pairRuns, len(pairs))
	for r := range o.rounds {
		for i, p := range pairs {
			f, err := runLoad(p.floor, o.clients, o.dur)
			if err != nil {
				return fmt.Errorf("round %d, %s, floor: %w", r+1, p.name, err)
			}
			c, err := runLoad(p.clara, o.clients, o.dur)
			if err != nil {
				return fmt.Errorf("round %d, %s, clara: %w", r+1, p.name, err)
			}
			runs[i].floor = append(runs[i].floor, f)
			runs[i].clara = append(runs[i].clara, c)
			fmt.Fprintf(os.Stderr, "round %d %-45s floor %9.0f req/s  clara %9.0f req/s\n", r+1, p.name, f.RPS, c.RPS)
		}
	}

	dataDir, err := os.MkdirTemp("", "clara-bench-mcp-*")
	if err != nil {
		return fmt.Errorf("mcp data dir: %w", err)
	}
	defer os.RemoveAll(dataDir)
	floorStart, err := startupMedian(floorStdioCmd(self), o.starts)
	if err != nil {
		return fmt.Errorf("stdio floor start-up: %w", err)
	}
	claraStart, err := startupMedian(claraMCPCmd(bin, dataDir), o.starts)
	if err != nil {
		return fmt.Errorf("clara mcp start-up: %w", err)
	}

	printReport(os.Stdout, pairs, runs, o)
	printOthers(os.Stdout, floorStart, claraStart, floorRSS, claraRSS, o.starts)
	return nil
}
