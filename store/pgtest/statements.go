package pgtest

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

// Statements counts the statements run on the connections it traces:
// install it with postgres.WithTracer to see how many statements a piece
// of work costs.
type Statements struct {
	n atomic.Int64
}

// TraceQueryStart implements pgx.QueryTracer: it counts one statement.
func (s *Statements) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	s.n.Add(1)
	return ctx
}

// TraceQueryEnd implements pgx.QueryTracer.
func (s *Statements) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// Count returns how many statements ran since the last Reset.
func (s *Statements) Count() int64 { return s.n.Load() }

// Reset starts counting from zero.
func (s *Statements) Reset() { s.n.Store(0) }
