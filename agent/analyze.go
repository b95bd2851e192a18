package agent

import (
	"context"
	"fmt"
	"strings"

	"github.com/clara-backend/clara/core"
)

// Analyze runs the agent on req: up to MaxSteps rounds in which the model
// may fetch pages, then, if it has not answered, one call with tools off.
// An answer that fails the checks gets one repair request; a second bad
// answer is a *core.FailedAnalysis. Model errors come back classified (see
// Model).
func (a *Agent) Analyze(ctx context.Context, req core.AnalysisRequest) (core.AnalysisResult, error) {
	s := a.newSession(req.OnStep)
	tools, system := a.tools, a.system
	first, err := s.firstMessage(ctx, req)
	if err != nil {
		return core.AnalysisResult{}, fmt.Errorf("analyse %s: %w", req.TaskID, err)
	}
	conv := []Message{first}
	var last Turn
	for step := 0; ; step++ {
		use := step < a.cfg.MaxSteps
		s.report(core.AnalysisStep{Kind: core.StepModel, Target: fmt.Sprintf("round %d of %d", min(step+1, a.cfg.MaxSteps), a.cfg.MaxSteps), Outcome: "asked the model"})
		turn, err := s.next(ctx, system, conv, tools, use)
		if err != nil {
			return core.AnalysisResult{}, fmt.Errorf("analyse %s: %w", req.TaskID, err)
		}
		conv = append(conv, turn.assistant())
		last = turn
		if len(turn.Calls) == 0 || !use {
			break
		}
		reply := Message{Role: RoleUser, Results: s.run(ctx, turn.Calls)}
		if step+1 == a.cfg.MaxSteps {
			reply.Parts = []Part{{Text: msgFinal}}
		}
		conv = append(conv, reply)
	}
	res, problems := s.result(last.Text)
	if len(problems) == 0 {
		return s.finish(res), nil
	}
	conv = append(conv, Message{Role: RoleUser, Results: refuse(last.Calls), Parts: []Part{{Text: repairMessage(problems)}}})
	turn, err := s.next(ctx, system, conv, tools, false)
	if err != nil {
		return core.AnalysisResult{}, fmt.Errorf("analyse %s: repair: %w", req.TaskID, err)
	}
	res, again := s.result(turn.Text)
	if len(again) > 0 {
		return core.AnalysisResult{}, &core.FailedAnalysis{Reason: reasonFormat, Err: fmt.Errorf(
			"analyse %s: invalid answer (%s), then after repair (%s)", req.TaskID, strings.Join(problems, "; "), strings.Join(again, "; "))}
	}
	return s.finish(res), nil
}

// next asks the model for its next turn, counting its tokens and recording
// the searches its provider ran.
func (s *session) next(ctx context.Context, system string, conv []Message, tools []ToolSpec, use bool) (Turn, error) {
	turn, err := s.a.model.Next(ctx, system, conv, tools, use)
	if err != nil {
		return turn, err
	}
	s.usage.ModelCalls++
	s.usage.InputTokens += turn.InputTokens
	s.usage.OutputTokens += turn.OutputTokens
	for _, q := range turn.Searches {
		s.step(core.StepWebSearch, q, "run by the model's provider")
	}
	return turn, nil
}

// finish adds what the session recorded to the result, and reports the
// checked answer.
func (s *session) finish(res core.AnalysisResult) core.AnalysisResult {
	s.report(core.AnalysisStep{Kind: core.StepAnswer, Target: res.Verdict, Outcome: fmt.Sprintf("answer checked: %d sources", len(res.Sources))})
	res.Steps = s.steps
	usage := s.usage
	res.Usage = &usage
	return res
}
