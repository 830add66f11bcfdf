#!/usr/bin/env bash
# Builds PostgreSQL's own `regression` database (the corpus pg_upgrade's tests dump to prove pg_dump) on Debian's
# postgresql-15 server and leaves that server running on 127.0.0.1 for PostgresRegressionCorpusIT.
# Run as root on Debian 12. Idempotent: seconds when the database is built (a stopped server is restarted).
# Prints the connection settings and writes them to $CACHE/regression.env (sourceable shell assignments).
#
#   DBBACKUP_REGRESSION_DIR   cache folder (source, module, cluster, logs); default /var/cache/dbbackup-regression
#   DBBACKUP_REGRESSION_PORT  server port on 127.0.0.1; default 54315
set -euo pipefail

PG_MAJOR=15
# The regression suite is the same across minor versions; Debian serves this source (newer security sources 404).
PG_SOURCE_VERSION=15.18-0+deb12u1
CACHE=${DBBACKUP_REGRESSION_DIR:-/var/cache/dbbackup-regression}
PORT=${DBBACKUP_REGRESSION_PORT:-54315}
SERVER_USER=dbbackup-pg
BIN=/usr/lib/postgresql/$PG_MAJOR/bin
PG_REGRESS=/usr/lib/postgresql/$PG_MAJOR/lib/pgxs/src/test/regress/pg_regress
DATA=$CACHE/data
ENV_FILE=$CACHE/regression.env
BUILT=$CACHE/regression.built
TIMINGS=$CACHE/timings.txt

log() { printf 'pg-regression-db: %s\n' "$*" >&2; }
die() { printf 'error: pg-regression-db: %s\n' "$1" >&2; [ -z "${2:-}" ] || printf 'hint: %s\n' "$2" >&2; exit 1; }
as_server() { setpriv --reuid="$SERVER_USER" --regid="$SERVER_USER" --init-groups -- "$@"; }
psql_server() { "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }
step_started=0
step() { step_started=$SECONDS; log "$1"; }
step_done() { local took=$((SECONDS - step_started)); log "$1: ${took}s"; printf '%s %ss\n' "$1" "$took" >>"$TIMINGS"; }

[ "$(id -u)" = 0 ] || die "must run as root (it installs packages and creates the system user $SERVER_USER)" \
  "run it with sudo, or as root in CI"

write_env() {
  cat >"$ENV_FILE" <<EOF
PGHOST=127.0.0.1
PGPORT=$PORT
PGUSER=postgres
PGDATABASE=regression
DATABASE_URL=postgresql://postgres@127.0.0.1:$PORT/regression
REGRESSION_PG_MAJOR=$PG_MAJOR
REGRESSION_PG_BIN=$BIN
REGRESSION_DATA=$DATA
REGRESSION_LOG=$CACHE/out/server.log
EOF
  chmod 0644 "$ENV_FILE"
  cat "$ENV_FILE"
}

server_running() { [ -f "$DATA/PG_VERSION" ] && as_server "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

# The server must not inherit the lock (fd 9): it would hold it for its whole life and block every later run.
start_server() {
  as_server "$BIN/pg_ctl" -D "$DATA" -l "$CACHE/out/server.log" -w -t 120 start >/dev/null 9>&- \
    || die "the server did not start; see $CACHE/out/server.log" "remove $CACHE to rebuild from scratch"
}

# A server started before the package was upgraded cannot load the new plpgsql.so: restart it then.
ensure_server_current() {
  if ! server_running; then
    start_server
  elif ! psql_server -d postgres -c 'DO $$BEGIN NULL; END$$' >/dev/null 2>&1; then
    log "server cannot run PL/pgSQL (package upgraded under it?): restarting"
    as_server "$BIN/pg_ctl" -D "$DATA" -m fast -w restart >/dev/null 9>&-
  fi
}

# One run at a time (test JVMs of several checkouts may call this at once); a second run waits for the build.
mkdir -p "$CACHE"
chmod 0755 "$CACHE"
exec 9>"$CACHE/.lock"
flock 9

# Fast path: built and (re)started.
if [ -f "$BUILT" ] && [ -x "$BIN/pg_ctl" ] && [ -f "$DATA/PG_VERSION" ]; then
  ensure_server_current
  write_env
  exit 0
fi

: >"$TIMINGS"
started=$SECONDS

# 1. A deb-src entry for every Debian entry of this machine's own apt sources (no host name of ours).
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:?}")
src_list=/etc/apt/sources.list.d/dbbackup-deb-src.sources
src_dir=$( (find "$CACHE/src" -maxdepth 1 -type d -name "postgresql-$PG_MAJOR-*" 2>/dev/null || true) | head -n 1)
if [ -z "$src_dir" ]; then
  step "apt sources: deriving deb-src entries"
  {
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] && [ "$f" != "$src_list" ] || continue
      # deb822 stanzas: keep enabled `deb` stanzas of this release's suites, as `deb-src`.
      awk -v codename="$codename" '
        function flush() {
          if (stanza != "" && types ~ /(^| )deb( |$)/ && suites ~ ("(^| )" codename "([- ]|$)") && enabled != "no")
            printf "%s\n", stanza
          stanza = ""; types = ""; suites = ""; enabled = ""
        }
        /^[[:space:]]*$/ { flush(); next }
        /^#/ { next }
        /^Types:/ { types = $0; sub(/^Types:[[:space:]]*/, "", types); stanza = stanza "Types: deb-src\n"; next }
        /^Suites:/ { suites = $0; sub(/^Suites:[[:space:]]*/, "", suites) }
        /^Enabled:/ { enabled = tolower($2) }
        { stanza = stanza $0 "\n" }
        END { flush() }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -f "$f" ] || continue
      # one-line entries: `deb [options] uri suite components` of this release, as `deb-src`.
      awk -v codename="$codename" '
        $1 == "deb" {
          i = 2; opts = ""
          if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) { opts = opts " " $i; i++ } opts = opts " " $i; i++ }
          uri = $i; suite = $(i + 1); comps = ""
          for (j = i + 2; j <= NF; j++) comps = comps " " $j
          if (suite ~ ("^" codename "(-|$)")) {
            sub(/^ \[/, "", opts); sub(/\]$/, "", opts); gsub(/=/, ": ", opts)
            printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents:%s\n", uri, suite, comps
            if (opts ~ /signed-by/) { sub(/.*signed-by: /, "", opts); sub(/ .*/, "", opts); printf "Signed-By: %s\n", opts }
            printf "\n"
          }
        }' "$f"
    done
  } >"$src_list.new"
  [ -s "$src_list.new" ] || { rm -f "$src_list.new"; die "no Debian $codename entry in the apt sources to derive a deb-src entry from" \
    "add a deb-src entry for Debian $codename to /etc/apt/sources.list.d, then rerun"; }
  mv "$src_list.new" "$src_list"
  step_done "apt sources"

  step "apt-get update"
  apt-get update -qq
  step_done "apt-get update"
fi

# 2. Packages: the server, its headers and PGXS (for the suite's C module), pg_regress (client package), a compiler.
step "apt-get install postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR"
server_version_before=$(dpkg-query -W -f '${Version}' "postgresql-$PG_MAJOR" 2>/dev/null || true)
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR" "postgresql-client-$PG_MAJOR" gcc make dpkg-dev >/dev/null \
  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR" "postgresql-client-$PG_MAJOR" gcc make dpkg-dev >/dev/null; }
server_version_after=$(dpkg-query -W -f '${Version}' "postgresql-$PG_MAJOR")
step_done "apt-get install"
[ -x "$PG_REGRESS" ] || die "$PG_REGRESS is missing" "install postgresql-client-$PG_MAJOR"

# 3. The regression suite's sources (SQL, expected output, data files, regress.c).
if [ -z "$src_dir" ]; then
  step "apt-get source postgresql-$PG_MAJOR=$PG_SOURCE_VERSION"
  rm -rf "$CACHE/src" && mkdir -p "$CACHE/src"
  (cd "$CACHE/src" && apt-get source -qq "postgresql-$PG_MAJOR=$PG_SOURCE_VERSION" >/dev/null 2>"$CACHE/src.log") \
    || die "apt-get source postgresql-$PG_MAJOR=$PG_SOURCE_VERSION failed; see $CACHE/src.log" \
      "check that the machine's Debian mirror serves source packages (deb-src)"
  src_dir=$(find "$CACHE/src" -maxdepth 1 -type d -name "postgresql-$PG_MAJOR-*" | head -n 1)
  [ -n "$src_dir" ] || die "apt-get source left no postgresql-$PG_MAJOR-* folder in $CACHE/src"
  step_done "apt-get source"
fi
regress_src=$src_dir/src/test/regress

# 4. The suite's C module (regress.so) with PGXS; the contrib modules it loads too (refint, autoinc) sit beside it.
step "building regress.so"
lib=$CACHE/lib
rm -rf "$lib" && mkdir -p "$lib/build"
cp "$regress_src/regress.c" "$lib/build/"
cat >"$lib/build/Makefile" <<'EOF'
MODULES = regress
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
EOF
make -s -C "$lib/build" PG_CONFIG="$BIN/pg_config" with_llvm=no >"$CACHE/build.log" 2>&1 \
  || die "building regress.so failed; see $CACHE/build.log"
cp "$lib/build/regress.so" "$lib/"
pkglib=$("$BIN/pg_config" --pkglibdir)
for module in refint autoinc; do
  ln -sf "$pkglib/$module.so" "$lib/$module.so"
done
step_done "building regress.so"

# 5. A cluster of our own, as a system user (initdb refuses root), on 127.0.0.1 only.
if ! id -u "$SERVER_USER" >/dev/null 2>&1; then
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$SERVER_USER"
fi
step "initdb and start"
if server_running; then
  as_server "$BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null || true
fi
rm -rf "$DATA" "$CACHE/run" "$CACHE/out"
mkdir -p "$DATA" "$CACHE/run" "$CACHE/out"
chown "$SERVER_USER:$SERVER_USER" "$DATA" "$CACHE/run" "$CACHE/out"
chmod 0700 "$DATA"
chown -R "$SERVER_USER:$SERVER_USER" "$src_dir"
as_server "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$CACHE/initdb.log" 2>&1 \
  || die "initdb failed; see $CACHE/initdb.log"
cat >>"$DATA/postgresql.conf" <<EOF
# dbbackup regression corpus: a throwaway test server
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$CACHE/run'
fsync = off
synchronous_commit = off
full_page_writes = off
max_prepared_transactions = 10
max_connections = 150
EOF
[ "$server_version_before" = "$server_version_after" ] || log "postgresql-$PG_MAJOR $server_version_before -> $server_version_after"
start_server
step_done "initdb and start"

# 6. The regression suite into a database `regression` that we create; test failures are expected and ignored.
step "pg_regress parallel schedule"
psql_server -d postgres -c 'CREATE DATABASE regression'
set +e
(cd "$CACHE/out" && as_server env PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER=postgres "$PG_REGRESS" \
  --use-existing --dbname=regression --host=127.0.0.1 --port="$PORT" --user=postgres \
  --bindir="$BIN" --dlpath="$lib" --inputdir="$regress_src" --outputdir="$CACHE/out" \
  --schedule="$regress_src/parallel_schedule" >"$CACHE/regress.log" 2>&1)
regress_status=$?
set -e
summary=$( (grep -Eo '([0-9]+ of [0-9]+ tests failed|All [0-9]+ tests passed)' "$CACHE/regress.log" || true) | head -n 1)
psql_server -d regression -c 'SELECT 1' >/dev/null \
  || die "the regression database is not usable after pg_regress; see $CACHE/regress.log"
step_done "pg_regress"
log "pg_regress exit $regress_status: ${summary:-see $CACHE/regress.log}"

psql_server -d regression -c 'VACUUM ANALYZE' >/dev/null
printf 'built %s; pg_regress exit %s; %s\n' "$(date -u +%FT%TZ)" "$regress_status" "$summary" >"$BUILT"
log "total: $((SECONDS - started))s (timings in $TIMINGS)"
write_env
