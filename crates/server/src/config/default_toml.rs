//! `risala config print-default`: every setting with its default and what it does, as a
//! commented TOML file (a test checks it parses to `Config::default()`).

/// The default configuration as a commented TOML file.
pub const DEFAULT_TOML: &str = r#"# Risala configuration. Every value shown is the default.
# Layers: these defaults < this file (--config) < RISALA_* environment variables
# (RISALA_LISTEN, RISALA_DATA_DIR, RISALA_DATABASE_URL, …; "__" nests) < command-line flags.

# sandbox: a local stand-in for Meta's Cloud API (demo tenant, sandbox clock, loopback
# webhooks allowed). platform: production rules.
mode = "sandbox"

# Address to listen on.
listen = "127.0.0.1:8080"

# Directory for the SQLite database and stored media.
data_dir = "./risala-data"

# PostgreSQL instead of SQLite, e.g. "postgres://risala@127.0.0.1/risala".
# database_url = ""

# SQLite synchronous mode: FULL is durable against power loss; writes share commits either way.
sqlite_synchronous = "FULL"

# Fixed demo token (at least 16 characters), for scripts and CI. Unset: random, printed once.
# demo_token = ""

# Fixed password of the web app's demo owner (owner@demo.test; at least 10 characters), for
# scripts and CI. Unset: random, printed once when the owner is created.
# demo_owner_password = ""

# Create the demo business, WABA, app, number and token on the first start.
seed_demo = true

# Sandbox: load the built-in starting rate card (rates/meta-2026-01-01.csv: Meta's per-market
# USD rates as of 2026-01-01) at a start that finds no rate card. Platform mode never loads it: load your own with
# `risala admin rates load`.
starting_rate_card = true

# Log format: text or json.
log_format = "text"

# Log filter, as in RUST_LOG.
log_level = "info"

# Sandbox: a message to an unknown number creates that customer (off: the send fails with 131026).
auto_create_customers = true

# Message template review: "auto" (the rules of the book's Templates chapter decide after
# template_review_delay) or "manual" (templates stay PENDING until
# `risala admin templates review` or POST /admin/v1/templates/{id}/review decides).
template_review = "auto"

# Delay of an automatic review decision ("0s": at once, in the create request; e.g. "1h").
template_review_delay = "0s"

# Lengths of a template's pauses for low quality, in order (Meta's: 3 h, then 6 h); the next
# time after the last one disables it ([] disables at once).
template_pauses = ["3h", "6h"]

# Blocks and reports after a template's messages that make it RED and pause it (YELLOW at half).
template_pause_after_feedback = 3

# Messages per second one business number may send (above: 130429), as Meta's default;
# 0 = no limit.
throughput_mps = 80

# Meta's pair rate limit: after a burst of 45, about one message every 6 s to the same
# customer (above: 131056).
pair_rate_limit = false

# Messaging limit tier of a business that has none yet: TIER_250 (Meta's), TIER_2K, TIER_10K,
# TIER_100K or TIER_UNLIMITED. A business-initiated template (outside the 24-hour window) to a
# customer not reached in the last 24 hours beyond the limit fails with 131048.
messaging_limit_tier = "TIER_250"

# Upgrade to the next tier once half the limit was used in the last 7 days, this long after that
# first happened, while every number of the business is GREEN.
messaging_limit_upgrades = true
messaging_limit_upgrade_delay = "6h"

# Quality rating of a number: recency-weighted blocks and spam reports (a report weighs
# quality_report_weight blocks) per 1,000 messages sent in 7 days (at least quality_min_messages):
# YELLOW, RED (webhook FLAGGED), and from quality_restrict_per_1000 business-initiated sends fail
# with 131048.
quality_yellow_per_1000 = 20.0
quality_red_per_1000 = 40.0
quality_restrict_per_1000 = 80.0
quality_min_messages = 250
quality_report_weight = 2.0

# Base URL clients use to reach this server (for links it hands out). Unset: http://<listen>.
# public_url = ""

# Base URL of Stripe's API, for numbers that take payments with Stripe.
stripe_api_base = "https://api.stripe.com"

# Operator token for the admin API (/admin/v1/...) and `risala webhooks` (env RISALA_ADMIN_TOKEN).
# Unset: in sandbox mode a Graph token may inspect its own business's webhook deliveries; in
# platform mode the admin API is closed.
# admin_token = ""

# File that customers' one-time sign-in codes ("<ms> <wa_id> <code>" lines) and the web app's
# password-reset and invitation links ("<ms> <email> <purpose>: <link>") are appended to (the
# file is created readable by its owner only). Unset: the log in sandbox mode, and in platform
# mode data_dir/sign-in-codes.log (codes never go to the log there).
# sign_in_code_file = ""

# Key file of the keys that encrypt secrets at rest (app secrets, webhook verify tokens,
# settings), created 0600 with a new key when missing. Unset: <data_dir>/risala.key in sandbox
# mode; platform mode refuses to start without key_file or encryption_keys.
# key_file = ""

# The keys themselves instead of a file: "<id>:<base64 of 32 bytes>" separated by commas, e.g.
# from a secret store through RISALA_ENCRYPTION_KEYS. The highest id encrypts new writes.
# encryption_keys = ""

# Encrypt message bodies (content, biz_opaque_callback_data, errors), the webhook payloads of the
# outbox and media chunks at rest (AES-256-GCM with the newest key, bound to the row). Rows stored either way
# always read; `risala admin keys rotate` encrypts those stored before. Unset: on in platform
# mode, off in sandbox mode.
# encrypt_at_rest = true

# HTTPS: PEM files of the certificate chain and of its private key (both or neither). The files
# are read again on SIGHUP: new connections get the new certificate, open ones stay.
# tls_cert = ""
# tls_key = ""

# Client connections (env RISALA_CONNECTIONS__<KEY>). "0s" turns a timeout off.
[connections]
# From a connection's opening (TLS handshake included), or a later request's first byte, until
# the request's headers are complete.
header_timeout = "10s"
# From the end of a request's headers until its whole body has arrived.
body_timeout = "30s"
# Bytes a second that extend body_timeout: each byte received moves the deadline later by
# 1/min_body_rate s, so a large upload arriving at least this fast is not cut. 0 = fixed deadline.
min_body_rate = 65536
# A keep-alive connection waiting for its next request, or a response the client does not
# read, is closed after this long. WebSockets (customer devices) are exempt.
idle_timeout = "60s"
# Most open connections (WebSockets included) from one client IP address; the next is closed at
# once. 0 = no cap. Behind a reverse proxy or a NAT every client shares one address: raise it.
max_per_address = 256
# Reverse proxies (addresses or networks) whose X-Forwarded-For names the client: requests from
# them count, for the per-address limits of sign-ins and codes and for the audit log, as coming
# from the client the header names. Empty: the TCP peer is the client.
trusted_proxies = []

# How long message bodies and media are kept (env RISALA_RETENTION__<KEY>). A sweep applies it
# every second.
[retention]
# After this long a message's body (text, caption, media, location…) becomes a tombstone
# ("deleted": {"reason": "retention"}) and its media are deleted; the message's id, type, status,
# times and pricing stay. A duration such as "90d". Unset: bodies are kept forever.
# message_bodies = "90d"
# Media expire as at Meta (received 7 days, uploaded 30 days) and are refused at once; their
# bytes are deleted this long after that.
media_after_expiry = "0s"

# Media uploads and link fetches (env RISALA_MEDIA__<KEY>). Each streams to a temporary file
# (<data_dir>/tmp with SQLite, the system's temporary directory with PostgreSQL) and is stored in
# chunks of 1 MiB, so one in flight holds a few MiB of memory whatever the file's size.
[media]
# Most uploads (business and customer) and link fetches in flight at once, together; at least 1.
max_in_flight = 8
# How long one more waits for room before it is refused with Graph's throttling error (code 4,
# Retry-After: 1). "0s": refused at once.
max_wait = "10s"

# The verified badge (env RISALA_BADGE__<KEY>).
[badge]
# Days (on the service clock, which the sandbox clock moves) within which a request for an
# official business account is decided. An operator decides in the operator console or the admin
# API; a request nobody decided by then is decided by the criteria: approved when every criterion
# holds, rejected with the failing ones as reasons. 3 to 14; the operator can change it with the
# criteria at run time.
review_days = 5

# Several nodes on one PostgreSQL database (env RISALA_CLUSTER__<KEY>).
[cluster]
# "auto": "postgres" with a PostgreSQL database_url, "local" with SQLite. "postgres": live
# events (customer devices, the inbox's pages) and cache invalidation through LISTEN/NOTIFY,
# throughput and pair rate limits counted for the fleet, background sweeps run by one node at a
# time. "local": this node alone (SQLite, or PostgreSQL served by a single node).
events = "auto"

# Webhook delivery (env RISALA_WEBHOOKS__<KEY>, e.g. RISALA_WEBHOOKS__TIMEOUT=5s). Tables such as
# this one come after all top-level keys.
[webhooks]
# Time limit of one POST (connect + answer; for POSTs sharing a connection, of them all).
timeout = "10s"
# How long a change is retried before it becomes a dead letter.
max_retry_age = "7d"
# Delay before the first retry; it doubles per failed attempt (with +-20% jitter) up to backoff_max.
backoff_initial = "2s"
backoff_max = "1h"
# Most changes, and most bytes of changes, in one POST (bytes at most 3 MB, Meta's limit).
# One change per POST by default, as Meta mostly sends them: many client libraries read only
# entry[0].changes[0] and would drop the rest. Batching (e.g. 100) needs a receiver that reads
# every entry and change; it saves a POST per change.
batch_max_count = 1
batch_max_bytes = 1000000
# Most POSTs in flight to one callback URL (connections are kept alive and reused; to an http
# callback that answers quickly up to 16 share one connection, answered in order). With one
# change per POST this bounds the webhooks a second: 32 / the receiver's answer time.
max_in_flight_per_endpoint = 32
# Fallback poll of the outbox when nothing wakes the worker.
poll_interval = "1s"
# Most outbox rows claimed at once.
claim_limit = 500
# How long claimed rows stay reserved for one node (must exceed timeout).
lease = "2m"
# How long delivered rows are kept for the inspector.
retention = "7d"
# Hosts, addresses or networks (e.g. "10.0.0.0/8") a callback (or a bot's http step) may resolve
# to although they are private, loopback or link-local. Outside sandbox mode they must be https
# and public.
allow_private = []

# Sandbox fault injection (ignored in platform mode; also settable at runtime through
# /admin/v1/webhooks/faults): shares between 0 and 1 of POST attempts.
[webhooks.faults]
# Fail before reaching the receiver, recorded as fail_status, retried later.
fail_rate = 0.0
fail_status = 500
# Hold back by `delay` before sending.
delay_rate = 0.0
delay = "2s"
# Send, but treat the answer as a timeout: the receiver gets the events again on the retry.
timeout_rate = 0.0
"#;
