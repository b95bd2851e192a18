package agent

import (
	"context"

	"github.com/clara-backend/clara/core"
)

// Files judges attachments as Clara does with no model configured: the
// documents it reads itself, no images (as GET supported_attachments then
// lists). Given as core.Deps.Attachments, it makes an unsupported or
// mismatched file a 400 whether or not a model is configured.
func Files() core.AttachmentChecker { return documentFiles{} }

// documentFiles is the core.AttachmentChecker of Files.
type documentFiles struct{}

// Supported implements core.AttachmentChecker.
func (documentFiles) Supported() map[string][]string { return attachFiles{}.Supported(false) }

// CheckAttachment implements core.AttachmentChecker.
func (documentFiles) CheckAttachment(_ context.Context, name string, data []byte) error {
	return attachFiles{}.Check(name, data, false)
}
