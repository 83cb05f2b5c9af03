#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-roster subscribe, approve, unsubscribe, deny and pending between
# the test accounts, each side read from the server; a pre-approval
# (Prosody) or its refusal (ejabberd); a request made while offline, and
# one while `pending --wait` runs; a roster push from another user is
# ignored and refused.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-roster xmpp-send
xt_server
plan 52

. "$XT_TESTS/send.sh"

for u in alice bob carol; do xt_pwfile $u >/dev/null; done
alice=alice@$XT_DOMAIN
bob=bob@$XT_DOMAIN
carol=carol@$XT_DOMAIN
# roster USER ARGS...: xmpp-roster as USER.
roster() {
	_u=$1
	shift
	xt_run xmpp-roster --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "$_u@$XT_DOMAIN" --password-file "$XT_TMP/$_u.pw" "$@" </dev/null
}
# item USER JID: USER's item for JID as text (jid, name, subscription, ask,
# groups), "" when there is none.
item() {
	roster "$1" list
	[ "$xt_rc" = 0 ] || diag "list as $1: exit $xt_rc: $xt_err"
	printf '%s\n' "$xt_out" | grep -F "$2	" || :
}
# sub USER JID: "subscription ask" of USER's item for JID ("-" when none).
sub() {
	item "$1" "$2" | awk -F'\t' '{ print $3, $4 } END { if (NR == 0) print "-" }'
}
# bg_pending USER NAME ARGS...: `xmpp-roster pending -vv` in the
# background, stdout in $XT_TMP/NAME.out, stderr in NAME.err; its pid
# in $bg. Returns once the server has processed its initial presence:
# the server sends that presence back to it (RFC 6121 4.2.2).
bg_pending() {
	_u=$1
	_n=$2
	shift 2
	timeout -k 2 60 xmpp-roster --server "127.0.0.1:$XT_PORT" \
	    --cafile "$XT_CAFILE" --jid "$_u@$XT_DOMAIN" \
	    --password-file "$XT_TMP/$_u.pw" -vv pending "$@" </dev/null \
	    >"$XT_TMP/$_n.out" 2>"$XT_TMP/$_n.err" &
	bg=$!
	xt_wait_for "$XT_TMP/$_n.err" \
	    "^xmpp-roster: RECV: <presence [^>]*from=\"$_u@$XT_DOMAIN/" ||
		diag "pending as $_u did not get online: $(cat "$XT_TMP/$_n.err")"
}
# bg_stop NAME: SIGTERM ends the wait; its status in xt_rc, its output
# in xt_out and xt_err. The signal goes to xmpp-roster itself, not to
# timeout(1) ($bg): see xt_kill_bounded.
bg_stop() {
	xt_kill_bounded TERM "$bg"
	wait "$bg"
	xt_rc=$?
	xt_out=$(cat "$XT_TMP/$1.out")
	xt_err=$(cat "$XT_TMP/$1.err")
}

# The server may be shared: no subscription, request or item between the
# three accounts, whatever an earlier run left.
for pair in "alice bob" "bob alice" "alice carol" "carol alice" \
    "bob carol" "carol bob"; do
	set -- $pair
	roster "$1" unsubscribe "$2@$XT_DOMAIN"
	roster "$1" deny "$2@$XT_DOMAIN"
done
for pair in "alice bob" "bob alice" "alice carol" "carol alice" \
    "bob carol" "carol bob"; do
	set -- $pair
	roster "$1" remove "$2@$XT_DOMAIN"
done
is "$(sub alice "$bob")|$(sub alice "$carol")|$(sub bob "$alice")|$(sub bob "$carol")|$(sub carol "$alice")|$(sub carol "$bob")" \
    "-|-|-|-|-|-" "no item between the accounts to begin with"

# ---- alice subscribes to bob, who is offline ----

roster alice subscribe "$bob"
is_rc 0 "subscribe: exit 0"
is "$xt_out$xt_err" "" "... silent"
is "$(item alice "$bob")" "$(printf '%s\t\tnone\tsubscribe\t' "$bob")" \
    "alice's item: subscription none, ask subscribe"
roster alice list -o json
is "$(printf '%s\n' "$xt_out" | grep -F "\"$bob\"")" \
    "{\"jid\":\"$bob\",\"subscription\":\"none\",\"ask\":\"subscribe\",\"groups\":[]}" \
    "... in json"

# ejabberd 23.01 hands the requests kept only to a resource of priority
# 0 or more: there the documented --priority 0.
if [ "$XT_SERVER_KIND" = ejabberd ]; then prio=0; else prio=-1; fi
roster bob pending --priority $prio
is_rc 0 "pending, with the request made while bob was offline: exit 0"
is "$xt_out" "$alice" "... lists alice, the JID alone"
roster bob pending --priority $prio -o json
is "$xt_out" "{\"jid\":\"$alice\"}" "... in json"
roster bob pending -vv
like "$xt_err" "SENT: <presence><priority>-1</priority></presence>" \
    "... with initial presence at priority -1 by default"

roster bob approve "$alice" -v
is_rc 0 "bob approves: exit 0"
like "$xt_err" "'$alice' may now see the presence of '$bob'" "... and -v says so"
is "$(sub bob "$alice")" "from " "bob's side: from"
is "$(sub alice "$bob")" "to " "alice's side: to"
roster bob pending
is "$xt_rc/$xt_out" "0/" "no request pending for bob any more"

# ---- the reverse ----

roster bob subscribe "$alice"
is_rc 0 "bob subscribes to alice: exit 0"
is "$(sub bob "$alice")" "from subscribe" "bob's side: from, ask subscribe"
roster alice pending --priority $prio
is "$xt_out" "$bob" "alice's pending lists bob"
roster alice approve "$bob"
is_rc 0 "alice approves: exit 0"
is "$(sub alice "$bob")" "both " "alice's side: both"
is "$(sub bob "$alice")" "both " "bob's side: both"
roster alice list -o xml
like "$(printf '%s\n' "$xt_out" | grep -F "\"$bob\"")" \
    "^<item xmlns=\"jabber:iq:roster\" jid=\"$bob\" subscription=\"both\"/>\$" \
    "... in xml"

# ---- and back ----

roster alice unsubscribe "$bob"
is_rc 0 "alice unsubscribes from bob: exit 0"
is "$(sub alice "$bob")|$(sub bob "$alice")" "from |to " \
    "alice's side: from; bob's: to"
roster alice deny "$bob"
is_rc 0 "alice denies bob (cancels his subscription): exit 0"
is "$(sub alice "$bob")|$(sub bob "$alice")" "none |none " "both sides: none"

roster carol subscribe "$alice"
roster alice deny "$carol"
is_rc 0 "alice denies carol's request: exit 0"
is "$(sub carol "$alice")" "none " "carol's side: none, no ask"
roster alice pending
is "$xt_out" "" "alice has no request pending"

# ---- a request while pending --wait runs ----

bg_pending carol live --wait 50
roster alice subscribe "$carol"
is_rc 0 "alice subscribes to carol while carol's pending waits: exit 0"
xt_wait_for "$XT_TMP/live.out" "^$alice\$" ||
	diag "pending --wait printed nothing: $(cat "$XT_TMP/live.err")"
bg_stop live
is_rc 0 "SIGTERM ends pending --wait: exit 0"
is "$xt_out" "$alice" "... it printed alice's request as it came"
like "$xt_err" "1 pending request" "... and -v counts it"
roster carol deny "$alice"
roster alice unsubscribe "$carol"
# What is left of the item carol's request made: ejabberd drops it.
if [ "$XT_SERVER_KIND" = ejabberd ]; then left=-; else left="none "; fi
is "$(sub alice "$carol")|$(sub carol "$alice")" "none |$left" \
    "request cancelled: neither side has a subscription or an ask"
roster alice remove "$carol"

# ---- pre-approval: RFC 6121 3.4 ----

if [ "$XT_SERVER_KIND" = ejabberd ]; then
	roster carol approve "$alice"
	is_rc 1 "ejabberd: approve with no request pending: exit 1 (no pre-approval)"
	is "$xt_err" "xmpp-roster: '$alice' has not asked to subscribe, and '$XT_DOMAIN' does not offer pre-approval (RFC 6121 3.4): nothing was approved" \
	    "... the message says so"
	roster alice subscribe "$carol"
	is "$(sub carol "$alice")" "-" "... then alice's request gives carol no subscription"
	roster carol pending --priority $prio -o json
	is "$xt_out" "{\"jid\":\"$alice\"}" "... but a request to answer"
	roster carol deny "$alice"
	roster alice unsubscribe "$carol"
	skip 2 "ejabberd 23.01 offers no pre-approval"
else
	roster carol approve "$alice" -v
	is_rc 0 "Prosody: approve with no request pending: a pre-approval, exit 0"
	like "$xt_err" "pre-approved '$alice'" "... -v says so"
	is "$(item carol "$alice" | cut -f3)" none "carol's item: subscription none so far"
	roster alice subscribe "$carol"
	is_rc 0 "alice subscribes to carol: exit 0"
	is "$(sub carol "$alice")" "from " "carol's side: from, without carol answering"
	roster carol pending
	is "$xt_out" "" "... and no request for carol to answer"
fi
for pair in "alice carol" "carol alice"; do
	set -- $pair
	roster "$1" unsubscribe "$2@$XT_DOMAIN"
	roster "$1" deny "$2@$XT_DOMAIN"
	roster "$1" remove "$2@$XT_DOMAIN"
done

# ---- a roster push from anyone but the server ----

tag=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
res=spoof-$tag
# spoof USER: USER sends alice's resource a roster push for evil-TAG and
# says (--raw) what came back.
spoof() {
	cat >"$XT_TMP/spoof.xml" <<EOF
<iq type="set" to="$alice/$res" id="spoof-$1"><query xmlns="jabber:iq:roster"><item jid="evil-$tag@example.org" name="Evil" subscription="both"><group>Pwned</group></item></query></iq>
EOF
	roster_as=$1
	xt_run xmpp-send --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "$roster_as@$XT_DOMAIN" --password-file "$XT_TMP/$roster_as.pw" \
	    --raw -w 10 <"$XT_TMP/spoof.xml"
}

bg_pending alice spoofed --wait 50 --resource "$res"
spoof bob
like "$xt_out" "^<iq [^>]*id=\"spoof-bob\"[^>]*type=\"error\"" \
    "a push from bob: answered with an error"
like "$xt_out" "<error type=\"cancel\"><service-unavailable xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/>" \
    "... service-unavailable"
like "$xt_out" "from=\"$alice/$res\"" "... by alice's xmpp-roster"
spoof alice
like "$xt_out" "^<iq [^>]*id=\"spoof-alice\"[^>]*type=\"error\".*<service-unavailable " \
    "a push from another resource of alice's (a full JID): refused as well"
bg_stop spoofed
is_rc 0 "pending --wait still ends with exit 0"
is "$xt_out" "" "... having printed nothing"
like "$xt_err" "^xmpp-roster: ignoring a roster push from '$bob/[^']+': only the server may send one\$" \
    "... it warned of bob's push, naming him"
like "$xt_err" "^xmpp-roster: ignoring a roster push from '$alice/[^']+': only the server" \
    "... and of the one from the other resource"
roster alice list
unlike "$xt_out" "evil-$tag" "alice's roster on the server has no such item"

# ---- usage ----

roster alice pending --wait -1
is_rc 64 "pending --wait -1: 64"
roster alice pending --wait soon
is_rc 64 "pending --wait soon: 64"
roster alice pending "$bob"
is_rc 64 "pending with an argument: 64"
roster alice approve
is_rc 64 "approve without a JID: 64"
