// Package postgres is Clara's PostgreSQL driver, built on a pgx/v5 pool. It
// implements store.DB; its schema is the goose migrations embedded from
// migrations/*.sql.
package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/clara-backend/clara/store/internal/pingshare"
	"github.com/clara-backend/clara/store/internal/sqlq"
	"github.com/clara-backend/clara/store/migrate"
)

// Pool defaults, used when the URL does not set them (pool_max_conns,
// connect_timeout, application_name).
const (
	defaultConnectTimeout  = 10 * time.Second
	defaultMaxConnIdleTime = 5 * time.Minute
	defaultAppName         = "clara"
)

// DB is an open PostgreSQL database. Its query methods implement
// core.Queries on the pool; InTx runs the same methods in a transaction.
type DB struct {
	queries                 // on the pool
	pool      *pgxpool.Pool // the pgx pool
	sqlDB     *sql.DB       // database/sql view of pool, for goose
	migrator  *migrate.Migrator
	pinger    *pingshare.Pinger // shares Ping among callers
	events    *listener         // task events (SubscribeTask)
	closeOnce sync.Once
}

// Open connects to the PostgreSQL database at url (postgres:// or
// postgresql://, or key=value pairs) and pings it, so that a wrong address or
// password fails here. Errors never contain the password. Open does not
// migrate; call Migrate. Options change the pool's setup.
func Open(ctx context.Context, url string, opts ...Option) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgconn redacts the password in its parse errors.
		return nil, fmt.Errorf("parse postgres url: %w", err)
	}
	for _, o := range opts {
		o(cfg)
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = int32(max(10, 4*runtime.GOMAXPROCS(0)))
	}
	if !strings.Contains(url, "pool_max_conn_idle_time") {
		cfg.MaxConnIdleTime = defaultMaxConnIdleTime
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = defaultAppName
	}
	where := describe(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres %s: %w", where, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres %s: %w", where, err)
	}
	db := &DB{pool: pool, sqlDB: stdlib.OpenDBFromPool(pool), pinger: pingshare.New(pool.Ping),
		events: newListener(pool.Config().ConnConfig)}
	db.queries = sqlq.On(conn{pool}, dialect, func(ctx context.Context, fn func(tx sqlq.Conn) error) error {
		return inTx(ctx, pool, fn)
	})
	if db.migrator, err = newMigrator(db.sqlDB); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// Option changes the setup of the pool Open makes.
type Option func(*pgxpool.Config)

// WithTracer traces every statement of the pool's connections with tracer
// (tests count statements with it).
func WithTracer(tracer pgx.QueryTracer) Option {
	return func(cfg *pgxpool.Config) { cfg.ConnConfig.Tracer = tracer }
}

// describe names the server and database of cfg without the password.
func describe(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	return fmt.Sprintf("user=%s host=%s port=%d database=%s", c.User, c.Host, c.Port, c.Database)
}

// Dialect returns "postgres".
func (db *DB) Dialect() string { return "postgres" }

// Pool returns the underlying pgx pool, for transactions and River.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Ping checks that the database answers. Concurrent callers share one
// ping, and a success answers for a second (pingshare).
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pinger.Ping(ctx); err != nil {
		return fmt.Errorf("ping postgres: %w", err)
	}
	return nil
}

// SetLogger sends the task events listener's warnings (a lost LISTEN
// connection) to log instead of slog's default logger.
func (db *DB) SetLogger(log *slog.Logger) { db.events.log.Store(log) }

// Close stops the task events listener and closes every connection.
// Later calls do nothing.
func (db *DB) Close() error {
	var err error
	db.closeOnce.Do(func() {
		db.events.close()
		db.pinger.Close()
		err = db.sqlDB.Close()
		db.pool.Close()
	})
	if err != nil {
		return fmt.Errorf("close postgres: %w", err)
	}
	return nil
}
