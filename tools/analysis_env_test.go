package tools

import (
	"testing"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/internal/analysistest"
)

// analysisConfig varies the analyses of a test environment.
type analysisConfig = analysistest.Options

// analysisParts are what an environment with analyses has besides the
// core: the fake model provider and the job queue.
type analysisParts = analysistest.Parts

// member is an active user, as the analysis tests hold it.
type member struct {
	ID, Token string
}

// newMember registers and activates email through the core and grants it
// credits (none when 0).
func (e *accountsEnv) newMember(t *testing.T, email string, credits int64) member {
	t.Helper()
	ctx := t.Context()
	app, err := e.svc.Identify(ctx, core.Credentials{Authorization: testPublicKey, Transport: core.TransportInProcess})
	if err != nil {
		t.Fatal(err)
	}
	in, err := e.svc.Register(ctx, app, core.RegisterInput{FirstName: "Ada", LastName: "Lovelace", Email: email, Password: "Analytical-Engine-1843"})
	if err != nil {
		t.Fatalf("register %s: %v", email, err)
	}
	if _, err := e.svc.Activate(ctx, app, email, e.code(t, email)); err != nil {
		t.Fatalf("activate %s: %v", email, err)
	}
	if credits > 0 {
		if _, _, err := e.svc.GrantCredits(t.Context(), core.GrantInput{Email: email, Credits: credits, Reason: "test", Key: core.NewID("")}); err != nil {
			t.Fatalf("grant: %v", err)
		}
	}
	return member{ID: in.User.ID, Token: in.Token}
}
