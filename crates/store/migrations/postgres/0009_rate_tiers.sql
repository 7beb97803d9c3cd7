-- Monthly volume tiers of a rate card (utility and authentication): from the from_volume-th
-- delivered message of the month, the price is amount_micros.
CREATE TABLE rate_tiers (
    card_id       TEXT NOT NULL REFERENCES rate_cards(id),
    country       TEXT NOT NULL,
    category      TEXT NOT NULL,
    from_volume   BIGINT NOT NULL,
    amount_micros BIGINT NOT NULL,
    PRIMARY KEY (card_id, country, category, from_volume)
);
CREATE INDEX ledger_business_month ON ledger(business_id, category, country, charged_at);
