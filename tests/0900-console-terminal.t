#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-console at a terminal (a tmux pane): entries typed over several
# lines, stanzas shown pretty with their headers and replies matched,
# shortcuts, a message arriving while a line is typed, the history kept
# between runs, /save replayed by the pipe, /filter, malformed input,
# colours and NO_COLOR, ^C, ^D and SIGTERM, --passive, stdout elsewhere
# than the terminal.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-console xmpp-send xmpp-ping
command -v tmux >/dev/null 2>&1 ||
    plan_skip_all "tmux is not installed (scripts/install-deps --test)"
xt_server
plan 125

export HOME="$XT_TMP/home" XDG_CONFIG_HOME="$XT_TMP/home/.config"
mkdir -p "$XDG_CONFIG_HOME"
unset XMPP_JID XMPP_PASSWORD XMPP_CONFIG CREDENTIALS_DIRECTORY NO_COLOR \
    XDG_STATE_HOME
xt_pwfile alice >/dev/null
xt_pwfile bob >/dev/null
D=$XT_DOMAIN
me=alice@$D/tty
bob=bob@$D
room=tty-$$-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')@$XT_MUC
hist=$XT_TMP/history
# A header: local time with milliseconds, then the direction.
hms='[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{3}'
ms_re='[0-9]+\.[0-9] ms'
esc=$(printf '\033')

xt_recv_start bob "$XT_BOB_PW" "$XT_TMP/bob.jsonl" ||
    bail_out "bob's receiver did not start"

sock=$XT_TMP/tmux.sock
tm() {
	tmux -S "$sock" "$@"
}
xt_at_exit "tmux -S '$sock' kill-server 2>/dev/null"

# console NAME [VAR=VALUE...] [OPTION...]: xmpp-console as alice with
# the resource tty in a tmux pane of its own, NAME (200x50): stdin,
# stdout and stderr the pane's terminal (STDOUT=FILE: stdout to FILE),
# the VARs in its environment, killed after 60 s. Its pid goes to
# $XT_TMP/NAME.pid, its exit status then to $XT_TMP/NAME.rc. Returns
# once the first prompt is shown.
console() {
	_name=$1
	shift
	_vars=
	_redir=
	while [ $# -gt 0 ]; do
		case $1 in
		STDOUT=*) _redir=">'${1#STDOUT=}'" ;;
		[A-Z]*=*) _vars="$_vars '$1'" ;;
		*) break ;;
		esac
		shift
	done
	_opts=
	for _a in "$@"; do
		_opts="$_opts '$_a'"
	done
	rm -f "$XT_TMP/$_name.rc"
	mark=0
	cat >"$XT_TMP/$_name.run" <<EOF
#!/bin/sh
# ^C is for the console only: this script ignores it. The console runs
# in this process group (the terminal's foreground), stdin the terminal,
# bounded by a watchdog, not by timeout(1), which would pass each ^C on
# to it a second time.
trap '' INT
exec 3<&0
env -u NO_COLOR -u XDG_STATE_HOME HOME='$HOME' \\
    XDG_CONFIG_HOME='$XDG_CONFIG_HOME' TMPDIR='$XT_TMP' $_vars \\
    '$XT_BIN/xmpp-console' \\
    --server '127.0.0.1:$XT_PORT' --cafile '$XT_CAFILE' --jid 'alice@$D' \\
    --resource tty --password-file '$XT_TMP/alice.pw' $_opts \\
    <&3 3<&- $_redir &
pid=\$!
echo \$pid >'$XT_TMP/$_name.pid'
exec 3<&-
sleep 60 </dev/null >/dev/null 2>&1 && kill -KILL \$pid 2>/dev/null &
dog=\$!
wait \$pid
echo \$? >'$XT_TMP/$_name.rc'
kill \$dog 2>/dev/null
exec sleep 60
EOF
	chmod +x "$XT_TMP/$_name.run"
	TERM=xterm tm -f /dev/null new-session -d -x 200 -y 50 -s "$_name" \
	    "$XT_TMP/$_name.run" || bail_out "tmux did not start"
	pane_wait "$_name" '^xml>$' 15 ||
	    diag "no prompt in '$_name': $(cat "$XT_TMP/pane")"
}

# pane NAME: what the pane shows, its scrollback too, lines that wrapped
# joined, blanks at line ends cut, into $XT_TMP/pane; the lines after the
# mark (see mark) into $XT_TMP/new.
mark=0
pane() {
	tm capture-pane -p -J -S - -t "$1" 2>/dev/null | sed 's/ *$//' \
	    >"$XT_TMP/pane"
	tail -n "+$((mark + 1))" "$XT_TMP/pane" >"$XT_TMP/new"
}

# pane_wait NAME ERE [SECS]: until a line of the pane matches ERE
# (default 10 s); the pane in $XT_TMP/pane (and new) either way.
pane_wait() {
	_lim=$(( ${3:-10} * 20 ))
	_i=0
	while :; do
		pane "$1"
		grep -Eq -- "$2" "$XT_TMP/pane" && return 0
		[ "$_i" -lt "$_lim" ] || return 1
		sleep 0.05
		_i=$((_i + 1))
	done
}

# since_wait NAME ERE [SECS]: the same, among the lines after the mark
# (see mark), and once the console is done drawing (a prompt is the last
# line: what came is all shown); those lines in $XT_TMP/new.
since_wait() {
	_lim=$(( ${3:-10} * 20 ))
	_i=0
	while :; do
		pane "$1"
		grep -Eq -- "$2" "$XT_TMP/new" &&
		    grep . "$XT_TMP/new" | tail -n 1 |
		    grep -Eq '^(xml|\.\.\.|raw)>( |$)' && return 0
		[ "$_i" -lt "$_lim" ] || return 1
		sleep 0.05
		_i=$((_i + 1))
	done
}

# mark NAME: from now on "new" is what is drawn from the line being
# typed on (the last one shown) down.
mark() {
	pane "$1"
	mark=$(grep -n . "$XT_TMP/pane" | tail -n 1 | cut -d: -f1)
	mark=$((${mark:-1} - 1))
}

# cursor NAME: the column of the cursor in that pane.
cursor() {
	tm display-message -p -t "$1" '#{cursor_x}'
}

# cursor_wait NAME COLUMN: until the cursor is there (10 s); 1 if not.
cursor_wait() {
	_i=0
	until [ "$(cursor "$1")" = "$2" ]; do
		[ "$_i" -lt 200 ] || return 1
		sleep 0.05
		_i=$((_i + 1))
	done
}

# last NAME: the last line of the screen that is not empty.
last() {
	tm capture-pane -p -J -t "$1" | sed 's/ *$//' | grep . | tail -n 1
}

# last_wait NAME LINE: until the last line shown is LINE (10 s); the pane
# in $XT_TMP/pane and the lines after the mark in $XT_TMP/new.
last_wait() {
	_i=0
	until [ "$(last "$1")" = "$2" ] || [ "$_i" -ge 200 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	pane "$1"
}

# key NAME TEXT: TEXT typed, then Enter.
key() {
	tm send-keys -t "$1" -l "$2"
	tm send-keys -t "$1" Enter
}

# after FILE ERE: the line after the first one matching ERE.
after() {
	grep -E -m 1 -A 1 -- "$2" "$1" | sed -n 2p
}

# outs FILE: how many "out" headers FILE has.
outs() {
	grep -Ec -- "^<!-- $hms out" "$1"
}

# sgr FILE ERE: the SGR numbers (colours, bold) written right before the
# first match of ERE in FILE (a capture-pane -e), what a reset (0) undoes
# and the default colours (39, 49) left out, sorted: "1 34". The lines
# being typed (a prompt) are not searched.
sgr() {
	grep -Ev "^($esc\\[[0-9;]*m)*xml>" "$1" |
	    grep -Eo -m 1 -- "($esc\\[[0-9;]*m)*$2" | head -n 1 |
	    grep -Eo "^($esc\\[[0-9;]*m)*" | grep -Eo '[0-9;]*m' | tr -d m |
	    tr ';' '\n' | sed 's/^$/0/' |
	    awk '$0 == 0 { n = 0; next } $0 != 39 && $0 != 49 { a[n++] = $0 }
		END { for (i = 0; i < n; i++) print a[i] }' |
	    sort -n | tr '\n' ' ' | sed 's/ $//'
}

# rc_wait NAME: until that console's exit status is written (15 s).
rc_wait() {
	xt_wait_for "$XT_TMP/$1.rc" . 15
	cat "$XT_TMP/$1.rc" 2>/dev/null
}

# bodies_to_bob BODY: how many messages bob got with that body.
bodies_to_bob() {
	jq -r .body "$XT_TMP/bob.jsonl" | grep -cxF -- "$1"
}

# bob_wait BODY N: until bob has got N messages with that body (10 s).
bob_wait() {
	_i=0
	until [ "$(bodies_to_bob "$1")" -ge "$2" ] || [ "$_i" -ge 500 ]; do
		sleep 0.02
		_i=$((_i + 1))
	done
}

# bob_sends TEXT: bob sends alice's console a chat message.
bob_sends() {
	xt_run xmpp-send --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "$bob" --password-file "$XT_TMP/bob.pw" -m "$1" "$me" \
	    </dev/null
	[ "$xt_rc" = 0 ] || diag "bob's message: exit $xt_rc: $xt_err"
}

# bob_pings [SECS]: bob pings alice's console, -w SECS (default that of
# every tool: a pong that should come has room on a busy machine; the
# one that must not come is waited for 3 s); xmpp-ping's status in xt_rc.
bob_pings() {
	xt_run xmpp-ping --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "$bob" --password-file "$XT_TMP/bob.pw" ${1:+-w "$1"} \
	    "$me" </dev/null
}

# ---- the options ----

xt_run xmpp-console --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
    --jid "alice@$D" --password-file "$XT_TMP/alice.pw" --color=bogus </dev/null
is_rc 64 "--color=bogus: exit 64"

# ---- 1. an entry over several lines ----

console a --history-file "$hist"
mark a
key a '<iq type="get">'
key a '<query xmlns="jabber:iq:roster"/>'
key a '</iq>'
since_wait a "in: reply to 'c1'"
is "$(sed -n 1,3p "$XT_TMP/new")" 'xml> <iq type="get">
...> <query xmlns="jabber:iq:roster"/>
...> </iq>' "an open element: the continuation prompt '...> ' for the next lines"
like "$(sed -n 4p "$XT_TMP/new")" "^<!-- $hms out -->\$" \
    "complete: sent, headed '<!-- HH:MM:SS.mmm out -->'"
is "$(sed -n 5,7p "$XT_TMP/new")" '<iq id="c1" type="get">
  <query xmlns="jabber:iq:roster"/>
</iq>' "... pretty-printed, with the id c1 it was given"
like "$(sed -n 8p "$XT_TMP/new")" \
    "^<!-- $hms in: reply to 'c1' after $ms_re -->\$" \
    "the reply: '<!-- HH:MM:SS.mmm in: reply to 'c1' after N.N ms -->'"
like "$(sed -n 9p "$XT_TMP/new")" '^<iq( [a-z:]+="[^"]*")* id="c1"( [a-z:]+="[^"]*")* type="result"' \
    "... then the result"
like "$(sed -n 10p "$XT_TMP/new")" '^  <query xmlns="jabber:iq:roster"' \
    "... pretty-printed: its query indented"
# A presence would have come back to us before that reply.
is "$(grep -c '^<presence' "$XT_TMP/pane")" 0 "no presence sent of its own"
tm capture-pane -e -p -J -S - -t a | tail -n "+$((mark + 1))" >"$XT_TMP/esc"
ok "--color=auto (the default) at a terminal: colours" \
    grep -Eq "$esc\\[[0-9;]*m<query" "$XT_TMP/esc"

# ---- 2. shortcuts ----

# /ping: the line is filled, nothing sent; Enter sends it.
mark a
key a /ping
since_wait a '^xml> <iq .*</iq>$'
ping_line=$(grep '^xml> <iq .*</iq>$' "$XT_TMP/new")
like "$ping_line" \
    "^xml> <iq type=\"get\" to=\"$D\" id=\"c[0-9]+\"><ping xmlns=\"urn:xmpp:ping\"/></iq>\$" \
    "/ping fills the line with a ping of the server"
id=$(printf '%s\n' "$ping_line" | sed -n 's/.* id="\(c[0-9]*\)".*/\1/p')
is "$(outs "$XT_TMP/new")" 0 "... and sends nothing by itself"
tm send-keys -t a Enter
since_wait a "in: reply to '$id' after"
like "$(grep -E "^<!-- $hms in: reply to '$id'" "$XT_TMP/new")" \
    "after $ms_re -->\$" "Enter sends it, and the pong is matched to it"
is "$(after "$XT_TMP/new" "^<!-- $hms out -->")" \
    "<iq id=\"$id\" to=\"$D\" type=\"get\">" "... sent as it was on the line"

mark a
key a /version
since_wait a '^xml> <iq .*</iq>$'
like "$(grep '^xml> <iq .*</iq>$' "$XT_TMP/new")" \
    "^xml> <iq type=\"get\" to=\"$D\" id=\"c[0-9]+\"><query xmlns=\"jabber:iq:version\"/></iq>\$" \
    "/version fills the line with a version request"
tm send-keys -t a Enter
since_wait a '<name>.*</name>'
ok "... sent, answered: the server's name" grep -Eq "^<!-- $hms in: reply to 'c[0-9]+' after" "$XT_TMP/new"

mark a
key a /disco
since_wait a '^xml> <iq .*</iq>$'
like "$(grep '^xml> <iq .*</iq>$' "$XT_TMP/new")" \
    "^xml> <iq type=\"get\" to=\"$D\" id=\"c[0-9]+\"><query xmlns=\"http://jabber.org/protocol/disco#info\"/></iq>\$" \
    "/disco fills the line with a disco#info request"
tm send-keys -t a Enter
since_wait a '<identity .*category="server"'
ok "... sent, answered: the server's identity" grep -Eq "^<!-- $hms in: reply to 'c[0-9]+' after" "$XT_TMP/new"

mark a
key a "/msg $bob hello there"
since_wait a '^xml> <message .*</message>$'
like "$(grep '^xml> <message .*</message>$' "$XT_TMP/new")" \
    "^xml> <message to=\"$bob\" type=\"chat\" id=\"c[0-9]+\"><body>hello there</body></message>\$" \
    "/msg fills the line with a chat message"
tm send-keys -t a Enter
bob_wait 'hello there' 1
is "$(bodies_to_bob 'hello there')" 1 "... sent: bob gets it"

mark a
key a "/msg $bob 1 < 2 & \"3\""
since_wait a '^xml> <message .*</message>$'
like "$(grep '^xml> <message .*</message>$' "$XT_TMP/new")" \
    "^xml> <message to=\"$bob\" type=\"chat\" id=\"c[0-9]+\"><body>1 &lt; 2 &amp; &quot;3&quot;</body></message>\$" \
    "/msg escapes its text"
tm send-keys -t a Enter
bob_wait '1 < 2 & "3"' 1
is "$(bodies_to_bob '1 < 2 & "3"')" 1 "... bob gets the text as typed"

mark a
key a "/presence away back soon"
since_wait a '^xml> <presence.*</presence>$'
is "$(grep '^xml> <presence.*</presence>$' "$XT_TMP/new")" \
    'xml> <presence><show>away</show><status>back soon</status></presence>' \
    "/presence away back soon: a show, then the status"
tm send-keys -t a Enter
since_wait a '^<presence id="c[0-9]+">$'
is "$(after "$XT_TMP/new" '^<presence id="c[0-9]+">$')" '  <show>away</show>' \
    "... sent"
ok "... the server sends it back to us (so none had been sent before)" \
    since_wait a "^<presence( [a-z:]+=\"[^\"]*\")* from=\"$me\""

mark a
key a "/join $room"
since_wait a '^xml> <presence.*</presence>$'
is "$(grep '^xml> <presence.*</presence>$' "$XT_TMP/new")" \
    "xml> <presence to=\"$room/alice\"><x xmlns=\"http://jabber.org/protocol/muc\"/></presence>" \
    "/join ROOM: a presence to ROOM/alice (our local part)"
tm send-keys -t a Enter
since_wait a "^<presence( [a-z:]+=\"[^\"]*\")* from=\"$room/alice\""
ok "... sent" grep -Eq "^<presence id=\"c[0-9]+\" to=\"$room/alice\">\$" "$XT_TMP/new"
like "$(grep -B1 -E "^<presence( [a-z:]+=\"[^\"]*\")* from=\"$room/alice\"" "$XT_TMP/new" | head -n 1)" \
    "^<!-- $hms in -->\$" "... the room's presence comes in"

mark a
key a /roster
since_wait a '^xml> <iq .*</iq>$'
roster_line=$(grep '^xml> <iq .*</iq>$' "$XT_TMP/new")
like "$roster_line" \
    '^xml> <iq type="get" id="c[0-9]+"><query xmlns="jabber:iq:roster"/></iq>$' \
    "/roster fills the line with a roster get"
rid=$(printf '%s\n' "$roster_line" | sed -n 's/.* id="\(c[0-9]*\)".*/\1/p')
tm send-keys -t a Enter
ok "... sent, answered" since_wait a "in: reply to '$rid' after"

mark a
key a /last
since_wait a '^xml> <iq .*</iq>$'
last_line=$(grep '^xml> <iq .*</iq>$' "$XT_TMP/new")
like "$last_line" "^xml> <iq( [a-z]+=\"[^\"]*\")* id=\"$rid\"" \
    "/last fills the line with the last stanza sent (its id too)"
like "$last_line" '<query xmlns="jabber:iq:roster"/></iq>$' "... as one line"
is "$(outs "$XT_TMP/new")" 0 "... nothing sent by itself"
tm send-keys -t a Enter
ok "... Enter sends it again" since_wait a "in: reply to '$rid' after"

mark a
key a /pnig
since_wait a "shortcut"
is "$(grep shortcut "$XT_TMP/new")" \
    "xmpp-console: unknown shortcut '/pnig' (/help lists them)" \
    "an unknown shortcut: an error naming it"

mark a
key a /help
since_wait a '/help'
since_wait a '^xml>$'
missing=
for s in /msg /ping /disco /items /version /roster /presence /join /last \
    /raw /filter /save /quit /help; do
	grep -Eq -- "^ +$s( |\$)" "$XT_TMP/new" || missing="$missing $s"
done
is "$missing" "" "/help lists every shortcut"

# ---- 3. a message arrives while a line is typed ----

mark a
tm send-keys -t a -l "<message to=\"$bob\" type=\"chat\"><body>half of"
since_wait a 'half of$'
bob_sends "incoming while typing"
since_wait a '<body>incoming while typing</body>' 15
last_wait a "xml> <message to=\"$bob\" type=\"chat\"><body>half of"
ok "the message that arrives is shown" grep -Eq "^<message( [a-z:]+=\"[^\"]*\")* from=\"$bob/" "$XT_TMP/new"
is "$(last a)" "xml> <message to=\"$bob\" type=\"chat\"><body>half of" \
    "the half-typed line is redrawn below it, intact"
is "$(grep -c 'half of' "$XT_TMP/new")" 1 "... and shown once"
tm send-keys -t a -l " it</body></message>"
tm send-keys -t a Enter
bob_wait 'half of it' 1
is "$(bodies_to_bob 'half of it')" 1 "finished, it is sent as typed"

# The cursor inside the line: where it was once the message is shown.
mark a
typed="<message to=\"$bob\" type=\"chat\"><body>ab</body></message>"
tm send-keys -t a -l "$typed"
tm send-keys -t a -N 18 Left
at=$(( 5 + ${#typed} - 18 ))
cursor_wait a "$at" || diag "the cursor is not at $at: $(cursor a)"
bob_sends "while the cursor is inside"
since_wait a '<body>while the cursor is inside</body>'
last_wait a "xml> $typed"
cursor_wait a "$at"
is "$(cursor a)" "$at" "a message arrives: the cursor is back where it was in the line"
tm send-keys -t a -l X
tm send-keys -t a Enter
bob_wait aXb 1
is "$(bodies_to_bob aXb)" 1 "... typing goes on there"

# An unfinished tag goes on on the next line too.
mark a
key a '<iq type="get" id="u1"'
key a "to=\"$D\"><ping xmlns=\"urn:xmpp:ping\"/></iq>"
since_wait a "in: reply to 'u1'"
is "$(sed -n 2p "$XT_TMP/new")" "...> to=\"$D\"><ping xmlns=\"urn:xmpp:ping\"/></iq>" \
    "a tag left unfinished: the continuation prompt"
is "$(after "$XT_TMP/new" "^<!-- $hms out -->")" "<iq id=\"u1\" to=\"$D\" type=\"get\">" \
    "... then the whole is sent"

# Indentation between elements is layout, not data.
mark a
key a "<message to=\"$bob\" type=\"chat\">"
key a '  <body> a  b </body>'
key a '</message>'
bob_wait ' a  b ' 1
is "$(bodies_to_bob ' a  b ')" 1 "an indented entry: the text inside the body kept as is"
key a /last
since_wait a '^xml> <message .*</message>$'
last_line=$(grep '^xml> <message .*</message>$' "$XT_TMP/new")
like "$last_line" '^xml> <message [^>]*><body> a  b </body></message>$' \
    "... the indentation around it not sent (/last shows what was)"
tm send-keys -t a C-u

# What must not reach a terminal raw: escaped, or as references.
mark a
bob_sends "$(printf 'a<b & c>d \342\200\256e\302\205f\177g\342\200\250h')"
since_wait a '<body>a&lt;b'
like "$(grep '<body>a&lt;b' "$XT_TMP/new")" \
    '^  <body>a&lt;b &amp; c&gt;d &#x202[eE];e&#x85;f&#x7[fF];g&#x2028;h</body>$' \
    "text escaped; a bidi override, C1 control, DEL, U+2028 as &#xHH; references"

# ---- 7. malformed input ----

mark a
key a '<a><b></a>'
since_wait a 'not sent'
err=$(grep 'not sent' "$XT_TMP/new")
like "$err" '^xmpp-console: line 1, column [0-9]+: mismatched tag; not sent$' \
    "<a><b></a>: 'line 1, column N: mismatched tag; not sent'"
col=$(printf '%s\n' "$err" | sed -n 's/.*column \([0-9]*\):.*/\1/p')
is "$(after "$XT_TMP/new" 'mismatched tag')" '  <a><b></a>' "... the line"
is "$(after "$XT_TMP/new" '^  <a><b></a>$')" \
    "  $(printf "%$((${col:-1} - 1))s" '')^" "... and a caret under column N"
key a hello
since_wait a 'outside'
is "$(grep outside "$XT_TMP/new")" \
    "xmpp-console: line 1, column 1: text outside a stanza; not sent (shortcuts start with '/', /help lists them)" \
    "hello: text outside a stanza"
tm send-keys -t a Up
ok "... Up recalls it, to fix" since_wait a '^xml> hello$'
tm send-keys -t a C-u
key a /ping
since_wait a '^xml> <iq .*</iq>$'
tm send-keys -t a Enter
since_wait a "in: reply to 'c[0-9]+' after"
is "$(grep -Ec "^<!-- $hms out -->\$" "$XT_TMP/new")" 1 \
    "... the console goes on: a ping is the one stanza sent since"

# More than one stanza on a line: each is sent, in order.
mark a
key a "<iq type=\"get\" id=\"two1\" to=\"$D\"><ping xmlns=\"urn:xmpp:ping\"/></iq><iq type=\"get\" id=\"two2\" to=\"$D\"><ping xmlns=\"urn:xmpp:ping\"/></iq>"
since_wait a "in: reply to 'two2'"
since_wait a "in: reply to 'two1'"
is "$(grep -A 1 -E "^<!-- $hms out -->\$" "$XT_TMP/new" | grep '^<iq')" \
    "<iq id=\"two1\" to=\"$D\" type=\"get\">
<iq id=\"two2\" to=\"$D\" type=\"get\">" "two stanzas on one line: both sent, in order"

# /raw: lines until '.', then sent as a whole.
mark a
key a /raw
key a "<iq type=\"get\" id=\"raw1\" to=\"$D\">"
key a '<ping xmlns="urn:xmpp:ping"/>'
key a '</iq>'
since_wait a '^raw> </iq>$'
last_wait a 'raw>'
is "$(grep -c '^raw> ' "$XT_TMP/pane")" 3 "/raw: the prompt 'raw> ' for each line"
is "$(outs "$XT_TMP/new")" 0 "... nothing sent before the '.'"
key a .
since_wait a "in: reply to 'raw1'"
is "$(grep -A 2 -E "^<!-- $hms out -->\$" "$XT_TMP/new")" \
    "$(grep -E "^<!-- $hms out -->\$" "$XT_TMP/new")
<iq id=\"raw1\" to=\"$D\" type=\"get\">
  <ping xmlns=\"urn:xmpp:ping\"/>" "... then the whole is sent"

# Shortcuts with wrong arguments, and Tab.
mark a
key a "/msg $bob"
since_wait a 'needs'
is "$(grep needs "$XT_TMP/new")" "xmpp-console: /msg needs a JID and a text" \
    "/msg JID without a text: '/msg needs a JID and a text'"
key a "/ping a@b@$D"
since_wait a "a@b@$D'"
like "$(grep "^xmpp-console: .*a@b@$D" "$XT_TMP/new")" "^xmpp-console: /ping: .*'a@b@$D'" \
    "/ping with an invalid JID: an error naming it"
is "$(last a)" "xml>" "... nothing on the line"
key a "/save $XT_TMP/no/such/s.xml"
since_wait a "/save: "
like "$(grep '^xmpp-console: /save' "$XT_TMP/new")" "^xmpp-console: /save: .*'$XT_TMP/no/such/s\.xml" \
    "/save into a missing directory: an error"
tm send-keys -t a -l /pi
tm send-keys -t a Tab
since_wait a '^xml> /ping$'
tm send-keys -t a Enter
since_wait a '^xml> <iq .*</iq>$'
tm send-keys -t a Enter
since_wait a "in: reply to 'c[0-9]+'"
is "$(outs "$XT_TMP/new")" 1 "... the console goes on: /pi, Tab: /ping, sent"
mark a
tm send-keys -t a -l '<message to="bo'
tm send-keys -t a Tab
ok "Tab completes a JID seen" since_wait a "^xml> <message to=\"$bob\"?\$"
tm send-keys -t a C-u
tm send-keys -t a -l '<iq type="get"><ping xmlns="urn:xmpp:pi'
tm send-keys -t a Tab
ok "... and a namespace" since_wait a '^xml> <iq type="get"><ping xmlns="urn:xmpp:ping"?$'
tm send-keys -t a C-u

# A line that starts with '/' inside an entry is XML, not a shortcut.
mark a
key a "<message to=\"$bob\" type=\"chat\"><body>"
key a "/help me"
key a "</body></message>"
bob_wait "/help me" 1
is "$(bodies_to_bob "/help me")" 1 "a line with '/' while an entry is open: part of it"

# ---- 10. requests from others, answered ----

mark a
bob_pings
is_rc 0 "bob pings alice's console: it answers"
since_wait a 'answered automatically'
req=$(grep -nE "^<!-- $hms in -->\$" "$XT_TMP/new" | tail -n 1 | cut -d: -f1)
like "$(sed -n "$((${req:-0} + 1))p" "$XT_TMP/new")" \
    "^<iq( [a-z:]+=\"[^\"]*\")* from=\"$bob/[^\"]*\"( [a-z:]+=\"[^\"]*\")* type=\"get\"" \
    "the console shows the ping that came in"
like "$(sed -n "$((${req:-0} + 4))p" "$XT_TMP/new")" \
    "^<!-- $hms out: answered automatically -->\$" \
    "... then, right after it, 'out: answered automatically'"
like "$(sed -n "$((${req:-0} + 5))p" "$XT_TMP/new")" \
    "^<iq( [a-z]+=\"[^\"]*\")* to=\"$bob/[^\"]*\" type=\"result\"/>\$" \
    "... and the result sent to bob"

# ---- 6. /filter ----

mark a
key a "/filter message"
key a /ping
since_wait a '^xml> <iq .*</iq>$'
ping_line=$(grep '^xml> <iq .*</iq>$' "$XT_TMP/new")
fid=$(printf '%s\n' "$ping_line" | sed -n 's/.* id="\(c[0-9]*\)".*/\1/p')
tm send-keys -t a Enter
# alice's stanzas are processed in order: the pong has come when her
# message to herself does.
key a "/msg $me after the ping"
tm send-keys -t a Enter
since_wait a "^<message( [a-z:]+=\"[^\"]*\")* from=\"$me\""
bob_sends "shown by the filter"
since_wait a '<body>shown by the filter</body>'
is "$(grep -Ec "^<!-- $hms (out|in: reply to '$fid')" "$XT_TMP/new")" 1 \
    "/filter message: the ping and its pong are not shown (one out: the message)"
ok "... the message from bob is" grep -Eq "^<message( [a-z:]+=\"[^\"]*\")* from=\"$bob/" "$XT_TMP/new"
key a /filter
since_wait a 'hidden'
like "$(grep hidden "$XT_TMP/new")" '^xmpp-console: .*message.*[^0-9]2 stanzas hidden' \
    "/filter alone: the filter, and 2 stanzas hidden"
mark a
key a "/filter off"
key a /ping
since_wait a '^xml> <iq .*</iq>$'
tm send-keys -t a Enter
since_wait a "in: reply to 'c[0-9]+' after"
is "$(outs "$XT_TMP/new")" 1 "/filter off: the ping is shown again, and its pong"

mark a
key a "/filter from=$bob from=alice@$D"
key a /ping
since_wait a '^xml> <iq .*</iq>$'
ping_line=$(grep '^xml> <iq .*</iq>$' "$XT_TMP/new")
fid=$(printf '%s\n' "$ping_line" | sed -n 's/.* id="\(c[0-9]*\)".*/\1/p')
tm send-keys -t a Enter
key a "/msg $me after the second ping"
tm send-keys -t a Enter
since_wait a "<body>after the second ping</body>"
bob_sends "from bob, filtered in"
since_wait a '<body>from bob, filtered in</body>'
is "$(grep -Ec "^<!-- $hms (out|in: reply to '$fid')" "$XT_TMP/new")" 0 \
    "/filter from=bob from=alice: what alice sends, and the server's pong, are hidden"
is "$(grep -Ec "^<message( [a-z:]+=\"[^\"]*\")* from=\"($me|$bob/[^\"]*)\"" "$XT_TMP/new")" 2 \
    "... what comes from alice and from bob is shown"
key a "/filter off"
since_wait a 'filter off'

# ---- 9. ^C discards the entry ----

mark a
key a '<iq type="get" id="x9">'
tm send-keys -t a -l '<query xmlns='
since_wait a '^\.\.\.> <query xmlns=$'
tm send-keys -t a C-c
since_wait a '\^C'
is "$(grep -A 1 '\^C' "$XT_TMP/new")" '...> <query xmlns=^C
xml>' "^C: the entry given up, a fresh 'xml> ' prompt"
key a '<iq type="get" id="after-c"><ping xmlns="urn:xmpp:ping"/></iq>'
since_wait a "in: reply to 'after-c'"
is "$(outs "$XT_TMP/new")" 1 "... nothing sent of what was discarded"
is "$(after "$XT_TMP/new" "^<!-- $hms out -->")" \
    '<iq id="after-c" type="get">' "... what comes next is a stanza of its own"

# ---- 4. the history, kept between runs ----

key a '<message to="nobody@'"$D"'" id="h0"><body>'
key a '#1 a line that looks like a timestamp'
key a '</body></message>'
pane_wait a '^<!-- [0-9:.]+ out -->$'
key a '<iq type="get" id="h1">'
key a '<query xmlns="jabber:iq:roster"/></iq>'
pane_wait a "in: reply to 'h1'"
key a /quit
is "$(rc_wait a)" 0 "/quit: exit 0"
tm kill-session -t a 2>/dev/null
ok "the history file is written" grep -q 'id="h1"' "$hist"

console b --history-file "$hist"
mark b
tm send-keys -t b Up
ok "a new run: Up recalls the last entry of the run before (/quit)" \
    since_wait b '^xml> /quit$'
tm send-keys -t b Up
pane_wait b '^<query xmlns="jabber:iq:roster"/></iq>$'
is "$(grep -B 1 '^<query xmlns="jabber:iq:roster"/></iq>$' "$XT_TMP/pane")" \
    'xml> <iq type="get" id="h1">
<query xmlns="jabber:iq:roster"/></iq>' \
    "... Up again: the entry of two lines, as one"
tm send-keys -t b Up
pane_wait b '^</body></message>$'
is "$(grep -B 2 '^</body></message>$' "$XT_TMP/pane" | tail -n 3)" \
    "xml> <message to=\"nobody@$D\" id=\"h0\"><body>
#1 a line that looks like a timestamp
</body></message>" "... and one of three lines, a line of it starting '#1'"
# ^C, then /save on a run that has sent nothing yet.
tm send-keys -t b C-c
since_wait b '\^C'

# ---- 5. /save, replayed ----

# Shown: only what comes in; what is sent is hidden, and still saved.
mark b
key b "/filter in"
since_wait b 'filter: in'
key b "<iq type=\"get\" id=\"r1\" to=\"$D\"><query xmlns=\"jabber:iq:version\"/></iq>"
key b '<iq type="get" id="r2"><query xmlns="jabber:iq:roster"/></iq>'
key b "<message to=\"$bob\" type=\"chat\" id=\"r3\"><body>saved and sent again</body></message>"
since_wait b "in: reply to 'r1'"
since_wait b "in: reply to 'r2'"
bob_wait 'saved and sent again' 1
bob_sends "x--y"
since_wait b '<body>x--y</body>'
is "$(outs "$XT_TMP/new")" 0 "/filter in: what is sent is not shown"
key b "/save $XT_TMP/s.xml"
since_wait b '^xmpp-console: saved'
saved=$(grep '^xmpp-console: saved' "$XT_TMP/new")
like "$saved" "^xmpp-console: saved [0-9]+ stanzas \\(3 sent\\) to '$XT_TMP/s.xml'\$" \
    "/save: 'saved N stanzas (3 sent) to FILE'"
n=$(printf '%s\n' "$saved" | sed -n 's/.*saved \([0-9]*\) stanzas.*/\1/p')
like "$(head -n 1 "$XT_TMP/s.xml")" \
    "^<!-- xmpp-console session of $me, saved [0-9-]+T[0-9:]+Z -->\$" \
    "... the file begins with a comment: whose, when"
is "$(grep -Ec "^<!-- $hms (in|out)" "$XT_TMP/s.xml")" "$n" \
    "... N stanzas in it, each headed by its time and direction"
is "$(awk '
	c { if ($0 ~ /-->$/) c = 0; next }
	/^<!--/ { if ($0 !~ /-->$/) c = 1; next }
	{ print }' "$XT_TMP/s.xml")" \
    "<iq id=\"r1\" to=\"$D\" type=\"get\"><query xmlns=\"jabber:iq:version\"/></iq>
<iq id=\"r2\" type=\"get\"><query xmlns=\"jabber:iq:roster\"/></iq>
<message id=\"r3\" to=\"$bob\" type=\"chat\"><body>saved and sent again</body></message>" \
    "... outside comments: the three stanzas sent (hidden by the filter; not what ^C discarded), one line each"
ok "... the message that came, in a comment, its '--' written '- -'" \
    grep -q '<body>x- -y</body>' "$XT_TMP/s.xml" ||
    diag "$(grep -o '<body>x[^<]*</body>' "$XT_TMP/s.xml")"
ok "... the replies are kept in comments"  grep -Eq "^<!-- $hms in: reply to 'r1'" "$XT_TMP/s.xml"
tm send-keys -t b C-d
is "$(rc_wait b)" 0 "^D on an empty line: exit 0"
tm kill-session -t b 2>/dev/null

xt_run xmpp-console --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
    --jid "alice@$D" --password-file "$XT_TMP/alice.pw" <"$XT_TMP/s.xml"
is_rc 0 "xmpp-console < FILE replays it: exit 0"
like "$(printf '%s\n' "$xt_out" | grep 'id="r1"')" 'type="result"' \
    "... the version request is answered again"
like "$(printf '%s\n' "$xt_out" | grep 'id="r2"')" 'type="result"' \
    "... and the roster get"
is "$(printf '%s\n' "$xt_out" | grep -c .)" 2 "... the two replies, nothing else"
bob_wait 'saved and sent again' 2
is "$(bodies_to_bob 'saved and sent again')" 2 "... and bob gets the message again"

# ---- 8. colours; the default history file ----

console c NO_COLOR=1 "XDG_STATE_HOME=$XT_TMP/state" --color=auto
mark c
key c /ping
since_wait c '^xml> <iq .*</iq>$'
tm send-keys -t c Enter
since_wait c "in: reply to 'c[0-9]+'"
tm capture-pane -e -p -J -S - -t c | tail -n "+$((mark + 1))" | grep -v '^xml>' \
    >"$XT_TMP/esc"
ok "NO_COLOR=1, --color=auto: the stanzas are there" grep -q 'urn:xmpp:ping' "$XT_TMP/esc"
is "$(grep -c "$esc\\[[0-9;]*m" "$XT_TMP/esc")" 0 "... without any colour"
# The same ping, coloured below: compared without times.
sed -E "s/$hms/T/; s/after $ms_re/after N ms/" "$XT_TMP/esc" | sed 's/ *$//' |
    grep . >"$XT_TMP/plain"
key c /quit
is "$(rc_wait c)" 0 "... /quit: exit 0"
tm kill-session -t c 2>/dev/null
state=$XT_TMP/state/xmpp-tools
ok "no --history-file: the history is \$XDG_STATE_HOME/xmpp-tools/history" \
    grep -q 'urn:xmpp:ping' "$state/history"
is "$(stat -c %a "$state/history")" 600 "... mode 0600"
is "$(stat -c %a "$state")" 700 "... in a directory of mode 0700"

console d NO_COLOR=1 --color=always --passive
mark d
key d /ping
since_wait d '^xml> <iq .*</iq>$'
tm send-keys -t d Enter
since_wait d "in: reply to 'c[0-9]+'"
tm capture-pane -e -p -J -S - -t d | tail -n "+$((mark + 1))" >"$XT_TMP/esc"
like "$(sgr "$XT_TMP/esc" "<!-- $hms out -->")" '^36$' \
    "--color=always, even with NO_COLOR: the out header cyan"
like "$(sgr "$XT_TMP/esc" "<!-- $hms in: reply")" '^32$' "... the in header green"
like "$(sgr "$XT_TMP/esc" "<ping")" '^(1 34|34 1)$' "... element names bold blue"
like "$(sgr "$XT_TMP/esc" "xmlns")" '^33$' "... attribute names yellow"
like "$(sgr "$XT_TMP/esc" '"urn:xmpp:ping"')" '^32$' "... attribute values green"
is "$(sed "s/$esc\\[[0-9;]*m//g" "$XT_TMP/esc" | grep -v '^xml>' |
    sed -E "s/$hms/T/; s/after $ms_re/after N ms/; s/ *\$//" | grep .)" \
    "$(cat "$XT_TMP/plain")" \
    "... stripped of them, the same text as without colours"

# ---- 10. --passive ----

mark d
bob_pings 3
is_rc 75 "--passive: bob's ping gets no answer (exit 75)"
unlike "$xt_out" 'pong' "... no pong"
since_wait d 'not answered'
like "$(grep 'not answered' "$XT_TMP/new")" \
    "^<!-- $hms in: not answered \\(--passive\\) -->\$" \
    "the ping is shown: 'in: not answered (--passive)'"
like "$(after "$XT_TMP/new" 'not answered')" \
    "^<iq( [a-z:]+=\"[^\"]*\")* from=\"$bob/[^\"]*\"( [a-z:]+=\"[^\"]*\")* type=\"get\"" \
    "... bob's ping"
is "$(grep -c 'answered automatically' "$XT_TMP/new")" 0 "... nothing answered"
# Saved, the note "(--passive)" has a "--" of its own: still a comment.
key d "/save $XT_TMP/passive.xml"
since_wait d "saved [0-9]+ stanzas"
xt_run xmpp-console --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
    --jid "alice@$D" --password-file "$XT_TMP/alice.pw" <"$XT_TMP/passive.xml"
is_rc 0 "... a session that saved it replays (exit 0)"

# An error reply: its header in red.
mark d
key d "<iq type=\"get\" id=\"e1\" to=\"nobody@$D/none\"><ping xmlns=\"urn:xmpp:ping\"/></iq>"
since_wait d "in: reply to 'e1'"
tm capture-pane -e -p -J -S - -t d | tail -n "+$((mark + 1))" >"$XT_TMP/esc"
like "$(sgr "$XT_TMP/esc" "<!-- $hms in: reply to 'e1'")" '^31$' \
    "an error that comes: its header red"

# SIGTERM: ends as ^D does.
kill -TERM "$(cat "$XT_TMP/d.pid")"
is "$(rc_wait d)" 0 "SIGTERM: exit 0"
tm kill-session -t d 2>/dev/null

# ---- stdout elsewhere: the stanzas there, the prompt on the terminal ----

console e "STDOUT=$XT_TMP/e.out" --history-file "$XT_TMP/history-e"
key e /ping
pane_wait e '^xml> <iq .*</iq>$'
tm send-keys -t e Enter
xt_wait_for "$XT_TMP/e.out" 'type="result"'
is "$(sed -E "s/$hms/T/; s/after $ms_re/after N ms/" "$XT_TMP/e.out" | sed -n 1,5p)" \
    "<!-- T out -->
<iq id=\"c1\" to=\"$D\" type=\"get\">
  <ping xmlns=\"urn:xmpp:ping\"/>
</iq>
<!-- T in: reply to 'c1' after N ms -->" \
    "stdout a file: the stanzas and their headers there, no colours"
like "$(sed -n 6p "$XT_TMP/e.out")" '^<iq( [a-z:]+="[^"]*")* id="c1"( [a-z:]+="[^"]*")*/>$' \
    "... the reply"
is "$(sed -n '7,$p' "$XT_TMP/e.out")" "" "... nothing else: no prompt, no typing"
pane e
is "$(grep -c '<!--' "$XT_TMP/pane")" 0 "... the terminal: the prompt and the typing only"
ok "... the typing there" grep -q '^xml> <iq .*</iq>$' "$XT_TMP/pane"
# Any element is sent, a non-stanza too.
key e "<r xmlns='urn:xmpp:sm:3'/>"
xt_wait_for "$XT_TMP/e.out" '^<r xmlns="urn:xmpp:sm:3"/>$'
ok "any element is sent: <r xmlns='urn:xmpp:sm:3'/>" \
    grep -q '^<r xmlns="urn:xmpp:sm:3"/>$' "$XT_TMP/e.out"
# Sent before the client asked for stream management: Prosody ends
# the stream, ejabberd answers <failed/>.
if [ "$XT_SERVER_KIND" = ejabberd ]; then
	xt_wait_for "$XT_TMP/e.out" '^<failed xmlns="urn:xmpp:sm:3">$'
	like "$(grep -B 1 '^<failed ' "$XT_TMP/e.out" | head -n 1)" "^<!-- $hms in -->\$" \
	    "... the answer, <failed/>, is shown"
	key e /ping
	pane_wait e '^xml> <iq .*</iq>$'
	tm send-keys -t e Enter
	ok "... the console goes on" xt_wait_for "$XT_TMP/e.out" "in: reply to 'c2'"
	tm capture-pane -p -t e >"$XT_TMP/pane"
	unlike "$(cat "$XT_TMP/pane")" 'reconnecting' "... on the same stream"
	tm send-keys -t e C-d
	is "$(rc_wait e)" 0 "... ^D: exit 0"
else
	pane_wait e '^xmpp-console: .*stream error' 15
	like "$(grep '^xmpp-console: .*stream error' "$XT_TMP/pane")" \
	    "^xmpp-console: stream error from '$D': unsupported-stanza-type; reconnecting \\(\\^C gives up\\)\$" \
	    "... the stream error that answers it is printed, and the console logs in again"
	ok "... and shown" grep -q '<unsupported-stanza-type ' "$XT_TMP/e.out"
	pane_wait e "^xmpp-console: reconnected as 'alice@$D/" 15
	key e /ping
	pane_wait e '^xml> <iq .*</iq>$'
	tm send-keys -t e Enter
	ok "... logged in again, the console goes on" \
	    xt_wait_for "$XT_TMP/e.out" "in: reply to 'c2'"
	tm send-keys -t e C-d
	is "$(rc_wait e)" 0 "... ^D: exit 0"
fi
