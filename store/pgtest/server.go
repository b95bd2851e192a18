package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clara-backend/clara/store/postgres"
)

// server is a PostgreSQL server holding a migrated template database.
type server struct {
	admin    *pgxpool.Pool // connected to the maintenance database
	base     url.URL       // a URL of the server; each database's swaps the path
	template string        // the migrated template database
	prefix   string        // of the names of test databases
	seq      atomic.Int64  // numbers test databases
	cluster  *cluster      // the throwaway cluster; nil on CLARA_TEST_DATABASE_URL
}

// startServer connects to CLARA_TEST_DATABASE_URL or starts a cluster, then
// creates and migrates the template.
func startServer() (*server, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*dbTimeout)
	defer cancel()
	s := &server{template: "clara_template", prefix: "t_"}
	if raw := os.Getenv(EnvURL); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return nil, fmt.Errorf("%s must be a postgres:// URL", EnvURL)
		}
		// Other test binaries may share the server: make every name unique.
		tag := fmt.Sprintf("%d_%s", os.Getpid(), randomHex(3))
		s.base, s.template, s.prefix = *u, "clara_template_"+tag, "t_"+tag+"_"
	} else {
		c, err := startCluster(ctx)
		if err != nil {
			return nil, err
		}
		s.cluster = c
		s.base = url.URL{
			Scheme:   "postgres",
			User:     url.User("postgres"),
			Path:     "/postgres",
			RawQuery: url.Values{"host": {c.dir}}.Encode(),
		}
	}
	if err := s.init(ctx); err != nil {
		return nil, errors.Join(err, s.close(ctx))
	}
	return s, nil
}

// init connects the admin pool and builds the template.
func (s *server) init(ctx context.Context) error {
	cfg, err := pgxpool.ParseConfig(s.base.String())
	if err != nil {
		return fmt.Errorf("parse %s: %w", EnvURL, err)
	}
	cfg.MaxConns = 4
	if s.admin, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return fmt.Errorf("connect to test server: %w", err)
	}
	if _, err := s.admin.Exec(ctx, "CREATE DATABASE "+ident(s.template)+" TEMPLATE template0"); err != nil {
		return fmt.Errorf("create template database: %w", err)
	}
	db, err := postgres.Open(ctx, s.urlOf(s.template))
	if err != nil {
		return fmt.Errorf("open template database: %w", err)
	}
	err = db.Migrate(ctx)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("migrate template database: %w", err)
	}
	return nil
}

// newDatabase creates a database cloned from template, dropped when t ends,
// and returns its URL.
func (s *server) newDatabase(t testing.TB, template string) string {
	t.Helper()
	name := fmt.Sprintf("%s%d", s.prefix, s.seq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), dbTimeout)
	defer cancel()
	if _, err := s.admin.Exec(ctx, "CREATE DATABASE "+ident(name)+" TEMPLATE "+ident(template)); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), dbTimeout)
		defer cancel()
		if err := s.drop(ctx, name); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return s.urlOf(name)
}

// drop removes database name, closing any connection left to it.
func (s *server) drop(ctx context.Context, name string) error {
	if _, err := s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// urlOf returns the URL of database name on the server.
func (s *server) urlOf(name string) string {
	u := s.base
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// close drops the template from a shared server, or stops the cluster.
func (s *server) close(ctx context.Context) error {
	var errs []error
	if s.admin != nil {
		if s.cluster == nil {
			errs = append(errs, s.drop(ctx, s.template))
		}
		s.admin.Close()
	}
	if s.cluster != nil {
		errs = append(errs, s.cluster.stop(ctx))
	}
	return errors.Join(errs...)
}

// ident quotes a database name.
func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

// randomHex returns 2n random hexadecimal digits.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails
	return hex.EncodeToString(b)
}
