package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/clara-backend/clara/internal/logbuf"
	"github.com/clara-backend/clara/mcpserve/mcpservetest"
	"github.com/clara-backend/clara/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// testEnv returns an environment with only vars set, a fresh data
// directory, development mail (no SMTP server, on either store), and
// buffers for the output.
func testEnv(t *testing.T, stdin io.Reader, vars ...string) (*environment, *logbuf.Buffer, *logbuf.Buffer) {
	t.Helper()
	t.Chdir(t.TempDir()) // no stray .env
	m := map[string]string{"CLARA_DATA_DIR": t.TempDir(), "CLARA_LOG_FORMAT": "json", "CLARA_DEV_MAIL": "true"}
	for i := 0; i+1 < len(vars); i += 2 {
		m[vars[i]] = vars[i+1]
	}
	var out, errOut logbuf.Buffer
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	return &environment{stdin: stdin, stdout: &out, stderr: &errOut,
		lookupEnv: func(k string) (string, bool) { v, ok := m[k]; return v, ok }}, &out, &errOut
}

func TestVersion(t *testing.T) {
	env, out, _ := testEnv(t, nil)
	if code := run(t.Context(), []string{"version"}, env); code != 0 || out.String() != "clara "+version+"\n" {
		t.Fatalf("exit %d, out %q", code, out.String())
	}
}

func TestHelpOnEveryCommand(t *testing.T) {
	env, _, _ := testEnv(t, nil)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden {
				continue
			}
			path := strings.Fields(sub.CommandPath())[1:]
			env, out, errOut := testEnv(t, nil)
			if code := run(t.Context(), append(path, "--help"), env); code != 0 {
				t.Errorf("%s --help: exit %d", sub.CommandPath(), code)
			}
			if !strings.Contains(out.String(), "Usage:\n  "+sub.CommandPath()) || errOut.String() != "" {
				t.Errorf("%s --help printed %q to stdout, %q to stderr", sub.CommandPath(), out.String(), errOut.String())
			}
			walk(sub)
		}
	}
	walk(newRootCommand(env))
	env, out, _ := testEnv(t, nil)
	if code := run(t.Context(), []string{"serve", "--help"}, env); code != 0 || !strings.Contains(out.String(), "CLARA_HTTP_ADDR") {
		t.Errorf("serve --help must list the environment: %q", out.String())
	}
	env, out, errOut := testEnv(t, nil)
	if code := run(t.Context(), []string{"--help"}, env); code != 0 || !strings.Contains(out.String(), "Usage:") || errOut.String() != "" {
		t.Errorf("--help: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
	env, out, errOut = testEnv(t, nil)
	if code := run(t.Context(), nil, env); code != 2 || out.String() != "" || !strings.Contains(errOut.String(), "Usage:") {
		t.Errorf("no command: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
	env, _, errOut = testEnv(t, nil)
	if code := run(t.Context(), []string{"serve", "--no-such-flag"}, env); code != 2 || !strings.Contains(errOut.String(), "no-such-flag") {
		t.Errorf("unknown flag: exit %d, stderr %q", code, errOut.String())
	}
	env, out, _ = testEnv(t, nil)
	if code := run(t.Context(), []string{"--version"}, env); code != 0 || out.String() != "clara "+version+"\n" {
		t.Errorf("--version: exit %d, out %q", code, out.String())
	}
}

func TestUnknownCommandAndArguments(t *testing.T) {
	env, _, errOut := testEnv(t, nil)
	if code := run(t.Context(), []string{"fly"}, env); code != 2 || !strings.Contains(errOut.String(), `unknown command "fly"`) {
		t.Errorf("exit %d, %q", code, errOut.String())
	}
	env, _, _ = testEnv(t, nil)
	if code := run(t.Context(), []string{"serve", "extra"}, env); code != 2 {
		t.Errorf("stray argument: exit %d", code)
	}
	env, _, _ = testEnv(t, nil)
	if code := run(t.Context(), []string{"migrate", "sideways"}, env); code != 2 {
		t.Errorf("migrate sideways: exit %d", code)
	}
}

func TestBadConfigurationStopsWithOneLine(t *testing.T) {
	for _, cmd := range []string{"serve", "mcp", "migrate"} {
		args := []string{cmd}
		if cmd == "migrate" {
			args = append(args, "up")
		}
		env, _, errOut := testEnv(t, nil, "CLARA_LOG_LEVEL", "loud")
		code := run(t.Context(), args, env)
		want := "clara " + strings.Join(args, " ") + `: CLARA_LOG_LEVEL: "loud" is not one of debug, info, warn, error` + "\n"
		if code != 1 || errOut.String() != want {
			t.Errorf("%s: exit %d, stderr %q, want %q", cmd, code, errOut.String(), want)
		}
	}
}

func TestMigrateUpAndStatus(t *testing.T) {
	for _, tc := range []struct{ name, url string }{{"sqlite", ""}, {"postgres", pgtest.NewURL(t)}} {
		t.Run(tc.name, func(t *testing.T) {
			env, out, errOut := testEnv(t, nil, "CLARA_DATABASE_URL", tc.url,
				"CLARA_TOKEN_SECRET", strings.Repeat("x", 32), "CLARA_PUBLIC_API_KEY", "test-public-key-1234")
			if code := run(t.Context(), []string{"migrate", "up"}, env); code != 0 {
				t.Fatalf("migrate up: exit %d: %s", code, errOut)
			}
			if !regexp.MustCompile(`(?m)^1\s+00001_settings\.sql\s+\d{4}-`).MatchString(out.String()) {
				t.Fatalf("status output:\n%s", out)
			}
			if !strings.Contains(out.String(), "("+tc.name+")") {
				t.Errorf("status must name the dialect:\n%s", out)
			}
		})
	}
}

func TestMCPOverStdio(t *testing.T) {
	inR, inW := io.Pipe()
	env, out, errOut := testEnv(t, inR)
	done := make(chan int, 1)
	go func() { done <- run(t.Context(), []string{"mcp"}, env) }()
	send := func(msg string) {
		if _, err := io.WriteString(inW, msg+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	// A client waits for the initialize answer before anything else.
	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}`)
	waitFor(t, func() bool { return strings.Count(out.String(), "\n") >= 1 })
	send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	send(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	waitFor(t, func() bool { return strings.Count(out.String(), "\n") >= 2 })
	inW.Close()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d after stdin closed: %s", code, errOut)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("clara mcp did not exit when stdin closed")
	}
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	var ids []float64
	for sc.Scan() {
		var msg struct {
			JSONRPC string         `json:"jsonrpc"`
			ID      float64        `json:"id"`
			Result  map[string]any `json:"result"`
		}
		if err := json.Unmarshal(sc.Bytes(), &msg); err != nil || msg.JSONRPC != "2.0" || msg.Result == nil {
			t.Fatalf("stdout must carry only JSON-RPC results, got %q", sc.Text())
		}
		ids = append(ids, msg.ID)
	}
	if len(ids) != 2 || ids[0] != 1 || ids[1] != 2 {
		t.Fatalf("answers to ids %v, want [1 2]", ids)
	}
	if !strings.Contains(out.String(), `"name":"health"`) {
		t.Errorf("tools/list lacks health: %s", out)
	}
}

func TestServeAndShutDownGracefully(t *testing.T) {
	for _, tc := range []struct{ name, url string }{{"sqlite", ""}, {"postgres", pgtest.NewURL(t)}} {
		t.Run(tc.name, func(t *testing.T) {
			env, _, errOut := testEnv(t, nil, "CLARA_DATABASE_URL", tc.url, "CLARA_HTTP_ADDR", "127.0.0.1:0",
				"CLARA_TOKEN_SECRET", strings.Repeat("x", 32), "CLARA_PUBLIC_API_KEY", "test-public-key-1234",
				"CLARA_PUBLIC_URL", "https://clara.example.com")
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan int, 1)
			go func() { done <- run(ctx, []string{"serve"}, env) }()
			addrRE := regexp.MustCompile(`"addr":"([^"]+)"`)
			waitFor(t, func() bool { return addrRE.MatchString(errOut.String()) })
			base := "http://" + addrRE.FindStringSubmatch(errOut.String())[1]

			checks := []struct {
				method, path string
				status       int
				body         string
			}{
				{"GET", "/api/v1/health", 200, `{"data":{"service":"clara","status":"healthy"},"message":"Health check successful.","status":"success"}`},
				{"GET", "/api/v1/version", 200, `{"data":{"version":"` + version + `"},"message":"Version check successful.","status":"success"}`},
				{"GET", "/api/v1/nowhere", 404, `{"data":null,"message":"The requested route does not exist.","status":"error"}`},
				{"DELETE", "/api/v1/health", 405, `{"data":null,"message":"The requested method is not allowed for this route.","status":"error"}`},
				{"GET", "/.well-known/oauth-protected-resource", 200, resourceMetadata("mcp")},
				{"GET", "/.well-known/oauth-protected-resource/mcp", 200, resourceMetadata("mcp")},
				{"GET", "/.well-known/oauth-protected-resource/sse", 200, resourceMetadata("sse")},
				{"POST", "/.well-known/oauth-protected-resource/mcp", 405, `{"data":null,"message":"The requested method is not allowed for this route.","status":"error"}`},
			}
			for _, c := range checks {
				req, _ := http.NewRequest(c.method, base+c.path, nil)
				status, body := do(t, req)
				if status != c.status || strings.TrimSpace(body) != c.body {
					t.Errorf("%s %s: %d %s, want %d %s", c.method, c.path, status, body, c.status, c.body)
				}
			}
			// MCP over HTTP challenges callers without credentials by default.
			resp, _ := mcpservetest.Do(t, "POST", base+"/mcp", nil, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
			const challenge = `Bearer resource_metadata="https://clara.example.com/.well-known/oauth-protected-resource/mcp", scope="clara:account clara:analysis clara:billing"`
			if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != challenge {
				t.Errorf("POST /mcp without credentials: %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
			}
			req, _ := http.NewRequest("POST", base+"/api/v1/health", bytes.NewReader(make([]byte, 1<<20+1)))
			if status, body := do(t, req); status != 413 || !strings.Contains(body, "Request body is too large.") {
				t.Errorf("body over 1 MiB: %d %s", status, body)
			}
			req, _ = http.NewRequest("GET", base+"/metrics", nil)
			if status, body := do(t, req); status != 200 || !strings.Contains(body, "clara_http_requests_total") ||
				!strings.Contains(body, "clara_analysis_attempt_seconds_count") ||
				!strings.Contains(body, "go_goroutines ") || !strings.Contains(body, "process_resident_memory_bytes ") {
				t.Errorf("metrics: %d, has request counter: %v, analysis histogram: %v, runtime: %v, process: %v", status,
					strings.Contains(body, "clara_http_requests_total"), strings.Contains(body, "clara_analysis_attempt_seconds_count"),
					strings.Contains(body, "go_goroutines "), strings.Contains(body, "process_resident_memory_bytes "))
			}

			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errOut)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("serve did not stop")
			}
			if !strings.Contains(errOut.String(), `"msg":"stopped"`) {
				t.Errorf("no clean stop logged: %s", errOut)
			}
		})
	}
}

func TestEmbeddedDefaultPrintsGeneratedPublicKey(t *testing.T) {
	env, _, errOut := testEnv(t, nil)
	if code := run(t.Context(), []string{"mcp"}, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !regexp.MustCompile(`"public_api_key":"clara_pub_[0-9a-f]{48}"`).MatchString(errOut.String()) {
		t.Fatalf("public key not printed: %s", errOut)
	}
}

// resourceMetadata is the protected resource metadata of the MCP endpoint
// at /path of Clara at https://clara.example.com.
func resourceMetadata(path string) string {
	return `{"resource":"https://clara.example.com/` + path + `","authorization_servers":["https://clara.example.com"],` +
		`"scopes_supported":["clara:account","clara:analysis","clara:billing"],"bearer_methods_supported":["header"],"resource_name":"Clara"}`
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("X-Request-Id") == "" {
		t.Errorf("%s %s: no X-Request-Id", req.Method, req.URL.Path)
	}
	return resp.StatusCode, string(b)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCreditsGrantAndReconcile(t *testing.T) {
	env, _, _ := testEnv(t, nil)
	dataDir, _ := env.lookupEnv("CLARA_DATA_DIR")
	registerUser(t, dataDir, "ada@example.com")

	grant := []string{"credits", "grant", "--email", "Ada@Example.com", "--credits", "250", "--reason", "Welcome credits.", "--key", "welcome-ada"}
	for i, want := range []string{"granted 250 credits to ada@example.com", "nothing added: key welcome-ada already granted 250 credits to ada@example.com"} {
		env, out, errOut := testEnv(t, nil, "CLARA_DATA_DIR", dataDir)
		if code := run(t.Context(), grant, env); code != 0 || !strings.Contains(out.String(), want) {
			t.Fatalf("grant %d: exit %d, out %q, err %q", i+1, code, out, errOut)
		}
	}
	env, out, errOut := testEnv(t, nil, "CLARA_DATA_DIR", dataDir)
	if code := run(t.Context(), []string{"credits", "reconcile"}, env); code != 0 || !strings.Contains(out.String(), "the books agree") {
		t.Fatalf("reconcile: exit %d, out %q, err %q", code, out, errOut)
	}
	env, _, errOut = testEnv(t, nil, "CLARA_DATA_DIR", dataDir)
	code := run(t.Context(), []string{"credits", "grant", "--email", "nobody@example.com", "--credits", "5", "--reason", "x"}, env)
	if code != 1 || !strings.Contains(errOut.String(), "User with the given identifier does not exist.") {
		t.Fatalf("unknown email: exit %d, %q", code, errOut)
	}
	env, _, errOut = testEnv(t, nil, "CLARA_DATA_DIR", dataDir)
	code = run(t.Context(), []string{"credits", "grant", "--email", "ada@example.com", "--credits", "0", "--reason", "x"}, env)
	if code != 1 || !strings.Contains(errOut.String(), "--credits must be a whole number above 0") {
		t.Fatalf("zero credits: exit %d, %q", code, errOut)
	}
}

// registerUser signs up a user on the embedded store in dataDir, through
// the same wiring as the commands.
func registerUser(t *testing.T, dataDir, email string) {
	t.Helper()
	a := openApp(t, "CLARA_DATA_DIR", dataDir, "CLARA_WORKERS", "0")
	signUpActive(t, a, email)
	a.close()
}

// A worker with no model would only fail the analyses it took: it refuses
// to start.
func TestWorkerNeedsAModel(t *testing.T) {
	env, _, errOut := testEnv(t, nil)
	code := run(t.Context(), []string{"worker"}, env)
	if code != 1 || !strings.Contains(errOut.String(), "clara worker: CLARA_MODEL_PROVIDER: no analysis model is configured") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}
