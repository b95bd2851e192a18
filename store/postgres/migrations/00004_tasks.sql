-- +goose Up
-- An analysis task. attachments is the JSON array of the attachments'
-- descriptions (core.AttachmentInfo) and result the JSON of the verdict
-- (core.AnalysisResult), both text rather than jsonb: nothing queries
-- inside them, text gives back exactly what was written, and jsonb would
-- refuse the escape \u0000 that a string of the agent's answer may hold.
CREATE TABLE tasks (
    id          text PRIMARY KEY,
    user_id     text NOT NULL REFERENCES users (id),
    query       text NOT NULL,
    status      text NOT NULL
                CONSTRAINT tasks_status_known CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED')),
    cost        bigint NOT NULL,
    client_key  text NULL,
    attachments text NOT NULL DEFAULT '[]',
    result      text NULL,
    error       text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    -- A client's Idempotency-Key names one task of the user; NULLs (no key)
    -- never collide.
    CONSTRAINT tasks_user_client_key UNIQUE (user_id, client_key)
);
-- A user's tasks, newest first.
CREATE INDEX tasks_user_created_idx ON tasks (user_id, created_at DESC, id DESC);

-- The contents of a task's attachments, in the order given: the file's
-- bytes, or a public URL (and no bytes) for the agent to fetch.
CREATE TABLE task_attachments (
    task_id      text NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    position     integer NOT NULL,
    name         text NOT NULL,
    content_type text NOT NULL DEFAULT '',
    url          text NOT NULL DEFAULT '',
    data         bytea NOT NULL DEFAULT '',
    PRIMARY KEY (task_id, position)
);

-- +goose Down
DROP TABLE task_attachments;
DROP TABLE tasks;
