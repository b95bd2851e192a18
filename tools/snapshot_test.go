package tools

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/mark3labs/mcp-go/server"
)

// snapshotPath is the checked-in tools/list of the real server.
var snapshotPath = filepath.Join("testdata", "tools_list.json")

// listedTools returns the "tools" array of a raw tools/list answer of s,
// exactly as a client receives it.
func listedTools(t *testing.T, s *server.MCPServer) json.RawMessage {
	t.Helper()
	resp := s.HandleMessage(t.Context(), json.RawMessage(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	raw, err := json.Marshal(resp)
	if err != nil {
		t.Fatalf("marshal tools/list: %v", err)
	}
	var msg struct {
		Result struct {
			Tools json.RawMessage `json:"tools"`
		} `json:"result"`
	}
	if err := json.Unmarshal(raw, &msg); err != nil || msg.Result.Tools == nil {
		t.Fatalf("tools/list answered %s (%v)", raw, err)
	}
	return msg.Result.Tools
}

// catalogueServer is the real server, without the test-only tools.
func catalogueServer(t *testing.T) *server.MCPServer {
	t.Helper()
	svc, _ := newService(t)
	return NewServer(svc, Options{})
}

// TestToolsListSnapshot compares tools/list with testdata/tools_list.json;
// UPDATE_SNAPSHOTS=1 go test ./tools/ rewrites it.
func TestToolsListSnapshot(t *testing.T) {
	var got bytes.Buffer
	if err := json.Indent(&got, listedTools(t, catalogueServer(t)), "", "  "); err != nil {
		t.Fatal(err)
	}
	got.WriteByte('\n')
	if os.Getenv("UPDATE_SNAPSHOTS") == "1" {
		if err := os.WriteFile(snapshotPath, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(snapshotPath)
	if err != nil {
		t.Fatalf("%v (create it with UPDATE_SNAPSHOTS=1 go test ./tools/)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("tools/list differs from %s; review the change and run UPDATE_SNAPSHOTS=1 go test ./tools/\ngot:\n%s", snapshotPath, got.Bytes())
	}
}
