package agent

import "github.com/clara-backend/clara/agent/attach"

// attachFiles is the Attacher of package attach.
type attachFiles struct{}

// Supported implements Attacher.
func (attachFiles) Supported(vision bool) map[string][]string { return attach.Supported(vision) }

// Check implements Attacher.
func (attachFiles) Check(name string, data []byte, vision bool) error {
	return attach.Check(name, data, vision)
}

// Extract implements Attacher.
func (attachFiles) Extract(name string, data []byte) (Content, error) {
	c, err := attach.Extract(name, data)
	if err != nil {
		return Content{}, err
	}
	return Content{Image: c.Kind == attach.Image, Text: c.Text, MediaType: c.MediaType, Data: c.Image}, nil
}
