package tools

import (
	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/cleantext"
)

// argumentsField names a tool's whole arguments in a core.FieldError.
const argumentsField = "arguments"

// badArguments returns the invalid-argument error of tool arguments that
// hold text the core must not see (NUL characters or invalid UTF-8, see
// cleantext), naming the argument; nil when every string is clean.
func badArguments(args any) error {
	field, bad := cleantext.Find(args, "")
	if !bad {
		return nil
	}
	return errBadText(field)
}

// errBadText is the invalid-argument error of a value that is not UTF-8
// text without NUL characters; field "" names the whole arguments.
func errBadText(field string) error {
	if field == "" {
		field = argumentsField
	}
	return core.ErrInvalid(core.FieldError{Field: field, Problem: cleantext.Problem})
}
