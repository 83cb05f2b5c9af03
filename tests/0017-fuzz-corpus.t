#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The fuzz harnesses (tests/fuzz/TARGET.c), built with the plain compiler
# by make all (tests/fuzz/replay-TARGET, under SANITIZE=1 with ASan and
# UBSan), replay their seed corpus and every regression input: none may
# crash or break an invariant. crash-UNFIXED-* inputs are bugs not fixed
# yet: they are left out (FUZZ_STRICT=1 replay-TARGET FILE shows them).
. "$(dirname "$0")/lib.sh"

fuzz=$XT_ROOT/tests/fuzz
targets=$(cd "$fuzz" && ls ./*.c | sed 's|^\./||; s|\.c$||' | grep -v '^driver$')
n=0
for t in $targets; do
	n=$((n + 1))
done
plan "$n"

for t in $targets; do
	bin=$fuzz/replay-$t
	if [ ! -x "$bin" ]; then
		fail "$t: $bin is not built (make)"
		continue
	fi
	set --
	for f in "$fuzz/corpus/$t"/* "$fuzz/regress/$t"/*; do
		[ -f "$f" ] || continue
		case ${f##*/} in crash-UNFIXED-*) continue ;; esac
		set -- "$@" "$f"
	done
	if [ $# -eq 0 ]; then
		fail "$t: no inputs in corpus/$t or regress/$t"
		continue
	fi
	rc=0
	run_bounded 120 "$bin" -v "$@" >"$XT_TMP/$t.log" 2>&1 || rc=$?
	if [ $rc = 0 ]; then
		pass "$t: $# inputs replayed"
	else
		fail "$t: replay failed (exit $rc)"
		# The input it was at, and what went wrong.
		diag "$(tail -n 25 "$XT_TMP/$t.log")"
	fi
done
