# sourced-claims: the API on the embedded SQLite store, filled from fixtures on first start.
# Pinned to bookworm: the entrypoint drops root with util-linux's `setpriv`.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 10001 claims

# Dependencies first, from pyproject.toml alone: an edit to the code reuses this layer,
# and only a change to the dependencies reinstalls them.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['postgres']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt

# Then the code, without touching the dependencies again.
COPY README.md ./
COPY models ./models
COPY api ./api
RUN pip install --no-deps .

COPY fixtures ./fixtures
COPY seeds ./seeds
RUN mkdir -p /app/data && chown claims:claims /app/data

# The store lives in /app/data: mount a named volume or a host folder there to keep it
# (no VOLUME line, which would leave an anonymous volume behind every container).
ENV CLAIMS_DATABASE_URL=sqlite:////app/data/claims.db \
    CLAIMS_FIXTURES_DIR=/app/fixtures
EXPOSE 8000

# Started as root only to make a mounted /app/data writable by `claims`, then runs the
# command as `claims`. With `docker run --user UID:GID`, it runs the command as that user.
ENTRYPOINT ["/bin/sh", "-c", "if [ \"$(id -u)\" = 0 ]; then chown claims:claims /app/data && exec setpriv --reuid=claims --regid=claims --init-groups -- \"$@\"; fi; exec \"$@\"", "entrypoint"]

HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2).status != 200)"]

CMD ["claims", "serve", "--host", "0.0.0.0", "--port", "8000"]
