#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-ping: like ping(8), the statistics of what answered are printed when
# the rounds end early: on SIGINT or SIGTERM, and when the connection is
# lost in the middle of a run (the server killed with -9).
# This test kills its server: never a shared one.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-ping
unset XT_SERVER_DIR
xt_server
plan 12

. "$XT_TESTS/listen.sh"

pw=$(xt_pwfile alice)
conn="--server 127.0.0.1:$XT_PORT --cafile $XT_CAFILE --jid alice@$XT_DOMAIN --password-file $pw"

# ping_bg NAME ARGS...: xmpp-ping in the background, stdout and stderr in
# $XT_TMP/NAME.out and .err; its pid in ping_pid (the tool itself, to
# signal it: not under timeout(1)), killed after 60 s should it hang.
ping_bg() {
	_n=$1
	shift
	# shellcheck disable=SC2086
	xmpp-ping $conn "$@" </dev/null >"$XT_TMP/$_n.out" 2>"$XT_TMP/$_n.err" &
	ping_pid=$!
	(sleep 60; kill -KILL "$ping_pid") >/dev/null 2>&1 &
	xt_at_exit "kill $! 2>/dev/null"
}

# ping_wait: wait for it; its status in rc.
ping_wait() {
	wait "$ping_pid"
	rc=$?
}

# answers NAME N: wait (10 s at most) until NAME printed N answers.
answers() {
	_i=0
	until [ "$(replies "$XT_TMP/$1.out")" -ge "$2" ]; do
		[ "$_i" -lt 200 ] || return 1
		sleep 0.05
		_i=$((_i + 1))
	done
}

# replies FILE: how many answers FILE holds so far.
replies() {
	grep -c 'time=\|"rtt_ms"' "$1" 2>/dev/null
}

for sig in INT TERM; do
	ping_bg "$sig" -c 1000 -i 0.05
	answers "$sig" 3
	kill -"$sig" "$ping_pid"
	ping_wait
	is "$rc" 0 "SIG$sig after some answers: exit 0"
	n=$(grep -c 'time=' "$XT_TMP/$sig.out")
	like "$(grep ' sent, ' "$XT_TMP/$sig.out")" "^$n sent, $n received, 0% loss\$" \
	    "... the statistics count the $n answers, the interrupted one neither sent nor lost"
	like "$(tail -n 1 "$XT_TMP/$sig.out")" '^rtt min/avg/max/mdev = ' "... with the round trips"
done

ping_bg json -o json -c 1000 -i 0.05
answers json 3
kill -INT "$ping_pid"
ping_wait
is "$rc" 0 "-o json, SIGINT: exit 0"
like "$(tail -n 1 "$XT_TMP/json.out")" '^\{"target": ?"xt.test", ?"sent": ?[1-9][0-9]*, ?"received": ?[1-9]' \
    "... the summary object comes last"

# ---- the connection lost in the middle ----

ping_bg lost -c 1000 -i 0.05 -W 1
answers lost 3
kill -KILL "$XT_PID"
ping_wait
is "$rc" 69 "server killed mid-run: exit 69, the connection lost"
like "$(cat "$XT_TMP/lost.err")" "^xmpp-ping: " "... said on stderr"
like "$(grep ' sent, ' "$XT_TMP/lost.out")" '^[0-9]+ sent, [0-9]+ received, [0-9]+% loss$' \
    "... and the statistics of the run until then are printed"
n=$(grep -c 'time=' "$XT_TMP/lost.out")
ok "... counting the $n answers" grep -q "^[0-9]* sent, $n received" "$XT_TMP/lost.out"
