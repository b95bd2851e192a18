package tools

import (
	"testing"

	"github.com/clara-backend/clara/store/pgtest"
)

// TestMain stops the PostgreSQL that pgtest starts for the tests that run
// on both stores.
func TestMain(m *testing.M) { pgtest.Main(m) }
