package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/core"
)

// Tool declarations (tool.go, hints.go and the tool files) use no mcp-go
// type: this file alone turns them into mcp-go tools and handlers.

// boundTool is a declaration turned into an mcp-go tool and raw handler.
type boundTool = server.ServerTool

// toolEnv is what the adapter needs from the server around it.
type toolEnv struct {
	log *slog.Logger
	svc *core.Service // identifies callers the transport has not; may be nil
}

// errServerFault is the only thing a caller learns of a server fault: mcp-go
// turns it into JSON-RPC error -32603 with this message.
//
//lint:ignore ST1005 the message is the contract's sentence, shown to callers as is.
var errServerFault = errors.New(core.MsgInternal)

// bind implements Definition: the mcp-go tool (the schemas of In and Out,
// all four hints) and the raw handler around t.Handle. The schemas come
// from generatedSchemas, worked out when Clara was built, or for a tool not
// there (the tests' own), from In and Out now.
func (t Tool[In, Out]) bind(rt *toolEnv) boundTool {
	s, ok := generatedSchemas[t.Name]
	if !ok {
		s = t.schemas()
	}
	tool := mcp.NewTool(t.Name,
		mcp.WithToolTitle(t.Title),
		mcp.WithDescription(t.Description),
		mcp.WithRawInputSchema(withVars(json.RawMessage(s.Input), t.Vars)),
		mcp.WithRawOutputSchema(json.RawMessage(s.Output)),
		mcp.WithToolAnnotation(mcp.ToolAnnotation{
			Title:           t.Title,
			ReadOnlyHint:    mcp.ToBoolPtr(t.Hints.ReadOnly()),
			DestructiveHint: mcp.ToBoolPtr(t.Hints.Destructive()),
			IdempotentHint:  mcp.ToBoolPtr(t.Hints.Idempotent()),
			OpenWorldHint:   mcp.ToBoolPtr(t.Hints.OpenWorld()),
		}),
	)
	tool.InputSchema = mcp.ToolInputSchema{} // NewTool's default; the raw schema is served
	args := lazyArguments(t.Name, tool.RawInputSchema)
	return boundTool{Tool: tool, Handler: adapt(rt, t.Name, needOf(t.Capability), args, t.Handle, t.Images, t.RefusalData)}
}

// schemas implements Definition: the input and output schemas inferred
// from In and Out, as served, but for the input's {name} placeholders.
func (t Tool[In, Out]) schemas() toolSchemas {
	tool := mcp.NewTool(t.Name, mcp.WithInputSchema[In](), withOutputSchema[Out]())
	if t.RefusalData {
		tool.OutputSchema.Required = nil // a refusal's data holds some of the properties
	}
	output, err := json.Marshal(tool.OutputSchema)
	if err != nil {
		panic(fmt.Sprintf("tools: output schema of %s: %v", t.Name, err))
	}
	return toolSchemas{Input: string(withProperties(withoutNull(tool.RawInputSchema))), Output: string(output)}
}

// withProperties adds "properties": {} to an object schema that has none
// (the schema of NoInput), which some hosts require of every tool.
func withProperties(schema json.RawMessage) json.RawMessage {
	var m map[string]any
	if json.Unmarshal(schema, &m) != nil || m["properties"] != nil {
		return schema
	}
	m["properties"] = map[string]any{}
	out, err := json.Marshal(m)
	if err != nil {
		return schema
	}
	return out
}

// withVars replaces each placeholder {name} of vars in a schema with its
// value, written as JSON string content.
func withVars(schema json.RawMessage, vars map[string]string) json.RawMessage {
	if len(vars) == 0 {
		return schema
	}
	pairs := make([]string, 0, 2*len(vars))
	for name, value := range vars {
		quoted, _ := json.Marshal(value) // a string always marshals
		pairs = append(pairs, "{"+name+"}", string(quoted[1:len(quoted)-1]))
	}
	return json.RawMessage(strings.NewReplacer(pairs...).Replace(string(schema)))
}

// adapt is the one generic adapter from a typed handler to mcp-go's raw
// handler: it gives h the caller, identified once for the call (see
// toolEnv.caller), refuses arguments that break the input schema args (in
// plain words naming them; nil checks nothing) or hold NUL characters or
// invalid UTF-8, binds the arguments, runs h and renders its outcome,
// with the pictures images finds in it (nil: none). n, what the tool's
// capability needs, decides the guidance of a refusal.
func adapt[In, Out any](rt *toolEnv, name string, n need, args *argumentSchema, h Handler[In, Out], images func(Out) []Image, refusalData bool) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (res *mcp.CallToolResult, err error) {
		defer func() {
			if p := recover(); p != nil {
				rt.log.ErrorContext(ctx, "mcp tool panicked", "tool", name, "panic", p, "stack", string(debug.Stack()))
				res, err = nil, errServerFault
			}
		}()
		ctx, p := rt.caller(ctx)
		ctx = withProgress(ctx, req)
		if err := args.check(req.Params.Arguments); err != nil {
			return failure(ctx, rt, name, p, n, err)
		}
		if err := badArguments(req.Params.Arguments); err != nil {
			return failure(ctx, rt, name, p, n, err)
		}
		var in In
		if err := req.BindArguments(&in); err != nil {
			return failure(ctx, rt, name, p, n, core.ErrInvalid(bindProblem(err)))
		}
		out, err := h(ctx, p, in)
		if err != nil {
			res, fault := failure(ctx, rt, name, p, n, err)
			if res != nil {
				res.StructuredContent = errorData[Out](core.ErrorOf(err).Data, refusalData)
			}
			return res, fault
		}
		text, err := json.Marshal(out)
		if err != nil {
			return failure(ctx, rt, name, p, n, core.ErrInternal(fmt.Errorf("render %s output: %w", name, err)))
		}
		res = mcp.NewToolResultStructured(out, string(text))
		// The structured content goes on the wire as the bytes of the
		// text, encoded once; out stays for the hooks and tests in process.
		res.RawStructuredContent = text
		if images != nil {
			for _, img := range images(out) {
				res.Content = append(res.Content, mcp.NewImageContent(img.Base64, img.MIMEType))
			}
		}
		return res, nil
	}
}

// errorData returns the structuredContent of a refusal whose core error
// carries data: data of the output type (health's unhealthy report), or,
// for a tool that declares RefusalData, any data that renders as a JSON
// object (login's {"is_2fa_enabled": true}); nil otherwise. Clients check
// any structuredContent against the output schema, which such data
// satisfies.
func errorData[Out any](data any, refusalData bool) any {
	if data == nil {
		return nil
	}
	if _, ok := data.(Out); ok {
		return data
	}
	raw, err := json.Marshal(data)
	if !refusalData || err != nil || len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	return data
}

// failure renders a handler's error: a server fault (internal code, or an
// error that is no *core.Error) becomes a protocol error with a generic
// message and a log line; any other core error becomes an isError result
// with the REST message and, on the next lines, the invalid fields, the
// core's own wording of an unavailable service, and guidance for the model
// (guidance.go).
func failure(ctx context.Context, rt *toolEnv, name string, p core.Principal, n need, err error) (*mcp.CallToolResult, error) {
	e := core.ErrorOf(err)
	if e.Code == core.CodeInternal {
		if ctx.Err() != nil {
			rt.log.DebugContext(ctx, "mcp tool abandoned", "tool", name, "err", err)
		} else {
			rt.log.ErrorContext(ctx, "mcp tool failed", "tool", name, "err", err)
		}
		return nil, errServerFault
	}
	if e.Err != nil {
		rt.log.WarnContext(ctx, "mcp tool refused", "tool", name, "code", string(e.Code), "err", e.Err)
	}
	lines := []string{e.Message}
	if detail := fieldDetail(e.Fields); detail != "" {
		lines = append(lines, detail)
	}
	lines = append(lines, guidance(ctx, p, n, e, err)...)
	return mcp.NewToolResultError(strings.Join(lines, "\n")), nil
}

// fieldDetail renders validation detail as "field: problem; field: problem".
func fieldDetail(fields []core.FieldError) string {
	parts := make([]string, 0, len(fields))
	for _, f := range fields {
		parts = append(parts, f.Field+": "+f.Problem)
	}
	return strings.Join(parts, "; ")
}

// bindProblem words a decoding failure of the arguments for a model.
func bindProblem(err error) core.FieldError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return core.FieldError{Field: te.Field, Problem: "must be of type " + te.Type.String()}
	}
	return core.FieldError{Field: "arguments", Problem: "must be a JSON object matching the input schema"}
}
