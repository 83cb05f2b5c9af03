# SPDX-License-Identifier: GPL-3.0-or-later
# tests/listen.sh: what the xmpp-listen tests share, sourced after lib.sh
# and xt_server: a private HOME, password files for alice, bob and carol,
# and helpers to run xmpp-send and xmpp-listen as them.

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
	# timeout(1) itself, not run_bounded: $! must be its pid (stop_bg
	# signals its child, xmpp-listen).
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
	xt_kill_bounded "${2:-TERM}" "$(cat "$XT_TMP/$1.pid")"
	wait_bg "$1"
}

# wait_for FILE ERE [SECS]: until a line of FILE matches ERE (default
# 10 s); 1 if none does in time.
wait_for() {
	xt_wait_for "$@"
}

now_ms() {
	date +%s%3N
}
