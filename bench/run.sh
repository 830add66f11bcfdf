#!/usr/bin/env bash
# Benchmark of dbbackup against the stock tools, on deterministic datasets. Not part of the tests.
#
#   bench/run.sh                       # ~1 GB SQLite database, 3 repetitions, writes bench/RESULTS.md
#   bench/run.sh --size small          # ~64 MB: a quick run
#   bench/run.sh --size 2048 --reps 5  # size in MB of the SQLite file
#   BENCH_PG_URL=postgresql://postgres:pw@localhost:5432/postgres bench/run.sh   # adds PostgreSQL
#   bench/run.sh --only memory         # peak RSS of dbbackup alone on 100 MB and 2 GB databases (bench/MEMORY.md)
#
# Options: --size small|medium|large|MB  --reps N  --work DIR  --skip-build  --only sqlite|pg|pipeline|startup|memory
#          --keep (keep the work folder)  --out FILE (default bench/RESULTS.md; bench/MEMORY.md for --only memory)
#          --memory-sizes "MB MB" (default "100 2048")
# Environment: BENCH_PG_URL (a role that may CREATE DATABASE; the databases dbbackup_bench,
#          dbbackup_bench_restore and, for the start-up part, dbbackup_bench_tiny(_restore) are dropped and
#          re-created), BENCH_JAVA_OPTS (JVM options for dbbackup).
# Needs: java 17+, sqlite3, gzip, zstd, GNU time (/usr/bin/time, Debian package 'time'), awk;
#        pg_dump/psql of the server's major version for the PostgreSQL part.
# See docs/performance.md for what is measured and how to read it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZE_MB=1024
REPS=3
WORK=${TMPDIR:-/tmp}/dbbackup-bench
SKIP_BUILD=0
ONLY=all
KEEP=0
OUT=
SMALL_MB=100
MEMORY_SIZES="100 2048"
VARIANT_REPS=1

while [ $# -gt 0 ]; do
  case "$1" in
    --size)
      case "$2" in
        small) SIZE_MB=64 ;; medium) SIZE_MB=256 ;; large) SIZE_MB=2048 ;;
        *[!0-9]*|'') echo "--size takes small, medium, large or a number of MB" >&2; exit 2 ;;
        *) SIZE_MB=$2 ;;
      esac
      shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --only) ONLY=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --out) OUT=$2; shift 2 ;;
    --memory-sizes) MEMORY_SIZES=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ -z "$OUT" ]; then
  if [ "$ONLY" = memory ]; then OUT=$ROOT/bench/MEMORY.md; else OUT=$ROOT/bench/RESULTS.md; fi
fi

for tool in java sqlite3 gzip zstd awk; do
  command -v "$tool" >/dev/null || { echo "bench needs $tool on PATH" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "bench needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }

JAR=$ROOT/target/quarkus-app/quarkus-run.jar
if [ "$SKIP_BUILD" = 0 ]; then
  echo "== building dbbackup"
  if [ -x "$ROOT/mvnw" ]; then (cd "$ROOT" && ./mvnw -B -q package -DskipTests); else (cd "$ROOT" && mvn -B -q package -DskipTests); fi
fi
[ -f "$JAR" ] || { echo "no $JAR: build first (or drop --skip-build)" >&2; exit 2; }
JAVA_OPTS=${BENCH_JAVA_OPTS:-}
# The launcher, as users run it (its JVM defaults: serial GC, 16 MB initial heap); BENCH_JAVA_OPTS is added last.
DBBACKUP="$ROOT/dbbackup"
if [ -n "$JAVA_OPTS" ]; then export DBBACKUP_JAVA_OPTS=$JAVA_OPTS; fi

mkdir -p "$WORK"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
RESULTS=$WORK/results.tsv
: > "$RESULTS"
NOTES=$WORK/notes.txt
rm -f "$WORK/pipeline.tsv"
: > "$NOTES"
[ "$KEEP" = 1 ] || trap 'rm -rf "$WORK/run"' EXIT
mkdir -p "$WORK/run"

# The memory check (two sizes, dbbackup alone) runs only when asked for: --only memory.
want() { [ "$1" != memory ] && [ "$ONLY" = all ] || [ "$ONLY" = "$1" ]; }

# One run of a case: its wall time, CPU seconds and peak RSS are appended to $WORK/run/cases/KEY. False if it failed.
run_case() { # KEY NAME PREPARE COMMAND
  local key=$1 name=$2 prepare=$3 command=$4 t r u s
  bash -c "$prepare"
  if ! /usr/bin/time -f "%e %M %U %S" -o "$WORK/run/time" bash -c "$command" >"$WORK/run/cmd.out" 2>&1; then
    echo "   $name FAILED:" >&2; tail -5 "$WORK/run/cmd.out" >&2
    return 1
  fi
  read -r t r u s < <(tail -1 "$WORK/run/time")
  printf '%s %s %s\n' "$t" "$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.2f", u + s}')" "$r" >>"$WORK/run/cases/$key"
}

# The row of a case from its runs: median time and CPU, largest RSS, size of OUTPUT (a glob, or -).
report_case() { # KEY GROUP NAME REF OUTPUT
  local key=$1 group=$2 name=$3 ref=$4 output=$5 median cpu rss size=-
  median=$(awk '{print $1}' "$WORK/run/cases/$key" | sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
  cpu=$(awk '{print $2}' "$WORK/run/cases/$key" | sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
  rss=$(awk '$3 > m {m = $3} END {print m + 0}' "$WORK/run/cases/$key")
  if [ "$output" != - ]; then
    # shellcheck disable=SC2086
    size=$(stat -c %s $output 2>/dev/null | head -1 || echo -)
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$group" "$name" "$median" "$size" "$rss" "$ref" "$cpu" >>"$RESULTS"
  printf '   %-58s %8ss  cpu %7ss  %12s B  %7s KB RSS  (runs: %s)\n' "$name" "$median" "$cpu" "$size" "$rss" \
    "$(awk '{printf "%s%s", (NR > 1 ? " " : ""), $1}' "$WORK/run/cases/$key")"
}

failed_case() { # GROUP NAME REF
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "failed" "-" "-" "$3" "-" >>"$RESULTS"
}

CASES=0
# measure GROUP NAME REFERENCE PREPARE COMMAND OUTPUT_FILE
#   runs PREPARE (untimed) then COMMAND under /usr/bin/time REPS times; records the median seconds,
#   the size of OUTPUT_FILE (or -) and the largest peak RSS of any one process in the command.
measure() {
  local group=$1 name=$2 ref=$3 prepare=$4 command=$5 output=$6
  local reps=${7:-$REPS} i key
  key=$((CASES += 1))
  mkdir -p "$WORK/run/cases"; rm -f "$WORK/run/cases/$key"
  for ((i = 1; i <= reps; i++)); do
    run_case "$key" "$name" "$prepare" "$command" || { failed_case "$group" "$name" "$ref"; return 0; }
  done
  report_case "$key" "$group" "$name" "$ref" "$output"
}

# A reference and ours, run in turn (reference first in odd rounds, ours first in even ones), so that a machine or
# server that drifts during the run (checkpoints, autovacuum, other load) weighs on both alike.
measure_pair() { # GROUP REF_NAME REF_PREPARE REF_COMMAND REF_OUTPUT OUR_NAME OUR_PREPARE OUR_COMMAND OUR_OUTPUT
  local group=$1 rname=$2 rprep=$3 rcmd=$4 rout=$5 oname=$6 oprep=$7 ocmd=$8 oout=$9 i rkey okey rok=true ook=true
  rkey=$((CASES += 1)); okey=$((CASES += 1))
  mkdir -p "$WORK/run/cases"; rm -f "$WORK/run/cases/$rkey" "$WORK/run/cases/$okey"
  for ((i = 1; i <= REPS; i++)); do
    if ((i % 2)); then
      $rok && { run_case "$rkey" "$rname" "$rprep" "$rcmd" || rok=false; }
      $ook && { run_case "$okey" "$oname" "$oprep" "$ocmd" || ook=false; }
    else
      $ook && { run_case "$okey" "$oname" "$oprep" "$ocmd" || ook=false; }
      $rok && { run_case "$rkey" "$rname" "$rprep" "$rcmd" || rok=false; }
    fi
  done
  if $rok; then report_case "$rkey" "$group" "$rname" "" "$rout"; else failed_case "$group" "$rname" ""; fi
  if $ook; then report_case "$okey" "$group" "$oname" "$rname" "$oout"; else failed_case "$group" "$oname" "$rname"; fi
}

make_sqlite() { # MB FILE
  local mb=$1 file=$2 scale
  scale=$(( (mb * 5 + 3) / 4 ))
  if [ -f "$file" ] && [ "$(cat "$file.scale" 2>/dev/null)" = "$scale" ]; then return; fi
  echo "== building the SQLite dataset: ~$mb MB ($file)"
  rm -f "$file"
  sed "s/:SCALE:/$scale/g" "$ROOT/bench/sqlite-dataset.sql" | sqlite3 "$file" >/dev/null
  echo "$scale" > "$file.scale"
}

sqlite_cases() { # LABEL DB
  local label=$1 db=$2 dir=$WORK/run/sq
  local ours="$DBBACKUP backup --database-url sqlite:///$db --backup-dir $dir/backups --type daily -q"
  echo "-- SQLite $label: $(stat -c %s "$db") bytes"
  rm -rf "$dir"; mkdir -p "$dir"
  measure_pair "sqlite-$label backup" "sqlite3 .dump | gzip -6" "rm -f $dir/ref.sql.gz" \
    "sqlite3 $db .dump | gzip -6 > $dir/ref.sql.gz" "$dir/ref.sql.gz" \
    "dbbackup backup (gzip:6, all cores, default)" "rm -rf $dir/backups" "$ours" "$dir/backups/daily/*.sql.gz"
  if [ "$label" = main ]; then
    measure "sqlite-$label backup" "dbbackup backup, plain java -jar (JVM ergonomics: G1)" "sqlite3 .dump | gzip -6" "rm -rf $dir/backups" \
      "java -jar $JAR backup --database-url sqlite:///$db --backup-dir $dir/backups --type daily -q" \
      "$dir/backups/daily/*.sql.gz" "$VARIANT_REPS"
    measure "sqlite-$label backup" "dbbackup backup gzip:6 on 1 thread" "sqlite3 .dump | gzip -6" "rm -rf $dir/backups" \
      "BACKUP_COMPRESSION_THREADS=1 $ours" "$dir/backups/daily/*.sql.gz" "$VARIANT_REPS"
    measure "sqlite-$label backup" "dbbackup backup gzip:1" "sqlite3 .dump | gzip -6" "rm -rf $dir/backups" \
      "BACKUP_COMPRESSION=gzip:1 $ours" "$dir/backups/daily/*.sql.gz" "$VARIANT_REPS"
    measure "sqlite-$label backup" "sqlite3 .dump | zstd -3 -T0" "" "rm -f $dir/ref.sql.zst" \
      "sqlite3 $db .dump | zstd -q -3 -T0 > $dir/ref.sql.zst" "$dir/ref.sql.zst" "$VARIANT_REPS"
    measure "sqlite-$label backup" "dbbackup backup zstd:3" "sqlite3 .dump | zstd -3 -T0" "rm -rf $dir/backups" \
      "BACKUP_COMPRESSION=zstd:3 $ours" "$dir/backups/daily/*.sql.zst" "$VARIANT_REPS"
  fi
  # restore: the reference file for the stock tools, our own backup (with its manifest) for dbbackup
  rm -rf "$dir/backups"; bash -c "$ours" >/dev/null 2>&1
  local file
  file=$(ls "$dir"/backups/daily/*.sql.gz)
  measure_pair "sqlite-$label restore" "gunzip -c | sqlite3" "rm -f $dir/ref-target.db" \
    "gunzip -c $dir/ref.sql.gz | sqlite3 $dir/ref-target.db" "$dir/ref-target.db" \
    "dbbackup restore (validate, restore, check)" "rm -f $dir/target.db $dir/target.db.bak" \
    "$DBBACKUP restore $file --backup-dir $dir/backups --database-url sqlite:///$dir/target.db --yes -q" "$dir/target.db"
  if [ "$label" = main ]; then
    measure "sqlite-$label restore" "dbbackup restore, plain java -jar (JVM ergonomics: G1)" "gunzip -c | sqlite3" \
      "rm -f $dir/target.db $dir/target.db.bak" \
      "java -jar $JAR restore $file --backup-dir $dir/backups --database-url sqlite:///$dir/target.db --yes -q" \
      "$dir/target.db" "$VARIANT_REPS"
  fi
}

# ---- start-up
if want startup; then
  echo "== start-up (JVM mode)"
  mkdir -p "$WORK/run/tiny"
  sqlite3 "$WORK/run/tiny/tiny.db" "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t(v) VALUES ('a'),('b'),('c');"
  REPS_SAVED=$REPS; REPS=$(( REPS < 5 ? 5 : REPS ))
  measure "startup" "dbbackup --version" "" "true" "$DBBACKUP --version" -
  measure "startup" "dbbackup backup of a 3-row database" "" "rm -rf $WORK/run/tiny/b" \
    "$DBBACKUP backup --database-url sqlite:///$WORK/run/tiny/tiny.db --backup-dir $WORK/run/tiny/b -q" -
  measure "startup" "sqlite3 .dump | gzip of the same" "" "true" "sqlite3 $WORK/run/tiny/tiny.db .dump | gzip > /dev/null" -
  measure "startup" "dbbackup restore of that backup (SQLite)" "" "rm -f $WORK/run/tiny/r.db $WORK/run/tiny/r.db.bak" \
    "$DBBACKUP restore latest --backup-dir $WORK/run/tiny/b --database-url sqlite:///$WORK/run/tiny/r.db --yes -q" -
  if [ -n "${BENCH_PG_URL:-}" ] && command -v psql >/dev/null; then
    # the case of a PostgreSQL restore where start-up is all there is: 3 rows, into an empty database
    pg_base=${BENCH_PG_URL%/*}
    pg_query=""; case "$BENCH_PG_URL" in *\?*) pg_query="?${BENCH_PG_URL#*\?}" ;; esac
    psql "$BENCH_PG_URL" -q -c "DROP DATABASE IF EXISTS dbbackup_bench_tiny" -c "CREATE DATABASE dbbackup_bench_tiny"
    psql "$pg_base/dbbackup_bench_tiny$pg_query" -q -c "CREATE TABLE t(id int PRIMARY KEY, v text); INSERT INTO t VALUES (1,'a'),(2,'b'),(3,'c')"
    rm -rf "$WORK/run/tiny/pg"
    $DBBACKUP backup --database-url "$pg_base/dbbackup_bench_tiny$pg_query" --backup-dir "$WORK/run/tiny/pg" -q >/dev/null
    measure "startup" "dbbackup restore of a 3-row PostgreSQL backup" "" \
      "psql '$BENCH_PG_URL' -q -c 'DROP DATABASE IF EXISTS dbbackup_bench_tiny_restore' -c 'CREATE DATABASE dbbackup_bench_tiny_restore'" \
      "$DBBACKUP restore latest --backup-dir $WORK/run/tiny/pg --database-url '$pg_base/dbbackup_bench_tiny_restore$pg_query' --yes -q" -
    psql "$BENCH_PG_URL" -q -c "DROP DATABASE IF EXISTS dbbackup_bench_tiny" -c "DROP DATABASE IF EXISTS dbbackup_bench_tiny_restore"
  fi
  REPS=$REPS_SAVED
fi

# ---- SQLite
if want sqlite || want pipeline; then
  make_sqlite "$SIZE_MB" "$WORK/sqlite-$SIZE_MB.db"
fi
if want sqlite; then
  echo "== SQLite"
  sqlite_cases main "$WORK/sqlite-$SIZE_MB.db"
  if [ "$SIZE_MB" -gt "$SMALL_MB" ]; then
    make_sqlite "$SMALL_MB" "$WORK/sqlite-$SMALL_MB.db"
    REPS_SAVED=$REPS; REPS=1
    sqlite_cases small "$WORK/sqlite-$SMALL_MB.db"
    REPS=$REPS_SAVED
  fi
fi

# ---- compression stage alone
if want pipeline; then
  echo "== compression stage alone (no database; first 128 MB of the SQLite dump)"
  sqlite3 "$WORK/sqlite-$SIZE_MB.db" .dump | head -c $((128 << 20)) > "$WORK/run/sample.sql" || true
  CP="$ROOT/target/classes:$ROOT/target/quarkus-app/lib/main/*"
  java -Xmx256m -cp "$CP" "$ROOT/bench/PipelineBench.java" "$WORK/run/sample.sql" "$VARIANT_REPS" "$WORK/run" | tee "$WORK/pipeline.tsv" |
    awk -F'\t' '{printf "   %-45s %6ss cpu %6ss %7s MB/s  %11s B  ratio %5s  read back %5ss\n", $1, $2, $7, $3, $4, $5, $6}'
  for level in 1 6 9; do
    measure "pipeline stock" "gzip -$level (stock, 1 thread)" "" "true" "gzip -$level < $WORK/run/sample.sql > $WORK/run/s.gz" "$WORK/run/s.gz" "$VARIANT_REPS"
  done
  measure "pipeline stock" "zstd -3 -T0 (stock)" "" "true" "zstd -q -3 -T0 < $WORK/run/sample.sql > $WORK/run/s.zst" "$WORK/run/s.zst" "$VARIANT_REPS"
  rm -f "$WORK/run/s.gz" "$WORK/run/s.zst"
fi

# ---- PostgreSQL
if want pg && [ -n "${BENCH_PG_URL:-}" ]; then
  for tool in psql pg_dump pg_restore; do command -v "$tool" >/dev/null || { echo "the PostgreSQL part needs $tool" >&2; exit 2; }; done
  base=${BENCH_PG_URL%/*}
  query=""; case "$BENCH_PG_URL" in *\?*) query="?${BENCH_PG_URL#*\?}" ;; esac
  SRC="$base/dbbackup_bench$query"
  DST="$base/dbbackup_bench_restore$query"
  scale=$SIZE_MB
  if [ "$(psql "$SRC" -Atc "SELECT obj_description('public.events'::regclass)" 2>/dev/null)" != "scale=$scale" ]; then
    echo "== building the PostgreSQL dataset: ~$SIZE_MB MB"
    psql "$BENCH_PG_URL" -q -c "DROP DATABASE IF EXISTS dbbackup_bench" -c "CREATE DATABASE dbbackup_bench"
    sed "s/:SCALE:/$scale/g" "$ROOT/bench/postgres-dataset.sql" | psql "$SRC" -q -v ON_ERROR_STOP=1 >/dev/null
    psql "$SRC" -q -c "COMMENT ON TABLE events IS 'scale=$scale'"
  fi
  echo "-- PostgreSQL: $(psql "$SRC" -Atc "SELECT pg_database_size(current_database())") bytes, server $(psql "$SRC" -Atc 'SHOW server_version')"
  echo "PostgreSQL: CPU s counts the client side only; the server's own work (COPY out ~2.5 s, COPY in and index builds ~9 s on the ~1 GB dataset) comes on top, on the same cores when the server is local." >>"$NOTES"
  dir=$WORK/run/pg
  recreate="psql '$BENCH_PG_URL' -q -c 'DROP DATABASE IF EXISTS dbbackup_bench_restore' -c 'CREATE DATABASE dbbackup_bench_restore'"
  rm -rf "$dir"; mkdir -p "$dir"
  if $DBBACKUP backup --database-url "$SRC" --backup-dir "$dir/probe" -q >"$WORK/run/probe.out" 2>&1; then
    measure_pair "postgresql backup" "pg_dump | gzip -6" "rm -f $dir/ref.sql.gz" "pg_dump -d '$SRC' | gzip -6 > $dir/ref.sql.gz" "$dir/ref.sql.gz" \
      "dbbackup backup (gzip:6, all cores, default)" "rm -rf $dir/backups" \
      "$DBBACKUP backup --database-url '$SRC' --backup-dir $dir/backups --type daily -q" "$dir/backups/daily/*.sql.gz"
    measure "postgresql backup" "pg_dump -Fc" "" "rm -f $dir/ref.dump" "pg_dump -Fc -d '$SRC' -f $dir/ref.dump" "$dir/ref.dump"
    measure "postgresql backup" "dbbackup backup, plain java -jar (JVM ergonomics: G1)" "pg_dump | gzip -6" "rm -rf $dir/backups" \
      "java -jar $JAR backup --database-url '$SRC' --backup-dir $dir/backups --type daily -q" \
      "$dir/backups/daily/*.sql.gz" "$VARIANT_REPS"
    measure "postgresql backup" "dbbackup backup --jobs 2" "pg_dump | gzip -6" "rm -rf $dir/backups" \
      "$DBBACKUP backup --database-url '$SRC' --backup-dir $dir/backups --type daily -q --jobs 2" "$dir/backups/daily/*.sql.gz" "$VARIANT_REPS"
    measure "postgresql backup" "dbbackup backup zstd:3" "pg_dump | gzip -6" "rm -rf $dir/backups" \
      "BACKUP_COMPRESSION=zstd:3 $DBBACKUP backup --database-url '$SRC' --backup-dir $dir/backups --type daily -q" "$dir/backups/daily/*.sql.zst"
    rm -rf "$dir/backups"
    $DBBACKUP backup --database-url "$SRC" --backup-dir "$dir/backups" --type daily -q >/dev/null 2>&1
    file=$(ls "$dir"/backups/daily/*.sql.gz)
    measure_pair "postgresql restore" "gunzip -c | psql" "$recreate" \
      "gunzip -c $dir/ref.sql.gz | psql -q -v ON_ERROR_STOP=1 -d '$DST' >/dev/null" - \
      "dbbackup restore (validate, restore, check)" "$recreate" \
      "$DBBACKUP restore $file --backup-dir $dir/backups --database-url '$DST' --yes -q" -
    measure "postgresql restore" "pg_restore (of pg_dump -Fc)" "" "$recreate" \
      "pg_restore -d '$DST' $dir/ref.dump" -
    measure "postgresql restore" "dbbackup restore, plain java -jar (JVM ergonomics: G1)" "gunzip -c | psql" "$recreate" \
      "java -jar $JAR restore $file --backup-dir $dir/backups --database-url '$DST' --yes -q" - "$VARIANT_REPS"
  else
    echo "   dbbackup cannot back up PostgreSQL in this build: $(grep -m1 error: "$WORK/run/probe.out" || tail -1 "$WORK/run/probe.out")"
    echo "PostgreSQL: only the stock tools were timed; dbbackup said: $(grep -m1 error: "$WORK/run/probe.out" || tail -1 "$WORK/run/probe.out")" >>"$NOTES"
    measure "postgresql backup" "pg_dump | gzip -6" "" "rm -f $dir/ref.sql.gz" "pg_dump -d '$SRC' | gzip -6 > $dir/ref.sql.gz" "$dir/ref.sql.gz"
    measure "postgresql backup" "pg_dump -Fc" "" "rm -f $dir/ref.dump" "pg_dump -Fc -d '$SRC' -f $dir/ref.dump" "$dir/ref.dump"
    measure "postgresql restore" "gunzip -c | psql" "" "$recreate" \
      "gunzip -c $dir/ref.sql.gz | psql -q -v ON_ERROR_STOP=1 -d '$DST' >/dev/null" -
  fi
elif want pg; then
  echo "PostgreSQL: not measured (set BENCH_PG_URL to a server where the role may CREATE DATABASE)." >>"$NOTES"
fi

# ---- memory: peak RSS of dbbackup alone, the same commands on a small and a large database
if want memory; then
  echo "== memory: dbbackup on $MEMORY_SIZES MB databases"
  dir=$WORK/run/mem
  for mb in $MEMORY_SIZES; do
    make_sqlite "$mb" "$WORK/sqlite-$mb.db"
    echo "-- SQLite $mb MB: $(stat -c %s "$WORK/sqlite-$mb.db") bytes"
    ours="$DBBACKUP backup --database-url sqlite:///$WORK/sqlite-$mb.db --backup-dir $dir/backups --type daily -q"
    measure "memory" "SQLite backup, $mb MB" "" "rm -rf $dir; mkdir -p $dir" "$ours" "$dir/backups/daily/*.sql.gz" 1
    measure "memory" "SQLite restore, $mb MB" "" "rm -f $dir/target.db $dir/target.db.bak" \
      "$DBBACKUP restore latest --backup-dir $dir/backups --database-url sqlite:///$dir/target.db --yes -q" "$dir/target.db" 1
    rm -rf "$dir"
  done
  if [ -n "${BENCH_PG_URL:-}" ]; then
    base=${BENCH_PG_URL%/*}
    query=""; case "$BENCH_PG_URL" in *\?*) query="?${BENCH_PG_URL#*\?}" ;; esac
    for mb in $MEMORY_SIZES; do
      SRC="$base/dbbackup_bench_$mb$query"
      DST="$base/dbbackup_bench_restore$query"
      if [ "$(psql "$SRC" -Atc "SELECT obj_description('public.events'::regclass)" 2>/dev/null)" != "scale=$mb" ]; then
        echo "== building the PostgreSQL dataset: ~$mb MB (dbbackup_bench_$mb)"
        psql "$BENCH_PG_URL" -q -c "DROP DATABASE IF EXISTS dbbackup_bench_$mb" -c "CREATE DATABASE dbbackup_bench_$mb"
        sed "s/:SCALE:/$mb/g" "$ROOT/bench/postgres-dataset.sql" | psql "$SRC" -q -v ON_ERROR_STOP=1 >/dev/null
        psql "$SRC" -q -c "COMMENT ON TABLE events IS 'scale=$mb'"
      fi
      echo "-- PostgreSQL $mb MB: $(psql "$SRC" -Atc "SELECT pg_database_size(current_database())") bytes"
      recreate="psql '$BENCH_PG_URL' -q -c 'DROP DATABASE IF EXISTS dbbackup_bench_restore' -c 'CREATE DATABASE dbbackup_bench_restore'"
      measure "memory" "PostgreSQL backup, $mb MB" "" "rm -rf $dir; mkdir -p $dir" \
        "$DBBACKUP backup --database-url '$SRC' --backup-dir $dir/backups --type daily -q" "$dir/backups/daily/*.sql.gz" 1
      measure "memory" "PostgreSQL backup --jobs 2, $mb MB" "" "rm -rf $dir/jobs" \
        "$DBBACKUP backup --database-url '$SRC' --backup-dir $dir/jobs --type daily -q --jobs 2" "$dir/jobs/daily/*.sql.gz" 1
      measure "memory" "PostgreSQL restore, $mb MB" "" "$recreate" \
        "$DBBACKUP restore latest --backup-dir $dir/backups --database-url '$DST' --yes -q" - 1
      rm -rf "$dir"
    done
  else
    echo "memory: PostgreSQL not measured (set BENCH_PG_URL)." >>"$NOTES"
  fi
  # the growth of peak RSS from the smallest to the largest size, per case
  small=${MEMORY_SIZES%% *}; large=${MEMORY_SIZES##* }
  awk -F'\t' -v small="$small" -v large="$large" '$1 == "memory" {
      name = $2; sub(/, [0-9]+ MB$/, "", name); size = $2; sub(/.*, /, "", size); sub(/ MB$/, "", size)
      if (size == small) s[name] = $5; if (size == large) l[name] = $5; if (!(name in seen)) { seen[name] = 1; names[++n] = name } }
    END { for (i = 1; i <= n; i++) { k = names[i]; if ((k in s) && (k in l) && s[k] > 0)
            printf "memory: %s peaks at %.0f MB for %s MB and %.0f MB for %s MB (%.2f×).\n", k, s[k] / 1024, small, l[k] / 1024, large, l[k] / s[k] } }' \
    "$RESULTS" >>"$NOTES"
fi

# ---- report
{
  echo "# Benchmark results"
  echo
  if [ "$ONLY" = memory ]; then
    echo "Written by \`bench/run.sh --only memory\` on $(date -u '+%Y-%m-%d %H:%M UTC'): dbbackup alone (through its launcher), one run"
    echo "per case, the same commands on databases of ${MEMORY_SIZES// / and } MB. Peak RSS is the number to read; times are only indicative."
  else
    echo "Written by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Median of $REPS run(s) for the main cases, $VARIANT_REPS for"
    echo "variants and the compression stage, at least 5 for start-up; the ${SMALL_MB} MB SQLite rows: 1 run, for the peak-RSS comparison."
  fi
  echo "CPU s = user + system seconds of all processes of the command: on a busy machine it is steadier than wall time."
  echo "Load average at the start: $LOAD_START."
  echo
  echo "| machine | |"
  echo "| --- | --- |"
  echo "| cores | $(nproc) ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null)) |"
  echo "| memory | $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) |"
  echo "| load average at the end | $(cut -d' ' -f1-3 /proc/loadavg) |"
  echo "| java | $(java -version 2>&1 | head -1) ${JAVA_OPTS:+(options: $JAVA_OPTS)} |"
  echo "| sqlite3 / gzip / zstd | $(sqlite3 --version | cut -d' ' -f1) / $(gzip --version | head -1 | cut -d' ' -f2) / $(zstd --version | grep -o 'v[0-9.]*' | head -1) |"
  [ -n "${BENCH_PG_URL:-}" ] && echo "| pg_dump | $(pg_dump --version | awk '{print $3}') |"
  datasets=()
  { want sqlite || want pipeline; } && datasets+=("SQLite ~$SIZE_MB MB (bench/sqlite-dataset.sql)")
  want pg && [ -n "${BENCH_PG_URL:-}" ] && datasets+=("PostgreSQL ~$SIZE_MB MB (bench/postgres-dataset.sql)")
  want memory && datasets+=("SQLite$([ -n "${BENCH_PG_URL:-}" ] && echo " and PostgreSQL") of ${MEMORY_SIZES// / and } MB")
  echo "| dataset | $(IFS=,; echo "${datasets[*]:-none}" | sed 's/,/, /g') |"
  echo
  echo "| group | case | median s | CPU s | output bytes | peak RSS MB | ours / ref. time | ours / ref. CPU | ours / ref. size |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  awk -F'\t' '
    { g[NR]=$1; n[NR]=$2; t[NR]=$3; s[NR]=$4; r[NR]=$5; ref[NR]=$6; c[NR]=$7; key[$1 "|" $2]=NR }
    END {
      for (i = 1; i <= NR; i++) {
        tr = "-"; sr = "-"; cr = "-"
        if (ref[i] != "" && (g[i] "|" ref[i]) in key) {
          j = key[g[i] "|" ref[i]]
          if (t[i] != "failed" && t[j] != "failed" && t[j] > 0) tr = sprintf("%.2f", t[i] / t[j])
          if (c[i] != "-" && c[j] != "-" && c[j] > 0) cr = sprintf("%.2f", c[i] / c[j])
          if (s[i] != "-" && s[j] != "-" && s[j] > 0) sr = sprintf("%.2f", s[i] / s[j])
        }
        rss = (r[i] == "-") ? "-" : sprintf("%.0f", r[i] / 1024)
        name = n[i]; gsub(/\|/, "\\|", name)
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", g[i], name, t[i], c[i], s[i], rss, tr, cr, sr
      }
    }' "$RESULTS"
  if [ -s "$WORK/pipeline.tsv" ]; then
    echo
    echo "Compression stage alone (no database), first 128 MB of the SQLite dump, $(nproc) cores, $VARIANT_REPS run(s):"
    echo
    echo "| compressor | wall s | CPU s | MB/s (wall) | stored bytes | ratio | read back s |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $7, $3, $4, $5, $6}' "$WORK/pipeline.tsv"
  fi
  if [ -s "$NOTES" ]; then
    echo
    sed 's/^/- /' "$NOTES"
  fi
  echo
  echo "Peak RSS is the largest resident set of any single process of the command (GNU time %M)."
  echo "What the numbers mean and where we fall short: docs/performance.md."
} > "$OUT"
echo "== wrote $OUT"
cat "$OUT"
