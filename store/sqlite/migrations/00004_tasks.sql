-- +goose Up
-- An analysis task. attachments is the JSON array of the attachments'
-- descriptions (core.AttachmentInfo) and result the JSON of the verdict
-- (core.AnalysisResult).
CREATE TABLE tasks (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    query       TEXT NOT NULL,
    status      TEXT NOT NULL
                CONSTRAINT tasks_status_known CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED')),
    cost        INTEGER NOT NULL,
    client_key  TEXT NULL,
    attachments TEXT NOT NULL DEFAULT '[]',
    result      TEXT NULL,
    error       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    -- A client's Idempotency-Key names one task of the user; NULLs (no key)
    -- never collide.
    CONSTRAINT tasks_user_client_key UNIQUE (user_id, client_key)
) STRICT;
-- A user's tasks, newest first.
CREATE INDEX tasks_user_created_idx ON tasks (user_id, created_at DESC, id DESC);

-- The contents of a task's attachments, in the order given: the file's
-- bytes, or a public URL (and no bytes) for the agent to fetch.
CREATE TABLE task_attachments (
    task_id      TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL DEFAULT '',
    url          TEXT NOT NULL DEFAULT '',
    data         BLOB NOT NULL DEFAULT x'',
    PRIMARY KEY (task_id, position)
) STRICT;

-- +goose Down
DROP TABLE task_attachments;
DROP TABLE tasks;
