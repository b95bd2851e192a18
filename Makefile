# Clara: `make run` serves on the embedded store; `make test` runs every test.
GO      ?= go
BIN     := bin/clara
# VERSION, when given (a semantic version), overrides the release built in.
VERSION ?=
LDFLAGS := $(if $(VERSION),-X main.releaseOverride=$(VERSION))

.PHONY: build run mcp test test-go test-e2e lint bench fuzz clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -buildvcs=auto -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/clara

run: build
	./$(BIN) serve

mcp: build
	./$(BIN) mcp

## test: formatting, vet, staticcheck, every Go test (PostgreSQL is started by the tests), then the Node MCP client.
test: lint test-go test-e2e

lint:
	@unformatted="$$(gofmt -l $$(git ls-files '*.go'))"; \
	 if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

test-go:
	$(GO) tool gotestsum --format testname -- -count=1 ./...

test-e2e: build
	cd e2e && npm ci --no-audit --no-fund --loglevel=error && CLARA_BIN=$(CURDIR)/$(BIN) npm test

## bench: Go benchmarks, including the MCP start-up and health throughput figures in the README.
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./...

## bench-compare: Clara's binary side by side with bare floors (mcp-go echo tool, net/http health
## bytes): req/s, p50/p99, stdio start-up and idle RSS as a Markdown table. BENCH_COMPARE_FLAGS
## passes flags, e.g. BENCH_COMPARE_FLAGS='-c 32 -d 10s -rounds 5'.
.PHONY: bench-compare
BENCH_COMPARE_FLAGS ?=
bench-compare: build
	$(GO) run ./bench/compare -clara $(BIN) $(BENCH_COMPARE_FLAGS)

## fuzz: every Go fuzz target in turn, FUZZTIME each (not part of make test); a crasher is
## written under the package's testdata/fuzz and then replays in make test.
FUZZTIME ?= 5m
fuzz:
	@set -e; grep -rlE --include='*_test.go' '^func Fuzz[A-Z]' . | sort | while read -r f; do \
	  dir="$$(dirname "$$f")"; \
	  for name in $$(sed -nE 's/^func (Fuzz[A-Za-z0-9_]+)\(.*/\1/p' "$$f"); do \
	    echo "== $$dir $$name ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s "./$$dir"; \
	  done; \
	done

clean:
	rm -rf bin e2e/node_modules

## release: a stripped, static release binary in bin/clara; VERSION=1.2.3 stamps the release
## (without it, Go's build info gives the version). Archives for every platform: .goreleaser.yaml.
## release-check: validate .goreleaser.yaml with GoReleaser itself (downloaded by go run on first use).
GORELEASER ?= $(GO) run github.com/goreleaser/goreleaser/v2@v2.17.0
.PHONY: release release-check
release:
	CGO_ENABLED=0 $(GO) build -trimpath -buildvcs=auto -ldflags '-s -w $(LDFLAGS)' -o $(BIN) ./cmd/clara

release-check:
	$(GORELEASER) check
