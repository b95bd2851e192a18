package tools

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/clara-backend/clara/core"
)

// argumentSchema checks the arguments of calls of one tool against its
// input schema, and words what is wrong as REST words an invalid body: one
// core.FieldError per argument, in plain words that name it ("email: is
// required"), never the validator's own notation.
type argumentSchema struct {
	tool    string
	raw     json.RawMessage // the input schema
	compile sync.Once       // fills in the fields below from raw
	names   []string        // the tool's arguments, in the schema's order
	schema  *jsonschema.Schema
	// emptyOK is whether a call without arguments satisfies the schema,
	// worked out once: most calls of tools that take none have none.
	emptyOK bool
}

// lazyArguments returns the checker of the arguments of tool against its
// input schema raw, compiled on the first call: a process that serves one
// call of one tool, or none, compiles one schema, or none.
func lazyArguments(tool string, raw json.RawMessage) *argumentSchema {
	return &argumentSchema{tool: tool, raw: raw}
}

// compileArguments is lazyArguments compiled at once. It panics on a
// schema that does not compile: a programming error, which the package's
// tests catch.
func compileArguments(tool string, raw json.RawMessage) *argumentSchema {
	a := lazyArguments(tool, raw)
	a.compile.Do(a.build)
	return a
}

// build compiles a.raw, as compileArguments describes.
func (a *argumentSchema) build() {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(a.raw))
	if err != nil {
		panic(fmt.Sprintf("tools: input schema of %s: %v", a.tool, err))
	}
	url := "mem:///clara/tools/" + a.tool + "/input.json"
	c := jsonschema.NewCompiler()
	if err := c.AddResource(url, doc); err != nil {
		panic(fmt.Sprintf("tools: input schema of %s: %v", a.tool, err))
	}
	schema, err := c.Compile(url)
	if err != nil {
		panic(fmt.Sprintf("tools: input schema of %s: %v", a.tool, err))
	}
	a.schema = schema
	for name := range schema.Properties {
		a.names = append(a.names, name)
	}
	slices.Sort(a.names)
	a.emptyOK = schema.Validate(map[string]any{}) == nil
}

// check returns nil when args (a call's arguments as decoded JSON, nil
// for none) satisfy the schema, else an invalid-input error naming each
// argument that does not. A nil schema checks nothing.
func (a *argumentSchema) check(args any) error {
	if a == nil {
		return nil
	}
	a.compile.Do(a.build)
	if m, ok := args.(map[string]any); args == nil || ok && len(m) == 0 {
		if a.emptyOK {
			return nil
		}
		args = map[string]any{}
	}
	// Arguments decoded from JSON (a map of JSON values) are checked as
	// they are; others, and any the validator does not take, are first
	// turned into JSON values by a round trip through JSON.
	err := a.schema.Validate(args)
	var verr *jsonschema.ValidationError
	if _, decoded := args.(map[string]any); !decoded || err != nil && !errors.As(err, &verr) {
		value, rerr := jsonValue(args)
		if rerr != nil {
			return core.ErrInvalid(core.FieldError{Field: argumentsField, Problem: "must be a JSON object matching the input schema"})
		}
		err = a.schema.Validate(value)
	}
	if err == nil {
		return nil
	}
	if !errors.As(err, &verr) {
		return core.ErrInternal(fmt.Errorf("validate arguments of %s: %w", a.tool, err))
	}
	var fields []core.FieldError
	for _, leaf := range leaves(verr) {
		fields = append(fields, a.problems(leaf)...)
	}
	if len(fields) == 0 {
		fields = []core.FieldError{{Field: argumentsField, Problem: "must match the input schema"}}
	}
	return core.ErrInvalid(fields...)
}

// jsonValue returns v as the validator's JSON values: v encoded as JSON and
// decoded again, numbers as json.Number.
func jsonValue(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode arguments: %w", err)
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(raw))
}

// leaves returns the innermost failures of a validation: the nodes above
// them only group them ("properties failed").
func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// problems words one failure as the arguments it concerns and what is
// wrong with each.
func (a *argumentSchema) problems(e *jsonschema.ValidationError) []core.FieldError {
	at := fieldPath(e.InstanceLocation)
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		out := make([]core.FieldError, 0, len(k.Missing))
		for _, m := range k.Missing {
			out = append(out, core.FieldError{Field: joinField(at, m), Problem: "is required"})
		}
		return out
	case *kind.AdditionalProperties:
		problem := "is not accepted here"
		if at == "" {
			problem = "is not an argument of " + a.tool + a.arguments()
		}
		out := make([]core.FieldError, 0, len(k.Properties))
		for _, p := range k.Properties {
			out = append(out, core.FieldError{Field: joinField(at, p), Problem: problem})
		}
		return out
	}
	if at == "" {
		at = argumentsField
	}
	return []core.FieldError{{Field: at, Problem: problem(e.ErrorKind)}}
}

// arguments words the list of the tool's arguments, after a wrong one.
func (a *argumentSchema) arguments() string {
	if len(a.names) == 0 {
		return ", which takes none"
	}
	return " (its arguments: " + strings.Join(a.names, ", ") + ")"
}

// problem words what is wrong with one value.
func problem(k jsonschema.ErrorKind) string {
	switch k := k.(type) {
	case *kind.Type:
		return "must be " + withArticles(k.Want) + ", not " + withArticle(k.Got)
	case *kind.Enum:
		want := make([]string, 0, len(k.Want))
		for _, w := range k.Want {
			b, _ := json.Marshal(w)
			want = append(want, string(b))
		}
		return "must be one of " + strings.Join(want, ", ")
	case *kind.MinLength:
		return "must be at least " + strconv.Itoa(k.Want) + " characters long"
	case *kind.MaxLength:
		return "must be at most " + strconv.Itoa(k.Want) + " characters long"
	case *kind.Minimum:
		return "must be at least " + k.Want.RatString()
	case *kind.Maximum:
		return "must be at most " + k.Want.RatString()
	case *kind.MinItems:
		return "must hold at least " + strconv.Itoa(k.Want) + " items"
	case *kind.MaxItems:
		return "must hold at most " + strconv.Itoa(k.Want) + " items"
	case *kind.Pattern:
		return "must match the pattern " + k.Want
	}
	return "does not match the input schema (" + strings.Join(k.KeywordPath(), "/") + ")"
}

// withArticles words JSON types as alternatives: "a string or a number".
func withArticles(types []string) string {
	out := make([]string, 0, len(types))
	for _, t := range types {
		out = append(out, withArticle(t))
	}
	return strings.Join(out, " or ")
}

// withArticle words a JSON type with its article: "an array", "null".
func withArticle(t string) string {
	switch t {
	case "null":
		return "null"
	case "array", "object", "integer":
		return "an " + t
	}
	return "a " + t
}

// fieldPath names a value within the arguments: "attachments[0].name".
func fieldPath(location []string) string {
	var b strings.Builder
	for _, seg := range location {
		if _, err := strconv.Atoi(seg); err == nil && b.Len() > 0 {
			b.WriteString("[" + seg + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}

// joinField names the member name of the value at path; an empty name
// shows as "".
func joinField(path, name string) string {
	if name == "" {
		name = `""`
	}
	if path == "" {
		return name
	}
	return path + "." + name
}
