#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-muc pipe through a server restart: it reconnects and rejoins,
# prints what the room got meanwhile (as history) and nothing twice, and
# sends the lines read during the outage once it is back; --retries
# gives up.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-muc
# This test stops its server: never a shared one.
unset XT_SERVER_DIR
xt_server
plan 16

. "$XT_TESTS/muc.sh"

server() {
	# A stopped Prosody lingers briefly as a zombie: resume may need
	# another try.
	_n=0
	until "$XT_SCRIPTS/test-server" "$1" "$XT_SERVER_DIR" \
	    >"$XT_TMP/server.out" 2>"$XT_TMP/server.err"; do
		_n=$((_n + 1))
		[ "$1" = resume ] && [ "$_n" -lt 30 ] || return 1
		sleep 0.1
	done
}

r=$(room restart)
muc alice create --persistent "$r"
is_rc 0 "a persistent room: it outlives the restart"

# alice's one-shot pipe: each line given, from a file.
alice_says() {
	printf '%s\n' "$@" >"$XT_TMP/alice.lines"
	muc_in "$XT_TMP/alice.lines" alice --nick alice "$r"
	[ "$xt_rc" = 0 ] || diag "alice's pipe: exit $xt_rc: $xt_err"
}

bg_limit=90 pipe_bg b bob -v "$r"
wait_nick carol "$r" bob || diag "bob did not join: $(cat "$XT_TMP/b.err")"
alice_says "before"
xt_wait_for "$XT_TMP/b.out" 'before'
is "$(bodies "$XT_TMP/b.out")" "before" "the pipe prints the room's message"

server stop
ok "the server stops" eval '! "$XT_SCRIPTS/test-server" status "$XT_SERVER_DIR"'
xt_wait_for "$XT_TMP/b.err" 'reconnect' 10
like "$(cat "$XT_TMP/b.err")" 'reconnect' "stderr: it says it reconnects"
ok "... and it keeps running" pipe_running b
# Read while the server is away: sent once the pipe is back in the room.
say b "written during the outage"
sleep 1
server resume
ok "the server is back" "$XT_SCRIPTS/test-server" status "$XT_SERVER_DIR"
# Most likely before the pipe is back (it waits to try again): then it
# comes as history on the rejoin.
alice_says "while away"
wait_nick carol "$r" bob 30 || diag "bob did not rejoin: $(cat "$XT_TMP/b.err")"
ok "the pipe rejoined the room" wait_nick carol "$r" bob 1
alice_says "after"
xt_wait_for "$XT_TMP/b.out" 'after' 15
is "$(bodies "$XT_TMP/b.out")" "before while away after" \
    "each message of the room once, in order, the one before the restart not again"
is "$(cut -f4 "$XT_TMP/b.out" | sed -n 1p)" "" "... the first one live, not history"

# What bob's pipe sent during the outage: in the room once.
pipe_bg h carol --nick reader --history 10 "$r"
xt_wait_for "$XT_TMP/h.out" '	after	' 15
xt_wait_for "$XT_TMP/h.out" 'written during the outage' 5
is "$(count "$XT_TMP/h.out" 'written during the outage')" 1 \
    "the line read during the outage was sent once it was back, once"
is "$(grep -F 'written during the outage' "$XT_TMP/h.out" | cut -f2)" bob "... by bob"
is "$(cut -f2,3 "$XT_TMP/h.out" | sort | uniq -d)" "" \
    "... and the room has no message twice (nothing sent again on the rejoin)"
pipe_eof h
pipe_wait h
say b "after the restart"
pipe_eof b
pipe_wait b
is "$bg_rc" 0 "EOF after all that: exit 0"
alice_says "check"
pipe_bg h2 carol --nick reader2 --history 20 "$r"
xt_wait_for "$XT_TMP/h2.out" '	check	' 15
is "$(count "$XT_TMP/h2.out" 'after the restart')" 1 "the last line before EOF was sent"
pipe_eof h2
pipe_wait h2

# ---- --retries ----

pipe_bg g bob --retries 1 "$r"
wait_nick carol "$r" bob || diag "bob did not join: $(cat "$XT_TMP/g.err")"
server stop
start=$(date +%s)
wait_gone g 20
pipe_wait g
is "$bg_rc" 69 "--retries 1 and the server stays away: exit 69"
ok "... within the backoff ($(( $(date +%s) - start )) s)" test $(( $(date +%s) - start )) -lt 15
