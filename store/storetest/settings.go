package storetest

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/clara-backend/clara/core"
	"github.com/clara-backend/clara/store"
)

// testSettingsRoundTrip stores values and reads them back unchanged.
func testSettingsRoundTrip(t *testing.T, db store.DB) {
	cases := map[string]string{
		"plain":            "value",
		"empty":            "",
		"unicode ключ 鍵 🔑": "naïve café, 日本語, emoji 🎉, RTL שלום",
		"whitespace":       "  leading and trailing\n\ttabs\r\n",
		"quotes":           `it's "quoted"; -- not SQL`,
		"large":            strings.Repeat("0123456789abcdef", 64*1024/16), // 64 KiB
	}
	for key, value := range cases {
		if err := db.PutSetting(t.Context(), key, value); err != nil {
			t.Fatalf("PutSetting(%q): %v", key, err)
		}
	}
	for key, value := range cases {
		requireSetting(t, db, key, value)
	}
}

// testSettingsMissing checks the error for a key never stored.
func testSettingsMissing(t *testing.T, db store.DB) {
	v, err := db.Setting(t.Context(), "never-stored")
	if code := core.ErrorCode(err); code != core.CodeNotFound {
		t.Fatalf("Setting(never-stored) = %q, %v (code %q), want code %q", v, err, code, core.CodeNotFound)
	}
}

// testSettingsOverwrite checks that a second PutSetting replaces the value
// and leaves other keys alone.
func testSettingsOverwrite(t *testing.T, db store.DB) {
	ctx := t.Context()
	for _, kv := range [][2]string{{"a", "1"}, {"b", "1"}, {"a", "2"}, {"a", "3"}} {
		if err := db.PutSetting(ctx, kv[0], kv[1]); err != nil {
			t.Fatalf("PutSetting(%q, %q): %v", kv[0], kv[1], err)
		}
	}
	requireSetting(t, db, "a", "3")
	requireSetting(t, db, "b", "1")
}

// testSettingsConcurrent writes from 20 goroutines at once, half to their own
// keys and half to one shared key; every write must succeed (no SQLITE_BUSY,
// no serialisation failure) and the shared key must hold one of the values.
func testSettingsConcurrent(t *testing.T, db store.DB) {
	const writers, rounds = 20, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds)
	for w := range writers {
		wg.Go(func() {
			for r := range rounds {
				key := fmt.Sprintf("own-%d", w)
				if w%2 == 1 {
					key = "shared"
				}
				if err := db.PutSetting(t.Context(), key, fmt.Sprintf("w%d-r%d", w, r)); err != nil {
					errs <- fmt.Errorf("writer %d round %d: %w", w, r, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for w := 0; w < writers; w += 2 {
		requireSetting(t, db, fmt.Sprintf("own-%d", w), fmt.Sprintf("w%d-r%d", w, rounds-1))
	}
	v, err := db.Setting(t.Context(), "shared")
	if err != nil || !strings.HasSuffix(v, fmt.Sprintf("-r%d", rounds-1)) {
		t.Errorf("Setting(shared) = %q, %v, want some writer's last value", v, err)
	}
}

// requireSetting checks that key holds want.
func requireSetting(t *testing.T, db store.DB, key, want string) {
	t.Helper()
	got, err := db.Setting(t.Context(), key)
	if err != nil {
		t.Fatalf("Setting(%q): %v", key, err)
	}
	if got != want {
		t.Errorf("Setting(%q) = %q (%d bytes), want %q (%d bytes)", key, clip(got), len(got), clip(want), len(want))
	}
}

// clip shortens s for a failure message.
func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
