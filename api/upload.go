package api

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/cleantext"
)

// queryField is the multipart field of an analysis's text.
const queryField = "query"

// multipartOverhead bounds what a multipart body adds to its contents:
// boundaries and part headers.
const multipartOverhead = 64 << 10

// uploadLimits are the limits of an analysis upload, from the core's
// policy.
type uploadLimits struct {
	files int   // files in one analysis
	file  int64 // bytes of one file
	total int64 // bytes of all files together
	text  int64 // bytes of the query field
}

// body is the most an analysis body may hold: every file at its limit, the
// query, and the multipart framing.
func (l uploadLimits) body() int64 { return l.total + l.text + multipartOverhead }

// newUploadLimits returns the upload limits of p; the query may be as long
// as a JSON body.
func newUploadLimits(p core.Policy, maxText int64) uploadLimits {
	return uploadLimits{files: p.MaxAttachments, file: p.MaxFileBytes, total: p.MaxTotalBytes, text: maxText}
}

// readAnalysis streams an Analysis body: the text field query, and every
// other part as a file named by its filename or, failing that, its field
// name. It never holds more than the limits: a file over its limit, or
// files over the total, stop the reading with a 413, and a file past the
// allowed number with a 400, as is a query or file name that is not UTF-8
// text without NUL characters.
func readAnalysis(w http.ResponseWriter, r *http.Request, lim uploadLimits) (core.AnalyzeInput, error) {
	var in core.AnalyzeInput
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return in, errEmptyBody()
	}
	if r.ContentLength > lim.body() {
		return in, core.ErrTooLarge()
	}
	r.Body = http.MaxBytesReader(unwrapTracker(w), r.Body, lim.body())
	mr, err := r.MultipartReader()
	if err != nil {
		return in, core.ErrInvalid(core.FieldError{Field: "Content-Type", Problem: "must be multipart/form-data with a boundary"})
	}
	var total int64
	seenQuery := false
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return in, nil
		}
		if err != nil {
			return in, bodyError(err)
		}
		if p.FormName() == queryField && p.FileName() == "" {
			if seenQuery {
				return in, core.ErrInvalid(core.FieldError{Field: queryField, Problem: "must be given once"})
			}
			seenQuery = true
			text, err := readPart(p, lim.text)
			if err != nil {
				return in, err
			}
			if in.Query = string(text); !cleantext.Valid(in.Query) {
				return in, errBadText(queryField)
			}
			continue
		}
		if len(in.Attachments) == lim.files {
			return in, core.ErrInvalid(core.FieldError{Field: "attachments", Problem: fmt.Sprintf("at most %d files", lim.files)})
		}
		name := p.FileName()
		if name == "" {
			name = p.FormName()
		}
		if !cleantext.Valid(name) {
			return in, errBadText("attachments")
		}
		data, err := readPart(p, lim.file)
		if err != nil {
			return in, err
		}
		if total += int64(len(data)); total > lim.total {
			return in, core.ErrTooLarge()
		}
		in.Attachments = append(in.Attachments, core.AttachmentData{Name: name, Data: data})
	}
}

// readPart reads a part of at most limit bytes; a longer one is a 413.
func readPart(p *multipart.Part, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(p, limit+1))
	if err != nil {
		return nil, bodyError(err)
	}
	if int64(len(data)) > limit {
		return nil, core.ErrTooLarge()
	}
	return data, nil
}

// bodyError turns a failure to read a multipart body into a 413 when the
// body is over its limit, else a 400.
func bodyError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return core.ErrTooLarge()
	}
	return core.ErrInvalid(core.FieldError{Field: bodyField, Problem: "is not valid multipart/form-data: " + err.Error()})
}
