package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// userRow is the public part of a row of Clara's users table.
type userRow struct {
	CreatedAt    time.Time `json:"created_at"`
	Credits      int64     `json:"credits"`
	Email        string    `json:"email"`
	FirstName    string    `json:"first_name"`
	ID           string    `json:"id"`
	Is2FAEnabled bool      `json:"is_2fa_enabled"`
	IsActive     bool      `json:"is_active"`
	IsDarkMode   bool      `json:"is_dark_mode"`
	LastName     *string   `json:"last_name"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// userQuery reads one user by id from Clara's PostgreSQL schema, joined
// with the user's API key, as Clara reads the caller of a request made
// with an API key: the key's columns and every column of the user.
const userQuery = `SELECT k.id, k.user_id, k.created_at, k.updated_at,
	u.id, u.email, u.first_name, u.last_name, u.password_hash, u.is_active, u.is_2fa_enabled,
	u.is_dark_mode, u.credits, u.totp_secret, u.totp_enabled, u.totp_last_step, u.created_at,
	u.updated_at, u.held, u.stripe_customer_id
	FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.user_id = $1`

// serveUserFloor serves GET /users/{id} on addr: one pgx query of the
// users table of the database at dbURL, answered in Clara's envelope.
func serveUserFloor(addr, dbURL string) error {
	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		return fmt.Errorf("pgx pool: %w", err)
	}
	defer pool.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/{id}", func(w http.ResponseWriter, r *http.Request) {
		var (
			u                              userRow
			keyID, keyUser, hash, customer string
			keyCreated, keyUpdated         time.Time
			totpSecret                     []byte
			totpEnabled                    bool
			totpStep, held                 int64
		)
		err := pool.QueryRow(r.Context(), userQuery, r.PathValue("id")).Scan(&keyID, &keyUser, &keyCreated, &keyUpdated,
			&u.ID, &u.Email, &u.FirstName, &u.LastName, &hash, &u.IsActive, &u.Is2FAEnabled,
			&u.IsDarkMode, &u.Credits, &totpSecret, &totpEnabled, &totpStep, &u.CreatedAt,
			&u.UpdatedAt, &held, &customer)
		if err == pgx.ErrNoRows {
			http.NotFound(w, r)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"data": u, "message": "User fetched successfully.", "status": "success"})
	})
	return listenAndServe(addr, mux)
}

// pgSetup is what the PostgreSQL pair runs on: a cluster, Clara serving
// on it, the user floor, and a registered, activated user.
type pgSetup struct {
	cluster               *pgCluster
	clara, floor          *child
	userID, token, apiKey string
}

// publicKey is the client app key Clara on PostgreSQL is given.
const publicKey = "bench-compare-public-key-0123456789"

// startPGPair starts a cluster, `clara serve` on it (which migrates it),
// registers a user through Clara, activates it in the database, and
// starts the pgx floor on the same database.
func startPGPair(bin string) (*pgSetup, error) {
	cluster, err := startPG()
	if err != nil {
		return nil, err
	}
	s := &pgSetup{cluster: cluster}
	if err := s.start(bin); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// start starts `clara serve` on the cluster, registers and activates the
// user, makes its API key, and starts the pgx floor.
func (s *pgSetup) start(bin string) error {
	dir, err := os.MkdirTemp("", "clara-bench-*")
	if err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	addr, err := freeAddr()
	if err != nil {
		os.RemoveAll(dir)
		return err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"CLARA_DATA_DIR="+dir, "CLARA_HTTP_ADDR="+addr, "CLARA_DATABASE_URL="+s.cluster.URL,
		"CLARA_TOKEN_SECRET=bench-compare-token-secret-0123456789abcdef",
		"CLARA_PUBLIC_API_KEY="+publicKey, "CLARA_DEV_MAIL=true",
		"CLARA_RATE_LIMIT=1000000", "CLARA_LOG_LEVEL=error", "CLARA_LOG_FORMAT=json")
	if s.clara, err = start("clara serve (PostgreSQL)", cmd, addr, "/api/v1/health", dir); err != nil {
		return err
	}
	if err := s.register(); err != nil {
		return err
	}
	if err := s.createAPIKey(); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("own executable: %w", err)
	}
	faddr, err := freeAddr()
	if err != nil {
		return err
	}
	s.floor, err = start("floor pg-user", exec.Command(self, "-serve-floor", "pg-user", "-addr", faddr, "-db", s.cluster.URL),
		faddr, "/users/"+s.userID, "")
	return err
}

// register signs a user up through Clara's REST API and activates it
// directly in the database.
func (s *pgSetup) register() error {
	body := `{"first_name":"Ada","last_name":"Lovelace","email":"ada@example.com","password":"Analytical-Engine-1843"}`
	req, err := http.NewRequest(http.MethodPost, s.clara.base+"/api/v1/auth/register", strings.NewReader(body))
	if err != nil {
		return fmt.Errorf("register request: %w", err)
	}
	req.Header.Set("Authorization", publicKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		Data struct {
			ID    string `json:"id"`
			Token string `json:"token"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || resp.StatusCode != http.StatusCreated || out.Data.Token == "" {
		return fmt.Errorf("register: status %d: %s (%v)", resp.StatusCode, bytes.TrimSpace(raw), err)
	}
	s.userID, s.token = out.Data.ID, out.Data.Token
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.cluster.URL)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `UPDATE users SET is_active = true WHERE id = $1`, s.userID); err != nil {
		return fmt.Errorf("activate: %w", err)
	}
	return nil
}

// stop stops every process of the setup and removes its directories.
func (s *pgSetup) stop() {
	if s.floor != nil {
		s.floor.stop()
	}
	if s.clara != nil {
		s.clara.stop()
	}
	s.cluster.stop()
}
