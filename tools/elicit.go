package tools

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/tools/caller"
)

// Elicitation: a tool asks the user, through the host, to confirm a step
// (confirm) or to type a one-time code (askCode), when the host can be
// asked. How depends on the protocol era of the call:
//
//   - 2026-07-28 (modern): a multi-round-trip request. The call is answered
//     with an input_required result carrying one elicitation/create; the
//     client asks the user and calls the tool again with the answer in
//     inputResponses. No connection is held open, so this works on every
//     transport, stateless Streamable HTTP included, when the request's
//     clientCapabilities declare elicitation (form mode). elicitRounds, a
//     tool middleware, hands the answers to the handler and turns its
//     request for input into that result.
//   - 2025-11-25 and earlier (legacy): a server→client elicitation/create,
//     while the call waits at most askTimeout, when the session declared
//     elicitation (form mode) at initialize and its transport carries the
//     request and the answer: stdio and in process. A stateless Streamable
//     HTTP session cannot: the answer would arrive in a new POST that
//     belongs to no session (and the POST's session remembers no
//     capabilities); nor can SSE, whose mcp-go session (v1.2.1) implements
//     no server→client request.
//
// Otherwise the host cannot be asked (notAsked) and the tool behaves as it
// did before elicitation. A declined, cancelled or unanswered question
// changes nothing: the tool then fails with notDone's message.

// askTimeout bounds how long a legacy call waits for the user's answer
// (a variable for the tests).
var askTimeout = 2 * time.Minute

// outcome is what came of a question to the user.
type outcome int

const (
	notAsked   outcome = iota // the host cannot be asked: behave as without elicitation
	accepted                  // the user confirmed, or gave a code
	declined                  // the user said no (or accepted without ticking confirm)
	cancelled                 // the user dismissed the question
	timedOut                  // no answer within askTimeout
	hostFailed                // the host was asked and failed to answer
)

// codeNotDone is the code of the refusal of a tool whose question the user
// did not accept; codeInputRequired is that of a call that waits for the
// answer of a multi-round-trip request (elicitRounds replaces its result).
// Neither is one of REST's.
const (
	codeNotDone       core.Code = "not_done"
	codeInputRequired core.Code = "input_required"
)

// errInputRequired ends a modern call whose question was just put to the
// client: elicitRounds answers input_required in its place.
var errInputRequired = &core.Error{Code: codeInputRequired, Message: "The user must answer a question first."}

// rounds is what elicitRounds shares with the questions of one call.
type rounds struct {
	log       *slog.Logger
	responses mcp.InputResponses     // the answers the client sent with this call
	pending   *mcp.ElicitationParams // the question to put to the client, if any
	id        string                 // the key of pending
}

type roundsKey struct{}

// roundsOf returns the rounds of ctx's call, nil outside elicitRounds.
func roundsOf(ctx context.Context) *rounds {
	r, _ := ctx.Value(roundsKey{}).(*rounds)
	return r
}

// elicitRounds is the tool middleware of multi-round-trip questions: it
// gives the handler the answers that came with the call and, when the
// handler put a question instead of finishing, answers with an
// input_required result that carries it (for a modern client to ask and
// call again; a legacy call is never asked this way).
func (rt *toolEnv) elicitRounds(next server.ToolHandlerFunc) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		r := &rounds{log: rt.log, responses: req.Params.InputResponses}
		res, err := next(context.WithValue(ctx, roundsKey{}, r), req)
		if r.pending != nil {
			return server.NewInputRequestBuilder("").Elicit(r.id, *r.pending).ToolResult(), nil
		}
		return res, err
	}
}

// confirm asks the user to confirm what message describes, with a form of
// one boolean, confirm; accepting without ticking it is declining. An error
// is the call's end (cancelled, or waiting for a modern client's answer):
// return it as is.
func confirm(ctx context.Context, message string) (outcome, error) {
	schema := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"confirm": map[string]any{
				"type":        "boolean",
				"title":       "Confirm",
				"description": "Tick to go ahead; leave unticked (or decline) to change nothing.",
				"default":     false,
			},
		},
		"required": []string{"confirm"},
	}
	content, o, err := elicit(ctx, "confirm", message, schema)
	if o != accepted {
		return o, err
	}
	var answer struct {
		Confirm bool `json:"confirm"`
	}
	if json.Unmarshal(content, &answer) != nil || !answer.Confirm {
		return declined, nil
	}
	return accepted, nil
}

// askCode asks the user for a 6-digit one-time code, with a form of one
// string, code. An accepted answer without a code counts as declined; the
// code is returned as typed, less spaces, for the core to check. An error
// is the call's end, as for confirm.
func askCode(ctx context.Context, message string) (string, outcome, error) {
	schema := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"code": map[string]any{
				"type":        "string",
				"title":       "Code",
				"description": "The 6-digit code from the email.",
				"minLength":   6,
				"maxLength":   6,
				"pattern":     "^[0-9]{6}$",
			},
		},
		"required": []string{"code"},
	}
	content, o, err := elicit(ctx, "code", message, schema)
	if o != accepted {
		return "", o, err
	}
	var answer struct {
		Code json.RawMessage `json:"code"`
	}
	if json.Unmarshal(content, &answer) != nil {
		return "", declined, nil
	}
	var code string
	if json.Unmarshal(answer.Code, &code) != nil {
		var n json.Number // a host that made a number of it
		if json.Unmarshal(answer.Code, &n) != nil {
			return "", declined, nil
		}
		code = n.String()
	}
	code = strings.Join(strings.Fields(code), "")
	if code == "" {
		return "", declined, nil
	}
	return code, accepted, nil
}

// elicit puts one question, message with a form of schema, to the user
// of ctx's call, and returns the accepted form's content as JSON. kind and
// message key the question, so that a modern client's answer counts only
// for the very question it answers.
func elicit(ctx context.Context, kind, message string, schema map[string]any) (json.RawMessage, outcome, error) {
	params := mcp.ElicitationParams{Mode: mcp.ElicitationModeForm, Message: message, RequestedSchema: schema}
	id := questionID(kind, message)
	r := roundsOf(ctx)
	if r != nil {
		if answer := server.ElicitationResponse(r.responses, id); answer != nil {
			return answered(answer)
		}
	}
	s := server.ServerFromContext(ctx)
	if s == nil {
		return nil, notAsked, nil
	}
	if server.IsModernRequest(ctx) {
		info := server.RequestProtocolInfoFromContext(ctx)
		if r == nil || !formElicitation(info.ClientCapabilities) {
			return nil, notAsked, nil
		}
		r.pending, r.id = &params, id
		return nil, notAsked, errInputRequired
	}
	if !legacyCanAsk(ctx) {
		return nil, notAsked, nil
	}
	log := slog.New(slog.DiscardHandler)
	if r != nil {
		log = r.log
	}
	askCtx, cancel := context.WithTimeout(ctx, askTimeout)
	defer cancel()
	res, err := s.RequestElicitation(askCtx, mcp.ElicitationRequest{
		Request: mcp.Request{Method: string(mcp.MethodElicitationCreate)},
		Params:  params,
	})
	switch {
	case err == nil && res != nil:
		return answered(res)
	case ctx.Err() != nil: // the call itself was cancelled
		return nil, notAsked, ctx.Err()
	case askCtx.Err() != nil:
		log.InfoContext(ctx, "mcp elicitation unanswered", "kind", kind, "after", askTimeout)
		return nil, timedOut, nil
	default:
		if err == nil {
			err = errors.New("no result")
		}
		log.WarnContext(ctx, "mcp elicitation failed", "kind", kind, "err", err)
		return nil, hostFailed, nil
	}
}

// questionID is the key of a question in a multi-round-trip request: its
// kind and a digest of its message, so that an answer counts only for the
// question it answers (a retry with other arguments asks again).
func questionID(kind, message string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + message))
	return kind + "_" + hex.EncodeToString(sum[:6])
}

// answered maps the client's answer to an outcome and, when accepted, the
// form's content as JSON.
func answered(res *mcp.ElicitationResult) (json.RawMessage, outcome, error) {
	switch res.Action {
	case mcp.ElicitationResponseActionAccept:
		content, err := json.Marshal(res.Content)
		if err != nil {
			return nil, declined, nil
		}
		return content, accepted, nil
	case mcp.ElicitationResponseActionCancel:
		return nil, cancelled, nil
	default: // decline, or an action this server does not know
		return nil, declined, nil
	}
}

// formElicitation reports whether caps declare elicitation in form mode:
// an empty elicitation object means form mode (2025-06-18 and later).
func formElicitation(caps *mcp.ClientCapabilities) bool {
	if caps == nil || caps.Elicitation == nil {
		return false
	}
	e := caps.Elicitation
	return e.Form != nil || e.URL == nil
}

// legacyCanAsk reports whether ctx's legacy session declared elicitation
// in form mode and its transport can carry a server→client request and
// its answer: not stateless Streamable HTTP, not SSE (its session is no
// server.SessionWithElicitation).
func legacyCanAsk(ctx context.Context) bool {
	if c, ok := caller.Credentials(ctx); ok && c.Transport == core.TransportMCPHTTP {
		return false
	}
	session := server.ClientSessionFromContext(ctx)
	if session == nil || !session.Initialized() {
		return false
	}
	if _, ok := session.(server.SessionWithElicitation); !ok {
		return false
	}
	info, ok := session.(server.SessionWithClientInfo)
	if !ok {
		return false
	}
	caps := info.GetClientCapabilities()
	return formElicitation(&caps)
}

// spoken words d for a reader: "2 minutes", "1 minute", else Go's "1.5s".
func spoken(d time.Duration) string {
	switch {
	case d == time.Minute:
		return "1 minute"
	case d > 0 && d%time.Minute == 0:
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return d.String()
}

// notDone is the refusal of a tool whose question to the user got o, not
// an acceptance: the first line says what came of it and that nothing
// happened (consequence, as "no checkout was opened"), next tells the
// model what to do. A result with isError set, as a refusal of the core:
// the model reads that the step did not happen.
func notDone(o outcome, consequence, next string) error {
	var who string
	switch o {
	case declined:
		who = "The user declined"
	case cancelled:
		who = "The user dismissed the question"
	case timedOut:
		who = "The user did not answer within " + spoken(askTimeout)
	default:
		who = "The host could not ask the user"
	}
	err := &core.Error{Code: codeNotDone, Message: who + ": " + consequence + "."}
	if next == "" {
		return err
	}
	return &guided{err: err, line: next}
}
