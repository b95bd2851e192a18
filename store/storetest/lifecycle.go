package storetest

import (
	"testing"

	"github.com/clara-backend/clara/store"
)

// testPing checks that an open database answers.
func testPing(t *testing.T, db store.DB) {
	if err := db.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

// testClose checks that Close succeeds, that a closed database no longer
// answers, and that closing twice is harmless.
func testClose(t *testing.T, db store.DB) {
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := db.Ping(t.Context()); err == nil {
		t.Error("Ping after Close succeeded, want an error")
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
