#!/usr/bin/env bash
# tests/sh/package.sh - the Debian packages, on the machine itself (CI):
# build them from a copy of the source tree, lint them, install them with
# apt-get, enable the pam-auth-update profile and check common-auth, log in
# once through the installed module (pamtester under pam_wrapper, with a
# private service file that names pam_mfa.so, which libpam loads from the
# system's module directory), disable the profile, remove and purge, and
# check that the machine is as it was.  The PostgreSQL store is a package
# of its own (libpam-mfa-pgsql, the only one that depends on libpq5): its
# files, its dependencies, and one login through the installed plug-in
# against a private server (tests/lib/pg.sh).
#
# It changes the machine, so it runs only when CI=true and as root;
# otherwise it skips (and under CI a skip is a failure, see tests/run.sh).
# Under SANITIZE=1 it does nothing: the package does not depend on the
# sanitizer build, and the plain check has already tested it.
#
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh); exit 1 if any FAIL.
set -uo pipefail
cd "${MFA_SRC:-$(dirname "$0")/../..}" || exit 1
SRC=$PWD
BUILDDIR=${MFA_BUILD:-$SRC/build/default}
PKGS=(libpam-mfa mfa-enroll libpam-mfa-pgsql)
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
MODULE=/usr/lib/$MULTIARCH/security/pam_mfa.so
export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -y -q -o DPkg::Lock::Timeout=120)
failed=0

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; failed=1; }
skip() { echo "SKIP: $1"; }

if [[ ${SANITIZE:-} == 1 ]]; then
	echo "package: not repeated under SANITIZE=1 (the package build does not use it)"
	exit 0
fi
if [[ ${CI:-} != true || $(id -u) != 0 ]]; then
	skip "package (installs packages and edits /etc/pam.d: runs only as root with CI=true)"
	exit 0
fi
for tool in dpkg-buildpackage dh fakeroot pam-auth-update pamtester oathtool apt-get; do
	command -v "$tool" >/dev/null || {
		skip "package ($tool missing: see the Debian packages in .ci/run)"
		exit 0
	}
done
PAMW=/usr/lib/$MULTIARCH/libpam_wrapper.so
NSSW=/usr/lib/$MULTIARCH/libnss_wrapper.so
for lib in "$PAMW" "$NSSW"; do
	[[ -f $lib ]] || {
		skip "package ($lib missing: install libpam-wrapper libnss-wrapper)"
		exit 0
	}
done
present() { dpkg-query -W -f '${Status}' "$1" 2>/dev/null | grep -qv 'not-installed'; }
for p in "${PKGS[@]}"; do
	if present "$p"; then
		skip "package ($p is already on this machine: not touching it)"
		exit 0
	fi
done
if [[ -e /var/lib/pam_mfa ]]; then
	skip "package (/var/lib/pam_mfa already exists: not touching it)"
	exit 0
fi

# The sandbox for the login lives in the private base of
# tests/lib/testdir.sh: the module refuses files below a world-writable
# directory such as /tmp.
# shellcheck source=tests/lib/testdir.sh
. tests/lib/testdir.sh
# shellcheck source=tests/lib/pg.sh
. tests/lib/pg.sh
mfa_test_base_enter "$BUILDDIR" || exit 1
tmp=$(mktemp -d "$MFA_TEST_BASE/package.XXXXXX") || exit 1

# What must be the same afterwards.
snapshot() {
	(cd / && sha256sum etc/pam.d/common-* var/lib/pam/* 2>/dev/null)
	ls /usr/share/pam-configs
}
snapshot >"$tmp/before"

# shellcheck disable=SC2317 # cleanup runs from the EXIT trap
# Whatever happens, never leave pam_mfa in the PAM configuration or the
# packages on the machine.
cleanup() {
	if grep -q pam_mfa /etc/pam.d/common-* 2>/dev/null; then
		pam-auth-update --package --remove pam_mfa >/dev/null 2>&1
	fi
	for p in "${PKGS[@]}"; do
		present "$p" && "${APT[@]}" purge "$p" >/dev/null 2>&1
	done
	rm -rf "$tmp"
	mfa_test_base_leave
}
trap cleanup EXIT

# 1. Build from a copy: debian/ build products never land in the source.
# With its tests (debian/rules runs the unit and PAM suites) and
# TMPDIR=/tmp, as the README's "Protect SSH" step 1 does: the build's test
# run finds its own private directory.
mkdir "$tmp/src"
tar -C "$SRC" --exclude=./build --exclude=./.git -cf - . | tar -C "$tmp/src" -xf -
(cd "$tmp/src" && find . -path ./build -prune -o -type f -print) | sort >"$tmp/files"
if (cd "$tmp/src" && unset MFA_TEST_BASE && export TMPDIR=/tmp &&
	DEB_BUILD_OPTIONS="parallel=$(nproc)" \
	timeout 900 dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
	pass "dpkg-buildpackage -us -uc -b builds the packages"
else
	fail "dpkg-buildpackage -us -uc -b: $(tail -n 5 "$tmp/build.log" | tr '\n' ' ')"
	exit 1
fi
if grep -q '^check: [0-9]* passed, 0 failed' "$tmp/build.log" &&
	grep -q 'build/deb/tests/pam/test_module: ' "$tmp/build.log"; then
	pass "the package build ran its tests: $(grep '^check: ' "$tmp/build.log" | tail -n 1)"
else
	fail "the package build did not run the unit and PAM suites (see debian/rules)"
fi
# What the build leaves in the source tree is ignored by git.
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$tmp/src" && find . -path ./build -prune -o -type f -print) | sort |
		comm -13 "$tmp/files" - | sed 's|^\./||' |
		git -C "$SRC" check-ignore --no-index --stdin -v -n |
		awk -F '\t' '$1 == "::" { print $2 }' >"$tmp/untracked"
	if [[ -s $tmp/untracked ]]; then
		fail "the package build leaves files git does not ignore: $(head -n 5 "$tmp/untracked" | tr '\n' ' ')"
	else
		pass "everything the package build leaves in the tree is in .gitignore"
	fi
fi
if command -v lintian >/dev/null; then
	lintian "$tmp"/*.changes >"$tmp/lintian.log" 2>&1
	if grep -q '^E: ' "$tmp/lintian.log"; then
		fail "lintian errors: $(grep '^E: ' "$tmp/lintian.log" | head -n 5 | tr '\n' ' ')"
	else
		pass "lintian shows no errors ($(grep -c '^W: ' "$tmp/lintian.log") warnings)"
	fi
fi

# 1b. The split: the plug-in and the schema in libpam-mfa-pgsql, which
# alone depends on libpq5; libpam-mfa needs the exact same version.
deb_mod=$(ls "$tmp"/libpam-mfa_*.deb)
deb_pg=$(ls "$tmp"/libpam-mfa-pgsql_*.deb 2>/dev/null)
PLUGIN=/usr/lib/$MULTIARCH/pam_mfa/pam_mfa_store_pgsql.so
depends() { dpkg -I "$1" | sed -n 's/^ Depends: //p'; }
if [[ -f $deb_pg ]] && dpkg -c "$deb_pg" >"$tmp/pg.list" &&
	grep -q " \.$PLUGIN\$" "$tmp/pg.list" &&
	grep -qE ' \./usr/share/pam_mfa/[^/]*\.sql$' "$tmp/pg.list"; then
	pass "libpam-mfa-pgsql holds $PLUGIN and /usr/share/pam_mfa/*.sql"
else
	fail "libpam-mfa-pgsql (${deb_pg:-not built}): $(awk '{ print $6 }' "$tmp/pg.list" 2>/dev/null | tr '\n' ' ')"
fi
if ! dpkg -c "$deb_mod" | grep -qE 'pam_mfa_store_pgsql|\.sql$'; then
	pass "libpam-mfa holds neither the plug-in nor the schema"
else
	fail "libpam-mfa holds PostgreSQL files: $(dpkg -c "$deb_mod" | grep -E 'pgsql|\.sql' | tr '\n' ' ')"
fi
version=$(dpkg -I "$deb_mod" | sed -n 's/^ Version: //p')
pgdeps=$(depends "$deb_pg" 2>/dev/null)
if [[ $pgdeps == *"libpq5"* && $pgdeps == *"libpam-mfa (= $version)"* ]]; then
	pass "libpam-mfa-pgsql depends on libpq5 and on libpam-mfa (= $version)"
else
	fail "libpam-mfa-pgsql Depends: $pgdeps"
fi
if [[ $(depends "$deb_mod") != *libpq* ]] &&
	[[ $(depends "$tmp"/mfa-enroll_*.deb) != *libpq* ]]; then
	pass "neither libpam-mfa nor mfa-enroll depends on libpq5"
else
	fail "libpq in Depends: libpam-mfa: $(depends "$deb_mod"); mfa-enroll: $(depends "$tmp"/mfa-enroll_*.deb)"
fi

# 2. Install: the module, the profile, the state directory; nothing enabled.
if (cd "$tmp" && "${APT[@]}" install ./libpam-mfa_*.deb ./mfa-enroll_*.deb) \
	>"$tmp/install.log" 2>&1; then
	pass "apt-get install -y ./libpam-mfa_*.deb ./mfa-enroll_*.deb"
else
	fail "apt-get install: $(tail -n 5 "$tmp/install.log" | tr '\n' ' ')"
	exit 1
fi
mode=$(stat -c '%a %U %G' /var/lib/pam_mfa 2>/dev/null)
if [[ $mode == "700 root root" ]]; then
	pass "postinst created /var/lib/pam_mfa 0700 root"
else
	fail "/var/lib/pam_mfa is '$mode', want '700 root root'"
fi
for f in "$MODULE" /usr/bin/mfa-enroll /usr/share/pam-configs/pam_mfa \
	/etc/security/pam_mfa.conf /usr/share/man/man5/pam_mfa.conf.5.gz \
	/usr/share/man/man8/pam_mfa.8.gz /usr/share/man/man1/mfa-enroll.1.gz; do
	[[ -f $f ]] || fail "the packages do not install $f"
done
if grep -q pam_mfa /etc/pam.d/common-auth; then
	fail "installing the package enabled pam_mfa (the profile must say Default: no)"
else
	pass "installing enables nothing: common-auth has no pam_mfa"
fi

# 3. Enable: the line comes after pam_unix.
pam-auth-update --enable pam_mfa >"$tmp/pau.log" 2>&1
unix=$(grep -n 'pam_unix.so' /etc/pam.d/common-auth | head -n 1 | cut -d: -f1)
mfa=$(grep -nE '^auth[[:space:]]+required[[:space:]]+pam_mfa.so' /etc/pam.d/common-auth |
	head -n 1 | cut -d: -f1)
if [[ -n $mfa && -n $unix && $mfa -gt $unix ]]; then
	pass "pam-auth-update --enable pam_mfa puts 'auth required pam_mfa.so' after pam_unix"
else
	fail "after pam-auth-update --enable pam_mfa, common-auth is: $(grep -v '^#' /etc/pam.d/common-auth | tr '\n' ' ')"
fi
# Not a minute longer than needed: every login on this machine now needs
# a code.
pam-auth-update --disable pam_mfa >>"$tmp/pau.log" 2>&1
if grep -q pam_mfa /etc/pam.d/common-auth; then
	fail "pam-auth-update --disable pam_mfa left the line in common-auth"
else
	pass "pam-auth-update --disable pam_mfa removes the line"
fi

# 4. One login through the installed module, in a sandbox.
box=$tmp/box
mkdir -p "$box/home" "$box/pam.d" "$box/state"
chmod 0700 "$box/home" "$box/state"
echo "pkgtest:x:0:0:package test:$box/home:/bin/sh" >"$box/passwd"
echo "pkgtest:x:0:" >"$box/group"
printf 'state_dir = %s\n' "$box/state" >"$box/pam_mfa.conf"
chmod 0600 "$box/pam_mfa.conf"
echo "auth required pam_mfa.so conf=$box/pam_mfa.conf" >"$box/pam.d/pkgtest"
export NSS_WRAPPER_PASSWD=$box/passwd NSS_WRAPPER_GROUP=$box/group
secret=$(head -c 20 /dev/urandom | base32 | tr -d '=')
if LD_PRELOAD=$NSSW timeout 20 /usr/bin/mfa-enroll --conf "$box/pam_mfa.conf" \
	--secret "$secret" --code "$(oathtool --totp -b "$secret")" \
	</dev/null >"$tmp/enrol.log" 2>&1; then
	pass "the installed mfa-enroll enrols a user"
else
	fail "the installed mfa-enroll: $(tail -n 3 "$tmp/enrol.log" | tr '\n' ' ')"
fi
login() { # CODE
	printf '%s\n' "$1" | LD_PRELOAD=$PAMW:$NSSW PAM_WRAPPER=1 \
		PAM_WRAPPER_SERVICE_DIR=$box/pam.d timeout 20 \
		pamtester pkgtest pkgtest authenticate >"$tmp/login.log" 2>&1
}
# pg_login_check: libpam-mfa-pgsql installed, a login with store =
# postgresql through the plug-in where the installed module looks for it
# (no plugin_dir=), the database's tables made from the installed SQL.
pg_login_check() {
	local conf=$box/pg.conf sql schema
	if (cd "$tmp" && "${APT[@]}" install "./${deb_pg##*/}") \
		>"$tmp/install-pg.log" 2>&1; then
		pass "apt-get install -y ./libpam-mfa-pgsql_*.deb"
	else
		fail "apt-get install libpam-mfa-pgsql: $(tail -n 5 "$tmp/install-pg.log" | tr '\n' ' ')"
		return
	fi
	if [[ $(stat -c '%a %U' "$PLUGIN" 2>/dev/null) == "644 root" ]] &&
		ldd "$PLUGIN" | grep -q 'libpq\.so' && ! ldd "$MODULE" | grep -q libpq; then
		pass "the plug-in is installed (0644 root) and links libpq; pam_mfa.so does not"
	else
		fail "installed plug-in: $(stat -c '%a %U' "$PLUGIN" 2>&1); module: $(ldd "$MODULE" | grep libpq)"
	fi
	sql=(/usr/share/pam_mfa/*.sql)
	schema=${sql[0]}
	if ! pg_init || ! pg_start pkg || ! pg_create_db pkg mfa mfa ||
		! pg_psql_file pkg mfa mfa "$schema" >"$tmp/schema.log" 2>&1; then
		fail "a PostgreSQL server with the installed schema ($schema): $PG_WHY $(cat "$tmp/schema.log" 2>/dev/null)"
		return
	fi
	pg_conninfo_file "$box/conninfo" "$(pg_conninfo pkg mfa mfa)"
	printf 'state_dir = %s\nstore = postgresql\nstore_conninfo = %s\n' \
		"$box/state" "$box/conninfo" >"$conf"
	chmod 0600 "$conf"
	echo "auth required pam_mfa.so conf=$conf" >"$box/pam.d/pkgpg"
	printf '%s\n' "$(oathtool --totp -b "$secret")" | LD_PRELOAD=$PAMW:$NSSW \
		PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$box/pam.d timeout 20 \
		pamtester pkgpg pkgtest authenticate >"$tmp/login-pg.log" 2>&1
	if grep -q 'successfully authenticated' "$tmp/login-pg.log" &&
		[[ $(pg_psql pkg mfa -c "SELECT count(*) FROM pam_mfa.state") == 1 ]]; then
		pass "a login with store = postgresql through the installed plug-in (default plugin_dir) records its state in the database"
	else
		fail "login with store = postgresql: $(tr '\n' ' ' <"$tmp/login-pg.log")"
	fi
	pg_stop pkg
}
wrong=$(printf '%06d' $(((10#$(oathtool --totp -b "$secret") + 500000) % 1000000)))
if login "$wrong"; then
	fail "the installed module accepted a wrong code"
else
	pass "the installed module refuses a wrong code"
fi
if login "$(oathtool --totp -b "$secret")" &&
	grep -q 'successfully authenticated' "$tmp/login.log"; then
	pass "a login through the installed $MODULE succeeds with the code"
else
	fail "login through the installed module: $(tr '\n' ' ' <"$tmp/login.log")"
fi
pg_login_check
unset NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP

# 5. Removal while enabled: prerm must take the line out before the
# module goes, or every login would fail.
pam-auth-update --enable pam_mfa >>"$tmp/pau.log" 2>&1
if "${APT[@]}" remove "${PKGS[@]}" >"$tmp/remove.log" 2>&1; then
	pass "apt-get remove -y ${PKGS[*]}"
else
	fail "apt-get remove: $(tail -n 5 "$tmp/remove.log" | tr '\n' ' ')"
fi
if grep -q pam_mfa /etc/pam.d/common-auth; then
	fail "removing the enabled package left pam_mfa in common-auth"
else
	pass "removing the package (profile enabled) takes pam_mfa out of common-auth"
fi
if [[ ! -e $MODULE && -d /var/lib/pam_mfa ]]; then
	pass "remove deletes the module and keeps /var/lib/pam_mfa"
else
	fail "after remove: module present=$([[ -e $MODULE ]] && echo yes), state dir present=$([[ -d /var/lib/pam_mfa ]] && echo yes)"
fi
if [[ ! -e $PLUGIN ]]; then
	pass "remove deletes the plug-in"
else
	fail "after remove, $PLUGIN is still there"
fi
# Those left with their configuration (libpam-mfa-pgsql has none, and
# apt-get fails on a package it knows nothing of).
left=()
for p in "${PKGS[@]}"; do present "$p" && left+=("$p"); done
"${APT[@]}" purge "${left[@]}" >"$tmp/purge.log" 2>&1 ||
	fail "apt-get purge -y: $(tail -n 5 "$tmp/purge.log" | tr '\n' ' ')"
if [[ ! -e /var/lib/pam_mfa && ! -e /etc/security/pam_mfa.conf ]] &&
	! present libpam-mfa && ! present mfa-enroll; then
	pass "apt-get purge -y removes /var/lib/pam_mfa and the conffile"
else
	fail "after purge: $(ls -d /var/lib/pam_mfa /etc/security/pam_mfa.conf 2>/dev/null | tr '\n' ' ')"
fi

# 6. As it was.
snapshot >"$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then
	pass "/etc/pam.d/common-*, /var/lib/pam and pam-configs are as before"
else
	fail "the machine changed: $(diff "$tmp/before" "$tmp/after" | tr '\n' ' ')"
fi
exit "$failed"
