package mcpserve

import (
	"bytes"
	"encoding/json"

	"github.com/buger/jsonparser"
)

// idKey returns the canonical JSON of a message's id, or "" for none.
func idKey(raw json.RawMessage) string {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil || v == nil {
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// peek reads the id (as idKey gives it) and the method of a JSON-RPC
// message from its top level alone, without decoding the rest (its
// params may be of any size).
func peek(msg []byte) (id, method string) {
	jsonparser.EachKey(msg, func(i int, v []byte, t jsonparser.ValueType, err error) {
		if err != nil {
			return
		}
		switch {
		case i == 0:
			id = peekedID(v, t)
		case i == 1 && t == jsonparser.String:
			method = string(v)
			if bytes.IndexByte(v, '\\') >= 0 {
				method, _ = jsonparser.ParseString(v)
			}
		}
	}, []string{"id"}, []string{"method"})
	return id, method
}

// peekedID is idKey of the id value v of type t as jsonparser reads it (a
// string without its quotes). Plain integers and strings are their own
// canonical JSON; anything else is canonicalised by idKey.
func peekedID(v []byte, t jsonparser.ValueType) string {
	switch t {
	case jsonparser.Number:
		if plainInteger(v) {
			return string(v)
		}
		return idKey(v)
	case jsonparser.String:
		quoted := make([]byte, 0, len(v)+2)
		quoted = append(append(append(quoted, '"'), v...), '"')
		if plainString(v) {
			return string(quoted)
		}
		return idKey(quoted)
	case jsonparser.Boolean, jsonparser.Object, jsonparser.Array:
		return idKey(v) // not a valid id, but mcp-go may echo it
	}
	return ""
}

// plainInteger reports whether v is an integer literal that float64 holds
// exactly and encoding/json writes back unchanged.
func plainInteger(v []byte) bool {
	digits := bytes.TrimPrefix(v, []byte("-"))
	if len(digits) == 0 || len(digits) > 15 || (digits[0] == '0' && len(digits) > 1) {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return string(v) != "-0"
}

// plainString reports whether a JSON string's content v is printable ASCII
// that encoding/json writes back unchanged (no escapes, no <, > or &).
func plainString(v []byte) bool {
	for _, c := range v {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}
