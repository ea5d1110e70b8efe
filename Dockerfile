# syntax=docker/dockerfile:1
# The scoring service, built from the locked dependencies (uv.lock). Not built on the project's
# machines (no Docker engine there); linted with hadolint in `make test`.

FROM python:3.11-slim-bookworm AS build
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
RUN pip install --no-cache-dir "uv==0.13.9"
WORKDIR /app
# Dependencies first (cached layer), then the project itself.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-default-groups --extra postgres --no-install-project
COPY umkm ./umkm
COPY data ./data
COPY models ./models
COPY allocation ./allocation
COPY service ./service
COPY training ./training
RUN uv sync --frozen --no-default-groups --extra postgres

FROM python:3.11-slim-bookworm AS runtime
RUN groupadd --system --gid 10001 umkm && useradd --system --uid 10001 --gid umkm --home-dir /app --no-create-home umkm
WORKDIR /app
COPY --from=build --chown=10001:10001 /app /app
# The SQLite program store (lists issued, outcomes) lives on a volume, not in the container;
# set UMKM_DATABASE_URL to PostgreSQL (the image has its driver) for more than one replica.
RUN mkdir -p /app/state && chown 10001:10001 /app/state
VOLUME ["/app/state"]
ENV PATH="/app/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    UMKM_MODEL_URI="models:/umkm-uplift@champion" \
    UMKM_DATABASE_URL="sqlite:////app/state/umkm.db"
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]
CMD ["umkm", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
