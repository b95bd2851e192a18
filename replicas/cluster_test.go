// Package replicas proves that several clara processes on one PostgreSQL
// (and one Redis) behave as one server: the tests start real `clara serve`
// and `clara worker` processes behind a round-robin proxy and check shared
// limits, cross-process waits, exactly-once webhooks, server-side logout
// and survival of SIGKILL.
package replicas

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/billing/stripetest"
	"github.com/clara-backend/clara/internal/logbuf"
	"github.com/clara-backend/clara/internal/redistest"
	"github.com/clara-backend/clara/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The binary under test, built once per run of the tests.
var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// claraBinary builds cmd/clara into a temporary directory once.
func claraBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "clara-replicas-*")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "clara")
		if out, err := exec.Command("go", "build", "-o", binary, "../cmd/clara").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

// options shape a cluster.
type options struct {
	serves, workers int
	redis           bool     // share limits through Redis
	env             []string // more settings of every process
}

// cluster is clara processes on one database, their fakes, and the proxy
// in front of the serves.
type cluster struct {
	t       testing.TB
	bin     string
	env     []string // what every process gets
	dataDir string   // shared: the development outbox
	serves  []*proc
	workers []*proc
	proxy   *httptest.Server
	next    atomic.Uint64 // the round robin
	model   *modeltest.Server
	stripe  *stripetest.Server
}

// proc is one clara process.
type proc struct {
	name string
	addr string // serves: 127.0.0.1:port
	cmd  *exec.Cmd
	log  *logbuf.Buffer
	done chan struct{}
	dead atomic.Bool
}

// startCluster starts o.serves serves and o.workers workers on a fresh
// database, and the proxy.
func startCluster(t testing.TB, o options) *cluster {
	t.Helper()
	c := &cluster{t: t, bin: claraBinary(t), dataDir: t.TempDir(), model: modeltest.New(t), stripe: stripetest.NewServer(t)}
	c.proxy = httptest.NewServer(&httputil.ReverseProxy{Rewrite: c.rewrite, ErrorHandler: c.proxyError})
	t.Cleanup(c.proxy.Close)
	envFile := filepath.Join(t.TempDir(), "empty.env")
	if err := os.WriteFile(envFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	c.env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + c.dataDir, "CLARA_ENV_FILE=" + envFile,
		"CLARA_DATABASE_URL=" + pgtest.NewURL(t), "CLARA_DATA_DIR=" + c.dataDir, "CLARA_DEV_MAIL=true",
		"CLARA_TOKEN_SECRET=" + "0123456789abcdef0123456789abcdef0123456789abcdef", "CLARA_PUBLIC_API_KEY=" + publicKey,
		"CLARA_PUBLIC_URL=" + c.proxy.URL, "CLARA_LOG_FORMAT=json", "CLARA_TRUST_PROXY=true",
		"CLARA_MODEL_PROVIDER=openai", "CLARA_MODEL=gpt-test", "CLARA_MODEL_BASE_URL=" + c.model.URL(), "CLARA_MODEL_API_KEY=sk-test",
		"CLARA_STRIPE_SECRET_KEY=" + stripetest.TestKey, "CLARA_STRIPE_WEBHOOK_SECRET=" + stripetest.TestWebhookSecret,
		"CLARA_STRIPE_API_URL=" + c.stripe.URL(),
		// A killed worker's analysis is run again soon.
		"CLARA_JOB_TIMEOUT=5s", "CLARA_JOB_RESCUE_AFTER=8s", "CLARA_SHUTDOWN_TIMEOUT=3s",
	}
	if o.redis {
		c.env = append(c.env, "CLARA_REDIS_URL="+redistest.NewURL(t))
	}
	c.env = append(c.env, o.env...)
	var wg sync.WaitGroup
	for i := range o.serves {
		p := c.start(fmt.Sprintf("serve-%d", i), "serve", "CLARA_HTTP_ADDR="+freeAddr(t), "CLARA_WORKERS=0")
		c.serves = append(c.serves, p)
		wg.Go(func() { c.awaitHealthy(p) })
	}
	for i := range o.workers {
		c.workers = append(c.workers, c.start(fmt.Sprintf("worker-%d", i), "worker", "CLARA_WORKERS=2"))
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return c
}

// publicKey is the client apps' key of the cluster.
const publicKey = "clara_pub_replicas0123456789"

// start starts `clara command` with the cluster's environment and extra.
func (c *cluster) start(name, command string, extra ...string) *proc {
	c.t.Helper()
	p := &proc{name: name, log: &logbuf.Buffer{}, done: make(chan struct{})}
	for _, e := range extra {
		if v, ok := strings.CutPrefix(e, "CLARA_HTTP_ADDR="); ok {
			p.addr = v
		}
	}
	p.cmd = exec.Command(c.bin, command)
	p.cmd.Env = append(append([]string{}, c.env...), extra...)
	p.cmd.Dir = c.dataDir
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		c.t.Fatalf("start %s: %v", name, err)
	}
	go func() { p.cmd.Wait(); p.dead.Store(true); close(p.done) }()
	c.t.Cleanup(func() { p.stop(c.t) })
	return p
}

// awaitHealthy waits until p answers its health check.
func (c *cluster) awaitHealthy(p *proc) {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			c.t.Errorf("%s exited at start:\n%s", p.name, p.log)
			return
		default:
		}
		if resp, err := http.Get("http://" + p.addr + "/api/v1/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.t.Errorf("%s not healthy after 60 s:\n%s", p.name, p.log)
}

// stop ends p gracefully (SIGTERM, then SIGKILL after 10 s).
func (p *proc) stop(t testing.TB) {
	if p.dead.Load() {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
		t.Errorf("%s did not stop on SIGTERM", p.name)
	}
}

// kill ends p at once, as a crash does.
func (p *proc) kill() {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
}

// replicaHeader pins a request to one serve: its index.
const replicaHeader = "X-Test-Replica"

// rewrite sends a request to the serve its replicaHeader names, else to
// the next live serve in turn, keeping the Host the client used (the
// public URL's, which MCP checks).
func (c *cluster) rewrite(r *httputil.ProxyRequest) {
	var p *proc
	if v := r.In.Header.Get(replicaHeader); v != "" {
		i, _ := strconv.Atoi(v)
		p = c.serves[i%len(c.serves)]
	} else {
		for range c.serves {
			p = c.serves[int(c.next.Add(1))%len(c.serves)]
			if !p.dead.Load() {
				break
			}
		}
	}
	r.SetURL(&url.URL{Scheme: "http", Host: p.addr})
	r.Out.Host = r.In.Host
	r.Out.Header.Del(replicaHeader)
	r.SetXForwarded()
}

// proxyError answers 502 when a serve cannot be reached, as a load
// balancer does.
func (c *cluster) proxyError(w http.ResponseWriter, _ *http.Request, err error) {
	if !errors.Is(err, context.Canceled) {
		c.t.Logf("proxy: %v", err)
	}
	w.WriteHeader(http.StatusBadGateway)
}

// logs returns the end of every process's output, for failures.
func (c *cluster) logs() string {
	var b bytes.Buffer
	for _, p := range append(append([]*proc{}, c.serves...), c.workers...) {
		lines := strings.Split(strings.TrimSpace(p.log.String()), "\n")
		fmt.Fprintf(&b, "== %s (last %d lines)\n%s\n", p.name, min(len(lines), 20), strings.Join(lines[max(0, len(lines)-20):], "\n"))
	}
	return b.String()
}

// run runs `clara args...` once with the cluster's environment and returns
// its output and error.
func (c *cluster) run(args ...string) (string, error) {
	cmd := exec.Command(c.bin, args...)
	cmd.Env = c.env
	cmd.Dir = c.dataDir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// freeAddr returns a loopback address whose port is free now.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
