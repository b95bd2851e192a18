//go:build !unix

package sqlite

import "context"

// lockFile does nothing where flock is unavailable: there, processes that
// create a new database at the same instant may race on its first migration.
func lockFile(context.Context, string) (unlock func(), err error) {
	return func() {}, nil
}
