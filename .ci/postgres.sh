#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for running bloc's tests on PostgreSQL.
#
# Local use (from the repository root):
#   .ci/postgres.sh start                       # initdb + start on 127.0.0.1:54329
#   DATABASE_URL=$(.ci/postgres.sh url) scripts/test
#   .ci/postgres.sh stop                        # stop it and delete its data
#   .ci/postgres.sh status
#
# The server listens on 127.0.0.1 only, with its socket in /tmp, and has a role
# `bloc` (password `bloc`, CREATEDB so pytest-django can create test_bloc) and a
# database `bloc`: DATABASE_URL=postgres://bloc:bloc@127.0.0.1:54329/bloc
# It is tuned for tests (fsync off): never keep data you care about in it.
#
# initdb and pg_ctl refuse to run as root: as root the server runs as the
# system user `blocci` (created if absent); otherwise as you.
# Binaries come from /usr/lib/postgresql/15/bin (Debian's postgresql-15; installed
# with apt-get when missing and we are root).
#
# Settings (environment): BLOC_PG_PORT (54329), BLOC_PG_DATA (/tmp/bloc-pg-$PORT),
# BLOC_PG_BIN (/usr/lib/postgresql/15/bin), BLOC_PG_USER (blocci, when root).
# Bash callers may also `source` this file and call pg_start / pg_stop / pg_url.

# runuser and useradd live in sbin, which a plain user PATH may lack.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac

PG_PORT="${BLOC_PG_PORT:-54329}"
PG_DATA="${BLOC_PG_DATA:-/tmp/bloc-pg-$PG_PORT}"
PG_LOG="$PG_DATA.log"
PG_BIN="${BLOC_PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_SOCKET_DIR=/tmp
PG_OS_USER="${BLOC_PG_USER:-blocci}"

_pg_say() { printf 'postgres.sh: %s\n' "$*" >&2; }

pg_url() { echo "postgres://bloc:bloc@127.0.0.1:$PG_PORT/bloc"; }

# Run a command as the user that owns the cluster.
_pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$PG_OS_USER" -- "$@"
    else
        "$@"
    fi
}

_pg_ensure_binaries() {
    [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && command -v psql >/dev/null && return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        _pg_say "installing Debian's postgresql-15"
        apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
                postgresql-15 postgresql-client-15 >/dev/null || return 1
        # Debian's package starts its own cluster on 5432; we do not need it.
        if command -v pg_ctlcluster >/dev/null; then
            pg_ctlcluster 15 main stop >/dev/null 2>&1 || true
        fi
    fi
    [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && return 0
    _pg_say "PostgreSQL 15 is not installed ($PG_BIN/initdb missing): apt-get install -y postgresql-15"
    return 1
}

_pg_ensure_os_user() {
    [ "$(id -u)" -eq 0 ] || return 0
    id -u "$PG_OS_USER" >/dev/null 2>&1 && return 0
    _pg_say "creating system user $PG_OS_USER"
    useradd --system --create-home --shell /usr/sbin/nologin "$PG_OS_USER"
}

_pg_running() {
    [ -f "$PG_DATA/PG_VERSION" ] && _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

_pg_psql() {
    psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres "$@"
}

pg_start() {
    _pg_ensure_binaries || return 1
    _pg_ensure_os_user || return 1
    if _pg_running; then
        _pg_say "already running ($PG_DATA, port $PG_PORT)"
    else
        # A fresh cluster every time: tests must not depend on a previous run.
        rm -rf "$PG_DATA" "$PG_LOG"
        mkdir -p "$PG_DATA"
        chmod 700 "$PG_DATA"
        touch "$PG_LOG"
        if [ "$(id -u)" -eq 0 ]; then
            chown "$PG_OS_USER" "$PG_DATA" "$PG_LOG"
        fi
        _pg_say "initdb $PG_DATA"
        # Local (socket) connections are trusted; TCP needs the password (scram).
        _pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --encoding=UTF8 --no-locale \
            --auth-local=trust --auth-host=scram-sha-256 >"$PG_LOG.initdb" 2>&1 || {
            cat "$PG_LOG.initdb" >&2
            return 1
        }
        rm -f "$PG_LOG.initdb"
        cat >>"$PG_DATA/postgresql.conf" <<CONF

# bloc test server (.ci/postgres.sh): throwaway data, so durability is off.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
CONF
        _pg_say "starting on 127.0.0.1:$PG_PORT (socket in $PG_SOCKET_DIR, log $PG_LOG)"
        if ! _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null; then
            _pg_say "the server did not start; its log:"
            cat "$PG_LOG" >&2
            return 1
        fi
    fi
    _pg_psql <<'SQL' || return 1
SELECT 'CREATE ROLE bloc LOGIN PASSWORD ''bloc'' CREATEDB'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bloc') \gexec
SELECT 'CREATE DATABASE bloc OWNER bloc'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'bloc') \gexec
SQL
    _pg_say "ready: DATABASE_URL=$(pg_url)"
}

pg_stop() {
    if _pg_running; then
        _pg_say "stopping the server on port $PG_PORT"
        _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null || return 1
    fi
    rm -rf "$PG_DATA" "$PG_LOG"
}

pg_status() {
    if _pg_running; then
        echo "running: $(pg_url) (data $PG_DATA)"
    else
        echo "not running"
        return 3
    fi
}

# Run as a command (not sourced): dispatch the subcommand.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -uo pipefail
    case "${1:-}" in
        start) pg_start ;;
        stop) pg_stop ;;
        status) pg_status ;;
        url) pg_url ;;
        *)
            echo "usage: $0 start|stop|status|url" >&2
            exit 2
            ;;
    esac
fi
