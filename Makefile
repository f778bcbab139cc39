# SPDX-License-Identifier: GPL-2.0
# ltsport: make (build), make check (tests), make run (the real job).

CC ?= cc
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Werror=implicit-function-declaration
# --series NAME is looked for in $(PREFIX)/share/ltsport/series last.
PREFIX ?= /usr/local
DEFS = -DLTSPORT_SHARE='"$(PREFIX)/share/ltsport"'
GIT2_CFLAGS := $(shell pkg-config --cflags libgit2 json-c gmime-3.0 2>/dev/null)
GIT2_LIBS := $(shell pkg-config --libs libgit2 json-c gmime-3.0 2>/dev/null || \
	echo -lgit2 -ljson-c -lgmime-3.0 -lgobject-2.0 -lglib-2.0)

SRC = $(sort $(wildcard tools/ltsport/*.c))
OBJ = $(SRC:%.c=build/%.o)
ASAN_OBJ = $(SRC:%.c=build/asan/%.o)
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

all: ltsport

ltsport: $(OBJ)
	$(CC) $(CFLAGS) -o $@ $(OBJ) $(GIT2_LIBS) $(LDFLAGS)

build/%.o: %.c $(wildcard tools/ltsport/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(DEFS) $(GIT2_CFLAGS) -c -o $@ $<

ltsport-asan: $(ASAN_OBJ)
	$(CC) -O1 -g $(SAN) -o $@ $(ASAN_OBJ) $(GIT2_LIBS)

build/asan/%.o: %.c $(wildcard tools/ltsport/*.h)
	@mkdir -p $(dir $@)
	$(CC) -O1 -g $(SAN) $(WARN) $(DEFS) $(GIT2_CFLAGS) -c -o $@ $<

# tests/t0080's driver of spawn.c and fsutil.c
HELPER_OBJ = $(addprefix build/tools/ltsport/,spawn.o fsutil.o util.o)

tests/helpers/test-spawn: tests/helpers/test-spawn.c $(HELPER_OBJ)
	$(CC) $(CFLAGS) $(WARN) $(GIT2_CFLAGS) -o $@ $< $(HELPER_OBJ) $(GIT2_LIBS) $(LDFLAGS)

deps:
	@sh tools/install-deps.sh

# The shared reproducer (static) and the guest's initramfs.
repro:
	$(MAKE) -C tools/repro O=$(CURDIR)/build/repro

# Unit tests (cmocka): each tests/unit/u-*.c linked with every object but
# main.o (the ASan/UBSan build) and tests/unit/unit.c, which catches error()
# (-Wl,--wrap=error). The corpus replay: each tests/fuzz/fuzz-*.c harness with
# the plain driver tests/fuzz/standalone.c, built by $(CC) with ASan/UBSan,
# runs every file of tests/fuzz/corpora/<name>/ as one test.
LIB_SRC = $(filter-out tools/ltsport/main.c,$(SRC))
LIB_ASAN_OBJ = $(LIB_SRC:%.c=build/asan/%.o)
UNIT_SRC = $(sort $(wildcard tests/unit/u-*.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=build/unit/%)
FUZZ_SRC = $(sort $(wildcard tests/fuzz/fuzz-*.c))
REPLAY_BIN = $(FUZZ_SRC:tests/fuzz/%.c=build/replay/%)
TEST_CFLAGS = -O1 -g $(SAN) $(WARN) $(GIT2_CFLAGS) -Itools/ltsport

build/unit/%: tests/unit/%.c tests/unit/unit.c tests/unit/unit.h $(LIB_ASAN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -Itests/unit -o $@ $< tests/unit/unit.c $(LIB_ASAN_OBJ) \
		-Wl,--wrap=error $(GIT2_LIBS) -lcmocka

build/replay/%: tests/fuzz/%.c tests/fuzz/standalone.c tests/fuzz/quiet.c tests/fuzz/fuzz.h $(LIB_ASAN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -DFUZZ_CORPUS='"$(CURDIR)/tests/fuzz/corpora/$(patsubst fuzz-%,%,$*)"' \
		-o $@ $< tests/fuzz/standalone.c tests/fuzz/quiet.c $(LIB_ASAN_OBJ) \
		-Wl,--wrap=error,--wrap=warn,--wrap=git_fail $(GIT2_LIBS)

unit: $(UNIT_BIN) $(REPLAY_BIN)
	CMOCKA_MESSAGE_OUTPUT=TAP ASAN_OPTIONS=detect_leaks=1 prove -e '' $(UNIT_BIN) $(REPLAY_BIN)

# libFuzzer binaries (clang-14): build/fuzz/fuzz-<name>; bench/fuzz runs them.
FUZZ_CC = clang-14
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_OBJ = $(LIB_SRC:%.c=build/fuzzobj/%.o)
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

build/fuzzobj/%.o: %.c $(wildcard tools/ltsport/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(DEFS) $(GIT2_CFLAGS) -c -o $@ $<

build/fuzz/%: tests/fuzz/%.c tests/fuzz/quiet.c tests/fuzz/fuzz.h $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer $(GIT2_CFLAGS) -Itools/ltsport -o $@ $< \
		tests/fuzz/quiet.c $(FUZZ_OBJ) -Wl,--wrap=error,--wrap=warn,--wrap=git_fail $(GIT2_LIBS)

fuzz: $(FUZZ_BIN)

# The units, then one prove -j2 over every test and, again under ASan/UBSan,
# those that run ltsport itself (the others exercise spatch rules, the
# reproducer and our sources, not our C): build/check/asan/<test> runs
# tests/<test> with LTSPORT=ltsport-asan. The heavy work runs once, under
# ASan: t3010 (spatch and gcc on every era, ~10 min of CPU a run) only
# there, and t4000's kernel builds in its ASan run; its plain run
# (build/check/nobuild/) keeps the import, status, port and backtest. Each test has its own $TRASH; what tests share
# is made once, under a lock, in build/ (tests/lib.sh: linux_source, the
# files tests read from Debian's tarballs; real_tree, the imported trees).
# The longest go first (CHECK_FIRST, by the seconds prove --timer gave on
# this 2-core machine), so that both cores stay busy to the end. prove
# prints the time of each test and the summary CI reads.
ALL_TESTS = $(sort $(wildcard tests/t[0-9]*.sh))
ASAN_TESTS = $(filter-out tests/t0090-style.sh,$(wildcard tests/t00*.sh)) \
	tests/t3010-port-eras.sh tests/t4000-real-trees.sh tests/t6020-repro.sh
ASAN_WRAP = $(ASAN_TESTS:tests/%=build/check/asan/%)
NOBUILD_WRAP = build/check/nobuild/t4000-real-trees.sh
ASAN_ONLY = tests/t3010-port-eras.sh tests/t4000-real-trees.sh
CHECK_JOBS = $(filter-out $(ASAN_ONLY),$(ALL_TESTS)) $(ASAN_WRAP) $(NOBUILD_WRAP)
CHECK_FIRST = tests/t6030-repro-real.sh build/check/asan/t4000-real-trees.sh \
	build/check/asan/t3010-port-eras.sh tests/t3000-cocci-eras.sh tests/t3020-cocci-api.sh \
	tests/t3030-bridged.sh $(NOBUILD_WRAP) tests/t6010-instrument.sh tests/t0090-style.sh \
	tests/t6020-repro.sh build/check/asan/t6020-repro.sh
CHECK_ORDER = $(CHECK_FIRST) $(filter-out $(CHECK_FIRST),$(CHECK_JOBS))
JOBS ?= 2

build/check/asan/%.sh: tests/%.sh
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nLTSPORT=%s ASAN_OPTIONS=detect_leaks=1 exec %s\n' \
		$(CURDIR)/ltsport-asan $(CURDIR)/$< >$@.tmp && chmod +x $@.tmp && mv $@.tmp $@

build/check/nobuild/%.sh: tests/%.sh
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nLTSPORT_TEST_NO_BUILD=1 exec %s\n' $(CURDIR)/$< >$@.tmp && \
		chmod +x $@.tmp && mv $@.tmp $@

# All that tests would otherwise make in the checkout (t0085: test-spawn,
# t0095: the man page), so that no two of them make it at once.
check-build: ltsport ltsport-asan tests/helpers/test-spawn build/ltsport.1 \
	$(UNIT_BIN) $(REPLAY_BIN) $(ASAN_WRAP) $(NOBUILD_WRAP)

check: deps
	$(MAKE) -j$(JOBS) check-build
	$(MAKE) unit
	prove -j$(JOBS) --timer -f $(CHECK_ORDER)

# Debian's kernel sources become trees/6.1 and trees/6.12 (a no-op when done);
# the other trees of stable_trees.conf are reported absent, with where to get them.
DEBIAN_TREES = 6.1 6.12

run: deps
	@$(MAKE) -s -j$(JOBS) ltsport
	@# one after the other: two at once took 70 s here, one by one 58 s
	@for v in $(DEBIAN_TREES); do \
		./ltsport trees import /usr/src/linux-source-$$v.tar.xz --into trees || exit 1; \
	done
	@# ltsport run exits 1 when a tree needs a maintainer: a finding, shown in its report
	./ltsport run; rc=$$?; \
	if [ $$rc -eq 1 ]; then echo "ltsport: a tree needs a maintainer: see the report above"; \
	elif [ $$rc -ne 0 ]; then exit $$rc; fi
	@echo "ltsport: backports are in backports/swap-race/<tree>/ (quilt series) and on the branches ltsport/swap-race/<tree> of trees/<tree>"

# The man page is made from README.md (tools/mkman); install puts ltsport, the
# page, and what it reads at run time (series, cocci rules, kconfig fragments,
# the reproducer's sources) under $(DESTDIR)$(PREFIX) (PREFIX: above).
SHARE = $(DESTDIR)$(PREFIX)/share/ltsport
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

man: build/ltsport.1

build/ltsport.1: README.md tools/mkman
	@mkdir -p build
	awk -v version=$(VERSION) -f tools/mkman README.md > $@.tmp && mv $@.tmp $@

install: ltsport build/ltsport.1
	install -D -m 755 ltsport $(DESTDIR)$(PREFIX)/bin/ltsport
	install -D -m 644 build/ltsport.1 $(DESTDIR)$(PREFIX)/share/man/man1/ltsport.1
	install -d $(SHARE)/tools
	cp -R series cocci $(SHARE)/
	cp -R tools/kconfig $(SHARE)/tools/
	install -d $(SHARE)/tools/repro
	cp -R tools/repro/. $(SHARE)/tools/repro/
	install -m 644 stable_trees.conf $(SHARE)/stable_trees.conf

clean:
	rm -rf build ltsport ltsport-asan tests/helpers/test-spawn

.PHONY: all check check-build run clean deps repro unit fuzz man install
