#!/usr/bin/env bash
# tests/sh/enroll_basic.sh - mfa-enroll as a user: enrolment without a
# terminal, the file it writes, what a failed enrolment leaves, refused
# targets, the setuid refusal, backup-codes, status, disable, usage.
#
# Runs against a fake user (nss_wrapper) whose home is a private temporary
# directory.  Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
. "$(dirname "$0")/lib/enroll_env.sh"
enroll_setup enroll_basic || exit 0
out=$T/out err=$T/err

# A code that is not the current one (nor, almost surely, a neighbour).
wrong_code() { printf '%06d' $(((10#$(code "$1") + 500000) % 1000000)); }
backups() { grep -c '^backup [0-9] \$argon2id\$v=19\$m=19456,t=2,p=1\$' "$1"; }

# 1. Enrol non-interactively with a known secret and --code.
run --secret "$S1" --code "$(code "$S1")" >"$out" 2>"$err"
rc=$?
mode=$(stat -c %a "$SECRET_FILE" 2>/dev/null)
if [[ $rc == 0 && $mode == 600 ]] &&
	grep -qx "totp-secret $S1" "$SECRET_FILE" &&
	grep -qx 'pam_mfa-secret 1' "$SECRET_FILE" &&
	grep -qE '^id [0-9a-f]{32}$' "$SECRET_FILE" &&
	[[ $(backups "$SECRET_FILE") == 10 ]]; then
	pass "enrol --secret --code writes a 0600 file with the secret and 10 hashed backup codes"
else
	fail "enrol --secret --code: rc=$rc mode=$mode $(cat "$err")"
fi
if grep -q "otpauth://totp/.*secret=$S1" "$out" && ! grep -q $'\e\[' "$out"; then
	pass "without a terminal: the otpauth URI instead of a QR code"
else
	fail "non-tty output has no URI or has escape codes"
fi
n=$(grep -cE '^    [0-9]-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}    [0-9]-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$' "$out")
if [[ $n == 5 ]] && grep -q 'auth required pam_mfa.so' "$out" &&
	grep -qi 'second login' "$out"; then
	pass "backup codes printed in two columns, next steps shown"
else
	fail "backup code listing ($n lines of two) or next steps missing"
fi
if grep -q "$S1" "$err"; then
	fail "the secret appears in an error message"
else
	pass "no secret on standard error"
fi

# 2. Re-enrol under umask 000: still 0600, a new id, a new secret.
id1=$(grep '^id ' "$SECRET_FILE")
(umask 000 && run --secret "$S2" --code "$(code "$S2")" >"$out" 2>"$err")
rc=$?
mode=$(stat -c %a "$SECRET_FILE")
id2=$(grep '^id ' "$SECRET_FILE")
if [[ $rc == 0 && $mode == 600 && $id1 != "$id2" ]] &&
	grep -qx "totp-secret $S2" "$SECRET_FILE" &&
	grep -qx 'trust-generation 1' "$SECRET_FILE"; then
	pass "re-enrol with umask 000: mode 0600, new enrolment id, trust generation bumped"
else
	fail "umask 000 re-enrol: rc=$rc mode=$mode ids '$id1' '$id2'"
fi
if ls -A "$HOMEDIR" | grep -q '^\.\.pam_mfa\|^\.pam_mfa\.'; then
	fail "temporary files left in the home: $(ls -A "$HOMEDIR")"
else
	pass "no temporary file left behind"
fi

# 3. Three wrong codes (answers on stdin) leave the file byte for byte.
cp -p "$SECRET_FILE" "$T/before"
w=$(wrong_code "$S2")
printf '%s\n%s\n%s\n' "$w" "$w" "$w" | run >"$out" 2>"$err"
rc=$?
if [[ $rc == 1 ]] && cmp -s "$SECRET_FILE" "$T/before" &&
	[[ $(grep -c 'wrong code (' "$err") == 3 ]]; then
	pass "3 wrong codes: exit 1, previous file unchanged byte for byte"
else
	fail "3 wrong codes: rc=$rc, cmp $(cmp "$SECRET_FILE" "$T/before" 2>&1)"
fi
run --code "$w" >"$out" 2>"$err"
rc=$?
if [[ $rc == 1 ]] && cmp -s "$SECRET_FILE" "$T/before"; then
	pass "a wrong --code: exit 1, file unchanged"
else
	fail "wrong --code: rc=$rc"
fi
printf 'abc\n' | run >"$out" 2>"$err"
rc=$?
if [[ $rc == 1 ]] && grep -q 'not a 6-digit code' "$err" &&
	grep -q -- '--code' "$err" && cmp -s "$SECRET_FILE" "$T/before"; then
	pass "a malformed answer then end of input: refused, names --code"
else
	fail "malformed answer: rc=$rc $(cat "$err")"
fi

# 4. No terminal and no --code: fails at once naming --code, no hang.
start=$SECONDS
run </dev/null >"$out" 2>"$err"
rc=$?
if [[ $rc == 1 ]] && grep -q -- '--code' "$err" && ((SECONDS - start < 9)) &&
	cmp -s "$SECRET_FILE" "$T/before"; then
	pass "no terminal, no --code: exit 1 naming --code, no hang"
else
	fail "no terminal: rc=$rc (124 = hung) $(cat "$err")"
fi

# 5. A symlinked target is refused and left alone.
mv "$SECRET_FILE" "$T/real"
echo "decoy" >"$T/decoy" && chmod 0600 "$T/decoy"
ln -s "$T/decoy" "$SECRET_FILE"
run --secret "$S1" --code "$(code "$S1")" >"$out" 2>"$err"
rc=$?
if [[ $rc == 1 && -L $SECRET_FILE && $(readlink "$SECRET_FILE") == "$T/decoy" &&
	$(cat "$T/decoy") == decoy ]] && grep -q 'symbolic link' "$err"; then
	pass "symlinked target: refused, link and its target untouched"
else
	fail "symlink: rc=$rc $(cat "$err")"
fi
if ! grep -q otpauth "$out"; then
	pass "symlinked target refused before any secret is shown"
else
	fail "a secret was shown although the target is refused"
fi
run status >"$out" 2>"$err"
rc=$?
[[ $rc == 1 ]] && pass "status on a symlinked file: exit 1" ||
	fail "status on a symlink: rc=$rc"
rm -f "$SECRET_FILE"
mv "$T/real" "$SECRET_FILE"

# 6. A setuid (or setgid) copy refuses to run.
mkdir -p "$T/bin"
for bit in u+s g+s; do
	cp "$ENROLL" "$T/bin/mfa-enroll-$bit"
	chmod "$bit" "$T/bin/mfa-enroll-$bit"
	ENROLL=$T/bin/mfa-enroll-$bit run status >"$out" 2>"$err"
	rc=$?
	if [[ $rc == 1 ]] && grep -q 'refusing to run setuid or setgid' "$err" &&
		! grep -q 'User ' "$out"; then
		pass "a copy with chmod $bit refuses to run"
	else
		fail "chmod $bit copy: rc=$rc $(cat "$err")"
	fi
done

# 7. backup-codes: a new set, the old hashes gone.
old_set=$(grep '^backup-set ' "$SECRET_FILE")
grep '^backup ' "$SECRET_FILE" >"$T/old-hashes"
run backup-codes >"$out" 2>"$err"
rc=$?
new_set=$(grep '^backup-set ' "$SECRET_FILE")
n=$(grep -oE '[0-9]-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}' "$out" | cut -c1 | sort -u | tr -d '\n')
if [[ $rc == 0 && $old_set != "$new_set" && $n == 0123456789 &&
	$(backups "$SECRET_FILE") == 10 ]] &&
	! grep -qxF -f "$T/old-hashes" "$SECRET_FILE" &&
	grep -qx "totp-secret $S2" "$SECRET_FILE"; then
	pass "backup-codes: new set id, 10 new codes shown, no old hash kept, secret kept"
else
	fail "backup-codes: rc=$rc sets '$old_set' '$new_set' slots '$n'"
fi
[[ $(stat -c %a "$SECRET_FILE") == 600 ]] && pass "backup-codes keeps mode 0600" ||
	fail "backup-codes mode $(stat -c %a "$SECRET_FILE")"

# 8. status, with a masked email address.  The bullet (U+2022) as its
# UTF-8 bytes: $'\u2022' cannot be encoded by bash in the POSIX locale.
BULLET=$'\xe2\x80\xa2'
sed -i 's/^trust-generation 1$/&\nemail alice@example.com/' "$SECRET_FILE"
run status >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && grep -q 'SHA1, 6 digits, 30 s' "$out" &&
	grep -q 'backup codes: *10 issued' "$out" &&
	grep -q 'enrolled ' "$out" &&
	grep -qF "a$BULLET$BULLET$BULLET@example.com" "$out" &&
	! grep -q 'alice@' "$out"; then
	pass "status: method, TOTP parameters, backup codes, masked email"
else
	fail "status: rc=$rc $(cat "$out" "$err")"
fi

# 9. disable: confirmation, --yes, then not enrolled (exit 3).
run disable </dev/null >"$out" 2>"$err"
rc=$?
if [[ $rc == 1 && -f $SECRET_FILE ]] && grep -q -- '--yes' "$err"; then
	pass "disable without a terminal or --yes: refused naming --yes"
else
	fail "disable without --yes: rc=$rc $(cat "$err")"
fi
echo no | run disable >"$out" 2>"$err"
rc=$?
[[ $rc == 1 && -f $SECRET_FILE ]] && pass "disable answered 'no': nothing removed" ||
	fail "disable 'no': rc=$rc"
echo yes | run disable >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 && ! -e $SECRET_FILE ]] && grep -q 'reset' "$out"; then
	pass "disable answered 'yes': file removed, the admin reset explained"
else
	fail "disable yes: rc=$rc $(cat "$err")"
fi
for cmd in status backup-codes "disable --yes"; do
	# shellcheck disable=SC2086 # split "disable --yes"
	run $cmd >"$out" 2>"$err"
	rc=$?
	[[ $rc == 3 ]] && pass "$cmd when not enrolled: exit 3" ||
		fail "$cmd when not enrolled: rc=$rc"
done
run --secret "$S1" --code "$(code "$S1")" >/dev/null 2>&1 &&
	run disable --yes >"$out" 2>"$err" && [[ ! -e $SECRET_FILE ]] &&
	pass "disable --yes removes without a prompt" ||
	fail "disable --yes"

# 10. Usage: help, version, unknown commands and flags.
run --help >"$out" 2>&1
rc=$?
if [[ $rc == 0 ]] && grep -q 'Exit status' "$out" &&
	for c in backup-codes status disable import-google-authenticator reset unlock --user --secret --code --qr --issuer --label; do
		grep -q -- "$c" "$out" || exit 1
	done; then
	pass "--help lists every command, the enrolment flags and the exit codes"
else
	fail "--help incomplete"
fi
for c in status backup-codes disable reset unlock import-google-authenticator; do
	run "$c" --help >"$out" 2>&1
	rc=$?
	[[ $rc == 0 ]] && grep -q "usage: mfa-enroll.*$c" "$out" &&
		pass "$c --help" || fail "$c --help: rc=$rc"
done
run --version >"$out" 2>&1 && grep -q 'mfa-enroll' "$out" &&
	pass "--version" || fail "--version"
for args in "frobnicate" "--bogus" "status --bogus" "--qr=sixel" \
	"backup-codes extra" "--user"; do
	# shellcheck disable=SC2086
	run $args >"$out" 2>&1
	rc=$?
	[[ $rc == 2 ]] && pass "usage error '$args': exit 2" ||
		fail "usage error '$args': rc=$rc"
done
run --secret ABCDEFGH --code 123456 >"$out" 2>"$err"
rc=$?
if [[ $rc == 1 ]] && grep -q '128 bits' "$err" && [[ ! -e $SECRET_FILE ]]; then
	pass "--secret shorter than 128 bits refused"
else
	fail "short --secret: rc=$rc $(cat "$err")"
fi
run --secret 'not base32!' --code 123456 >"$out" 2>"$err"
[[ $? == 1 ]] && grep -q 'not a valid base32' "$err" &&
	pass "--secret that is not base32 refused" || fail "bad --secret"
run --secret "$(echo "$S1" | tr A-Z a-z | sed 's/..../& /g')" \
	--code "$(code "$S1")" >"$out" 2>"$err" &&
	grep -qx "totp-secret $S1" "$SECRET_FILE" &&
	pass "--secret in lower case with spaces is normalised" ||
	fail "normalised --secret: $(cat "$err")"

# 11. Root-only commands refused for a user (exit 2).
as_user() { "$@"; }
if [[ $(id -u) == 0 ]]; then
	if command -v setpriv >/dev/null; then
		chmod 0755 "$T"
		as_user() {
			setpriv --reuid=4242 --regid=4242 --clear-groups "$@"
		}
	else
		as_user() { return 99; }
	fi
fi
for args in "--user tester status" "reset --yes" "unlock"; do
	# shellcheck disable=SC2086
	as_user env LD_PRELOAD="$PRELOAD" NSS_WRAPPER_PASSWD="$T/passwd" \
		NSS_WRAPPER_GROUP="$T/group" timeout 10 "$ENROLL" \
		--conf "$CONF" $args >"$out" 2>"$err"
	rc=$?
	if [[ $rc == 99 ]]; then
		skip "not root: $args (setpriv missing)"
	elif [[ $rc == 2 ]] && grep -q 'root only' "$err"; then
		pass "not root: '$args' refused with exit 2"
	else
		fail "not root: '$args': rc=$rc $(cat "$err")"
	fi
done

exit "$failed"
