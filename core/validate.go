package core

import (
	_ "embed"
	"net/mail"
	"strings"
	"sync"
	"unicode/utf8"
)

// Limits of the values users give.
const (
	minPassword = 8
	maxPassword = 128
	maxEmail    = 254
	maxName     = 100
)

// fields collects validation problems.
type fields []FieldError

func (f *fields) add(field, problem string) {
	*f = append(*f, FieldError{Field: field, Problem: problem})
}

// err returns the invalid-input error for the problems, or nil.
func (f fields) err() error {
	if len(f) == 0 {
		return nil
	}
	return ErrInvalid(f...)
}

// NormalizeEmail trims and lower-cases an address.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// checkEmail records a problem unless email (normalised) is a plain address.
func (f *fields) checkEmail(field, email string) {
	switch {
	case email == "":
		f.add(field, "is required")
	case len(email) > maxEmail:
		f.add(field, "must be at most 254 characters")
	case !plainAddress(email):
		f.add(field, "must be an email address such as ada@example.com")
	}
}

// plainAddress accepts local@domain.tld, nothing more (no display names,
// no comments, no IP literals).
func plainAddress(email string) bool {
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(email, '@')
	domain := email[at+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") &&
		!strings.HasSuffix(domain, ".") && !strings.ContainsAny(email, " []\"\\")
}

// checkPassword records a problem unless password is 8 to 128 characters
// and not a commonly used one.
func (f *fields) checkPassword(field, password string) {
	n := utf8.RuneCountInString(password)
	switch {
	case password == "":
		f.add(field, "is required")
	case !utf8.ValidString(password):
		f.add(field, "must be valid UTF-8 text")
	case n < minPassword:
		f.add(field, "must be at least 8 characters")
	case n > maxPassword:
		f.add(field, "must be at most 128 characters")
	case commonPassword(password):
		f.add(field, "is too common; choose one that is not on lists of popular passwords")
	}
}

// checkName records a problem unless name is 1 to 100 printable characters.
func (f *fields) checkName(field, name string) {
	switch {
	case strings.TrimSpace(name) == "":
		f.add(field, "is required and must not be blank")
	case !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxName:
		f.add(field, "must be at most 100 characters of text")
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		f.add(field, "must not contain control characters")
	}
}

// checkCode records a problem unless code is six digits.
func (f *fields) checkCode(field, code string) {
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		f.add(field, "must be the 6-digit code")
	}
}

//go:embed common_passwords.txt
var commonPasswordList string

// commonPasswords is the shipped list of popular passwords, loaded on first use.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 20000)
	for _, line := range strings.Split(commonPasswordList, "\n") {
		if line != "" && line[0] != '#' {
			set[line] = struct{}{}
		}
	}
	return set
})

// commonPassword reports whether password, ignoring case, is on the list.
func commonPassword(password string) bool {
	_, ok := commonPasswords()[strings.ToLower(password)]
	return ok
}
