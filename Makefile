# SPDX-License-Identifier: MIT
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
#   make install    PREFIX=/usr/local DESTDIR=: extension, static library, header,
#                   pkg-config file, the mailtrace command, man pages, sql/, completion
#   make uninstall  removes what make install put there (same PREFIX and DESTDIR)
#   make dist       mailtrace-VERSION.tar.gz from the committed tree (git archive)
#   make distcheck  make dist, then build, test, install and uninstall the tarball
#   make format-check  how far each C file is from .clang-format (reports only)
#   make format     FILES='ext/x.c ...': rewrite those files in the .clang-format style

CC      ?= cc
B       ?= build
OUT     ?= .
PKGS    := sqlite3 libpcre2-8 zlib

# Build dependencies: checked (and installed with apt-get when missing) before
# anything is built; tools/deps.sh says which.  Not for goals that build nothing.
NOBUILD_GOALS := clean uninstall dist print-version format format-check
ifneq ($(filter-out $(NOBUILD_GOALS),$(or $(MAKECMDGOALS),all)),)
ifneq ($(shell CC='$(CC)' tools/deps.sh >&2; echo $$?),0)
$(error build dependencies are missing (above); install them and run make again)
endif
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs libpcre2-8 zlib) -pthread
SQLITE_LIBS := $(shell pkg-config --libs sqlite3)
# The version: the git tag vX.Y.Z of this commit (X.Y.Z+N when N commits past it),
# else the VERSION file of a release tarball (make dist), else BASE_VERSION.
BASE_VERSION := 0.1.0
GIT_DESC := $(shell git describe --tags --long --match 'v[0-9]*' 2>/dev/null)
DIST_INFO := $(shell cat VERSION 2>/dev/null)
ifneq ($(GIT_DESC),)
VERSION := $(shell echo '$(GIT_DESC)' | sed -E 's/^v//; s/-0-g[0-9a-f]+$$//; s/-([0-9]+)-g[0-9a-f]+$$/+\1/')
else ifneq ($(DIST_INFO),)
VERSION := $(word 1,$(DIST_INFO))
else
VERSION := $(BASE_VERSION)
endif
GIT     := $(or $(shell git rev-parse --short HEAD 2>/dev/null),$(word 2,$(DIST_INFO)),unknown)

# Installation places (make install PREFIX=... DESTDIR=...).
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR  ?= $(DATADIR)/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions

OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
WARN    := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes
DEFS    := -D_GNU_SOURCE -I$(B)
# Hardening of every build but the sanitizer and fuzz builds (HARDEN= to drop it).
HARDEN  ?= -fstack-protector-strong -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2
HARDEN_LD ?= -Wl,-z,relro,-z,now
ALL_CFLAGS = $(WARN) $(DEFS) $(PKG_CFLAGS) $(HARDEN) $(CFLAGS)
ALL_LDFLAGS = $(HARDEN_LD) $(LDFLAGS)

# The parsing rooms (no SQLite types) and the SQL-facing files.
CORE_SRC := ext/files.c ext/watch.c ext/bytes.c ext/lines.c ext/events.c ext/scan.c ext/index.c ext/partial.c ext/entities.c ext/smtp.c ext/mime.c ext/diagnose.c ext/filters.c ext/logtype.c ext/amp.c ext/av.c ext/attach.c ext/cef.c ext/cef_store.c ext/dns.c ext/probe.c ext/senders.c ext/grow.c ext/hashmap.c ext/progress.c ext/threads.c ext/storefile.c
SQL_SRC  := ext/tables.c ext/cache.c ext/table_lines.c ext/table_entities.c ext/table_history.c ext/table_diagnose.c ext/table_coverage.c ext/table_parse.c ext/table_errors.c ext/table_smtp.c ext/table_health.c ext/table_files.c ext/table_bounces.c ext/table_cef.c ext/table_antivirus.c ext/table_check.c ext/functions.c ext/mailtrace.c
HDRS     := $(wildcard ext/*.h) include/mailtrace.h

SO_OBJ   := $(patsubst ext/%.c,$(B)/so/%.o,$(CORE_SRC) $(SQL_SRC))
A_OBJ    := $(patsubst ext/%.c,$(B)/a/%.o,$(CORE_SRC) $(SQL_SRC))
CORE_OBJ := $(patsubst ext/%.c,$(B)/a/%.o,$(CORE_SRC))
SO       := $(OUT)/mailtrace.so
LIB      := $(OUT)/libmailtrace.a

.PHONY: all demo test unit asan ubsan tsan valgrind fuzz fuzz-build check bench bench-asan clean man install uninstall dist distcheck node-deps print-version format format-check FORCE
all: $(SO) $(LIB) man

$(B)/so/%.o: ext/%.c $(HDRS) | $(B)/so
	$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@
# The static library calls SQLite directly (SQLITE_CORE): for programs that link SQLite.
$(B)/a/%.o: ext/%.c $(HDRS) | $(B)/a
	$(CC) $(ALL_CFLAGS) -DSQLITE_CORE -c $< -o $@
$(B) $(B)/so $(B)/a $(B)/t $(B)/fuzz:
	mkdir -p $@

# The version and commit go into mailtrace_version(); the header changes only when they do.
$(B)/version.h: FORCE | $(B)
	@printf '#define MT_VERSION "%s"\n#define MT_GIT "%s"\n' '$(VERSION)' '$(GIT)' > $@.tmp; cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp
$(B)/so/functions.o $(B)/a/functions.o: $(B)/version.h
# The build fingerprint of a saved store image (storefile.c): a checksum of every source
# of ext/, so that a mailtrace built from other code never reads an image this one wrote.
$(B)/buildfp.h: FORCE | $(B)
	@printf '#define MT_BUILD_FP "%s"\n' "$$(cat $(sort $(wildcard ext/*.c ext/*.h)) | sha256sum | cut -c1-32)" > $@.tmp; cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp
$(B)/so/storefile.o $(B)/a/storefile.o: $(B)/buildfp.h

$(SO): $(SO_OBJ)
	$(CC) -shared -o $@ $^ $(PKG_LIBS) $(ALL_LDFLAGS)
$(LIB): $(A_OBJ)
	rm -f $@ && ar rcs $@ $^

# ---- tests
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/t/%,$(UNIT_SRC))
$(B)/t/%: tests/unit/%.c $(CORE_OBJ) tests/unit/unit.h tests/unit/listing.h | $(B)/t
	$(CC) $(ALL_CFLAGS) -Iext $< $(CORE_OBJ) -o $@ $(PKG_LIBS) $(ALL_LDFLAGS)
$(B)/t/embed: tests/embed.c $(LIB) | $(B)/t
	$(CC) $(ALL_CFLAGS) -Iinclude $< $(LIB) -o $@ $(SQLITE_LIBS) $(PKG_LIBS) $(ALL_LDFLAGS)

# Allocation failure injection: every malloc of mailtrace's own code and of SQLite.
WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
$(B)/t/nomem: tests/nomem.c $(LIB) | $(B)/t
	$(CC) $(ALL_CFLAGS) -Iinclude $< $(LIB) -o $@ $(WRAP) $(SQLITE_LIBS) $(PKG_LIBS) $(ALL_LDFLAGS)

unit: $(UNIT_BIN)

test: all unit $(B)/t/embed $(B)/t/nomem
	@TBIN=$(B)/t MAILTRACE_EXT=$(abspath $(OUT))/mailtrace tests/run

demo: all
	@tests/demo.sh

# Node's better-sqlite3@12 from the npm registry, for tests/sh/node.sh (once; npm may
# compile its SQLite, which takes minutes).
node-deps:
	mkdir -p $(B)/node && cd $(B)/node && npm install --no-audit --no-fund --loglevel=error better-sqlite3@12

# ---- sanitizers: the same suite, instrumented.  The shell and Python are
# not instrumented, so the ASan runtime is preloaded into them.  A test file
# may run three times longer than its plain limit (TEST_TIMEOUT 900 s unless
# set): under ASan every process maps its shadow memory, and on a VM that
# charges 2.5-3.4 ms per MiB of fresh memory tests/sh/pipeline.sh (dozens of
# sqlite3 processes) took about 400 s, past the plain 300.
SAN_TIMEOUT = TEST_TIMEOUT=$${TEST_TIMEOUT:-900}
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
asan:
	$(MAKE) --no-print-directory B=build/asan OUT=build/asan HARDEN= CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" all unit build/asan/t/embed build/asan/t/nomem
	@LD_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" \
	  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(SAN_TIMEOUT) TBIN=build/asan/t MAILTRACE_EXT=$(CURDIR)/build/asan/mailtrace tests/run

# ---- ThreadSanitizer over the tests whose lookups run on two threads: a busy
# sender's sweep split in two halves (ext/partial.c), both reading the one
# offset index (ext/index.c), after the index pass's own threads; and over
# tests/sh/pipeline.sh, the whole-log store built on two threads (one walks,
# one fills the store: ext/entities.c), whose shell finds the wrapper first
# in PATH.  Any race report stops the test (exit 66), which the runner counts
# as a failure.
TSAN := -fsanitize=thread -fno-omit-frame-pointer
# (The runtime is preloaded into the programs that load the extension only,
# Python and the sqlite3 shell, through two small wrappers: bash does not
# start with it.)
tsan:
	$(MAKE) --no-print-directory B=build/tsan OUT=build/tsan HARDEN= CFLAGS="-O1 -g $(TSAN)" LDFLAGS="$(TSAN)" build/tsan/mailtrace.so
	@for p in python3 sqlite3; do \
	  printf '#!/bin/sh\nLD_PRELOAD=%s TSAN_OPTIONS=halt_on_error=1:exitcode=66 exec %s "$$@"\n' \
	    "$$($(CC) -print-file-name=libtsan.so)" "$$( [ -x /usr/bin/$$p ] && echo /usr/bin/$$p || command -v $$p)" \
	    > build/tsan/$$p && chmod +x build/tsan/$$p; done
	@$(SAN_TIMEOUT) TEST_FILTER=lookup PYTHON=$(CURDIR)/build/tsan/python3 SQLITE=$(CURDIR)/build/tsan/sqlite3 \
	  MAILTRACE_EXT=$(CURDIR)/build/tsan/mailtrace tests/run
	@$(SAN_TIMEOUT) TEST_FILTER=pipeline PATH=$(CURDIR)/build/tsan:$$PATH PYTHON=$(CURDIR)/build/tsan/python3 \
	  SQLITE=$(CURDIR)/build/tsan/sqlite3 MAILTRACE_EXT=$(CURDIR)/build/tsan/mailtrace tests/run
	@$(SAN_TIMEOUT) TEST_FILTER=image_threads PYTHON=$(CURDIR)/build/tsan/python3 \
	  SQLITE=$(CURDIR)/build/tsan/sqlite3 MAILTRACE_EXT=$(CURDIR)/build/tsan/mailtrace tests/run

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
	  $(SAN_TIMEOUT) TBIN=build/ubsan/t MAILTRACE_EXT=$(CURDIR)/build/ubsan/mailtrace tests/run

valgrind: all unit
	@tests/valgrind.sh

# ---- fuzzing (clang + libFuzzer)
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(WARN) $(DEFS) -Iext
$(B)/fuzz/fuzz_line: tests/fuzz/fuzz_line.c tests/fuzz/fuzz.h ext/lines.c ext/events.c ext/smtp.c ext/hashmap.c ext/grow.c $(HDRS) | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_line.c ext/lines.c ext/events.c ext/smtp.c ext/hashmap.c ext/grow.c -o $@
$(B)/fuzz/fuzz_reader: tests/fuzz/fuzz_reader.c $(CORE_SRC) $(HDRS) | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_reader.c $(CORE_SRC) -o $@ -lz -pthread
$(B)/fuzz/fuzz_mime: tests/fuzz/fuzz_mime.c ext/mime.c $(HDRS) | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_mime.c ext/mime.c -o $@
$(B)/fuzz/fuzz_index: tests/fuzz/fuzz_index.c $(CORE_SRC) $(HDRS) | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_index.c $(CORE_SRC) -o $@ -lz -pthread
$(B)/fuzz/fuzz_logtype: tests/fuzz/fuzz_logtype.c tests/fuzz/fuzz.h ext/lines.c ext/events.c ext/logtype.c ext/amp.c ext/av.c ext/attach.c ext/hashmap.c ext/grow.c $(HDRS) | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_logtype.c ext/lines.c ext/events.c ext/logtype.c ext/amp.c ext/av.c ext/attach.c ext/hashmap.c ext/grow.c -o $@
$(B)/fuzz/fuzz_amp: tests/fuzz/fuzz_amp.c tests/fuzz/fuzz.h ext/amp.c $(HDRS) | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_amp.c ext/amp.c -o $@
$(B)/fuzz/fuzz_av: tests/fuzz/fuzz_av.c tests/fuzz/fuzz.h ext/av.c $(HDRS) | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_av.c ext/av.c -o $@
$(B)/fuzz/fuzz_cef: tests/fuzz/fuzz_cef.c ext/cef.c $(HDRS) | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_cef.c ext/cef.c -o $@
$(B)/fuzz/fuzz_filters: tests/fuzz/fuzz_filters.c ext/filters.c $(HDRS) | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_filters.c ext/filters.c -o $@
$(B)/fuzz/fuzz_dns: tests/fuzz/fuzz_dns.c ext/dns.c ext/probe.c $(HDRS) | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_dns.c ext/dns.c ext/probe.c -o $@
$(B)/fuzz/fuzz_hashmap: tests/fuzz/fuzz_hashmap.c ext/hashmap.c ext/grow.c $(HDRS) | $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_hashmap.c ext/hashmap.c ext/grow.c -o $@
fuzz-build: $(B)/fuzz/fuzz_hashmap $(B)/fuzz/fuzz_line $(B)/fuzz/fuzz_reader $(B)/fuzz/fuzz_mime $(B)/fuzz/fuzz_index $(B)/fuzz/fuzz_logtype $(B)/fuzz/fuzz_amp $(B)/fuzz/fuzz_av $(B)/fuzz/fuzz_cef $(B)/fuzz/fuzz_filters $(B)/fuzz/fuzz_dns
fuzz: fuzz-build
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

check: test asan valgrind
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10

bench: all
	@bench/run.sh

# Goal 5 under AddressSanitizer with its quarantine off (bench/README.md): after make bench.
bench-asan: all
	@bench/asan-rss.sh

# ---- man pages, made from docs/ (tools/md2man.py)
MAN7_SRC := docs/sql.md docs/lines.md docs/tables.md docs/functions.md docs/diagnose.md \
            docs/coverage.md docs/smtp.md docs/events.md
$(B)/man/mailtrace.1: docs/command.md tools/md2man.py | $(B)
	@mkdir -p $(B)/man
	python3 tools/md2man.py mailtrace 1 '$(VERSION)' 'mailtrace manual' docs/command.md > $@
$(B)/man/mailtrace.7: $(MAN7_SRC) tools/md2man.py | $(B)
	@mkdir -p $(B)/man
	python3 tools/md2man.py mailtrace 7 '$(VERSION)' 'mailtrace manual' $(MAN7_SRC) > $@
man: $(B)/man/mailtrace.1 $(B)/man/mailtrace.7

# ---- install: PREFIX (default /usr/local), DESTDIR for staging (packages)
INSTALLED := $(BINDIR)/mailtrace $(LIBDIR)/mailtrace.so $(LIBDIR)/libmailtrace.a \
             $(INCLUDEDIR)/mailtrace.h $(PKGCONFIGDIR)/mailtrace.pc \
             $(MANDIR)/man1/mailtrace.1 $(MANDIR)/man7/mailtrace.7 $(BASHCOMPDIR)/mailtrace \
             $(addprefix $(DATADIR)/mailtrace/sql/,$(notdir $(wildcard sql/*.sql))) \
             $(addprefix $(DATADIR)/doc/mailtrace/,README.md CHANGELOG.md LICENSE)
SUBST = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
            -e 's|@DATADIR@|$(DATADIR)|g' -e 's|@VERSION@|$(VERSION)|g'
install: all man
	install -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(LIBDIR)' '$(DESTDIR)$(INCLUDEDIR)' '$(DESTDIR)$(PKGCONFIGDIR)' \
	  '$(DESTDIR)$(MANDIR)/man1' '$(DESTDIR)$(MANDIR)/man7' '$(DESTDIR)$(BASHCOMPDIR)' \
	  '$(DESTDIR)$(DATADIR)/mailtrace/sql' '$(DESTDIR)$(DATADIR)/doc/mailtrace'
	$(SUBST) bin/mailtrace > '$(DESTDIR)$(BINDIR)/mailtrace' && chmod 755 '$(DESTDIR)$(BINDIR)/mailtrace'
	install -m 755 $(SO) '$(DESTDIR)$(LIBDIR)/mailtrace.so'
	install -m 644 $(LIB) '$(DESTDIR)$(LIBDIR)/libmailtrace.a'
	install -m 644 include/mailtrace.h '$(DESTDIR)$(INCLUDEDIR)/mailtrace.h'
	$(SUBST) tools/mailtrace.pc.in > '$(DESTDIR)$(PKGCONFIGDIR)/mailtrace.pc'
	install -m 644 $(B)/man/mailtrace.1 '$(DESTDIR)$(MANDIR)/man1/mailtrace.1'
	install -m 644 $(B)/man/mailtrace.7 '$(DESTDIR)$(MANDIR)/man7/mailtrace.7'
	install -m 644 tools/mailtrace.bash '$(DESTDIR)$(BASHCOMPDIR)/mailtrace'
	install -m 644 sql/*.sql '$(DESTDIR)$(DATADIR)/mailtrace/sql/'
	install -m 644 README.md CHANGELOG.md LICENSE '$(DESTDIR)$(DATADIR)/doc/mailtrace/'
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir '$(DESTDIR)$(DATADIR)/mailtrace/sql' '$(DESTDIR)$(DATADIR)/mailtrace' '$(DESTDIR)$(DATADIR)/doc/mailtrace' 2>/dev/null

# ---- release tarball: the committed tree (git archive HEAD) plus a VERSION file
# ("version commit") that stands in for git in the unpacked tree.
DIST := mailtrace-$(VERSION)
dist:
	@git rev-parse --git-dir >/dev/null 2>&1 || { echo 'make dist: needs a git checkout'; exit 1; }
	@git diff --quiet HEAD -- || echo 'make dist: note: uncommitted changes are not in the tarball'
	rm -rf $(B)/dist && mkdir -p $(B)/dist
	git archive --format=tar --prefix=$(DIST)/ HEAD | tar -x -C $(B)/dist
	echo '$(VERSION) $(GIT)' > $(B)/dist/$(DIST)/VERSION
	tar -C $(B)/dist -czf $(DIST).tar.gz --owner=0 --group=0 --sort=name $(DIST)
	rm -rf $(B)/dist
	@echo "$(DIST).tar.gz"
# The tarball builds and passes with the README's commands, installs and uninstalls.
distcheck: dist
	rm -rf $(B)/distcheck && mkdir -p $(B)/distcheck
	tar -xzf $(DIST).tar.gz -C $(B)/distcheck
	cd $(B)/distcheck/$(DIST) && $(MAKE) --no-print-directory -j2 demo >/dev/null && $(MAKE) --no-print-directory test
	cd $(B)/distcheck/$(DIST) && $(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(B)/distcheck/root PREFIX=/usr >/dev/null
	MAILTRACE_EXT=$(CURDIR)/$(B)/distcheck/root/usr/lib/mailtrace $(B)/distcheck/root/usr/bin/mailtrace version
	cd $(B)/distcheck/$(DIST) && $(MAKE) --no-print-directory uninstall DESTDIR=$(CURDIR)/$(B)/distcheck/root PREFIX=/usr
	@left=$$(find $(B)/distcheck/root -type f); [ -z "$$left" ] || { echo "left after uninstall: $$left"; exit 1; }
	rm -rf $(B)/distcheck
	@echo "$(DIST).tar.gz: builds, passes make test, installs and uninstalls"

print-version:
	@echo '$(VERSION)'

# ---- style: .clang-format is the code as written, as near as clang-format gets
# (it cannot write "if( x ){" without the space before "{", nor "a==b" without
# spaces, nor two statements on one line).  The code base is not reformatted
# wholesale: format-check only reports; format rewrites the FILES named.
CLANG_FORMAT ?= clang-format
FORMAT_SRC := $(wildcard ext/*.c ext/*.h include/*.h tests/*.c tests/unit/*.c tests/unit/*.h tests/fuzz/*.c bench/*.c)
format-check:
	@command -v $(CLANG_FORMAT) >/dev/null || { echo "format-check: no $(CLANG_FORMAT) (apt-get install clang-format)"; exit 0; }
	@t=0; all=0; for f in $(FORMAT_SRC); do \
	  n=$$($(CLANG_FORMAT) --style=file "$$f" | diff "$$f" - | grep -c '^<'); \
	  l=$$(wc -l < "$$f"); t=$$((t+n)); all=$$((all+l)); \
	  [ "$$n" -eq 0 ] || printf '%6d of %6d lines differ  %s\n' "$$n" "$$l" "$$f"; \
	done; echo "format-check: $$t of $$all lines differ from .clang-format (reported only)"

format:
	@[ -n "$(FILES)" ] || { echo "make format FILES='ext/x.c ...': names the files to rewrite (the code base is not reformatted wholesale; make format-check reports)"; exit 1; }
	$(CLANG_FORMAT) --style=file -i $(FILES)

clean:
	rm -rf build mailtrace.so libmailtrace.a mailtrace-*.tar.gz
