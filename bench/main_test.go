package bench

import (
	"testing"

	"github.com/clara-backend/clara/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
