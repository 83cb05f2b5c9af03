#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-send against a server with Debian's default rate limits (Prosody's
# mod_limits, ejabberd's c2s shaper): a server that reads slowly is alive.
# Every line arrives once and in order although the run lasts many times
# -w; a one-shot send is bounded by -w as a whole.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
xt_server --limits
plan 13

. "$XT_TESTS/send.sh"

pw=$(xt_pwfile alice)
conn="--server 127.0.0.1:$XT_PORT --cafile $XT_CAFILE --jid alice@$XT_DOMAIN --password-file $pw"
got=$XT_TMP/bob.jsonl
receiver bob "$XT_BOB_PW" "$got"

# Prosody reads 10 kB/s, ejabberd 3 kB/s: both runs take about 30 s.
case $XT_SERVER_KIND in
ejabberd) n=600 big=60000 ;;
*) n=2000 big=200000 ;;
esac

# dups FILE: bodies received more than once; order FILE N PREFIX: "ok" if
# the bodies are PREFIX 1 .. PREFIX N in that order.
dups() {
	jq -r .body "$1" | sort | uniq -d | head -3
}
in_order() {
	jq -r .body "$1" | diff -q - "$XT_TMP/lines" >/dev/null && echo ok
}

# ---- --lines: a run of many times -w ----

seq 1 "$n" | sed 's/^/slow line /' >"$XT_TMP/lines"
start=$(date +%s)
XT_RUN_TIMEOUT=240 xt_run xmpp-send $conn -w 5 --lines "bob@$XT_DOMAIN" \
    <"$XT_TMP/lines"
took=$(($(date +%s) - start))
is_rc 0 "$n lines through a throttled server with -w 5: exit 0"
unlike "$xt_err" "reconnecting|no answer" "... never taken for a dead link"
ok "the run took longer than -w, so the server was really slow ($took s)" \
    test "$took" -gt 5
xt_recv_wait "$got" "$n" 20
is "$(lines_of "$got")" "$n" "every line arrived once"
is "$(dups "$got")" "" "... no duplicate"
is "$(in_order "$got")" ok "... in order"

# ---- one big message: -w bounds the whole run ----

# Two bodies, to tell the runs apart: a message not confirmed within -w
# may still arrive (once) when the server's own buffers held all of it.
: >"$got"
/usr/bin/python3 -S -c "print('a' * $big)" >"$XT_TMP/big-a"
/usr/bin/python3 -S -c "print('b' * $big)" >"$XT_TMP/big-b"
copies() {
	jq -r '.body[0:1]' "$got" | grep -c "^$1\$"
}
start=$(date +%s)
xt_run xmpp-send $conn -w 3 "bob@$XT_DOMAIN" <"$XT_TMP/big-a"
took=$(($(date +%s) - start))
is_rc 75 "a $big-byte message the server needs longer than -w 3 to read: 75"
ok "... at -w, not later ($took s)" test "$took" -le 4
like "$xt_err" "timed out after 3 s" "... saying it timed out"
unlike "$xt_err" "reconnecting" "... never re-sent"

# Enough time: it arrives, once.
XT_RUN_TIMEOUT=150 xt_run xmpp-send $conn -w 120 "bob@$XT_DOMAIN" <"$XT_TMP/big-b"
is_rc 0 "another with -w 120: exit 0"
xt_recv_wait "$got" 1 10
sleep 1		# a second copy would come right after the first
is "$(copies b)" 1 "... one copy of it arrived"
ok "... and at most one of the message that timed out ($(copies a))" \
    test "$(copies a)" -le 1
