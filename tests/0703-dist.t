#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# make dist: xmpp-tools-VERSION.tar.gz, VERSION the one --version prints
# (XT_VERSION, common/xt.h), holding exactly the files of the commit
# checked out, under xmpp-tools-VERSION/; unpacked in an empty directory
# it builds (make all), make clean takes it back to what was unpacked, and
# make dist there, outside a git checkout, fails saying why.
#
# The whole suite in the unpacked tree is `make distcheck` (CI), not
# this test: it would double the time of make check.

. "$(dirname "$0")/lib.sh"

command -v git >/dev/null 2>&1 || plan_skip_all "git is not installed"
top=$(git -C "$XT_ROOT" rev-parse --show-toplevel 2>/dev/null)
if [ -z "$top" ] || [ "$(cd "$top" && pwd -P)" != "$XT_ROOT" ]; then
	plan_skip_all "not a git checkout (an unpacked tarball?): make dist" \
	    "needs one"
fi
command -v make >/dev/null 2>&1 || plan_skip_all "make is not installed"

version=$(sed -n 's/^#define XT_VERSION "\([^"]*\)".*/\1/p' \
    "$XT_ROOT/common/xt.h")
isnt "$version" "" "common/xt.h defines XT_VERSION"
if [ -x "$XT_BIN/xmpp-send" ]; then
	xt_run xmpp-send --version </dev/null
	like "$xt_out" "^xmpp-send $version " \
	    "xmpp-send --version prints the version of common/xt.h"
fi
dist=xmpp-tools-$version
tarball=$XT_TMP/dist/$dist.tar.gz

xt_run make -C "$XT_ROOT" dist DISTDIR="$XT_TMP/dist" </dev/null
is_rc 0 "make dist DISTDIR=DIR exits 0"
if [ ! -f "$tarball" ]; then
	fail "make dist writes DIR/$dist.tar.gz"
	diag "$xt_out"
	done_testing
	exit
fi
pass "make dist writes DIR/$dist.tar.gz"
ok "$dist.tar.gz is gzip" gzip -t "$tarball"

# Every entry under xmpp-tools-VERSION/.
tar -tzf "$tarball" >"$XT_TMP/entries"
is "$(grep -v "^$dist/" "$XT_TMP/entries")" "" \
    "every entry of the tarball is under $dist/"

mkdir "$XT_TMP/unpack"
ok "the tarball unpacks" tar -xzf "$tarball" -C "$XT_TMP/unpack"
is "$(ls -A "$XT_TMP/unpack")" "$dist" "it unpacks into $dist/ alone"
tree=$XT_TMP/unpack/$dist

# Exactly the files of HEAD, with their contents and modes.
git -C "$XT_ROOT" ls-tree -r --full-tree HEAD >"$XT_TMP/head"
cut -f2 "$XT_TMP/head" | LC_ALL=C sort >"$XT_TMP/head.files"
(cd "$tree" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort) \
    >"$XT_TMP/tree.files"
missing=$(LC_ALL=C comm -23 "$XT_TMP/head.files" "$XT_TMP/tree.files")
extra=$(LC_ALL=C comm -13 "$XT_TMP/head.files" "$XT_TMP/tree.files")
is "$missing" "" "the tarball holds every file git tracks ($(wc -l \
    <"$XT_TMP/head.files") files)"
is "$extra" "" "the tarball holds no file git does not track"
bad=$(cd "$tree" && while IFS="$(printf '\t')" read -r meta path; do
	# shellcheck disable=SC2086 # mode, type, object
	set -- $meta
	[ -f "$path" ] || continue
	[ "$(git hash-object --no-filters -- "$path")" = "$3" ] ||
		echo "content: $path"
	if [ "$1" = 100755 ]; then
		[ -x "$path" ] || echo "mode: $path"
	elif [ -x "$path" ]; then
		echo "mode: $path"
	fi
done <"$XT_TMP/head")
is "$bad" "" "each file has the content and mode it has in HEAD"

# It builds where it was unpacked.
run_bounded 300 make -C "$tree" -j2 all >"$XT_TMP/build.log" 2>&1 </dev/null
rc=$?
if [ $rc = 0 ]; then
	pass "make all builds in the unpacked tree"
else
	fail "make all builds in the unpacked tree (exit $rc)"
	diag "$(tail -n 30 "$XT_TMP/build.log")"
fi
for t in xmpp-send xmpp-listen xmpp-ping xmpp-disco xmpp-roster; do
	[ -f "$tree/cmd/$t.c" ] || continue
	got=$("$tree/cmd/$t" --version 2>&1 </dev/null)
	like "$got" "^$t $version " "the unpacked tree's $t --version: $version"
	ok "the unpacked tree has completion/bash/$t and completion/zsh/_$t" \
	    test -s "$tree/completion/bash/$t" -a -s "$tree/completion/zsh/_$t"
done

# make clean leaves what was unpacked, nothing more.
run_bounded 60 make -C "$tree" clean >"$XT_TMP/clean.log" 2>&1 </dev/null
(cd "$tree" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort) \
    >"$XT_TMP/clean.files"
is "$(LC_ALL=C comm -13 "$XT_TMP/tree.files" "$XT_TMP/clean.files")" "" \
    "make clean in the unpacked tree removes everything built"

# Outside a git checkout make dist says why it cannot.
xt_run make -C "$tree" dist DISTDIR="$XT_TMP/dist2" </dev/null
isnt "$xt_rc" 0 "make dist outside a git checkout fails"
like "$xt_err" "not a git checkout" "and says it is not a git checkout"
ok "and writes no tarball" test ! -e "$XT_TMP/dist2/$dist.tar.gz"

done_testing
