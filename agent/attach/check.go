package attach

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Check reports why the file name with content data cannot be analysed, or
// nil. The extension (case-insensitive) must be one Supported(vision) lists
// and the content must match it: a PDF starts with "%PDF-", text formats
// are UTF-8 without NUL bytes, JSON is valid, HTML sniffs as HTML or text,
// and an image's magic bytes match its extension. Errors wrap
// ErrUnsupported or ErrMismatch.
func Check(name string, data []byte, vision bool) error {
	ext := Ext(name)
	if !isSupported(ext, vision) {
		shown := ext
		if shown == "" {
			shown = "(no extension)"
		}
		return fmt.Errorf("%w %s; supported: %s", ErrUnsupported, shown,
			strings.Join(supportedExts(vision), ", "))
	}
	if len(data) == 0 {
		return mismatch("file is empty")
	}
	switch ext {
	case ".pdf":
		if !bytes.HasPrefix(data, []byte("%PDF-")) {
			return mismatch("content is not a PDF")
		}
	case ".txt", ".md", ".csv":
		if !isText(data) {
			return mismatch(fmt.Sprintf("content is not UTF-8 text (%s)", ext))
		}
	case ".json":
		if !json.Valid(data) {
			return mismatch("content is not valid JSON")
		}
	case ".html":
		if !isText(data) || !sniffsAsHTML(data) {
			return mismatch("content is not HTML")
		}
	default:
		return checkImage(ext, data)
	}
	return nil
}

// isText reports whether data is valid UTF-8 without NUL bytes.
func isText(data []byte) bool {
	return utf8.Valid(data) && bytes.IndexByte(data, 0) < 0
}

// sniffsAsHTML reports whether data sniffs as text/html or text/plain.
func sniffsAsHTML(data []byte) bool {
	ct := http.DetectContentType(data)
	return strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "text/plain")
}

// checkImage checks that data's magic bytes are those of the image type of
// ext.
func checkImage(ext string, data []byte) error {
	want := imageTypes[ext]
	got := http.DetectContentType(data)
	if got == want {
		return nil
	}
	if strings.HasPrefix(got, "image/") {
		return mismatch(fmt.Sprintf("content is %s, not %s", imageName(got), imageName(want)))
	}
	return mismatch(fmt.Sprintf("content is not %s", imageName(want)))
}

// imageName names an image media type for messages: "a PNG image".
func imageName(mediaType string) string {
	sub := strings.ToUpper(strings.TrimPrefix(mediaType, "image/"))
	switch sub {
	case "JPEG":
		return "a JPEG image"
	case "":
		return "an image"
	}
	return "a " + sub + " image"
}
