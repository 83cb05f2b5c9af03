# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck disable=SC2034,SC2119,SC2120  # results are for the sourcing test
# tests/lib.sh: helpers for the shell tests tests/NNNN-tool-topic.t.
# POSIX sh (dash) and bash. Source it first:
#
#   #!/bin/sh
#   . "$(dirname "$0")/lib.sh"
#   xt_server                    # a throwaway server: XT_* variables
#   plan 2
#   xt_recv_start bob "$XT_BOB_PW" "$XT_TMP/bob.jsonl"
#   xt_run xmpp-send --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
#       --jid "alice@$XT_DOMAIN" --password-file "$(xt_pwfile alice)" \
#       "bob@$XT_DOMAIN" <<EOF
#   hello
#   EOF
#   is_rc 0 "send exits 0"
#   xt_recv_wait "$XT_TMP/bob.jsonl" 1
#   is "$(jq -r .body "$XT_TMP/bob.jsonl")" hello "bob got it"
#
# Do not use `set -e` (a failing check would end the test) and do not set
# an EXIT trap of your own: register clean-ups with xt_at_exit. Feed
# stdin to xt_run with < FILE or a here-document, not a pipe (a pipe runs
# it in a subshell and the results are lost).
#
# TAP:    plan N | plan_skip_all WHY | done_testing, ok DESC CMD...,
#         pass DESC, fail DESC, is GOT WANT DESC, isnt GOT UNWANTED DESC,
#         like GOT ERE DESC, unlike GOT ERE DESC, is_rc WANT DESC,
#         skip N WHY, diag MSG, note MSG, bail_out WHY
# Running: run_bounded SECS CMD..., xt_run CMD... (sets xt_rc, xt_out,
#         xt_err; bounded by XT_RUN_TIMEOUT, default 30 s), xt_need_bin NAME
# Server: xt_server [--cert=expired|wrong-host] [--log=debug] [--limits],
#         xt_pwfile USER,
#         xt_recv_start USER PASSWORD OUTFILE [RECEIVER-OPTIONS...],
#         xt_recv_wait OUTFILE N [SECS], xt_recv_stop [OUTFILE],
#         xt_silent_port [--tls], xt_free_port, xt_port_open PORT,
#         xt_wait_for FILE ERE [SECS]
# Faults: xt_proxy_start [PORT], xt_proxy [SETTING...], xt_proxy_wait ERE
#         [SECS], xt_proxy_stop (scripts/fault-proxy)
#
# Environment: SERVER (prosody, the default, or ejabberd: the server
# xt_server starts; `make check SERVER=ejabberd` passes it on; a test
# tells them apart by XT_SERVER_KIND), XT_BIN (the tools, default cmd/
# of this tree, also put first in PATH), XT_SERVER_DIR (reuse the server
# running there, see scripts/test-server), XT_KEEP=1 (keep the temporary
# directory), XT_RUN_TIMEOUT.

# ---- paths ----

if [ -n "${BASH_SOURCE:-}" ]; then
	XT_TESTS=$(cd "$(dirname "$BASH_SOURCE")" && pwd -P)
else
	XT_TESTS=$(cd "$(dirname "$0")" && pwd -P)
fi
XT_ROOT=$(cd "$XT_TESTS/.." && pwd -P)
XT_BIN=${XT_BIN:-$XT_ROOT/cmd}
XT_SCRIPTS=$XT_ROOT/scripts
PATH=$XT_BIN:$PATH
export XT_BIN PATH
XT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/xt-test.XXXXXX") || {
	echo "1..0 # SKIP cannot create a temporary directory"
	exit 1
}
export XT_TMP
# What the clean-up removes: the directory made here, whatever XT_TMP
# has been set to since.
_xt_own_tmp=$XT_TMP

# ---- TAP ----

_xt_n=0
_xt_failed=0
_xt_planned=
_xt_cleanups=
_xt_own_server=
_xt_watchdog=
_xt_recvs=
_xt_silent=

plan() {
	_xt_planned=$1
	echo "1..$1"
}

plan_skip_all() {
	echo "1..0 # SKIP $*"
	_xt_planned=0
	exit 0
}

done_testing() {
	[ -n "$_xt_planned" ] || plan "$_xt_n"
}

# Lines of a value as TAP comments on stderr.
_xt_comment() {
	printf '%s\n' "$*" | sed 's/^/# /' >&2
}

diag() {
	_xt_comment "$*"
}

note() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

_xt_desc() {
	printf '%s' "$*" | tr '\n' ' ' | sed 's/#/\\#/g'
}

pass() {
	_xt_n=$((_xt_n + 1))
	echo "ok $_xt_n - $(_xt_desc "$*")"
	return 0
}

fail() {
	_xt_n=$((_xt_n + 1))
	_xt_failed=$((_xt_failed + 1))
	echo "not ok $_xt_n - $(_xt_desc "$*")"
	return 1
}

skip() {
	_xt_skip_i=0
	while [ "$_xt_skip_i" -lt "$1" ]; do
		_xt_n=$((_xt_n + 1))
		echo "ok $_xt_n # skip $2"
		_xt_skip_i=$((_xt_skip_i + 1))
	done
}

bail_out() {
	echo "Bail out! $*"
	exit 255
}

# ok DESC CMD...: passes when CMD exits 0.
ok() {
	_xt_ok_desc=$1
	shift
	if "$@"; then
		pass "$_xt_ok_desc"
	else
		_xt_ok_rc=$?
		fail "$_xt_ok_desc"
		diag "  command: $*" "(exit $_xt_ok_rc)"
		return 1
	fi
}

is() {
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		fail "$3"
		diag "         got: '$1'"
		diag "    expected: '$2'"
		return 1
	fi
}

isnt() {
	if [ "$1" != "$2" ]; then
		pass "$3"
	else
		fail "$3"
		diag "         got: '$1'"
		diag "    expected: anything else"
		return 1
	fi
}

like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		pass "$3"
	else
		fail "$3"
		diag "                  '$1'"
		diag "    doesn't match '$2'"
		return 1
	fi
}

unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		fail "$3"
		diag "                  '$1'"
		diag "          matches '$2'"
		return 1
	else
		pass "$3"
	fi
}

# is_rc WANT DESC: checks the exit status of the last xt_run, showing its
# stderr when it is not the one expected.
is_rc() {
	if [ "$xt_rc" = "$1" ]; then
		pass "$2"
	else
		fail "$2"
		diag "    exit status: $xt_rc, expected $1"
		[ -z "$xt_err" ] || diag "    stderr: $xt_err"
		return 1
	fi
}

# ---- running commands ----

# run_bounded SECS CMD...: CMD under timeout(1); 124 when it ran out of
# time (then it is killed, with its process group; KILL 2 s later).
run_bounded() {
	_xt_secs=$1
	shift
	timeout -k 2 "$_xt_secs" "$@"
}

# xt_kill_bounded SIG PID: send SIG to the command that timeout(1) PID
# runs (run_bounded, or timeout started in the background), not to
# timeout: a signal to timeout starts its -k countdown, and a tool that
# takes longer than that to leave (an ASan exit on a loaded machine)
# would be killed. PID itself when it runs nothing.
xt_kill_bounded() {
	_xt_kids=$(ps -o pid= --ppid "$2" 2>/dev/null)
	# shellcheck disable=SC2086
	kill -"$1" ${_xt_kids:-$2} 2>/dev/null
}

# xt_run CMD...: run CMD bounded, with stdout and stderr captured:
# xt_rc (status), xt_out and xt_err (contents, last newline removed),
# also in the files "$XT_TMP/out" and "$XT_TMP/err". stdin is the
# caller's (use < FILE or a here-document).
xt_run() {
	xt_rc=0
	run_bounded "${XT_RUN_TIMEOUT:-30}" "$@" >"$XT_TMP/out" 2>"$XT_TMP/err" ||
		xt_rc=$?
	xt_out=$(cat "$XT_TMP/out")
	xt_err=$(cat "$XT_TMP/err")
	if [ "$xt_rc" = 124 ]; then
		diag "timed out after ${XT_RUN_TIMEOUT:-30}s: $*"
	fi
	return 0
}

# xt_need_bin NAME...: skip the whole test unless the tools are built.
xt_need_bin() {
	for _xt_b in "$@"; do
		[ -x "$XT_BIN/$_xt_b" ] ||
			plan_skip_all "$_xt_b is not built (make)"
	done
}

# ---- clean-up ----

xt_at_exit() {
	_xt_cleanups="$_xt_cleanups
$*"
}

_xt_exit() {
	_xt_status=$?
	trap - EXIT
	set +e
	if [ -n "$_xt_cleanups" ]; then
		eval "$_xt_cleanups"
	fi
	xt_recv_stop
	for _xt_p in $_xt_silent; do
		kill "$_xt_p" 2>/dev/null
		wait "$_xt_p" 2>/dev/null
	done
	if [ -n "$_xt_own_server" ]; then
		"$XT_SCRIPTS/test-server" stop "$_xt_own_server"
	fi
	if [ -n "$_xt_watchdog" ]; then
		kill "$_xt_watchdog" 2>/dev/null
	fi
	if [ "${XT_KEEP:-0}" = 1 ]; then
		diag "kept $XT_TMP"
	else
		rm -rf "$_xt_own_tmp"
	fi
	if [ -z "$_xt_planned" ]; then
		plan "$_xt_n"
	elif [ "$_xt_planned" != "$_xt_n" ] && [ "$_xt_planned" != 0 ]; then
		diag "planned $_xt_planned tests but ran $_xt_n"
		exit 255
	fi
	if [ "$_xt_failed" -gt 0 ]; then
		[ "$_xt_failed" -lt 254 ] || _xt_failed=254
		exit "$_xt_failed"
	fi
	exit "$_xt_status"
}
trap _xt_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the test server ----

# xt_server [--cert=expired|wrong-host] [--log=debug] [--limits]: make
# sure a test server is running (Prosody, or ejabberd when SERVER is
# ejabberd) and its XT_* variables are set (see scripts/test-server).
# Reuses the one in $XT_SERVER_DIR when that is alive and no option is
# given, else starts one in XT_TMP, stopped at exit. --limits: a server
# of its own with Debian's default rate limits, never the shared one.
# Fails the test if it cannot. XT_SERVER_KIND: prosody or ejabberd. Its
# log: $XT_SERVER_LOG (DIR/prosody.log or DIR/ejabberd.log; with
# --log=debug it has the traffic, e.g. <auth mechanism='...'>).
xt_server() {
	if [ $# = 0 ] && [ -n "${XT_SERVER_DIR:-}" ] &&
		"$XT_SCRIPTS/test-server" status "$XT_SERVER_DIR"; then
		eval "$("$XT_SCRIPTS/test-server" env "$XT_SERVER_DIR")"
		return 0
	fi
	_xt_dir=$XT_TMP/server
	if ! _xt_vars=$("$XT_SCRIPTS/test-server" start "$@" "$_xt_dir" 2>"$XT_TMP/server.err"); then
		fail "test server starts"
		diag "$(cat "$XT_TMP/server.err")"
		exit 1
	fi
	_xt_own_server=$_xt_dir
	eval "$_xt_vars"
	# Should this shell be killed without running its EXIT trap, stop
	# the server anyway.
	(
		trap '' HUP INT
		trap 'exit 0' TERM
		while kill -0 $$ 2>/dev/null; do sleep 1 & wait $!; done
		"$XT_SCRIPTS/test-server" stop "$_xt_dir"
		rm -rf "$_xt_own_tmp"
	) </dev/null >/dev/null 2>&1 &
	_xt_watchdog=$!
}

# xt_pwfile USER: path of a 0600 file holding USER's password.
xt_pwfile() {
	case $1 in
	alice) _xt_pw=$XT_ALICE_PW ;;
	bob) _xt_pw=$XT_BOB_PW ;;
	carol) _xt_pw=$XT_CAROL_PW ;;
	*) diag "xt_pwfile: unknown user '$1'"; return 1 ;;
	esac
	(umask 077 && printf '%s\n' "$_xt_pw" >"$XT_TMP/$1.pw")
	printf '%s\n' "$XT_TMP/$1.pw"
}

# ---- receiving messages: scripts/test-receiver ----

# xt_recv_start USER PASSWORD OUTFILE [OPTIONS...]: log USER (or a full
# JID) in with an independent client and append each message it gets
# to OUTFILE as one JSON line; returns once it is online. OPTIONS go to
# scripts/test-receiver (--tls direct, --join ROOM@SERVICE/NICK).
xt_recv_start() {
	_xt_user=$1
	_xt_pass=$2
	_xt_outf=$3
	shift 3
	case $_xt_user in *@*) ;; *) _xt_user=$_xt_user@$XT_DOMAIN ;; esac
	_xt_port=$XT_PORT
	case " $* " in
	*" --tls direct "* | *" --tls=direct "*) _xt_port=$XT_TLS_PORT ;;
	esac
	(umask 077 && printf '%s\n' "$_xt_pass" >"$_xt_outf.pw")
	rm -f "$_xt_outf.ready"
	: >>"$_xt_outf"
	"$XT_SCRIPTS/test-receiver" --jid "$_xt_user" \
		--password-file "$_xt_outf.pw" --server "127.0.0.1:$_xt_port" \
		--cafile "$XT_CAFILE" --out "$_xt_outf" --ready "$_xt_outf.ready" \
		"$@" </dev/null >"$_xt_outf.log" 2>&1 &
	_xt_rpid=$!
	echo "$_xt_rpid" >"$_xt_outf.pid"
	_xt_recvs="$_xt_recvs $_xt_rpid"
	_xt_i=0
	while [ ! -e "$_xt_outf.ready" ]; do
		if ! kill -0 "$_xt_rpid" 2>/dev/null || [ "$_xt_i" -ge 750 ]; then
			diag "receiver for $_xt_user did not get online:"
			diag "$(cat "$_xt_outf.log")"
			return 1
		fi
		sleep 0.02
		_xt_i=$((_xt_i + 1))
	done
	return 0
}

# xt_recv_wait OUTFILE N [SECS]: wait until OUTFILE has N lines (default
# 10 s); 1 if it does not.
xt_recv_wait() {
	_xt_limit=$(( ${3:-10} * 50 ))
	_xt_i=0
	while [ "$(wc -l <"$1" 2>/dev/null || echo 0)" -lt "$2" ]; do
		[ "$_xt_i" -lt "$_xt_limit" ] || return 1
		sleep 0.02
		_xt_i=$((_xt_i + 1))
	done
	return 0
}

# xt_recv_stop [OUTFILE]: stop that receiver, or all of them.
xt_recv_stop() {
	if [ $# -gt 0 ]; then
		_xt_stop=$(cat "$1.pid" 2>/dev/null)
	else
		_xt_stop=$_xt_recvs
	fi
	for _xt_p in $_xt_stop; do
		kill "$_xt_p" 2>/dev/null
		wait "$_xt_p" 2>/dev/null
	done
	return 0
}

# ---- ports ----

# xt_free_port: a 127.0.0.1 port nothing listens on (connecting to it
# is refused).
xt_free_port() {
	/usr/bin/python3 -S -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# xt_silent_port [--tls]: sets XT_SILENT_PORT to a port that accepts
# connections and never answers (with --tls: after a TLS handshake with
# the test server's certificate). Stopped at exit.
xt_silent_port() {
	_xt_pf=$XT_TMP/silent.$$.$_xt_n.port
	rm -f "$_xt_pf"
	if [ "${1:-}" = --tls ]; then
		"$XT_SCRIPTS/silent-listener" "$_xt_pf" \
			--tls-cert "$XT_SERVER_CERT" \
			--tls-key "$(dirname "$XT_SERVER_CERT")/server.key" \
			</dev/null >/dev/null 2>&1 &
	else
		"$XT_SCRIPTS/silent-listener" "$_xt_pf" </dev/null >/dev/null 2>&1 &
	fi
	_xt_spid=$!
	_xt_silent="$_xt_silent $_xt_spid"
	_xt_port_file "$_xt_pf" "$_xt_spid" "silent-listener did not start" ||
		return 1
	XT_SILENT_PORT=$(cat "$_xt_pf")
}

# _xt_port_file FILE PID WHY: until the server PID has written its port
# to FILE (5 s at most); else, or if PID died, WHY as a diagnostic and 1.
_xt_port_file() {
	_xt_i=0
	while [ ! -s "$1" ]; do
		if ! kill -0 "$2" 2>/dev/null || [ "$_xt_i" -ge 250 ]; then
			diag "$3"
			return 1
		fi
		sleep 0.02
		_xt_i=$((_xt_i + 1))
	done
}

# xt_wait_for FILE ERE [SECS]: until a line of FILE matches ERE (default
# 10 s); 1 if none does in time.
xt_wait_for() {
	_xt_limit=$(( ${3:-10} * 50 ))
	_xt_i=0
	until grep -Eq -- "$2" "$1" 2>/dev/null; do
		[ "$_xt_i" -lt "$_xt_limit" ] || return 1
		sleep 0.02
		_xt_i=$((_xt_i + 1))
	done
}

# xt_port_open PORT: 0 if something accepts connections on 127.0.0.1:PORT.
xt_port_open() {
	/usr/bin/python3 -S -c '
import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2).close()
except OSError:
    sys.exit(1)' "$1"
}

# ---- faults in the stream: scripts/fault-proxy ----

# xt_proxy_start [PORT]: a fault-proxy in front of 127.0.0.1:PORT (default
# $XT_PORT), forwarding as is; sets XT_PROXY_PORT and XT_PROXY_LOG (each
# connection and each fault fired, one line). Stopped at exit.
xt_proxy_start() {
	_xt_pdir=$XT_TMP/proxy.$$.$_xt_n
	mkdir -p "$_xt_pdir"
	_xt_pseq=0
	: >"$_xt_pdir/control"
	XT_PROXY_LOG=$_xt_pdir/log
	"$XT_SCRIPTS/fault-proxy" "$_xt_pdir/port" "127.0.0.1:${1:-$XT_PORT}" \
		"$_xt_pdir/control" </dev/null >/dev/null 2>"$XT_PROXY_LOG" &
	XT_PROXY_PID=$!
	xt_at_exit "kill $XT_PROXY_PID 2>/dev/null"
	_xt_port_file "$_xt_pdir/port" "$XT_PROXY_PID" \
	    "fault-proxy did not start: $(cat "$XT_PROXY_LOG")" || return 1
	XT_PROXY_PORT=$(cat "$_xt_pdir/port")
}

# xt_proxy [SETTING...]: replace the proxy's settings, one line of its
# CONTROL each ("c2s trickle 0.001", "both stall", "s2c cut 0 rst"; none:
# pass everything); returns once they are in force, 1 if not within 5 s.
xt_proxy() {
	_xt_pseq=$((_xt_pseq + 1))
	{
		echo "seq $_xt_pseq"
		for _xt_l in "$@"; do echo "$_xt_l"; done
	} >"$_xt_pdir/control.tmp"
	mv "$_xt_pdir/control.tmp" "$_xt_pdir/control"
	_xt_i=0
	while [ "$(cat "$_xt_pdir/control.ack" 2>/dev/null)" != "$_xt_pseq" ]; do
		if [ "$_xt_i" -ge 250 ]; then
			diag "fault-proxy did not take the settings: $*"
			return 1
		fi
		sleep 0.02
		_xt_i=$((_xt_i + 1))
	done
}

# xt_proxy_wait ERE [SECS]: until a line of the proxy's log matches ERE
# (default 10 s); 1 if none does in time.
xt_proxy_wait() {
	xt_wait_for "$XT_PROXY_LOG" "$@"
}

xt_proxy_stop() {
	kill "$XT_PROXY_PID" 2>/dev/null
	wait "$XT_PROXY_PID" 2>/dev/null
	return 0
}
