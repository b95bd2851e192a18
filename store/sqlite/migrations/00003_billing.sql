-- +goose Up
-- users.credits is the available balance; held is what running analyses
-- have reserved. Both always equal the sums of the user's ledger entries.
-- ADD COLUMN keeps the table STRICT and checks the CHECK against every
-- existing row (SQLite 3.37+), so the table need not be rebuilt.
ALTER TABLE users ADD COLUMN held INTEGER NOT NULL DEFAULT 0
    CONSTRAINT users_held_nonnegative CHECK (held >= 0);
ALTER TABLE users ADD COLUMN stripe_customer_id TEXT NOT NULL DEFAULT '';

-- The credit ledger: one row per movement, never changed nor removed.
-- (user_id, idem_key) is unique: a repeated posting changes nothing.
CREATE TABLE credit_ledger (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    kind        TEXT NOT NULL
                CONSTRAINT credit_ledger_kind_known
                CHECK (kind IN ('purchase', 'grant', 'hold', 'capture', 'release', 'refund', 'adjust')),
    d_available INTEGER NOT NULL,
    d_held      INTEGER NOT NULL,
    fiat_cents  INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT '',
    idem_key    TEXT NOT NULL,
    ref_type    TEXT NOT NULL DEFAULT '',
    ref_id      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    CONSTRAINT credit_ledger_user_idem_key UNIQUE (user_id, idem_key)
) STRICT;
-- A user's transactions, newest first.
CREATE INDEX credit_ledger_user_created_idx ON credit_ledger (user_id, created_at DESC, id DESC);

-- +goose StatementBegin
CREATE TRIGGER credit_ledger_no_update BEFORE UPDATE ON credit_ledger
BEGIN
    SELECT RAISE(ABORT, 'credit_ledger is append-only: UPDATE is not allowed');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER credit_ledger_no_delete BEFORE DELETE ON credit_ledger
BEGIN
    SELECT RAISE(ABORT, 'credit_ledger is append-only: DELETE is not allowed');
END;
-- +goose StatementEnd

-- One Stripe Checkout of credits; credited once, when it moves to paid.
CREATE TABLE credit_purchases (
    id                TEXT PRIMARY KEY NOT NULL,
    user_id           TEXT NOT NULL REFERENCES users (id),
    stripe_session_id TEXT NOT NULL UNIQUE,
    amount_cents      INTEGER NOT NULL,
    credits           INTEGER NOT NULL,
    status            TEXT NOT NULL
                      CONSTRAINT credit_purchases_status_known CHECK (status IN ('pending', 'paid', 'failed')),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX credit_purchases_user_id_idx ON credit_purchases (user_id);

-- The payment provider's events already handled, to skip redeliveries.
CREATE TABLE payment_events (
    id          TEXT PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL,
    received_at TEXT NOT NULL
) STRICT;

-- +goose Down
DROP TABLE payment_events;
DROP TABLE credit_purchases;
DROP TABLE credit_ledger;
ALTER TABLE users DROP COLUMN stripe_customer_id;
ALTER TABLE users DROP COLUMN held;
