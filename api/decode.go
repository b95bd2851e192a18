package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/cleantext"
)

// bodyField names the whole body in a core.FieldError.
const bodyField = "body"

// decodeJSON reads r's body, one JSON object, into v, strictly:
//
//   - a missing or blank body is errEmptyBody;
//   - a body over the limit (see limitBody) is core.ErrTooLarge;
//   - a Content-Type other than application/json is core.ErrInvalid;
//   - malformed JSON, a value that is not an object, a field of the wrong
//     type, a field v does not have, or anything after the object is
//     core.ErrInvalid, with a FieldError naming the field where known;
//   - a body that is not valid UTF-8, or a string (key or value) holding a
//     NUL character, is core.ErrInvalid naming the field (see cleantext).
//
// Missing fields are not checked here: the core validates what it needs.
func decodeJSON(r *http.Request, v any) error {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return errEmptyBody()
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return core.ErrTooLarge()
		}
		return core.ErrInvalid(core.FieldError{Field: bodyField, Problem: "could not be read"})
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return errEmptyBody()
	}
	if !isJSON(r.Header.Get("Content-Type")) {
		return core.ErrInvalid(core.FieldError{Field: "Content-Type", Problem: "must be application/json"})
	}
	if trimmed[0] != '{' {
		return core.ErrInvalid(core.FieldError{Field: bodyField, Problem: "must be a JSON object"})
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return core.ErrInvalid(core.FieldError{Field: bodyField, Problem: "must hold a single JSON object and nothing after it"})
	}
	if field, bad := cleantext.FindJSON(body, ""); bad {
		return errBadText(field)
	}
	return nil
}

// errBadText is the 400 of a value that is not UTF-8 text without NUL
// characters; field "" names the whole body.
func errBadText(field string) error {
	if field == "" {
		field = bodyField
	}
	return core.ErrInvalid(core.FieldError{Field: field, Problem: cleantext.Problem})
}

// isJSON reports whether a Content-Type is application/json, with any
// parameters (such as charset=utf-8).
func isJSON(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && mediaType == "application/json"
}

// decodeError turns an error of encoding/json into a core error that says,
// where it can, which field is wrong and how.
func decodeError(err error) error {
	if e, ok := errors.AsType[*core.Error](err); ok {
		return e // from a field's own UnmarshalJSON
	}
	if e, ok := errors.AsType[*json.SyntaxError](err); ok {
		return core.ErrInvalid(core.FieldError{
			Field:   bodyField,
			Problem: "is not valid JSON (at byte " + strconv.FormatInt(e.Offset, 10) + "): " + e.Error(),
		})
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return core.ErrInvalid(core.FieldError{Field: bodyField, Problem: "is not valid JSON: it ends too early"})
	}
	if e, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		field := e.Field
		if field == "" {
			field = bodyField
		}
		return core.ErrInvalid(core.FieldError{Field: field, Problem: "must be " + jsonKind(e.Type)})
	}
	if e, ok := errors.AsType[*json.InvalidUnmarshalError](err); ok {
		return core.ErrInternal(e) // a bug: v is not a pointer
	}
	// encoding/json has no type for this one.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if unquoted, err := strconv.Unquote(name); err == nil {
			name = unquoted
		}
		return core.ErrInvalid(core.FieldError{Field: name, Problem: "is not an accepted field"})
	}
	// An UnmarshalText or UnmarshalJSON of a field's type refused its value.
	return core.ErrInvalid(core.FieldError{Field: bodyField, Problem: "has an invalid value: " + err.Error()})
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// jsonKind names, with its article, the JSON type that decodes into t.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "of another type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		return "a string"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return fmt.Sprintf("of JSON type for %s", t)
}
