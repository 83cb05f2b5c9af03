# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-tools: plain make over pkg-config. `make SANITIZE=1` for ASan+UBSan.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man

PKGS = libstrophe openssl expat popt inih jansson
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Icommon \
	$(shell pkg-config --cflags $(PKGS))
LDLIBS = $(shell pkg-config --libs $(PKGS)) -lreadline -lresolv -lm
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
# A finding is exit 86, a status no tool uses: a test that expects a
# failure (exit 1) cannot take it for that failure.
export ASAN_OPTIONS = exitcode=86
export UBSAN_OPTIONS = exitcode=86:print_stacktrace=1
export LSAN_OPTIONS = suppressions=$(CURDIR)/tests/lsan.supp
endif

TOOLS = xmpp-send xmpp-ping xmpp-listen
BINS = $(TOOLS:%=cmd/%)
LIBOBJ = common/diag.o common/options.o common/account.o common/jid.o \
	common/dns.o common/tls.o common/sasl.o common/session.o common/iq.o \
	common/text.o common/reader.o common/output.o common/outq.o \
	common/muc.o common/idset.o common/stanza.o common/link.o \
	common/datetime.o common/file.o
UNITS = tests/unit/sasl tests/unit/reader tests/unit/output tests/unit/text \
	tests/unit/account tests/unit/jid tests/unit/datetime
MAN1 = $(TOOLS:%=man/%.1)
MAN = $(MAN1) man/xmpp-tools.7 man/xmpp-tools.conf.5

all: $(BINS) $(UNITS) scripts/measure

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
# Peak memory of a child, for the tests of input bounds and the benches.
scripts/measure: scripts/measure.c build.flags
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<
scripts/bench-recv: scripts/bench-recv.c common/libxt.a common/xt.h build.flags
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< common/libxt.a $(LDLIBS)
tests/unit/%: tests/unit/%.c tests/unit/tap.h common/libxt.a common/xt.h \
		build.flags
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< common/libxt.a $(LDLIBS)

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

demo:
	scripts/install-deps --test --quiet
	$(MAKE) all
	scripts/demo

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/xmpp-tools.conf.5 $(DESTDIR)$(MANDIR)/man5
	install -m 644 man/xmpp-tools.7 $(DESTDIR)$(MANDIR)/man7

uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%) \
		$(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%) \
		$(DESTDIR)$(MANDIR)/man5/xmpp-tools.conf.5 \
		$(DESTDIR)$(MANDIR)/man7/xmpp-tools.7

clean:
	rm -f $(BINS) $(UNITS) $(LIBOBJ) common/libxt.a scripts/bench-recv scripts/measure \
		build.flags

.PHONY: all check valgrind lint bench demo install uninstall clean FORCE
