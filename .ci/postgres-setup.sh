#!/usr/bin/env bash
# Installs what the PostgreSQL engine's integration tests need besides Maven:
# the stock client tools (psql loads fixtures and checks that it restores our dumps; pg_dump 15 compares
# schemas and feeds our restore). The server binaries (12, 15, 17, 18) come from Maven Central, and the
# tests create the system user dbbackup-pg themselves to run them, because initdb refuses root.
set -euo pipefail
if ! command -v psql >/dev/null || ! command -v pg_dump >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-client >/dev/null
fi
for tool in setpriv useradd; do
  command -v "$tool" >/dev/null || { echo "postgres-setup: $tool is missing (util-linux / passwd)" >&2; exit 1; }
done
psql --version
