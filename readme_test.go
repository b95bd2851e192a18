//go:build unix

package clara_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/internal/logbuf"
)

// The README's examples run as written. A block marked
//
//	<!-- readme: run -->
//
// is a ```sh block that runs: every such block, in order, in one bash (so
// variables carry from block to block), with -euo pipefail. A block marked
//
//	<!-- readme: transcript -->
//
// holds `$ command` lines, each followed by its exact output. The server is
// a fresh `make -s run` on its own data directory and a free port, with a
// fake model; the blocks' localhost:8000 is rewritten to that port.
const (
	markRun        = "<!-- readme: run -->"
	markTranscript = "<!-- readme: transcript -->"
)

// readmeBlock is one marked block of the README.
type readmeBlock struct {
	kind string // markRun or markTranscript
	line int    // the README line of its opening fence
	text string // its lines, without the fences
}

// readmeBlocks returns the README's marked blocks in order. A marker must be
// followed by a ```sh fence that closes.
func readmeBlocks(t *testing.T, readme string) []readmeBlock {
	t.Helper()
	lines := strings.Split(readme, "\n")
	var blocks []readmeBlock
	for i := 0; i < len(lines); i++ {
		mark := strings.TrimSpace(lines[i])
		if mark != markRun && mark != markTranscript {
			if strings.Contains(mark, "<!-- readme:") {
				t.Fatalf("README.md:%d: unknown marker %q", i+1, mark)
			}
			continue
		}
		if i+1 >= len(lines) || lines[i+1] != "```sh" {
			t.Fatalf("README.md:%d: %s is not followed by a ```sh block", i+1, mark)
		}
		start := i + 2
		end := start
		for end < len(lines) && lines[end] != "```" {
			end++
		}
		if end == len(lines) {
			t.Fatalf("README.md:%d: the block never closes", i+2)
		}
		blocks = append(blocks, readmeBlock{kind: mark, line: i + 2, text: strings.Join(lines[start:end], "\n")})
		i = end
	}
	return blocks
}

// transcriptStep is one command of a transcript block and its output.
type transcriptStep struct {
	command string
	want    string // the expected output, each line ending in a newline
}

// transcriptSteps splits a transcript block into its commands.
func transcriptSteps(t *testing.T, b readmeBlock) []transcriptStep {
	t.Helper()
	var steps []transcriptStep
	for _, line := range strings.Split(b.text, "\n") {
		if cmd, ok := strings.CutPrefix(line, "$ "); ok {
			steps = append(steps, transcriptStep{command: cmd})
			continue
		}
		if len(steps) == 0 {
			t.Fatalf("README.md:%d: a transcript starts with %q, not a `$ ` command", b.line, line)
		}
		steps[len(steps)-1].want += line + "\n"
	}
	return steps
}

func TestREADMERunsAsWritten(t *testing.T) {
	for _, tool := range []string{"bash", "make", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the README's examples need %s: %v", tool, err)
		}
	}
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := readmeBlocks(t, string(raw))
	kinds := map[string]int{}
	for _, b := range blocks {
		kinds[b.kind]++
	}
	if kinds[markRun] == 0 || kinds[markTranscript] == 0 {
		t.Fatalf("README.md has %d run and %d transcript blocks; want some of each", kinds[markRun], kinds[markTranscript])
	}

	model := modeltest.New(t)
	answer := modeltest.NewAnalysis("TRUE", "attachment:eiffel-tower.md")
	answer.Summary = "The attached document says the tower was finished in March 1889."
	answer.Claims[0].Claim = "The Eiffel Tower was finished in 1889."
	model.Enqueue(modeltest.Answer(answer.JSON()))

	addr := freeAddr(t)
	env := readmeEnv(t, addr, model.URL())
	srv := startMakeRun(t, env)
	base := "http://" + addr
	srv.waitHealthy(t, base)
	version := serverVersion(t, base)

	sh := startShell(t, env)
	for _, b := range blocks {
		text := strings.ReplaceAll(b.text, "localhost:8000", addr)
		if b.kind == markRun {
			out, err := sh.run(t, text)
			if err != nil {
				t.Fatalf("README.md:%d: the block failed: %v\n--- block\n%s\n--- output\n%s\n--- server log\n%s", b.line, err, b.text, out, srv.log)
			}
			t.Logf("README.md:%d:\n%s", b.line, out)
			continue
		}
		for _, step := range transcriptSteps(t, b) {
			cmd := strings.ReplaceAll(step.command, "localhost:8000", addr)
			// The version answered is the build's: the README shows an example.
			want := versionField.ReplaceAllLiteralString(step.want, `"version":`+jsonString(version))
			out, err := sh.run(t, cmd)
			if err != nil || out != want {
				t.Fatalf("README.md:%d: $ %s\nerror: %v\n--- got\n%s--- want\n%s--- server log\n%s", b.line, step.command, err, out, want, srv.log)
			}
		}
	}

	// The analysis the README started really completed, was charged, and
	// the model read the sample document.
	out, err := sh.run(t, `printf '%s\n' "$USER_ID" "$TASK_ID" "$API_KEY"`)
	vars := strings.Fields(out)
	if err != nil || len(vars) != 3 {
		t.Fatalf("the README's blocks do not leave USER_ID, TASK_ID and API_KEY set: %v %q", err, out)
	}
	userID, taskID, apiKey := vars[0], vars[1], vars[2]
	var task struct {
		Data struct {
			Status string `json:"status"`
			Result *struct {
				Verdict string `json:"verdict"`
			} `json:"result"`
		} `json:"data"`
	}
	getJSON(t, base+"/api/v1/users/"+userID+"/tasks/"+taskID, apiKey, &task)
	if task.Data.Status != "COMPLETED" || task.Data.Result == nil || task.Data.Result.Verdict != "TRUE" {
		t.Fatalf("task %s: %+v, want COMPLETED with the fake model's TRUE\n--- server log\n%s", taskID, task.Data, srv.log)
	}
	var user struct {
		Data struct {
			Credits float64 `json:"credits"`
		} `json:"data"`
	}
	getJSON(t, base+"/api/v1/users/"+userID, apiKey, &user)
	if user.Data.Credits != 480 {
		t.Errorf("credits after the README: %v, want 500 granted less 20 for the analysis", user.Data.Credits)
	}
	reqs := model.Requests()
	if len(reqs) == 0 || !strings.Contains(reqs[0].Text(), "Gustave Eiffel") {
		t.Errorf("the model was not given docs/examples/eiffel-tower.md (%d requests)", len(reqs))
	}

	sh.close(t)
	srv.stop(t)
}

// versionField is the version in a /api/v1/version answer.
var versionField = regexp.MustCompile(`"version":"[^"]*"`)

// jsonString is s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// freeAddr returns a loopback address with a port free at the moment.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// readmeEnv is the environment of the server and of the README's shell:
// this process's, without CLARA_* settings and make's own variables, with a
// fresh data directory ($XDG_DATA_HOME/clara, as on a fresh machine), an
// empty .env, the address and the fake model.
func readmeEnv(t *testing.T, addr, modelURL string) []string {
	t.Helper()
	dir := t.TempDir()
	dotenv := filepath.Join(dir, "empty.env")
	if err := os.WriteFile(dotenv, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "CLARA_"), name == "XDG_DATA_HOME",
			name == "MAKEFLAGS", name == "MFLAGS", name == "MAKELEVEL":
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"XDG_DATA_HOME="+filepath.Join(dir, "data"),
		"CLARA_ENV_FILE="+dotenv,
		"CLARA_HTTP_ADDR="+addr,
		"CLARA_LOG_FORMAT=json",
		"CLARA_MODEL_PROVIDER=openai",
		"CLARA_MODEL_BASE_URL="+modelURL,
		"CLARA_MODEL_API_KEY=sk-readme-test",
	)
}

// makeRun is `make -s run` in its own process group.
type makeRun struct {
	cmd  *exec.Cmd
	log  *logbuf.Buffer
	done chan struct{}
	err  error
}

func startMakeRun(t *testing.T, env []string) *makeRun {
	t.Helper()
	cmd := exec.Command("make", "-s", "run")
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	m := &makeRun{cmd: cmd, log: &logbuf.Buffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = m.log, m.log
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		m.err = cmd.Wait()
		close(m.done)
	}()
	t.Cleanup(func() {
		select {
		case <-m.done:
		default:
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-m.done
		}
	})
	return m
}

// waitHealthy waits for the server's health check, or for make to end.
// The deadline only keeps a broken build from hanging the test: make builds
// the binary first.
func (m *makeRun) waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(8 * time.Minute)
	if d, ok := t.Deadline(); ok && d.Add(-30*time.Second).Before(deadline) {
		deadline = d.Add(-30 * time.Second)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		if resp, err := client.Get(base + "/api/v1/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-m.done:
			t.Fatalf("make -s run ended before serving: %v\n%s", m.err, m.log)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("make -s run did not serve %s in time\n%s", base, m.log)
		}
	}
}

// stop sends SIGTERM to make and the server and waits for both to end.
func (m *makeRun) stop(t *testing.T) {
	t.Helper()
	if err := syscall.Kill(-m.cmd.Process.Pid, syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-m.done:
	case <-time.After(time.Minute):
		t.Fatalf("make -s run did not end a minute after SIGTERM\n%s", m.log)
	}
	// make's exit reports the signal; the server must have drained and ended
	// with it.
	for deadline := time.Now().Add(time.Minute); syscall.Kill(-m.cmd.Process.Pid, 0) == nil; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the server outlived make by a minute\n%s", m.log)
		}
	}
	if strings.Contains(m.log.String(), "panic:") || strings.Contains(m.log.String(), "fatal error") {
		t.Errorf("the server's log has a crash:\n%s", m.log)
	}
}

func serverVersion(t *testing.T, base string) string {
	t.Helper()
	var v struct {
		Data struct {
			Version string `json:"version"`
		} `json:"data"`
	}
	getJSON(t, base+"/api/v1/version", "", &v)
	if v.Data.Version == "" {
		t.Fatal("/api/v1/version answers no version")
	}
	return v.Data.Version
}

func getJSON(t *testing.T, url, apiKey string, v any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+apiKey)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, v) != nil {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
}

// shell is one bash that runs the README's blocks in turn, like a reader's
// terminal: each block is written to a file and sourced, with stdin from
// /dev/null, so that variables and the working directory carry over.
type shell struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
	dir   string
	n     int
	done  chan struct{}
}

// shellDone ends the output of each sourced file (printed by bash's printf
// from octal escapes); it is in no command's output.
const shellDone = "\x1ereadme-block-done\x1e"

func startShell(t *testing.T, env []string) *shell {
	t.Helper()
	cmd := exec.Command("bash", "-euo", "pipefail")
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	s := &shell{cmd: cmd, stdin: stdin, out: bufio.NewReader(r), dir: t.TempDir(), done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
		r.Close()
	})
	return s
}

// run sources script in the shell and returns its output (standard output
// and error, as a terminal shows them) and an error when the shell ended: a
// command failed. The deadline only guards against a hang.
func (s *shell) run(t *testing.T, script string) (string, error) {
	t.Helper()
	s.n++
	path := filepath.Join(s.dir, fmt.Sprintf("block-%d.sh", s.n))
	if err := os.WriteFile(path, []byte(script+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := fmt.Fprintf(s.stdin, "source %q </dev/null\nprintf '\\036readme-block-done\\036'\n", path); err != nil {
		return "", fmt.Errorf("the shell has ended: %w", err)
	}
	type result struct {
		out string
		err error
	}
	got := make(chan result, 1)
	go func() {
		var out strings.Builder
		for {
			b, err := s.out.ReadByte()
			if err != nil {
				got <- result{out.String(), err}
				return
			}
			out.WriteByte(b)
			if strings.HasSuffix(out.String(), shellDone) {
				got <- result{strings.TrimSuffix(out.String(), shellDone), nil}
				return
			}
		}
	}()
	select {
	case r := <-got:
		if r.err != nil {
			<-s.done
			r.err = fmt.Errorf("the shell ended (a command failed): %v", s.cmd.ProcessState)
		}
		return r.out, r.err
	case <-time.After(5 * time.Minute):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		r := <-got
		return r.out, fmt.Errorf("still running after 5 minutes; killed")
	}
}

// close ends the shell.
func (s *shell) close(t *testing.T) {
	t.Helper()
	s.stdin.Close()
	<-s.done
	if !s.cmd.ProcessState.Success() {
		t.Errorf("bash: %v", s.cmd.ProcessState)
	}
}
