# tests/fuzz/fuzz.mk - libFuzzer targets (make fuzz); included by the root
# Makefile.  Not part of make check.
#
#   make fuzz                    build every target, run each 10 s
#   make fuzz FUZZ_SECONDS=60    what CI runs
#   make fuzz-build              build only ($(BUILD)/fuzz/fuzz_*)
#   make fuzz FUZZ_TARGETS="secret state"   a subset
#   make fuzz FUZZ_JOBS=1        one target at a time (default: as many
#                                at a time as there are CPUs)
#   make fuzz-msan               the pure parsers again with
#                                MemorySanitizer, FUZZ_MSAN_SECONDS each
#
# Every target is built with clang and -fsanitize=fuzzer,address,undefined;
# the common/ sources it needs are compiled again with clang into
# $(BUILD)/fuzz/ (the gcc library cannot be instrumented for coverage).
# Each run starts from a copy of the committed seed corpus
# tests/fuzz/corpus/<target>/, so the tree is never written; a crash, a
# leak or any sanitizer report fails make fuzz and leaves the input in
# $(BUILD)/fuzz/work/<target>/ (with the target's whole output in log).
# Every target runs the full FUZZ_SECONDS, FUZZ_JOBS of them at a time.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 10
FUZZ_JOBS    ?=
FUZZ_DIR      = $(BUILD)/fuzz
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_CPPFLAGS = $(ALL_CPPFLAGS) -Ipam_mfa -Itests/fuzz
FUZZ_CFLAGS   = -std=gnu11 -g -O1 $(WARNINGS) $(FUZZ_SAN)
FUZZ_LIBS     = $(PAM_LIBS) $(CRYPTO_LIBS) $(ARGON2_LIBS) $(SYSTEMD_LIBS)

FUZZ_ALL     := $(patsubst tests/fuzz/fuzz_%.c,%,\
	$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_BINS     = $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_LIB      = $(FUZZ_DIR)/libmfa_fuzz.a
FUZZ_COMMON_OBJ = $(COMMON_SRC:%.c=$(FUZZ_DIR)/obj/%.o)

# Library code: coverage instrumentation without libFuzzer's main.
$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		-MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_COMMON_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

# Extra objects a target needs beyond common/ (module sources).
FUZZ_EXTRA_reply = $(FUZZ_DIR)/obj/pam_mfa/reply.o

# The whole module (fuzz_pam): every module source again, with the test
# clock and with the password database calls of user.c renamed to the
# one-user database of tests/fuzz/fakepam.c, which also stands in for
# libpam (so no -lpam: every PAM call stays in memory).
FUZZ_PAM_DEFS = -DMFA_TEST_CLOCK -Dgetpwnam_r=fuzz_getpwnam_r \
	-Dgetgrgid_r=fuzz_getgrgid_r -Dgetgrouplist=fuzz_getgrouplist
FUZZ_PAM_OBJ  = $(MODULE_SRC:%.c=$(FUZZ_DIR)/obj/fuzzpam/%.o)
$(FUZZ_DIR)/obj/fuzzpam/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(QR_CFLAGS) $(FUZZ_PAM_DEFS) \
		$(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<
FUZZ_EXTRA_pam = $(FUZZ_PAM_OBJ) $(FUZZ_DIR)/obj/tests/fuzz/fakepam.o
$(FUZZ_DIR)/fuzz_pam: FUZZ_LIBS = $(CRYPTO_LIBS) $(ARGON2_LIBS) $(SYSTEMD_LIBS) -ldl

.SECONDEXPANSION:
$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o \
		$$(FUZZ_EXTRA_$$*) $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		$(FUZZ_EXTRA_$*) $(FUZZ_LIB) $(FUZZ_LIBS)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	FUZZ_JOBS=$(FUZZ_JOBS) bash tests/fuzz/run.sh $(FUZZ_DIR) \
		$(FUZZ_SECONDS) $(FUZZ_TARGETS)

# MemorySanitizer finds what ASan cannot: a parsed record carrying bytes
# nobody wrote (a struct's padding copied from the stack, so two parses of
# one file differ).  Only the targets that never call into libcrypto,
# libsystemd or libpam at run time: those libraries are not instrumented, so
# MSan would flag their own writes (authinfo, slots and pam reach OpenSSL's
# or journald's code and are left to make fuzz).
FUZZ_MSAN_TARGETS ?= backup base32 config reply request secret state
FUZZ_MSAN_SECONDS ?= 20
.PHONY: fuzz-msan
fuzz-msan:
	$(MAKE) fuzz FUZZ_DIR=$(BUILD)/fuzz-msan \
		FUZZ_SAN="-fsanitize=memory -fsanitize-memory-track-origins \
		-fno-omit-frame-pointer" FUZZ_TARGETS="$(FUZZ_MSAN_TARGETS)" \
		FUZZ_SECONDS=$(FUZZ_MSAN_SECONDS)
