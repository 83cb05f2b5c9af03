# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck disable=SC2034  # results are for the sourcing test
# tests/muc.sh: what the xmpp-muc tests share, sourced after lib.sh and
# xt_server: a private HOME, password files for alice, bob and carol,
# room names of their own, and helpers to run xmpp-muc as them, once
# (muc, muc_in) or as a pipe in the background fed through a FIFO
# (pipe_bg, say, pipe_eof, pipe_wait, pipe_stop).
#
#   r=$(room talk)
#   muc alice create --persistent "$r"
#   pipe_bg b bob "$r"                # bob's pipe in the background
#   say b "hello"                      # one line to it
#   xt_wait_for "$XT_TMP/a.out" '	bob	hello$'
#   pipe_eof b; pipe_wait b            # EOF: it leaves, status in bg_rc

# A private HOME so no real configuration is ever read.
export HOME=$XT_TMP/home XDG_CONFIG_HOME=$XT_TMP/home/.config
mkdir -p "$XDG_CONFIG_HOME"
unset XMPP_JID XMPP_PASSWORD XMPP_CONFIG CREDENTIALS_DIRECTORY
for _u in alice bob carol; do xt_pwfile $_u >/dev/null; done
alice=alice@$XT_DOMAIN
bob=bob@$XT_DOMAIN
carol=carol@$XT_DOMAIN

# room NAME: a room JID of this test file and run (a server may be
# shared, and keeps its persistent rooms): NAME-NNNN-PID-RANDOM@MUC.
_muc_tag=$(basename "$0" | cut -c1-4)-$$-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
room() {
	printf '%s-%s@%s\n' "$1" "$_muc_tag" "$XT_MUC"
}

# An ISO 8601 UTC time as the text output writes it.
time_re='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z'

# muc USER ARGS...: xmpp-muc as USER by xt_run, stdin /dev/null.
muc() {
	_u=$1
	shift
	xt_run xmpp-muc --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "$_u@$XT_DOMAIN" --password-file "$XT_TMP/$_u.pw" "$@" \
	    </dev/null
}

# muc_in FILE USER ARGS...: the same with stdin from FILE.
muc_in() {
	_f=$1
	_u=$2
	shift 2
	xt_run xmpp-muc --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "$_u@$XT_DOMAIN" --password-file "$XT_TMP/$_u.pw" "$@" \
	    <"$_f"
}

# pipe_bg NAME USER ARGS...: `xmpp-muc ARGS` as USER in the background,
# its stdin the FIFO $XT_TMP/NAME.in, held open for writing by a process
# of its own (so no other child of this shell holds it, and EOF comes
# when pipe_eof ends that one); stdout NAME.out, stderr NAME.err, the
# pid of timeout(1) in NAME.pid and $bg_pid. Bounded by $bg_limit
# seconds (default 60). Returns at once: the join is not waited for (see
# wait_nick).
pipe_bg() {
	_n=$1
	_u=$2
	shift 2
	rm -f "$XT_TMP/$_n.in"
	mkfifo "$XT_TMP/$_n.in"
	: >"$XT_TMP/$_n.out"
	: >"$XT_TMP/$_n.err"
	# timeout(1) itself, not run_bounded: $! must be its pid
	# (xt_kill_bounded signals its child, xmpp-muc).
	timeout -k 2 "${bg_limit:-60}" xmpp-muc --server "127.0.0.1:$XT_PORT" \
	    --cafile "$XT_CAFILE" --jid "$_u@$XT_DOMAIN" \
	    --password-file "$XT_TMP/$_u.pw" "$@" \
	    <"$XT_TMP/$_n.in" >"$XT_TMP/$_n.out" 2>"$XT_TMP/$_n.err" &
	bg_pid=$!
	echo "$bg_pid" >"$XT_TMP/$_n.pid"
	xt_at_exit "kill $bg_pid 2>/dev/null"
	# The writer that keeps the FIFO open until pipe_eof.
	sleep "${bg_limit:-60}" >"$XT_TMP/$_n.in" </dev/null &
	echo $! >"$XT_TMP/$_n.holder"
	xt_at_exit "kill $! 2>/dev/null"
}

# say NAME LINE...: each LINE, with a newline, to that pipe's stdin
# (bounded: should the pipe be gone, opening its FIFO would wait).
say() {
	_n=$1
	shift
	timeout 5 sh -c 'f=$1; shift; printf "%s\n" "$@" >"$f"' sh \
	    "$XT_TMP/$_n.in" "$@" 2>/dev/null
}

# say_raw NAME FORMAT [ARGS...]: printf FORMAT ARGS to that pipe's stdin.
say_raw() {
	_n=$1
	shift
	timeout 5 sh -c 'f=$1; shift; printf "$@" >"$f"' sh \
	    "$XT_TMP/$_n.in" "$@" 2>/dev/null
}

# pipe_eof NAME: close that pipe's stdin (EOF).
pipe_eof() {
	kill "$(cat "$XT_TMP/$1.holder")" 2>/dev/null
	wait "$(cat "$XT_TMP/$1.holder")" 2>/dev/null
	return 0
}

# pipe_wait NAME: wait until that pipe ends (timeout(1) bounds it); its
# exit status in bg_rc.
pipe_wait() {
	wait "$(cat "$XT_TMP/$1.pid")"
	bg_rc=$?
}

# pipe_stop NAME [SIGNAL]: send SIGNAL (default TERM) to that pipe's
# xmpp-muc and wait until it ends; its exit status in bg_rc.
pipe_stop() {
	xt_kill_bounded "${2:-TERM}" "$(cat "$XT_TMP/$1.pid")"
	pipe_wait "$1"
}

# pipe_running NAME: 0 while that pipe has not ended.
pipe_running() {
	kill -0 "$(cat "$XT_TMP/$1.pid")" 2>/dev/null
}

# wait_gone NAME [SECS]: until that pipe has ended by itself (default
# 10 s); 1 if it still runs. Then pipe_wait reaps it at once.
wait_gone() {
	_i=0
	while pipe_running "$1"; do
		[ "$_i" -lt $(( ${2:-10} * 50 )) ] || return 1
		sleep 0.02
		_i=$((_i + 1))
	done
}

# nicks USER ROOM [ARGS...]: the nicknames `xmpp-muc occupants` shows
# USER, sorted, one line, space-separated ("" if it fails). USER looks
# as the nickname "watcher", left out.
nicks() {
	_u=$1
	_r=$2
	shift 2
	muc "$_u" --nick watcher "$@" occupants "$_r"
	[ "$xt_rc" = 0 ] || { diag "occupants of $_r as $_u: exit $xt_rc: $xt_err"; return 1; }
	printf '%s\n' "$xt_out" | cut -f1 | grep -vx 'watcher' | sort |
	    tr '\n' ' ' | sed 's/ $//'
}

# wait_nick USER ROOM NICK [SECS]: until USER sees NICK among the
# occupants of ROOM (default 15 s); 1 if not in time.
wait_nick() {
	_lim=$(( $(date +%s) + ${4:-15} ))
	until nicks "$1" "$2" | tr ' ' '\n' | grep -qxF -- "$3"; do
		[ "$(date +%s)" -lt "$_lim" ] || return 1
		sleep 0.1
	done
}

# wait_no_nick USER ROOM NICK [SECS]: until NICK is no longer among them.
wait_no_nick() {
	_lim=$(( $(date +%s) + ${4:-15} ))
	while nicks "$1" "$2" | tr ' ' '\n' | grep -qxF -- "$3"; do
		[ "$(date +%s)" -lt "$_lim" ] || return 1
		sleep 0.1
	done
}

# wait_lines FILE N [SECS]: until FILE has N lines (default 10 s).
wait_lines() {
	xt_recv_wait "$@"
}

# bodies FILE: the third field (BODY) of each line of a text output,
# space-separated, one line.
bodies() {
	cut -f3 "$1" | tr '\n' ' ' | sed 's/ $//'
}

# count FILE STRING: how many lines of FILE contain STRING (fixed).
count() {
	grep -cF -- "$2" "$1" 2>/dev/null || :
}

# in_list SERVICE ROOM: 0 if `xmpp-muc list SERVICE` (as alice) shows ROOM.
in_list() {
	muc alice list "$1"
	[ "$xt_rc" = 0 ] || diag "list $1: exit $xt_rc: $xt_err"
	printf '%s\n' "$xt_out" | cut -f1 | grep -qxF -- "$2"
}
