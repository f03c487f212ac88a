# sourced-claims: the API on the embedded SQLite store, filled from fixtures on first start.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 10001 claims

# Dependencies first, so code edits reuse the cached layer.
COPY pyproject.toml README.md ./
COPY api ./api
COPY models ./models
RUN pip install ".[postgres]"

COPY fixtures ./fixtures
COPY seeds ./seeds
RUN mkdir -p /app/data && chown claims:claims /app/data

USER claims
ENV CLAIMS_DATABASE_URL=sqlite:////app/data/claims.db \
    CLAIMS_FIXTURES_DIR=/app/fixtures
VOLUME ["/app/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2).status != 200)"]

CMD ["claims", "serve", "--host", "0.0.0.0", "--port", "8000"]
