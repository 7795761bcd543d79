#!/usr/bin/env bash
# A throwaway PostgreSQL streaming replica of the local primary, for the router tests (CI and
# local runs). Usage:
#   scripts/pg_replica.sh start DIR [PORT]   # pg_basebackup -R of 127.0.0.1:5432 into DIR,
#                                            # then pg_ctl start on PORT (default 5433)
#   scripts/pg_replica.sh stop DIR           # pg_ctl stop; DIR is removed
# It needs the server binaries (Debian: /usr/lib/postgresql/<major>/bin), a primary with
# wal_level=replica (the default) and a pg_hba `replication` entry for 127.0.0.1; when run as
# root on the primary's own machine it adds that entry (trust, loopback only) and reloads.
# pg_ctl refuses to run as root, so as root the replica runs as the `postgres` user.
set -euo pipefail
action=${1:?start or stop}
dir=${2:?data directory}
port=${3:-5433}
PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}

bindir=${PG_BINDIR:-}
if [ -z "$bindir" ]; then
  major=$(psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -tAc \
    "SELECT current_setting('server_version_num')::int / 10000" 2>/dev/null || true)
  for candidate in "/usr/lib/postgresql/${major}/bin" /usr/lib/postgresql/*/bin; do
    if [ -x "$candidate/pg_ctl" ]; then bindir=$candidate; break; fi
  done
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/pg_ctl" ]; then
  echo "pg_replica: no PostgreSQL server binaries (pg_ctl) found; set PG_BINDIR" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
start)
  psql() { command psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -tAq "$@"; }
  if [ "$(psql -c 'SHOW wal_level')" = minimal ]; then
    echo "pg_replica: the primary has wal_level=minimal; a replica needs replica or logical" >&2
    exit 1
  fi
  hba=$(psql -c 'SHOW hba_file')
  if ! psql -c "SELECT 1 FROM pg_hba_file_rules WHERE 'replication' = ANY(database)" \
    | grep -q 1; then
    if [ -w "$hba" ]; then
      echo "pg_replica: adding a loopback replication entry to $hba"
      printf '\n# Streaming replicas on this machine (scripts/pg_replica.sh)\nhost replication all 127.0.0.1/32 trust\n' >>"$hba"
      psql -c 'SELECT pg_reload_conf()' >/dev/null
    else
      echo "pg_replica: $hba has no replication entry and is not writable here" >&2
      exit 1
    fi
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  chmod 700 "$dir"
  # -R writes standby.signal and primary_conninfo; -X stream copies the WAL it needs.
  as_owner "$bindir/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres \
    -D "$dir" -R -X stream -c fast
  # Debian keeps postgresql.conf and pg_hba.conf outside the data directory, so the copy has
  # none: write both. A hot standby needs these limits at least as high as the primary's.
  limits=""
  for name in max_connections max_worker_processes max_wal_senders \
    max_prepared_transactions max_locks_per_transaction; do
    limits+="$name = $(psql -c "SHOW $name")"$'\n'
  done
  cat >"$dir/postgresql.conf" <<EOF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
hot_standby = on
shared_buffers = '128MB'
fsync = off
$limits
EOF
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$dir/pg_hba.conf"
  # The copied postgresql.auto.conf may carry the primary's ALTER SYSTEM settings; keep its
  # primary_conninfo (from -R) and let the port and socket here win.
  printf "port = %s\nunix_socket_directories = '%s'\n" "$port" "$dir" >>"$dir/postgresql.auto.conf"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"/*.conf
  as_owner "$bindir/pg_ctl" -D "$dir" -l "$dir/replica.log" -w -t 60 start >/dev/null
  for _ in $(seq 1 60); do
    if [ "$(command psql -h 127.0.0.1 -p "$port" -U postgres -tAc 'SELECT pg_is_in_recovery()' \
      2>/dev/null)" = t ]; then
      echo "pg_replica: streaming replica of $PRIMARY_HOST:$PRIMARY_PORT on 127.0.0.1:$port"
      exit 0
    fi
    sleep 1
  done
  echo "pg_replica: the replica did not come up; its log:" >&2
  tail -n 30 "$dir/replica.log" >&2 || true
  exit 1
  ;;
stop)
  if [ -f "$dir/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR [PORT]" >&2
  exit 2
  ;;
esac
