-- +goose Up
-- users.credits is the available balance; held is what running analyses
-- have reserved. Both always equal the sums of the user's ledger entries.
ALTER TABLE users
    ADD COLUMN held bigint NOT NULL DEFAULT 0
        CONSTRAINT users_held_nonnegative CHECK (held >= 0),
    ADD COLUMN stripe_customer_id text NOT NULL DEFAULT '';

-- The credit ledger: one row per movement, never changed nor removed.
-- (user_id, idem_key) is unique: a repeated posting changes nothing.
CREATE TABLE credit_ledger (
    id          text PRIMARY KEY,
    user_id     text NOT NULL REFERENCES users (id),
    kind        text NOT NULL
                CONSTRAINT credit_ledger_kind_known
                CHECK (kind IN ('purchase', 'grant', 'hold', 'capture', 'release', 'refund', 'adjust')),
    d_available bigint NOT NULL,
    d_held      bigint NOT NULL,
    fiat_cents  bigint NOT NULL DEFAULT 0,
    description text NOT NULL DEFAULT '',
    idem_key    text NOT NULL,
    ref_type    text NOT NULL DEFAULT '',
    ref_id      text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    CONSTRAINT credit_ledger_user_idem_key UNIQUE (user_id, idem_key)
);
-- A user's transactions, newest first.
CREATE INDEX credit_ledger_user_created_idx ON credit_ledger (user_id, created_at DESC, id DESC);

-- +goose StatementBegin
CREATE FUNCTION credit_ledger_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'credit_ledger is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER credit_ledger_no_update BEFORE UPDATE OR DELETE ON credit_ledger
    FOR EACH ROW EXECUTE FUNCTION credit_ledger_append_only();
CREATE TRIGGER credit_ledger_no_truncate BEFORE TRUNCATE ON credit_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION credit_ledger_append_only();

-- One Stripe Checkout of credits; credited once, when it moves to paid.
CREATE TABLE credit_purchases (
    id                text PRIMARY KEY,
    user_id           text NOT NULL REFERENCES users (id),
    stripe_session_id text NOT NULL UNIQUE,
    amount_cents      bigint NOT NULL,
    credits           bigint NOT NULL,
    status            text NOT NULL
                      CONSTRAINT credit_purchases_status_known CHECK (status IN ('pending', 'paid', 'failed')),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX credit_purchases_user_id_idx ON credit_purchases (user_id);

-- The payment provider's events already handled, to skip redeliveries.
CREATE TABLE payment_events (
    id          text PRIMARY KEY,
    kind        text NOT NULL,
    received_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE payment_events;
DROP TABLE credit_purchases;
DROP TABLE credit_ledger;
DROP FUNCTION credit_ledger_append_only();
ALTER TABLE users
    DROP COLUMN stripe_customer_id,
    DROP COLUMN held;
