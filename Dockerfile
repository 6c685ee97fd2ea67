# Builds the release binary and runs `voorzieningen serve` against an existing PostgreSQL.
# In production give it both logins: DATABASE_URL (the owner: runs the migrations) and
# APP_DATABASE_URL (the role voorzieningen_app, made by the migrations; give it a password with
# `alter role voorzieningen_app password '...'`). Without APP_DATABASE_URL the app serves as the
# owner switched to that role with SET ROLE, which RESET ROLE undoes (it warns at start).
#   docker build -t voorzieningen .
#   docker run -p 8080:8080 -e DATABASE_URL=postgres://owner:secret@db/voorzieningen \
#     -e APP_DATABASE_URL=postgres://voorzieningen_app:secret@db/voorzieningen voorzieningen
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY migrations migrations
COPY templates templates
COPY static static
# The bench helpers are declared as examples in Cargo.toml; cargo wants their files present.
COPY bench bench
RUN cargo build --release --locked --bin voorzieningen

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --no-create-home --shell /usr/sbin/nologin voorzieningen
COPY --from=build /src/target/release/voorzieningen /usr/local/bin/voorzieningen
USER voorzieningen
ENV LISTEN=0.0.0.0:8080
EXPOSE 8080
CMD ["voorzieningen", "serve"]
