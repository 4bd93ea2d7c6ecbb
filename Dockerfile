# Production-style image for the web server (gunicorn) and the Celery worker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    LANG=C.UTF-8 \
    KYOGIKAI_VAR_DIR=/app/var

# Japanese fonts and WeasyPrint's runtime libraries (PDF generation).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-ipaexfont libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first (cached while only the code changes): the exact runtime versions of
# requirements.lock (scripts/lock writes it from pyproject.toml); the project itself installs no packages.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .
RUN useradd --system --uid 1000 --home-dir /app app \
    && mkdir -p /app/var \
    && chown -R app:app /app/var
USER app

EXPOSE 8000
# Workers: gunicorn reads WEB_CONCURRENCY; 2 sync workers per 2 cores measured best (docs/benchmarks.md, pages).
ENV WEB_CONCURRENCY=2
CMD ["gunicorn", "config.wsgi", "-b", "0.0.0.0:8000"]
