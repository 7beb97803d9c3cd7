-- Click-to-WhatsApp ads and Status (issue #18, parts 4 and 5).
--
-- An ad of a business number: its creative (headline, body, media, prefilled text) as JSON,
-- a budget in integer minor units of `currency`, a cost model (`cost_per` one impression,
-- tap or conversation at `price` minor units), a placement and the calling codes it targets.
-- Its figures are counted from the rows below, never stored twice: an impression per customer
-- per ad per UTC day, a tap per click id (`ctwa_clid`), whose `conversation_at` is set when
-- the customer's first message carries that click's referral.
CREATE TABLE ads (
    id              TEXT PRIMARY KEY,
    business_id     TEXT NOT NULL REFERENCES businesses(id),
    phone_number_id TEXT NOT NULL,
    name            TEXT NOT NULL,
    placement       TEXT NOT NULL,
    creative        TEXT NOT NULL,
    currency        TEXT NOT NULL,
    budget          BIGINT NOT NULL,
    cost_per        TEXT NOT NULL,
    price           BIGINT NOT NULL,
    countries       TEXT NOT NULL,
    status          TEXT NOT NULL,
    start_at        BIGINT NOT NULL,
    end_at          BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX ads_number ON ads(phone_number_id, created_at);
CREATE INDEX ads_live ON ads(status, start_at);

CREATE TABLE ad_impressions (
    ad_id TEXT NOT NULL REFERENCES ads(id),
    wa_id TEXT NOT NULL,
    day   BIGINT NOT NULL,
    at    BIGINT NOT NULL,
    PRIMARY KEY (ad_id, wa_id, day)
);
CREATE INDEX ad_impressions_customer ON ad_impressions(wa_id);

CREATE TABLE ad_taps (
    ctwa_clid       TEXT PRIMARY KEY,
    ad_id           TEXT NOT NULL REFERENCES ads(id),
    wa_id           TEXT NOT NULL,
    tapped_at       BIGINT NOT NULL,
    message_id      TEXT,
    conversation_at BIGINT
);
CREATE INDEX ad_taps_ad ON ad_taps(ad_id);
CREATE INDEX ad_taps_customer ON ad_taps(wa_id);

-- A business's Status update (text on a background colour, an image or a video), seen by the
-- customers who have chatted with the number until `expires_at` (24 hours after posting).
CREATE TABLE status_updates (
    id              TEXT PRIMARY KEY,
    business_id     TEXT NOT NULL REFERENCES businesses(id),
    phone_number_id TEXT NOT NULL,
    kind            TEXT NOT NULL,
    content         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    deleted_at      BIGINT
);
CREATE INDEX status_updates_number ON status_updates(phone_number_id, expires_at);
