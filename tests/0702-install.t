#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# make install into a temporary root, as a package build does
# (DESTDIR=ROOT PREFIX=/usr): every tool runs from ROOT/usr/bin, every
# man page renders from ROOT/usr/share/man, the completions are in
# bash-completion's directory and zsh's site-functions and work there;
# then make uninstall leaves no file. It leaves the directories install
# made, empty: usr/bin, usr/share/man/man1, man5, man7, the bash
# completion directory (usr/share/bash-completion/completions),
# usr/share/zsh/site-functions and usr/share/doc/xmpp-tools/examples, with
# their parents. The same with BINDIR, MANDIR, BASHCOMPDIR, ZSHCOMPDIR
# and DOCDIR set.
#
# make install builds first (make all): run through make check, or after
# a make with the same flags, so that it has nothing to build.

. "$(dirname "$0")/lib.sh"

command -v make >/dev/null 2>&1 || plan_skip_all "make is not installed"
tools=
for bin in "$XT_ROOT"/cmd/xmpp-*; do
	case $bin in *.c | *.o) continue ;; esac
	[ -f "$bin" ] && [ -x "$bin" ] && tools="$tools ${bin##*/}"
done
[ -n "$tools" ] || plan_skip_all "no tool is built (make)"
version=$(sed -n 's/^#define XT_VERSION "\([^"]*\)".*/\1/p' \
    "$XT_ROOT/common/xt.h")
# Where the Makefile puts the bash completion with PREFIX=/usr.
bashdir=$(pkg-config --define-variable=prefix=/usr --variable=completionsdir \
    bash-completion 2>/dev/null)
[ -n "$bashdir" ] || bashdir=/usr/share/bash-completion/completions
zshdir=/usr/share/zsh/site-functions
if command -v man >/dev/null 2>&1; then
	render() { MANPAGER=cat MANWIDTH=80 man -l "$1"; }
	renderer="man -l"
elif command -v mandoc >/dev/null 2>&1; then
	render() { mandoc -Tutf8 "$1"; }
	renderer="mandoc -Tutf8"
else
	renderer=
fi

# mode FILE: its permissions, octal.
mode() {
	stat -c %a "$1"
}

# make_in ROOT ARGS...: make -C the tree ARGS DESTDIR=ROOT; fails the test
# with make's output if make fails.
make_in() {
	_root=$1
	shift
	if run_bounded 300 make -C "$XT_ROOT" "$@" DESTDIR="$_root" \
	    >"$XT_TMP/make.log" 2>&1 </dev/null; then
		pass "make $* DESTDIR=ROOT"
	else
		fail "make $* DESTDIR=ROOT"
		diag "$(tail -n 30 "$XT_TMP/make.log")"
		return 1
	fi
}

# installed ROOT BINDIR MANDIR BASHCOMPDIR ZSHCOMPDIR DOCDIR: the checks of
# what make install put under ROOT.
installed() {
	r=$1 bindir=$2 mandir=$3 bdir=$4 zdir=$5 docdir=$6
	for f in "$XT_ROOT"/examples/*; do
		ok "$docdir/examples/${f##*/} is examples/${f##*/}" \
		    cmp -s "$f" "$r$docdir/examples/${f##*/}"
	done
	for t in $tools; do
		bin=$r$bindir/$t
		if [ ! -x "$bin" ]; then
			fail "$t is installed in $bindir"
			continue
		fi
		is "$(mode "$bin")" 755 "$bindir/$t: mode 755"
		xt_run "$bin" --version </dev/null
		is_rc 0 "$bindir/$t --version exits 0"
		like "$xt_out" "^$t $version " \
		    "$bindir/$t --version prints $t $version"
	done

	for page in "$XT_ROOT"/man/*.[1-9]; do
		[ -f "$page" ] || continue
		name=${page##*/}
		sec=${name##*.}
		inst=$r$mandir/man$sec/$name
		if [ ! -f "$inst" ]; then
			fail "$name is installed in $mandir/man$sec"
			continue
		fi
		ok "$mandir/man$sec/$name is man/$name" cmp -s "$page" "$inst"
		is "$(mode "$inst")" 644 "$mandir/man$sec/$name: mode 644"
		if [ -z "$renderer" ]; then
			skip 1 "neither man nor mandoc is installed"
			continue
		fi
		title=$(echo "${name%.*}" | tr '[:lower:]' '[:upper:]')
		render "$inst" >"$XT_TMP/page" 2>"$XT_TMP/page.err"
		rc=$?
		if [ $rc = 0 ] && grep -q "^$title($sec)" "$XT_TMP/page" &&
		    grep -q '^NAME' "$XT_TMP/page"; then
			pass "$renderer $mandir/man$sec/$name renders"
		else
			fail "$renderer $mandir/man$sec/$name renders"
			diag "exit $rc" "$(cat "$XT_TMP/page.err")" \
			    "$(head -n 5 "$XT_TMP/page")"
		fi
		# Typesetting warnings (a table wider than 80 columns) are
		# the page's matter, shown but not failed here.
		if [ -s "$XT_TMP/page.err" ]; then
			note "$renderer $name, 80 columns:" \
			    "$(wc -l <"$XT_TMP/page.err") warnings, the first:" \
			    "$(head -n 1 "$XT_TMP/page.err")"
		fi
	done

	for t in $tools; do
		for pair in "bash:$bdir/$t" "zsh:$zdir/_$t"; do
			sh=${pair%%:*}
			inst=$r${pair#*:}
			src=$XT_ROOT/completion/$sh/${inst##*/}
			if [ ! -f "$inst" ]; then
				fail "$t: the $sh completion is in ${pair#*:}"
				continue
			fi
			ok "$t: ${pair#*:} is completion/$sh/${inst##*/}" \
			    cmp -s "$src" "$inst"
			is "$(mode "$inst")" 644 "${pair#*:}: mode 644"
		done
	done
	# The installed completion with the installed tool: the sections of
	# the config file come from ROOT/BINDIR/TOOL --list-accounts.
	t=${tools# }
	t=${t%% *}
	got=$(cd "$XT_TMP" && PATH=$r$bindir:/usr/bin:/bin BASH_ENV='' \
	    XMPP_CONFIG=$XT_TMP/config bash -c '
		. "$1" || exit 1
		COMP_WORDS=("$2" --account "")
		COMP_CWORD=2
		fn=$(complete -p "$2") && fn=${fn#*-F } && fn=${fn%% *} &&
		"$fn" "$2" "" --account && echo "${COMPREPLY[*]}"
	    ' sh "$r$bdir/$t" "$t" 2>&1)
	is "$got" "east west" "$t: the installed bash completion, with the installed tool, offers the accounts"
}

# uninstalled ROOT DIR...: nothing but directories left under ROOT, and
# those are DIR and their parents.
uninstalled() {
	r=$1
	shift
	left=$(cd "$r" && find . ! -type d | sed 's|^\./|/|')
	is "$left" "" "make uninstall leaves no file"
	want=$(for d in "$@"; do
		while [ "$d" != / ] && [ -n "$d" ]; do
			echo "$d"
			d=$(dirname "$d")
		done
	done | LC_ALL=C sort -u)
	got=$(cd "$r" && find . -mindepth 1 -type d | sed 's|^\./|/|' |
	    LC_ALL=C sort)
	is "$got" "$want" "make uninstall leaves only the empty directories install made: $*"
}

printf '[east]\njid = a@example.org\n[west]\njid = b@example.org\n' \
    >"$XT_TMP/config"
chmod 600 "$XT_TMP/config"

# As a package build does.
root=$XT_TMP/root
if make_in "$root" install PREFIX=/usr; then
	installed "$root" /usr/bin /usr/share/man "$bashdir" "$zshdir" \
	    /usr/share/doc/xmpp-tools
fi
if make_in "$root" uninstall PREFIX=/usr; then
	uninstalled "$root" /usr/bin /usr/share/man/man1 /usr/share/man/man5 \
	    /usr/share/man/man7 "$bashdir" "$zshdir" \
	    /usr/share/doc/xmpp-tools/examples
fi

# Every directory set apart.
root=$XT_TMP/root2
set -- BINDIR=/opt/xt/bin MANDIR=/opt/xt/man BASHCOMPDIR=/opt/xt/bash \
    ZSHCOMPDIR=/opt/xt/zsh DOCDIR=/opt/xt/doc
if make_in "$root" install PREFIX=/usr "$@"; then
	installed "$root" /opt/xt/bin /opt/xt/man /opt/xt/bash /opt/xt/zsh \
	    /opt/xt/doc
	is "$(cd "$root" && find . ! -type d ! -path './opt/xt/*')" "" \
	    "with BINDIR MANDIR BASHCOMPDIR ZSHCOMPDIR DOCDIR, nothing elsewhere"
fi
if make_in "$root" uninstall PREFIX=/usr "$@"; then
	uninstalled "$root" /opt/xt/bin /opt/xt/man/man1 /opt/xt/man/man5 \
	    /opt/xt/man/man7 /opt/xt/bash /opt/xt/zsh /opt/xt/doc/examples
fi

done_testing
