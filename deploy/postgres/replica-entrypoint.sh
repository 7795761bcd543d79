#!/bin/bash
# The streaming replica: on first start, copy the primary (pg_basebackup -R writes
# standby.signal and primary_conninfo), then run as a hot standby. No replication slot: a slot
# left behind by a deleted replica would make the primary keep WAL forever; the primary's
# wal_keep_size covers a replica's restart instead.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h postgres -p 5432 -q; do sleep 1; done
  rm -rf "${PGDATA:?}"/*
  PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup -h postgres -p 5432 -U replicator \
    -D "$PGDATA" -R -X stream -c fast
  chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on
