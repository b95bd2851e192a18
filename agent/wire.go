package agent

import (
	"context"

	"github.com/clara-backend/clara/agent/attach"
	"github.com/clara-backend/clara/agent/isolate"
)

// attachFiles is the Attacher of package attach, with documents parsed in
// isolation (package isolate).
type attachFiles struct{}

// Supported implements Attacher.
func (attachFiles) Supported(vision bool) map[string][]string { return attach.Supported(vision) }

// Check implements Attacher.
func (attachFiles) Check(name string, data []byte, vision bool) error {
	return attach.Check(name, data, vision)
}

// Extract implements Attacher. A file whose reading faults or overruns
// gives an error that matches isolate.ErrRefused.
func (attachFiles) Extract(ctx context.Context, name string, data []byte) (Content, error) {
	c, err := isolate.Extract(ctx, name, data)
	if err != nil {
		return Content{}, err
	}
	return Content{Image: c.Kind == attach.Image, Text: c.Text, MediaType: c.MediaType, Data: c.Image}, nil
}
