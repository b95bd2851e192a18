//go:build !linux

package isolate

import "errors"

// canExec reports whether Run can run programs on this system: only Linux
// caps a program's resources from its first instruction here.
const canExec = false

// errNoExec is the error of Run where canExec is false.
var errNoExec = errors.New("running programs in isolation needs Linux")

// execLimited fails: see canExec.
func execLimited(execRequest) error { return errNoExec }
