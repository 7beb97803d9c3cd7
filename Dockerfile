# syntax=docker/dockerfile:1
# Risala: a multi-stage build. The first stage compiles the one binary with the workspace's
# declared toolchain; the runtime stage is Debian slim with that binary, run as a non-root user.
#
#   docker build -t risala .
#   docker run --rm -p 8080:8080 risala            # a sandbox on SQLite in /data
#
# See docs/src/operations.md ("Containers") for the compose file with PostgreSQL and three nodes.

ARG RUST_VERSION=1.95
FROM rust:${RUST_VERSION}-slim-bookworm AS build
WORKDIR /src
# Dependencies first, so an edit to Risala's own code does not download and rebuild them.
COPY Cargo.toml Cargo.lock ./
COPY crates ./crates
COPY rates ./rates
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p risala \
 && cp target/release/risala /risala

FROM debian:bookworm-slim AS runtime
# The binary carries its own TLS roots (webpki) and embeds its migrations, pages and rate card;
# tini reaps and forwards SIGTERM so a stop lets in-flight requests finish.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin risala \
 && mkdir -p /data && chown risala:risala /data
COPY --from=build /risala /usr/local/bin/risala
USER 10001:10001
WORKDIR /data
ENV RISALA_LISTEN=0.0.0.0:8080 \
    RISALA_DATA_DIR=/data
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["risala", "healthcheck", "--url", "http://127.0.0.1:8080"]
ENTRYPOINT ["/usr/bin/tini", "--", "risala"]
CMD ["serve"]
