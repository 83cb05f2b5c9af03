#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-send through scripts/fault-proxy: every byte of both directions
# trickled one at a time (every TLS record, and the plain-text stream
# header and STARTTLS before it, split at every byte boundary), each chunk
# delayed, the connection cut mid-stream with FIN and with RST, the link
# stalled past -w. A slow link is alive: exit 0, each line once, in order,
# no reconnect; a cut or dead one is reconnected and every line arrives,
# a line that came twice re-sent with its id.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
xt_server
plan 25

. "$XT_TESTS/fault.sh"

xt_proxy_start || bail_out "fault-proxy did not start"
conn="--server 127.0.0.1:$XT_PROXY_PORT --cafile $XT_CAFILE --jid alice@$XT_DOMAIN --password-file $XT_TMP/alice.pw"
got=$XT_TMP/bob.jsonl
xt_recv_start bob "$XT_BOB_PW" "$got" || bail_out "the receiver did not get online"
# A reused server may hold messages stored for bob: they came first.
: >"$got"

bodies() {
	jq -r .body "$got"
}

# ---- trickled: one byte at a time, both ways ----

xt_proxy "both trickle 0.0002"
printf 'first line\n  second <line> & "third"\n' >"$XT_TMP/body"
xt_run xmpp-send $conn -w 20 "bob@$XT_DOMAIN" <"$XT_TMP/body"
is_rc 0 "one message, every byte trickled both ways: exit 0"
wait_until 10 has_lines "$got" 1
is "$(bodies)" "$(cat "$XT_TMP/body")" "... it arrived whole, once"

: >"$got"
seq 1 20 | sed 's/^/trickle /' >"$XT_TMP/in"
xt_run xmpp-send $conn -w 20 --lines "bob@$XT_DOMAIN" <"$XT_TMP/in"
is_rc 0 "--lines, every byte trickled both ways: exit 0"
unlike "$xt_err" "reconnecting" "... no reconnect"
wait_until 10 has_lines "$got" 20
is "$(bodies)" "$(cat "$XT_TMP/in")" "... each line once, in order"
ok "the proxy really trickled ($(grep -c 'trickle' "$XT_PROXY_LOG") settings)" \
    grep -q "c2s trickle 0.0002, s2c trickle 0.0002" "$XT_PROXY_LOG"

# ---- delayed: 50 ms each chunk, both ways, with -w 3 ----

# A login is some ten round trips of 100 ms: -w 3 leaves it room on a
# loaded machine, and a barrier takes one.
: >"$got"
xt_proxy "both delay 0.05"
seq 1 300 | sed 's/^/delay /' >"$XT_TMP/in"
xt_run xmpp-send $conn -w 3 --lines "bob@$XT_DOMAIN" <"$XT_TMP/in"
is_rc 0 "--lines, each chunk delayed 50 ms both ways: exit 0"
unlike "$xt_err" "reconnecting|no answer" "... never taken for a dead link"
wait_until 10 has_lines "$got" 300
is "$(bodies)" "$(cat "$XT_TMP/in")" "... each line once, in order"
xt_proxy

# ---- cut mid-stream ----

# feed FIRST LAST: "$prefix K" lines to the sender's input (fd 3).
feed() {
	( trap '' PIPE; seq "$1" "$2" | sed "s/^/$prefix /" ) >&3
}
# cut_run PREFIX SETTING: a --lines run; 100 lines, then the fault, then
# 200 more while it acts.
cut_run() {
	prefix=$1
	: >"$got"
	fifo_sender
	feed 1 100
	wait_until 10 has_lines "$got" 100 || diag "the first 100 lines did not arrive"
	xt_proxy "$2"
	feed 101 300
	fifo_reap
}

cut_run fin "c2s cut 2000"
is_rc 0 "the connection cut (FIN) 2000 bytes into a burst: exit 0"
like "$xt_err" "closed during the session[^;]*; reconnecting \(1 of 3\)" \
    "... the loss is reported, and the reconnect"
ok "... the proxy cut it" xt_proxy_wait "c2s cut after 2000 bytes \(fin\), [0-9]+ in all" 1
is "$(wait_lost 10 fin 300 "$got")" "" "... every line arrived"
is "$(split_ids "$got")" "" "... a line that came twice was re-sent with its id"
note "cut (FIN): $(copies fin "$got") lines received twice"

cut_run rst "s2c cut 0 rst"
is_rc 0 "the connection reset (RST) by the server's side mid-burst: exit 0"
like "$xt_err" "closed during the session.*; reconnecting \(1 of 3\)" \
    "... the reset is reported, and the reconnect"
is "$(wait_lost 10 rst 300 "$got")" "" "... every line arrived"
is "$(split_ids "$got")" "" "... a line that came twice was re-sent with its id"
note "cut (RST): $(copies rst "$got") lines received twice"

# ---- stalled past -w: dead, then the link comes back ----

prefix=stall
: >"$got"
fifo_sender -w 1
feed 1 50
wait_until 10 has_lines "$got" 50 || diag "the first 50 lines did not arrive"
xt_proxy "both stall"
feed 51 100
wait_until 10 grep -q "reconnecting" "$XT_TMP/send.err"
xt_proxy
feed 101 150
fifo_reap
is_rc 0 "the link stalled past -w 1, then back: exit 0"
like "$xt_err" "no answer from '$XT_DOMAIN' within 1 s; reconnecting \(1 of 3\)" \
    "... the dead link is reported"
is "$(wait_lost 10 stall 150 "$got")" "" "... every line arrived"
is "$(split_ids "$got")" "" "... a line that came twice was re-sent with its id"
note "stall: $(copies stall "$got") lines received twice"

# ---- stalled for less than -w: alive ----

prefix=brief
: >"$got"
fifo_sender -w 3
feed 1 50
wait_until 10 has_lines "$got" 50 || diag "the first 50 lines did not arrive"
xt_proxy "both stall"
feed 51 100
sleep 1.5	# the fault: a link that moves nothing for 1.5 s of -w 3
xt_proxy
fifo_reap
is_rc 0 "the link stalled for 1.5 s of -w 3: exit 0"
unlike "$xt_err" "reconnecting|no answer" "... never taken for a dead link"
wait_until 10 has_lines "$got" 100
is "$(bodies)" "$(seq 1 100 | sed 's/^/brief /')" "... each line once, in order"
