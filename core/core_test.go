package core_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/clara-backend/clara/core"
)

func TestNewIDShape(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range []string{core.PrefixUser, core.PrefixAPIKey, core.PrefixTransaction, core.PrefixTask, core.PrefixOTP, core.PrefixSession} {
		re := regexp.MustCompile("^" + p + "[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$")
		for range 100 {
			id := core.NewID(p)
			if !re.MatchString(id) || seen[id] {
				t.Fatalf("id %q: shape ok %v, repeated %v", id, re.MatchString(id), seen[id])
			}
			seen[id] = true
		}
	}
	if n := len(core.NewID(core.PrefixUser)); n != 37 {
		t.Errorf("user id is %d characters, want 37", n)
	}
}

func TestTimestampWire(t *testing.T) {
	at := time.Date(2025, 11, 26, 23, 51, 28, 999, time.FixedZone("X", 3600))
	b, err := json.Marshal(struct {
		At core.Timestamp `json:"at"`
	}{core.Timestamp(at)})
	if err != nil || string(b) != `{"at":"Wed, 26 Nov 2025 22:51:28 GMT"}` {
		t.Fatalf("%s %v", b, err)
	}
	var back struct {
		At core.Timestamp `json:"at"`
	}
	if err := json.Unmarshal(b, &back); err != nil || !back.At.Time().Equal(at.Truncate(time.Second)) {
		t.Fatalf("round trip %v %v", back.At.Time(), err)
	}
}

func TestErrorOf(t *testing.T) {
	nf := core.ErrNotFound("Task")
	wrapped := fmt.Errorf("view task: %w", nf)
	if got := core.ErrorOf(wrapped); got != nf || got.Message != "Task with the given identifier does not exist." {
		t.Fatalf("ErrorOf(wrapped) = %v", got)
	}
	plain := errors.New("disk on fire")
	got := core.ErrorOf(plain)
	if got.Code != core.CodeInternal || got.Message != "Something went wrong." || !errors.Is(got, plain) {
		t.Fatalf("ErrorOf(plain) = %+v", got)
	}
	if core.ErrorOf(nil) != nil || core.ErrorCode(nil) != "" || core.ErrorCode(wrapped) != core.CodeNotFound {
		t.Fatal("nil and code handling")
	}
}
