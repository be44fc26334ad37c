#!/usr/bin/env bash
# tests/sh/enroll_vault.sh - mfa-enroll with secrets = vault: root writes
# the vault below the state directory; a user (bob, through setpriv) can
# neither read nor change the key, gets no QR code or backup codes, and
# can only leave a request for the next login (a new key, backup codes,
# another authenticator, one less); a site moves three home
# enrolments into the vault with --all import-home.
#
# Needs root (bob is another uid) and setpriv; skips otherwise.  Prints
# PASS:/FAIL:/SKIP: lines (see tests/run.sh).
#
# With MFA_TEST_STORE_CONF=FILE (tests/pgsql/store_pgsql.sh: store =
# postgresql, MFA_PG_ADMIN a connection string to its database with every
# right) the lines of FILE go into the
# configuration and the vault is the database's: records are read with
# psql, and the checks of the vault's files (modes, EACCES) are left to
# the run on files.
set -uo pipefail
. "$(dirname "$0")/lib/enroll_env.sh"
if [[ $(id -u) != 0 ]] || ! command -v setpriv >/dev/null; then
	skip "enroll_vault (needs root and setpriv: a user besides root)"
	exit 0
fi
enroll_setup enroll_vault || exit 0
out=$T/out err=$T/err
VAULT=$T/state/.vault
BOBKEY=$VAULT/bob
REQUEST=$T/home/bob/.pam_mfa-request
chmod 0755 "$T"
printf 'secrets = vault\n' >>"$CONF"
PG=
if [[ -n ${MFA_TEST_STORE_CONF:-} ]]; then
	cat "$MFA_TEST_STORE_CONF" >>"$CONF"
	# shellcheck source=tests/lib/pg.sh
	. "$SRC/tests/lib/pg.sh"
	PG=$PG_BIN/psql
fi

# sql QUERY: one value from the test database.
sql() {
	"$PG" -X -At -d "$MFA_PG_ADMIN" -c "$1"
}
# vault_text USER [pending]: the record of USER in the vault, "" if none.
vault_text() {
	if [[ -n $PG ]]; then
		sql "SELECT record FROM pam_mfa.vault WHERE name = '$1' AND slot = '${2:-current}'"
	elif [[ ${2:-} == pending ]]; then
		cat "$VAULT/.pending/$1" 2>/dev/null
	else
		cat "$VAULT/$1" 2>/dev/null
	fi
}
# state_text USER: the module's record of USER.
state_text() {
	if [[ -n $PG ]]; then
		sql "SELECT record FROM pam_mfa.state WHERE name = '$1'"
	else
		cat "$T/state/$1"
	fi
}
# files_ok TEST...: true on the vault in files when TEST holds; on another
# store, always (those are checks of the files themselves).
files_ok() { [[ -n $PG ]] || "$@"; }

as_bob() {
	setpriv --reuid=4242 --regid=4242 --clear-groups env \
		LD_PRELOAD="$PRELOAD" NSS_WRAPPER_PASSWD="$T/passwd" \
		NSS_WRAPPER_GROUP="$T/group" timeout 10 "$ENROLL" \
		--conf "$CONF" "$@"
}

# 1. Root provisions bob: the vault's file, root's, 0600; nothing in the home.
run --user bob --secret "$S1" --code "$(code "$S1")" >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && files_ok test "$(stat -c '%u %a' "$BOBKEY" 2>&1)" == "0 600" &&
	files_ok test "$(stat -c '%u %a' "$VAULT" 2>&1)" == "0 700" &&
	vault_text bob | grep -qx "totp-secret $S1" && [[ ! -e $T/home/bob/.pam_mfa ]]; then
	pass "vault: root --user bob writes the vault (files: STATE/.vault/bob, root, 0600), not the home"
else
	fail "vault provisioning: rc=$rc $(cat "$err") $(ls -la "$VAULT" 2>&1)"
fi
id=$(vault_text bob | sed -n 's/^id //p')
state_text bob | grep -qE "^enrolled [0-9]+ $id\$" &&
	pass "vault: bob marked enrolled with the vault record's id" ||
	fail "vault: state $(state_text bob 2>&1)"

# Root records bob's address (the code mailed is typed back): in the vault.
printf 'cat >%s/mail.out\n' "$T" >"$T/mail.sh"
printf 'mail_command = /bin/sh %s/mail.sh\n' "$T" >>"$CONF"
(
	for _ in $(seq 100); do [[ -s $T/mail.out ]] && break; sleep 0.05; done
	sed -n 's/.*code is: \([0-9]\{6\}\).*/\1/p' "$T/mail.out"
) | run --user bob email bob@example.com >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && vault_text bob | grep -qx 'email bob@example.com' &&
	vault_text bob | grep -qx "totp-secret $S1" && [[ ! -e $T/home/bob/.pam_mfa ]]; then
	pass "vault: root --user bob email writes the address into the vault"
else
	fail "vault: email for bob: rc=$rc $(cat "$out" "$err")"
fi
sum=$(vault_text bob | sha256sum)

# 2. The attacker with bob's uid cannot read the key.
if [[ -n $PG ]]; then
	: # the database's: bob cannot read the connection file (root's)
elif ! setpriv --reuid=4242 --regid=4242 --clear-groups cat "$BOBKEY" \
	>"$out" 2>"$err" && grep -q 'Permission denied' "$err" && [[ ! -s $out ]]; then
	pass "vault: a process with bob's uid gets EACCES on the key"
else
	fail "vault: bob read the key? $(cat "$err")"
fi

# 3. mfa-enroll as bob: a request, no QR code, no key, the vault unchanged.
as_bob >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 && $(stat -c '%u %a' "$REQUEST" 2>&1) == "4242 600" ]] &&
	grep -q 'Request recorded' "$out" &&
	! grep -qiE 'otpauth|▀|▄|█|secret=' "$out" "$err" &&
	[[ $(vault_text bob | sha256sum) == "$sum" ]] &&
	grep -qx 'authenticator' "$REQUEST"; then
	pass "vault: mfa-enroll as bob records a request, shows no QR code or key"
else
	fail "vault: mfa-enroll as bob: rc=$rc $(cat "$out" "$err")"
fi
as_bob status >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && grep -q 'Ask your administrator' "$out" &&
	grep -q 'Waiting for your next login: a new authenticator' "$out" &&
	! grep -q "$S1" "$out"; then
	pass "vault: status as bob says to ask the admin, and shows the request"
else
	fail "vault: status as bob: rc=$rc $(cat "$out" "$err")"
fi
as_bob backup-codes >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && grep -qx 'backup-codes' "$REQUEST" &&
	! grep -qE '[a-z0-9]{4}-[a-z0-9]{4}' "$out" &&
	[[ $(vault_text bob | sha256sum) == "$sum" ]]; then
	pass "vault: backup-codes as bob records a request and prints no code"
else
	fail "vault: backup-codes as bob: rc=$rc $(cat "$out" "$err")"
fi
# 3b. Authenticators: add and remove are requests too; list says who knows.
# req_is TEXT: the request file holds exactly the header and TEXT.
req_is() { [[ $(cat "$REQUEST" 2>&1) == "$(printf 'pam_mfa-request 1\n%s' "$1")" ]]; }
as_bob add --name phone-b >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && req_is 'add phone-b' &&
	grep -q 'the login shows the QR code of another authenticator,$' "$out" &&
	grep -q '^phone-b, and asks for its first code' "$out" &&
	grep -q 'once you have typed a code from your app' "$out" &&
	[[ $(vault_text bob | sha256sum) == "$sum" ]]; then
	pass "vault: add --name phone-b as bob records an add request, vault unchanged"
else
	fail "vault: add as bob: rc=$rc $(cat "$out" "$err" "$REQUEST")"
fi
as_bob add >"$out" 2>"$err" && req_is 'add' &&
	grep -q '^app2 (or app3...), and asks for its first code' "$out" &&
	pass "vault: add as bob without --name: the login picks app2, app3..." ||
	fail "vault: add as bob without a name: $(cat "$out" "$err" "$REQUEST")"
as_bob add --name 'Phone B' >"$out" 2>"$err"
rc=$?
[[ $rc == 1 ]] && req_is 'add' && grep -q -- '--name: a name is 1 to 32 of a-z' "$err" &&
	pass "vault: add --name with a bad name refused, the waiting request kept" ||
	fail "vault: add with a bad name: rc=$rc $(cat "$out" "$err")"
for args in "add --secret $S2" "add --name a b" "remove" "remove a b" "remove --code 123456 app"; do
	# shellcheck disable=SC2086
	as_bob $args >"$out" 2>"$err"
	rc=$?
	[[ $rc == 2 ]] && req_is 'add' && grep -q 'remove NAME' "$err" &&
		{ [[ $args != "add --secret"* ]] || grep -q 'add: only --name here' "$err"; } &&
		pass "vault: '$args' as bob: usage, nothing recorded" ||
		fail "vault: '$args' as bob: rc=$rc $(cat "$out" "$err")"
done
as_bob remove ../x >"$out" 2>"$err"
rc=$?
[[ $rc == 1 ]] && req_is 'add' && grep -q 'remove: a name is' "$err" &&
	pass "vault: remove with a bad name refused" ||
	fail "vault: remove ../x: rc=$rc $(cat "$out" "$err")"
as_bob remove app >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && req_is 'remove app' &&
	grep -q 'once you have typed a code from another$' "$out" &&
	grep -q '^authenticator or a backup code (not from app itself), the login removes$' "$out" &&
	grep -q 'The last one cannot be removed' "$out"; then
	pass "vault: remove app as bob records a remove request"
else
	fail "vault: remove as bob: rc=$rc $(cat "$out" "$err" "$REQUEST")"
fi
as_bob list >"$out" 2>"$err"
rc=$?
[[ $rc == 0 ]] && grep -q 'held by root' "$out" &&
	grep -q 'Ask your administrator what is set up for you (mfa-enroll --user bob list)' "$out" &&
	grep -q 'Waiting for your next login: removing the authenticator app' "$out" &&
	! grep -q "$S1" "$out" &&
	pass "vault: list as bob says to ask the admin (as status), and shows the request" ||
	fail "vault: list as bob: rc=$rc $(cat "$out" "$err")"
as_bob add --help >"$out" 2>"$err"
rc=$?
[[ $rc == 0 ]] && grep -q 'add \[--name NAME\]' "$out" && grep -q 'remove NAME' "$out" &&
	pass "vault: add --help as bob shows the vault mode's commands" ||
	fail "vault: add --help as bob: rc=$rc $(cat "$out" "$err")"
as_bob --help >"$out" 2>"$err"
rc=$?
[[ $rc == 0 ]] && grep -q 'command, backup-codes, add and remove only ask the next login' "$out" &&
	pass "vault: mfa-enroll --help says what a user's commands do in vault mode" ||
	fail "vault: --help as bob: rc=$rc $(cat "$out" "$err")"
as_bob backup-codes >/dev/null 2>&1
for args in "disable --yes" "email bob@example.com" "--secret $S2 --code 123456"; do
	# shellcheck disable=SC2086
	as_bob $args >"$out" 2>"$err"
	rc=$?
	if [[ $rc != 0 && $(vault_text bob | sha256sum) == "$sum" ]] &&
		grep -q 'held by root' "$out" "$err"; then
		pass "vault: '$args' as bob refused, vault unchanged"
	else
		fail "vault: '$args' as bob: rc=$rc $(cat "$out" "$err")"
	fi
done
# bob's own file in the home is not the enrolment.
printf 'planted\n' >"$T/home/bob/.pam_mfa" && chown 4242:4242 "$T/home/bob/.pam_mfa"
run --user bob status >"$out" 2>"$err"
rc=$?
[[ $rc == 0 ]] && grep -q 'app' "$out" &&
	pass "vault: root's status for bob reads the vault, not the planted home file" ||
	fail "vault: status --user bob: rc=$rc $(cat "$out" "$err")"
rm -f "$T/home/bob/.pam_mfa"

# 4. Root's backup codes and reset act on the vault.
run --user bob backup-codes >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 && $(vault_text bob | sha256sum) != "$sum" ]] &&
	files_ok test "$(stat -c '%u %a' "$BOBKEY")" == "0 600" &&
	vault_text bob | grep -qx "totp-secret $S1"; then
	pass "vault: root --user bob backup-codes rewrites the vault record"
else
	fail "vault: backup-codes for bob: rc=$rc $(cat "$err")"
fi
# A renewal abandoned at a login (pending slot) goes with the reset.
if [[ -n $PG ]]; then
	sql "INSERT INTO pam_mfa.vault (name, slot, id, record) SELECT name, 'pending', id, record FROM pam_mfa.vault WHERE name = 'bob'" >/dev/null
else
	mkdir -m 0700 "$VAULT/.pending" && cp -p "$BOBKEY" "$VAULT/.pending/bob"
fi
run --user bob reset --yes >"$out" 2>"$err"
rc=$?
[[ $rc == 0 && -z $(vault_text bob) && -z $(vault_text bob pending) ]] &&
	pass "vault: reset removes bob's vault record and a pending one" ||
	fail "vault: reset: rc=$rc $(cat "$err") $(ls -la "$VAULT/.pending")"

# 5. Moving a site: three home enrolments, --all import-home, twice.
mkdir -p "$T/home/carol" && chown 4243:4243 "$T/home/carol" && chmod 0755 "$T/home/carol"
echo "carol:x:4243:4243:Carol:$T/home/carol:/bin/sh" >>"$T/passwd"
echo "carol:x:4243:" >>"$T/group"
sed -i 's/^secrets = vault$/secrets = home/' "$CONF"
for u in tester bob carol; do
	run --user "$u" --secret "$S2" --code "$(code "$S2")" >"$out" 2>"$err" ||
		fail "home enrolment of $u: $(cat "$err")"
done
run --all import-home >"$out" 2>"$err"
rc=$?
[[ $rc == 2 ]] && grep -q 'secrets = vault' "$err" &&
	pass "import-home refused while secrets = home" ||
	fail "import-home in home mode: rc=$rc $(cat "$out" "$err")"
sed -i 's/^secrets = home$/secrets = vault/' "$CONF"
run --all import-home >"$out" 2>"$err"
rc=$?
ok=1
for u in tester bob carol; do
	home=$T/home/$u/.pam_mfa
	[[ -f $home ]] &&
		files_ok test "$(stat -c '%u %a' "$VAULT/$u" 2>&1)" == "0 600" &&
		cmp -s <(grep -v -e '^#' -e '^$' "$home") \
			<(vault_text "$u" | grep -v -e '^#' -e '^$') || ok=0
done
if [[ $rc == 0 && $ok == 1 ]] && grep -qx '3 in the vault, 0 failed' "$out"; then
	pass "vault: --all import-home copies 3 home enrolments, homes left"
else
	fail "vault: --all import-home: rc=$rc ok=$ok $(cat "$out" "$err")"
fi
run --all import-home >"$out" 2>"$err"
rc=$?
[[ $rc == 0 ]] && [[ $(grep -c 'already in the vault' "$out") == 3 ]] &&
	pass "vault: --all import-home again changes nothing" ||
	fail "vault: second import: rc=$rc $(cat "$out" "$err")"
run --user bob import-home >"$out" 2>"$err"
rc=$?
[[ $rc == 0 ]] && grep -q 'bob: already in the vault' "$out" &&
	pass "vault: --user bob import-home is idempotent too" ||
	fail "vault: --user bob import-home: rc=$rc $(cat "$out" "$err")"
as_bob import-home >"$out" 2>"$err"
[[ $? != 0 ]] && pass "vault: import-home as bob refused" ||
	fail "vault: import-home as bob: $(cat "$out" "$err")"
exit "$failed"
