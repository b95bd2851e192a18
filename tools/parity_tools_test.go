package tools

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/pquerna/otp/totp"

	"github.com/clara-backend/clara/core"
)

// cancel_task stops a pending analysis and releases the credits held for
// it; a second call returns the cancelled task unchanged. Over every
// transport.
func TestCancelTask(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			e := newEnvWith(t, false, &analysisConfig{NoWorkers: true})
			m := e.newMember(t, "ada@example.com", 100)
			cn := tr.open(t, e, "Bearer "+m.Token)

			task := taskOf(t, cn.call(t, "analyze", map[string]any{"query": "The sky is blue."}, nil))
			if task.Status != core.TaskPending {
				t.Fatalf("analyze answered %+v", task)
			}
			if got := ok(t, cn.call(t, "view_user", nil, nil))["credits"]; got != 80.0 {
				t.Fatalf("credits %v while the task is held, want 80", got)
			}

			cancelled := taskOf(t, cn.call(t, "cancel_task", map[string]any{"task_id": task.ID}, nil))
			if cancelled.ID != task.ID || cancelled.Status != core.TaskFailed || cancelled.Error == nil ||
				*cancelled.Error != core.MsgCancelled || cancelled.Result != nil {
				t.Fatalf("cancel_task answered %+v", cancelled)
			}
			if got := ok(t, cn.call(t, "view_user", nil, nil))["credits"]; got != 100.0 {
				t.Errorf("credits %v after cancelling, want 100 (released)", got)
			}
			if viewed := taskOf(t, cn.call(t, "view_task", map[string]any{"task_id": task.ID}, nil)); !reflect.DeepEqual(viewed, cancelled) {
				t.Errorf("view_task %+v, want %+v", viewed, cancelled)
			}
			// Idempotent: a finished task comes back as it is.
			if again := taskOf(t, cn.call(t, "cancel_task", map[string]any{"user_id": m.ID, "task_id": task.ID}, nil)); !reflect.DeepEqual(again, cancelled) {
				t.Errorf("second cancel_task %+v, want %+v", again, cancelled)
			}
			if got := ok(t, cn.call(t, "view_user", nil, nil))["credits"]; got != 100.0 {
				t.Errorf("credits %v after a second cancel, want 100", got)
			}
			e.balanced(t)
		})
	}
}

// cancel_task refuses what REST refuses, with the same messages.
func TestCancelTaskRefusals(t *testing.T) {
	e := newEnvWith(t, false, &analysisConfig{NoWorkers: true})
	m := e.newMember(t, "ada@example.com", 100)
	other := e.newMember(t, "bob@example.com", 0)
	cn := transports[0].open(t, e, "Bearer "+m.Token)
	task := taskOf(t, cn.call(t, "analyze", map[string]any{"query": "x"}, nil))

	wantError(t, cn.call(t, "cancel_task", map[string]any{"task_id": "task_" + strings.Repeat("0", 32)}, nil),
		"Task with the given identifier does not exist.", guideNoTask)
	theirs := transports[0].open(t, e, "Bearer "+other.Token)
	wantError(t, theirs.call(t, "cancel_task", map[string]any{"task_id": task.ID}, nil), core.MsgForbidden, guideForbidden)
	wantError(t, cn.call(t, "cancel_task", map[string]any{"user_id": other.ID, "task_id": task.ID}, nil), core.MsgForbidden, guideForbidden)
	if got := taskOf(t, cn.call(t, "view_task", map[string]any{"task_id": task.ID}, nil)); got.Status != core.TaskPending {
		t.Errorf("a refused cancel changed the task: %+v", got)
	}
	e.balanced(t)
}

// totpEnrolment is start_totp's answer, checked: a text content with the
// JSON of structuredContent, then the QR code as a PNG image block.
func totpEnrolment(t *testing.T, res *mcp.CallToolResult) core.TOTPEnrollment {
	t.Helper()
	if res.IsError || len(res.Content) != 2 {
		t.Fatalf("start_totp answered isError %v with %d content blocks: %+v", res.IsError, len(res.Content), res.Content)
	}
	tc, isText := mcp.AsTextContent(res.Content[0])
	img, isImage := mcp.AsImageContent(res.Content[1])
	if !isText || !isImage {
		t.Fatalf("content %T, %T; want text, then image", res.Content[0], res.Content[1])
	}
	raw, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	var e core.TOTPEnrollment
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatalf("structuredContent %s: %v", raw, err)
	}
	if !reflect.DeepEqual(structured(t, res), map[string]any{"otpauth_uri": e.OTPAuthURI, "qr_code_png_base64": e.QRCodePNGBase64}) {
		t.Errorf("structuredContent %s has other keys than REST's data", raw)
	}
	var fromText core.TOTPEnrollment
	if err := json.Unmarshal([]byte(tc.Text), &fromText); err != nil || fromText != e {
		t.Errorf("text %q does not render structuredContent %s", tc.Text, raw)
	}
	uri, err := url.Parse(e.OTPAuthURI)
	if err != nil || uri.Scheme != "otpauth" || uri.Host != "totp" || uri.Query().Get("issuer") != "Clara" ||
		uri.Query().Get("secret") == "" {
		t.Fatalf("otpauth URI %q", e.OTPAuthURI)
	}
	if img.Type != "image" || img.MIMEType != "image/png" || img.Data != e.QRCodePNGBase64 {
		t.Errorf("image block type %q, MIME type %q, data equal to the QR code: %v", img.Type, img.MIMEType, img.Data == e.QRCodePNGBase64)
	}
	png, err := base64.StdEncoding.DecodeString(img.Data)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("the image is not a base64 PNG: %v", err)
	}
	return e
}

// appCode returns the code an authenticator app that scanned e shows now.
func appCode(t *testing.T, e core.TOTPEnrollment) string {
	t.Helper()
	uri, err := url.Parse(e.OTPAuthURI)
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(uri.Query().Get("secret"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// start_totp returns the otpauth URI and the QR code, as structuredContent
// (REST's data) and as an image; confirm_totp with the app's code turns
// two-factor login on, after which login without a code is refused with
// REST's data {"is_2fa_enabled": true}. Over every transport.
func TestTOTPTools(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			e := newEnvWith(t, false, &analysisConfig{NoWorkers: true})
			m := e.newMember(t, "ada@example.com", 0)
			cn := tr.open(t, e, "Bearer "+m.Token)

			wantError(t, cn.call(t, "confirm_totp", map[string]any{"code": "123456"}, nil), core.MsgInvalid,
				"code: there is no authenticator enrolment to confirm; start one first")
			first := totpEnrolment(t, cn.call(t, "start_totp", nil, nil))
			enrol := totpEnrolment(t, cn.call(t, "start_totp", map[string]any{"user_id": m.ID}, nil))
			if enrol.OTPAuthURI == first.OTPAuthURI {
				t.Error("a second start_totp kept the first secret")
			}
			if u := ok(t, cn.call(t, "view_user", nil, nil)); u["is_2fa_enabled"] != false {
				t.Fatalf("2FA on before confirming: %v", u)
			}

			code := appCode(t, enrol)
			wrong := code[:5] + string(rune('0'+(code[5]-'0'+5)%10))
			wantError(t, cn.call(t, "confirm_totp", map[string]any{"code": wrong}, nil), core.MsgUnauthenticated, guideTOTPCode)
			wantError(t, cn.call(t, "confirm_totp", map[string]any{"code": "12345"}, nil), core.MsgInvalid, "code: must be the 6-digit code")
			got := ok(t, cn.call(t, "confirm_totp", map[string]any{"code": code}, nil))
			if !reflect.DeepEqual(got, map[string]any{"message": "Authenticator app enabled successfully."}) {
				t.Fatalf("confirm_totp answered %v", got)
			}
			if u := ok(t, cn.call(t, "view_user", nil, nil)); u["is_2fa_enabled"] != true {
				t.Fatalf("2FA off after confirming: %v", u)
			}
			res := cn.call(t, "start_totp", nil, nil)
			wantError(t, res, core.MsgInvalid, "user_id: an authenticator app is already on; disable 2FA first to replace it")
			if res.StructuredContent != nil {
				t.Errorf("a refusal without data carries structuredContent %v", res.StructuredContent)
			}

			// login without the second factor: REST's 401 and its data.
			res = cn.call(t, "login", map[string]any{"email": "ada@example.com", "password": "Analytical-Engine-1843"}, nil)
			wantError(t, res, core.MsgUnauthenticated, guideLogin2FA)
			if got := structured(t, res); !reflect.DeepEqual(got, map[string]any{"is_2fa_enabled": true}) {
				t.Errorf("login's 2FA refusal has structuredContent %v, want {\"is_2fa_enabled\": true}", got)
			}
			// A wrong password says nothing of the second factor.
			res = cn.call(t, "login", map[string]any{"email": "ada@example.com", "password": "not-the-password"}, nil)
			wantError(t, res, core.MsgUnauthenticated, guideLoginBad)
			if res.StructuredContent != nil {
				t.Errorf("a wrong password's refusal carries structuredContent %v", res.StructuredContent)
			}
		})
	}
}

// start_totp and confirm_totp need a user token: an API key is refused
// with how to authenticate.
func TestTOTPToolsNeedUserToken(t *testing.T) {
	e := newAccountsEnv(t)
	m := e.newMember(t, "ada@example.com", 0)
	d := inProcessDriver(e, eras[0])
	user := d.mustOpen(t, "Bearer "+m.Token)
	key := ok(t, user.call(t, "view_api_key", nil))["token"].(string)
	withKey := d.mustOpen(t, "Bearer "+key)
	wantError(t, withKey.call(t, "start_totp", nil), core.MsgUnauthenticated, howHTTPUserToken)
	wantError(t, withKey.call(t, "confirm_totp", map[string]any{"code": "123456"}), core.MsgUnauthenticated, howHTTPUserToken)
}
