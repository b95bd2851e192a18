package tools

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/clara-backend/clara/core"
)

// Handler is the typed body of a tool: it receives the caller, identified
// once for the request, and the decoded arguments, and returns the output
// object, or an error (a *core.Error for failures the caller may see).
type Handler[In, Out any] func(ctx context.Context, p core.Principal, in In) (Out, error)

// Tool declares one MCP tool: its surface and its typed handler. In must be
// a struct type, and Out a struct type or a map with string keys (an
// object of open keys, such as supported_attachments' categories); every
// field needs a `jsonschema:"…"` description, and an optional input field
// needs `omitempty`. Lists in outputs are wrapped in [List].
type Tool[In, Out any] struct {
	// Name is the tool's identifier, matching ^[a-z0-9_]{1,64}$.
	Name string
	// Title is a short human-readable name shown by hosts.
	Title string
	// Description tells a model what the tool does, when to use it and what
	// it costs.
	Description string
	// Hints are the four behaviour annotations, built with [Annotate].
	Hints Hints
	// Capability is the core capability the tool offers: the core's access
	// table says what it needs of the caller, which decides the guidance
	// added to a refusal for want of credentials. Empty only for tools
	// that act for no caller.
	Capability core.Capability
	// Handle runs the tool.
	Handle Handler[In, Out]
	// Vars fill the placeholders {name} in the jsonschema descriptions of
	// In's fields: numbers known only at run time, such as the policy's
	// attachment limits. Nil: the descriptions are used as written.
	Vars map[string]string
	// Images, when set, returns pictures of a successful output that the
	// result shows after its text, as image content blocks (start_totp's
	// QR code), for hosts that show images to the user. Nil: none.
	Images func(Out) []Image
	// RefusalData, when set, sends the data of a refusal (REST's data of
	// the error, such as login's {"is_2fa_enabled": true}) as the result's
	// structuredContent. Clients check any structuredContent against the
	// output schema, so the tool's output schema then requires no property.
	RefusalData bool
}

// Image is a picture in a tool's result: its content in standard base64
// and its MIME type (image/png).
type Image struct {
	Base64   string
	MIMEType string
}

// Definition is a declared tool of any input and output types, as the
// registry holds it. Only [Tool] implements it.
type Definition interface {
	// Describe returns the tool's name, title, description and hints.
	Describe() Descriptor
	// Validate reports what is missing or malformed in the declaration.
	Validate() error
	// bind turns the declaration into an mcp-go tool (adapter.go).
	bind(rt *toolEnv) boundTool
	// schemas infers the tool's schemas from its Go types (adapter.go).
	schemas() toolSchemas
}

// Descriptor is the SDK-independent surface of a tool, without its schemas.
type Descriptor struct {
	Name        string
	Title       string
	Description string
	Hints       Hints
	Capability  core.Capability
}

// Describe implements Definition.
func (t Tool[In, Out]) Describe() Descriptor {
	return Descriptor{Name: t.Name, Title: t.Title, Description: t.Description, Hints: t.Hints, Capability: t.Capability}
}

// namePattern is the shape of a tool name; some hosts reject dots.
const namePattern = `^[a-z0-9_]{1,64}$`

// validName reports whether name matches namePattern. It is checked by hand:
// the pattern's repetition compiles to a large program, which every start
// of Clara would build to check its own tools' names.
func validName(name string) bool {
	if len(name) == 0 || len(name) > 64 {
		return false
	}
	for _, c := range []byte(name) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// Validate implements Definition.
func (t Tool[In, Out]) Validate() error {
	var errs []error
	if !validName(t.Name) {
		errs = append(errs, fmt.Errorf("name %q does not match %s", t.Name, namePattern))
	}
	if t.Title == "" {
		errs = append(errs, errors.New("missing title"))
	}
	if t.Description == "" {
		errs = append(errs, errors.New("missing description"))
	}
	if !t.Hints.set {
		errs = append(errs, errors.New("hints not stated: build them with tools.Annotate"))
	}
	if _, ok := core.AccessOf(t.Capability); t.Capability != "" && !ok {
		errs = append(errs, fmt.Errorf("capability %q is not in the core's access table", t.Capability))
	}
	if t.Handle == nil {
		errs = append(errs, errors.New("missing handler"))
	}
	if k := reflect.TypeFor[In]().Kind(); k != reflect.Struct {
		errs = append(errs, fmt.Errorf("input type is a %s, not a struct", k))
	}
	if out := reflect.TypeFor[Out](); out.Kind() != reflect.Struct && (out.Kind() != reflect.Map || out.Key().Kind() != reflect.String) {
		errs = append(errs, fmt.Errorf("output type is a %s, not a struct or a map of strings to values (wrap lists in tools.List)", out.Kind()))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("tool %q: %w", t.Name, err)
	}
	return nil
}

// NoInput is the input of a tool that takes no arguments.
type NoInput struct{}

// List wraps a list in an object, since output schemas are always objects.
type List[T any] struct {
	Items []T `json:"items" jsonschema:"the results, in order"`
}

// list is implemented by every List, whose output schema says its items
// are never null.
type list interface{ isList() }

func (List[T]) isList() {}

// ListOf returns items wrapped in a List; a nil slice becomes an empty list,
// so the output is never {"items": null}.
func ListOf[T any](items []T) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items}
}

// Done is the output of a tool whose REST twin answers with null data (or
// no body): the REST success message.
type Done struct {
	Message string `json:"message" jsonschema:"what was done, in the words of Clara's REST API"`
}
