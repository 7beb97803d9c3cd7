-- Payments (issue #18 part 3). An order a business sent with an order_details message, one per
-- (number, reference_id): what it costs (integer minor units), its order status (moved by
-- order_status messages), its payment status, the provider that takes the payment and its
-- checkout. Each payment status change is an event with a key unique per number (Stripe's event
-- id, or the sandbox's attempt), so a repeated webhook or pay click is applied once; token ties
-- the order update and its webhook to the event inserted in the same commit.
CREATE TABLE payment_orders (
    phone_number_id TEXT NOT NULL REFERENCES phone_numbers(id),
    reference_id    TEXT NOT NULL,
    business_id     TEXT NOT NULL REFERENCES businesses(id),
    wa_id           TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    body_hash       TEXT NOT NULL,
    currency        TEXT NOT NULL,
    total_value     INTEGER NOT NULL,
    order_status    TEXT NOT NULL,
    payment_status  TEXT NOT NULL,
    provider        TEXT NOT NULL,
    session_id      TEXT,
    session_url     TEXT,
    transaction_id  TEXT,
    attempts        INTEGER NOT NULL,
    event_token     TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (phone_number_id, reference_id)
);
CREATE INDEX payment_orders_recent ON payment_orders(phone_number_id, created_at);
CREATE INDEX payment_orders_session ON payment_orders(session_id);

CREATE TABLE payment_events (
    phone_number_id TEXT NOT NULL,
    event_key       TEXT NOT NULL,
    reference_id    TEXT NOT NULL,
    status          TEXT NOT NULL,
    transaction_id  TEXT NOT NULL,
    token           TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (phone_number_id, event_key)
);
