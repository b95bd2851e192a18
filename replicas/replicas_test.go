package replicas

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/agent/modeltest"
	"github.com/clara-backend/clara/billing/stripetest"
)

// Three serves and two workers on one PostgreSQL and one Redis behave as
// one server.
func TestReplicasBehaveAsOne(t *testing.T) {
	c := startCluster(t, options{serves: 3, workers: 2, redis: true})
	t.Run("the per-key limit holds across replicas", func(t *testing.T) { sharedLimit(t, c) })
	t.Run("a wait on one replica sees a task another finished", func(t *testing.T) { crossReplicaWait(t, c) })
	t.Run("one Stripe event delivered to every replica credits once", func(t *testing.T) { webhookOnce(t, c) })
	t.Run("logout on one replica ends the token on all", func(t *testing.T) { logoutEverywhere(t, c) })
	t.Run("an MCP client is served round robin", func(t *testing.T) { mcpRoundRobin(t, c) })
	t.Run("SIGKILL loses no answered request and no task", func(t *testing.T) { survivesKills(t, c) })
	if t.Failed() {
		t.Logf("process logs:\n%s", c.logs())
	}
}

// sharedLimit sends requests with one API key round robin as fast as one
// client can for two seconds: about CLARA_RATE_LIMIT (10) a second pass in
// all, not 10 a second on each replica.
func sharedLimit(t *testing.T, c *cluster) {
	a := c.signUp(t, "limit@example.com")
	var passed, limited, other atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for time.Since(start) < 2*time.Second {
				switch c.call(anyReplica, "GET", "/users/"+a.ID, "Bearer "+a.APIKey, nil).status {
				case http.StatusOK:
					passed.Add(1)
				case http.StatusTooManyRequests:
					limited.Add(1)
				default:
					other.Add(1)
				}
			}
		})
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	t.Logf("%.1f s: %d passed, %d limited (429), %d other", secs, passed.Load(), limited.Load(), other.Load())
	// One shared limit lets through a burst of 10 and then 10 a second;
	// three separate ones would let three times that through.
	if most := int64(10 + 10*secs + 5); passed.Load() > most || limited.Load() == 0 || other.Load() != 0 {
		t.Errorf("%d passed in %.1f s (at most %d with one shared limit), %d limited, %d other", passed.Load(), secs, most, limited.Load(), other.Load())
	}
}

// crossReplicaWait submits an analysis on replica 0; a worker process runs
// it; an MCP tasks/result wait on replica 1 returns it as soon as it is
// finished.
func crossReplicaWait(t *testing.T, c *cluster) {
	a := c.signUp(t, "wait@example.com")
	if out, err := c.run("credits", "grant", "--email", a.Email, "--credits", "100", "--reason", "test credits"); err != nil {
		t.Fatalf("grant: %v\n%s", err, out)
	}
	gate := modeltest.NewGate()
	c.model.Enqueue(modeltest.Hold(gate, modeltest.Answer(modeltest.AnalysisJSON("TRUE"))))
	task := c.postAnalysis(t, 0, a, "wait-1", "The Eiffel Tower was finished in 1889.")

	mcpc := c.mcpClient(t, 1, a.APIKey)
	type outcome struct {
		res *mcp.TaskResultResult
		err error
		at  time.Time
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := mcpc.TaskResult(t.Context(), mcp.TaskResultRequest{Params: mcp.TaskResultParams{TaskId: task}})
		done <- outcome{res, err, time.Now()}
	}()
	select {
	case <-gate.Arrived(): // a worker process is running the analysis
	case <-time.After(30 * time.Second):
		t.Fatal("no worker took the analysis")
	}
	time.Sleep(300 * time.Millisecond) // the wait on replica 1 is waiting
	released := time.Now()
	gate.Release()
	select {
	case o := <-done:
		if o.err != nil || o.res == nil || o.res.IsError || !strings.Contains(fmt.Sprint(o.res.StructuredContent), "COMPLETED") {
			t.Fatalf("tasks/result on replica 1: %+v, %v", o.res, o.err)
		}
		t.Logf("tasks/result on replica 1 returned %v after the worker was let finish", o.at.Sub(released).Round(time.Millisecond))
	case <-time.After(30 * time.Second):
		t.Fatal("tasks/result on replica 1 did not return")
	}
}

// webhookOnce delivers the same checkout.session.completed event to the
// three replicas at once: the credits come once.
func webhookOnce(t *testing.T, c *cluster) {
	a := c.signUp(t, "buyer@example.com")
	before := c.balance(t, a, 0)
	buy := c.call(anyReplica, "POST", "/stripe/buy", "Bearer "+a.Token, map[string]any{"amount": 5, "return_path": "/billing"})
	var purchase struct {
		URL            string  `json:"url"`
		ValueInCredits float64 `json:"value_in_credits"`
	}
	buy.decode(t, &purchase)
	session, _, _ := strings.Cut(strings.TrimPrefix(purchase.URL, "https://checkout.stripe.com/c/pay/"), "#")
	if buy.status != http.StatusCreated || !strings.HasPrefix(session, "cs_test_") {
		t.Fatalf("buy: %d %s %q", buy.status, buy.Msg, purchase.URL)
	}
	payload, signature := stripetest.SignedEvent(t, stripetest.TestWebhookSecret, "checkout.session.completed",
		stripetest.CheckoutSession(session, "paid", ""))
	var wg sync.WaitGroup
	statuses := make([]int, len(c.serves))
	for i := range c.serves {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", c.proxy.URL+"/api/v1/stripe/webhook", bytes.NewReader(payload))
			req.Header.Set("Stripe-Signature", signature)
			req.Header.Set("Content-Type", "application/json")
			statuses[i] = c.do(i, req).status
		})
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Errorf("replica %d answered the webhook %d", i, s)
		}
	}
	if got := c.balance(t, a, 2); got != before+purchase.ValueInCredits {
		t.Errorf("balance %v after three deliveries, want %v + %v once", got, before, purchase.ValueInCredits)
	}
}

// logoutEverywhere logs out on replica 0; the token is refused at once on
// replicas 1 and 2, each of which accepted it just before.
func logoutEverywhere(t *testing.T, c *cluster) {
	a := c.signUp(t, "leaver@example.com")
	for i := range c.serves {
		if s := c.call(i, "GET", "/users/"+a.ID, "Bearer "+a.Token, nil).status; s != http.StatusOK {
			t.Fatalf("replica %d before logout: %d", i, s)
		}
	}
	if s := c.call(0, "DELETE", "/auth/session", "Bearer "+a.Token, nil).status; s != http.StatusNoContent {
		t.Fatalf("logout: %d", s)
	}
	for i := range c.serves {
		if s := c.call(i, "GET", "/users/"+a.ID, "Bearer "+a.Token, nil).status; s != http.StatusUnauthorized {
			t.Errorf("replica %d after logout: %d, want 401", i, s)
		}
	}
}

// mcpRoundRobin: Streamable HTTP is stateless, so one MCP client's
// requests may each go to another replica.
func mcpRoundRobin(t *testing.T, c *cluster) {
	a := c.signUp(t, "roundrobin@example.com")
	mcpc := c.mcpClient(t, anyReplica, a.APIKey)
	for i := range 2 * len(c.serves) {
		res, err := mcpc.CallTool(t.Context(), mcp.CallToolRequest{Params: mcp.CallToolParams{Name: "view_user", Arguments: map[string]any{"user_id": a.ID}}})
		if err != nil || res.IsError || !strings.Contains(fmt.Sprint(res.StructuredContent), a.Email) {
			t.Fatalf("call %d: %+v, %v", i, res, err)
		}
	}
}

// survivesKills submits analyses through the proxy while a serve and a
// worker are killed with SIGKILL: every analysis answered 201 exists and
// completes, none is charged twice, and the books agree.
func survivesKills(t *testing.T, c *cluster) {
	a := c.signUp(t, "load@example.com")
	if out, err := c.run("credits", "grant", "--email", a.Email, "--credits", "100000", "--reason", "load credits"); err != nil {
		t.Fatalf("grant: %v\n%s", err, out)
	}
	c.model.SetFallback(modeltest.Delay(200*time.Millisecond, modeltest.Answer(modeltest.AnalysisJSON("TRUE"))))
	var mu sync.Mutex
	var answered []string
	statuses := map[int]int{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Go(func() {
			// Two clients at four analyses a second each stay under the
			// key's limit of ten a second.
			tick := time.NewTicker(250 * time.Millisecond)
			defer tick.Stop()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				id, status := c.tryAnalysis(anyReplica, a, fmt.Sprintf("load-%d-%d", g, i), "The Eiffel Tower is in Paris.")
				mu.Lock()
				statuses[status]++
				if status == http.StatusCreated {
					answered = append(answered, id)
				}
				mu.Unlock()
			}
		})
	}
	time.Sleep(2 * time.Second)
	c.serves[1].kill()
	c.workers[0].kill()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	t.Logf("analyses by answer status: %v (0: no answer, 502: the killed serve's)", statuses)
	if len(answered) == 0 {
		t.Fatal("no analysis was answered")
	}

	deadline := time.Now().Add(60 * time.Second)
	for _, id := range answered {
		for {
			ans := c.get(t, 0, "/users/"+a.ID+"/tasks/"+id, "Bearer "+a.Token)
			var task struct{ Status string }
			if ans.status == http.StatusOK {
				ans.decode(t, &task)
			}
			if task.Status == "COMPLETED" {
				break
			}
			if ans.status != http.StatusOK || time.Now().After(deadline) {
				t.Fatalf("task %s: %d %s", id, ans.status, task.Status)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// A request the killed serve took may have started an analysis before
	// it died without an answer: count what the database holds.
	tasks := c.taskCount(t, a)
	if got, want := c.balance(t, a, 0), float64(100000-20*tasks); got != want || tasks < len(answered) {
		t.Errorf("balance %v with %d tasks (%d answered), want %v", got, tasks, len(answered), want)
	}
	if out, err := c.run("credits", "reconcile"); err != nil || !strings.Contains(out, "the books agree") {
		t.Errorf("reconcile: %v\n%s", err, out)
	}
}

// taskCount counts a's tasks, waiting until none is unfinished.
func (c *cluster) taskCount(t testing.TB, a account) int {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		n, unfinished := 0, 0
		for offset := 0; ; offset += 100 {
			ans := c.get(t, 0, fmt.Sprintf("/users/%s/tasks?limit=100&offset=%d", a.ID, offset), "Bearer "+a.Token)
			if ans.status != http.StatusOK {
				t.Fatalf("list tasks: %d %s", ans.status, ans.Msg)
			}
			var page []struct{ Status string }
			ans.decode(t, &page)
			for _, task := range page {
				n++
				if task.Status != "COMPLETED" && task.Status != "FAILED" {
					unfinished++
				}
			}
			if len(page) < 100 {
				break
			}
		}
		if unfinished == 0 {
			return n
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d tasks still unfinished", unfinished, n)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// postAnalysis starts an analysis of claim on replica with an idempotency
// key, and returns its task id.
func (c *cluster) postAnalysis(t testing.TB, replica int, a account, key, claim string) string {
	t.Helper()
	id, status := c.tryAnalysis(replica, a, key, claim)
	if status != http.StatusCreated {
		t.Fatalf("analysis %s not started\n%s", key, c.logs())
	}
	return id
}

// tryAnalysis starts an analysis and returns its task id and the answer's
// status (0 for none).
func (c *cluster) tryAnalysis(replica int, a account, key, claim string) (string, int) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("query", claim)
	w.Close()
	req, _ := http.NewRequest("POST", c.proxy.URL+"/api/v1/users/"+a.ID+"/agent/analysis", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+a.APIKey)
	req.Header.Set("Idempotency-Key", key)
	ans := c.do(replica, req)
	var task struct{ ID string }
	if ans.status == http.StatusCreated {
		if err := json.Unmarshal(ans.Data, &task); err != nil || task.ID == "" {
			return "", 0
		}
	}
	return task.ID, ans.status
}

// mcpClient returns an initialized MCP client on replica over Streamable
// HTTP, with an API key.
func (c *cluster) mcpClient(t testing.TB, replica int, apiKey string) *client.Client {
	t.Helper()
	header := map[string]string{"Authorization": "Bearer " + apiKey}
	if replica != anyReplica {
		header[replicaHeader] = fmt.Sprint(replica)
	}
	tr, err := transport.NewStreamableHTTP(c.proxy.URL+"/mcp", transport.WithHTTPHeaders(header))
	if err != nil {
		t.Fatal(err)
	}
	mc := client.NewClient(tr)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := mc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := mc.Initialize(ctx, mcp.InitializeRequest{Params: mcp.InitializeParams{
		ProtocolVersion: mcp.LATEST_PROTOCOL_VERSION, ClientInfo: mcp.Implementation{Name: "replicas", Version: "1"},
	}}); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	t.Cleanup(func() { mc.Close() })
	return mc
}
