// Package taskjson encodes the JSON columns of tasks, the same way for both
// store drivers: attachments holds the []core.AttachmentInfo of a task (an
// empty list as "[]", read back as nil), result its *core.AnalysisResult
// (nil as NULL).
package taskjson

import (
	"encoding/json"
	"fmt"

	"github.com/clara-backend/clara/core"
)

// EncodeAttachments returns the JSON of a, "[]" for none.
func EncodeAttachments(a []core.AttachmentInfo) (string, error) {
	if len(a) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(a)
	if err != nil {
		return "", fmt.Errorf("encode attachments: %w", err)
	}
	return string(b), nil
}

// DecodeAttachments parses what EncodeAttachments wrote; none is nil.
func DecodeAttachments(s string) ([]core.AttachmentInfo, error) {
	var a []core.AttachmentInfo
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		return nil, fmt.Errorf("decode attachments: %w", err)
	}
	if len(a) == 0 {
		return nil, nil
	}
	return a, nil
}

// EncodeResult returns the JSON of r, or nil (SQL NULL) when r is nil.
func EncodeResult(r *core.AnalysisResult) (*string, error) {
	if r == nil {
		return nil, nil
	}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode result: %w", err)
	}
	s := string(b)
	return &s, nil
}

// DecodeResult parses what EncodeResult wrote; NULL (nil) is nil.
func DecodeResult(s *string) (*core.AnalysisResult, error) {
	if s == nil {
		return nil, nil
	}
	var r core.AnalysisResult
	if err := json.Unmarshal([]byte(*s), &r); err != nil {
		return nil, fmt.Errorf("decode result: %w", err)
	}
	return &r, nil
}
