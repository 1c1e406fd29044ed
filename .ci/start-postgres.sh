#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 cluster on a loopback port, without touching
# the machine's default cluster, and prints its URL. Used by CI and by
# developers who want to run the PostgreSQL tests locally:
#   export KEEL_TEST_POSTGRES=$(bash .ci/start-postgres.sh)
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGPORT=${PGPORT:-54329}
if [ ! -x "$PGBIN/initdb" ]; then echo "PostgreSQL not installed: apt-get install -y postgresql" >&2; exit 1; fi
if "$PGBIN/pg_isready" -h 127.0.0.1 -p "$PGPORT" -q 2>/dev/null; then
  echo "postgres://postgres@127.0.0.1:$PGPORT/postgres"; exit 0
fi
PGDATA=$(mktemp -d /tmp/keel-pg.XXXXXX)
chown postgres:postgres "$PGDATA"
su postgres -c "$PGBIN/initdb -D $PGDATA -U postgres --auth=trust" > "$PGDATA.initdb.log" 2>&1
su postgres -c "$PGBIN/pg_ctl -D $PGDATA -l $PGDATA/log -w -o \"-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDATA\" start" > /dev/null
echo "postgres://postgres@127.0.0.1:$PGPORT/postgres"
