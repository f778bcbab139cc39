# SPDX-License-Identifier: GPL-2.0
# ltsport: make (build), make check (tests), make run (the real job).

CC ?= cc
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Werror=implicit-function-declaration
GIT2_CFLAGS := $(shell pkg-config --cflags libgit2 json-c 2>/dev/null)
GIT2_LIBS := $(shell pkg-config --libs libgit2 json-c 2>/dev/null || echo -lgit2 -ljson-c)

SRC = $(sort $(wildcard tools/ltsport/*.c))
OBJ = $(SRC:%.c=build/%.o)
ASAN_OBJ = $(SRC:%.c=build/asan/%.o)
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

all: ltsport

ltsport: $(OBJ)
	$(CC) $(CFLAGS) -o $@ $(OBJ) $(GIT2_LIBS) $(LDFLAGS)

build/%.o: %.c $(wildcard tools/ltsport/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(GIT2_CFLAGS) -c -o $@ $<

ltsport-asan: $(ASAN_OBJ)
	$(CC) -O1 -g $(SAN) -o $@ $(ASAN_OBJ) $(GIT2_LIBS)

build/asan/%.o: %.c $(wildcard tools/ltsport/*.h)
	@mkdir -p $(dir $@)
	$(CC) -O1 -g $(SAN) $(WARN) $(GIT2_CFLAGS) -c -o $@ $<

# tests/t0080's driver of spawn.c and fsutil.c
HELPER_OBJ = $(addprefix build/tools/ltsport/,spawn.o fsutil.o util.o)

tests/helpers/test-spawn: tests/helpers/test-spawn.c $(HELPER_OBJ)
	$(CC) $(CFLAGS) $(WARN) $(GIT2_CFLAGS) -o $@ $< $(HELPER_OBJ) $(GIT2_LIBS) $(LDFLAGS)

deps:
	@sh tools/install-deps.sh

# The shared reproducer (static) and the guest's initramfs.
repro:
	$(MAKE) -C tools/repro O=$(CURDIR)/build/repro

# Every test, then again under ASan/UBSan those that run ltsport itself (the
# others exercise spatch rules and the reproducer, not our C). prove prints
# the summary CI reads.
ASAN_TESTS = $(wildcard tests/t00*.sh) tests/t3010-port-eras.sh tests/t4000-real-trees.sh \
	tests/t6020-repro.sh

check: deps ltsport ltsport-asan tests/helpers/test-spawn
	prove -f tests/t[0-9]*.sh
	LTSPORT=$(CURDIR)/ltsport-asan ASAN_OPTIONS=detect_leaks=1 prove -f $(ASAN_TESTS)

# Debian's kernel sources become trees/6.1 and trees/6.12 (a no-op when done);
# the other trees of stable_trees.conf are reported absent, with where to get them.
DEBIAN_TREES = 6.1 6.12

run: deps ltsport
	@for v in $(DEBIAN_TREES); do \
		./ltsport trees import /usr/src/linux-source-$$v.tar.xz --into trees || exit 1; \
	done
	./ltsport status
	./ltsport port
	./ltsport check
	./ltsport build --quick
	./ltsport backtest
	./ltsport repro
	./ltsport report
	@echo "ltsport: backports are in backports/swap-race/<tree>/ (quilt series) and on the branches ltsport/swap-race/<tree> of trees/<tree>"

clean:
	rm -rf build ltsport ltsport-asan tests/helpers/test-spawn

.PHONY: all check run clean deps repro
