package mcpserve

import (
	"encoding/json"
	"testing"
)

// message is the id and method of a JSON-RPC message, decoded whole.
type message struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
}

// TestPeekMatchesDecoding checks that peek reads the id and method of a
// message as decoding the whole message does, ids of every shape
// included.
func TestPeekMatchesDecoding(t *testing.T) {
	for _, id := range []string{`1`, `-3`, `0`, `-0`, `007`, `1.0`, `1e2`, `123456789012345`, `1234567890123456789`,
		`"a"`, `"req-1"`, `"a<b"`, `"é"`, `"\u0041"`, `"tab\t"`, `null`, `true`, `{"x":1}`, `[1]`} {
		for _, msg := range []string{
			`{"jsonrpc":"2.0","id":` + id + `,"method":"tools/call","params":{"id":99,"method":"nested"}}`,
			`{"method":"tools\/list","jsonrpc":"2.0","id":` + id + `}`,
			`{"jsonrpc":"2.0","id":` + id + `,"result":{"content":[{"type":"text","text":"{\"id\":5}"}]}}`,
		} {
			var m message
			if err := json.Unmarshal([]byte(msg), &m); err != nil {
				continue // not JSON (a leading zero): mcp-go answers it with a null id
			}
			gotID, gotMethod := peek([]byte(msg))
			if want := idKey(m.ID); gotID != want {
				t.Errorf("%s: id %q, want %q", msg, gotID, want)
			}
			if gotMethod != m.Method {
				t.Errorf("%s: method %q, want %q", msg, gotMethod, m.Method)
			}
		}
	}
}
