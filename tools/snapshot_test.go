package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/tools/caller"
)

// snapshots are the checked-in list answers of the real server: the list
// method, the key of the array in its result, and the golden file.
var snapshots = []struct{ method, key, file string }{
	{"tools/list", "tools", "tools_list.json"},
	{"resources/templates/list", "resourceTemplates", "resource_templates_list.json"},
	{"prompts/list", "prompts", "prompts_list.json"},
}

// listedTools returns the "tools" array of a raw tools/list answer of s to
// the caller of ctx, exactly as a client receives it.
func listedTools(ctx context.Context, t *testing.T, s *server.MCPServer) json.RawMessage {
	t.Helper()
	return listedRaw(ctx, t, s, "tools/list", "tools")
}

// listedRaw returns the array under key of a raw answer of s to the list
// method asked by the caller of ctx, exactly as a client receives it.
func listedRaw(ctx context.Context, t *testing.T, s *server.MCPServer, method, key string) json.RawMessage {
	t.Helper()
	req := fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":%q}`, method)
	raw, err := json.Marshal(s.HandleMessage(ctx, json.RawMessage(req)))
	if err != nil {
		t.Fatalf("marshal %s: %v", method, err)
	}
	var msg struct {
		Result map[string]json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(raw, &msg); err != nil || msg.Result[key] == nil {
		t.Fatalf("%s answered %s (%v)", method, raw, err)
	}
	return msg.Result[key]
}

// catalogueServer is the real server, without the test-only tools, and
// the context of a call by an active user signed in with a user token: the
// caller that sees every tool of the catalogue.
func catalogueServer(t *testing.T) (*server.MCPServer, context.Context) {
	t.Helper()
	e := newAccountsEnv(t)
	m := e.newMember(t, "ada@example.com", 0)
	ctx := caller.WithCredentials(t.Context(), core.Credentials{Authorization: "Bearer " + m.Token, Transport: core.TransportInProcess})
	return NewServer(e.svc, Options{ValidateOutput: true}), ctx
}

// TestListSnapshots compares tools/list, resources/templates/list and
// prompts/list with their files in testdata; UPDATE_SNAPSHOTS=1 go test
// ./tools/ rewrites them.
func TestListSnapshots(t *testing.T) {
	s, ctx := catalogueServer(t)
	for _, snap := range snapshots {
		t.Run(snap.method, func(t *testing.T) {
			path := filepath.Join("testdata", snap.file)
			var got bytes.Buffer
			if err := json.Indent(&got, listedRaw(ctx, t, s, snap.method, snap.key), "", "  "); err != nil {
				t.Fatal(err)
			}
			got.WriteByte('\n')
			if os.Getenv("UPDATE_SNAPSHOTS") == "1" {
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (create it with UPDATE_SNAPSHOTS=1 go test ./tools/)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s differs from %s; review the change and run UPDATE_SNAPSHOTS=1 go test ./tools/\ngot:\n%s", snap.method, path, got.Bytes())
			}
		})
	}
}
