# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-tools: plain make over pkg-config. `make SANITIZE=1` for ASan+UBSan.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
# bash-completion's own directory when it says where that is, else one
# under PREFIX; zsh's site-functions under PREFIX.
BASHCOMPDIR ?= $(or $(shell pkg-config --define-variable=prefix=$(PREFIX) \
	--variable=completionsdir bash-completion 2>/dev/null), \
	$(PREFIX)/share/bash-completion/completions)
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
# The service examples (examples/), as documentation.
DOCDIR ?= $(PREFIX)/share/doc/xmpp-tools
EXAMPLES = examples/README examples/crontab examples/xmpp-bot.service \
	examples/xmpp-check.service examples/xmpp-check.timer \
	examples/xmpp-alert@.service
# The version every --version prints, for the name of the tarball.
VERSION := $(shell sed -n 's/^\#define XT_VERSION "\([^"]*\)".*/\1/p' \
	common/xt.h)
DIST = xmpp-tools-$(VERSION)
# Where `make dist` writes $(DIST).tar.gz.
DISTDIR ?= .

PKGS = libstrophe openssl expat popt inih jansson libcurl
CFLAGS ?= -O2 -g
# override: a CFLAGS given on the command line keeps what the build needs.
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Icommon \
	$(shell pkg-config --cflags $(PKGS))
LDLIBS = $(shell pkg-config --libs $(PKGS)) -lreadline -lresolv -lm
ifeq ($(SANITIZE),1)
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
# A finding is exit 86, a status no tool uses: a test that expects a
# failure (exit 1) cannot take it for that failure.
export ASAN_OPTIONS = exitcode=86
export UBSAN_OPTIONS = exitcode=86:print_stacktrace=1
export LSAN_OPTIONS = suppressions=$(CURDIR)/tests/lsan.supp
endif

TOOLS = xmpp-send xmpp-ping xmpp-listen xmpp-disco xmpp-roster xmpp-muc \
	xmpp-console
BINS = $(TOOLS:%=cmd/%)
LIBOBJ = common/diag.o common/options.o common/account.o common/jid.o \
	common/dns.o common/tls.o common/sasl.o common/session.o common/iq.o \
	common/text.o common/reader.o common/output.o common/outq.o \
	common/muc.o common/idset.o common/stanza.o common/link.o \
	common/datetime.o common/file.o common/alloc.o common/form.o \
	common/disco.o common/iqpool.o common/roster.o common/strset.o \
	common/progress.o common/term.o common/lines.o common/mam.o \
	common/http.o common/upload.o common/pretty.o
UNITS = tests/unit/sasl tests/unit/reader tests/unit/output tests/unit/text \
	tests/unit/account tests/unit/jid tests/unit/datetime tests/unit/disco tests/unit/strset \
	tests/unit/muc tests/unit/pretty
# libFuzzer harnesses, tests/fuzz/TARGET.c; each is also built with the
# plain compiler as tests/fuzz/replay-TARGET, which runs it on files.
FUZZ = reader config legacy credentials jid scram output datetime srv disco
REPLAY = $(FUZZ:%=tests/fuzz/replay-%)
MAN1 = $(TOOLS:%=man/%.1)
MAN = $(MAN1) man/xmpp-tools.7 man/xmpp-tools.conf.5
# Made by scripts/gen-completion from each tool's --list-options.
BASHCOMP = $(TOOLS:%=completion/bash/%)
ZSHCOMP = $(TOOLS:%=completion/zsh/_%)

all: $(BINS) $(UNITS) $(REPLAY) scripts/measure $(BASHCOMP) $(ZSHCOMP)

# Everything built depends on the flags it was built with: build.flags
# holds them and is rewritten only when they change (SANITIZE=1 or back,
# another CFLAGS or CC), so that such a change rebuilds everything.
BUILD_FLAGS = $(CC) $(CFLAGS) $(LDFLAGS) $(LDLIBS)
build.flags: FORCE
	@if [ "$$(cat $@ 2>/dev/null)" != '$(BUILD_FLAGS)' ]; then \
		echo '$(BUILD_FLAGS)' >$@; fi

common/libxt.a: $(LIBOBJ)
	$(AR) rcs $@ $(LIBOBJ)

$(LIBOBJ): common/xt.h build.flags
cmd/%: cmd/%.c common/libxt.a common/xt.h build.flags
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< common/libxt.a $(LDLIBS)
completion/bash/%: cmd/% scripts/gen-completion completion/complete.bash
	@mkdir -p $(@D)
	scripts/gen-completion bash $< >$@.tmp || { rm -f $@.tmp; exit 1; }
	@mv -f $@.tmp $@
completion/zsh/_%: cmd/% scripts/gen-completion completion/complete.zsh
	@mkdir -p $(@D)
	scripts/gen-completion zsh $< >$@.tmp || { rm -f $@.tmp; exit 1; }
	@mv -f $@.tmp $@
# Peak memory of a child, for the tests of input bounds and the benches.
scripts/measure: scripts/measure.c build.flags
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<
scripts/bench-recv: scripts/bench-recv.c common/libxt.a common/xt.h build.flags
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< common/libxt.a $(LDLIBS)
tests/unit/%: tests/unit/%.c tests/unit/tap.h common/libxt.a common/xt.h \
		build.flags
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< common/libxt.a $(LDLIBS)
# Some harnesses compile a file of common/ in, to reach its static
# functions: they depend on those files too.
FUZZ_DEPS = tests/fuzz/fuzz.h common/xt.h common/account.c common/options.c \
	common/dns.c
$(REPLAY): tests/fuzz/replay-%: tests/fuzz/%.c tests/fuzz/driver.c \
		$(FUZZ_DEPS) common/libxt.a build.flags
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ tests/fuzz/driver.c $< common/libxt.a \
		$(LDLIBS)

# ---- fuzzing: clang and libFuzzer, in a directory of its own ----

FUZZ_TIME ?= 60
FUZZ_TARGETS ?= $(FUZZ)
FUZZ_CC ?= clang
FUZZ_DIR = tests/fuzz/bin
FUZZ_CFLAGS = -g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Icommon \
	$(shell pkg-config --cflags $(PKGS)) -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_OBJ = $(LIBOBJ:common/%.o=$(FUZZ_DIR)/obj/%.o)
FUZZ_BINS = $(FUZZ:%=$(FUZZ_DIR)/%)

$(FUZZ_DIR)/obj/%.o: common/%.c common/xt.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZ_DIR)/libxt.a: $(FUZZ_OBJ)
	$(AR) rcs $@ $(FUZZ_OBJ)
$(FUZZ_BINS): $(FUZZ_DIR)/%: tests/fuzz/%.c $(FUZZ_DEPS) $(FUZZ_DIR)/libxt.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		$(FUZZ_DIR)/libxt.a $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

# Each harness for FUZZ_TIME seconds from a copy of its seed corpus; fails
# if one finds a crash (kept under tests/fuzz/bin/crashes/).
fuzz:
	scripts/install-deps --fuzz --quiet
	$(MAKE) fuzz-build
	scripts/fuzz -t $(FUZZ_TIME) $(FUZZ_TARGETS)

# The dependencies are installed first: on a fresh machine `all` cannot
# build without them.
check:
	scripts/install-deps --test --quiet
	$(MAKE) all
	prove -j2 tests/

# The tools' main paths under valgrind (scripts/valgrind-check), from a
# plain build: valgrind cannot run the SANITIZE=1 binaries.
valgrind:
	scripts/install-deps --test --quiet
	$(MAKE) all SANITIZE=
	scripts/valgrind-check

lint: all
	mandoc -Tlint -Wwarning $(MAN)
	prove tests/0002-manpage-options.t

bench:
	scripts/install-deps --test --bench --quiet
	$(MAKE) all scripts/bench-recv
	scripts/bench-send
	scripts/bench-lines
	scripts/bench-disco
	scripts/bench-roster
	scripts/bench-muc
	scripts/bench-upload
	scripts/bench-console

demo:
	scripts/install-deps --test --quiet
	$(MAKE) all
	scripts/demo

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(DOCDIR)/examples
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/xmpp-tools.conf.5 $(DESTDIR)$(MANDIR)/man5
	install -m 644 man/xmpp-tools.7 $(DESTDIR)$(MANDIR)/man7
	install -m 644 $(BASHCOMP) $(DESTDIR)$(BASHCOMPDIR)
	install -m 644 $(ZSHCOMP) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples

# The files only: the directories may hold other packages' files.
uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%) \
		$(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%) \
		$(DESTDIR)$(MANDIR)/man5/xmpp-tools.conf.5 \
		$(DESTDIR)$(MANDIR)/man7/xmpp-tools.7 \
		$(TOOLS:%=$(DESTDIR)$(BASHCOMPDIR)/%) \
		$(TOOLS:%=$(DESTDIR)$(ZSHCOMPDIR)/_%) \
		$(EXAMPLES:examples/%=$(DESTDIR)$(DOCDIR)/examples/%)

# $(DISTDIR)/xmpp-tools-VERSION.tar.gz: the files of the commit checked
# out (git archive HEAD), under xmpp-tools-VERSION/.
dist:
	@[ -n '$(VERSION)' ] || { echo 'make dist: no XT_VERSION in' \
		'common/xt.h' >&2; exit 1; }
	@command -v git >/dev/null 2>&1 || { echo 'make dist: git is' \
		'not installed: the tarball is made with git archive' >&2; \
		exit 1; }
	@top=$$(git rev-parse --show-toplevel 2>/dev/null) && \
		[ "$$(cd "$$top" && pwd -P)" = "$$(pwd -P)" ] || { \
		echo 'make dist: $(CURDIR) is not a git checkout: the' \
		'tarball holds the files git tracks, make it from a clone' \
		'of xmpp-tools' >&2; exit 1; }
	@git diff --quiet HEAD -- 2>/dev/null || echo 'make dist: warning:' \
		'uncommitted changes are not in the tarball, made from HEAD' >&2
	@mkdir -p $(DISTDIR)
	git archive --format=tar.gz --prefix=$(DIST)/ \
		-o $(DISTDIR)/$(DIST).tar.gz HEAD

# The tarball as a user gets it: unpacked in a temporary directory, built
# and tested there (make check), installed into a temporary root and
# uninstalled, which must leave no file behind. XT_KEEP=1 keeps the
# directory.
distcheck: dist
	@set -e; tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/xt-distcheck.XXXXXX"); \
	if [ "$${XT_KEEP:-0}" = 1 ]; then \
		trap 'echo "distcheck: kept $$tmp"' EXIT; \
	else \
		trap 'rm -rf "$$tmp"' EXIT; \
	fi; \
	tar -xzf $(DISTDIR)/$(DIST).tar.gz -C "$$tmp"; \
	echo "distcheck: $(DIST).tar.gz unpacked in $$tmp"; \
	$(MAKE) -C "$$tmp/$(DIST)" check; \
	$(MAKE) -C "$$tmp/$(DIST)" install DESTDIR="$$tmp/root" PREFIX=/usr; \
	$(MAKE) -C "$$tmp/$(DIST)" uninstall DESTDIR="$$tmp/root" PREFIX=/usr; \
	left=$$(find "$$tmp/root" ! -type d); \
	if [ -n "$$left" ]; then \
		echo "distcheck: make uninstall left:"; echo "$$left"; \
		exit 1; \
	fi; \
	echo "distcheck: $(DISTDIR)/$(DIST).tar.gz is ready"

clean:
	rm -f $(BINS) $(UNITS) $(REPLAY) $(LIBOBJ) common/libxt.a \
		scripts/bench-recv scripts/measure build.flags
	rm -rf $(FUZZ_DIR) completion/bash completion/zsh

.PHONY: all check valgrind lint bench demo fuzz fuzz-build install uninstall \
	dist distcheck clean FORCE
