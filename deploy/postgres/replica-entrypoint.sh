#!/bin/sh
# A streaming replica of the `postgres` service: on first start, a base backup of the primary (pg_basebackup -R writes
# standby.signal and primary_conninfo), then a hot standby that follows it. Runs as the image's postgres user.
set -eu
data=/var/lib/postgresql/data
if [ ! -s "$data/PG_VERSION" ]; then
  until pg_isready -h postgres -U "$POSTGRES_USER" >/dev/null 2>&1; do sleep 1; done
  PGPASSWORD="$POSTGRES_PASSWORD" pg_basebackup -h postgres -U "$POSTGRES_USER" -D "$data" -R -X stream -c fast
  chmod 700 "$data"
fi
# hot_standby_feedback: a long read on a replica is not cancelled by the primary's vacuum.
exec postgres -c hot_standby=on -c hot_standby_feedback=on -c max_connections=300
