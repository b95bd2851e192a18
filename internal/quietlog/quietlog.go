// Package quietlog turns down the chatter of libraries: their routine
// information becomes debug output, while their warnings and errors stay
// what they are.
package quietlog

import (
	"context"
	"log/slog"
)

// Demoted returns a logger writing through l's handler, with every record
// below slog.LevelWarn logged at slog.LevelDebug. A nil l gives a logger
// that discards everything.
func Demoted(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(demoted{l.Handler()})
}

// demoted is the handler of Demoted.
type demoted struct{ next slog.Handler }

// level is the level a record of level l is logged at.
func level(l slog.Level) slog.Level {
	if l < slog.LevelWarn {
		return slog.LevelDebug
	}
	return l
}

// Enabled implements slog.Handler.
func (h demoted) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, level(l))
}

// Handle implements slog.Handler.
func (h demoted) Handle(ctx context.Context, r slog.Record) error {
	r.Level = level(r.Level)
	return h.next.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (h demoted) WithAttrs(attrs []slog.Attr) slog.Handler {
	return demoted{h.next.WithAttrs(attrs)}
}

// WithGroup implements slog.Handler.
func (h demoted) WithGroup(name string) slog.Handler {
	return demoted{h.next.WithGroup(name)}
}
