#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-send and what a server refuses: a stanza over the size limit is
# that stanza's failure (named, exit 1, never re-sent) and the rest goes
# on; every error reply is seen; reading stops at 1000 unconfirmed
# stanzas; a run that fails for good hands back the rest of its input.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
# This test stops its server: never a shared one.
unset XT_SERVER_DIR
xt_server
plan 28

. "$XT_TESTS/send.sh"

pw=$(xt_pwfile alice)
conn="--server 127.0.0.1:$XT_PORT --cafile $XT_CAFILE --jid alice@$XT_DOMAIN --password-file $pw"
got=$XT_TMP/bob.jsonl
F=$XT_TMP/failed
receiver bob "$XT_BOB_PW" "$got"

# bodies FILE: the bodies received, sorted, duplicates kept.
bodies() {
	jq -r .body "$1" | sort -n
}

# ---- over the size limit ----

{ seq 1 50; /usr/bin/python3 -S -c 'print("x" * 300000)'; seq 51 100; } \
    >"$XT_TMP/big"
echo stale >"$F"
xt_run xmpp-send $conn --lines --failed "$F" "bob@$XT_DOMAIN" <"$XT_TMP/big"
is_rc 1 "a line over the server's limit: exit 1"
like "$xt_err" "^xmpp-send: line 51: <message> of [0-9]+ bytes not sent: larger than the limit of 262144 bytes \(--max-stanza-size\)$" \
    "... named with its line and size"
unlike "$xt_err" "reconnecting|stream error" "... refused before sending: the stream lives on"
xt_recv_wait "$got" 100 10
is "$(bodies "$got")" "$(seq 1 100)" "every other line arrived once"
is "$(wc -c <"$F")" 0 "--failed is empty, not stale: nothing to re-send"

# A limit above the server's: the server ends the stream over it.
: >"$got"
xt_run xmpp-send $conn --lines --max-stanza-size 1000000 --failed "$F" \
    "bob@$XT_DOMAIN" <"$XT_TMP/big"
is_rc 1 "--max-stanza-size above the server's limit: still exit 1"
like "$xt_err" "stream error from '$XT_DOMAIN': policy-violation" \
    "the server's stream error is shown"
like "$xt_err" "line 51: <message> of [0-9]+ bytes not sent: the server closed the stream over it \(policy-violation\)" \
    "the stanza it was about is named"
is "$(grep -c 'not sent' "$XT_TMP/err")" 1 "... once: it is never sent again"
xt_recv_wait "$got" 100 10
is "$(bodies "$got")" "$(seq 1 100)" "every other line arrived once"
is "$(wc -c <"$F")" 0 "--failed is empty"

: >"$got"
printf 'short\n%02000d\nshort again\n' 0 >"$XT_TMP/mid"
xt_run xmpp-send $conn --lines --max-stanza-size 1000 "bob@$XT_DOMAIN" <"$XT_TMP/mid"
is_rc 1 "a line over --max-stanza-size 1000: exit 1"
like "$xt_err" "line 2: <message> of [0-9]+ bytes not sent: larger than the limit of 1000 bytes" \
    "... named"
xt_recv_wait "$got" 2 10
is "$(jq -r .body "$got" | tr '\n' ' ')" "short short again " "the others arrived"

xt_run xmpp-send $conn --max-stanza-size 100 -m hi "bob@$XT_DOMAIN"
is_rc 64 "--max-stanza-size below 512: a usage error"

# ---- every error reply is seen ----

echo "<iq to='$XT_DOMAIN'><query xmlns='jabber:iq:version'/></iq>" >"$XT_TMP/iq"
xt_run xmpp-send $conn --raw -w 5 <"$XT_TMP/iq"
is_rc 1 "an iq without type: the server's error reply, exit 1"
like "$xt_out" 'type="error".*<bad-request ' "... printed"
like "$xt_err" "iq '[^']*' to '$XT_DOMAIN' failed: bad-request" "... and said on stderr"
echo "<iq type='GET' id='upper' to='$XT_DOMAIN'><query xmlns='jabber:iq:version'/></iq>" >"$XT_TMP/iq"
xt_run xmpp-send $conn --raw -w 5 <"$XT_TMP/iq"
is_rc 1 "an iq of type GET: exit 1"
like "$xt_err" "iq 'upper' to '$XT_DOMAIN' failed: bad-request" "... with its own id"

# ---- a failure for good hands back the rest of the input ----

seq 1 10000 | sed 's/^/rest /' >"$XT_TMP/rest"
: >"$got"
run_bounded 60 xmpp-send $conn --rate 200 --retries 0 --failed "$F" \
    --lines "bob@$XT_DOMAIN" <"$XT_TMP/rest" >"$XT_TMP/out" 2>"$XT_TMP/err" &
sender=$!
xt_recv_wait "$got" 20 10 || diag "the first lines did not arrive"
"$XT_SCRIPTS/test-server" stop "$XT_SERVER_DIR"
wait "$sender"
xt_rc=$?
xt_err=$(cat "$XT_TMP/err")
is_rc 69 "the server stops, --retries 0: 69"
unlike "$xt_err" "left unread" "all of the input was taken"
/usr/bin/python3 -S - "$got" "$F" >"$XT_TMP/cover" <<'PY'
import json, sys
import xml.etree.ElementTree as ET
seen = set()
for line in open(sys.argv[1], encoding="utf-8"):
    seen.add(json.loads(line)["body"])
for line in open(sys.argv[2], encoding="utf-8"):
    seen.add(ET.fromstring(line).findtext("body"))
print(" ".join(str(k) for k in range(1, 10001) if "rest %d" % k not in seen))
PY
is "$(cat "$XT_TMP/cover")" "" "each of the 10000 lines is at the receiver or in --failed"
eval "$("$XT_SCRIPTS/test-server" resume "$XT_SERVER_DIR")"
conn="--server 127.0.0.1:$XT_PORT --cafile $XT_CAFILE --jid alice@$XT_DOMAIN --password-file $pw"
receiver bob "$XT_BOB_PW" "$got"
n=$(wc -l <"$F")
# Up to 10000 stanzas: ejabberd on a busy machine of two cores takes them
# at 200 a second or so, longer than xt_run's default bound of 30 s. The
# bound is for a hang; this one fits the work.
bound=${XT_RUN_TIMEOUT:-30}
XT_RUN_TIMEOUT=$((bound + n / 100))
xt_run xmpp-send $conn --raw <"$F"
XT_RUN_TIMEOUT=$bound
is_rc 0 "--failed fed back with --raw: 0"
ok "... its $n stanzas arrive" xt_recv_wait "$got" "$n" 20

# ---- reading stops at 1000 unconfirmed stanzas ----

# A hung server (stopped once we are online): short lines, many to a read.
mkfifo "$XT_TMP/fifo"
run_bounded 60 xmpp-send -v $conn -w 2 --retries 0 --lines "bob@$XT_DOMAIN" \
    <"$XT_TMP/fifo" >"$XT_TMP/out" 2>"$XT_TMP/err" &
sender=$!
exec 3>"$XT_TMP/fifo"
i=0
until grep -q "online as" "$XT_TMP/err" || [ "$i" -ge 500 ]; do
	sleep 0.02
	i=$((i + 1))
done
kill -STOP "$XT_PID"
( seq 1 20000 >&3 ) 2>/dev/null &
writer=$!
wait "$sender"
xt_rc=$?
kill -CONT "$XT_PID"
exec 3>&-
kill "$writer" 2>/dev/null
wait "$writer" 2>/dev/null
is_rc 75 "a hung server with -w 2: 75"
n=$(grep -c '^<message ' "$XT_TMP/err")
ok "at most 1000 stanzas were queued ($n handed back)" test "$n" -le 1000 -a "$n" -gt 0
like "$(cat "$XT_TMP/err")" "standard input was left unread from line [0-9]+ on; with --failed FILE it would be handed back" \
    "the unread input is said"
