package config

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// secretsFile holds the secrets generated for the embedded store.
const secretsFile = "secrets.json"

type generatedSecrets struct {
	TokenSecret  string `json:"token_secret"`
	PublicAPIKey string `json:"public_api_key"`
}

// EnsureSecrets fills in a token secret and a public API key that the
// configuration leaves empty, from <DataDir>/secrets.json, generating that
// file (mode 0600) on first use. It reports whether the public API key came
// from there, so the caller can tell the user. The file must not be readable
// by anybody but its owner.
func EnsureSecrets(c *Config) (generatedKey bool, err error) {
	if c.TokenSecret != "" && c.PublicAPIKey != "" {
		return false, nil
	}
	path := filepath.Join(c.DataDir, secretsFile)
	s, err := readSecrets(path)
	if errors.Is(err, os.ErrNotExist) {
		s, err = writeSecrets(c.DataDir, path)
	}
	if err != nil {
		return false, err
	}
	if c.TokenSecret == "" {
		c.TokenSecret = s.TokenSecret
	}
	if c.PublicAPIKey == "" {
		c.PublicAPIKey, generatedKey = s.PublicAPIKey, true
	}
	return generatedKey, nil
}

func readSecrets(path string) (generatedSecrets, error) {
	var s generatedSecrets
	info, err := os.Stat(path)
	if err != nil {
		return s, err
	}
	if info.Mode().Perm()&0o077 != 0 {
		return s, fmt.Errorf("%s: readable by others (mode %v); run `chmod 600 %s`", path, info.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return s, fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(b, &s); err != nil || len(s.TokenSecret) < 32 || len(s.PublicAPIKey) < 16 {
		return s, fmt.Errorf("%s: damaged; remove it to generate new secrets (existing tokens stop working)", path)
	}
	return s, nil
}

// writeSecrets creates the secrets file atomically; when another process
// wins the race, its file is read instead.
func writeSecrets(dir, path string) (generatedSecrets, error) {
	s := generatedSecrets{TokenSecret: randomHex(32), PublicAPIKey: "clara_pub_" + randomHex(24)}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return s, fmt.Errorf("create data directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".secrets-*")
	if err != nil {
		return s, fmt.Errorf("write secrets: %w", err)
	}
	defer os.Remove(tmp.Name())
	b, _ := json.MarshalIndent(s, "", "  ")
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return s, fmt.Errorf("write secrets: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return s, fmt.Errorf("write secrets: %w", err)
	}
	// Link fails when the file appeared meanwhile, so the first writer wins.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return readSecrets(path)
		}
		return s, fmt.Errorf("write secrets: %w", err)
	}
	return s, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
