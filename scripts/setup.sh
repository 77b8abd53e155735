#!/usr/bin/env bash
# Prepares a fresh Debian machine for gpuq and is safe to run again: pnpm at the version
# package.json pins, the workspace's dependencies, the system packages the build and tests use,
# and reachable Redis and Postgres (the running ones, else the installed ones started, else
# installed with apt when run as root; otherwise it stops with the exact command to run).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

REDIS_URL_FOR_TESTS=${TEST_REDIS_URL:-redis://127.0.0.1:6379}
DATABASE_URL_FOR_TESTS=${TEST_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}

# --- Node.js -----------------------------------------------------------------------------------
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
  || die "Node.js >= 20.19 is required (found $(node --version 2>/dev/null || echo none))"

# --- system packages -----------------------------------------------------------------------------
# command -> Debian package that provides it.
declare -A PROVIDER=(
  [redis-server]=redis-server
  [redis-sentinel]=redis-sentinel # the Sentinel topology tests
  [openssl]=openssl # throwaway certificates for the Redis TLS tests
  [psql]=postgresql-client
  [pg_ctlcluster]=postgresql
  [cmake]=cmake
  [g++]=g++
  [make]=make
  [ccache]=ccache
  [ffmpeg]=ffmpeg # @gpuq/media: H.264 encode (libx264) and ffprobe
  [ffprobe]=ffmpeg
  [chromium]=chromium
  [pgbouncer]=pgbouncer # tests of Postgres through a transaction pooler
)
missing=()
for command in "${!PROVIDER[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${PROVIDER[$command]}")
done
# Libraries the native engine links (no command to look for): OpenBLAS for sgemm, zlib for PNGs.
for library in libopenblas-dev zlib1g-dev; do
  dpkg-query -W -f='${Status}' "$library" 2>/dev/null | grep -q 'install ok installed' || missing+=("$library")
done
if [ ${#missing[@]} -gt 0 ]; then
  if is_root && command -v apt-get >/dev/null; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    die "missing system packages; run: sudo apt-get install -y ${missing[*]}"
  fi
fi

# --- pnpm --------------------------------------------------------------------------------------
want_pnpm=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$want_pnpm" ]; then
  log "installing pnpm $want_pnpm"
  npm install -g --silent "pnpm@$want_pnpm" || die "could not install pnpm; run: npm install -g pnpm@$want_pnpm"
fi

# --- Redis -------------------------------------------------------------------------------------
if ! redis-cli -u "$REDIS_URL_FOR_TESTS" ping >/dev/null 2>&1; then
  port=$(node -e "console.log(new URL(process.argv[1]).port || 6379)" "$REDIS_URL_FOR_TESTS")
  log "starting redis-server on port $port"
  mkdir -p /tmp/gpuq-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
    --maxmemory-policy noeviction --dir /tmp/gpuq-redis --logfile /tmp/gpuq-redis/redis.log
  for _ in $(seq 50); do redis-cli -u "$REDIS_URL_FOR_TESTS" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -u "$REDIS_URL_FOR_TESTS" ping >/dev/null 2>&1 || die "Redis is not reachable at $REDIS_URL_FOR_TESTS"
fi

# --- Postgres ----------------------------------------------------------------------------------
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  cluster_version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  [ -n "$cluster_version" ] || die "no Postgres cluster found; run: sudo apt-get install -y postgresql"
  log "starting Postgres $cluster_version"
  pg_ctlcluster --skip-systemctl-redirect "$cluster_version" main start \
    || die "could not start Postgres; run: sudo pg_ctlcluster $cluster_version main start"
  for _ in $(seq 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
fi
if ! psql "$DATABASE_URL_FOR_TESTS" -qAtc 'select 1' >/dev/null 2>&1; then
  # A stock Debian cluster asks for a password on TCP: give postgres the one the tests use.
  if is_root && command -v su >/dev/null; then
    log "setting the postgres role's password for local TCP logins"
    su postgres -c "psql -qc \"alter user postgres password 'postgres'\"" >/dev/null
  fi
  psql "$DATABASE_URL_FOR_TESTS" -qAtc 'select 1' >/dev/null 2>&1 \
    || die "cannot log in to Postgres as $DATABASE_URL_FOR_TESTS; set TEST_DATABASE_URL to a superuser connection string"
fi

# --- workspace -----------------------------------------------------------------------------------
log "installing workspace dependencies"
pnpm install --frozen-lockfile --reporter=append-only 2>&1 | tail -n 3
log "ready"
