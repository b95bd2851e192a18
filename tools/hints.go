package tools

// Hints are the four behaviour annotations of a tool. MCP hosts use them to
// decide whether to ask the user before a call, so every tool states all
// four: a Hints value only comes from [Annotate], and registration rejects
// a zero Hints.
type Hints struct {
	readOnly    bool
	destructive bool
	idempotent  bool
	openWorld   bool
	set         bool
}

// ReadOnly says whether a tool leaves its environment unchanged.
type ReadOnly bool

// Destructive says whether a tool may delete or overwrite data (meaningful
// only when it is not read-only).
type Destructive bool

// Idempotent says whether repeating a call with the same arguments has no
// further effect.
type Idempotent bool

// OpenWorld says whether a tool reaches entities outside Clara (payment
// provider, mail, model providers, the web).
type OpenWorld bool

// Annotate states a tool's four hints, in the order of the MCP tools table:
//
//	tools.Annotate(tools.ReadOnly(true), tools.Destructive(false), tools.Idempotent(true), tools.OpenWorld(false))
func Annotate(r ReadOnly, d Destructive, i Idempotent, o OpenWorld) Hints {
	return Hints{readOnly: bool(r), destructive: bool(d), idempotent: bool(i), openWorld: bool(o), set: true}
}

// ReadOnly reports the read-only hint.
func (h Hints) ReadOnly() bool { return h.readOnly }

// Destructive reports the destructive hint.
func (h Hints) Destructive() bool { return h.destructive }

// Idempotent reports the idempotent hint.
func (h Hints) Idempotent() bool { return h.idempotent }

// OpenWorld reports the open-world hint.
func (h Hints) OpenWorld() bool { return h.openWorld }

// Stated reports whether the hints were built with Annotate.
func (h Hints) Stated() bool { return h.set }
