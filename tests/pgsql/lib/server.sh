# shellcheck shell=bash
# tests/pgsql/lib/server.sh - one private PostgreSQL server for a suite:
# initdb in a directory of its own below the private test base (never
# /tmp: the module's path rules), 127.0.0.1 on a free port, its socket in
# that directory, stopped by its PID.  As root the server runs as the
# "postgres" user the Debian package creates (initdb refuses root).
#
# pg_bindir: the directory of initdb/pg_ctl, or "" when not installed.
# pg_start DIR: start a server in DIR (created); sets PG_PORT, PG_PID,
#   PG_DIR, PG_SOCK and PG_ADMIN (a libpq string for its superuser
#   "mfaadmin", database "mfa").  pg_hba: mfa_pw by password
#   (scram-sha-256), everyone else trusted.  Returns 1 with the log on
#   stderr when it cannot start.
# pg_psql SQL: run SQL as mfaadmin.
# pg_stop: stop the server (even a stopped one: SIGCONT first) by PID.

pg_bindir() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		[[ -x $d/initdb && -x $d/pg_ctl ]] && echo "$d"
	done | sort -V | tail -n 1
}

# Run a server command as the server's user.
pg_as() {
	if [[ $(id -u) == 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_free_port() {
	/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

pg_start() {
	local bin
	bin=$(pg_bindir)
	PG_DIR=$1 PG_SOCK=$1
	mkdir -p "$PG_DIR" || return 1
	[[ $(id -u) == 0 ]] && chown postgres: "$PG_DIR"
	pg_as "$bin/initdb" -D "$PG_DIR/data" -A trust -U mfaadmin -E UTF8 \
		--locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1 || {
		cat "$PG_DIR/initdb.log" >&2
		return 1
	}
	PG_PORT=$(pg_free_port) || return 1
	pg_as tee -a "$PG_DIR/data/postgresql.conf" >/dev/null <<-CONF
		listen_addresses = '127.0.0.1'
		port = $PG_PORT
		unix_socket_directories = '$PG_SOCK'
		fsync = off
		password_encryption = 'scram-sha-256'
	CONF
	pg_as tee "$PG_DIR/data/pg_hba.conf" >/dev/null <<-HBA
		local all all trust
		host all mfa_pw 127.0.0.1/32 scram-sha-256
		host all all 127.0.0.1/32 trust
	HBA
	pg_as "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
		start >/dev/null || {
		cat "$PG_DIR/server.log" >&2
		return 1
	}
	PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")
	PG_ADMIN="host=127.0.0.1 port=$PG_PORT dbname=mfa user=mfaadmin"
	pg_psql_db postgres "CREATE DATABASE mfa" &&
		pg_psql "CREATE ROLE mfa_pw LOGIN PASSWORD 'right-pw'"
}

pg_psql_db() {
	"$(pg_bindir)/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
		-p "$PG_PORT" -U mfaadmin -d "$1" -c "$2" >/dev/null
}

pg_psql() {
	pg_psql_db mfa "$1"
}

pg_stop() {
	[[ -n ${PG_PID:-} ]] || return 0
	kill -CONT "$PG_PID" 2>/dev/null
	kill -INT "$PG_PID" 2>/dev/null # fast shutdown
	for _ in $(seq 100); do
		kill -0 "$PG_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$PG_PID" 2>/dev/null
	PG_PID=
}
