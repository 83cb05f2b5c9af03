#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-muc on a terminal (a tmux pane): messages that arrive while a line
# is being typed are printed on lines of their own, and the half-typed
# line stays intact below them; finished, it is sent as typed; ^D at an
# empty line is EOF.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-muc
command -v tmux >/dev/null 2>&1 ||
    plan_skip_all "tmux is not installed (scripts/install-deps --test)"
xt_server
plan 11

. "$XT_TESTS/muc.sh"

r=$(room tty)
muc alice create --persistent "$r"
is_rc 0 "a room"

sock=$XT_TMP/tmux.sock
tm() {
	tmux -S "$sock" "$@"
}
xt_at_exit "tmux -S '$sock' kill-server 2>/dev/null"
# pane_wait ERE [SECS]: until the pane shows a line matching ERE (default
# 10 s); the screen in $XT_TMP/pane either way.
pane_wait() {
	_lim=$(( ${2:-10} * 20 ))
	_i=0
	while :; do
		tm capture-pane -p -t muc >"$XT_TMP/pane" 2>/dev/null
		grep -Eq -- "$1" "$XT_TMP/pane" && return 0
		[ "$_i" -lt "$_lim" ] || return 1
		sleep 0.05
		_i=$((_i + 1))
	done
}

# bob's pipe in the pane: stdin, stdout and stderr the terminal (the
# line being edited may be drawn on either).
cat >"$XT_TMP/run" <<EOF
#!/bin/sh
timeout --foreground 60 "$XT_BIN/xmpp-muc" --server 127.0.0.1:$XT_PORT \\
    --cafile "$XT_CAFILE" --jid "$bob" --password-file "$XT_TMP/bob.pw" \\
    "$r"
echo \$? >"$XT_TMP/tty.rc"
sleep 60
EOF
chmod +x "$XT_TMP/run"
pipe_bg a alice "$r"
TERM=xterm tm -f /dev/null new-session -d -x 200 -y 50 -s muc "$XT_TMP/run" ||
    bail_out "tmux did not start"
wait_nick carol "$r" bob || diag "bob did not join: $(tm capture-pane -p -t muc)"
wait_nick carol "$r" alice || diag "alice did not join: $(cat "$XT_TMP/a.err")"

# Half a line typed, then messages arrive.
tm send-keys -t muc -l "hello wor"
pane_wait 'hello wor'
say a "incoming one" "incoming two" "incoming three"
pane_wait 'incoming three' 15
ok "the messages that arrive are shown" grep -q 'incoming one' "$XT_TMP/pane"
like "$(grep 'incoming two' "$XT_TMP/pane")" "^$time_re +alice +incoming two *\$" \
    "... each on a line of its own: TIME, NICK, BODY"
unlike "$(grep 'incoming' "$XT_TMP/pane")" 'hello' \
    "... never on the line being typed"
last=$(grep -n . "$XT_TMP/pane" | tail -n 1)
like "$last" 'hello wor *$' "the half-typed line is redrawn below them, intact"
is "$(grep -n 'incoming three' "$XT_TMP/pane" | cut -d: -f1)" \
    "$(( ${last%%:*} - 1 ))" "... right below the last message"
is "$(grep -c 'hello wor' "$XT_TMP/pane")" 1 "... and shown once"

# Finished: sent as typed, the messages in between did not break it.
tm send-keys -t muc -l "ld"
tm send-keys -t muc Enter
xt_wait_for "$XT_TMP/a.out" 'hello' 15
is "$(cut -f2,3 "$XT_TMP/a.out")" "bob	hello world" \
    "the line is sent as typed: 'hello world'"
pane_wait 'hello world'
is "$(grep -c 'hello world' "$XT_TMP/pane")" 1 \
    "the pane shows it once (as typed, not echoed back by the room)"

# ^D on the empty line: EOF, leaves, exit 0.
tm send-keys -t muc C-d
xt_wait_for "$XT_TMP/tty.rc" . 15
is "$(cat "$XT_TMP/tty.rc")" 0 "^D: exit 0"
is "$(nicks carol "$r")" "alice" "... bob left the room"
pipe_eof a
pipe_wait a
