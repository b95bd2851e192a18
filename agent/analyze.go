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
	s := a.newSession()
	system := systemPrompt(a.cfg.MaxFetches)
	first, err := s.firstMessage(ctx, req)
	if err != nil {
		return core.AnalysisResult{}, fmt.Errorf("analyse %s: %w", req.TaskID, err)
	}
	conv := []Message{first}
	var last Turn
	for step := 0; ; step++ {
		tools := step < a.cfg.MaxSteps
		turn, err := a.model.Next(ctx, system, conv, tools)
		if err != nil {
			return core.AnalysisResult{}, fmt.Errorf("analyse %s: %w", req.TaskID, err)
		}
		conv = append(conv, turn.assistant())
		last = turn
		if len(turn.Calls) == 0 || !tools {
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
		return res, nil
	}
	conv = append(conv, Message{Role: RoleUser, Results: refuse(last.Calls), Parts: []Part{{Text: repairMessage(problems)}}})
	turn, err := a.model.Next(ctx, system, conv, false)
	if err != nil {
		return core.AnalysisResult{}, fmt.Errorf("analyse %s: repair: %w", req.TaskID, err)
	}
	res, again := s.result(turn.Text)
	if len(again) > 0 {
		return core.AnalysisResult{}, &core.FailedAnalysis{Reason: reasonFormat, Err: fmt.Errorf(
			"analyse %s: invalid answer (%s), then after repair (%s)", req.TaskID, strings.Join(problems, "; "), strings.Join(again, "; "))}
	}
	return res, nil
}
