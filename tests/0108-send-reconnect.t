#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-send --lines through a server that goes away: every line arrives at
# least once (re-sent with the same id), nothing unconfirmed is counted as
# sent, and when the server never comes back the unconfirmed stanzas are
# handed back in --failed, ready for --raw.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
# This test stops and kills its server: never a shared one.
unset XT_SERVER_DIR
xt_server
plan 29

pw=$(xt_pwfile alice)
got=$XT_TMP/bob.jsonl
conn="--server 127.0.0.1:$XT_PORT --cafile $XT_CAFILE --jid alice@$XT_DOMAIN --password-file $pw"

# missing PREFIX N FILE...: the k in 1..N for which no body "PREFIX k" is
# in FILEs (JSON lines of the receiver, or stanzas one per line).
missing() {
	/usr/bin/python3 -S - "$@" <<-'EOF'
	import json, sys
	import xml.etree.ElementTree as ET
	prefix, n, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
	seen = set()
	for name in files:
	    try:
	        f = open(name, encoding="utf-8")
	    except FileNotFoundError:
	        continue
	    for line in f:
	        if line.startswith("{"):
	            body = json.loads(line)["body"]
	        else:
	            body = ET.fromstring(line).findtext("body")
	        seen.add(body)
	print(" ".join(str(k) for k in range(1, n + 1)
	               if "%s %d" % (prefix, k) not in seen))
	EOF
}

# same_ids FILE...: every body that arrived (or was handed back) more than
# once carried the same id and origin-id each time; prints the others.
same_ids() {
	/usr/bin/python3 -S - "$@" <<-'EOF'
	import json, sys
	import xml.etree.ElementTree as ET
	ids = {}
	for name in sys.argv[1:]:
	    for line in open(name, encoding="utf-8"):
	        xml = json.loads(line)["xml"] if line.startswith("{") else line
	        m = ET.fromstring(xml)
	        oid = m.find("{urn:xmpp:sid:0}origin-id")
	        key = (m.get("id"), oid.get("id") if oid is not None else None)
	        ids.setdefault(m.findtext("{jabber:client}body") or
	                       m.findtext("body"), set()).add(key)
	print(" ".join(b for b, k in ids.items() if len(k) > 1 or
	               any(i != o for i, o in k)))
	EOF
}

# has_line PREFIX K: the receiver got the body "PREFIX K" (or "PREFIX"
# when K is empty).
has_line() {
	grep -qF "\"body\": \"$1${2:+ $2}\"" "$got"
}

# wait_line PREFIX K SECS
wait_line() {
	_i=0
	while ! has_line "$1" "$2"; do
		[ "$_i" -lt $(($3 * 50)) ] || return 1
		sleep 0.02
		_i=$((_i + 1))
	done
}

# feed FIRST LAST [DELAY]: write "$prefix K" to the sender's input, DELAY
# seconds apart; a sender that died must not kill this shell.
prefix=line
feed() {
	(
		trap '' PIPE
		_k=$1
		while [ "$_k" -le "$2" ]; do
			printf '%s %d\n' "$prefix" "$_k" 2>/dev/null || exit 1
			[ -z "${3:-}" ] || sleep "$3"
			_k=$((_k + 1))
		done
	) >&3
}

# Receivers and servers must not hold the sender's input (fd 3) open: it
# would never end.
restart_receiver() {
	xt_recv_start bob "$XT_BOB_PW" "$got" 3>&- ||
		bail_out "the receiver did not get online again"
}

server() {
	_vars=$("$XT_SCRIPTS/test-server" "$@" "$XT_SERVER_DIR" 3>&-) ||
		bail_out "test-server $1 failed"
	[ -z "$_vars" ] || eval "$_vars"
}

restart_receiver

# ---- the server stops, then is killed, in the middle of a run ----

mkfifo "$XT_TMP/in"
run_bounded 120 xmpp-send -v $conn --retries 10 --lines "bob@$XT_DOMAIN" \
    <"$XT_TMP/in" >"$XT_TMP/send.out" 2>"$XT_TMP/send.err" &
sender=$!
exec 3>"$XT_TMP/in"

feed 1 200 0.01
ok "lines 1-200 arrive while the input is open" wait_line line 200 20

# Stopped (a stream error) with lines in flight, then more while it is away.
feed 201 250
server stop
feed 251 300 0.01
server resume
restart_receiver
feed 301 400 0.01
ok "lines after the server came back arrive" wait_line line 400 30

# Killed (no goodbye: the connection just ends), the same way.
feed 401 450
kill -KILL "$XT_PID"
feed 451 500 0.01
server resume
restart_receiver
feed 501 600 0.01
exec 3>&-

wait "$sender"
xt_rc=$?
xt_err=$(cat "$XT_TMP/send.err")
is_rc 0 "two outages with --retries 10: exit 0"
like "$xt_err" "reconnecting \(1 of 10\)" "the first outage is reported"
like "$xt_err" "reconnecting \(2 of 10\)" "the second outage is reported"
like "$xt_err" "the server has confirmed 600 stanzas" \
    "-v: each of the 600 lines confirmed, counted once"
is "$(cat "$XT_TMP/send.out")" "" "nothing on stdout"
wait_line line 600 20
is "$(missing line 600 "$got")" "" "every line arrived at least once"
is "$(same_ids "$got")" "" "a line that arrived twice had the same id and origin-id"
n=$(wc -l <"$got")
note "received $n messages for 600 lines"

# ---- more outages than --retries, each one recovered ----

# --retries bounds the attempts after one loss of the connection, not
# over the whole run: `tail -F log | xmpp-send --lines` runs for weeks.
prefix=outage
run_bounded 90 xmpp-send $conn --lines "bob@$XT_DOMAIN" \
    <"$XT_TMP/in" >"$XT_TMP/send.out" 2>"$XT_TMP/send.err" &
sender=$!
exec 3>"$XT_TMP/in"
k=1
while [ "$k" -le 4 ]; do
	feed "$k" "$k"
	wait_line outage "$k" 20 || break
	sleep 0.5	# confirmed: nothing left to re-send
	server stop
	server resume
	restart_receiver
	k=$((k + 1))
done
feed 5 5
exec 3>&-
wait "$sender"
xt_rc=$?
xt_err=$(cat "$XT_TMP/send.err")
is_rc 0 "four outages, each recovered, with the default --retries 3: exit 0"
wait_line outage 5 20
is "$(missing outage 5 "$got")" "" "... and every line arrived"

# ---- a server that hangs: connected, but it answers nothing ----

prefix=hung
hfailed=$XT_TMP/hung.failed
start=$(date +%s)
run_bounded 60 xmpp-send $conn -w 1 --retries 2 --failed "$hfailed" \
    --lines "bob@$XT_DOMAIN" <"$XT_TMP/in" >"$XT_TMP/send.out" \
    2>"$XT_TMP/send.err" &
sender=$!
exec 3>"$XT_TMP/in"
feed 1 1
wait_line hung 1 10
sleep 0.5	# confirmed
kill -STOP "$XT_PID"
feed 2 2
exec 3>&-
wait "$sender"
xt_rc=$?
took=$(($(date +%s) - start))
kill -CONT "$XT_PID"
xt_err=$(cat "$XT_TMP/send.err")
is_rc 69 "a hung server, --retries 2 used up: 69"
like "$xt_err" "no answer from 'xt.test' within 1 s; reconnecting \(1 of 2\)" \
    "the unanswered barrier is reported"
like "$xt_err" "timed out after 1 s waiting for the stream features of 'xt.test' at [^;]*; reconnecting \(2 of 2\)" \
    "a reconnection that times out is tried again"
ok "bounded: the barrier's -w, then backoff and -w twice ($took s)" \
    test "$took" -le 10
is "$(missing hung 2 "$hfailed")" 1 "the unconfirmed line is in --failed, the confirmed one not"
restart_receiver

# ---- the server never comes back ----

seq 1 100 | sed 's/^/again /' >"$XT_TMP/again"
failed=$XT_TMP/failed
run_bounded 60 xmpp-send $conn --rate 20 --retries 1 --failed "$failed" \
    --lines "bob@$XT_DOMAIN" <"$XT_TMP/again" >"$XT_TMP/send.out" \
    2>"$XT_TMP/send.err" &
sender=$!
wait_line again 10 10 || diag "the first 10 lines did not arrive"
server stop
wait "$sender"
xt_rc=$?
xt_err=$(cat "$XT_TMP/send.err")
is_rc 69 "the server never comes back: 69 once --retries are used up"
like "$xt_err" "[0-9]+ stanzas were not confirmed by the server; written to $failed" \
    "the unconfirmed stanzas are counted, and where they are said"
ok "--failed holds them" test -s "$failed"
unlike "$(grep -v '^<message .*</message>$' "$failed")" . \
    "--failed: one whole stanza per line"
is "$(missing again 100 "$got" "$failed")" "" \
    "every line read is either at the receiver or in --failed"
n=$(wc -l <"$failed")
note "$n stanzas handed back"

server resume
restart_receiver
xt_run xmpp-send $conn --raw <"$failed"
is_rc 0 "the --failed file fed back with --raw: 0"
ok "... and its last line arrives" wait_line again 100 20
is "$(missing again 100 "$got")" "" "now every line has arrived"
is "$(same_ids "$got")" "" "re-sent from --failed with the same id and origin-id"

# ---- no server at all, no --failed: the stanzas go to stderr ----

xt_run xmpp-send --server "127.0.0.1:$(xt_free_port)" --cafile "$XT_CAFILE" \
    --jid "alice@$XT_DOMAIN" --password-file "$pw" -m "kept on stderr" \
    "bob@$XT_DOMAIN" </dev/null
is_rc 69 "nothing listening: 69"
like "$xt_err" "^xmpp-send: 1 stanza was not confirmed by the server:$" \
    "stderr says a stanza was not confirmed"
grep '^<message ' "$XT_TMP/err" >"$XT_TMP/kept"
xt_run xmpp-send $conn --raw <"$XT_TMP/kept"
is_rc 0 "the stanza from stderr fed back with --raw: 0"
ok "... and it arrives" wait_line "kept on stderr" "" 10
