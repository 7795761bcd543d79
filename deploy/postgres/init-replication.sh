#!/bin/bash
# Runs once, when the primary's data directory is first initialised (docker-entrypoint-initdb.d):
# a login role for streaming replication and the pg_hba entry that lets the replica use it.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v password="$REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SQL
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
