# shellcheck shell=bash disable=SC2034 # variables for the suites
# tests/lib/pg.sh - the one PostgreSQL rig of the tests: private servers
# that the suites start and stop themselves.
#
# Source it (after tests/lib/testdir.sh), then call pg_init once.  Every
# server lives in one private directory below the test base of
# tests/lib/testdir.sh (never /tmp: the module refuses paths with unsafe
# ancestors; as root, /var/lib when the "postgres" account cannot pass
# through the base), listens on 127.0.0.1 only on a free port, keeps its
# unix socket in a private directory, and is stopped by the PID in its
# postmaster.pid, by pg_stop or, at the latest, by the EXIT trap that
# pg_init installs (which then removes the directory).  initdb refuses
# root: as root the servers run as the "postgres" account (runuser),
# otherwise as ourselves.
#
# A cluster:
#   pg_init                     check the binaries, make $PG_DIR, set the
#                               trap; returns 1 with the reason in $PG_WHY
#   pg_start NAME [MODE]        a primary; MODE is how TCP clients log in:
#                               trust (default), scram (a SCRAM password),
#                               ssl (ssl = on, only "hostssl ... cert"
#                               lines) or ssl-trust (ssl = on, with or
#                               without TLS, trusted); ssl modes need
#                               pg_make_certs first
#   pg_make_certs ROLE          $PG_TLS/{ca,server,client,other-ca}.*
#   pg_start_standby PRIMARY NAME   a synchronous streaming standby
#   pg_promote NAME             the standby becomes a primary
#   pg_stop NAME [fast|immediate], pg_restart NAME (same port),
#   pg_freeze NAME (kill -STOP), pg_thaw NAME (kill -CONT), pg_pid NAME
# Roles, databases, SQL:
#   pg_create_role NAME ROLE [PASSWORD]   a login role (SCRAM password)
#   pg_create_db NAME DB ROLE [PASSWORD]  DB owned by ROLE (made if new)
#   pg_grant NAME DB ROLE       ROLE may use the pam_mfa schema's tables
#   pg_hba_add NAME LINE        a pg_hba.conf line before the others
#   pg_psql NAME DB [PSQL-ARGS...]   psql as the superuser, unix socket
#   pg_psql_file NAME DB ROLE FILE   the SQL in FILE as ROLE
#   pg_set NAME KEY VALUE       ALTER SYSTEM SET + reload
# For the module:
#   pg_conninfo NAME DB ROLE [WORD...]  a libpq connection string
#   pg_conninfo_file PATH WORD...       that string in a file, mode 0600
#   pg_store_lines CONNFILE [LINE...]   pam_mfa.conf lines for the store
#   pg_store_init CONF          the schema: mfa-enroll --conf CONF store init
#   pg_free_port                a TCP port nobody listens on
#
# Per server NAME: ${PG_PORT[NAME]}, ${PG_DATA[NAME]}, ${PG_SOCK[NAME]},
# ${PG_LOG[NAME]}.  The superuser is $PG_ADMIN ("mfaadmin": the suites
# in tests/pgsql log in with it over TCP, which trust and ssl-trust
# servers allow; pg_psql comes in through the socket, a directory private
# to the server's owner and root).
#
# PG_FSYNC (default off) is the servers' fsync setting: the tests stop
# servers, never the machine; make bench sets it on.  MFA_PG_BIN names
# the server binaries' directory (default: the newest installed).

# pg_find_bin: the newest /usr/lib/postgresql/*/bin with a server, or the
# version-15 path (the one make deps installs) when none is.
pg_find_bin() {
	local d found=/usr/lib/postgresql/15/bin
	for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V); do
		[[ -x $d/initdb && -x $d/pg_ctl ]] && found=$d
	done
	echo "$found"
}

PG_BIN=${MFA_PG_BIN:-$(pg_find_bin)}
PG_ADMIN=mfaadmin
PG_FSYNC=${PG_FSYNC:-off}
declare -gA PG_PORT=() PG_DATA=() PG_SOCK=() PG_LOG=() PG_HOME=()
declare -ga PG_NAMES=() PG_AS=()
PG_DIR='' PG_TLS='' PG_OWNER='' PG_WHY='' PG_BASE_MINE=''

# pg_init: returns 0 when servers can be started, 1 (reason in $PG_WHY)
# when the binaries are missing or no private directory can be made.
pg_init() {
	local t
	for t in initdb pg_ctl postgres psql pg_basebackup; do
		if [[ ! -x $PG_BIN/$t ]]; then
			PG_WHY="$PG_BIN/$t missing: install postgresql-15"
			return 1
		fi
	done
	command -v openssl >/dev/null || {
		PG_WHY="openssl missing: install openssl"
		return 1
	}
	if [[ $(id -u) == 0 ]]; then
		PG_OWNER=postgres
		PG_AS=(runuser -u postgres --)
		if ! id postgres >/dev/null 2>&1; then
			PG_WHY="no postgres account: install postgresql-15"
			return 1
		fi
	else
		PG_OWNER=$(id -un)
		PG_AS=()
	fi
	[[ -n ${MFA_TEST_BASE:-} ]] || PG_BASE_MINE=1
	mfa_test_base_enter "${MFA_BUILD:-$PWD/build/default}" || {
		PG_WHY="no private directory for the servers"
		return 1
	}
	if ! pg_mkdir; then
		[[ -n $PG_BASE_MINE ]] && mfa_test_base_leave
		return 1
	fi
	PG_TLS=$PG_DIR/certs
	pg_trap_add
}

# pg_mkdir: $PG_DIR, a fresh directory (0711) below the test base whose
# every ancestor is safe (mfa_dir_is_safe) and that the servers' owner
# can pass through.  As root, when it cannot (a checkout below /root),
# below /var/lib instead.  Returns 1 with the reason in $PG_WHY.
pg_mkdir() {
	local parent name
	for parent in "$MFA_TEST_BASE" /var/lib; do
		[[ $parent == /var/lib && $PG_OWNER != postgres ]] && break
		mfa_dir_is_safe "$parent" || continue
		# A short name below the base: a socket's path has 107 bytes.
		name=pg
		[[ $parent == /var/lib ]] && name=pam_mfa-pg
		PG_DIR=$(mktemp -d "$parent/$name.XXXXXX") || continue
		chmod 0711 "$PG_DIR"
		[[ $PG_OWNER != postgres ]] && return 0
		runuser -u postgres -- test -x "$PG_DIR" && return 0
		rmdir "$PG_DIR"
	done
	PG_DIR=''
	PG_WHY="no directory below $MFA_TEST_BASE (or /var/lib) with safe ancestors that the $PG_OWNER account can reach"
	return 1
}

# pg_trap_add: pg_exit first in the EXIT trap, before whatever the
# caller had there (which may remove the directories).
pg_trap_add() {
	local old
	old=$(trap -p EXIT)
	if [[ -n $old ]]; then
		# "trap -- 'COMMAND' EXIT": COMMAND, quoted for eval.
		old=${old#trap -- }
		eval "old=${old% EXIT}"
		# shellcheck disable=SC2064 # the old command, expanded now
		trap "pg_exit; $old" EXIT
	else
		trap pg_exit EXIT
	fi
	[[ -n $(trap -p TERM) ]] || trap 'exit 143' TERM
	[[ -n $(trap -p INT) ]] || trap 'exit 130' INT
}

# pg_free_port: a TCP port on 127.0.0.1 that nothing listens on now and
# that no server of ours was given.
pg_free_port() {
	local p i n
	for i in $(seq 100); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		for n in "${PG_NAMES[@]}"; do
			[[ ${PG_PORT[$n]:-} == "$p" ]] && continue 2
		done
		ss -Htln "sport = :$p" 2>/dev/null | grep -q . && continue
		echo "$p"
		return 0
	done
	return 1
}

# pg_run CMD...: a server binary as the servers' owner, in $PG_DIR.
pg_run() {
	(cd "$PG_DIR" && "${PG_AS[@]}" "$PG_BIN/$1" "${@:2}")
}

# pg_mkhome NAME: the server's own directory (owner: the servers' owner).
pg_mkhome() {
	local name=$1 home=$PG_DIR/server-$1
	if [[ ! $name =~ ^[a-z][a-z0-9_]*$ || -n ${PG_HOME[$name]:-} ]]; then
		PG_WHY="server name $name: not [a-z][a-z0-9_]* or taken"
		return 1
	fi
	# A unix socket's path (sun_path) holds 107 bytes; "/sock/.s.PGSQL.N"
	# adds 20 at most.
	if ((${#home} + 20 > 107)); then
		PG_WHY="$home: too deep for a unix socket below it (set MFA_TEST_PARENT to a shorter directory)"
		return 1
	fi
	mkdir -m 0700 "$home" "$home/sock" || {
		PG_WHY="cannot make $home"
		return 1
	}
	[[ $PG_OWNER == "$(id -un)" ]] || chown -R "$PG_OWNER:" "$home"
	PG_HOME[$name]=$home PG_DATA[$name]=$home/data
	PG_SOCK[$name]=$home/sock PG_LOG[$name]=$home/log
	PG_NAMES+=("$name")
}

# pg_hba MODE: the pg_hba.conf of a primary in MODE (see pg_start).
pg_hba() {
	echo "local all all trust"
	echo "local replication all trust"
	case $1 in
	trust | ssl-trust) echo "host all all 127.0.0.1/32 trust" ;;
	scram) echo "host all all 127.0.0.1/32 scram-sha-256" ;;
	ssl) echo "hostssl all all 127.0.0.1/32 cert" ;;
	esac
}

# pg_conf NAME MODE: the lines appended to the primary's postgresql.conf.
pg_conf() {
	local name=$1 mode=$2
	echo "listen_addresses = '127.0.0.1'"
	echo "unix_socket_directories = '${PG_SOCK[$name]}'"
	echo "fsync = $PG_FSYNC"
	echo "shared_buffers = 16MB"
	echo "max_connections = 100"
	echo "password_encryption = scram-sha-256"
	echo "log_line_prefix = '%m [%p] %q%u@%d '"
	if [[ $mode == ssl* ]]; then
		echo "ssl = on"
		echo "ssl_cert_file = '${PG_HOME[$name]}/server.crt'"
		echo "ssl_key_file = '${PG_HOME[$name]}/server.key'"
		echo "ssl_ca_file = '${PG_HOME[$name]}/ca.crt'"
	fi
}

# pg_start NAME [trust|scram|ssl|ssl-trust]: initdb and start a primary
# (see the top of this file for the modes); returns 1 (reason in $PG_WHY)
# when it does not come up.
pg_start() {
	local name=$1 mode=${2:-trust}
	case $mode in
	trust | scram | ssl | ssl-trust) ;;
	*)
		PG_WHY="pg_start: unknown mode $mode"
		return 1
		;;
	esac
	pg_mkhome "$name" || return 1
	if ! pg_run initdb -D "${PG_DATA[$name]}" -A trust -U "$PG_ADMIN" \
		-E UTF8 --locale=C --no-sync >"${PG_HOME[$name]}/initdb.log" 2>&1; then
		PG_WHY="initdb failed: $(tail -n 3 "${PG_HOME[$name]}/initdb.log")"
		return 1
	fi
	if [[ $mode == ssl* ]] && ! pg_install_server_certs "$name"; then
		return 1
	fi
	pg_conf "$name" "$mode" >>"${PG_DATA[$name]}/postgresql.conf"
	pg_hba "$mode" >"${PG_DATA[$name]}/pg_hba.conf"
	pg_ctl_start "$name"
}

# pg_ctl_start NAME: start the server on a free port (a few tries: another
# process may take the port first); waits until it accepts connections.
pg_ctl_start() {
	local name=$1 port pgconf=${PG_DATA[$1]}/postgresql.conf
	for _ in 1 2 3 4 5; do
		port=$(pg_free_port) || break
		echo "port = $port" >>"$pgconf"
		PG_PORT[$name]=$port
		if pg_run pg_ctl -D "${PG_DATA[$name]}" -l "${PG_LOG[$name]}" \
			-w -t 60 start >"${PG_HOME[$name]}/pg_ctl.log" 2>&1; then
			return 0
		fi
		grep -q 'could not bind\|Address already in use' \
			"${PG_LOG[$name]}" 2>/dev/null || break
	done
	PG_WHY="server $name does not start: $(tail -n 3 "${PG_LOG[$name]}" 2>/dev/null)"
	return 1
}

# pg_psql NAME DB [ARGS...]: psql as the superuser through the server's
# socket, unaligned, tuples only, stopping at the first error.
pg_psql() {
	local name=$1 db=${2:-postgres}
	shift
	(($#)) && shift
	pg_run psql -X -q -At -v ON_ERROR_STOP=1 -h "${PG_SOCK[$name]}" \
		-p "${PG_PORT[$name]}" -U "$PG_ADMIN" -d "$db" "$@"
}

# pg_psql_file NAME DB ROLE FILE: the SQL in FILE (read by us, given to
# psql on its standard input: the servers' account may not reach FILE)
# as ROLE through the socket, stopping at the first error.
pg_psql_file() {
	pg_run psql -X -q -v ON_ERROR_STOP=1 -h "${PG_SOCK[$1]}" \
		-p "${PG_PORT[$1]}" -U "$3" -d "$2" -f - <"$4"
}

# pg_sql_quote TEXT: TEXT as an SQL string literal.
pg_sql_quote() {
	printf "'%s'" "${1//\'/\'\'}"
}

# pg_create_role NAME ROLE [PASSWORD]: a login role on NAME (with the
# password, stored as SCRAM), unless one of that name exists.
pg_create_role() {
	local name=$1 role=$2 pw=${3:-}
	local sql="CREATE ROLE \"$role\" LOGIN"
	[[ -n $pw ]] && sql+=" PASSWORD $(pg_sql_quote "$pw")"
	[[ -n $(pg_psql "$name" postgres -c "SELECT 1 FROM pg_roles WHERE rolname = $(pg_sql_quote "$role")") ]] &&
		return 0
	pg_psql "$name" postgres -c "$sql"
}

# pg_create_db NAME DB ROLE [PASSWORD]: a login role (pg_create_role)
# owning a new database DB.
pg_create_db() {
	pg_create_role "$1" "$3" "${4:-}" &&
		pg_psql "$1" postgres -c "CREATE DATABASE \"$2\" OWNER \"$3\""
}

# pg_grant NAME DB ROLE: ROLE may read and write every table of the
# pam_mfa schema in DB (made by pg_store_init or the shipped SQL), as a
# site grants its hosts' role.
pg_grant() {
	pg_psql "$1" "$2" -c "GRANT USAGE ON SCHEMA pam_mfa TO \"$3\"; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pam_mfa TO \"$3\""
}

# pg_hba_add NAME LINE: LINE first in NAME's pg_hba.conf (it wins over
# the mode's lines), then a reload.
pg_hba_add() {
	local hba=${PG_DATA[$1]}/pg_hba.conf rest
	rest=$(cat "$hba") || return 1
	printf '%s\n%s\n' "$2" "$rest" >"$hba" &&
		pg_psql "$1" postgres -c "SELECT pg_reload_conf()" >/dev/null
}

# pg_set NAME KEY VALUE: a server setting that a reload applies.
pg_set() {
	pg_psql "$1" postgres -c "ALTER SYSTEM SET $2 = $(pg_sql_quote "$3")" &&
		pg_psql "$1" postgres -c "SELECT pg_reload_conf()" >/dev/null
}

# pg_pid NAME: the postmaster's PID (first line of postmaster.pid).
pg_pid() {
	local pid
	[[ -n ${PG_DATA[$1]:-} ]] || return 1
	read -r pid 2>/dev/null <"${PG_DATA[$1]}/postmaster.pid" || return 1
	[[ $pid =~ ^[1-9][0-9]*$ ]] || return 1
	echo "$pid"
}

# pg_pid_alive PID: PID is a live postgres process (not a recycled PID).
pg_pid_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	[[ $(ps -o comm= -p "$1" 2>/dev/null) == postgres* ]]
}

# pg_stop NAME [fast|immediate]: stop the server by its PID (continued
# first, should it be stopped by pg_freeze) and wait until it has gone.
# Returns 1 if it is still there after 30 s (then killed).
pg_stop() {
	local name=$1 sig=INT pid
	[[ ${2:-fast} == immediate ]] && sig=QUIT
	pid=$(pg_pid "$name") || return 0
	pg_pid_alive "$pid" || return 0
	kill -CONT "$pid" 2>/dev/null
	kill -"$sig" "$pid" 2>/dev/null
	for _ in $(seq 600); do
		pg_pid_alive "$pid" || return 0
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	return 1
}

# pg_restart NAME: start a stopped server again, on the same port.
pg_restart() {
	pg_run pg_ctl -D "${PG_DATA[$1]}" -l "${PG_LOG[$1]}" -w -t 60 start \
		>>"${PG_HOME[$1]}/pg_ctl.log" 2>&1 || {
		PG_WHY="server $1 does not start again: $(tail -n 3 "${PG_LOG[$1]}")"
		return 1
	}
}

# pg_freeze NAME / pg_thaw NAME: kill -STOP / -CONT the postmaster: the
# kernel still accepts connections, nothing answers them.
pg_freeze() {
	local pid
	pid=$(pg_pid "$1") && kill -STOP "$pid"
}
pg_thaw() {
	local pid
	pid=$(pg_pid "$1") && kill -CONT "$pid"
}

# pg_cleanup: every server stopped (immediately: the data is thrown away).
pg_cleanup() {
	local n
	for n in "${PG_NAMES[@]}"; do
		pg_stop "$n" immediate
	done
}

# pg_exit: pg_cleanup, then $PG_DIR removed, and the test base if
# pg_init made it (the EXIT trap of pg_init).
pg_exit() {
	pg_cleanup
	[[ -n $PG_DIR ]] && rm -rf -- "$PG_DIR"
	PG_DIR=''
	if [[ -n $PG_BASE_MINE ]]; then
		mfa_test_base_leave
		PG_BASE_MINE=''
	fi
}

# pg_cert KEYFILE CERTFILE SUBJECT CA EXTENSIONS: a P-256 key and a
# certificate for it signed by CA (CA.crt, CA.key), valid for 3 days.
pg_cert() {
	local key=$1 crt=$2 subj=$3 ca=$4 ext=$5
	printf '%s\n' "$ext" >"$crt.ext"
	openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-keyout "$key" -out "$crt.csr" -subj "$subj" 2>/dev/null &&
		openssl x509 -req -in "$crt.csr" -CA "$ca.crt" -CAkey "$ca.key" \
			-set_serial "0x$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')" \
			-days 3 -extfile "$crt.ext" -out "$crt" 2>/dev/null &&
		chmod 0600 "$key" && rm -f "$crt.csr" "$crt.ext"
}

# pg_ca NAME: a self-signed CA $PG_TLS/NAME.{crt,key}.
pg_ca() {
	openssl req -x509 -new -nodes -newkey ec \
		-pkeyopt ec_paramgen_curve:prime256v1 -keyout "$PG_TLS/$1.key" \
		-out "$PG_TLS/$1.crt" -days 3 -subj "/CN=pam_mfa test $1" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}

# pg_make_certs ROLE: in $PG_TLS, a CA (ca.crt), a server certificate for
# 127.0.0.1 and localhost (server.crt, server.key), a client certificate
# whose CN is ROLE (client.crt, client.key: mode 0600, ours), and a second
# CA that signed none of them (other-ca.crt).
pg_make_certs() {
	local role=$1
	PG_WHY="openssl could not make the certificates"
	[[ -d $PG_TLS ]] || mkdir -m 0700 "$PG_TLS" || return 1
	pg_ca ca && pg_ca other-ca || return 1
	pg_cert "$PG_TLS/server.key" "$PG_TLS/server.crt" "/CN=127.0.0.1" \
		"$PG_TLS/ca" "subjectAltName = IP:127.0.0.1, DNS:localhost
extendedKeyUsage = serverAuth
basicConstraints = CA:FALSE" || return 1
	pg_cert "$PG_TLS/client.key" "$PG_TLS/client.crt" "/CN=$role" \
		"$PG_TLS/ca" "extendedKeyUsage = clientAuth
basicConstraints = CA:FALSE" || return 1
	PG_WHY=''
}

# pg_install_server_certs NAME: the CA and the server's key and
# certificate in the server's directory, owned by the server's owner.
pg_install_server_certs() {
	local home=${PG_HOME[$1]}
	if [[ ! -f $PG_TLS/server.crt ]]; then
		PG_WHY="no certificates: call pg_make_certs first"
		return 1
	fi
	install -m 0600 "$PG_TLS/ca.crt" "$PG_TLS/server.crt" \
		"$PG_TLS/server.key" "$home/" &&
		{ [[ $PG_OWNER == "$(id -un)" ]] ||
			chown "$PG_OWNER:" "$home/ca.crt" "$home/server.crt" \
				"$home/server.key"; }
}

# pg_wait_sql NAME SQL WANT [SECONDS]: poll until SQL returns WANT
# (default: 30 s); returns 1 on time-out.
pg_wait_sql() {
	local name=$1 sql=$2 want=$3 end=$((SECONDS + ${4:-30}))
	while ((SECONDS <= end)); do
		[[ $(pg_psql "$name" postgres -c "$sql" 2>/dev/null) == "$want" ]] &&
			return 0
		sleep 0.05
	done
	return 1
}

# pg_start_standby PRIMARY NAME: a streaming standby of PRIMARY on its own
# port, made synchronous (PRIMARY's synchronous_standby_names); returns
# once PRIMARY's pg_stat_replication says sync, 1 otherwise.
pg_start_standby() {
	local primary=$1 name=$2 data
	pg_mkhome "$name" || return 1
	data=${PG_DATA[$name]}
	if ! pg_run pg_basebackup -h "${PG_SOCK[$primary]}" \
		-p "${PG_PORT[$primary]}" -U "$PG_ADMIN" -D "$data" -R -X stream \
		-c fast -N >"${PG_HOME[$name]}/basebackup.log" 2>&1; then
		PG_WHY="pg_basebackup failed: $(tail -n 3 "${PG_HOME[$name]}/basebackup.log")"
		return 1
	fi
	# Its own socket; application_name is the name the primary waits for.
	echo "unix_socket_directories = '${PG_SOCK[$name]}'" \
		>>"$data/postgresql.conf"
	echo "primary_conninfo = 'host=${PG_SOCK[$primary]} port=${PG_PORT[$primary]} user=$PG_ADMIN application_name=$name'" \
		>>"$data/postgresql.auto.conf"
	pg_ctl_start "$name" || return 1
	pg_set "$primary" synchronous_standby_names "$name" || return 1
	pg_wait_sql "$primary" "SELECT sync_state FROM pg_stat_replication WHERE application_name = '$name'" sync || {
		PG_WHY="standby $name is not synchronous: $(pg_psql "$primary" postgres -c 'SELECT application_name, state, sync_state FROM pg_stat_replication' 2>&1)"
		return 1
	}
}

# pg_promote NAME: the standby leaves recovery and accepts writes.
pg_promote() {
	pg_run pg_ctl -D "${PG_DATA[$1]}" -w -t 60 promote \
		>>"${PG_HOME[$1]}/pg_ctl.log" 2>&1 &&
		pg_wait_sql "$1" "SELECT pg_is_in_recovery()" f
}

# pg_conninfo NAME DB ROLE [WORD...]: the libpq connection string of ROLE
# to DB on NAME over TCP, plus the WORDs ("key=value").
pg_conninfo() {
	local s="host=127.0.0.1 port=${PG_PORT[$1]} dbname=$2 user=$3"
	shift 3
	(($#)) && s+=" $*"
	echo "$s"
}

# pg_conninfo_file PATH WORD...: one connection string (the WORDs) in
# PATH, mode 0600, owned by us (root in the module's tests).
pg_conninfo_file() {
	local path=$1
	shift
	(umask 077 && printf '%s\n' "$*" >"$path") && chmod 0600 "$path"
}

# pg_store_lines CONNFILE [LINE...]: the lines of a pam_mfa.conf that put
# the state in PostgreSQL through the connection file CONNFILE, with the
# plug-in of the build under test ($MFA_BUILD/plugins), then the LINEs.
pg_store_lines() {
	printf '%s\n' "store = postgresql" "store_conninfo = $1" \
		"plugin_dir = ${MFA_BUILD:-$PWD/build/default}/plugins" "${@:2}"
}

# pg_store_init CONF: the schema in the database CONF's store_conninfo
# names, made (or upgraded) as a site does it: mfa-enroll --conf CONF
# store init, of the build under test.  Its status and output.
pg_store_init() {
	timeout 60 "${MFA_BUILD:-$PWD/build/default}/mfa-enroll" --conf "$1" \
		store init
}
