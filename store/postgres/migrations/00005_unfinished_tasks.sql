-- +goose Up
-- A user's unfinished tasks, whose attachments count against what one user
-- may hold pending (core.Policy.MaxPendingBytes). Finished tasks keep no
-- attachment contents, so only these hold any.
CREATE INDEX tasks_user_unfinished_idx ON tasks (user_id) WHERE status IN ('PENDING', 'RUNNING');

-- +goose Down
DROP INDEX tasks_user_unfinished_idx;
