# bench/bench.mk - make bench: the login benchmark of issue 9; included by
# the root Makefile.  Not part of make check.
#
#   make bench        build the module and bench/bench.c, print the table
#
# The table compares pam_permit.so alone (the framework), pam_mfa.so (the
# real $(MODULE), real clock) and Debian's pam_google_authenticator.so
# (libpam-google-authenticator) in one run, and pam_mfa again with its
# state in PostgreSQL (plain and TLS, private servers on loopback started
# by bench/run.sh through tests/lib/pg.sh) when the plug-in is built; see
# the comment at the top of bench/bench.c for how the loop is built.  It
# needs libpamtest, pam_wrapper and nss_wrapper (make deps), and strace to
# count flushes per login; it takes a few minutes.

BENCH_BIN = $(BUILD)/bench/bench

# --export-dynamic: libpq's send() and connect() reach the program's own,
# which count the round trips to the database.
$(BENCH_BIN): $(BUILD)/obj/bench/bench.o $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -Wl,--export-dynamic -o $@ $< \
		$(LIBCOMMON) $(PAMTEST_LIBS) $(MODULE_LIBS)

.PHONY: bench bench-build
bench-build: $(BENCH_BIN) $(MODULE) $(PLUGIN_PGSQL)

bench: bench-build
	BUILD=$(BUILD) SANITIZE=$(SANITIZE) bash bench/run.sh
