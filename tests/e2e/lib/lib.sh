# shellcheck shell=bash disable=SC2034,SC2119,SC2120 # variables for the suites
# tests/e2e/lib/lib.sh - real logins end to end: a real user, a real sshd,
# su and login, the real pam_mfa.so, driven by expect.  Sourced by the
# suites tests/e2e/*.sh; it lives in lib/ because run.sh runs every
# tests/e2e/*.sh as a suite.
#
# e2e_init SUITE sets up, as root only (otherwise one "SKIP: e2e (needs
# root)" line and exit 0):
#   $DIR        private test directory below tests/lib/testdir.sh's base
#               (removed on exit unless E2E_KEEP=1; on a failure the log
#               tails are printed)
#   $E2E_USER   a fresh account (useradd -m, home under /home), password
#               $E2E_PASSWORD, ed25519 key $DIR/id_ed25519 in authorized_keys
#               (e2e_user_add TAG adds another one, which becomes $E2E_USER;
#               $E2E_PASSWORDS lists every password handed out)
#   $CONF       pam_mfa.conf (mode 0600) with state_dir = $DIR/state
#   $E2E_LOG    syslog lines of every wrapped process (see lib/logshim.c)
# Everything is undone in an EXIT trap: processes by PID, the user
# (userdel -r), pam_wrapper's stale /tmp/pam.X directories, $DIR.
#
# Times: the module runs with the real clock; codes come from oathtool
# right before they are sent; e2e_fresh_code never hands out a time step
# twice (the module accepts each step once), using the next step (window=1)
# or waiting for it when needed.  e2e_enrol verifies with the code of the
# previous step, so a new enrolment has two fresh steps (this one and the
# next) before e2e_fresh_code has to wait: a suite that needs more codes
# without waiting uses one user (and enrolment) per scenario.

SRC=${MFA_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
BUILDDIR=${MFA_BUILD:-$SRC/build/default}
MODULE=$BUILDDIR/pam_mfa.so
ENROLL=$BUILDDIR/mfa-enroll
E2E_LIB=$SRC/tests/e2e/lib
failed=0
# shellcheck source=tests/lib/testdir.sh
. "$SRC/tests/lib/testdir.sh"
# shellcheck source=tests/lib/statetext.sh
. "$SRC/tests/lib/statetext.sh"

pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1"
	failed=1
}
skip() { echo "SKIP: $1"; }

# check NAME CONDITION-STATUS [DETAIL]: PASS or FAIL from a status.
check() {
	if [[ $2 == 0 ]]; then pass "$1"; else fail "$1${3:+: $3}"; fi
}

# Debian package that provides each tool, for the SKIP message.
declare -A E2E_PKG=([sshd]=openssh-server [ssh]=openssh-client
	[ssh-keygen]=openssh-client [expect]=expect [oathtool]=oathtool
	[useradd]=passwd [chpasswd]=passwd [userdel]=passwd [cc]=gcc
	[base32]=coreutils [su]=util-linux [login]=login)

# e2e_init SUITE: returns only when everything is ready (exits otherwise).
e2e_init() {
	local suite=$1 t
	E2E_SUITE=$suite
	if [[ $(id -u) != 0 ]]; then
		skip "e2e (needs root)"
		exit 0
	fi
	for t in sshd ssh ssh-keygen expect oathtool useradd chpasswd userdel \
		cc base32 su login; do
		if ! command -v "$t" >/dev/null && [[ ! -x /usr/sbin/$t ]]; then
			skip "$suite ($t missing: install ${E2E_PKG[$t]})"
			exit 0
		fi
	done
	E2E_WRAPPER=$(e2e_find_lib libpam_wrapper.so) || {
		skip "$suite (libpam_wrapper.so missing: install libpam-wrapper)"
		exit 0
	}
	if [[ ! -f $MODULE ]]; then
		fail "$suite: $MODULE not built (run make)"
		exit 0
	fi
	# Below the one private base (tests/lib/testdir.sh), not /tmp: the
	# module refuses paths under a world-writable directory.  0755 so the
	# test user can reach what mfa-enroll writes as that user.
	mfa_test_base_enter "$BUILDDIR" || {
		fail "$suite: no private directory for the fixtures"
		exit 0
	}
	DIR=$(mktemp -d "$MFA_TEST_BASE/e2e-$suite.XXXXXX") || exit 1
	chmod 0755 "$DIR"
	E2E_PIDS=()
	E2E_USER=
	E2E_USERS=()
	E2E_PASSWORDS=()
	trap e2e_cleanup EXIT
	trap 'exit 130' INT TERM
	e2e_build_shim || {
		fail "$suite: cannot build the syslog shim (see $DIR/shim.err)"
		exit 0
	}
	mkdir -p "$DIR/pam.d"
	# Without "other", libpam logs an error at every pam_start.
	printf '%s required pam_deny.so\n' auth account password session \
		>"$DIR/pam.d/other"
	CONF=$DIR/pam_mfa.conf
	e2e_conf
	E2E_LAST_STEP=0
	E2E_N=0
	SSHD_PID=
	E2E_LOG_MARK=0
	SSHD_LOG_MARK=0
}

e2e_find_lib() {
	local d
	for d in /usr/lib/*-linux-gnu /usr/lib64 /usr/lib /lib/*-linux-gnu; do
		[[ -f $d/$1 ]] && {
			echo "$d/$1"
			return 0
		}
	done
	return 1
}

# The shim makes pam_syslog/syslog lines land in $E2E_LOG, even inside
# sshd's PAM child, whose environment sshd empties.
e2e_build_shim() {
	E2E_LOG=$DIR/syslog.log
	: >"$E2E_LOG"
	chmod 0600 "$E2E_LOG"
	${CC:-cc} -std=gnu11 -shared -fPIC -O2 -Wall -Wextra -o "$DIR/logshim.so" \
		"$E2E_LIB/logshim.c" -ldl 2>"$DIR/shim.err"
}

# The LD_PRELOAD value for a wrapped program: (libasan,) shim, pam_wrapper.
e2e_preload() {
	local pre="$DIR/logshim.so:$E2E_WRAPPER" crypt
	if [[ ${SANITIZE:-} == 1 ]]; then
		# ASan intercepts crypt_r; when libcrypt arrives only later
		# with pam_unix (su does not link it), the interceptor calls
		# NULL.  Preloading libcrypt lets ASan find the real one.
		crypt=$(e2e_find_lib libcrypt.so.1) && pre="$crypt:$pre"
		pre="$(gcc -print-file-name=libasan.so):$pre"
	fi
	echo "$pre"
}

# The environment words for a wrapped program (env(1) syntax).
e2e_wrap_env() {
	local w=("LD_PRELOAD=$(e2e_preload)" PAM_WRAPPER=1
		"PAM_WRAPPER_SERVICE_DIR=$DIR/pam.d" "MFA_E2E_LOG=$E2E_LOG")
	if [[ ${SANITIZE:-} == 1 ]]; then
		# sshd, su and login are not built with ASan: their own leaks
		# are not ours.  Reports go to files checked by e2e_finish.
		# pam_wrapper 1.1.4 reads UID_WRAPPER_DISABLE_DEEPBIND (sic).
		w+=(PAM_WRAPPER_DISABLE_DEEPBIND=1 UID_WRAPPER_DISABLE_DEEPBIND=1
			"ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:log_path=$DIR/asan")
	fi
	echo "${w[*]}"
}

# e2e_conf [LINE...]: (re)write pam_mfa.conf: the state directory plus
# LINEs ("key = value").  Read afresh by every login and by mfa-enroll.
e2e_conf() {
	{
		echo "# pam_mfa.conf for the end-to-end tests"
		echo "state_dir = $DIR/state"
		printf '%s\n' "$@"
	} >"$CONF"
	chmod 0600 "$CONF"
}

# e2e_user_add [TAG]: a fresh account with a password and a key (the same
# key $DIR/id_ed25519 for every account of the suite); it becomes
# $E2E_USER.  TAG (a few lower-case letters) names a further account.
e2e_user_add() {
	E2E_USER=mfae2e${E2E_SUITE:0:3}${1:-}$$
	E2E_PASSWORD=Pw-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
	if ! useradd -m -d "/home/$E2E_USER" -s /bin/bash "$E2E_USER" \
		2>"$DIR/useradd.err"; then
		E2E_USER=
		fail "$E2E_SUITE: useradd: $(cat "$DIR/useradd.err")"
		exit 0
	fi
	E2E_USERS+=("$E2E_USER")
	E2E_PASSWORDS+=("$E2E_PASSWORD")
	E2E_HOME=/home/$E2E_USER
	echo "$E2E_USER:$E2E_PASSWORD" | chpasswd
	[[ -f $DIR/id_ed25519 ]] ||
		ssh-keygen -q -t ed25519 -N '' -C e2e -f "$DIR/id_ed25519"
	install -d -o "$E2E_USER" -g "$E2E_USER" -m 0700 "$E2E_HOME/.ssh"
	install -o "$E2E_USER" -g "$E2E_USER" -m 0600 "$DIR/id_ed25519.pub" \
		"$E2E_HOME/.ssh/authorized_keys"
}

# A random 160-bit secret, canonical base32.
e2e_new_secret() { head -c 20 /dev/urandom | base32 | tr -d '=\n'; }

# totp_at UNIXTIME: the code of $E2E_SECRET at that time.
totp_at() { oathtool --totp -b "$E2E_SECRET" -N "@$1"; }

# e2e_enrol: enrol $E2E_USER with a new secret through mfa-enroll as root
# (which also marks the user enrolled in the state); when mfa-enroll does
# not work yet, write the secret file by hand (TOTP only).  Sets
# E2E_SECRET and the used-step bookkeeping (a new enrolment has its own
# replay state, and root's enrolment uses up the step of its --code).
e2e_enrol() {
	local t step
	E2E_SECRET=$(e2e_new_secret)
	E2E_LAST_STEP=0
	# The code of the previous step (window=1 accepts it), so that this
	# step and the next stay free for logins.  In the last seconds of a
	# step the previous one could leave the window before mfa-enroll
	# checks it: wait for the next step first (at most 6 s).
	t=$(date +%s)
	if ((t % 30 >= 24)); then
		sleep $((30 - t % 30))
		t=$(date +%s)
	fi
	step=$((t / 30 - 1))
	if [[ -x $ENROLL ]] && timeout 20 "$ENROLL" --conf "$CONF" \
		--user "$E2E_USER" --secret "$E2E_SECRET" \
		--code "$(totp_at $((step * 30)))" >"$DIR/enrol.out" 2>&1; then
		E2E_ENROLLED_BY=mfa-enroll
		# Root's enrolment uses up the step it verified (replay floor).
		E2E_LAST_STEP=$step
		return 0
	fi
	E2E_ENROLLED_BY=hand
	e2e_write_secret_file
}

e2e_write_secret_file() {
	local f=$E2E_HOME/.pam_mfa
	{
		echo "# pam_mfa enrolment file, written by the e2e tests"
		echo "pam_mfa-secret 1"
		echo "id $(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
		echo "created $(date +%s)"
		echo "totp-secret $E2E_SECRET"
	} >"$f"
	chown "$E2E_USER:$E2E_USER" "$f"
	chmod 0600 "$f"
}

# e2e_fresh_code: set E2E_CODE to a code whose time step was never handed
# out before (this step if unused, else the next one, which window=1
# accepts; else wait for the next step).
e2e_fresh_code() {
	local now cur
	now=$(date +%s)
	cur=$((now / 30))
	if ((cur <= E2E_LAST_STEP - 1)); then
		sleep $(((cur + 1) * 30 - now))
		now=$(date +%s)
		cur=$((now / 30))
	fi
	if ((cur > E2E_LAST_STEP)); then
		E2E_LAST_STEP=$cur
		E2E_CODE=$(totp_at "$now")
	else
		E2E_LAST_STEP=$((cur + 1))
		E2E_CODE=$(totp_at $((now + 30)))
	fi
}

# e2e_wrong_code: set E2E_CODE to 6 digits that match no step near now.
e2e_wrong_code() {
	local now near c i
	now=$(date +%s)
	near=" "
	for i in -3 -2 -1 0 1 2 3; do
		near+="$(totp_at $((now + 30 * i))) "
	done
	c=$(((10#$(totp_at "$now") + 500000) % 1000000))
	while [[ $near == *" $(printf '%06d' "$c") "* ]]; do
		c=$(((c + 7919) % 1000000))
	done
	E2E_CODE=$(printf '%06d' "$c")
}

# ---- sshd ----

e2e_free_port() {
	/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# e2e_sshd_start METHODS PASSWORDAUTH: (re)start sshd with
# AuthenticationMethods METHODS ("" = unset) and PasswordAuthentication
# yes|no, its PAM stack $DIR/pam.d/sshd (the auth lines from $E2E_SSHD_AUTH
# when it is set, else pam_unix then pam_mfa).  Sets SSHD_PORT, SSHD_PID,
# SSHD_LOG.  Returns 1 (after a FAIL line) if it does not come up.
e2e_sshd_start() {
	local methods=$1 pwauth=$2 try i
	e2e_sshd_stop
	[[ -f $DIR/hostkey ]] || ssh-keygen -q -t ed25519 -N '' -f "$DIR/hostkey"
	cat >"$DIR/pam.d/sshd" <<-EOF
		${E2E_SSHD_AUTH:-auth required pam_unix.so nodelay
		auth required $MODULE conf=$CONF}
		account required pam_unix.so
		session required pam_permit.so
	EOF
	mkdir -p /run/sshd
	SSHD_LOG=$DIR/sshd.log
	for try in 1 2 3; do
		SSHD_PORT=$(e2e_free_port)
		{
			echo "ListenAddress 127.0.0.1"
			echo "Port $SSHD_PORT"
			echo "HostKey $DIR/hostkey"
			echo "PidFile $DIR/sshd.pid"
			echo "StrictModes no"
			echo "UsePAM yes"
			echo "KbdInteractiveAuthentication yes"
			echo "PasswordAuthentication $pwauth"
			echo "PubkeyAuthentication yes"
			echo "PermitRootLogin no"
			echo "LogLevel VERBOSE"
			[[ -n $methods ]] && echo "AuthenticationMethods $methods"
		} >"$DIR/sshd_config"
		if ! /usr/sbin/sshd -t -f "$DIR/sshd_config" 2>"$DIR/sshd-t.err"; then
			fail "sshd -t rejects the test config: $(cat "$DIR/sshd-t.err")"
			return 1
		fi
		echo "---- sshd start: methods=${methods:-unset} password=$pwauth" \
			>>"$SSHD_LOG"
		# shellcheck disable=SC2046 # word splitting of VAR=VALUE wanted
		env $(e2e_wrap_env) /usr/sbin/sshd -D -e -f "$DIR/sshd_config" \
			2>>"$SSHD_LOG" &
		SSHD_PID=$!
		E2E_PIDS+=("$SSHD_PID")
		for i in $(seq 50); do
			if ss -ltn "sport = :$SSHD_PORT" | grep -q LISTEN; then
				return 0
			fi
			kill -0 "$SSHD_PID" 2>/dev/null || break
			sleep 0.1
		done
		e2e_sshd_stop
	done
	fail "sshd does not start: $(tail -n 5 "$SSHD_LOG")"
	return 1
}

e2e_sshd_stop() {
	[[ -n ${SSHD_PID:-} ]] || return 0
	kill "$SSHD_PID" 2>/dev/null
	wait "$SSHD_PID" 2>/dev/null
	SSHD_PID=
}

# e2e_ssh PREF KEY CODES...: one login (lib/ssh_login.exp) running
# `echo $TOKEN-$((6*7))`; the transcript in $OUT, the status in $RC.
e2e_ssh() {
	local pref=$1 key=$2
	shift 2
	TOKEN=ok$RANDOM$RANDOM
	OUT=$DIR/out.$((++E2E_N))
	E2E_PORT=$SSHD_PORT E2E_USER=$E2E_USER E2E_DIR=$DIR E2E_PREF=$pref \
		E2E_KEY=$key E2E_PASSWORD=${E2E_PW_OVERRIDE:-$E2E_PASSWORD} \
		E2E_CODES="$*" E2E_CMD="echo $TOKEN-\$((6*7))" \
		timeout 60 expect -f "$E2E_LIB/ssh_login.exp" >"$OUT" 2>&1
	RC=$?
	tr -d '\r' <"$OUT" >"$OUT.txt" && mv "$OUT.txt" "$OUT"
}

# e2e_console MODE CODES...: su or login (lib/console_login.exp).
e2e_console() {
	local mode=$1
	shift
	TOKEN=ok$RANDOM$RANDOM
	OUT=$DIR/out.$((++E2E_N))
	E2E_MODE=$mode E2E_USER=$E2E_USER \
		E2E_PASSWORD=${E2E_PW_OVERRIDE:-$E2E_PASSWORD} E2E_CODES="$*" \
		E2E_TOKEN=$TOKEN E2E_ENV="$(e2e_wrap_env)" \
		timeout 90 expect -f "$E2E_LIB/console_login.exp" >"$OUT" 2>&1
	RC=$?
	tr -d '\r' <"$OUT" >"$OUT.txt" && mv "$OUT.txt" "$OUT"
}

# What the last login showed.
ran() { grep -q "$TOKEN-42" "$OUT"; } # only a shell computes 42
shown() { grep -qF -- "$1" "$OUT"; }
prompts() { grep -o "code-prompts=[0-9]*" "$OUT" | tail -n 1 | cut -d= -f2; }
trusts() { grep -o "trust-prompts=[0-9]*" "$OUT" | tail -n 1 | cut -d= -f2; }
# why: a short description of the last login for FAIL lines.
why() {
	echo "rc=$RC, transcript: $(grep -v '^spawn ' "$OUT" | tr '\n' '|' |
		cut -c1-600)"
}

# log_has REGEX: the module logged a matching decision line since the mark
# set by log_mark (decision lines are checked per login, not overall).
log_mark() {
	E2E_LOG_MARK=$(wc -l <"$E2E_LOG")
	SSHD_LOG_MARK=0
	[[ -f ${SSHD_LOG:-} ]] && SSHD_LOG_MARK=$(wc -l <"$SSHD_LOG")
}
log_new() { tail -n +$((E2E_LOG_MARK + 1)) "$E2E_LOG"; }
# sshd_log_has REGEX: the same for sshd's own log.
sshd_log_has() { tail -n +$((SSHD_LOG_MARK + 1)) "$SSHD_LOG" | grep -qE -- "$1"; }
log_has() { log_new | grep -qE -- "$1"; }

# ---- clean-up ----

# pam_wrapper copies the service dir to /tmp/pam.X per process and removes
# it at exit; processes that _exit (sshd's children do) leave it.  Remove
# only directories whose owner process is gone.
e2e_clean_pamdirs() {
	local d pid
	for d in /tmp/pam.?; do
		[[ -f $d/pid ]] || continue
		pid=$(cat "$d/pid" 2>/dev/null) || continue
		[[ $pid =~ ^[0-9]+$ ]] || continue
		kill -0 "$pid" 2>/dev/null || rm -rf "$d"
	done
}

# e2e_user_del: remove every account e2e_user_add made.
e2e_user_del() {
	local i pids u
	for u in "${E2E_USERS[@]}"; do
		for i in 1 2 3 4 5; do
			userdel -r "$u" 2>/dev/null && break
			# Still in use: a session of this test's own user
			# winding down.
			mapfile -t pids < <(ps -o pid= -u "$u" 2>/dev/null | tr -d ' ')
			((${#pids[@]})) && kill "${pids[@]}" 2>/dev/null
			sleep 0.5
		done
		id "$u" >/dev/null 2>&1 && echo "warning: could not remove $u" >&2
	done
	E2E_USERS=()
	E2E_USER=
}

e2e_sanitizer_check() {
	[[ ${SANITIZE:-} == 1 ]] || return 0
	if compgen -G "$DIR/asan.*" >/dev/null; then
		fail "$E2E_SUITE: sanitizer report: $(head -c 2000 "$DIR"/asan.*)"
	else
		pass "$E2E_SUITE: no sanitizer report from the wrapped programs"
	fi
}

e2e_cleanup() {
	local p
	e2e_sshd_stop
	for p in "${E2E_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	e2e_user_del
	e2e_clean_pamdirs
	if [[ $failed == 1 ]]; then
		[[ -f ${SSHD_LOG:-} ]] &&
			{ echo "---- sshd log (tail)"; tail -n 30 "$SSHD_LOG"; } >&2
		[[ -f ${E2E_LOG:-} ]] &&
			{ echo "---- syslog (tail)"; tail -n 30 "$E2E_LOG"; } >&2
	fi
	if [[ ${E2E_KEEP:-0} == 1 ]]; then
		echo "e2e: test directory kept: $DIR" >&2
	else
		rm -rf "$DIR"
		mfa_test_base_leave
	fi
}

