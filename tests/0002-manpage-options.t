#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Each tool's --help and man page list the same long options (an .It entry
# per option, with the same short letter), and every man page lints clean.
#
#   tests/0002-manpage-options.t [TOOL...]
#
# TOOL is a binary (default: every cmd/xmpp-* that is built); its page is
# man/NAME.1 beside it. XT_MAN overrides the man/ directory.

root=$(cd "$(dirname "$0")/.." && pwd -P)
man=${XT_MAN:-$root/man}
n=0
failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xt-man.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

pass() {
	n=$((n + 1))
	echo "ok $n - $*"
}

fail() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
}

skip() {
	n=$((n + 1))
	echo "ok $n # skip $*"
}

diag() {
	printf '%s\n' "$*" | sed 's/^/#   /' >&2
}

# "-x --long" for each option line of popt's --help ("  -x, --long=ARG"
# or "      --long=ARG"), "- --long" when it has no short letter.
help_options() {
	sed -n 's/^ \{1,\}\(-\(.\), \)\{0,1\}--\([A-Za-z0-9][A-Za-z0-9-]*\).*/-\2 --\3/p'
}

# "-x --long" for each .It entry of an mdoc page naming a long option
# (".It Fl x Ar arg , Fl \-long Ar arg" or ".It Fl \-long"); the short
# letter is the flag that opens the entry, if any. Fl adds one dash, so
# the source of --long is "Fl -long".
man_items() {
	sed -n '/^\.It Fl /{
		s/\\&//g
		s/\\-/-/g
		/Fl -[A-Za-z0-9]/!d
		s/^\.It Fl \([^- ]\)[ ,].*Fl -\([A-Za-z0-9][A-Za-z0-9-]*\).*/-\1 --\2/p
		s/^\.It Fl -\([A-Za-z0-9][A-Za-z0-9-]*\).*/- --\1/p
	}'
}

# Every long option the page writes as a flag, anywhere (SYNOPSIS, list
# entries, text): "Fl \-long" or "Fl -long".
man_flags() {
	sed 's/\\-/-/g' | grep -o 'Fl -[A-Za-z0-9][A-Za-z0-9-]*' |
	    sed 's/^Fl -/--/' | sort -u
}

# How an option's short letter is named in a message.
letter() {
	if [ "$1" = - ]; then
		echo "no short option"
	else
		echo "$1"
	fi
}

check_tool() {
	bin=$1
	name=$(basename "$bin")
	page=$man/$name.1
	if [ ! -f "$page" ]; then
		fail "$name has a man page: $page is missing"
		return
	fi
	if ! timeout 10 "$bin" --help >"$tmp/help" 2>&1 </dev/null; then
		fail "$name --help exits 0"
		diag "$(cat "$tmp/help")"
		return
	fi
	help_options <"$tmp/help" | sort -u >"$tmp/help.opts"
	man_items <"$page" | sort -u >"$tmp/man.items"
	man_flags <"$page" >"$tmp/man.flags"
	if [ ! -s "$tmp/help.opts" ]; then
		fail "$name --help lists options"
		diag "$(cat "$tmp/help")"
		return
	fi

	# --help -> man page: an .It entry, with the same short letter.
	while read -r short long; do
		item=$(awk -v l="$long" '$2 == l { print $1; exit }' \
		    "$tmp/man.items")
		if [ -z "$item" ]; then
			fail "$name: $long (from --help) has no .It entry in" \
			    "man/$name.1"
		elif [ "$item" != "$short" ]; then
			fail "$name: $long has $(letter "$short") in --help" \
			    "but $(letter "$item") in man/$name.1"
		elif [ "$short" = - ]; then
			pass "$name: $long documented in man/$name.1"
		else
			pass "$name: $short, $long documented in man/$name.1"
		fi
	done <"$tmp/help.opts"

	# man page -> --help: nothing documented that the tool lacks.
	cut -d' ' -f2 "$tmp/help.opts" | sort -u >"$tmp/help.long"
	while read -r long; do
		if grep -qxF -- "$long" "$tmp/help.long"; then
			pass "$name: $long in man/$name.1 exists in --help"
		else
			fail "$name: $long is in man/$name.1 but not in" \
			    "$name --help (stale documentation?)"
		fi
	done <"$tmp/man.flags"
}

if [ $# -gt 0 ]; then
	tools="$*"
else
	tools=
	for bin in "$root"/cmd/xmpp-*; do
		case $bin in *.c | *.o) continue ;; esac
		[ -f "$bin" ] && [ -x "$bin" ] && tools="$tools $bin"
	done
	for page in "$man"/xmpp-*.1; do
		[ -f "$page" ] || continue
		name=$(basename "$page" .1)
		[ -x "$root/cmd/$name" ] || skip "$name is not built (make)"
	done
fi
for bin in $tools; do
	check_tool "$bin"
done

for page in "$man"/*.[1-9]; do
	[ -f "$page" ] || continue
	rel=man/$(basename "$page")
	if ! command -v mandoc >/dev/null 2>&1; then
		skip "$rel: mandoc is not installed"
		continue
	fi
	if mandoc -Tlint -Wwarning "$page" >"$tmp/lint" 2>&1; then
		pass "$rel: mandoc -Tlint -Wwarning is clean"
	else
		fail "$rel: mandoc -Tlint -Wwarning reports problems"
		diag "$(sed "s|$man/|man/|" "$tmp/lint")"
	fi
done

echo "1..$n"
[ "$failed" -lt 255 ] || failed=254
exit "$failed"
