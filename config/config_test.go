package config

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/clara-backend/clara/core"
)

// load parses args and builds a Config from env alone (no process env).
func load(t *testing.T, args []string, env map[string]string) (Config, error) {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	l := Bind(fs, ^Group(0))
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return l.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
}

func TestDefaults(t *testing.T) {
	t.Chdir(t.TempDir()) // no .env here
	c, err := load(t, nil, map[string]string{"HOME": "/home/ada"})
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "127.0.0.1:8000" || c.PublicURL != "http://127.0.0.1:8000" {
		t.Errorf("addr %q, public URL %q", c.HTTPAddr, c.PublicURL)
	}
	if c.DataDir != "/home/ada/.local/share/clara" {
		t.Errorf("data dir %q", c.DataDir)
	}
	if c.LogLevel != slog.LevelInfo || c.LogFormat != "auto" || c.ShutdownTimeout != 15*time.Second {
		t.Errorf("log %v %q, shutdown %v", c.LogLevel, c.LogFormat, c.ShutdownTimeout)
	}
	if c.PublicHost() != "127.0.0.1:8000" {
		t.Errorf("public host %q", c.PublicHost())
	}
	if !c.Embedded() || c.EnvFile != "" {
		t.Errorf("embedded %v, env file %q", c.Embedded(), c.EnvFile)
	}
}

func TestXDGDataHome(t *testing.T) {
	c, err := load(t, nil, map[string]string{"XDG_DATA_HOME": "/xdg", "HOME": "/home/ada"})
	if err != nil || c.DataDir != "/xdg/clara" {
		t.Fatalf("data dir %q, err %v", c.DataDir, err)
	}
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	env := "CLARA_HTTP_ADDR=127.0.0.1:1111\nCLARA_LOG_LEVEL=debug\nCLARA_LOG_FORMAT=text\n"
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(env), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := load(t, []string{"--addr", "127.0.0.1:3333"}, map[string]string{
		"HOME": dir, "CLARA_HTTP_ADDR": "127.0.0.1:2222", "CLARA_LOG_LEVEL": "warn",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "127.0.0.1:3333" {
		t.Errorf("flag must win over env: %q", c.HTTPAddr)
	}
	if c.LogLevel != slog.LevelWarn {
		t.Errorf("env must win over .env: %v", c.LogLevel)
	}
	if c.LogFormat != "text" {
		t.Errorf(".env must win over default: %q", c.LogFormat)
	}
	if c.EnvFile != ".env" {
		t.Errorf("env file %q", c.EnvFile)
	}
}

func TestExplicitEnvFileMustExist(t *testing.T) {
	_, err := load(t, []string{"--env-file", "/nonexistent/clara.env"}, map[string]string{"HOME": "/h"})
	if err == nil || !strings.HasPrefix(err.Error(), "--env-file: ") {
		t.Fatalf("err = %v", err)
	}
}

func TestBadValuesNameTheVariable(t *testing.T) {
	t.Chdir(t.TempDir())
	cases := []struct {
		env    map[string]string
		args   []string
		prefix string
	}{
		{env: map[string]string{"CLARA_HTTP_ADDR": "8000"}, prefix: "CLARA_HTTP_ADDR: "},
		{env: map[string]string{"CLARA_HTTP_ADDR": "localhost:99999"}, prefix: "CLARA_HTTP_ADDR: "},
		{env: map[string]string{}, args: []string{"--addr", "nope"}, prefix: "--addr: "},
		{env: map[string]string{"CLARA_LOG_LEVEL": "loud"}, prefix: "CLARA_LOG_LEVEL: "},
		{env: map[string]string{"CLARA_LOG_LEVEL": "info+2"}, prefix: "CLARA_LOG_LEVEL: "},
		{env: map[string]string{"CLARA_LOG_FORMAT": "xml"}, prefix: "CLARA_LOG_FORMAT: "},
		{env: map[string]string{"CLARA_DATABASE_URL": "mysql://x"}, prefix: "CLARA_DATABASE_URL: "},
		{env: map[string]string{"CLARA_PUBLIC_URL": "ftp://x"}, prefix: "CLARA_PUBLIC_URL: "},
		{env: map[string]string{"CLARA_TOKEN_SECRET": "short"}, prefix: "CLARA_TOKEN_SECRET: "},
		{env: map[string]string{"CLARA_PUBLIC_API_KEY": "has a space in it ok"}, prefix: "CLARA_PUBLIC_API_KEY: "},
		{env: map[string]string{"CLARA_SHUTDOWN_TIMEOUT": "-1s"}, prefix: "CLARA_SHUTDOWN_TIMEOUT: "},
		{env: map[string]string{"CLARA_TRUST_PROXY": "maybe"}, prefix: "CLARA_TRUST_PROXY: "},
		{env: map[string]string{"CLARA_DATABASE_URL": "postgres://h/db"}, prefix: "CLARA_TOKEN_SECRET: required"},
	}
	for _, tc := range cases {
		tc.env["HOME"] = "/h"
		_, err := load(t, tc.args, tc.env)
		if err == nil || !strings.HasPrefix(err.Error(), tc.prefix) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v %v: err = %v, want one line starting %q", tc.env, tc.args, err, tc.prefix)
		}
	}
}

func TestSecretsHaveNoFlags(t *testing.T) {
	for _, s := range Settings() {
		if s.Secret && s.Flag != "" {
			t.Errorf("%s is secret but has flag --%s (flags show in ps)", s.Env, s.Flag)
		}
	}
}

func TestEnsureSecretsGeneratesOnceAndKeeps(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	c := Config{DataDir: dir}
	gen, err := EnsureSecrets(&c)
	if err != nil || !gen {
		t.Fatalf("gen %v err %v", gen, err)
	}
	if len(c.TokenSecret) < 32 || !strings.HasPrefix(c.PublicAPIKey, "clara_pub_") {
		t.Fatalf("secrets %d bytes, key %q", len(c.TokenSecret), c.PublicAPIKey)
	}
	info, err := os.Stat(filepath.Join(dir, secretsFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secrets file: %v %v", info, err)
	}
	again := Config{DataDir: dir}
	if _, err := EnsureSecrets(&again); err != nil || again.TokenSecret != c.TokenSecret || again.PublicAPIKey != c.PublicAPIKey {
		t.Fatalf("second load differs: %+v vs %+v (%v)", again, c, err)
	}
	configured := Config{DataDir: dir, TokenSecret: strings.Repeat("s", 32), PublicAPIKey: "operator-key-0123"}
	if gen, err := EnsureSecrets(&configured); err != nil || gen || configured.PublicAPIKey != "operator-key-0123" {
		t.Fatalf("configured values must win: %+v gen %v err %v", configured, gen, err)
	}
}

func TestEnsureSecretsRefusesLooseFile(t *testing.T) {
	dir := t.TempDir()
	c := Config{DataDir: dir}
	if _, err := EnsureSecrets(&c); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, secretsFile), 0o644); err != nil {
		t.Fatal(err)
	}
	c = Config{DataDir: dir}
	if _, err := EnsureSecrets(&c); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("err = %v", err)
	}
}

func TestAccountSettings(t *testing.T) {
	t.Chdir(t.TempDir())
	c, err := load(t, []string{"--rate-limit", "50"}, map[string]string{
		"HOME": "/h", "CLARA_OTP_TTL": "5m", "CLARA_GOOGLE_CLIENT_IDS": " a.apps , b.apps ,",
		"CLARA_SMTP_HOST": "smtp.example.com", "CLARA_SMTP_PASSWORD": "pw",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.RateLimit != 50 || c.OTPTTL != 5*time.Minute || c.SessionTTL != 168*time.Hour {
		t.Errorf("rate %d, otp ttl %v, session ttl %v", c.RateLimit, c.OTPTTL, c.SessionTTL)
	}
	if len(c.GoogleClientIDs) != 2 || c.GoogleClientIDs[0] != "a.apps" || c.GoogleClientIDs[1] != "b.apps" {
		t.Errorf("google client ids %q", c.GoogleClientIDs)
	}
	if c.SMTP.Host != "smtp.example.com" || c.SMTP.Port != 587 || c.SMTP.Password != "pw" || c.SMTP.From != "Clara <no-reply@localhost>" {
		t.Errorf("smtp %+v", c.SMTP)
	}
	for env, bad := range map[string]string{"CLARA_RATE_LIMIT": "0", "CLARA_OTP_TTL": "soon", "CLARA_SMTP_PORT": "70000",
		"CLARA_SMTP_FROM": "not an address", "CLARA_SMTP_SECURITY": "ssl", "CLARA_GOOGLE_JWKS_URL": "file:///etc/passwd"} {
		if _, err := load(t, nil, map[string]string{"HOME": "/h", env: bad}); err == nil || !strings.HasPrefix(err.Error(), env+": ") {
			t.Errorf("%s=%q: err = %v", env, bad, err)
		}
	}
}

func TestBillingSettings(t *testing.T) {
	t.Chdir(t.TempDir())
	c, err := load(t, nil, map[string]string{"HOME": "/h"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.CreditTiers) != 1 || c.CreditTiers[0] != (core.Tier{Currency: "usd", LowerLimit: 5, UpperLimit: 10000, Rate: 100}) {
		t.Errorf("default tiers %+v", c.CreditTiers)
	}
	if c.AppURL != c.PublicURL || c.StripeSecretKey != "" {
		t.Errorf("app url %q, stripe key %q", c.AppURL, c.StripeSecretKey)
	}
	c, err = load(t, []string{"--credit-tiers", "100-500:120, 5-99:100"}, map[string]string{"HOME": "/h",
		"CLARA_STRIPE_SECRET_KEY": "sk_test_1", "CLARA_STRIPE_WEBHOOK_SECRET": "whsec_1", "CLARA_APP_URL": "https://app.example.com/"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.CreditTiers) != 2 || c.CreditTiers[0].LowerLimit != 5 || c.CreditTiers[1].Rate != 120 || c.AppURL != "https://app.example.com" {
		t.Errorf("tiers %+v, app url %q", c.CreditTiers, c.AppURL)
	}
	for env, bad := range map[string]string{
		"CLARA_CREDIT_TIERS":          "5-10:100,10-20:100", // overlap
		"CLARA_STRIPE_SECRET_KEY":     "pk_live_1",
		"CLARA_STRIPE_WEBHOOK_SECRET": "secret",
		"CLARA_APP_URL":               "app.example.com",
	} {
		if _, err := load(t, nil, map[string]string{"HOME": "/h", env: bad}); err == nil || !strings.HasPrefix(err.Error(), env+": ") {
			t.Errorf("%s=%q: err = %v", env, bad, err)
		}
	}
	for _, bad := range []string{"5-10", "0-10:100", "10-5:100", "5-10:0", "a-b:c", "5-10:100x"} {
		if _, err := load(t, nil, map[string]string{"HOME": "/h", "CLARA_CREDIT_TIERS": bad}); err == nil {
			t.Errorf("tiers %q accepted", bad)
		}
	}
	if _, err := load(t, nil, map[string]string{"HOME": "/h", "CLARA_STRIPE_SECRET_KEY": "sk_test_1"}); err == nil {
		t.Error("a secret key without a webhook secret accepted")
	}
}

func TestAnalysisSettings(t *testing.T) {
	t.Chdir(t.TempDir())
	c, err := load(t, nil, map[string]string{"HOME": "/h"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Model.Provider != "" || c.AnalysisCost != 20 || c.Jobs.Workers != 2 || c.Jobs.MaxAttempts != 5 || c.Model.MaxSteps != 6 {
		t.Errorf("defaults: %+v cost %d jobs %+v", c.Model, c.AnalysisCost, c.Jobs)
	}
	c, err = load(t, []string{"--model-provider", "openai", "--model-base-url", "http://127.0.0.1:11434/v1"}, map[string]string{"HOME": "/h", "CLARA_MODEL_VISION": "false"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Model.Name != "gpt-4o-mini" || c.Model.Vision == nil || *c.Model.Vision {
		t.Errorf("openai local: %+v", c.Model)
	}
	for env, bad := range map[string]string{"CLARA_MODEL_PROVIDER": "gemini", "CLARA_ANALYSIS_COST": "0", "CLARA_WORKERS": "-1",
		"CLARA_MODEL_VISION": "maybe", "CLARA_MODEL_BASE_URL": "localhost:11434"} {
		if _, err := load(t, nil, map[string]string{"HOME": "/h", env: bad}); err == nil || !strings.HasPrefix(err.Error(), env+": ") {
			t.Errorf("%s=%q: err = %v", env, bad, err)
		}
	}
	if _, err := load(t, nil, map[string]string{"HOME": "/h", "CLARA_MODEL_PROVIDER": "anthropic"}); err == nil || !strings.HasPrefix(err.Error(), "CLARA_MODEL_API_KEY: ") {
		t.Errorf("anthropic without a key: %v", err)
	}
	if _, err := load(t, nil, map[string]string{"HOME": "/h", "CLARA_JOB_TIMEOUT": "20m"}); err == nil || !strings.HasPrefix(err.Error(), "CLARA_JOB_RESCUE_AFTER: ") {
		t.Errorf("rescue before timeout: %v", err)
	}
}

func TestCORSOrigins(t *testing.T) {
	t.Chdir(t.TempDir())
	c, err := load(t, nil, map[string]string{"HOME": "/h", "CLARA_APP_URL": "https://app.example.com/billing"})
	if err != nil || len(c.CORSOrigins) != 1 || c.CORSOrigins[0] != "https://app.example.com" {
		t.Fatalf("default origins %q, %v", c.CORSOrigins, err)
	}
	c, err = load(t, []string{"--cors-origins", "https://a.example, http://localhost:3000/"}, map[string]string{"HOME": "/h"})
	if err != nil || len(c.CORSOrigins) != 2 || c.CORSOrigins[1] != "http://localhost:3000" {
		t.Fatalf("origins %q, %v", c.CORSOrigins, err)
	}
	if _, err := load(t, nil, map[string]string{"HOME": "/h", "CLARA_CORS_ORIGINS": "https://a.example/path"}); err == nil {
		t.Fatal("an origin with a path accepted")
	}
}

// TestEmptyVariableIsUnset checks that a variable set but empty counts as
// unset: the setting takes its default, and an empty .env value yields to
// the default too.
func TestEmptyVariableIsUnset(t *testing.T) {
	c, err := load(t, nil, map[string]string{"HOME": "/h", "CLARA_HTTP_ADDR": "", "CLARA_RATE_LIMIT": "", "CLARA_MCP_TOOLSETS": ""})
	if err != nil {
		t.Fatalf("empty variables refused: %v", err)
	}
	if c.HTTPAddr != "127.0.0.1:8000" || c.RateLimit != 10 || len(c.MCPToolsets) != len(MCPToolsets) {
		t.Errorf("addr %q, rate limit %d, toolsets %v: want the defaults", c.HTTPAddr, c.RateLimit, c.MCPToolsets)
	}
}

// Media needs a transcription model; its endpoint and key default to the
// model's when the model provider is openai.
func TestMediaSettings(t *testing.T) {
	t.Chdir(t.TempDir())
	c, err := load(t, nil, map[string]string{"HOME": "/h"})
	if err != nil || c.Media.Transcription.Model != "" || c.Media.MaxDuration != 20*time.Minute || c.Media.FFmpeg != "" {
		t.Fatalf("defaults: %+v, %v", c.Media, err)
	}
	c, err = load(t, []string{"--transcription-model", "whisper-1", "--ffmpeg", "/usr/local/bin/ffmpeg", "--media-max-duration", "5m"}, map[string]string{
		"HOME": "/h", "CLARA_MODEL_PROVIDER": "openai", "CLARA_MODEL_API_KEY": "sk-model", "CLARA_MODEL_BASE_URL": "http://127.0.0.1:9/v1",
	})
	want := Transcription{Model: "whisper-1", BaseURL: "http://127.0.0.1:9/v1", APIKey: "sk-model"}
	if err != nil || c.Media.Transcription != want || c.Media.FFmpeg != "/usr/local/bin/ffmpeg" || c.Media.MaxDuration != 5*time.Minute {
		t.Fatalf("inherited: %+v, %v", c.Media, err)
	}
	c, err = load(t, nil, map[string]string{
		"HOME": "/h", "CLARA_MODEL_PROVIDER": "anthropic", "CLARA_MODEL_API_KEY": "sk-ant",
		"CLARA_TRANSCRIPTION_MODEL": "whisper-1", "CLARA_TRANSCRIPTION_API_KEY": "sk-openai",
	})
	if err != nil || c.Media.Transcription != (Transcription{Model: "whisper-1", APIKey: "sk-openai"}) {
		t.Fatalf("own key: %+v, %v", c.Media, err)
	}
	for _, bad := range []map[string]string{
		{"CLARA_MODEL_PROVIDER": "anthropic", "CLARA_MODEL_API_KEY": "sk-ant", "CLARA_TRANSCRIPTION_MODEL": "whisper-1"},
		{"CLARA_FFMPEG": "bin/ffmpeg"},
		{"CLARA_MEDIA_MAX_DURATION": "0s"},
		{"CLARA_TRANSCRIPTION_BASE_URL": "ftp://x"},
	} {
		bad["HOME"] = "/h"
		if _, err := load(t, nil, bad); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
}
