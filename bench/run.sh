#!/usr/bin/env bash
# bench/run.sh - run the login benchmark (make bench) with BUILD set to the
# build directory; prints the table on standard output.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/default}
pre=libpam_wrapper.so
if [[ ${SANITIZE:-} == 1 ]]; then
	# Numbers from a sanitizer build say nothing; run it only as a check.
	echo "bench: SANITIZE=1 build: timings are not representative" >&2
	pre="$(gcc -print-file-name=libasan.so):$pre"
	export PAM_WRAPPER_DISABLE_DEEPBIND=1
fi
for lib in libpam_wrapper.so libnss_wrapper.so; do
	# Not "ldconfig -p | grep -q": with pipefail, ldconfig's SIGPIPE once
	# grep has its match would count as "missing".
	if ! grep -q "$lib" < <(ldconfig -p); then
		echo "bench: $lib missing: apt-get install libpam-wrapper libnss-wrapper" >&2
		exit 2
	fi
done
export PAM_WRAPPER_PRELOAD=$pre
# Private scratch space: the module refuses files below a world-writable
# directory such as /tmp.  pam_mfa checks every directory on the way to its
# files (DESIGN §2), so their depth is part of its cost: as root the fixture
# goes where an installed module's files are, as deep as /var/lib/pam_mfa
# (and on the same file system); otherwise inside the build tree, deeper.
if [[ $(id -u) == 0 ]] && tmp=$(mktemp -d /var/lib/mfa-bench.XXXXXX); then
	:
else
	mkdir -p "$BUILD/tmp" && chmod 0700 "$BUILD/tmp"
	tmp=$(mktemp -d "$PWD/$BUILD/tmp/bench.XXXXXX")
fi
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp
echo "fixture: $tmp (configuration, state and homes below it)"

# pam_mfa with store = postgresql beside the file store: two private
# servers on loopback (tests/lib/pg.sh), plain and TLS (verify-full, a
# client certificate), fsync on as in production; the tables made by the
# plug-in's own SQL; one pam_mfa.conf each (MFA_BENCH_PG*_CONF).
# bench_store_conf NAME VAR [CONNINFO-WORDS...]: server NAME, its
# configuration's path exported in VAR.
bench_store_conf() {
	local name=$1 var=$2 conf=$tmp/$1.conf
	shift 2
	pg_start "$name" "$([[ $name == pgtls ]] && echo ssl || echo trust)" &&
		pg_create_db "$name" mfa mfa &&
		pg_psql_file "$name" mfa mfa pgsql/schema.sql \
			>"$tmp/$name.schema.log" 2>&1 || return 1
	pg_conninfo_file "$tmp/$name.conninfo" "$(pg_conninfo "$name" mfa mfa "$@")"
	MFA_BUILD=$PWD/$BUILD pg_store_lines "$tmp/$name.conninfo" >"$conf"
	chmod 0600 "$conf"
	export "$var=$conf"
}
if [[ -f $BUILD/plugins/pam_mfa_store_pgsql.so && -f pgsql/schema.sql ]]; then
	# shellcheck source=tests/lib/testdir.sh
	. tests/lib/testdir.sh
	# shellcheck source=tests/lib/pg.sh
	. tests/lib/pg.sh
	chmod 0711 "$tmp" # the servers' account passes through
	export MFA_TEST_BASE=$tmp PG_FSYNC=on
	if pg_init && pg_make_certs mfa &&
		bench_store_conf pg MFA_BENCH_PG_CONF &&
		bench_store_conf pgtls MFA_BENCH_PGTLS_CONF sslmode=verify-full \
			"sslrootcert=$PG_TLS/ca.crt" "sslcert=$PG_TLS/client.crt" \
			"sslkey=$PG_TLS/client.key"; then
		echo "postgresql: $("$PG_BIN/postgres" --version), ports ${PG_PORT[pg]} (plain) and ${PG_PORT[pgtls]} (TLS, verify-full), fsync on"
	else
		unset MFA_BENCH_PG_CONF MFA_BENCH_PGTLS_CONF
		echo "bench: no PostgreSQL servers (${PG_WHY:-see $tmp}): the file store only" >&2
	fi
else
	echo "bench: the PostgreSQL plug-in is not built: the file store only" >&2
fi
echo "command: make bench ($(date -u +%Y-%m-%dT%H:%MZ), $(uname -m), $(nproc) CPUs, $(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
"$PWD/$BUILD/bench/bench" "$PWD/$BUILD/pam_mfa.so"
