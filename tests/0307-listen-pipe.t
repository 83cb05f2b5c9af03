#!/bin/bash
# xmpp-listen in a pipeline: `| head -1` ends it quietly with status 0,
# each stanza is written as it arrives, SIGINT and SIGTERM say goodbye
# (unavailable presence, end of stream) and exit 0; a failed write to
# standard output is an I/O error. bash: PIPESTATUS.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-listen xmpp-send
xt_server
plan 23

# A private HOME so no real configuration is ever read.
export HOME=$XT_TMP/home XDG_CONFIG_HOME=$XT_TMP/home/.config
mkdir -p "$XDG_CONFIG_HOME"
unset XMPP_JID XMPP_PASSWORD XMPP_CONFIG CREDENTIALS_DIRECTORY
for u in alice bob carol; do xt_pwfile $u >/dev/null; done
py=/usr/bin/python3

# send USER ARGS...: xmpp-send as USER, bounded; stdin is the caller's.
send() {
	_u=$1
	shift
	run_bounded 30 xmpp-send --server "127.0.0.1:$XT_PORT" \
	    --cafile "$XT_CAFILE" --jid "$_u@$XT_DOMAIN" \
	    --password-file "$XT_TMP/$_u.pw" "$@"
}

# listen USER ARGS...: xmpp-listen as USER in the foreground, by xt_run.
listen() {
	_u=$1
	shift
	xt_run xmpp-listen --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "$_u@$XT_DOMAIN" --password-file "$XT_TMP/$_u.pw" "$@"
}

# listen_bg NAME USER ARGS...: xmpp-listen as USER/NAME in the background
# (stdout NAME.out, stderr NAME.err in XT_TMP, pid in NAME.pid and
# $bg_pid); returns once it answers a ping from $pinger (default carol),
# 1 if it does not.
listen_bg() {
	_n=$1
	_u=$2
	shift 2
	# timeout(1) itself, not run_bounded: $! must be its pid, and it
	# hands a SIGTERM or SIGINT on to xmpp-listen.
	timeout -k 2 "${bg_limit:-60}" xmpp-listen --server "127.0.0.1:$XT_PORT" \
	    --cafile "$XT_CAFILE" --jid "$_u@$XT_DOMAIN" \
	    --password-file "$XT_TMP/$_u.pw" --resource "$_n" "$@" \
	    </dev/null >"$XT_TMP/$_n.out" 2>"$XT_TMP/$_n.err" &
	bg_pid=$!
	echo "$bg_pid" >"$XT_TMP/$_n.pid"
	xt_at_exit "kill $bg_pid 2>/dev/null"
	ready "$_u@$XT_DOMAIN/$_n" "$bg_pid"
}

# ready FULLJID PID: ping FULLJID (an iq get with id ready-N) until it
# answers; 1 if it does not within about 15 s or PID ends first.
ready() {
	_i=0
	while [ "$_i" -lt 50 ]; do
		printf '<iq type="get" to="%s" id="ready-%s"><ping xmlns="urn:xmpp:ping"/></iq>\n' \
		    "$1" "$_i" | send "${pinger:-carol}" --raw -w 5 \
		    >/dev/null 2>&1 && return 0
		kill -0 "$2" 2>/dev/null || break
		sleep 0.2
		_i=$((_i + 1))
	done
	diag "xmpp-listen as $1 did not answer a ping:"
	diag "$(cat "$XT_TMP/${1##*/}.err" 2>/dev/null)"
	return 1
}

# wait_bg NAME: wait until that listener ends; its exit status in bg_rc.
wait_bg() {
	wait "$(cat "$XT_TMP/$1.pid")"
	bg_rc=$?
}

# stop_bg NAME [SIGNAL]: send SIGNAL (default TERM) to that listener and
# wait until it ends; its exit status in bg_rc.
stop_bg() {
	kill -"${2:-TERM}" "$(cat "$XT_TMP/$1.pid")" 2>/dev/null
	wait_bg "$1"
}

# wait_for FILE ERE [SECS]: until a line of FILE matches ERE (default
# 10 s); 1 if none does in time.
wait_for() {
	_lim=$(( ${3:-10} * 50 ))
	_i=0
	until grep -Eq -- "$2" "$1" 2>/dev/null; do
		[ "$_i" -lt "$_lim" ] || return 1
		sleep 0.02
		_i=$((_i + 1))
	done
}

now_ms() {
	date +%s%3N
}


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
