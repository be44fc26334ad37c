# pam_mfa - a second factor for Linux logins.
#
#   make              build pam_mfa.so and mfa-enroll
#   make check        build and run the whole test suite
#   make check SANITIZE=1   the same under AddressSanitizer + UBSan
#   make check VALGRIND=1   the same, then the PAM suites under valgrind
#                           (VALGRIND_SUITES="module trust" picks some)
#   make deps         install the Debian packages needed to build and test
#                     (apt-get as root, through sudo for anyone else)
#   make install      install (DESTDIR, PREFIX, PAMDIR honoured)
#
# The caller's CFLAGS, CPPFLAGS and LDFLAGS (dpkg-buildflags) are respected;
# warnings and hardening are added to them.  WERROR=1 makes warnings fatal.

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
DATADIR   ?= $(PREFIX)/share
MULTIARCH ?= $(shell $(CC) -print-multiarch 2>/dev/null)
PAMDIR    ?= $(if $(MULTIARCH),/usr/lib/$(MULTIARCH)/security,$(PREFIX)/lib/security)
# Plug-in store backends (pam_mfa.conf(5) store=, plugin_dir=).
PLUGINDIR ?= $(if $(MULTIARCH),/usr/lib/$(MULTIARCH)/pam_mfa,$(PREFIX)/lib/pam_mfa)
SYSCONFDIR ?= /etc
# journald's catalog of the audit events (catalog/pam_mfa.catalog).
CATALOGDIR ?= /usr/lib/systemd/catalog
STATEDIR  ?= /var/lib/pam_mfa

CC        ?= cc
CFLAGS    ?= -O2 -g
PKG_CONFIG ?= pkg-config

# Debian packages: what the build needs, and what the tests need on top.
DEB_BUILD = libpam0g-dev libssl-dev libqrencode-dev libargon2-dev check \
	pkg-config make gcc libpq-dev libsystemd-dev
DEB_TEST  = libpam-wrapper libpamtest0-dev libnss-wrapper pamtester \
	oathtool openssh-server openssh-client expect msmtp python3-aiosmtpd \
	python3-pexpect zbar-tools tmux valgrind clang clang-format strace \
	inotify-tools mandoc groff-base libpam-google-authenticator \
	debhelper dpkg-dev fakeroot lintian libclang-rt-14-dev postgresql \
	python3-prometheus-client systemd

WARNINGS = -Wall -Wextra -Wformat=2 -Wshadow -Wconversion \
	-Wstrict-prototypes -Wmissing-prototypes
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

ifeq ($(SANITIZE),1)
BUILD    ?= build/asan
SANFLAGS  = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
HARDEN    = -fstack-protector-strong
else
BUILD    ?= build/default
SANFLAGS  =
HARDEN    = -D_FORTIFY_SOURCE=2 -fstack-protector-strong
endif

# Targets that need no compiler or libraries.
NOBUILD_GOALS = deps clean format format-check
ifneq ($(filter-out $(NOBUILD_GOALS),$(or $(MAKECMDGOALS),all)),)
# require-pkg PKG-CONFIG-NAME DEBIAN-PACKAGE
require-pkg = $(if $(shell $(PKG_CONFIG) --exists $(1) && echo yes),,\
	$(error missing library $(1): install the Debian package $(2) (or run 'make deps')))
$(call require-pkg,pam,libpam0g-dev)
$(call require-pkg,libcrypto,libssl-dev)
$(call require-pkg,libargon2,libargon2-dev)
$(call require-pkg,libqrencode,libqrencode-dev)
$(call require-pkg,libpq,libpq-dev)
$(call require-pkg,libsystemd,libsystemd-dev)
endif

PAM_CFLAGS   := $(shell $(PKG_CONFIG) --cflags pam 2>/dev/null)
PAM_LIBS     := $(shell $(PKG_CONFIG) --libs pam 2>/dev/null)
CRYPTO_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcrypto 2>/dev/null)
CRYPTO_LIBS  := $(shell $(PKG_CONFIG) --libs libcrypto 2>/dev/null)
ARGON2_CFLAGS := $(shell $(PKG_CONFIG) --cflags libargon2 2>/dev/null)
ARGON2_LIBS  := $(shell $(PKG_CONFIG) --libs libargon2 2>/dev/null)
QR_CFLAGS    := $(shell $(PKG_CONFIG) --cflags libqrencode 2>/dev/null)
QR_LIBS      := $(shell $(PKG_CONFIG) --libs libqrencode 2>/dev/null)
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)
PAMTEST_LIBS := $(shell $(PKG_CONFIG) --libs libpamtest 2>/dev/null)
PQ_CFLAGS    := $(shell $(PKG_CONFIG) --cflags libpq 2>/dev/null)
PQ_LIBS      := $(shell $(PKG_CONFIG) --libs libpq 2>/dev/null)
# Audit events go to the journal (sd_journal_send) from common/base/log.c.
SYSTEMD_LIBS := $(shell $(PKG_CONFIG) --libs libsystemd 2>/dev/null)

# The version has one home: the top entry of debian/changelog (without a
# Debian revision); tests/sh/docs_version.sh checks --version against it.
VERSION := $(shell head -n 1 debian/changelog | cut -d'(' -f2 | cut -d')' -f1 | cut -d- -f1)
DEFS = -D_GNU_SOURCE -DMFA_SYSCONFDIR='"$(SYSCONFDIR)"' \
	-DMFA_STATEDIR='"$(STATEDIR)"' -DMFA_VERSION='"$(VERSION)"' \
	-DMFA_PLUGINDIR='"$(PLUGINDIR)"'
ALL_CPPFLAGS = $(DEFS) $(COMMON_DIRS:%=-I%) $(PAM_CFLAGS) $(CRYPTO_CFLAGS) \
	$(ARGON2_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS = -std=gnu11 -fPIC $(WARNINGS) $(HARDEN) $(SANFLAGS) $(CFLAGS)
ALL_LDFLAGS = -Wl,-z,relro -Wl,-z,now -Wl,--as-needed $(SANFLAGS) $(LDFLAGS)

# common/ is grouped by concern, one folder per concern (common/README.md);
# sources include each other's headers by name ("state.h"), found through
# one -I per folder, never through "../".
COMMON_DIRS = $(sort $(patsubst %/,%,$(dir $(wildcard common/*/*.c))))
COMMON_SRC = $(sort $(wildcard common/*/*.c))
MODULE_SRC = $(sort $(wildcard pam_mfa/*.c))
ENROLL_SRC = $(sort $(wildcard mfa-enroll/*.c))
UNIT_SRC   = $(sort $(wildcard tests/unit/test_*.c))
PAMTEST_SRC = $(sort $(wildcard tests/pam/test_*.c))
MODTEST_SRC = $(sort $(wildcard tests/module/test_*.c))
TESTMOD_SRC = $(sort $(wildcard tests/modules/*.c))
PRELOAD_SRC = $(sort $(wildcard tests/preload/*.c))
PGTEST_SRC = $(sort $(wildcard tests/pgsql/test_*.c))
# The PostgreSQL store backend: a plug-in, so that libpq is loaded only
# where store = postgresql (store_backend.h).
PGSQL_SRC  = $(sort $(wildcard pgsql/*.c))

COMMON_OBJ = $(COMMON_SRC:%.c=$(BUILD)/obj/%.o)
MODULE_OBJ = $(MODULE_SRC:%.c=$(BUILD)/obj/%.o)
# The module again, with a clock the tests can set (never installed).
MODULE_TOBJ = $(MODULE_SRC:%.c=$(BUILD)/obj/testclock/%.o)
ENROLL_OBJ = $(ENROLL_SRC:%.c=$(BUILD)/obj/%.o)
# mfa-enroll without its main(), for the suites of its own units.
ENROLL_LIB_OBJ = $(filter-out $(BUILD)/obj/mfa-enroll/main.o,$(ENROLL_OBJ))
# Unit suites link testutil only; PAM suites also the libpamtest harness.
UNITLIB_OBJ = $(BUILD)/obj/tests/lib/testutil.o
PAMLIB_OBJ = $(UNITLIB_OBJ) $(BUILD)/obj/tests/lib/pamh.o
UNIT_BIN   = $(UNIT_SRC:%.c=$(BUILD)/%)
PAMTEST_BIN = $(PAMTEST_SRC:%.c=$(BUILD)/%)
MODTEST_BIN = $(MODTEST_SRC:%.c=$(BUILD)/%)
# The module's units for their own suites: an archive, so that each suite
# links only the units it uses, and the in-memory libpam of the fuzzers.
LIBMODULE_TEST = $(BUILD)/testclock/libmfa_module.a
FAKEPAM_OBJ = $(BUILD)/obj/tests/fuzz/fakepam.o
TESTMOD_SO = $(TESTMOD_SRC:%.c=$(BUILD)/%.so)
PRELOAD_SO = $(PRELOAD_SRC:%.c=$(BUILD)/%.so)
PGTEST_BIN = $(PGTEST_SRC:%.c=$(BUILD)/%)

LIBCOMMON  = $(BUILD)/libmfa_common.a
MODULE     = $(BUILD)/pam_mfa.so
MODULE_TEST = $(BUILD)/testclock/pam_mfa.so
ENROLL     = $(BUILD)/mfa-enroll
PGSQL_OBJ  = $(PGSQL_SRC:%.c=$(BUILD)/obj/%.o)
PLUGIN_PGSQL = $(if $(PGSQL_SRC),$(BUILD)/plugins/pam_mfa_store_pgsql.so)
MODULE_LIBS = $(PAM_LIBS) $(CRYPTO_LIBS) $(ARGON2_LIBS) $(SYSTEMD_LIBS)

.PHONY: all check check-valgrind bench fuzz install uninstall clean deps \
	format format-check demo test-programs
.DELETE_ON_ERROR:
.SECONDARY:

all: $(MODULE) $(ENROLL) $(PLUGIN_PGSQL)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/testclock/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -DMFA_TEST_CLOCK $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/mfa-enroll/%.o: ALL_CPPFLAGS += $(QR_CFLAGS)
$(BUILD)/obj/tests/%.o: ALL_CPPFLAGS += $(CHECK_CFLAGS) -Itests/lib
$(BUILD)/obj/tests/module/%.o: ALL_CPPFLAGS += -Ipam_mfa -Itests/fuzz

$(LIBCOMMON): $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(MODULE): $(MODULE_OBJ) $(LIBCOMMON) pam_mfa/pam_mfa.map
	@mkdir -p $(dir $@)
	$(CC) -shared $(ALL_CFLAGS) $(ALL_LDFLAGS) \
		-Wl,--version-script=pam_mfa/pam_mfa.map -o $@ \
		$(MODULE_OBJ) $(LIBCOMMON) $(MODULE_LIBS)

$(MODULE_TEST): $(MODULE_TOBJ) $(LIBCOMMON) pam_mfa/pam_mfa.map
	@mkdir -p $(dir $@)
	$(CC) -shared $(ALL_CFLAGS) $(ALL_LDFLAGS) \
		-Wl,--version-script=pam_mfa/pam_mfa.map -o $@ \
		$(MODULE_TOBJ) $(LIBCOMMON) $(MODULE_LIBS)

$(LIBMODULE_TEST): $(MODULE_TOBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/obj/pgsql/%.o: ALL_CPPFLAGS += $(PQ_CFLAGS)
# pgsql/schema.sql, built into the plug-in as one C string: the SQL that
# `mfa-enroll store init` runs is the file that ships (pgsql/README.md).
$(BUILD)/gen/pgsql_schema.inc: pgsql/schema.sql
	@mkdir -p $(dir $@)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' \
		$< >$@
$(BUILD)/obj/pgsql/store_pgsql.o: $(BUILD)/gen/pgsql_schema.inc
$(BUILD)/obj/pgsql/store_pgsql.o: ALL_CPPFLAGS += -I$(BUILD)/gen

# Exports only its entry point (store_backend.h); links its own copy of
# common/ so that it needs nothing from whoever loads it.
$(BUILD)/plugins/pam_mfa_store_pgsql.so: $(PGSQL_OBJ) $(LIBCOMMON) \
		pgsql/plugin.map
	@mkdir -p $(dir $@)
	$(CC) -shared $(ALL_CFLAGS) $(ALL_LDFLAGS) \
		-Wl,--version-script=pgsql/plugin.map -o $@ \
		$(PGSQL_OBJ) $(LIBCOMMON) $(PQ_LIBS) $(CRYPTO_LIBS) $(SYSTEMD_LIBS)

$(ENROLL): $(ENROLL_OBJ) $(LIBCOMMON)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -pie -o $@ $(ENROLL_OBJ) \
		$(LIBCOMMON) $(QR_LIBS) $(MODULE_LIBS)

$(BUILD)/tests/unit/%: $(BUILD)/obj/tests/unit/%.o $(UNITLIB_OBJ) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(UNITLIB_OBJ) \
		$(UNIT_MODULE_LIBS) $(LIBCOMMON) $(CHECK_LIBS) $(MODULE_LIBS)

# Unit suites of the module's own units link its objects from an archive
# (only the members a suite uses), after the suite and before common/.
LIBMODULE  = $(BUILD)/libmfa_module.a
$(LIBMODULE): $(MODULE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^
MODULE_UNIT_BIN = $(BUILD)/tests/unit/test_enrol_qr
$(MODULE_UNIT_BIN): $(LIBMODULE)
$(MODULE_UNIT_BIN): UNIT_MODULE_LIBS = $(LIBMODULE) -ldl
$(MODULE_UNIT_BIN:$(BUILD)/%=$(BUILD)/obj/%.o): ALL_CPPFLAGS += -Ipam_mfa

# Suites of the module's units (tests/module/): no libpam, fakepam.c.
$(BUILD)/tests/module/%: $(BUILD)/obj/tests/module/%.o $(UNITLIB_OBJ) \
		$(FAKEPAM_OBJ) $(LIBMODULE_TEST) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(UNITLIB_OBJ) \
		$(FAKEPAM_OBJ) $(LIBMODULE_TEST) $(LIBCOMMON) $(CHECK_LIBS) \
		$(CRYPTO_LIBS) $(ARGON2_LIBS) $(SYSTEMD_LIBS) -ldl

# Suites of mfa-enroll's units (tests/unit/test_doctor_*.c).
$(BUILD)/obj/tests/unit/test_doctor_%.o: ALL_CPPFLAGS += -Imfa-enroll
$(BUILD)/tests/unit/test_doctor_%: $(BUILD)/obj/tests/unit/test_doctor_%.o \
		$(UNITLIB_OBJ) $(ENROLL_LIB_OBJ) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(UNITLIB_OBJ) \
		$(ENROLL_LIB_OBJ) $(LIBCOMMON) $(CHECK_LIBS) $(QR_LIBS) \
		$(MODULE_LIBS)

# --export-dynamic: libpam's syslog calls must reach the harness's capture.
$(BUILD)/tests/pam/%: $(BUILD)/obj/tests/pam/%.o $(PAMLIB_OBJ) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -Wl,--export-dynamic -o $@ $< \
		$(PAMLIB_OBJ) \
		$(LIBCOMMON) $(CHECK_LIBS) $(PAMTEST_LIBS) $(MODULE_LIBS) -ldl

$(BUILD)/tests/modules/%.so: tests/modules/%.c
	@mkdir -p $(dir $@)
	$(CC) -shared $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< \
		$(PAM_LIBS)

# Suites of the PostgreSQL plug-in (tests/pgsql/): they load it with
# dlopen and talk to the test server with libpq themselves.
$(BUILD)/obj/tests/pgsql/%.o: ALL_CPPFLAGS += $(PQ_CFLAGS)
PGTESTLIB_OBJ = $(BUILD)/obj/tests/pgsql/pgtest.o
$(BUILD)/tests/pgsql/%: $(BUILD)/obj/tests/pgsql/%.o $(UNITLIB_OBJ) \
		$(PGTESTLIB_OBJ) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(UNITLIB_OBJ) \
		$(PGTESTLIB_OBJ) $(LIBCOMMON) $(CHECK_LIBS) $(PQ_LIBS) $(MODULE_LIBS) -ldl

# ... and the module through libpam with store = postgresql (pamh.h).
$(BUILD)/tests/pgsql/test_pam_%: $(BUILD)/obj/tests/pgsql/test_pam_%.o \
		$(PAMLIB_OBJ) $(PGTESTLIB_OBJ) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -Wl,--export-dynamic -o $@ $< \
		$(PAMLIB_OBJ) $(PGTESTLIB_OBJ) $(LIBCOMMON) $(CHECK_LIBS) $(PAMTEST_LIBS) \
		$(PQ_LIBS) $(MODULE_LIBS) -ldl

# Test-only LD_PRELOAD shims (tests/preload/*.c).
$(BUILD)/tests/preload/%.so: tests/preload/%.c
	@mkdir -p $(dir $@)
	$(CC) -shared $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< -ldl

test-programs: all $(MODULE_TEST) $(UNIT_BIN) $(MODTEST_BIN) $(PAMTEST_BIN) \
	$(TESTMOD_SO) $(PRELOAD_SO) $(PGTEST_BIN)

check: test-programs
	BUILD=$(BUILD) SANITIZE=$(SANITIZE) VALGRIND=$(VALGRIND) \
		VALGRIND_SUITES="$(VALGRIND_SUITES)" bash tests/run.sh

# The module's suites under valgrind memcheck only (CI), VALGRIND_JOBS
# suites at a time (default: one per CPU).
check-valgrind: test-programs
	BUILD=$(BUILD) VALGRIND_JOBS=$(VALGRIND_JOBS) \
		bash tests/valgrind/run.sh $(VALGRIND_SUITES)

# A real login asking for a second factor, in a sandbox (README).
demo: all
	BUILD=$(BUILD) bash tests/demo.sh $(DEMO_ARGS)

install: all
	install -d $(DESTDIR)$(PAMDIR) $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8
	install -m 0644 $(MODULE) $(DESTDIR)$(PAMDIR)/pam_mfa.so
	install -m 0755 $(ENROLL) $(DESTDIR)$(BINDIR)/mfa-enroll
	install -d $(DESTDIR)$(CATALOGDIR)
	install -m 0644 catalog/pam_mfa.catalog $(DESTDIR)$(CATALOGDIR)/
	$(if $(PLUGIN_PGSQL),install -d $(DESTDIR)$(PLUGINDIR) && \
		install -m 0644 $(PLUGIN_PGSQL) $(DESTDIR)$(PLUGINDIR)/)
	$(if $(PLUGIN_PGSQL),install -d $(DESTDIR)$(DATADIR)/pam_mfa && \
		install -m 0644 pgsql/schema.sql \
		$(DESTDIR)$(DATADIR)/pam_mfa/pgsql-schema.sql)
	for m in man/*.[158]; do \
		[ -f "$$m" ] || continue; \
		install -m 0644 "$$m" \
			$(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; \
	done

uninstall:
	rm -f $(DESTDIR)$(PAMDIR)/pam_mfa.so $(DESTDIR)$(BINDIR)/mfa-enroll
	rm -f $(DESTDIR)$(CATALOGDIR)/pam_mfa.catalog
	rm -f $(DESTDIR)$(PLUGINDIR)/pam_mfa_store_pgsql.so
	rm -f $(DESTDIR)$(DATADIR)/pam_mfa/pgsql-schema.sql
	rm -f $(DESTDIR)$(MANDIR)/man1/mfa-enroll.1 \
		$(DESTDIR)$(MANDIR)/man5/pam_mfa.conf.5 \
		$(DESTDIR)$(MANDIR)/man8/pam_mfa.8

# apt-get runs as it is for root (containers often have no sudo), through
# sudo for anyone else.
SUDO = $(if $(filter 0,$(shell id -u)),,sudo)

deps:
	@[ -z "$(SUDO)" ] || command -v sudo >/dev/null || { \
		echo "make deps: needs root: run it as root, or install sudo" >&2; \
		exit 1; }
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends $(DEB_BUILD) $(DEB_TEST)

FORMAT_FILES = $(sort $(wildcard common/*/*.[ch] pam_mfa/*.[ch] \
	mfa-enroll/*.[ch] pgsql/*.[ch] tests/*/*.[ch]))

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	clang-format --dry-run -Werror $(FORMAT_FILES)

clean:
	rm -rf build

# Fuzzing (make fuzz) and benchmarks (make bench) live in their own
# fragments; neither is part of make check.
-include tests/fuzz/fuzz.mk
-include bench/bench.mk

-include $(shell find build -type f -name '*.d' 2>/dev/null)
