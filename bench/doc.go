// Package bench holds Clara's end-to-end benchmarks: the start-up of
// `clara mcp` to its initialize answer, and the throughput of
// GET /api/v1/health against a bare net/http handler. Run them with
// `make bench` or `go test -run '^$' -bench . ./bench/`.
package bench
