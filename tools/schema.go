package tools

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/clara-backend/clara/core"
)

// typeSchemas are the schemas of core types that marshal as something other
// than their Go shape: a core.Timestamp is a struct that travels as an
// HTTP-date string, and core.Cents, an integer of cents, travels as a
// number of dollars (5.0, 5.25).
var typeSchemas = map[reflect.Type]*jsonschema.Schema{
	reflect.TypeFor[core.Timestamp](): {Type: "string"},
	reflect.TypeFor[core.Cents]():     {Type: "number"},
}

// withOutputSchema is mcp.WithOutputSchema[Out] knowing typeSchemas: the
// schema inferred from Out, as an object with properties sorted by name.
func withOutputSchema[Out any]() mcp.ToolOption {
	schema, err := jsonschema.For[Out](&jsonschema.ForOptions{IgnoreInvalidTypes: true, TypeSchemas: typeSchemas})
	if err != nil {
		panic(fmt.Sprintf("tools: output schema: %v", err))
	}
	if _, ok := any(*new(Out)).(list); ok {
		// ListOf never sends null items: a plain array, not ["null", "array"].
		if items := schema.Properties["items"]; items != nil {
			items.Type, items.Types = "array", nil
		}
	}
	raw, err := json.Marshal(schema)
	if err != nil {
		panic(fmt.Sprintf("tools: output schema: %v", err))
	}
	return func(t *mcp.Tool) {
		if err := json.Unmarshal(raw, &t.OutputSchema); err != nil {
			panic(fmt.Sprintf("tools: output schema of %s: %v", t.Name, err))
		}
		t.OutputSchema.Type = "object"
		t.OutputSchema.PropertyOrder = nil
	}
}

// withoutNull turns the nullable property types that pointer fields infer
// (["null", "string"]) into plain ones ("string") in an input schema: an
// optional argument is omitted, never null, and some hosts reject type
// arrays.
func withoutNull(schema json.RawMessage) json.RawMessage {
	var m map[string]any
	if json.Unmarshal(schema, &m) != nil {
		return schema
	}
	props, _ := m["properties"].(map[string]any)
	changed := false
	for _, p := range props {
		prop, _ := p.(map[string]any)
		types, ok := prop["type"].([]any)
		if !ok || len(types) != 2 {
			continue
		}
		for i, ty := range types {
			if ty == "null" {
				prop["type"] = types[1-i]
				changed = true
			}
		}
	}
	if !changed {
		return schema
	}
	out, err := json.Marshal(m)
	if err != nil {
		return schema
	}
	return out
}
