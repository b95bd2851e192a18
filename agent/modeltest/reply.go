package modeltest

import (
	"encoding/json"
	"sync"
	"time"
)

// Reply is one scripted answer of the fake. Build it with Answer, FetchURL,
// ToolCall or Status, and wrap it with Delay or Hold.
type Reply struct {
	// Text is the assistant's text (a final answer) when Status is 0.
	Text string
	// Calls are tool calls the assistant makes, after Text.
	Calls []Call
	// Status, when not 0, is an HTTP error status answered with the
	// provider's error body; Retry-After is sent with a 429.
	Status int
	// Delay waits this long before answering (or until the request ends).
	Delay time.Duration
	// Gate, when set, holds the request until the gate is released (or the
	// request ends).
	Gate *Gate
}

// Call is a tool call of the assistant.
type Call struct {
	ID        string         // the call's id; one is made up when empty
	Name      string         // the tool, e.g. "fetch_url"
	Arguments map[string]any // its arguments
}

// Answer is a final assistant message of text, such as AnalysisJSON.
func Answer(text string) Reply { return Reply{Text: text} }

// ToolCall is an assistant message calling one tool.
func ToolCall(name string, args map[string]any) Reply {
	return Reply{Calls: []Call{{Name: name, Arguments: args}}}
}

// FetchURL is an assistant message calling fetch_url on url.
func FetchURL(url string) Reply { return ToolCall("fetch_url", map[string]any{"url": url}) }

// Status is an HTTP error answer: 500, 503 and 429 are what providers send
// when a retry may succeed, 400 and 401 when it may not.
func Status(code int) Reply { return Reply{Status: code} }

// Delay returns r answered after d.
func Delay(d time.Duration, r Reply) Reply {
	r.Delay = d
	return r
}

// Hold returns r answered once g is released: a model call in flight for as
// long as the test wants.
func Hold(g *Gate, r Reply) Reply {
	r.Gate = g
	return r
}

// Gate holds the replies given to Hold until Release.
type Gate struct {
	once     sync.Once
	released chan struct{}
	arrived  chan struct{}
	arrive   sync.Once
}

// NewGate returns a closed gate.
func NewGate() *Gate {
	return &Gate{released: make(chan struct{}), arrived: make(chan struct{})}
}

// Release lets every held request through, now and later.
func (g *Gate) Release() { g.once.Do(func() { close(g.released) }) }

// Arrived is closed once a request is waiting at the gate.
func (g *Gate) Arrived() <-chan struct{} { return g.arrived }

// wait blocks until the gate is released or done is closed.
func (g *Gate) wait(done <-chan struct{}) bool {
	g.arrive.Do(func() { close(g.arrived) })
	select {
	case <-g.released:
		return true
	case <-done:
		return false
	}
}

// argumentsJSON returns c's arguments as a JSON object.
func (c Call) argumentsJSON() string {
	if c.Arguments == nil {
		return "{}"
	}
	b, err := json.Marshal(c.Arguments)
	if err != nil {
		panic("modeltest: tool call arguments: " + err.Error())
	}
	return string(b)
}
