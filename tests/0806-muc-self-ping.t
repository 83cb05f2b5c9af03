#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-muc --self-ping (XEP-0410) against a room that forgets its
# occupants without a word (scripts/fake-muc, an external component of
# the test server: a real service cannot be made to): the pipe pings its
# own occupant JID, and when the room answers not-acceptable it warns
# and joins again on the same stream; lines keep flowing, and EOF still
# ends it with 0. A line sent while the room has forgotten us is refused
# visibly (the room's error on stderr, exit 1), or sent again after the
# rejoin: never lost without a word.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-muc
if ! /usr/bin/python3 -c 'import slixmpp' 2>/dev/null; then
	plan_skip_all "python3-slixmpp is missing (scripts/install-deps --test)"
fi
# A server of its own: the shared one has no component.
unset XT_SERVER_DIR
# The component's domain, served by scripts/fake-muc.
fake=rooms.xt.test
XT_SERVER_COMPONENT=$fake
export XT_SERVER_COMPONENT
xt_server
unset XT_SERVER_COMPONENT
[ -n "${XT_COMPONENT_PORT:-}" ] ||
	bail_out "scripts/test-server printed no XT_COMPONENT_PORT"
plan 20

. "$XT_TESTS/muc.sh"

# ---- the fake room service ----

fdir=$XT_TMP/fake
mkdir -p "$fdir"
(umask 077 && printf '%s\n' "$XT_COMPONENT_SECRET" >"$fdir/secret")
: >"$fdir/control"
"$XT_SCRIPTS/fake-muc" --domain "$fake" --secret-file "$fdir/secret" \
    --port "$XT_COMPONENT_PORT" --log "$fdir" --control "$fdir/control" \
    --ready "$fdir/ready" </dev/null >"$fdir/out" 2>&1 &
fake_pid=$!
xt_at_exit "kill $fake_pid 2>/dev/null"
_i=0
while [ ! -e "$fdir/ready" ]; do
	if ! kill -0 "$fake_pid" 2>/dev/null || [ "$_i" -ge 750 ]; then
		diag "fake-muc did not connect: $(cat "$fdir/out")"
		bail_out "fake-muc did not start"
	fi
	sleep 0.02
	_i=$((_i + 1))
done

ev=$fdir/events

# joins N [SECS]: until the fake room has had N joins (default 10 s).
joins() {
	_lim=$(( ${2:-10} * 50 ))
	_i=0
	until [ "$(cat "$fdir/joins" 2>/dev/null)" = "$1" ]; do
		[ "$_i" -lt "$_lim" ] || return 1
		sleep 0.02
		_i=$((_i + 1))
	done
}

# forget: the room forgets every occupant; returns once it has.
forget() {
	_n=$(grep -c '^forget ' "$ev")
	echo forget >>"$fdir/control"
	_i=0
	until [ "$(grep -c '^forget ' "$ev")" -gt "$_n" ]; do
		[ "$_i" -lt 250 ] || return 1
		sleep 0.02
		_i=$((_i + 1))
	done
}

# events_count ERE: lines of the fake room's events matching ERE.
events_count() {
	grep -cE -- "$1" "$ev" 2>/dev/null || :
}

# events_more ERE N [SECS]: until more than N events match ERE (default
# 10 s).
events_more() {
	_lim=$(( ${3:-10} * 50 ))
	_i=0
	until [ "$(events_count "$1")" -gt "$2" ]; do
		[ "$_i" -lt "$_lim" ] || return 1
		sleep 0.02
		_i=$((_i + 1))
	done
}

# ---- the pipe: forgotten, it joins again ----

# Room names of this run (room), at the fake service.
r=$(room selfping | sed "s/@.*/@$fake/")
occ=$r/bob
warn="'$r' no longer has us as an occupant \\(not-acceptable\\); joining again"

bg_limit=60 pipe_bg b bob -v --self-ping 1 "$r"
joins 1 || diag "bob did not join: $(cat "$XT_TMP/b.err")"
is "$(cat "$fdir/joins")" 1 "the pipe joins the fake room"
say b "first line"
xt_wait_for "$fdir/messages" " bob first line\$" 10
is "$(cat "$fdir/messages")" "$r bob first line" \
    "the line reaches the room (reflected, logged)"

# Pings to the occupant JID, answered: with no more lines, each second
# (the barrier of the line above is one at most).
events_more "^ping-ok " 3 10
ok "self-pings go to the occupant JID and are answered (4 within 10 s)" \
    test "$(events_count "^ping-ok ")" -ge 4
is "$(grep '^ping-' "$ev" | cut -d' ' -f1,2 | sort -u)" "ping-ok $occ" \
    "... each to '$occ', none refused"
is "$(grep '^ping-ok ' "$ev" | cut -d' ' -f3 | sort -u)" \
    "$(grep '^join ' "$ev" | cut -d' ' -f4)" "... from the JID that joined"

forget || diag "fake-muc did not take 'forget': $(cat "$fdir/out")"
xt_wait_for "$XT_TMP/b.err" "$warn" 10
like "$(cat "$XT_TMP/b.err")" "$warn" \
    "stderr: the room no longer has us (not-acceptable); joining again"
joins 2 10
is "$(cat "$fdir/joins")" 2 "... and it joins again"
ok "... after a self-ping the room refused" \
    test "$(sed -n '/^forget /,/^join /p' "$ev" | grep -c '^ping-refused ')" -ge 1
is "$(grep '^join ' "$ev" | cut -d' ' -f4 | sort -u | wc -l)" 1 \
    "... on the same stream (same full JID both times)"
unlike "$(cat "$XT_TMP/b.err")" 'reconnect' "... with no reconnect"
ok "... and keeps running" pipe_running b

say b "after the rejoin"
xt_wait_for "$fdir/messages" " bob after the rejoin\$" 10
is "$(cut -d' ' -f3- "$fdir/messages" | tr '\n' '|')" \
    "first line|after the rejoin|" "the next line reaches the room"
ok "... as an occupant again (after the second join)" test \
    "$(grep -n "^message $r bob after the rejoin\$" "$ev" | cut -d: -f1)" -gt \
    "$(grep -n '^join ' "$ev" | sed -n 2p | cut -d: -f1)"
pipe_eof b
pipe_wait b
is "$bg_rc" 0 "EOF: exit 0"
xt_wait_for "$ev" "^leave $r bob " 5
is "$(events_count "^leave $r bob ")" 1 "... having left the room"

# ---- a line while the room has forgotten us ----

# Sent between the forgetting and the next self-ping (3 s apart here):
# the room refuses it. Whatever the pipe makes of that, it must not be
# lost without a word: either refused visibly (the room's error on
# stderr, exit 1) or sent again once back in the room.
r2=$(room forgot | sed "s/@.*/@$fake/")
bg_limit=60 pipe_bg c bob -v --self-ping 3 "$r2"
joins 3 || diag "bob did not join: $(cat "$XT_TMP/c.err")"
say c "before"
xt_wait_for "$fdir/messages" "^$r2 bob before\$" 10
# Right after a self-ping answered (the second ping from here on, the
# first may be the barrier of "before"): the next one is 3 s away.
events_more "^ping-ok $r2/bob " "$(events_count "^ping-ok $r2/bob ")" 10
events_more "^ping-ok $r2/bob " "$(events_count "^ping-ok $r2/bob ")" 10
forget || diag "fake-muc did not take 'forget': $(cat "$fdir/out")"
say c "while forgotten"
xt_wait_for "$XT_TMP/c.err" "'$r2' no longer has us" 10
joins 4 10
say c "back"
xt_wait_for "$fdir/messages" "^$r2 bob back\$" 10
pipe_eof c
pipe_wait c
# A line the room refused because it had forgotten us (not-acceptable)
# is not lost: its delivery barrier, a self-ping answered with the same
# error, confirms nothing, and the line goes again after the rejoin; the
# refusal is no failure then (exit 0). A line read after the rejoin
# simply goes. Either way it reaches the room once.
refused=$(events_count "^refused $r2 .* while forgotten\$")
delivered=$(grep -c "^$r2 bob while forgotten\$" "$fdir/messages")
if [ "$refused" -ge 1 ]; then
	note "the line reached the room while it had forgotten us: refused"
	unlike "$(cat "$XT_TMP/c.err")" "bounced" \
	    "... a refusal for not being in the room is not reported as a bounce"
else
	note "the line was read after the rejoin"
	ok "... (no refusal to report)" true
fi
is "$delivered" 1 "the line sent while forgotten reaches the room once, after the rejoin"
is "$bg_rc" 0 "... EOF, exit 0"
like "$(cat "$XT_TMP/c.err")" "the room has confirmed 3 messages" \
    "... and -v counts the three lines confirmed"
is "$(grep "^$r2 " "$fdir/messages" | cut -d' ' -f3- | grep -v 'while forgotten' | tr '\n' '|')" \
    "before|back|" "the lines before and after reach the room, once each"
