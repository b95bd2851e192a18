package authserver

import (
	"net/url"
	"strings"
	"testing"

	"github.com/ory/fosite"
)

// fosite's form_post response (third_party/fosite) is written without a
// template: it must escape what it writes as html/template did, and refuse
// script URLs.
func TestFormPostResponseEscapes(t *testing.T) {
	var b strings.Builder
	params := url.Values{"state": {`"><script>alert(1)</script>`}, "code": {"clara_oac_1&2"}}
	fosite.WriteAuthorizeFormPostResponse("https://app.example.com/cb?a=1&b=2", params, nil, &b)
	got := b.String()
	for _, want := range []string{
		`action="https://app.example.com/cb?a=1&amp;b=2"`,
		`<input type="hidden" name="code" value="clara_oac_1&amp;2"/>`,
		`<input type="hidden" name="state" value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"/>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("form lacks %s:\n%s", want, got)
		}
	}
	if strings.Index(got, `name="code"`) > strings.Index(got, `name="state"`) {
		t.Errorf("fields not in key order:\n%s", got)
	}
	b.Reset()
	fosite.WriteAuthorizeFormPostResponse("javascript:alert(1)", nil, nil, &b)
	if !strings.Contains(b.String(), `action="#ZgotmplZ"`) {
		t.Errorf("a script URL was written:\n%s", b.String())
	}
}
