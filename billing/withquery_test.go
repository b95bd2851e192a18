package billing

import "testing"

func TestWithQuery(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://a.example/b", "https://a.example/b?x=1"},
		{"https://a.example/b?", "https://a.example/b?x=1"},
		{"https://a.example/b?c=d", "https://a.example/b?c=d&x=1"},
		{"https://a.example/b?c=d&", "https://a.example/b?c=d&x=1"},
		{"https://a.example/b#frag", "https://a.example/b?x=1#frag"},
		{"https://a.example/b?c=d#f?g", "https://a.example/b?c=d&x=1#f?g"},
	} {
		if got := withQuery(c.in, "x=1"); got != c.want {
			t.Errorf("withQuery(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
