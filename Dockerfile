# syntax=docker/dockerfile:1
# warta in a container. Build: docker build -t warta .   (compose.yaml does it for you)
# Configuration comes from the environment (WARTA_*, see the README); nothing secret is
# baked into the image (.dockerignore keeps .env out).
#
# Debian 13 (trixie) base on purpose: its postgresql-client is PostgreSQL 17, and
# pg_dump refuses servers newer than itself, so it can back up the postgres:16 of
# compose.yaml (Debian 12's client is 15 and could not).
ARG PYTHON_IMAGE=python:3.12-slim-trixie

# --- build: install warta and its dependencies into a virtual environment ---
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# Only what the package is built from (README.md is its long description).
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY publisher ./publisher
# Every dependency ships wheels for CPython 3.12 on x86-64, so no compiler is needed
# (on another architecture, add build-essential here if pip has to compile one). The
# postgres extra adds asyncpg.
RUN python -m venv /opt/warta \
 && /opt/warta/bin/pip install --no-cache-dir ".[postgres]"

# --- runtime ---
FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="warta" \
      org.opencontainers.image.description="Telegram bot that runs a government office's SOP for publishing information (SOP WASDA 006)" \
      org.opencontainers.image.licenses="MIT"

# pg_dump for `warta backup` with PostgreSQL: the backup runs inside this container
# (docker compose exec warta warta backup ...) and dumps from a snapshot warta's own
# transaction exports, so the tool must be here. Worth its few megabytes; SQLite
# backups need nothing.
# Not pinned: Debian's stable updates of one major version are what we want.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*

# A fixed uid/gid, so a bind-mounted host folder can be chowned to it (chown 10001:10001).
RUN groupadd --system --gid 10001 warta \
 && useradd --system --uid 10001 --gid warta --home-dir /data --no-create-home \
            --shell /usr/sbin/nologin warta \
 && install -d -o warta -g warta -m 0750 /data \
 && install -d -o warta -g warta -m 0755 /site

COPY --from=build /opt/warta /opt/warta

ENV PATH=/opt/warta/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    WARTA_DATA_DIR=/data

# The working folder holds nothing; warta would read a .env here if one were mounted.
WORKDIR /app
# Database (SQLite), media originals, heartbeat, and the site unless WARTA_SITE_DIR
# points elsewhere (compose.yaml puts it in /site, a volume of its own that a web server
# may read without seeing the originals). /site is made above so a named volume mounted
# there belongs to warta.
VOLUME ["/data"]

# Numeric, so a runtime can tell it is not root without reading /etc/passwd.
USER 10001:10001

# `warta health` exits 0 while the running bot's heartbeat file in the data folder is
# fresh (it is touched every 30 s), 1 otherwise.
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["warta", "health"]

ENTRYPOINT ["warta"]
CMD ["run"]
