package authserver

import (
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/ory/fosite"

	"github.com/clara-backend/clara/core"
)

// keptForm are the parameters of an authorization request that its stored
// form keeps: what the token endpoint checks again. The rest (state, the
// client's own parameters) is dropped.
var keptForm = []string{"redirect_uri", "code_challenge", "code_challenge_method", "resource", "scope"}

// storedRequest is the serialized form of an authorization request.
type storedRequest struct {
	ID              string     `json:"id"`
	RequestedAt     time.Time  `json:"requested_at"`
	ClientID        string     `json:"client_id"`
	RequestedScope  []string   `json:"requested_scope"`
	GrantedScope    []string   `json:"granted_scope"`
	Form            url.Values `json:"form"`
	Session         session    `json:"session"`
	RequestedTarget []string   `json:"requested_audience,omitempty"`
	GrantedTarget   []string   `json:"granted_audience,omitempty"`
}

// encodeRequest serializes r, which must carry a Clara session.
func encodeRequest(r fosite.Requester) ([]byte, error) {
	s := sessionOf(r)
	if s == nil {
		return nil, fmt.Errorf("encode oauth request %s: no session", r.GetID())
	}
	form := url.Values{}
	for _, k := range keptForm {
		if v, ok := r.GetRequestForm()[k]; ok {
			form[k] = v
		}
	}
	return json.Marshal(storedRequest{
		ID: r.GetID(), RequestedAt: r.GetRequestedAt(), ClientID: r.GetClient().GetID(),
		RequestedScope: r.GetRequestedScopes(), GrantedScope: r.GetGrantedScopes(), Form: form,
		Session: *s, RequestedTarget: r.GetRequestedAudience(), GrantedTarget: r.GetGrantedAudience(),
	})
}

// decodeRequest rebuilds a request serialized by encodeRequest. Its client
// is known by id, with the grant types and scopes every client of Clara
// has: the token endpoint compares ids, and takes the client of the live
// request for the rest. When into is a Clara session,
// the stored session is copied into it as well.
func decodeRequest(data []byte, into fosite.Session) (*fosite.Request, error) {
	var sr storedRequest
	if err := json.Unmarshal(data, &sr); err != nil {
		return nil, fmt.Errorf("decode oauth request: %w", err)
	}
	sess := &sr.Session
	if dst, ok := into.(*session); ok && dst != nil {
		*dst = *sess.Clone().(*session)
		sess = dst
	}
	return &fosite.Request{
		ID: sr.ID, RequestedAt: sr.RequestedAt, Client: storedClient(sr.ClientID),
		RequestedScope: sr.RequestedScope, GrantedScope: sr.GrantedScope, Form: sr.Form, Session: sess,
		RequestedAudience: sr.RequestedTarget, GrantedAudience: sr.GrantedTarget,
	}, nil
}

// storedClient returns the client of a stored request: its id and what
// every client of Clara may do.
func storedClient(id string) *fosite.DefaultClient {
	return &fosite.DefaultClient{ID: id, GrantTypes: grantTypes, ResponseTypes: responseTypes, Scopes: core.OAuthScopeNames()}
}
