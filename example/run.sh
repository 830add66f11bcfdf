#!/usr/bin/env bash
# Builds dbbackup and runs its main job on the bundled example SQLite database:
# back it up, list the backups, verify, restore into a new file, and compare row counts.
set -euo pipefail
project="$(cd "$(dirname "$0")/.." && pwd)"
run_dir="$project/example-run"

echo "== building dbbackup (./mvnw package)"
(cd "$project" && ./mvnw -B -q package -DskipTests)

rm -rf "$run_dir" && mkdir -p "$run_dir"
cp "$project/example/app.db" "$run_dir/app.db"
cd "$run_dir"
export DATABASE_URL="sqlite:///./app.db" BACKUP_DIR="./backups"
dbbackup() { "$project/dbbackup" "$@"; }

echo "== dbbackup backup"
dbbackup backup
echo "== dbbackup list"
dbbackup list
echo "== dbbackup verify latest"
dbbackup verify latest
echo "== dbbackup restore latest --database-url sqlite:///./restored.db --yes"
dbbackup restore latest --database-url sqlite:///./restored.db --yes
echo "== done: the backup is in $run_dir/backups, the restored copy is $run_dir/restored.db"
