#!/bin/bash
# xmpp-listen in a pipeline: `| head -1` ends it quietly with status 0,
# each stanza is written as it arrives, SIGINT and SIGTERM say goodbye
# (unavailable presence, end of stream) and exit 0; a failed write to
# standard output is an I/O error. bash: PIPESTATUS.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-listen xmpp-send
xt_server
plan 23

. "$XT_TESTS/listen.sh"


# listen_pipe NAME USER ARGS... | CONSUMER: like listen_bg, but stdout
# is this function's; statuses in NAME.ps (PIPESTATUS) when it ends.
conn() {
	printf '%s\n' --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "$1@$XT_DOMAIN" --password-file "$XT_TMP/$1.pw"
}
mapfile -t bob < <(conn bob)

# ---- | head -1 ----

(
	timeout -k 2 30 xmpp-listen "${bob[@]}" --resource h1 --type chat \
	    --from "alice@$XT_DOMAIN/h" -w 25 2>"$XT_TMP/h1.err" </dev/null |
	    head -n 1 >"$XT_TMP/h1.out"
	echo "${PIPESTATUS[*]}" >"$XT_TMP/h1.ps"
) >/dev/null &
ready "bob@$XT_DOMAIN/h1" $! || bail_out "xmpp-listen did not start"
start=$(now_ms)
send alice --resource h -m 'first' "bob@$XT_DOMAIN/h1" </dev/null
wait_for "$XT_TMP/h1.ps" . 20
took=$(( $(now_ms) - start ))
is "$(cat "$XT_TMP/h1.ps")" "0 0" "| head -1: xmpp-listen exits 0"
like "$(cat "$XT_TMP/h1.out")" '^<message .*<body>first</body>' "... after head got its line"
is "$(cat "$XT_TMP/h1.err")" "" "... quietly"
ok "... at once, without waiting for another stanza or -w 25 (${took} ms)" \
    test "$took" -lt 8000

# The reader goes away before anything was written.
(
	timeout -k 2 30 xmpp-listen "${bob[@]}" --resource h2 --type chat \
	    -w 25 2>"$XT_TMP/h2.err" </dev/null | true
	echo "${PIPESTATUS[*]}" >"$XT_TMP/h2.ps"
) >/dev/null &
start=$(now_ms)
wait_for "$XT_TMP/h2.ps" . 20
took=$(( $(now_ms) - start ))
is "$(cat "$XT_TMP/h2.ps")" "0 0" "| true: a reader that is gone before the first stanza: exit 0"
is "$(cat "$XT_TMP/h2.err")" "" "... quietly"
ok "... soon, not at -w 25 (${took} ms)" test "$took" -lt 8000

# Through head -n 2 with -o json: the lines are whole.
(
	timeout -k 2 30 xmpp-listen "${bob[@]}" --resource h3 -o json --type chat \
	    -w 25 2>"$XT_TMP/h3.err" </dev/null | head -n 2 >"$XT_TMP/h3.out"
	echo "${PIPESTATUS[*]}" >"$XT_TMP/h3.ps"
) >/dev/null &
ready "bob@$XT_DOMAIN/h3" $! || bail_out "xmpp-listen did not start"
printf 'one\ntwo\nthree\n' | send alice --lines "bob@$XT_DOMAIN/h3"
wait_for "$XT_TMP/h3.ps" . 20
is "$(cat "$XT_TMP/h3.ps")" "0 0" "-o json | head -n 2: exit 0"
is "$($py -S -c '
import json, sys
print(" ".join(json.loads(l)["body"] for l in open(sys.argv[1])))' "$XT_TMP/h3.out")" \
    "one two" "... two whole JSON lines"

# ---- each stanza written as it arrives, through a pipe ----

(
	timeout -k 2 30 xmpp-listen "${bob[@]}" --resource fl -o text --type chat \
	    -c 2 -w 25 2>"$XT_TMP/fl.err" </dev/null |
	    while IFS= read -r line; do
		printf '%s\n' "$line" >>"$XT_TMP/fl.out"
	    done
) >/dev/null &
flpid=$!
ready "bob@$XT_DOMAIN/fl" $flpid || bail_out "xmpp-listen did not start"
send alice -m 'flushed' "bob@$XT_DOMAIN/fl" </dev/null
wait_for "$XT_TMP/fl.out" 'flushed' 10
like "$(cat "$XT_TMP/fl.out" 2>/dev/null)" '	flushed$' \
    "stdout a pipe: the line reaches the reader while xmpp-listen goes on"
ok "... which is still running" kill -0 "$flpid"
send alice -m 'second' "bob@$XT_DOMAIN/fl" </dev/null
wait_for "$XT_TMP/fl.out" 'second' 10
is "$(cut -f4 "$XT_TMP/fl.out" | tr '\n' ' ')" "flushed second " "... and the next one"
wait "$flpid"

# ---- signals ----

listen_bg watch bob -o text --type presence --from "bob@$XT_DOMAIN/sigterm" \
    --from "bob@$XT_DOMAIN/sigint" || bail_out "xmpp-listen did not start"
listen_bg sigterm bob -vv --type chat -w 30 || bail_out "xmpp-listen did not start"
wait_for "$XT_TMP/watch.out" "sigterm	available"
stop_bg sigterm TERM
is "$bg_rc" 0 "SIGTERM: exit 0 (even with -w and nothing matched)"
like "$(cat "$XT_TMP/sigterm.err")" 'SENT: <presence [^>]*type="unavailable"' \
    "SIGTERM: it sends unavailable presence (-vv)"
like "$(cat "$XT_TMP/sigterm.err")" 'SENT: </stream:stream>' "... and closes the stream"
unlike "$(cat "$XT_TMP/sigterm.err")" 'matching stanzas within' "... no timeout message"
wait_for "$XT_TMP/watch.out" "sigterm	unavailable"
like "$(cat "$XT_TMP/watch.out")" "bob@$XT_DOMAIN/sigterm	unavailable	" \
    "its other resources see it go"

listen_bg sigint bob -vv -o text --type chat || bail_out "xmpp-listen did not start"
wait_for "$XT_TMP/watch.out" "sigint	available"
stop_bg sigint INT
is "$bg_rc" 0 "SIGINT: exit 0"
like "$(cat "$XT_TMP/sigint.err")" 'SENT: <presence [^>]*type="unavailable"' \
    "SIGINT: it sends unavailable presence"
wait_for "$XT_TMP/watch.out" "sigint	unavailable"
like "$(cat "$XT_TMP/watch.out")" "bob@$XT_DOMAIN/sigint	unavailable	" \
    "its other resources see it go"
stop_bg watch

# SIGTERM to xmpp-listen alone (timeout --foreground passes it on to
# its child only) while --exec runs a command: the command finishes.
timeout --foreground -k 2 30 xmpp-listen "${bob[@]}" --resource ex --type chat \
    -x "echo started >'$XT_TMP/ex.started'; sleep 1; echo done >>'$XT_TMP/ex.done'" \
    </dev/null >"$XT_TMP/ex.out" 2>"$XT_TMP/ex.err" &
echo $! >"$XT_TMP/ex.pid"
xt_at_exit "kill $! 2>/dev/null"
ready "bob@$XT_DOMAIN/ex" $! || bail_out "xmpp-listen did not start"
send alice -m 'run it' "bob@$XT_DOMAIN/ex" </dev/null
wait_for "$XT_TMP/ex.started" started
stop_bg ex TERM
is "$bg_rc.$(cat "$XT_TMP/ex.done" 2>/dev/null)" "0.done" \
    "SIGTERM during --exec: the running command completes, exit 0"

# ---- a write that fails ----

timeout -k 2 30 xmpp-listen "${bob[@]}" --resource full -w 10 </dev/null \
    >/dev/full 2>"$XT_TMP/full.err"
rc=$?
is "$rc" 74 "stdout on a full disk (/dev/full): 74, an I/O error"
like "$(cat "$XT_TMP/full.err")" \
    "^xmpp-listen: cannot write to standard output: no space left on device\$" \
    "... with the reason"
