#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# 100 xmpp-send processes at once, each one message to the same
# recipient: a burst of logins (TLS, SCRAM, bind) the server takes in its
# own time. Every one exits 0, and every message arrives once.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
xt_server
plan 4

. "$XT_TESTS/fault.sh"

n=100
got=$XT_TMP/bob.jsonl
xt_recv_start bob "$XT_BOB_PW" "$got" || bail_out "the receiver did not get online"
: >"$got"

start=$(now_ms)
k=1
pids=
while [ "$k" -le "$n" ]; do
	{
		run_bounded 60 xmpp-send --server "127.0.0.1:$XT_PORT" \
		    --cafile "$XT_CAFILE" --jid "alice@$XT_DOMAIN" \
		    --password-file "$XT_TMP/alice.pw" -m "many $k" \
		    "bob@$XT_DOMAIN" </dev/null >/dev/null 2>"$XT_TMP/err.$k"
		echo $? >"$XT_TMP/rc.$k"
	} &
	pids="$pids $!"
	k=$((k + 1))
done
for p in $pids; do wait "$p"; done
took=$(( $(now_ms) - start ))
is "$(cat "$XT_TMP"/rc.* | sort | uniq -c | sed 's/^ *//' | tr '\n' ' ')" "$n 0 " \
    "$n senders at once: every one exits 0 ($took ms)"
is "$(cat "$XT_TMP"/err.* | head -5)" "" "... silently"
is "$(wait_lost 20 many "$n" "$got")" "" "... every message arrived"
is "$(copies many "$got")" 0 "... once"
