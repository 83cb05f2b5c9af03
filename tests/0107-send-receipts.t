#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-send --receipt: XEP-0184 receipts requested and waited for; exit 1
# naming each JID whose receipt did not come within --timeout.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
xt_server
plan 23

. "$XT_TESTS/send.sh"

pw=$(xt_pwfile alice)
conn="--server 127.0.0.1:$XT_PORT --cafile $XT_CAFILE --jid alice@$XT_DOMAIN --password-file $pw"
send() {
	xt_run xmpp-send $conn "$@"
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

got=$XT_TMP/bob.jsonl
cgot=$XT_TMP/carol.jsonl
receiver bob "$XT_BOB_PW" "$got" --receipts
receiver carol "$XT_CAROL_PW" "$cgot"

send --receipt -m "with a receipt" "bob@$XT_DOMAIN"
is_rc 0 "a receiver that acknowledges: exit 0"
is "$xt_out$xt_err" "" "silent on success"
xt_recv_wait "$got" 1
is "$(field "$got" 1 body)" "with a receipt" "the message arrived"
like "$(field "$got" 1 xml)" '<request xmlns="urn:xmpp:receipts" ?/>' \
    "... asking for a receipt"

printf 'one\ntwo\nthree\n' >"$XT_TMP/three"
send --receipt --lines "bob@$XT_DOMAIN" <"$XT_TMP/three"
is_rc 0 "--lines --receipt, three lines acknowledged: exit 0"
xt_recv_wait "$got" 4
is "$(field "$got" 4 body)" three "the lines arrived"

send -m "no receipt asked" "bob@$XT_DOMAIN"
xt_recv_wait "$got" 5
unlike "$(field "$got" 5 xml)" "urn:xmpp:receipts" "without --receipt none is asked for"

# ---- a receiver that never acknowledges ----

start=$(now_ms)
send --receipt -w 2 -m "never acknowledged" "carol@$XT_DOMAIN"
took=$(($(now_ms) - start))
is_rc 1 "a receiver that never acknowledges: exit 1"
like "$xt_err" "^xmpp-send: no receipt from 'carol@xt.test' within 2 s$" \
    "the message names the JID and the time waited"
unlike "$xt_err" "reconnecting" "waiting for a receipt is not a lost connection"
ok "... after --timeout, not much more ($took ms)" test "$took" -lt 4500
xt_recv_wait "$cgot" 1
is "$(field "$cgot" 1 body)" "never acknowledged" "the message itself was delivered"

send --receipt -w 2 -m "to both" "bob@$XT_DOMAIN" "carol@$XT_DOMAIN"
is_rc 1 "one of two acknowledges: exit 1"
like "$xt_err" "no receipt from 'carol@xt.test'" "the missing one is named"
unlike "$xt_err" "bob@" "the one that acknowledged is not"

printf 'line a\nline b\n' >"$XT_TMP/two"
start=$(now_ms)
send --receipt --lines -w 2 "carol@$XT_DOMAIN" "bob@$XT_DOMAIN" <"$XT_TMP/two"
took=$(($(now_ms) - start))
is_rc 1 "--lines --receipt, one receiver silent: exit 1"
is "$(printf '%s\n' "$xt_err" | grep -c "^xmpp-send: no receipt from 'carol@xt.test' within 2 s$")" 2 \
    "each unacknowledged message is reported"
unlike "$xt_err" "bob@" "bob acknowledged his"
ok "... after --timeout, not much more ($took ms)" test "$took" -lt 4500

# An offline recipient: the server stores the message, nobody acknowledges.
xt_recv_stop "$cgot"
sleep 0.3
send --receipt -w 1 -m "stored offline" "carol@$XT_DOMAIN"
is_rc 1 "an offline recipient: exit 1"
like "$xt_err" "no receipt from 'carol@xt.test' within 1 s" "... named"
# carol back online gets it (and a reused server keeps nothing for later).
xt_recv_start carol "$XT_CAROL_PW" "$XT_TMP/carol2.jsonl" ||
    bail_out "the receiver for carol did not get online"
xt_recv_wait "$XT_TMP/carol2.jsonl" 1
is "$(field "$XT_TMP/carol2.jsonl" 1 body)" "stored offline" \
    "... though the message was stored, and delivered once she is back"

send --raw --receipt </dev/null
is_rc 64 "--raw --receipt: 64"
