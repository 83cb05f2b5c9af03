#!/bin/sh
# xmpp-listen through a server that goes away: a restart (the stream
# ends, connections are refused, then it is back on the same ports) and
# a dead link (the server stops answering): it says so on stderr,
# reconnects and keeps printing, each message once; --retries gives up;
# -w still ends the run.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-listen xmpp-send
# This test stops its server: never a shared one.
unset XT_SERVER_DIR
xt_server
plan 34

. "$XT_TESTS/listen.sh"

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
port=$XT_PORT

# ---- a restart ----

bg_limit=90 listen_bg r bob -o text --keepalive 1 --type chat \
    --from "alice@$XT_DOMAIN/r" || bail_out "xmpp-listen did not start"
send alice --resource r -m before "bob@$XT_DOMAIN" </dev/null
wait_for "$XT_TMP/r.out" before
server stop
ok "the server stops" eval '! "$XT_SCRIPTS/test-server" status "$XT_SERVER_DIR"'
wait_for "$XT_TMP/r.err" 'reconnecting' 10
like "$(sed -n 1p "$XT_TMP/r.err")" \
    "^xmpp-listen: stream error from '$XT_DOMAIN': system-shutdown.*; reconnecting\$" \
    "stderr: why the stream ended, and that it reconnects"
sleep 1.5
server resume
ok "the server is back" "$XT_SCRIPTS/test-server" status "$XT_SERVER_DIR"
is "$(eval "$(cat "$XT_TMP/server.out")"; echo "$XT_PORT")" "$port" "... on the same port"
# Sent while the listener waits to try again: kept by the server.
send alice --resource r -m 'while away' "bob@$XT_DOMAIN" </dev/null
ok "a message sent while it is away" test $? = 0
wait_for "$XT_TMP/r.err" "reconnected as 'bob@$XT_DOMAIN/r'" 30
like "$(cat "$XT_TMP/r.err")" "connection refused; reconnecting" \
    "stderr: each failed attempt"
like "$(cat "$XT_TMP/r.err")" "reconnected as 'bob@$XT_DOMAIN/r'" \
    "stderr: reconnected, with the same resource"
send alice --resource r -m after "bob@$XT_DOMAIN" </dev/null
wait_for "$XT_TMP/r.out" after
is "$(cut -f4 "$XT_TMP/r.out" | tr '\n' ' ')" "before while away after " \
    "it keeps printing: each message once, in order"

# ---- a dead link: the server freezes ----

spid=$(cat "$XT_SERVER_DIR/server.pid")
kill -STOP "$spid"
xt_at_exit "kill -CONT $spid 2>/dev/null"
start=$(now_ms)
wait_for "$XT_TMP/r.err" "no answer from '$XT_DOMAIN' within 1 s; reconnecting" 10
took=$(( $(now_ms) - start ))
like "$(cat "$XT_TMP/r.err")" "no answer from '$XT_DOMAIN' within 1 s; reconnecting" \
    "--keepalive 1: a server that stops answering is noticed"
ok "... within two intervals and a bit (${took} ms)" test "$took" -le 3500
sleep 1
kill -CONT "$spid"
n=$(grep -c "reconnected as" "$XT_TMP/r.err")
wait_for "$XT_TMP/r.err" "reconnected as.*" 30
i=0
while [ "$(grep -c "reconnected as" "$XT_TMP/r.err")" -le "$n" ] && [ $i -lt 1500 ]; do
	sleep 0.02
	i=$((i + 1))
done
ok "reconnected after the freeze" test "$(grep -c "reconnected as" "$XT_TMP/r.err")" -gt "$n"
send alice --resource r -m 'after the freeze' "bob@$XT_DOMAIN" </dev/null
wait_for "$XT_TMP/r.out" 'after the freeze'
is "$(cut -f4 "$XT_TMP/r.out" | tr '\n' ' ')" "before while away after after the freeze " \
    "it keeps printing, each message once"
stop_bg r
is "$bg_rc" 0 "SIGTERM after all that: exit 0"

# ---- --retries: giving up ----

listen_bg give bob -o text --keepalive 1 --retries 2 --type chat ||
    bail_out "xmpp-listen did not start"
start=$(now_ms)
server stop
wait_bg give
took=$(( $(now_ms) - start ))
is "$bg_rc" 69 "--retries 2 and the server stays away: 69"
is "$(grep -c . "$XT_TMP/give.err").$(grep -c 'refused; reconnecting$' "$XT_TMP/give.err")" 3.1 \
    "... the end of the stream and two failed attempts: three lines"
like "$(tail -n 1 "$XT_TMP/give.err")" \
    "^xmpp-listen: cannot connect to '$XT_DOMAIN' at 127.0.0.1:$port: connection refused\$" \
    "... then the last error alone"
ok "... after the backoff, 1 + 2 s (${took} ms)" test "$took" -ge 2500 -a "$took" -lt 10000

# ---- the first login is not retried ----

listen bob --type chat -w 5 </dev/null
is_rc 69 "server down at the start: 69 at once"
like "$xt_err" "^xmpp-listen: cannot connect to '$XT_DOMAIN' at 127.0.0.1:$port: connection refused\$" \
    "... with the reason"

# ---- -w ends the run while it reconnects ----


server resume
# Bounded, and its stderr cut short: it must not spin, but if it does,
# the test must not fill the disk.
{
	timeout -k 2 14 xmpp-listen --server "127.0.0.1:$XT_PORT" \
	    --cafile "$XT_CAFILE" --jid "bob@$XT_DOMAIN" \
	    --password-file "$XT_TMP/bob.pw" --resource w -o text \
	    --keepalive 1 --type chat -w 8 2>&1 >"$XT_TMP/w.out" </dev/null
	echo $? >"$XT_TMP/w.rc"
} | head -n 50 >"$XT_TMP/w.err" &
ready "bob@$XT_DOMAIN/w" $! || bail_out "xmpp-listen did not start"
start=$(now_ms)
server stop
i=0
while [ ! -s "$XT_TMP/w.rc" ] && [ $i -lt 1000 ]; do
	sleep 0.02
	i=$((i + 1))
done
took=$(( $(now_ms) - start ))
is "$(cat "$XT_TMP/w.rc")" 75 \
    "-w 8 (room to log in under a loaded machine), server gone, nothing matched: 75 at the end of -w"
ok "... on time (${took} ms)" test "$took" -lt 10000
like "$(tail -n 1 "$XT_TMP/w.err")" '^xmpp-listen: 0 matching stanzas within 8 s$' \
    "... and says so"
ok "... trying again with backoff, not in a loop ($(wc -l <"$XT_TMP/w.err") lines on stderr)" \
    test "$(wc -l <"$XT_TMP/w.err")" -lt 10

# ---- a resource conflict is not fought over ----

# RFC 6120 4.9.3.3: a second session with the same resource replaces
# the first, which gets a "conflict" stream error. Reconnecting would
# replace the other in turn, forever.
server resume
{
	timeout -k 2 20 xmpp-listen --server "127.0.0.1:$XT_PORT" \
	    --cafile "$XT_CAFILE" --jid "bob@$XT_DOMAIN" \
	    --password-file "$XT_TMP/bob.pw" --resource same --type chat \
	    >/dev/null 2>"$XT_TMP/c1.err" </dev/null
	echo $? >"$XT_TMP/c1.rc"
} &
ready "bob@$XT_DOMAIN/same" $! || bail_out "xmpp-listen did not start"
listen bob --resource same --type chat -w 2 </dev/null
i=0
while [ ! -s "$XT_TMP/c1.rc" ] && [ $i -lt 500 ]; do
	sleep 0.02
	i=$((i + 1))
done
is "$(cat "$XT_TMP/c1.rc")" 69 "the session replaced by another with its resource: 69"
like "$(cat "$XT_TMP/c1.err")" "stream error from 'xt.test': conflict" "... naming the conflict"
unlike "$(cat "$XT_TMP/c1.err")" "reconnecting" "... without reconnecting"

# ---- a signal while it logs in again ----

# The server frozen: the keepalive gives the link up, the new login is
# connected (the kernel accepts for a stopped server) and then waits for
# the stream header, 30 s by default. A SIGTERM ends it there, at once.
listen_bg relog bob -v --keepalive 1 --type chat || bail_out "xmpp-listen did not start"
spid=$(cat "$XT_SERVER_DIR/server.pid")
kill -STOP "$spid"
wait_for "$XT_TMP/relog.err" "reconnecting" 15
i=0
until [ "$(grep -c 'connected to ' "$XT_TMP/relog.err")" -ge 2 ] || [ $i -ge 500 ]; do
	sleep 0.02
	i=$((i + 1))
done
ok "the server frozen: a new login is under way" \
    test "$(grep -c 'connected to ' "$XT_TMP/relog.err")" -ge 2
start=$(now_ms)
stop_bg relog
took=$(( $(now_ms) - start ))
kill -CONT "$spid"
is "$bg_rc" 0 "SIGTERM during a login: exit 0"
ok "... at once, not when the login would time out (${took} ms)" test "$took" -lt 5000
unlike "$(tail -n 1 "$XT_TMP/relog.err")" "^xmpp-listen: (interrupted|timed out)" "... and no error"

# ---- a signal while it waits to reconnect ----

listen_bg term bob --keepalive 1 --type chat || bail_out "xmpp-listen did not start"
server stop
wait_for "$XT_TMP/term.err" 'refused; reconnecting$' 15
ok "the server is gone: it waits to try again" \
    grep -q 'refused; reconnecting$' "$XT_TMP/term.err"
start=$(now_ms)
stop_bg term
took=$(( $(now_ms) - start ))
is "$bg_rc" 0 "SIGTERM during the backoff: exit 0, as at any other time"
ok "... at once, without another attempt (${took} ms)" test "$took" -lt 1500
like "$(tail -n 1 "$XT_TMP/term.err")" '; reconnecting$' "... and no error after the last attempt"
