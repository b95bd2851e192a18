// Command compare runs Clara's real binary side by side with "floors":
// the least a server could do for the same request. It starts each floor
// (a bare mcp-go server with one typed echo tool over stateless
// Streamable HTTP, and a bare net/http handler writing the bytes of
// Clara's GET /api/v1/health answer) as a child process of its own, then
// `clara serve` on the embedded store, drives each with the same
// keep-alive load for a fixed time, and prints a Markdown table of the
// median over rounds of requests per second and p50/p99 latency. It also
// times `clara mcp` from start to its initialize answer against a bare
// mcp-go stdio server, and reads the idle resident memory of both servers.
//
// With -pg (the default) and PostgreSQL's initdb on PATH, it also starts a
// throwaway cluster on 127.0.0.1 (as "nobody" when run as root), `clara
// serve` on it, registers a user through Clara and activates it in the
// database, and compares GET /api/v1/users/{id} with a bare net/http + pgx
// handler reading the same row; without PostgreSQL that pair is skipped
// with a note on stderr.
//
// Run it with `make bench-compare`, or:
//
//	go build -o bin/clara ./cmd/clara
//	go run ./bench/compare -clara bin/clara -c 16 -d 5s -rounds 3
//
// Everything listens on 127.0.0.1; every server and temporary directory
// it makes is stopped and removed before it exits.
package main
