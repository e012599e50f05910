#!/bin/sh
# Runs once, when the primary's data directory is created (docker-entrypoint-initdb.d): standbys on the compose
# network may stream the log with the same credentials as the application.
set -eu
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
