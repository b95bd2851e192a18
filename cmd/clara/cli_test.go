package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/clara-backend/clara/config"
)

// help returns what `clara args... --help` prints on standard output.
func help(t *testing.T, args ...string) string {
	t.Helper()
	env, out, errOut := testEnv(t, nil)
	if code := run(t.Context(), append(args, "--help"), env); code != 0 || errOut.String() != "" {
		t.Fatalf("%v --help: exit %d, stderr %q", args, code, errOut)
	}
	return out.String()
}

// Each command takes only the flags of what it does, typed, with their
// defaults.
func TestCommandsTakeTheirOwnFlags(t *testing.T) {
	grant := help(t, "credits", "grant")
	for _, want := range []string{"--email string", "--credits int", "--database-url url", "--data-dir", "CLARA_TOKEN_SECRET"} {
		if !strings.Contains(grant, want) {
			t.Errorf("credits grant --help lacks %q:\n%s", want, grant)
		}
	}
	for _, unwanted := range []string{"--addr", "--model", "--workers", "--smtp-host", "CLARA_STRIPE_SECRET_KEY"} {
		if strings.Contains(grant, unwanted) {
			t.Errorf("credits grant --help offers %q, which it does not use", unwanted)
		}
	}
	serve := help(t, "serve")
	for _, want := range []string{
		`--addr host:port`, `(CLARA_HTTP_ADDR) (default "127.0.0.1:8000")`, "--workers int", "(default 2)",
		"--shutdown-timeout duration", "(default 15s)", "--cors-origins list", "--model-base-url url",
		"HTTP flags:", "Analysis flags:", "CLARA_STRIPE_SECRET_KEY",
	} {
		if !strings.Contains(serve, want) {
			t.Errorf("serve --help lacks %q", want)
		}
	}
	if !regexp.MustCompile(`(?m)^\s+--trust-proxy\s{2,}take client`).MatchString(serve) {
		t.Errorf("serve --help: --trust-proxy should stand alone as a boolean:\n%s", serve)
	}
	if mcp := help(t, "mcp"); strings.Contains(mcp, "--addr") || !strings.Contains(mcp, "CLARA_API_KEY") {
		t.Errorf("mcp --help should offer no listener and name CLARA_API_KEY:\n%s", mcp)
	}
}

// A boolean flag alone means true; the setting checks any value given.
func TestBooleanFlagAlone(t *testing.T) {
	env, _, errOut := testEnv(t, nil)
	if code := run(t.Context(), []string{"migrate", "status", "--log-level", "loud"}, env); code != 1 || !strings.Contains(errOut.String(), `--log-level: "loud" is not one of`) {
		t.Errorf("exit %d, %q", code, errOut)
	}
	env, _, errOut = testEnv(t, nil)
	if code := run(t.Context(), []string{"serve", "--trust-proxy=maybe", "--addr", "nowhere"}, env); code != 1 || !strings.Contains(errOut.String(), "--addr") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"credits", "grant"}, "--email, --credits and --reason are required"},
		{[]string{"credits", "grant", "--email", "a@example.com", "--credits", "x", "--reason", "r"}, `invalid argument "x" for "--credits"`},
		{[]string{"credits"}, "Usage:\n  clara credits COMMAND"},
		{[]string{"credits", "grnat"}, `unknown command "grnat"; did you mean "grant"?`},
		{[]string{"serv"}, `did you mean "serve"?`},
		{[]string{"extract"}, "--name is required"},
		{[]string{"dev", "last-code"}, "--email is required"},
		{[]string{"dev", "last-code", "--email", "a@example.com", "--purpose", "LOGIN"}, `--purpose "LOGIN" is not one of`},
		{[]string{"eval", "--claims", "x", "--concurrency", "0"}, "--concurrency must be 1 or more"},
	} {
		env, out, errOut := testEnv(t, nil)
		if code := run(t.Context(), tc.args, env); code != 2 || out.String() != "" || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.args, code, out, errOut, tc.want)
		}
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		env, out, _ := testEnv(t, nil)
		if code := run(t.Context(), []string{"completion", shell}, env); code != 0 || !strings.Contains(out.String(), "clara") {
			t.Errorf("completion %s: exit %d, %d bytes", shell, code, len(out.String()))
		}
	}
	env, out, _ := testEnv(t, nil)
	if code := run(t.Context(), []string{"__complete", "dev", "last-code", "--purpose", ""}, env); code != 0 ||
		!strings.Contains(out.String(), "ACTIVATION\nCHANGE_PASSWORD\nTWO_FACTOR_AUTH\n") {
		t.Errorf("--purpose completion: exit %d, %q", code, out)
	}
	env, out, _ = testEnv(t, nil)
	if code := run(t.Context(), []string{"__complete", "cr"}, env); code != 0 || !strings.HasPrefix(out.String(), "credits\t") {
		t.Errorf("command completion: exit %d, %q", code, out)
	}
}

func TestDevHelpers(t *testing.T) {
	env, _, _ := testEnv(t, nil)
	dataDir, _ := env.lookupEnv("CLARA_DATA_DIR")
	a := openApp(t, "CLARA_DATA_DIR", dataDir, "CLARA_WORKERS", "0")
	signUpActive(t, a, "ada@example.com")
	key := a.cfg.PublicAPIKey
	a.close()

	env, out, errOut := testEnv(t, nil, "CLARA_DATA_DIR", dataDir)
	if code := run(t.Context(), []string{"dev", "public-key"}, env); code != 0 || out.String() != key+"\n" {
		t.Errorf("public-key: exit %d, out %q, want %q; stderr %q", code, out, key, errOut)
	}
	env, out, errOut = testEnv(t, nil, "CLARA_DATA_DIR", dataDir)
	if code := run(t.Context(), []string{"dev", "last-code", "--email", "Ada@Example.com", "--purpose", "ACTIVATION"}, env); code != 0 ||
		!regexp.MustCompile(`^[0-9]{6}\n$`).MatchString(out.String()) {
		t.Errorf("last-code: exit %d, out %q, stderr %q", code, out, errOut)
	}
	env, out, errOut = testEnv(t, nil, "CLARA_DATA_DIR", dataDir)
	if code := run(t.Context(), []string{"dev", "last-code", "--email", "ada@example.com", "--purpose", "TWO_FACTOR_AUTH"}, env); code != 1 ||
		out.String() != "" || !strings.Contains(errOut.String(), "no TWO_FACTOR_AUTH code mailed to ada@example.com") {
		t.Errorf("no such code: exit %d, out %q, stderr %q", code, out, errOut)
	}
	env, _, errOut = testEnv(t, nil)
	if code := run(t.Context(), []string{"dev", "last-code", "--email", "ada@example.com"}, env); code != 1 || !strings.Contains(errOut.String(), "no outbox at") {
		t.Errorf("no outbox: exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "outbox")); err != nil {
		t.Fatal(err)
	}
}

func TestHealthProbe(t *testing.T) {
	healthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/health" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`{"data":{"service":"clara","status":"healthy"}}`))
	}))
	defer healthy.Close()
	_, port, _ := net.SplitHostPort(healthy.Listener.Addr().String())
	env, out, errOut := testEnv(t, nil, "CLARA_HTTP_ADDR", "0.0.0.0:"+port)
	if code := run(t.Context(), []string{"health"}, env); code != 0 || !strings.Contains(out.String(), "healthy") {
		t.Errorf("healthy: exit %d, out %q, stderr %q", code, out, errOut)
	}
	sick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, `{"status":"error"}`, http.StatusServiceUnavailable)
	}))
	defer sick.Close()
	env, _, errOut = testEnv(t, nil)
	if code := run(t.Context(), []string{"health", "--url", sick.URL + "/api/v1/health"}, env); code != 1 || !strings.Contains(errOut.String(), "503") {
		t.Errorf("sick: exit %d, stderr %q", code, errOut)
	}
	closed := closedAddr(t)
	env, _, errOut = testEnv(t, nil, "CLARA_HTTP_ADDR", closed)
	if code := run(t.Context(), []string{"health", "--timeout", "2s"}, env); code != 1 || !strings.Contains(errOut.String(), "clara health: ") {
		t.Errorf("nobody listening: exit %d, stderr %q", code, errOut)
	}
}

// closedAddr returns a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestDialAddr(t *testing.T) {
	for in, want := range map[string]string{
		"0.0.0.0:8000": "127.0.0.1:8000", "[::]:8000": "[::1]:8000", ":8000": "127.0.0.1:8000",
		"127.0.0.1:9": "127.0.0.1:9", "clara.internal:80": "clara.internal:80",
	} {
		if got := dialAddr(in); got != want {
			t.Errorf("dialAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

// Media is on only with a transcription model and a working ffmpeg.
func TestMediaReaderNeedsFFmpegAndTranscription(t *testing.T) {
	for _, tc := range []struct {
		cfg    config.Media
		on     bool
		status string
	}{
		{config.Media{}, false, "off (no CLARA_TRANSCRIPTION_MODEL)"},
		{config.Media{FFmpeg: filepath.Join(t.TempDir(), "ffmpeg"), Transcription: config.Transcription{Model: "whisper-1"}}, false, "off (no working ffmpeg"},
		{config.Media{Transcription: config.Transcription{Model: "whisper-1"}}, true, "on (transcription whisper-1)"},
	} {
		r, status := newMediaReader(tc.cfg)
		if (r != nil) != tc.on || !strings.HasPrefix(status, tc.status) {
			t.Errorf("%+v: reader %v, status %q", tc.cfg, r != nil, status)
		}
	}
}
