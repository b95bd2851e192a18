package isolate

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/clara-backend/clara/agent/attach"
)

// Operations a child performs.
const (
	opExtract = "extract" // attach.Extract of Name and Data
	opHTML    = "html"    // attach.HTMLText of Data, cut to attach.MaxText
)

// request is what the parent writes to a child's standard input.
type request struct {
	Op         string `json:"op"`
	Name       string `json:"name,omitempty"`
	Data       []byte `json:"data"`
	CPUSeconds int64  `json:"cpu_seconds"` // RLIMIT_CPU of the child
	Memory     int64  `json:"memory"`      // RLIMIT_AS of the child, in bytes
}

// encode returns req as JSON.
func (req request) encode() ([]byte, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	return b, nil
}

// answer is what a child writes to its standard output.
type answer struct {
	Content    attach.Content `json:"content"`
	Error      string         `json:"error,omitempty"`      // the parser's error, "" on success
	Unreadable bool           `json:"unreadable,omitempty"` // Error wraps attach.ErrUnreadablePDF
}

// decodeAnswer parses a child's output, which must be one answer.
func decodeAnswer(data []byte) (answer, error) {
	var a answer
	if err := json.Unmarshal(data, &a); err != nil {
		return answer{}, fmt.Errorf("decode answer: %w", err)
	}
	return a, nil
}

// err returns the parser's error of a, or nil.
func (a answer) err() error {
	if a.Error == "" {
		return nil
	}
	return &parseError{msg: a.Error, unreadable: a.Unreadable}
}

// parseError is a parser's error carried across the process boundary.
type parseError struct {
	msg        string
	unreadable bool
}

// Error returns the parser's message.
func (e *parseError) Error() string { return e.msg }

// Is makes errors.Is(err, attach.ErrUnreadablePDF) true for an unreadable
// PDF.
func (e *parseError) Is(target error) bool { return e.unreadable && target == attach.ErrUnreadablePDF }

// answerOf returns the answer that carries c and err.
func answerOf(c attach.Content, err error) answer {
	if err != nil {
		return answer{Error: err.Error(), Unreadable: errors.Is(err, attach.ErrUnreadablePDF)}
	}
	return answer{Content: c}
}
