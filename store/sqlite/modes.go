package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// fileMode is the mode of the database file and of its -wal and -shm
// files: they hold password hashes, sessions and every user's data, so only
// Clara's own user may read them, whatever the umask or the mode of the
// data directory.
const fileMode fs.FileMode = 0o600

// restrictModes creates the database file at path when it is missing,
// with fileMode, and sets fileMode on it and on its -wal and -shm files
// when they exist (left by an older Clara, or another tool). SQLite creates
// the -wal and -shm files with the mode of the database file, so they
// follow.
func restrictModes(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, fileMode); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("restrict the mode of %s: %w", p, err)
		}
	}
	return nil
}
