package mail

import (
	"errors"
	"fmt"
	"net/smtp"
	"slices"
	"strings"
)

// saslAuth implements net/smtp.Auth for the PLAIN and LOGIN mechanisms. It
// refuses to send credentials over a connection that is not TLS unless
// plainOK (Security "none", which is only allowed on loopback).
type saslAuth struct {
	mech               string
	username, password string
	plainOK            bool
	step               int
}

// chooseAuth picks AUTH PLAIN, or LOGIN when that is all the server offers.
// offered is the server's AUTH extension parameter.
func chooseAuth(offered, username, password string, plainOK bool) (*saslAuth, error) {
	mechs := strings.Fields(strings.ToUpper(offered))
	for _, m := range []string{"PLAIN", "LOGIN"} {
		if slices.Contains(mechs, m) {
			return &saslAuth{mech: m, username: username, password: password, plainOK: plainOK}, nil
		}
	}
	return nil, fmt.Errorf("server offers no supported AUTH mechanism (offered %q, want PLAIN or LOGIN)", offered)
}

// Start begins the exchange; PLAIN sends its credentials as the initial
// response, LOGIN waits for the server's prompts.
func (a *saslAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !a.plainOK {
		return "", nil, errors.New("refusing to send credentials over an unencrypted connection")
	}
	if a.mech == "PLAIN" {
		return a.mech, []byte("\x00" + a.username + "\x00" + a.password), nil
	}
	return a.mech, nil, nil
}

// Next answers the server's challenges: for LOGIN the username, then the
// password.
func (a *saslAuth) Next(_ []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	if a.mech != "LOGIN" {
		return nil, errors.New("unexpected server challenge")
	}
	a.step++
	switch a.step {
	case 1:
		return []byte(a.username), nil
	case 2:
		return []byte(a.password), nil
	default:
		return nil, errors.New("unexpected server challenge")
	}
}
