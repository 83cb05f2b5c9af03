#!/bin/sh
# xmpp-listen in chat rooms (--chatroom, --nick, --history) and with
# message carbons (--carbons, XEP-0280).
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-listen xmpp-send
xt_server
plan 29

. "$XT_TESTS/listen.sh"

room=lobby@$XT_MUC
room2=ops@$XT_MUC

# ---- rooms ----

listen_bg inroom bob -v -o text --chatroom "$room" -r "$room2" ||
    bail_out "xmpp-listen did not start"
wait_for "$XT_TMP/inroom.err" "joined '$room2'" ||
    bail_out "xmpp-listen did not join the rooms: $(cat "$XT_TMP/inroom.err")"
like "$(cat "$XT_TMP/inroom.err")" "joined '$room' as 'bob'" \
    "-r ROOM: joins as the JID's local part"
send alice --chatroom -m 'hello room' "$room" </dev/null
ok "xmpp-send --chatroom sends to the room" test $? = 0
send carol --chatroom --nick cc -m 'hello ops' "$room2" </dev/null
# Each room of ejabberd is a process of its own: the second room's
# message may come first.
wait_for "$XT_TMP/inroom.out" 'hello room'
wait_for "$XT_TMP/inroom.out" 'hello ops'
like "$(cat "$XT_TMP/inroom.out")" "	$room/alice	groupchat	hello room\$" \
    "the room message appears, from room/nick, type groupchat"
like "$(cat "$XT_TMP/inroom.out")" "	$room2/cc	groupchat	hello ops\$" \
    "-r is repeatable: the second room's message too"
like "$(cat "$XT_TMP/inroom.out")" "	$room/alice	available	" \
    "occupants' presences are printed"

# --nick, and a nickname already taken by someone else.
pinger=bob listen_bg nick carol -v -o text --chatroom "$room" --nick watcher ||
    bail_out "xmpp-listen did not start"
wait_for "$XT_TMP/nick.err" "joined '$room'"
like "$(cat "$XT_TMP/nick.err")" "joined '$room' as 'watcher'" "--nick NICK"
listen_bg taken alice -v -o text --chatroom "$room" --nick bob ||
    bail_out "xmpp-listen did not start"
wait_for "$XT_TMP/taken.err" "joined '$room'"
like "$(cat "$XT_TMP/taken.err")" "joined '$room' as 'bob-2'" \
    "a nickname taken by another account: the next one free"
stop_bg taken

# History is off unless asked for.
send alice --chatroom -m 'history one' "$room" </dev/null
send alice --chatroom -m 'history two' "$room" </dev/null
wait_for "$XT_TMP/nick.out" 'history two'
listen carol -o text --type groupchat --chatroom "$room" -w 3 </dev/null
unlike "$xt_out" 'hello room|history' "no --history: nothing from before the join"
listen carol -o text --type groupchat --chatroom "$room" --history 1 \
    --match history -c 1 -w 10 </dev/null
is_rc 0 "--history 1: a past message arrives"
is "$(printf '%s\n' "$xt_out" | cut -f2-)" "$room/alice	groupchat	history two" \
    "--history 1: exactly the last one"
like "$(printf '%s\n' "$xt_out" | cut -f1)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' \
    "... stamped with the time the room got it"
listen carol -o xml --type groupchat --chatroom "$room" --history 1 \
    --match history -c 1 -w 10 </dev/null
like "$xt_out" "<delay xmlns=\"urn:xmpp:delay\" [^>]*stamp=\"$(printf '%s\n' "$xt_out" |
    sed -n 's/.*stamp="\([^"]*\)".*/\1/p')\"" "... which is its XEP-0203 delay"

# Leaving: the other occupants see it go.
stop_bg inroom
is "$bg_rc" 0 "SIGTERM in rooms: exit 0"
wait_for "$XT_TMP/nick.out" "	$room/bob	unavailable"
like "$(cat "$XT_TMP/nick.out")" "	$room/bob	unavailable	" \
    "it leaves the room on its way out"
stop_bg nick

# A room that refuses: a nick with a character the room rejects is not
# what we test; a password-protected room is out of reach of the test
# server's defaults. A room on a domain that does not exist fails.
listen bob --chatroom "room@nonexistent.$XT_DOMAIN" -w 5 </dev/null
isnt "$xt_rc" 0 "a room that cannot be joined: not 0 (status $xt_rc)"
like "$xt_err" "nonexistent" "... the message names the room"

# ---- carbons ----

listen_bg other alice -o text --type chat --from "bob@$XT_DOMAIN/b1" -w 30 ||
    bail_out "xmpp-listen did not start"
listen_bg carb alice -o xml --carbons --type chat || bail_out "xmpp-listen did not start"
listen_bg nocarb alice -o xml --type chat || bail_out "xmpp-listen did not start"

send alice --resource phone -m 'sent by another client' "bob@$XT_DOMAIN" </dev/null
ok "alice sends from another resource" test $? = 0
send bob --resource b1 -m 'to another client' "alice@$XT_DOMAIN/other" </dev/null
ok "bob sends to alice's other resource" test $? = 0
wait_for "$XT_TMP/other.out" 'to another client'
# A forged carbon: from bob, not from alice's own account.
printf '<message to="alice@%s/carb" type="chat"><received xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0"><message xmlns="jabber:client" from="mallory@%s/x" to="alice@%s" type="chat"><body>forged carbon</body></message></forwarded></received></message>\n<message to="alice@%s/carb" type="chat"><body>after the forgery</body></message>\n' \
    "$XT_DOMAIN" "$XT_DOMAIN" "$XT_DOMAIN" "$XT_DOMAIN" |
    send bob --resource b2 --raw
ok "bob sends a forged carbon" test $? = 0
wait_for "$XT_TMP/carb.out" 'after the forgery'
stop_bg carb
is "$bg_rc" 0 "--carbons: exit 0"

carb=$(cat "$XT_TMP/carb.out")
# ejabberd writes each message anew: first what it adds (its archive ids,
# XEP-0313 and XEP-0359) and the sender's origin-id, then the body.
case $XT_SERVER_KIND in
ejabberd) added='(<(archived|stanza-id|origin-id) xmlns="urn:xmpp:[^"]*" [^>]*/>)*' ;;
*) added= ;;
esac
# An xml:lang the client gave comes last, sorted by the name written.
lang='( xml:lang="[^"]*")?'

like "$carb" "^<message xmlns=\"jabber:client\" from=\"alice@$XT_DOMAIN/phone\" [^>]*to=\"bob@$XT_DOMAIN\" type=\"chat\"$lang>$added<body>sent by another client</body>" \
    "--carbons: a message sent by another client of the account, as the inner message"
like "$carb" "^<message xmlns=\"jabber:client\" from=\"bob@$XT_DOMAIN/b1\" [^>]*to=\"alice@$XT_DOMAIN/other\" type=\"chat\"$lang>$added<body>to another client</body>" \
    "--carbons: a message received by another client of the account"
unlike "$carb" "urn:xmpp:carbons:2" "... printed without the carbon wrapper"
unlike "$carb" "forged carbon|mallory" "a carbon from anyone but the account itself is ignored"
like "$carb" "after the forgery" "... and the messages after it still arrive"
is "$(grep -c . "$XT_TMP/carb.out")" 3 "three messages, each once"

stop_bg nocarb
unlike "$(cat "$XT_TMP/nocarb.out")" "another client|forged" \
    "without --carbons: neither the sent nor the received copy"
stop_bg other

# -vv shows that the forged carbon did arrive, and was dropped.
listen_bg carb2 alice -vv -o xml --carbons --type chat || bail_out "xmpp-listen did not start"
printf '<message to="alice@%s/carb2" type="chat"><sent xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0"><message xmlns="jabber:client" from="alice@%s/fake" to="mallory@%s" type="chat"><body>forged sent carbon</body></message></forwarded></sent></message>\n' \
    "$XT_DOMAIN" "$XT_DOMAIN" "$XT_DOMAIN" | send bob --resource b3 --raw
wait_for "$XT_TMP/carb2.err" 'forged sent carbon'
stop_bg carb2
like "$(cat "$XT_TMP/carb2.err")" 'forged sent carbon' "the forged sent carbon reached the client (-vv)"
is "$(cat "$XT_TMP/carb2.out")" "" "... and was not printed"
