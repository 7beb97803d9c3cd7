-- Catalogs and orders (issue #18, parts 1 and 2). A catalog is owned by a business and
-- connected to at most one WABA (Meta allows one catalog per WABA); its products are keyed by
-- the business's retailer id. Prices are integer minor units of the product's currency. An
-- order is what a customer's cart became: the catalog's prices at the time it was sent, the
-- conversation it belongs to and the message that carried it.
CREATE TABLE catalogs (
    id          TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses(id),
    name        TEXT NOT NULL,
    vertical    TEXT NOT NULL,
    waba_id     TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX catalogs_business ON catalogs(business_id);
CREATE INDEX catalogs_waba ON catalogs(waba_id);

CREATE TABLE catalog_products (
    id            TEXT PRIMARY KEY,
    catalog_id    TEXT NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
    retailer_id   TEXT NOT NULL,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL,
    price         INTEGER NOT NULL,
    currency      TEXT NOT NULL,
    availability  TEXT NOT NULL,
    condition     TEXT NOT NULL,
    image_url     TEXT,
    url           TEXT,
    item_group_id TEXT,
    variant       TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (catalog_id, retailer_id)
);

CREATE TABLE orders (
    id              TEXT PRIMARY KEY,
    reference       TEXT NOT NULL UNIQUE,
    business_id     TEXT NOT NULL REFERENCES businesses(id),
    phone_number_id TEXT NOT NULL,
    wa_id           TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    catalog_id      TEXT NOT NULL,
    items           TEXT NOT NULL,
    note            TEXT NOT NULL,
    currency        TEXT NOT NULL,
    total           INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX orders_conversation ON orders(phone_number_id, wa_id, created_at);
CREATE INDEX orders_message ON orders(message_id);
