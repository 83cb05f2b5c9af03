#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-send --lines: each input line is one message, sent as it arrives,
# confirmed in batches; checked at the receiving account, byte for byte.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
xt_server
plan 32

. "$XT_TESTS/send.sh"

pw=$(xt_pwfile alice)
conn="--server 127.0.0.1:$XT_PORT --cafile $XT_CAFILE --jid alice@$XT_DOMAIN --password-file $pw"
send() {
	xt_run xmpp-send $conn "$@"
}

# bodies FILE FIRST: the bodies of the JSON lines of FILE from line FIRST
# on, each followed by a newline, as UTF-8 bytes.
bodies() {
	/usr/bin/python3 -S - "$@" <<-'EOF'
	import json, sys
	lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
	for line in lines[int(sys.argv[2]) - 1:]:
	    sys.stdout.buffer.write(json.loads(line)["body"].encode() + b"\n")
	EOF
}

got=$XT_TMP/bob.jsonl
cgot=$XT_TMP/carol.jsonl
receiver bob "$XT_BOB_PW" "$got"
receiver carol "$XT_CAROL_PW" "$cgot"

# ---- bodies, byte for byte ----

printf 'first line\n\nünïcödé ✓ 日本語 🙂\n   \n  spaces around  \ntab\there\nwindows line\r\n\r\n<b>&amp; "quotes" '"'"'apos'"'"' ]]>\nno newline at the end' \
    >"$XT_TMP/in"
printf 'first line\nünïcödé ✓ 日本語 🙂\n   \n  spaces around  \ntab\there\nwindows line\n<b>&amp; "quotes" '"'"'apos'"'"' ]]>\nno newline at the end\n' \
    >"$XT_TMP/want"
send --lines "bob@$XT_DOMAIN" <"$XT_TMP/in"
is_rc 0 "--lines: exit 0"
is "$xt_out$xt_err" "" "silent on success"
xt_recv_wait "$got" 8
sleep 0.3
is "$(lines_of "$got")" 8 "8 messages for 8 non-empty lines (empty ones skipped)"
bodies "$got" 1 >"$XT_TMP/have"
ok "bodies in order, byte for byte: UTF-8, spaces, tab, markup; CR LF and a missing last newline" \
    cmp "$XT_TMP/want" "$XT_TMP/have" ||
    diag "$(diff "$XT_TMP/want" "$XT_TMP/have" | cat -A | head -20)"
is "$(field "$got" 1 type)" chat "type chat"
is "$(field "$got" 1 from | cut -d/ -f1)" "alice@$XT_DOMAIN" "from alice"
like "$(field "$got" 1 xml)" '<origin-id xmlns="urn:xmpp:sid:0" id="([^"]+)"' \
    "each message has an XEP-0359 origin-id"
ids=$(/usr/bin/python3 -S -c '
import json, re, sys
ok = seen = 0
ids = set()
for line in open(sys.argv[1], encoding="utf-8"):
    m = json.loads(line)
    o = re.search(r"<origin-id [^>]*id=\"([^\"]+)\"", m["xml"])
    ids.add(m["id"])
    ok += bool(o) and o.group(1) == m["id"]
    seen += 1
print(ok == seen, len(ids) == seen)' "$got")
is "$ids" "True True" "origin-id equals the message id, and ids are unique"

# A 64 KiB line crosses the 64 KiB read buffer.
/usr/bin/python3 -S -c '
import sys
sys.stdout.buffer.write(("é" + "x" * 65534 + "✓").encode() + b"\n" + b"short after\n")' \
    >"$XT_TMP/long"
send --lines "bob@$XT_DOMAIN" <"$XT_TMP/long"
is_rc 0 "a 64 KiB line: exit 0"
xt_recv_wait "$got" 10
bodies "$got" 9 >"$XT_TMP/have"
ok "a 64 KiB UTF-8 line arrives whole, the next one after it" \
    cmp "$XT_TMP/long" "$XT_TMP/have"

printf 'clean\nbell\007 here\n\377 invalid\n' >"$XT_TMP/ctl"
send -l "bob@$XT_DOMAIN" <"$XT_TMP/ctl"
is_rc 0 "-l with a control character and invalid UTF-8: exit 0"
like "$xt_err" "replaced 1 character that XMPP cannot carry in the message of line 2 with U\+FFFD" \
    "the warning names the line"
like "$xt_err" "in the message of line 3 " "... each line"
xt_recv_wait "$got" 13
is "$(bodies "$got" 11)" "$(printf 'clean\nbell\357\277\275 here\n\357\277\275 invalid')" \
    "replaced with U+FFFD, the lines around untouched"

n=$(lines_of "$got")
send --lines "bob@$XT_DOMAIN" </dev/null
is_rc 0 "--lines with empty input: exit 0"
printf '\n\n\r\n' >"$XT_TMP/blank"
send --lines "bob@$XT_DOMAIN" <"$XT_TMP/blank"
is_rc 0 "--lines with blank lines only: exit 0"
sleep 0.3
is "$(lines_of "$got")" "$n" "... and nothing sent"

# ---- several recipients ----

n=$(lines_of "$got")
printf 'one\ntwo\nthree\n' >"$XT_TMP/three"
send --lines "bob@$XT_DOMAIN" "carol@$XT_DOMAIN" <"$XT_TMP/three"
is_rc 0 "two recipients: exit 0"
xt_recv_wait "$got" $((n + 3))
xt_recv_wait "$cgot" 3
is "$(bodies "$got" $((n + 1)) | tr '\n' ' ')" "one two three " "bob got each line, in order"
is "$(bodies "$cgot" 1 | tr '\n' ' ')" "one two three " "carol got each line, in order"

n=$(lines_of "$got")
send --lines "nobody@$XT_DOMAIN" "bob@$XT_DOMAIN" <"$XT_TMP/three"
is_rc 1 "a recipient that does not exist: exit 1"
is "$(printf '%s\n' "$xt_err" | grep -c "^xmpp-send: message to 'nobody@xt.test' bounced: service-unavailable$")" 3 \
    "each bounce reported with recipient and condition"
xt_recv_wait "$got" $((n + 3))
is "$(bodies "$got" $((n + 1)) | tr '\n' ' ')" "one two three " "the other recipient got every line"

# ---- sent as each line arrives, confirmed while input flows ----

mkfifo "$XT_TMP/fifo"
n=$(lines_of "$got")
run_bounded 30 xmpp-send -vv $conn --lines "bob@$XT_DOMAIN" \
    <"$XT_TMP/fifo" >"$XT_TMP/fifo.out" 2>"$XT_TMP/fifo.err" &
sender=$!
exec 3>"$XT_TMP/fifo"
printf 'while the input is open\n' >&3
xt_recv_wait "$got" $((n + 1)) 5
is "$(bodies "$got" $((n + 1)))" "while the input is open" \
    "a line is delivered at once, with the input still open"
# A barrier within 0.2 s of the line, not at the end of the input.
sleep 0.5
is "$(grep -c 'SENT: <iq [^>]*type="get"><ping xmlns="urn:xmpp:ping"/></iq>' "$XT_TMP/fifo.err")" 1 \
    "... and confirmed by a barrier while the input is still open"
seq 1 1000 | sed 's/^/batch /' >&3
exec 3>&-
wait "$sender"
xt_rc=$?
xt_err=$(cat "$XT_TMP/fifo.err")
is_rc 0 "1001 lines from a pipe: exit 0"
pings=$(grep -c 'SENT: <iq [^>]*type="get"><ping xmlns="urn:xmpp:ping"/></iq>' "$XT_TMP/fifo.err")
ok "1000 lines at once are confirmed in batches of at most 100 ($pings barriers)" \
    test "$pings" -ge 11
like "$xt_err" "the server has confirmed 1001 stanzas" "-v: 1001 confirmed"
xt_recv_wait "$got" $((n + 1001))
is "$(bodies "$got" $((n + 2)) | sed -n '1p;$p' | tr '\n' ' ')" "batch 1 batch 1000 " \
    "the 1000 lines arrive"

# ---- 10,000 lines ----

n=$(lines_of "$got")
/usr/bin/python3 -S -c '
import sys
for i in range(1, 10001):
    sys.stdout.write("%05d %s ✓\n" % (i, "x" * (i % 97)))' >"$XT_TMP/10k"
start=$(date +%s%N)
XT_RUN_TIMEOUT=120 send --lines "bob@$XT_DOMAIN" <"$XT_TMP/10k"
took=$(( ($(date +%s%N) - start) / 1000000 ))
is_rc 0 "10,000 lines: exit 0"
note "10,000 lines confirmed in $took ms"
xt_recv_wait "$got" $((n + 10000)) 120 ||
    diag "only $(( $(lines_of "$got") - n )) of 10000 arrived"
sleep 0.5
is "$(( $(lines_of "$got") - n ))" 10000 "10,000 messages arrive, no more"
bodies "$got" $((n + 1)) >"$XT_TMP/have"
ok "all 10,000 complete and in order, byte for byte" cmp "$XT_TMP/10k" "$XT_TMP/have"
