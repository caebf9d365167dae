#!/usr/bin/env bash
# Brings up a local PostgreSQL for the test suites, idempotently:
# installs it when missing (Debian), starts the cluster, creates role and database `pslink`/`pslink_test`.
# Prints the connection URL on the last line of stdout; everything else goes to stderr.
set -euo pipefail
# psql runs as the postgres user, who may not be able to read the caller's folder.
cd /

PG_HOST=127.0.0.1
PG_PORT="${PSLINK_PG_PORT:-5432}"
PG_ROLE=pslink
# A password unlike any word pslink prints: secrets are masked by value in every message.
PG_PASSWORD=pslink_test_pw_7c1e
PG_DATABASE=pslink_test

log() { echo "ensure-postgres: $*" >&2; }

as_postgres() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    sudo -n -u postgres "$@"
  fi
}

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  log "installing postgresql (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y postgresql >&2
fi

if ! pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
  version="$(pg_lsclusters -h | awk '$2 == "main" { print $1 }' | sort -V | tail -n 1)"
  if [ -z "$version" ]; then
    version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    log "creating cluster $version/main"
    pg_createcluster "$version" main --port "$PG_PORT" >&2
  fi
  log "starting cluster $version/main"
  pg_ctlcluster "$version" main start >&2 || true
  for _ in $(seq 1 60); do
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && break
    sleep 0.5
  done
  pg_isready -q -h "$PG_HOST" -p "$PG_PORT" || {
    log "PostgreSQL did not come up on $PG_HOST:$PG_PORT; see /var/log/postgresql/"
    exit 1
  }
fi

psql_admin() { as_postgres psql -p "$PG_PORT" -X -q -v ON_ERROR_STOP=1 -tA "$@"; }

if [ "$(psql_admin -c "select 1 from pg_roles where rolname = '$PG_ROLE'")" != "1" ]; then
  log "creating role $PG_ROLE"
  psql_admin -c "create role $PG_ROLE login createdb password '$PG_PASSWORD'"
else
  psql_admin -c "alter role $PG_ROLE with login createdb password '$PG_PASSWORD'"
fi
# Dropping a scratch database "with (force)" must also stop an autovacuum worker busy in it,
# which runs as the bootstrap superuser: the role needs pg_signal_backend for that.
psql_admin -c "set client_min_messages = warning" -c "grant pg_signal_backend to $PG_ROLE"
if [ "$(psql_admin -c "select 1 from pg_database where datname = '$PG_DATABASE'")" != "1" ]; then
  log "creating database $PG_DATABASE"
  psql_admin -c "create database $PG_DATABASE owner $PG_ROLE"
fi

# The TLS tests need a server that encrypts: Debian's clusters do, with the machine's snakeoil
# certificate (package ssl-cert); a cluster without one gets a self-signed certificate here.
if [ "$(psql_admin -c "show ssl")" != "on" ]; then
  datadir="$(psql_admin -c "show data_directory")"
  log "turning on TLS with a self-signed certificate for localhost in $datadir"
  as_postgres openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost \
    -keyout "$datadir/pslink-test.key" -out "$datadir/pslink-test.crt" 2>/dev/null
  as_postgres chmod 600 "$datadir/pslink-test.key"
  psql_admin -c "alter system set ssl_cert_file = '$datadir/pslink-test.crt'" \
    -c "alter system set ssl_key_file = '$datadir/pslink-test.key'" \
    -c "alter system set ssl = on" -c "select pg_reload_conf()" >/dev/null
fi

# The client-certificate tests: a CA the server trusts for client certificates (ssl_ca_file), and
# in $CLIENT_DIR what it issued: pslink.crt/.key to the role, stranger.crt/.key to another name;
# untrusted.crt/.key are issued to the role by no CA the server knows. Test credentials for a
# test server (the role's password is above), so the keys are readable by whoever runs the tests.
CLIENT_DIR=/var/lib/postgresql/pslink-test-client
ca_file="$(psql_admin -c "show ssl_ca_file")"
if [ -n "$ca_file" ] && [ "$ca_file" != "$CLIENT_DIR/ca.crt" ]; then
  log "leaving ssl_ca_file ($ca_file) as it is: the client-certificate tests will fail"
elif [ ! -f "$CLIENT_DIR/stranger.crt" ] || [ -z "$ca_file" ]; then
  log "issuing test client certificates in $CLIENT_DIR"
  as_postgres mkdir -p "$CLIENT_DIR"
  issue() { # name, common name, CA ("" for self-signed)
    as_postgres openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" \
      -keyout "$CLIENT_DIR/$1.key" -out "$CLIENT_DIR/$1.csr" 2>/dev/null
    if [ -n "$3" ]; then
      as_postgres openssl x509 -req -in "$CLIENT_DIR/$1.csr" -CA "$CLIENT_DIR/$3.crt" \
        -CAkey "$CLIENT_DIR/$3.key" -CAcreateserial -days 3650 -out "$CLIENT_DIR/$1.crt" 2>/dev/null
    else
      as_postgres openssl x509 -req -in "$CLIENT_DIR/$1.csr" -signkey "$CLIENT_DIR/$1.key" \
        -days 3650 -out "$CLIENT_DIR/$1.crt" 2>/dev/null
    fi
    as_postgres chmod 644 "$CLIENT_DIR/$1.key"
  }
  as_postgres openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=pslink test client CA" \
    -keyout "$CLIENT_DIR/ca.key" -out "$CLIENT_DIR/ca.crt" 2>/dev/null
  issue pslink "$PG_ROLE" ca
  issue stranger pslink_stranger ca
  issue untrusted "$PG_ROLE" ""
  psql_admin -c "alter system set ssl_ca_file = '$CLIENT_DIR/ca.crt'" -c "select pg_reload_conf()" >/dev/null
fi

# Puts rules at the top of pg_hba.conf (the first rule that matches decides) unless a line holds
# $1 already, and reloads: $1 the marker, $2 what they are for, then the rules.
hba="$(psql_admin -c "show hba_file")"
prepend_hba_rules() {
  local marker="$1" purpose="$2"
  shift 2
  as_postgres grep -q "$marker" "$hba" && return 0
  log "adding the $purpose to $hba"
  {
    echo "# $marker (scripts/ensure-postgres.sh): $purpose"
    printf '%s\n' "$@"
    as_postgres cat "$hba"
  } | as_postgres tee "$hba.pslink" >/dev/null
  as_postgres cp "$hba.pslink" "$hba"
  as_postgres rm "$hba.pslink"
  psql_admin -c "select pg_reload_conf()" >/dev/null
}

# Three databases the connection tests are refused at (none exists; pg_hba.conf is read before
# the database is looked up): one takes only encrypted connections, one none from here, one only
# a client certificate issued to the user.
prepend_hba_rules "pslink test rules" "connection tests' rules" \
  "hostnossl pslink_tls_only    all 127.0.0.1/32 reject" \
  "hostnossl pslink_tls_only    all ::1/128      reject" \
  "host      pslink_hba_closed  all 127.0.0.1/32 reject" \
  "host      pslink_hba_closed  all ::1/128      reject"
prepend_hba_rules "pslink_cert_only" "client-certificate rule" \
  "hostssl   pslink_cert_only   all 127.0.0.1/32 cert" \
  "hostssl   pslink_cert_only   all ::1/128      cert" \
  "host      pslink_cert_only   all 127.0.0.1/32 reject" \
  "host      pslink_cert_only   all ::1/128      reject"

echo "postgres://$PG_ROLE:$PG_PASSWORD@$PG_HOST:$PG_PORT/$PG_DATABASE"
