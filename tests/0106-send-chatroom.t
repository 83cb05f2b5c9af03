#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-send --chatroom: join (no history), send groupchat, leave; a nick
# conflict is worked around, a refusal is exit 1 with the room's reason.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
xt_server
plan 31

. "$XT_TESTS/send.sh"

pw=$(xt_pwfile alice)
conn="--server 127.0.0.1:$XT_PORT --cafile $XT_CAFILE --jid alice@$XT_DOMAIN --password-file $pw"
send() {
	xt_run xmpp-send $conn "$@"
}

# Rooms are made per run: a shared server keeps its rooms.
tag=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
ops=ops-$tag@$XT_MUC
dev=dev-$tag@$XT_MUC
taken=taken-$tag@$XT_MUC
closed=closed-$tag@$XT_MUC
locked=locked-$tag@$XT_MUC

got=$XT_TMP/carol.jsonl
receiver carol "$XT_CAROL_PW" "$got" \
    --join "$ops/carol" --join "$dev/carol" --join "$taken/alice" \
    --join "$closed/carol" \
    --room-config "$closed" muc#roomconfig_membersonly=1 \
    --join "$locked/carol" \
    --room-config "$locked" muc#roomconfig_passwordprotectedroom=1 \
    --room-config "$locked" muc#roomconfig_roomsecret="s3cret ü"

# ---- an existing room ----

send -vv --chatroom -m "disk full on db1" "$ops"
is_rc 0 "--chatroom -m: exit 0"
xt_recv_wait "$got" 1
is "$(field "$got" 1 body)" "disk full on db1" "the room got the message"
is "$(field "$got" 1 type)" groupchat "type groupchat"
is "$(field "$got" 1 from)" "$ops/alice" "from the nick alice, the JID's local part"
like "$(field "$got" 1 xml)" '<origin-id xmlns="urn:xmpp:sid:0" id="' "with an origin-id"
like "$xt_err" "SENT: <presence [^>]*to=\"$ops/alice\"[^>]*><x xmlns=\"http://jabber.org/protocol/muc\"><history maxstanzas=\"0\"/>" \
    "the join asks for no history"
like "$xt_err" "SENT: <presence [^>]*to=\"$ops/alice\"[^>]*type=\"unavailable\"" \
    "the room is left at the end"
unlike "$(sed -n '/SENT: <presence [^>]*type="unavailable"/,$p' "$XT_TMP/err")" \
    "SENT: <message" "... after the message, not before"

printf 'first\n\nsecond ✓\nthird\n' >"$XT_TMP/lines"
send -c --lines --nick "mon itor" "$ops" <"$XT_TMP/lines"
is_rc 0 "--chatroom --lines --nick: exit 0"
xt_recv_wait "$got" 4
is "$(field "$got" 2 body)|$(field "$got" 3 body)|$(field "$got" 4 body)" \
    "first|second ✓|third" "every line in order, the empty one skipped"
is "$(field "$got" 4 from)" "$ops/mon itor" "from the nick given"

printf 'line one\nline two ü\n' >"$XT_TMP/body"
send -vv -c "$ops" "$dev" <"$XT_TMP/body"
is_rc 0 "two rooms, body with a newline from stdin: exit 0"
is "$(grep "SENT: " "$XT_TMP/err" | grep -o '<message [^>]*to="[^"]*"' | sed 's/.*to="//; s/"$//' | tr '\n' ' ')" \
    "$ops $dev " "sent to each room in the order given"
xt_recv_wait "$got" 6
# Two rooms are two senders: the server may deliver their copies in
# either order (ejabberd runs each room on its own).
is "$( (field "$got" 5 from | cut -d/ -f1; field "$got" 6 from | cut -d/ -f1) | sort | tr '\n' ' ')" \
    "$(printf '%s\n' "$ops" "$dev" | sort | tr '\n' ' ')" "each room got it"
is "$(field "$got" 6 body)" "$(printf 'line one\nline two ü')" \
    "the body arrives with its newline"

send -c -t groupchat -m "explicit type" "$ops"
is_rc 0 "--chatroom --type groupchat: exit 0"
# The room passes it on after our exit: counted from once it arrived.
xt_recv_wait "$got" 7

# ---- a nick conflict ----

n=$(lines_of "$got")
send -v -c -m "despite the conflict" "$taken"
is_rc 0 "the nick is taken: exit 0 all the same"
like "$xt_err" "nickname 'alice' is taken in '$taken'" "-v says the nick was taken"
like "$xt_err" "joined '$taken' as 'alice-2'" "... and which one it joined as"
xt_recv_wait "$got" $((n + 1))
is "$(field "$got" $((n + 1)) body)" "despite the conflict" "the message arrives"
is "$(field "$got" $((n + 1)) from)" "$taken/alice-2" "... from the nick with a suffix"

# ---- refusals ----

n=$(lines_of "$got")
send -c -m "not a member" "$closed"
is_rc 1 "a members-only room: exit 1"
like "$xt_err" "^xmpp-send: cannot join '$closed': .*members-only" \
    "the message names the room and says members-only"

send -c -m "no password" "$locked"
is_rc 1 "a password-protected room without the password: exit 1"
like "$xt_err" "cannot join '$locked': .*password" "... says a password is needed"

printf 'wrong\n' >"$XT_TMP/room.pw"
send -c --room-password-file "$XT_TMP/room.pw" -m "wrong password" "$locked"
is_rc 1 "the wrong room password: exit 1"

printf 's3cret ü\n' >"$XT_TMP/room.pw"
send -c --room-password-file "$XT_TMP/room.pw" -m "right password" "$locked"
is_rc 0 "--room-password-file with the right password: exit 0"
xt_recv_wait "$got" $((n + 1))
sleep 0.3
is "$(lines_of "$got")/$(field "$got" $((n + 1)) body)" "$((n + 1))/right password" \
    "only the message with the right password arrived"

send -c --room-password-file "$XT_TMP/nonexistent" -m x "$locked"
is_rc 78 "an unreadable --room-password-file: 78"
like "$xt_err" "cannot read --room-password-file '$XT_TMP/nonexistent'" "... named"

# ---- usage ----

send -c --type chat -m x "$ops"
is_rc 64 "--chatroom --type chat: 64"
