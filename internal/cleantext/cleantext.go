// Package cleantext tells whether text that came from outside Clara can be
// handed to the core and stored: it must be valid UTF-8 without NUL
// characters. PostgreSQL refuses both in text values, SQLite would store
// them as they are, and neither is ever part of an honest name, email, id,
// code or query; so every edge (REST bodies, path segments, headers,
// multipart fields, MCP arguments) refuses them the same way, with this
// package, before they reach the core.
package cleantext

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Problem words the fault of a refused value in a core.FieldError.
const Problem = "must be UTF-8 text without NUL characters"

// Valid reports whether s is valid UTF-8 without NUL characters.
func Valid(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// Find returns the path of the first string of v, a decoded JSON value
// (objects as map[string]any, arrays as []any), that is not Valid: an
// object's key or a string value, anywhere in v. The path is written from
// prefix as field names joined by dots and array indexes in brackets
// ("attachments[1].name"), "" for v itself; a bad key is named by its
// quoted self. ok is false when every string is valid.
func Find(v any, prefix string) (path string, ok bool) {
	switch v := v.(type) {
	case string:
		if !Valid(v) {
			return prefix, true
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) { // the same answer every time
			if !Valid(k) {
				return join(prefix, strconv.QuoteToASCII(k)), true
			}
			if p, bad := Find(v[k], join(prefix, k)); bad {
				return p, true
			}
		}
	case []any:
		for i, item := range v {
			if p, bad := Find(item, prefix+"["+strconv.Itoa(i)+"]"); bad {
				return p, true
			}
		}
	case json.RawMessage:
		var decoded any
		if json.Unmarshal(v, &decoded) == nil {
			return Find(decoded, prefix)
		}
	}
	return "", false
}

// FindJSON is Find over the JSON document data. A document that is not
// valid UTF-8 is reported at prefix; one that does not parse is left to
// the caller's own decoding (ok false).
func FindJSON(data []byte, prefix string) (path string, ok bool) {
	if !utf8.Valid(data) {
		return prefix, true
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // huge numbers are not this package's concern
	var v any
	if dec.Decode(&v) != nil {
		return "", false
	}
	return Find(v, prefix)
}

// join appends a field name to a path.
func join(prefix, field string) string {
	if prefix == "" {
		return field
	}
	return prefix + "." + field
}
