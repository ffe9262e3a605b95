# Vägvisare: the service on its embedded default (SQLite under /app/data), or PostgreSQL via VAGVISARE_DATABASE_URL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VAGVISARE_DATA_DIR=/app/data \
    VAGVISARE_ADMIN_HOST=0.0.0.0

WORKDIR /app
COPY pyproject.toml README.md ./
COPY vagvisare ./vagvisare
COPY content ./content
COPY translations ./translations
COPY bot ./bot
COPY admin ./admin
COPY migrations ./migrations
RUN pip install --no-cache-dir . \
    && useradd --system --home-dir /app --shell /usr/sbin/nologin vagvisare \
    && mkdir -p /app/data && chown vagvisare /app/data

USER vagvisare
VOLUME /app/data
EXPOSE 8080
CMD ["vagvisare", "run"]
