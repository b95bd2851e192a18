package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/cleantext"
)

// This file turns Resource and Prompt declarations into mcp-go resource
// templates and prompts, as adapter.go does for tools. Resources and prompts
// have no isError: every failure is a JSON-RPC error. mcp-go sends a
// handler's error as -32603 with the error's text, so a business failure
// carries exactly the REST message, and a server fault errServerFault.

// bind returns the mcp-go resource template of r and its handler, which
// reads r for the caller, identified once for the request, and renders it
// as JSON.
func (r Resource) bind(rt *toolEnv) server.ServerResourceTemplate {
	tmpl := mcp.NewResourceTemplate(r.URITemplate, r.Name,
		mcp.WithTemplateTitle(r.Title),
		mcp.WithTemplateDescription(r.Description),
		mcp.WithTemplateMIMEType(resourceMIMEType),
	)
	handler := func(ctx context.Context, req mcp.ReadResourceRequest) (contents []mcp.ResourceContents, err error) {
		uri := req.Params.URI
		defer recoverFault(ctx, rt, "resource", uri, &err)
		ctx, p := rt.caller(ctx)
		v := templateVar(req.Params.Arguments, r.Param)
		if !cleantext.Valid(v) {
			return nil, protocolFailure(ctx, rt, "resource", uri, errBadText(r.Param))
		}
		out, err := r.Read(ctx, p, v)
		if err != nil {
			return nil, protocolFailure(ctx, rt, "resource", uri, err)
		}
		text, err := json.Marshal(out)
		if err != nil {
			return nil, protocolFailure(ctx, rt, "resource", uri, core.ErrInternal(fmt.Errorf("render %s: %w", uri, err)))
		}
		return []mcp.ResourceContents{mcp.TextResourceContents{URI: uri, MIMEType: resourceMIMEType, Text: string(text)}}, nil
	}
	return server.ServerResourceTemplate{Template: tmpl, Handler: handler}
}

// templateVar returns the value of the template variable name that mcp-go
// matched in a resource URI ("" when absent).
func templateVar(args map[string]any, name string) string {
	switch v := args[name].(type) {
	case string:
		return v
	case []string:
		if len(v) == 1 {
			return v[0]
		}
	}
	return ""
}

// bind returns the mcp-go prompt of p and its handler, which checks the
// required arguments and renders p with the caller's current credentials.
func (p Prompt) bind(rt *toolEnv) server.ServerPrompt {
	opts := []mcp.PromptOption{mcp.WithPromptTitle(p.Title), mcp.WithPromptDescription(p.Description)}
	for _, a := range p.Arguments {
		argOpts := []mcp.ArgumentOption{mcp.ArgumentDescription(a.Description)}
		if a.Required {
			argOpts = append(argOpts, mcp.RequiredArgument())
		}
		opts = append(opts, mcp.WithArgument(a.Name, argOpts...))
	}
	handler := func(ctx context.Context, req mcp.GetPromptRequest) (res *mcp.GetPromptResult, err error) {
		defer recoverFault(ctx, rt, "prompt", p.Name, &err)
		ctx = callerContext(ctx)
		var missing []core.FieldError
		for _, a := range p.Arguments {
			if a.Required && strings.TrimSpace(req.Params.Arguments[a.Name]) == "" {
				missing = append(missing, core.FieldError{Field: a.Name, Problem: "is required"})
			}
		}
		if len(missing) > 0 {
			return nil, protocolFailure(ctx, rt, "prompt", p.Name, core.ErrInvalid(missing...))
		}
		msgs, err := p.Render(ctx, req.Params.Arguments)
		if err != nil {
			return nil, protocolFailure(ctx, rt, "prompt", p.Name, err)
		}
		out := make([]mcp.PromptMessage, 0, len(msgs))
		for _, m := range msgs {
			out = append(out, mcp.NewPromptMessage(mcp.Role(m.Role), mcp.NewTextContent(m.Text)))
		}
		return mcp.NewGetPromptResult(p.Description, out), nil
	}
	return server.ServerPrompt{Prompt: mcp.NewPrompt(p.Name, opts...), Handler: handler}
}

// protocolFailure renders the failure of a resource or prompt (kind, named
// name) as the error its handler returns: a server fault becomes
// errServerFault and a log line; any other core error its REST message,
// followed by the invalid fields if any.
func protocolFailure(ctx context.Context, rt *toolEnv, kind, name string, err error) error {
	e := core.ErrorOf(err)
	if e.Code == core.CodeInternal {
		if ctx.Err() != nil {
			rt.log.DebugContext(ctx, "mcp "+kind+" abandoned", kind, name, "err", err)
		} else {
			rt.log.ErrorContext(ctx, "mcp "+kind+" failed", kind, name, "err", err)
		}
		return errServerFault
	}
	if e.Err != nil {
		rt.log.WarnContext(ctx, "mcp "+kind+" refused", kind, name, "code", string(e.Code), "err", e.Err)
	}
	if detail := fieldDetail(e.Fields); detail != "" {
		return errors.New(e.Message + " " + detail)
	}
	return errors.New(e.Message)
}

// recoverFault turns a panic of a resource or prompt handler into
// errServerFault in *err, logging the panic and its stack.
func recoverFault(ctx context.Context, rt *toolEnv, kind, name string, err *error) {
	if p := recover(); p != nil {
		rt.log.ErrorContext(ctx, "mcp "+kind+" panicked", kind, name, "panic", p, "stack", string(debug.Stack()))
		*err = errServerFault
	}
}

// mustAddResource validates r and registers it on s.
func mustAddResource(s *server.MCPServer, rt *toolEnv, r Resource) {
	if err := r.Validate(); err != nil {
		panic(fmt.Sprintf("tools: %v", err))
	}
	s.AddResourceTemplates(r.bind(rt))
}

// mustAddPrompt validates p and registers it on s.
func mustAddPrompt(s *server.MCPServer, rt *toolEnv, p Prompt) {
	if err := p.Validate(); err != nil {
		panic(fmt.Sprintf("tools: %v", err))
	}
	s.AddPrompts(p.bind(rt))
}
