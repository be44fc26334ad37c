# shellcheck shell=bash disable=SC2034 # variables for the suites
# tests/lib/pg.sh - private PostgreSQL 15 servers for the tests.
#
# Source it (after tests/lib/testdir.sh), then call pg_init once.  Every
# server lives in one private directory below the test base of
# tests/lib/testdir.sh (never /tmp: the module refuses paths with unsafe
# ancestors), listens on 127.0.0.1 only on a free port, keeps its unix
# socket in a private directory, and is stopped by the PID in its
# postmaster.pid, by pg_stop or, at the latest, by the EXIT trap that
# pg_init installs.  initdb refuses root: as root the servers run as the
# "postgres" account (runuser), otherwise as ourselves.
#
#   pg_init                     check the binaries, make $PG_DIR, set the
#                               trap; returns 1 with the reason in $PG_WHY
#   pg_start NAME [MODE]        a primary: trust (default), scram (host
#                               lines ask for a SCRAM password) or ssl
#                               (ssl = on, only "hostssl ... cert" lines;
#                               pg_make_certs first)
#   pg_create_db NAME DB ROLE [PASSWORD]
#   pg_make_certs ROLE          $PG_TLS/{ca,server,client,other-ca}.*
#   pg_start_standby PRIMARY NAME   a synchronous streaming standby
#   pg_promote NAME             the standby becomes a primary
#   pg_stop NAME [fast|immediate], pg_restart NAME (same port),
#   pg_freeze NAME (kill -STOP),
#   pg_thaw NAME (kill -CONT), pg_pid NAME
#   pg_psql NAME DB [PSQL-ARGS...]   psql as the superuser, unix socket
#   pg_set NAME KEY VALUE       ALTER SYSTEM SET + reload
#   pg_conninfo NAME DB ROLE [WORD...]  a libpq connection string
#   pg_conninfo_file PATH WORD...       that string in a file, mode 0600
#   pg_free_port                a TCP port nobody listens on
#
# Per server NAME: ${PG_PORT[NAME]}, ${PG_DATA[NAME]}, ${PG_SOCK[NAME]},
# ${PG_LOG[NAME]}.  The superuser is $PG_ADMIN (local trust only: the
# socket directory is private to the server's owner and root).
#
# PG_FSYNC (default off) is the servers' fsync setting: the tests stop
# servers, never the machine; make bench sets it on.

PG_BIN=${MFA_PG_BIN:-/usr/lib/postgresql/15/bin}
PG_ADMIN=mfa_pgadmin
PG_FSYNC=${PG_FSYNC:-off}
declare -gA PG_PORT=() PG_DATA=() PG_SOCK=() PG_LOG=() PG_HOME=()
declare -ga PG_NAMES=() PG_AS=()
PG_DIR='' PG_TLS='' PG_OWNER='' PG_WHY=''

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
	mfa_test_base_enter "${MFA_BUILD:-$PWD/build/default}" || {
		PG_WHY="no private directory for the servers"
		return 1
	}
	PG_DIR=$(mktemp -d "$MFA_TEST_BASE/pg.XXXXXX") || {
		PG_WHY="mktemp in $MFA_TEST_BASE failed"
		return 1
	}
	chmod 0711 "$PG_DIR"
	PG_TLS=$PG_DIR/certs
	if [[ $(id -u) == 0 ]]; then
		PG_OWNER=postgres
		PG_AS=(runuser -u postgres --)
		if ! id postgres >/dev/null 2>&1; then
			PG_WHY="no postgres account: install postgresql-15"
			return 1
		fi
		if ! runuser -u postgres -- test -x "$PG_DIR"; then
			PG_WHY="the postgres account cannot reach $PG_DIR (an ancestor is not searchable by others)"
			return 1
		fi
	else
		PG_OWNER=$(id -un)
		PG_AS=()
	fi
	pg_trap_add
}

# pg_trap_add: pg_cleanup first in the EXIT trap, before whatever the
# caller had there (which may remove the directories).
pg_trap_add() {
	local old
	old=$(trap -p EXIT)
	if [[ -n $old ]]; then
		# "trap -- 'COMMAND' EXIT": COMMAND, quoted for eval.
		old=${old#trap -- }
		eval "old=${old% EXIT}"
		# shellcheck disable=SC2064 # the old command, expanded now
		trap "pg_cleanup; $old" EXIT
	else
		trap pg_cleanup EXIT
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
	mkdir -m 0700 "$home" "$home/sock" || {
		PG_WHY="cannot make $home"
		return 1
	}
	[[ $PG_OWNER == "$(id -un)" ]] || chown -R "$PG_OWNER:" "$home"
	PG_HOME[$name]=$home PG_DATA[$name]=$home/data
	PG_SOCK[$name]=$home/sock PG_LOG[$name]=$home/log
	PG_NAMES+=("$name")
}

# pg_hba MODE: the pg_hba.conf of a primary in MODE trust|scram|ssl.  The
# superuser comes in through the private socket only.
pg_hba() {
	echo "local all all trust"
	echo "local replication all trust"
	case $1 in
	trust) echo "host all all 127.0.0.1/32 trust" ;;
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
	echo "max_connections = 60"
	echo "password_encryption = scram-sha-256"
	echo "log_line_prefix = '%m [%p] %q%u@%d '"
	if [[ $mode == ssl ]]; then
		echo "ssl = on"
		echo "ssl_cert_file = '${PG_HOME[$name]}/server.crt'"
		echo "ssl_key_file = '${PG_HOME[$name]}/server.key'"
		echo "ssl_ca_file = '${PG_HOME[$name]}/ca.crt'"
	fi
}

# pg_start NAME [trust|scram|ssl]: initdb and start a primary; returns 1
# (reason in $PG_WHY) when it does not come up.
pg_start() {
	local name=$1 mode=${2:-trust}
	case $mode in
	trust | scram | ssl) ;;
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
	if [[ $mode == ssl ]] && ! pg_install_server_certs "$name"; then
		return 1
	fi
	pg_conf "$name" "$mode" >>"${PG_DATA[$name]}/postgresql.conf"
	pg_hba "$mode" >"${PG_DATA[$name]}/pg_hba.conf"
	pg_ctl_start "$name"
}

# pg_ctl_start NAME: start the server on a free port (a few tries: another
# process may take the port first); waits until it accepts connections.
pg_ctl_start() {
	local name=$1 port conf=${PG_DATA[$1]}/postgresql.conf
	for _ in 1 2 3 4 5; do
		port=$(pg_free_port) || break
		echo "port = $port" >>"$conf"
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

# pg_create_db NAME DB ROLE [PASSWORD]: a login role (with the password,
# SCRAM; made unless it exists) owning a new database DB.
pg_create_db() {
	local name=$1 db=$2 role=$3 pw=${4:-}
	local sql="CREATE ROLE \"$role\" LOGIN"
	[[ -n $pw ]] && sql+=" PASSWORD '${pw//\'/\'\'}'"
	if [[ -z $(pg_psql "$name" postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'") ]]; then
		pg_psql "$name" postgres -c "$sql" || return 1
	fi
	pg_psql "$name" postgres -c "CREATE DATABASE \"$db\" OWNER \"$role\""
}

# pg_set NAME KEY VALUE: a server setting that a reload applies.
pg_set() {
	pg_psql "$1" postgres -c "ALTER SYSTEM SET $2 = '${3//\'/\'\'}'" &&
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
