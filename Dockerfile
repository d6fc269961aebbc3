# The ingest service image: one image for every app service in docker-compose.yml
# (migrate, worker, poller, ui); each runs a different `ingest` command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    INGEST_DATA_DIR=/data

WORKDIR /app

# Dependencies and package in one step: psycopg[binary] and the rest come as wheels, no compiler needed.
# README* rather than README.md: pyproject names it as the readme, and a missing one must not break the build.
COPY pyproject.toml README* ./
COPY ingest ./ingest
COPY review_ui ./review_ui
RUN pip install . \
    && useradd --system --create-home --uid 10001 --user-group ingest \
    && mkdir -p /data \
    && chown ingest:ingest /data

# /data is created owned by `ingest` so that a fresh named volume mounted there inherits it.
USER ingest
WORKDIR /home/ingest

EXPOSE 8000
CMD ["ingest", "--help"]
