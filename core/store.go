package core

import "context"

// Store is the persistence port of the core. Two drivers implement it
// (PostgreSQL and embedded SQLite, package store); both pass one conformance
// suite (package store/storetest).
type Store interface {
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Setting returns the value stored under key, or an error of
	// CodeNotFound when there is none.
	Setting(ctx context.Context, key string) (string, error)
	// PutSetting stores value under key, replacing any earlier value.
	PutSetting(ctx context.Context, key, value string) error
	// Close releases the store's connections.
	Close() error
}
