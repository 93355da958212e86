# mailtrace — SQLite extension for Cisco Secure Email Gateway (AsyncOS) mail logs.
#
#   make            mailtrace.so and libmailtrace.a
#   make demo       build, then walk the troubleshooting queries over the bundled sample
#   make test       every test (C unit, SQL through the sqlite3 shell, Python, embedding)
#   make asan       the whole test suite with AddressSanitizer + UBSan
#   make ubsan      the whole test suite with clang's UBSan + float-cast-overflow + integer
#   make valgrind   representative queries under valgrind --leak-check=full
#   make fuzz       the libFuzzer targets, FUZZ_SECONDS each (clang)
#   make bench      the benchmark against grep (bench/README.md)
#   make check      test + asan + valgrind + a 10 s fuzz smoke (what CI runs)

CC      ?= cc
B       ?= build
OUT     ?= .
PKGS    := sqlite3 libpcre2-8 zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs libpcre2-8 zlib) -pthread
SQLITE_LIBS := $(shell pkg-config --libs sqlite3)
VERSION := 0.1.0
GIT     := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
WARN    := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes
DEFS    := -D_GNU_SOURCE -DMT_VERSION='"$(VERSION)"' -I$(B)
ALL_CFLAGS = $(WARN) $(DEFS) $(PKG_CFLAGS) $(CFLAGS)

# The parsing rooms (no SQLite types) and the SQL-facing files.
CORE_SRC := ext/files.c ext/bytes.c ext/lines.c ext/events.c ext/scan.c ext/index.c ext/partial.c ext/entities.c ext/smtp.c ext/mime.c ext/diagnose.c ext/dns.c ext/probe.c ext/senders.c
SQL_SRC  := ext/tables.c ext/table_lines.c ext/table_entities.c ext/table_history.c ext/table_diagnose.c ext/table_coverage.c ext/table_parse.c ext/table_errors.c ext/table_smtp.c ext/table_check.c ext/functions.c ext/mailtrace.c
HDRS     := $(wildcard ext/*.h) include/mailtrace.h

SO_OBJ   := $(patsubst ext/%.c,$(B)/so/%.o,$(CORE_SRC) $(SQL_SRC))
A_OBJ    := $(patsubst ext/%.c,$(B)/a/%.o,$(CORE_SRC) $(SQL_SRC))
CORE_OBJ := $(patsubst ext/%.c,$(B)/a/%.o,$(CORE_SRC))
SO       := $(OUT)/mailtrace.so
LIB      := $(OUT)/libmailtrace.a

.PHONY: all demo test unit asan ubsan valgrind fuzz fuzz-build check bench clean FORCE
all: $(SO) $(LIB)

$(B)/so/%.o: ext/%.c $(HDRS) | $(B)/so
	$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@
# The static library calls SQLite directly (SQLITE_CORE): for programs that link SQLite.
$(B)/a/%.o: ext/%.c $(HDRS) | $(B)/a
	$(CC) $(ALL_CFLAGS) -DSQLITE_CORE -c $< -o $@
$(B) $(B)/so $(B)/a $(B)/t $(B)/fuzz:
	mkdir -p $@

# The commit goes into mailtrace_version(); the header changes only when it does.
$(B)/version.h: FORCE | $(B)
	@echo '#define MT_GIT "$(GIT)"' > $@.tmp; cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp
$(B)/so/functions.o $(B)/a/functions.o: $(B)/version.h

$(SO): $(SO_OBJ)
	$(CC) -shared -o $@ $^ $(PKG_LIBS) $(LDFLAGS)
$(LIB): $(A_OBJ)
	rm -f $@ && ar rcs $@ $^

# ---- tests
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/t/%,$(UNIT_SRC))
$(B)/t/%: tests/unit/%.c $(CORE_OBJ) tests/unit/unit.h | $(B)/t
	$(CC) $(ALL_CFLAGS) -Iext $< $(CORE_OBJ) -o $@ $(PKG_LIBS) $(LDFLAGS)
$(B)/t/embed: tests/embed.c $(LIB) | $(B)/t
	$(CC) $(ALL_CFLAGS) -Iinclude $< $(LIB) -o $@ $(SQLITE_LIBS) $(PKG_LIBS) $(LDFLAGS)

# Allocation failure injection: every malloc of mailtrace's own code and of SQLite.
WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
$(B)/t/nomem: tests/nomem.c $(LIB) | $(B)/t
	$(CC) $(ALL_CFLAGS) -Iinclude $< $(LIB) -o $@ $(WRAP) $(SQLITE_LIBS) $(PKG_LIBS) $(LDFLAGS)

unit: $(UNIT_BIN)

test: all unit $(B)/t/embed $(B)/t/nomem
	@TBIN=$(B)/t MAILTRACE_EXT=$(abspath $(OUT))/mailtrace tests/run

demo: all
	@tests/demo.sh

# ---- sanitizers: the same suite, instrumented.  The shell and Python are
# not instrumented, so the ASan runtime is preloaded into them.
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
asan:
	$(MAKE) --no-print-directory B=build/asan OUT=build/asan CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" all unit build/asan/t/embed build/asan/t/nomem
	@LD_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" \
	  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  TBIN=build/asan/t MAILTRACE_EXT=$(CURDIR)/build/asan/mailtrace tests/run

# ---- clang's UBSan with the checks gcc lacks: float-cast-overflow (a double
# out of an integer's range) and -fsanitize=integer (unsigned wrap-around,
# implicit truncation and sign change, shifts).  Hash functions and CRCs that
# wrap on purpose say so with MT_WRAPS (ext/bytes.h), nothing else is
# suppressed.  Every diagnostic stops the test that triggers it.
UBSAN := -fsanitize=undefined,float-cast-overflow,integer -fno-sanitize-recover=all -fno-omit-frame-pointer -shared-libsan
UBSAN_RT = $$(clang -print-file-name=libclang_rt.ubsan_standalone-x86_64.so)
ubsan:
	$(MAKE) --no-print-directory CC=clang B=build/ubsan OUT=build/ubsan CFLAGS="-O1 -g $(UBSAN)" LDFLAGS="$(UBSAN)" all unit build/ubsan/t/embed build/ubsan/t/nomem
	@LD_PRELOAD="$(UBSAN_RT)" UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  TBIN=build/ubsan/t MAILTRACE_EXT=$(CURDIR)/build/ubsan/mailtrace tests/run

valgrind: all unit
	@tests/valgrind.sh

# ---- fuzzing (clang + libFuzzer)
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(WARN) $(DEFS) -Iext
$(B)/fuzz/fuzz_line: tests/fuzz/fuzz_line.c ext/lines.c ext/events.c $(HDRS) | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_line.c ext/lines.c ext/events.c -o $@
$(B)/fuzz/fuzz_reader: tests/fuzz/fuzz_reader.c $(CORE_SRC) $(HDRS) | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_reader.c $(CORE_SRC) -o $@ -lz -pthread
$(B)/fuzz/fuzz_mime: tests/fuzz/fuzz_mime.c ext/mime.c $(HDRS) | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_mime.c ext/mime.c -o $@
$(B)/fuzz/fuzz_index: tests/fuzz/fuzz_index.c $(CORE_SRC) $(HDRS) | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_index.c $(CORE_SRC) -o $@ -lz -pthread
$(B)/fuzz/fuzz_dns: tests/fuzz/fuzz_dns.c ext/dns.c ext/probe.c $(HDRS) | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_dns.c ext/dns.c ext/probe.c -o $@
fuzz-build: $(B)/fuzz/fuzz_line $(B)/fuzz/fuzz_reader $(B)/fuzz/fuzz_mime $(B)/fuzz/fuzz_index $(B)/fuzz/fuzz_dns
fuzz: fuzz-build
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

check: test asan valgrind
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10

bench: all
	@bench/run.sh

clean:
	rm -rf build mailtrace.so libmailtrace.a
