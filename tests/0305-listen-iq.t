#!/bin/sh
# xmpp-listen stays a well-behaved client: it answers XEP-0199 ping,
# disco#info and XEP-0092 version, refuses other iq get/set with
# service-unavailable, answers receipt requests with --receipts, and
# prints iq requests from others but not the answers to its own.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-listen xmpp-send
xt_server
plan 24

. "$XT_TESTS/listen.sh"

# reply N: the Nth reply printed by the last `ask` (JSON).
ask() {
	xt_rc=0
	send alice --resource asker --raw -o json -w 10 >"$XT_TMP/replies" \
	    2>"$XT_TMP/ask.err" || xt_rc=$?
}
# field N KEY...: a value of the Nth reply ("<absent>" if missing).
field() {
	$py -S - "$XT_TMP/replies" "$@" <<'PY'
import json, sys
o = json.loads(open(sys.argv[1], encoding="utf-8").read().splitlines()[int(sys.argv[2]) - 1])
for k in sys.argv[3:]:
    o = o.get(k, "<absent>") if isinstance(o, dict) else "<absent>"
print(o)
PY
}

me=bob@$XT_DOMAIN/srv
listen_bg srv bob -o xml --keepalive 1 || bail_out "xmpp-listen did not start"

ask <<XML
<iq type="get" to="$me" id="q1"><ping xmlns="urn:xmpp:ping"/></iq>
<iq type="get" to="$me" id="q2"><query xmlns="http://jabber.org/protocol/disco#info"/></iq>
<iq type="get" to="$me" id="q3"><query xmlns="jabber:iq:version"/></iq>
<iq type="get" to="$me" id="q4"><query xmlns="jabber:iq:last"/></iq>
<iq type="set" to="$me" id="q5"><query xmlns="jabber:iq:roster"><item jid="x@y"/></query></iq>
<iq type="set" to="$me" id="q6"><ping xmlns="urn:xmpp:ping"/></iq>
XML
is "$xt_rc" 1 "xmpp-send --raw gets error replies to two of them: 1"
is "$(grep -c . "$XT_TMP/replies")" 6 "six replies"
# The replies may come in any order: sort them by id.
$py -S - "$XT_TMP/replies" <<'PY'
import json, sys
p = sys.argv[1]
lines = open(p, encoding="utf-8").read().splitlines()
lines.sort(key=lambda l: json.loads(l).get("id", ""))
open(p, "w", encoding="utf-8").write("\n".join(lines) + "\n")
PY
is "$(field 1 id) $(field 1 type) $(field 1 from)" "q1 result $me" "ping: an empty result"
like "$(field 1 xml)" '/>$' "... with nothing in it"
is "$(field 2 type) $(field 2 child_ns)" "result http://jabber.org/protocol/disco#info" \
    "disco#info: a result"
disco=$(field 2 xml)
like "$disco" '<identity category="client" name="xmpp-tools" type="console"/>' \
    "disco#info: identity client/console"
for f in http://jabber.org/protocol/disco#info urn:xmpp:ping jabber:iq:version; do
	like "$disco" "<feature var=\"$f\"/>" "disco#info: feature $f"
done
unlike "$disco" 'urn:xmpp:receipts' "disco#info: no receipts without --receipts"
is "$(field 3 type) $(field 3 child_ns)" "result jabber:iq:version" "version: a result"
like "$(field 3 xml)" "<name>xmpp-tools</name><version>$(xmpp-listen --version |
    sed 's/^xmpp-listen \([^ ]*\).*/\1/')</version>" "version: name and version"
is "$(field 4 type) $(field 4 error condition) $(field 4 error type)" \
    "error service-unavailable cancel" "an unknown get: service-unavailable"
is "$(field 5 type) $(field 5 error condition)" "error service-unavailable" \
    "an iq set: service-unavailable"
is "$(field 6 type) $(field 6 error condition)" "error service-unavailable" \
    "a ping of type set is not a ping: service-unavailable"

# A result or error nobody asked for is not news.
ask <<XML
<iq type="result" to="$me" id="unasked-1"/>
<iq type="error" to="$me" id="unasked-2"><error type="cancel"><gone xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>
<message to="$me" id="m-after"><body>after the results</body></message>
XML
wait_for "$XT_TMP/srv.out" 'after the results'
sleep 2.5	# keepalive pings (every second) come and go meanwhile
stop_bg srv
is "$bg_rc" 0 "SIGTERM: exit 0"
out=$(cat "$XT_TMP/srv.out")
n=0
for q in q1 q2 q3 q4 q5 q6; do
	printf '%s\n' "$out" | grep -q "<iq [^>]*id=\"$q\" [^>]*type=\"[gs]et\"" &&
	    n=$((n + 1))
done
is "$n" 6 "every request from alice was printed"
unlike "$out" 'type="result"|type="error"' \
    "no iq result or error printed: neither its own pongs nor unasked ones"
unlike "$out" "from=\"$XT_DOMAIN\"" "nothing from the server itself"

# The keepalive: pings to the server, seen with -vv.
listen_bg ka bob -vv --keepalive 1 --type chat || bail_out "xmpp-listen did not start"
sleep 2.5
stop_bg ka
is "$(grep -c "<iq [^>]*to=\"$XT_DOMAIN\"[^>]*><ping xmlns=\"urn:xmpp:ping\"/></iq>" \
    "$XT_TMP/ka.err" | awk '{ print ($1 >= 2) }')" 1 \
    "--keepalive 1: a ping to the server every second"

# ---- receipts ----

listen_bg rcpt bob -o text --receipts --type chat || bail_out "xmpp-listen did not start"
send alice --receipt -w 5 -m 'did you get it' "bob@$XT_DOMAIN/rcpt" </dev/null
is "$?" 0 "--receipts: xmpp-send --receipt gets its receipt, exit 0"
printf '<iq type="get" to="bob@%s/rcpt" id="d1"><query xmlns="http://jabber.org/protocol/disco#info"/></iq>\n' \
    "$XT_DOMAIN" | send alice --raw -o xml >"$XT_TMP/rcpt.disco"
like "$(cat "$XT_TMP/rcpt.disco")" '<feature var="urn:xmpp:receipts"/>' \
    "--receipts: disco#info lists urn:xmpp:receipts"
stop_bg rcpt
like "$(cat "$XT_TMP/rcpt.out")" 'did you get it' "the message was printed too"

listen_bg norcpt bob -o text --type chat || bail_out "xmpp-listen did not start"
send alice --receipt -w 2 -m 'no receipt' "bob@$XT_DOMAIN/norcpt" </dev/null \
    2>/dev/null
isnt "$?" 0 "without --receipts: no receipt comes back"
stop_bg norcpt
