#!/usr/bin/env bash
# tests/sh/docs_claims.sh - claims the docs once made that the code
# contradicts (issue 15) stay out, and the true statements stay in.
#
# Each row: a file, "absent" or "present", and a fixed string (matched
# after joining the file's lines with spaces, so re-wrapping a paragraph
# does not hide a claim).  Prints PASS:/FAIL: lines (see tests/run.sh).
set -uo pipefail
cd "${MFA_SRC:-$(dirname "$0")/../..}" || exit 1
failed=0

# joined FILE: the file on one line, roff macros' leading dots kept.
joined() { tr '\n' ' ' <"$1" | tr -s ' '; }

check() { # FILE absent|present TEXT WHY
	local file=$1 want=$2 text=$3 why=$4 found=0
	joined "$file" | grep -qiF -- "$text" && found=1
	if [[ $want == absent && $found == 0 ]] ||
		[[ $want == present && $found == 1 ]]; then
		echo "PASS: $file: $why"
	else
		echo "FAIL: $file: $why ('$text' is $([[ $found == 1 ]] && echo there || echo missing))"
		failed=1
	fi
}

# After common-auth (requisite pam_deny.so) a wrong password gets no code
# prompt: the page must not claim otherwise.
check man/pam_mfa.8 present '.Ql requisite pam_deny.so , so after it a wrong password ends the login before the code prompt' \
	"says a wrong password after common-auth ends the login before the prompt"
check man/pam_mfa.8 absent 'Both modules must be .Cm required : then a wrong password still leads' \
	"no longer claims the prompt follows a wrong password after common-auth"
# Root-owned secret files at secret= are not readable by the module (it
# reads as the user); enrolments held by root are secrets = vault (issue 18).
check man/pam_mfa.conf.5 absent 'keeps secrets away from processes running as the user' \
	"no longer recommends root-owned secret files"
for f in README.md man/pam_mfa.conf.5 man/pam_mfa.8; do
	check "$f" absent 'are not supported yet' "no longer says root-held enrolments are unsupported"
	check "$f" present 'secrets' "names secrets= for enrolments held by root"
done
# A disabled enrolment: logins are refused with no prompt.
for f in README.md man/mfa-enroll.1; do
	check "$f" absent 'keep asking for a code' "no longer says logins keep asking for a code"
	check "$f" absent 'still ask for a code' "no longer says logins still ask for a code"
	check "$f" present 'refused, with no code prompt' "says logins are refused with no code prompt"
done
# The secret file's mode: no group or other bits (0400 and 0700 pass too).
check README.md present 'no group or other permission bits' "states the secret file's mode rule"
check man/pam_mfa.8 present 'no group or other permission bits' "states the secret file's mode rule"
check man/pam_mfa.8 absent '(or root), mode 0600' "no longer demands exactly mode 0600"
# pam_mfa twice (the profile plus a line in /etc/pam.d/sshd): PAM gives a
# line without arguments no argument vector, so two bare lines cannot be
# told apart (issue 14 item 5); the profile's line carries one.
check debian/pam-configs/pam_mfa present 'pam_mfa.so line=common-auth' \
	"the pam-auth-update profile's line has an argument of its own"
check man/pam_mfa.8 present 'the pam-auth-update profile' "pam_mfa(8) says why the profile's line has line="
exit "$failed"
