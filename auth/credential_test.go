package auth

import (
	"encoding/base64"
	"testing"
)

func b64std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestParseAuthorization(t *testing.T) {
	cases := []struct {
		header string
		want   Credential
	}{
		{"", Credential{Scheme: SchemeNone}},
		{"Basic " + b64std("a@b.c:pw"), Credential{Scheme: SchemeBasic, Email: "a@b.c", Password: "pw"}},
		{"basic " + b64std("a@b.c:pw"), Credential{Scheme: SchemeBasic, Email: "a@b.c", Password: "pw"}},
		{"BASIC  " + b64std("a@b.c:pw"), Credential{Scheme: SchemeBasic, Email: "a@b.c", Password: "pw"}},
		{"Basic " + b64std("a@b.c:p:w::"), Credential{Scheme: SchemeBasic, Email: "a@b.c", Password: "p:w::"}},
		{"Basic " + b64std("a@b.c:"), Credential{Scheme: SchemeBasic, Email: "a@b.c", Password: ""}},
		{"Basic " + b64std(":pw"), Credential{Scheme: SchemeBasic, Email: "", Password: "pw"}},
		{"Basic " + b64std("A@B.C:pässwörd 🔑"), Credential{Scheme: SchemeBasic, Email: "A@B.C", Password: "pässwörd 🔑"}},
		{"Basic " + b64std("no colon"), Credential{Scheme: SchemeInvalid}},
		{"Basic not-base64!", Credential{Scheme: SchemeInvalid}},
		{"Basic " + base64.StdEncoding.EncodeToString([]byte("a@b.c:\xff\xfe")), Credential{Scheme: SchemeInvalid}},
		{"Basic ", Credential{Scheme: SchemeInvalid}},
		{"Basic", Credential{Scheme: SchemeInvalid}},
		{"Bearer clara_user_x.y.z", Credential{Scheme: SchemeUserToken, Token: "clara_user_x.y.z"}},
		{"bearer clara_user_x.y.z", Credential{Scheme: SchemeUserToken, Token: "clara_user_x.y.z"}},
		{"BEARER clara_api_x.y.z", Credential{Scheme: SchemeAPIKey, Token: "clara_api_x.y.z"}},
		{"Bearer  clara_api_x.y.z", Credential{Scheme: SchemeAPIKey, Token: "clara_api_x.y.z"}},
		{"Bearer CLARA_API_x.y.z", Credential{Scheme: SchemeInvalid}},
		{"Bearer crazi_co_user_x.y.z", Credential{Scheme: SchemeInvalid}},
		{"Bearer x.y.z", Credential{Scheme: SchemeInvalid}},
		{"Bearer clara_api_x y", Credential{Scheme: SchemeInvalid}},
		{"Bearer ", Credential{Scheme: SchemeInvalid}},
		{"Bearer", Credential{Scheme: SchemeInvalid}},
		{"Token clara_api_x.y.z", Credential{Scheme: SchemeInvalid}},
		{"Digest a=b", Credential{Scheme: SchemeInvalid}},
		{"pk_live_0123456789abcdef", Credential{Scheme: SchemePublicKey, Raw: "pk_live_0123456789abcdef"}},
		{"clara_api_x.y.z", Credential{Scheme: SchemePublicKey, Raw: "clara_api_x.y.z"}},
	}
	for _, c := range cases {
		if got := ParseAuthorization(c.header); got != c.want {
			t.Errorf("ParseAuthorization(%q) = %+v, want %+v", c.header, got, c.want)
		}
	}
}

func TestSchemeString(t *testing.T) {
	for s, want := range map[Scheme]string{
		SchemeNone: "none", SchemeInvalid: "invalid", SchemeBasic: "basic", SchemeUserToken: "user_token",
		SchemeAPIKey: "api_key", SchemePublicKey: "public_key", Scheme(99): "unknown",
	} {
		if s.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(s), s.String(), want)
		}
	}
}

func TestEqualSecret(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"pk_live_abc", "pk_live_abc", true},
		{"", "", true},
		{"pk_live_abc", "pk_live_abd", false},
		{"pk_live_abc", "pk_live_ab", false},
		{"pk_live_abc", "pk_live_abcd", false},
		{"", "x", false},
	}
	for _, c := range cases {
		if got := EqualSecret(c.a, c.b); got != c.want {
			t.Errorf("EqualSecret(%q, %q) = %v", c.a, c.b, got)
		}
	}
}
