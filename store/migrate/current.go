package migrate

import (
	"context"
	"database/sql"
	"fmt"
)

// currentQuery counts, in one statement, the applied migrations of Clara
// (goose's table; the provider deletes a migration's row when it goes
// down) and of River's main line, with the newest version of each.
const currentQuery = `SELECT
	(SELECT count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0 AND is_applied),
	(SELECT COALESCE(max(version_id), 0) FROM goose_db_version WHERE is_applied),
	(SELECT count(*) FROM river_migration WHERE line = 'main'),
	(SELECT COALESCE(max(version), 0) FROM river_migration WHERE line = 'main')`

// Current reports whether db has every migration m knows applied, and
// River's too, of which there are jobCount up to version jobLatest. It asks
// in one query and takes no lock: a process that starts on an up-to-date
// database skips Up and River's migrator, which lock and read the schema in
// several statements. A database with neither table yet is not current.
func Current(ctx context.Context, db *sql.DB, m *Migrator, jobCount, jobLatest int) (bool, error) {
	var applied, latest, jobsApplied, jobsLatest int64
	if err := db.QueryRowContext(ctx, currentQuery).Scan(&applied, &latest, &jobsApplied, &jobsLatest); err != nil {
		return false, fmt.Errorf("migration versions: %w", err)
	}
	sources := m.provider.ListSources()
	if len(sources) == 0 {
		return false, nil
	}
	want := sources[len(sources)-1].Version
	return applied == int64(len(sources)) && latest == want &&
		jobsApplied == int64(jobCount) && jobsLatest == int64(jobLatest), nil
}
