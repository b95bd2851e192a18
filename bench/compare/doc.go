// Command compare runs Clara's real binary side by side with "floors":
// the least a server could do for the same request. It starts each floor
// (a bare mcp-go server with one typed echo tool over stateless
// Streamable HTTP, and a bare net/http handler writing the bytes of
// Clara's GET /api/v1/health answer) as a child process of its own, then
// `clara serve` on the embedded store, drives each with the same
// keep-alive load for a fixed time, and prints a Markdown table of the
// median over rounds of requests per second, p50/p99 latency and the
// server process's CPU time per request (utime + stime from
// /proc/<pid>/stat over the counted window).
//
// Over stdio it keeps -c tools/call requests in flight on the one pipe of
// `clara mcp` and of a bare mcp-go stdio server (each started afresh for
// every run), and it times both from start to their initialize answer,
// with the executables as the page cache holds them and again read back
// from disk. It reads the idle resident memory of Clara and of the health
// floor, started from executables read back from disk, whole and in its
// anonymous and file parts, and that of `clara health` waiting for an
// answer (start-up and package initialisation alone); and how much a
// fresh `clara serve` and a fresh bare mcp-go SSE server grow with 1,000
// (-sse) open legacy SSE sessions; it raises its open-file limit for them,
// which the servers inherit.
//
// With -pg (the default) and PostgreSQL's initdb on PATH (or under
// /usr/lib/postgresql/*/bin), it also starts a throwaway cluster on
// 127.0.0.1 (as "nobody" when run as root), `clara serve` on it, registers
// a user through Clara, activates it in the database and makes its API
// key through Clara, then compares GET /api/v1/users/{id} with a bare
// net/http + pgx handler reading the same row, and the MCP tool view_user
// called with the API key with the floor's echo tool; without PostgreSQL
// those pairs are skipped with a note on stderr.
//
// -only mcp,rest,pg,stdio,start,rss,sse runs only the named sections.
// Run it with `make bench-compare`, or:
//
//	go build -o bin/clara ./cmd/clara
//	go run ./bench/compare -clara bin/clara -c 16 -d 5s -rounds 5
//
// Everything listens on 127.0.0.1; every server and temporary directory
// it makes is stopped and removed before it exits.
package main
