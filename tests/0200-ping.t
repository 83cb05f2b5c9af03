#!/bin/sh
# xmpp-ping: round trips to the server, to JIDs online and offline, to the
# MUC service and a room; the output formats; --timing; connection failures.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-ping
xt_server
plan 84

# A private HOME so no real configuration is ever read.
export HOME=$XT_TMP/home XDG_CONFIG_HOME=$XT_TMP/home/.config
mkdir -p "$XDG_CONFIG_HOME"
unset XMPP_JID XMPP_PASSWORD XMPP_CONFIG CREDENTIALS_DIRECTORY

pw=$(xt_pwfile alice)
xping() {
	xt_run xmpp-ping --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "alice@$XT_DOMAIN" --password-file "$pw" "$@" </dev/null
}

# count ERE: the number of lines of stdout matching ERE.
count() {
	grep -Ec -- "$1" "$XT_TMP/out"
}

# re TEXT: TEXT as an ERE matching itself (a resource may hold anything).
re() {
	printf '%s' "$1" | sed 's/[].[\*^$()+?{|]/\\&/g'
}

now_ms() {
	date +%s%3N
}

t='[0-9]+\.[0-9]{3}'

# ---- the server ----

xping
is_rc 0 "no target: pings the account's server, exit 0"
like "$(sed -n 1p "$XT_TMP/out")" \
    '^PING xt\.test as alice@xt\.test/xmpp-ping\.[0-9a-f]{8}$' \
    "header names the target and the full JID used"
like "$xt_out" "^pong from xt\\.test: seq=1 time=$t ms\$" "pong line"
like "$xt_out" '^--- xt\.test ping statistics ---$' "statistics header"
like "$xt_out" '^1 sent, 1 received, 0% loss$' "summary"
is "$xt_err" "" "nothing on stderr"

start=$(now_ms)
xping -c 3 -i 0.4 xt.test
took=$(( $(now_ms) - start ))
is_rc 0 "-c 3 -i 0.4: exit 0"
is "$(count "^pong from xt\\.test: seq=[123] time=$t ms\$")" 3 "three pongs"
is "$(sed -n 's/^pong from xt\.test: seq=\([0-9]*\) .*/\1/p' "$XT_TMP/out" |
    tr '\n' ' ')" "1 2 3 " "... numbered in order"
is "$(sed -n '/^$/,$p' "$XT_TMP/out" | sed 's/= .* ms$/= N ms/')" "
--- xt.test ping statistics ---
3 sent, 3 received, 0% loss
rtt min/avg/max/mdev = N ms" "a blank line, then the statistics"
like "$xt_out" "^rtt min/avg/max/mdev = $t/$t/$t/$t ms\$" "rtt line has four times"
ok "... min <= avg <= max" awk -F'[ /]' '/^rtt/ {
	exit !($7 <= $8 && $8 <= $9) }' "$XT_TMP/out"
ok "... rounds 0.4 s apart: at least 0.8 s ($took ms)" test "$took" -ge 800
ok "... and not much more ($took ms)" test "$took" -le 5000

# ---- JIDs ----

xt_recv_start bob "$XT_BOB_PW" "$XT_TMP/bob.jsonl" \
    --join "room@$XT_MUC/bob" || bail_out "bob cannot log in"
# The receiver writes its bound full JID into its ready file.
bob=$(cat "$XT_TMP/bob.jsonl.ready")
like "$bob" '^bob@xt\.test/.+' "bob's full JID is known"

xping "$bob"
is_rc 0 "full JID online: exit 0"
like "$xt_out" "^pong from $(re "$bob"): seq=1 time=$t ms\$" \
    "... its client answers: pong"

xping "bob@$XT_DOMAIN"
is_rc 0 "bare JID: exit 0"
like "$xt_out" "^pong from bob@xt\\.test: seq=1 time=$t ms\$" \
    "bare JID: the server answers for the account (RFC 6121 8.5.1)"

xping "bob@$XT_DOMAIN/gone"
is_rc 0 "full JID offline: an error reply still proves reachability: exit 0"
like "$xt_out" \
    "^error from bob@xt\\.test/gone: seq=1 time=$t ms: service-unavailable \\(reachable\\)\$" \
    "... shown with its condition and '(reachable)'"
like "$xt_out" '^1 sent, 1 received, 0% loss$' "... and counted as received"

xping --strict "bob@$XT_DOMAIN/gone"
is_rc 1 "full JID offline, --strict: exit 1"
like "$xt_out" \
    "^error from bob@xt\\.test/gone: seq=1 time=$t ms: service-unavailable\$" \
    "--strict: the error is shown, not called reachable"
like "$xt_out" '^1 sent, 0 received, 100% loss$' "--strict: counted as lost"
unlike "$xt_out" '^rtt ' "--strict: no rtt line when nothing was received"

xping "nobody@$XT_DOMAIN/x"
is_rc 0 "full JID of a nonexistent user: exit 0"
like "$xt_out" \
    "^error from nobody@xt\\.test/x: seq=1 time=$t ms: service-unavailable \\(reachable\\)\$" \
    "nonexistent user: error reply with its condition"

xping "$XT_MUC"
is_rc 0 "MUC service: exit 0"
like "$xt_out" \
    "^error from conference\\.xt\\.test: seq=1 time=$t ms: service-unavailable \\(reachable\\)\$" \
    "MUC service: Prosody's component answers with an error (reachable)"

xping "room@$XT_MUC"
is_rc 0 "a room with an occupant: exit 0"
like "$xt_out" \
    "^error from room@conference\\.xt\\.test: seq=1 time=$t ms: service-unavailable \\(reachable\\)\$" \
    "room: answered by the MUC service (reachable)"

xping -c 2 -i 0.1 xt.test "bob@$XT_DOMAIN/gone" "$bob"
is_rc 0 "three targets, two rounds: exit 0"
is "$(sed -n 's/^[a-z]* from \([^:]*\): seq=\([0-9]*\) .*/\1 \2/p' "$XT_TMP/out" |
    tr '\n' ',')" \
    "xt.test 1,bob@xt.test/gone 1,$bob 1,xt.test 2,bob@xt.test/gone 2,$bob 2," \
    "targets in turn within each round"
is "$(count '^--- .* ping statistics ---$')" 3 "one summary per target"
is "$(count '^2 sent, 2 received, 0% loss$')" 3 "... each 2 sent, 2 received"

# ---- no answer: bob's client stops reading ----

bobpid=$(cat "$XT_TMP/bob.jsonl.pid")
xt_at_exit "kill -CONT $bobpid 2>/dev/null"
kill -STOP "$bobpid"

start=$(date +%s)
xping -c 2 -i 0.1 -W 1 "$bob"
took=$(( $(date +%s) - start ))
is_rc 75 "nothing answered: exit 75"
ok "... after --wait for each ping ($took s)" test "$took" -le 4
is "$(count "^no answer from $(re "$bob"): seq=[12] within 1 s\$")" 2 \
    "'no answer' line per ping, with --wait"
like "$xt_out" '^2 sent, 0 received, 100% loss$' "summary: 100% loss"
unlike "$xt_out" '^rtt ' "no rtt line when nothing was received"

xping -W 1 -o json "$bob" xt.test
is_rc 1 "one target answered, one not: exit 1"
ok "json: a timeout record without rtt" python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
r = [o for o in recs if o.get("target") == sys.argv[2] and "seq" in o]
assert r == [{"target": sys.argv[2], "seq": 1, "result": "timeout"}], r
s = [o for o in recs if o.get("target") == sys.argv[2] and "sent" in o]
assert len(s) == 1 and s[0]["sent"] == 1 and s[0]["received"] == 0 \
    and s[0]["loss_pct"] == 100, s
' "$XT_TMP/out" "$bob"

kill -CONT "$bobpid"
xt_recv_stop "$XT_TMP/bob.jsonl"

# ---- output formats ----

xping -o json -c 2 -i 0.1 --timing xt.test "nobody@$XT_DOMAIN/x"
is_rc 0 "-o json: exit 0"
is "$xt_err" "" "-o json --timing: nothing on stderr"
# Each line is one JSON object; describe it by kind and keys.
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert isinstance(o, dict), line
    num = (int, float)
    if "timing" in o:
        t = o["timing"]
        assert all(isinstance(v, num) for k, v in t.items() if k != "mechanism")
        print("timing", " ".join(sorted(t)), t.get("mechanism"))
    elif "seq" in o:
        assert isinstance(o["seq"], int) and not isinstance(o["seq"], bool)
        if o["result"] != "timeout":
            assert isinstance(o["rtt_ms"], num) and o["rtt_ms"] >= 0
        print("reply", o["target"], o["seq"], o["result"],
              o.get("condition", "-"), " ".join(sorted(o)))
    else:
        for k in ("sent", "received", "loss_pct", "rtt_min_ms", "rtt_avg_ms",
                  "rtt_max_ms", "rtt_mdev_ms"):
            assert isinstance(o[k], num), k
        assert o["rtt_min_ms"] <= o["rtt_avg_ms"] <= o["rtt_max_ms"]
        print("summary", o["target"], o["sent"], o["received"], o["loss_pct"],
              " ".join(sorted(o)))
' "$XT_TMP/out" >"$XT_TMP/json.desc" 2>"$XT_TMP/json.err"
ok "-o json: every line parses as an object of a known kind" \
    test ! -s "$XT_TMP/json.err"
[ -s "$XT_TMP/json.err" ] && diag "$(cat "$XT_TMP/json.err")" "$xt_out"
is "$(grep '^reply' "$XT_TMP/json.desc")" \
"reply xt.test 1 pong - result rtt_ms seq target
reply nobody@xt.test/x 1 error service-unavailable condition result rtt_ms seq target
reply xt.test 2 pong - result rtt_ms seq target
reply nobody@xt.test/x 2 error service-unavailable condition result rtt_ms seq target" \
    "-o json: one object per reply, in order, with the documented keys"
is "$(grep -v '^reply' "$XT_TMP/json.desc" | sort)" \
"summary nobody@xt.test/x 2 2 0 loss_pct received rtt_avg_ms rtt_max_ms rtt_mdev_ms rtt_min_ms sent target
summary xt.test 2 2 0 loss_pct received rtt_avg_ms rtt_max_ms rtt_mdev_ms rtt_min_ms sent target
timing bind_ms dns_ms first_pong_ms mechanism sasl_ms tcp_ms tls_ms SCRAM-SHA-1" \
    "-o json: a summary per target and a timing object"

xping -o text -c 2 -i 0.1 --timing xt.test "nobody@$XT_DOMAIN/x"
is_rc 0 "-o text: exit 0"
is "$(cut -f1 "$XT_TMP/out" | sort | uniq -c | sed 's/^ *//' | tr '\n' ,)" \
    "4 reply,2 summary,6 timing," "-o text: records reply, summary, timing"
is "$(awk -F'\t' '$1 == "reply" { print $2, $3, $4, ($5 ~ /^[0-9]+\.[0-9]+$/), $6 "." }' \
    "$XT_TMP/out")" \
"xt.test 1 pong 1 .
nobody@xt.test/x 1 error 1 service-unavailable.
xt.test 2 pong 1 .
nobody@xt.test/x 2 error 1 service-unavailable." \
    "-o text: reply<TAB>target<TAB>seq<TAB>result<TAB>rtt_ms<TAB>condition"
is "$(awk -F'\t' '$1 == "summary" { n = 0
	for (i = 6; i <= 9; i++) n += ($i ~ /^[0-9]+\.[0-9]+$/)
	print NF, $2, $3, $4, $5, n }' "$XT_TMP/out")" \
"9 xt.test 2 2 0 4
9 nobody@xt.test/x 2 2 0 4" \
    "-o text: summary<TAB>target<TAB>sent<TAB>received<TAB>loss<TAB>min..mdev"
is "$(awk -F'\t' '$1 == "timing" && NF == 3 && $3 ~ /^[0-9]+\.[0-9]+$/ {
	printf "%s,", $2 }' "$XT_TMP/out")" "dns,tcp,tls,sasl,bind,first pong," \
    "-o text: timing<TAB>phase<TAB>ms for every phase"

xping -o xml xt.test "nobody@$XT_DOMAIN/x"
is_rc 0 "-o xml: exit 0"
ok "-o xml: one reply iq per line, as received" python3 -c '
import sys, xml.etree.ElementTree as ET
got = []
for line in open(sys.argv[1]):
    e = ET.fromstring(line)
    assert e.tag.endswith("iq"), line
    got.append((e.get("from"), e.get("type")))
assert got == [("xt.test", "result"), ("nobody@xt.test/x", "error")], got
' "$XT_TMP/out"

# ---- --timing ----

xping --timing
is_rc 0 "--timing: exit 0"
like "$xt_out" "^pong from xt\\.test: seq=1 time=$t ms\$" \
    "--timing: stdout keeps the usual lines"
is "$(printf '%s\n' "$xt_err" | sed -n 's/^\([a-z ]*\) [0-9][0-9.]* ms.*/\1/p' |
    tr '\n' ,)" "dns,tcp,tls,sasl,bind,first pong," \
    "--timing: every phase on stderr, in order"
like "$xt_err" '^sasl [0-9]+\.[0-9] ms \(SCRAM-SHA-1\)$' \
    "--timing: the SASL mechanism used"
unlike "$xt_out" '^(dns|tcp|tls|sasl|bind) ' "--timing: no phases on stdout"

# ---- failures ----

port=$(xt_free_port)
xt_run xmpp-ping --server "127.0.0.1:$port" --cafile "$XT_CAFILE" \
    --jid "alice@$XT_DOMAIN" --password-file "$pw" </dev/null
is_rc 69 "nothing listening: 69"
is "$xt_err" \
    "xmpp-ping: cannot connect to 'xt.test' at 127.0.0.1:$port: connection refused" \
    "nothing listening: one message naming host, address and cause"
is "$xt_out" "" "nothing listening: nothing on stdout"

xt_silent_port
start=$(date +%s)
xt_run xmpp-ping --server "127.0.0.1:$XT_SILENT_PORT" --cafile "$XT_CAFILE" \
    --jid "alice@$XT_DOMAIN" --password-file "$pw" --timeout 2 </dev/null
took=$(( $(date +%s) - start ))
is_rc 75 "server that never speaks: 75"
ok "... within --timeout plus a second ($took s)" test "$took" -le 3
like "$xt_err" "timed out after 2 s waiting for the stream features of 'xt.test'" \
    "timeout message names the phase"

printf 'wrong\n' >"$XT_TMP/wrong.pw"
chmod 600 "$XT_TMP/wrong.pw"
xt_run xmpp-ping --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
    --jid "alice@$XT_DOMAIN" --password-file "$XT_TMP/wrong.pw" </dev/null
is_rc 77 "wrong password: 77"
like "$xt_err" "authentication as 'alice@xt.test' with SCRAM-SHA-1 failed: not-authorized" \
    "wrong password: message has the SASL condition"

xping -c 0
is_rc 64 "--count 0: 64"
like "$xt_err" "count" "--count 0: the message names the option"
xping -i 0.001
is_rc 64 "--interval below 0.01: 64"
xping -W 0
is_rc 64 "--wait 0: 64"
xping --warning 10
is_rc 64 "--warning without --check: 64"
xping --bogus
is_rc 64 "unknown option: 64"
like "$xt_err" "bogus" "unknown option: named in the message"

# ---- -w given: the deadline ends the rounds, as in ping(8) ----

start=$(now_ms)
xping -c 10 -i 0.5 -w 1.2
took=$(( $(now_ms) - start ))
is_rc 0 "-w shorter than the rounds: what answered until then, exit 0"
like "$(grep -E ' sent, ' "$XT_TMP/out")" "^[23] sent, [23] received, 0% loss$" \
    "... the statistics cover the rounds within -w"
ok "... and the run ended near -w ($took ms)" test "$took" -lt 2500

# ---- what is refused before connecting ----

xping 'bad@@jid'
is_rc 64 "an invalid target JID: 64"
like "$xt_err" "invalid target 'bad@@jid'" "... named in the message"
xping -c 1.5
is_rc 64 "a fractional --count: 64"
xping --cert-days 2.5 --check
is_rc 3 "a fractional --cert-days under --check: UNKNOWN (3)"
xping --warning 5
is_rc 64 "--warning without --check: 64"
xt_run xmpp-ping --no-login -o xml --server "127.0.0.1:$XT_PORT" \
    --cafile "$XT_CAFILE" "$XT_DOMAIN" </dev/null
is_rc 64 "--no-login -o xml (no stanza to show): 64"
