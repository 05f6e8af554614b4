# weframe: the web app in one image. Stateless: every rehearsal lives in the database
# (PostgreSQL through DATABASE_URL when there are several replicas; see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv/weframe

# Only what the app needs at run time. The package is installed in editable mode on purpose:
# app/paths.py finds data/ and alembic/ beside the app/ folder.
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY data ./data
COPY alembic ./alembic
RUN pip install -e . \
    && useradd --system --uid 10001 --home-dir /srv/weframe weframe \
    && mkdir -p /srv/weframe/var \
    && chown weframe /srv/weframe/var

USER weframe
ENV WEFRAME_DATA_DIR=/srv/weframe/var
EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=4s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3).status == 200 else 1)"]

# `weframe serve` checks the data files, applies migrations, then runs uvicorn with
# WEFRAME_WORKERS worker processes.
CMD ["weframe", "serve", "--host", "0.0.0.0", "--port", "8000"]
