# mailtrace — SQLite extension for Cisco Secure Email Gateway (AsyncOS) mail logs.
#
#   make            mailtrace.so and libmailtrace.a
#   make demo       build, then run sql/why-not-received.sql on the bundled sample
#   make test       every test (C unit, SQL through the sqlite3 shell, Python)
#   make asan       the test suite under AddressSanitizer + UBSan
#   make valgrind   representative queries under valgrind --leak-check=full
#   make fuzz       libFuzzer targets, FUZZ_SECONDS each (clang)
#   make bench      the benchmark against grep (bench/README.md)

CC      ?= cc
B       := build
PKGS    := sqlite3 libpcre2-8 zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs libpcre2-8 zlib)
VERSION := 0.1.0
GIT     := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
WARN    := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes
DEFS    := -D_GNU_SOURCE -DMT_VERSION='"$(VERSION)"' -I$(B)
ALL_CFLAGS = $(WARN) $(DEFS) $(PKG_CFLAGS) $(CFLAGS)

# The parsing rooms (no SQLite types) and the SQL-facing files.
CORE_SRC := ext/files.c ext/bytes.c ext/lines.c ext/events.c ext/scan.c ext/entities.c
SQL_SRC  := ext/tables.c ext/table_lines.c ext/table_entities.c ext/table_errors.c ext/functions.c ext/mailtrace.c
HDRS     := $(wildcard ext/*.h) include/mailtrace.h

SO_OBJ  := $(patsubst ext/%.c,$(B)/so/%.o,$(CORE_SRC) $(SQL_SRC))
A_OBJ   := $(patsubst ext/%.c,$(B)/a/%.o,$(CORE_SRC) $(SQL_SRC))
CORE_OBJ := $(patsubst ext/%.c,$(B)/a/%.o,$(CORE_SRC))

.PHONY: all demo test unit asan valgrind fuzz bench clean FORCE
all: mailtrace.so libmailtrace.a


$(B)/so/%.o: ext/%.c $(HDRS) | $(B)/so
	$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@
# The static library calls SQLite directly (SQLITE_CORE): for programs that link SQLite.
$(B)/a/%.o: ext/%.c $(HDRS) | $(B)/a
	$(CC) $(ALL_CFLAGS) -DSQLITE_CORE -c $< -o $@
$(B) $(B)/so $(B)/a $(B)/t:
	mkdir -p $@

# The commit goes into mailtrace_version(); the header changes only when it does.
$(B)/version.h: FORCE | $(B)
	@echo '#define MT_GIT "$(GIT)"' > $@.tmp; cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp
$(B)/so/functions.o $(B)/a/functions.o: $(B)/version.h

mailtrace.so: $(SO_OBJ)
	$(CC) -shared -o $@ $^ $(PKG_LIBS) $(LDFLAGS)
libmailtrace.a: $(A_OBJ)
	rm -f $@ && ar rcs $@ $^

# ---- tests
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/t/%,$(UNIT_SRC))
$(B)/t/%: tests/unit/%.c $(CORE_OBJ) tests/unit/unit.h | $(B)/t
	$(CC) $(ALL_CFLAGS) -Iext $< $(CORE_OBJ) -o $@ $(PKG_LIBS) $(LDFLAGS)
$(B)/t/embed: tests/embed.c libmailtrace.a | $(B)/t
	$(CC) $(ALL_CFLAGS) -Iinclude $< libmailtrace.a -o $@ $(shell pkg-config --libs sqlite3) $(PKG_LIBS) $(LDFLAGS)

unit: $(UNIT_BIN)

test: all unit $(B)/t/embed
	@tests/run

demo: all
	@tests/demo.sh

clean:
	rm -rf $(B) mailtrace.so libmailtrace.a

bench: all
	@bench/run.sh
