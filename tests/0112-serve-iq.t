#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every tool that binds a resource answers iq get/set while it is online
# (RFC 6120 8.2.3): xmpp-send while it sends, xmpp-ping while it pings.
# xmpp-listen's answers are in 0305-listen-iq.t.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send xmpp-ping
xt_server
plan 10

. "$XT_TESTS/send.sh"

for u in alice carol; do xt_pwfile $u >/dev/null; done
conn="--server 127.0.0.1:$XT_PORT --cafile $XT_CAFILE --jid alice@$XT_DOMAIN --password-file $XT_TMP/alice.pw"

# ask FULLJID: carol sends a ping, a disco#info and an unknown query to
# FULLJID; the replies (XML, sorted by id) in $XT_TMP/replies.
ask() {
	cat >"$XT_TMP/ask" <<XML
<iq type="get" to="$1" id="a1"><ping xmlns="urn:xmpp:ping"/></iq>
<iq type="get" to="$1" id="a2"><query xmlns="http://jabber.org/protocol/disco#info"/></iq>
<iq type="get" to="$1" id="a3"><query xmlns="jabber:iq:last"/></iq>
XML
	run_bounded 30 xmpp-send --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "carol@$XT_DOMAIN" --password-file "$XT_TMP/carol.pw" \
	    --raw -w 10 <"$XT_TMP/ask" 2>"$XT_TMP/ask.err" | sort >"$XT_TMP/replies"
}
reply() {
	grep "id=\"$1\"" "$XT_TMP/replies"
}

# wait_online ERRFILE: until the tool said (-v) that it is online.
wait_online() {
	i=0
	until grep -q "online as" "$1" 2>/dev/null; do
		[ "$i" -lt 500 ] || return 1
		sleep 0.02
		i=$((i + 1))
	done
}

# ---- xmpp-send, while its input is open ----

mkfifo "$XT_TMP/in"
run_bounded 60 xmpp-send -v $conn --resource snd --lines "bob@$XT_DOMAIN" \
    <"$XT_TMP/in" >"$XT_TMP/send.out" 2>"$XT_TMP/send.err" &
sender=$!
exec 3>"$XT_TMP/in"
wait_online "$XT_TMP/send.err" || diag "xmpp-send did not get online"
ask "alice@$XT_DOMAIN/snd"
like "$(reply a1)" "type=\"result\"" "xmpp-send answers a ping"
like "$(reply a2)" "type=\"result\".*<feature var=\"urn:xmpp:ping\"/>" \
    "... and disco#info"
like "$(reply a3)" "type=\"error\".*<service-unavailable " \
    "... and refuses what it does not handle"
echo "still sending" >&3
exec 3>&-
wait "$sender"
xt_rc=$?
xt_err=$(cat "$XT_TMP/send.err")
is_rc 0 "xmpp-send then ends as usual: 0"
unlike "$(cat "$XT_TMP/send.out")" . "... with nothing on stdout"

# ---- xmpp-ping, between its rounds ----

run_bounded 60 xmpp-ping -v $conn --resource png -c 30 -i 0.2 \
    >"$XT_TMP/ping.out" 2>"$XT_TMP/ping.err" &
pinger=$!
wait_online "$XT_TMP/ping.err" || diag "xmpp-ping did not get online"
ask "alice@$XT_DOMAIN/png"
like "$(reply a1)" "type=\"result\"" "xmpp-ping answers a ping"
like "$(reply a2)" "type=\"result\".*<identity category=\"client\"" \
    "... and disco#info"
like "$(reply a3)" "type=\"error\".*<service-unavailable " \
    "... and refuses what it does not handle"
wait "$pinger"
xt_rc=$?
xt_err=$(cat "$XT_TMP/ping.err")
is_rc 0 "xmpp-ping then ends as usual: 0"
is "$(grep -c 'time=' "$XT_TMP/ping.out")" 30 "... after its 30 rounds"
