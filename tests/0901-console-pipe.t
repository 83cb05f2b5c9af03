#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-console without a terminal: stanzas from standard input in any
# layout, every stanza received on standard output (xml, json, text), one
# per line, nothing of its own; the end once every iq has its reply
# (bounded by -w); requests from others answered unless --passive; error
# replies, bounces, malformed input, control characters; what /save wrote
# replayed; head -1 and a closed stdout; connection failures; a large
# input delivered whole; usage.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-console xmpp-send xmpp-ping
xt_server
plan 110

. "$XT_TESTS/send.sh"

d=$XT_DOMAIN
pw=$(xt_pwfile alice)
bpw=$(xt_pwfile bob)
conn="--server 127.0.0.1:$XT_PORT --cafile $XT_CAFILE --jid alice@$d --password-file $pw"
bconn="--server 127.0.0.1:$XT_PORT --cafile $XT_CAFILE --jid bob@$d --password-file $bpw"

# console ARGS...: xmpp-console as alice, stdin the caller's (< FILE).
console() {
	xt_run xmpp-console $conn "$@"
}

# count ERE: lines of stdout matching ERE.
count() {
	grep -Ec -- "$1" "$XT_TMP/out"
}

now_ms() {
	date +%s%3N
}

# held NAME ARGS...: xmpp-console as alice in the background, its stdin a
# FIFO held open on fd 3 (close it to end the input), stdout and stderr
# in NAME.out and NAME.err, its pid in $held; returns once it is online.
held() {
	_name=$1
	shift
	rm -f "$XT_TMP/$_name.in"
	mkfifo "$XT_TMP/$_name.in"
	run_bounded 40 xmpp-console -v $conn "$@" <"$XT_TMP/$_name.in" \
	    >"$XT_TMP/$_name.out" 2>"$XT_TMP/$_name.err" &
	held=$!
	xt_at_exit "kill $held 2>/dev/null"
	exec 3>"$XT_TMP/$_name.in"
	xt_wait_for "$XT_TMP/$_name.err" "online as" ||
	    diag "xmpp-console $* did not get online: $(cat "$XT_TMP/$_name.err")"
}

# held_end NAME: end its input and wait for it: xt_rc, xt_err.
held_end() {
	exec 3>&-
	xt_rc=0
	wait "$held" || xt_rc=$?
	xt_err=$(cat "$XT_TMP/$1.err")
}

# summary FILE: "kind type bare-from id" of each JSON line of FILE.
summary() {
	jq -r '[.kind, .type // "-", (.from // "-" | sub("/.*"; "")), .id // "-"]
	    | join(" ")' "$1"
}

ping_to() {
	printf '<iq type="get" to="%s"><ping xmlns="urn:xmpp:ping"/></iq>\n' "$1"
}

# ask FULLJID SECS: bob sends a disco#info, a version and an unknown query
# to FULLJID with xmpp-send --raw; the replies sorted by id in
# $XT_TMP/replies (waiting SECS for them).
ask() {
	cat >"$XT_TMP/ask" <<XML
<iq type="get" to="$1" id="a1"><query xmlns="http://jabber.org/protocol/disco#info"/></iq>
<iq type="get" to="$1" id="a2"><query xmlns="jabber:iq:version"/></iq>
<iq type="get" to="$1" id="a3"><query xmlns="jabber:iq:last"/></iq>
XML
	run_bounded 30 xmpp-send $bconn --raw -w "$2" <"$XT_TMP/ask" \
	    >"$XT_TMP/replies.raw" 2>"$XT_TMP/ask.err" 3>&-
	sort "$XT_TMP/replies.raw" >"$XT_TMP/replies"
}
reply() {
	grep "id=\"$1\"" "$XT_TMP/replies"
}

got=$XT_TMP/bob.jsonl
receiver bob "$XT_BOB_PW" "$got"

# The account's servers name themselves differently in a version reply.
case $XT_SERVER_KIND in
ejabberd) vname='<name>ejabberd</name>' ;;
*) vname='<name>Prosody</name>' ;;
esac

# ---- any layout; replies one per line; ids ----

# A declaration, comments, two stanzas on a line, one across lines.
cat >"$XT_TMP/layout" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- pings, a version query and a message -->
<iq type="get" to="$d"><ping xmlns="urn:xmpp:ping"/></iq><iq type="get" to="$d" id="own-1"><ping xmlns="urn:xmpp:ping"/></iq>
<iq type="get"
    to="$d"><!-- inside --><query
    xmlns="jabber:iq:version"/></iq>
<!-- and a message -->
<message to="bob@$d"><body>any layout</body></message>
EOF
start=$(now_ms)
console <"$XT_TMP/layout"
took=$(( $(now_ms) - start ))
is_rc 0 "any layout: exit 0"
is "$xt_err" "" "... nothing on stderr"
is "$(count '.')" 3 "three replies, one per line"
is "$(count '^<iq .*(/>|</iq>)$')" 3 "... each a whole iq on its line"
like "$xt_out" "^<iq [^>]*from=\"$d\" [^>]*id=\"c1\" [^>]*type=\"result\"[^>]*/>\$" \
    "a stanza without id gets c1, and its reply is printed"
like "$xt_out" "^<iq [^>]*id=\"own-1\" [^>]*type=\"result\"[^>]*/>\$" \
    "a stanza with an id keeps it, and its reply carries it"
like "$xt_out" "^<iq [^>]*id=\"c2\" [^>]*type=\"result\"[^>]*><query xmlns=\"jabber:iq:version\">.*$vname" \
    "the next one without id gets c2: the version across lines, answered"
xt_recv_wait "$got" 1
is "$(field "$got" 1 body)/$(field "$got" 1 id)" "any layout/c3" \
    "the message arrives, with id c3"
ok "it ends once the replies are in, well before -w ($took ms)" \
    test "$took" -lt 10000

console -o json <"$XT_TMP/layout"
is_rc 0 "-o json: exit 0"
is "$(summary "$XT_TMP/out" | sort)" "iq result $d c1
iq result $d c2
iq result $d own-1" "-o json: one object per reply: kind, type, from, id"
xt_recv_wait "$got" 2

console -o text <"$XT_TMP/layout"
is_rc 0 "-o text: exit 0"
is "$(sort "$XT_TMP/out")" "$(printf '%s\tresult\t\n%s\tresult\t\n%s\tresult\tjabber:iq:version' "$d" "$d" "$d")" \
    "-o text: from, type, namespace"
xt_recv_wait "$got" 3

{ ping_to "$d"; ping_to "$d"; ping_to "$d"; } >"$XT_TMP/pings"
start=$(now_ms)
console -w 20 <"$XT_TMP/pings"
took=$(( $(now_ms) - start ))
is_rc 0 "-w 20, three pings: exit 0"
is "$(count "id=\"c[123]\" [^>]*type=\"result\"")" 3 "... three replies"
ok "... once they are in, not at -w ($took ms)" test "$took" -lt 10000

# ---- an iq nobody answers: a passive peer ----

held peer --resource peer --passive
ping_to "alice@$d/peer" >"$XT_TMP/topeer"
start=$(now_ms)
console -w 2 <"$XT_TMP/topeer" 3>&-
took=$(( $(now_ms) - start ))
is_rc 75 "a ping nobody answers, -w 2: exit 75"
is "$xt_err" "xmpp-console: no reply to 1 iq request within 2 s: 'c1'" \
    "... naming the iq left without a reply"
ok "... after about -w ($took ms)" test "$took" -ge 2000 -a "$took" -lt 6000
is "$xt_out" "" "... nothing on stdout: nothing came"
xt_wait_for "$XT_TMP/peer.out" 'urn:xmpp:ping'
like "$(cat "$XT_TMP/peer.out")" \
    "^<iq [^>]*from=\"alice@$d/[^\"]+\" [^>]*id=\"c1\" [^>]*to=\"alice@$d/peer\" [^>]*type=\"get\"[^>]*><ping xmlns=\"urn:xmpp:ping\"/></iq>\$" \
    "the passive peer printed the ping it received"
# Two left without a reply after one that got its reply: named in the
# order they were sent.
{ ping_to "$d"; ping_to "alice@$d/peer"; ping_to "alice@$d/peer"; } >"$XT_TMP/topeer2"
# -w bounds the login and the ping that is answered too: room for both
# on a busy machine.
console -w 5 <"$XT_TMP/topeer2" 3>&-
is_rc 75 "two pings nobody answers after one answered: exit 75"
is "$xt_err" "xmpp-console: no reply to 2 iq requests within 5 s: 'c2', 'c3'" \
    "... both named, in the order sent"
like "$xt_out" "^<iq [^>]*from=\"$d\" [^>]*id=\"c1\" [^>]*type=\"result\"[^>]*/>\$" \
    "... the reply that came is printed"
xt_wait_for "$XT_TMP/peer.out" 'id="c3"'
held_end peer
is_rc 0 "the passive peer ends with its input: exit 0"
is "$(grep -c '<ping xmlns="urn:xmpp:ping"/></iq>$' "$XT_TMP/peer.out")/$(lines_of "$XT_TMP/peer.out")" 3/3 \
    "... having printed the three pings, nothing else"

held peer2 --resource peer
console <"$XT_TMP/topeer" 3>&-
is_rc 0 "the same ping to a peer without --passive: exit 0"
like "$xt_out" "^<iq [^>]*from=\"alice@$d/peer\" [^>]*id=\"c1\" [^>]*type=\"result\"[^>]*/>\$" \
    "... its answer printed"
held_end peer2
is_rc 0 "that peer ends with its input: exit 0"
is "$(lines_of "$XT_TMP/peer2.out")" 1 \
    "... having printed the ping, not its own answer"

# ---- what comes from others; nothing of its own ----

held live --resource live -o json
xt_run xmpp-send $bconn -m "hello console" "alice@$d/live" </dev/null 3>&-
is_rc 0 "bob sends a message to the console's full JID"
xt_wait_for "$XT_TMP/live.out" 'hello console'
like "$(sed -n 1p "$XT_TMP/live.out")" '"body":"hello console"' \
    "... it is printed on the console's stdout"
xt_run xmpp-ping $bconn -c 1 -W 5 "alice@$d/live" </dev/null 3>&-
is_rc 0 "bob pings the console: exit 0"
like "$xt_out" "^pong from alice@$d/live: seq=1 " "... it answers: pong"
ask "alice@$d/live" 10
like "$(reply a1)" 'type="result".*<feature var="urn:xmpp:ping"/>' \
    "it answers disco#info"
like "$(reply a2)" 'type="result".*<name>xmpp-tools</name>' "... and version"
like "$(reply a3)" 'type="error".*<service-unavailable ' \
    "... and refuses an unknown query: service-unavailable"
n=$(lines_of "$got")
printf '<iq type="get" to="%s" id="live-1"><ping xmlns="urn:xmpp:ping"/></iq>\n<message to="bob@%s"><body>from the console</body></message>\n' \
    "$d" "$d" >&3
xt_recv_wait "$got" $((n + 1))
is "$(field "$got" $((n + 1)) body)" "from the console" \
    "a stanza written while it runs is sent at once"
xt_wait_for "$XT_TMP/live.out" '"id":"live-1"'
held_end live
is_rc 0 "the input ends: exit 0"
is "$(summary "$XT_TMP/live.out" | sed 's/ [^ ]*$//')" "message chat bob@$d
iq get bob@$d
iq get bob@$d
iq get bob@$d
iq get bob@$d
iq result $d" \
    "stdout: bob's message and requests, our reply; no echo, no answer, no barrier"
is "$(jq -r '.child_ns // "-"' "$XT_TMP/live.out" | tr '\n' ' ')" \
    "- urn:xmpp:ping http://jabber.org/protocol/disco#info jabber:iq:version jabber:iq:last - " \
    "... the requests as they came"
like "$(sed -n 6p "$XT_TMP/live.out")" '"id":"live-1"' "... the reply is to live-1"

# -w bounds the wait for replies, not an input held open: this one is
# idle longer than that.
held passive --resource passive --passive -o json -w 2
xt_run xmpp-ping $bconn -c 1 -W 2 "alice@$d/passive" </dev/null 3>&-
is_rc 75 "bob pings a --passive console: no answer, exit 75"
like "$xt_out" "^no answer from alice@$d/passive: seq=1 within 2 s\$" \
    "... xmpp-ping says so"
xt_wait_for "$XT_TMP/passive.out" 'urn:xmpp:ping'
ask "alice@$d/passive" 2
is "$(lines_of "$XT_TMP/replies")/$(grep -c "^xmpp-send: no reply to iq 'a[123]' within 2 s\$" "$XT_TMP/ask.err")" 0/3 \
    "... nor disco#info, version or an unknown query: no reply at all"
xt_wait_for "$XT_TMP/passive.out" 'jabber:iq:last'
held_end passive
is_rc 0 "the --passive console ends with its input, after more than -w: exit 0"
is "$(jq -r '[.kind, .type // "-", (.from // "-" | sub("/.*"; "")), .child_ns // "-"]
    | join(" ")' "$XT_TMP/passive.out")" \
    "iq get bob@$d urn:xmpp:ping
iq get bob@$d http://jabber.org/protocol/disco#info
iq get bob@$d jabber:iq:version
iq get bob@$d jabber:iq:last" \
    "... it printed the requests, and nothing else"

# ---- errors from the other side ----

printf '%s\n<iq type="get" to="%s"><query xmlns="urn:example:unknown"/></iq>\n' \
    "$(ping_to "$d")" "$d" >"$XT_TMP/iqerr"
console <"$XT_TMP/iqerr"
is_rc 1 "an iq error reply: exit 1"
is "$(count "id=\"c1\" [^>]*type=\"result\"")" 1 "the other reply is printed"
is "$(count "^<iq [^>]*id=\"c2\" [^>]*type=\"error\".*<service-unavailable ")" 1 \
    "the error reply is printed on stdout, with its condition"
like "$xt_err" "^xmpp-console: iq 'c2' to '$d' failed: service-unavailable" \
    "stderr names the iq, whom it went to and the condition"
is "$(printf '%s\n' "$xt_err" | wc -l)" 1 "... in one line"

printf '<message to="nobody@%s"><body>to no one</body></message>\n' "$d" >"$XT_TMP/bounce"
console <"$XT_TMP/bounce"
is_rc 1 "a message that bounces: exit 1"
like "$xt_out" "^<message [^>]*from=\"nobody@$d\" [^>]*id=\"c1\" [^>]*type=\"error\".*<service-unavailable " \
    "the bounce is printed on stdout"
like "$xt_err" "^xmpp-console: message 'c1' to 'nobody@$d' failed: service-unavailable" \
    "stderr names the message, its recipient and the condition"
printf '<message to="nobody@%s" id="mine"><body>to no one</body></message>\n' "$d" \
    >"$XT_TMP/bounce"
console <"$XT_TMP/bounce"
is_rc 1 "a message with its own id that bounces: exit 1"
like "$xt_err" "^xmpp-console: message 'mine' to 'nobody@$d' failed: service-unavailable" \
    "... named by its own id"

# ---- malformed input ----

n=$(lines_of "$got")
cat >"$XT_TMP/bad" <<EOF
<iq type="get" to="$d" id="before-1"><ping xmlns="urn:xmpp:ping"/></iq>
<message to="bob@$d"><body>before the error</body></message>
<message to="bob@$d"><body>broken</bodx></message>
<iq type="get" to="$d" id="after-1"><ping xmlns="urn:xmpp:ping"/></iq>
<message to="bob@$d"><body>after the error</body></message>
EOF
console <"$XT_TMP/bad"
is_rc 65 "malformed input: exit 65"
like "$xt_err" '^xmpp-console: line 3: ' "the message names the line"
is "$(count .)/$(count 'id="before-1"[^>]*type="result"')" 1/1 \
    "the reply to the iq before it is printed, nothing else"
xt_recv_wait "$got" $((n + 1))
is "$(field "$got" $((n + 1)) body)" "before the error" \
    "the message before it was delivered"
xmpp-send $bconn -m marker "bob@$d" </dev/null
xt_recv_wait "$got" $((n + 2))
is "$(field "$got" $((n + 2)) body)" marker "... and nothing after it was sent"

# Shortcuts are for a terminal: here a line of text is no stanza.
printf '<iq type="get" to="%s" id="t1"><ping xmlns="urn:xmpp:ping"/></iq>\n/ping %s\n' \
    "$d" "$d" >"$XT_TMP/text"
console <"$XT_TMP/text"
is_rc 65 "a shortcut in a pipe is text outside a stanza: exit 65"
like "$xt_err" '^xmpp-console: line 2: ' "... the line named"
is "$(count 'id="t1"[^>]*type="result"')/$(count .)" 1/1 \
    "... the iq before it answered and printed, no ping sent for the shortcut"

# ---- control characters ----

n=$(lines_of "$got")
printf '<message to="bob@%s"><body>bell\001 here</body></message>\n%s\n' \
    "$d" "$(ping_to "$d")" >"$XT_TMP/ctrl"
console <"$XT_TMP/ctrl"
is_rc 0 "a control character in a body: exit 0"
is "$xt_err" \
    "xmpp-console: warning: line 1: replaced 1 character that XMPP cannot carry with U+FFFD" \
    "... replaced, with a warning naming the line"
is "$(count 'id="c2"[^>]*type="result"')" 1 "the stream survives: the ping after it answered"
xt_recv_wait "$got" $((n + 1))
is "$(field "$got" $((n + 1)) body)" "$(printf 'bell\357\277\275 here')" \
    "bob gets the message with U+FFFD"

# ---- what /save writes, replayed ----

n=$(lines_of "$got")
cat >"$XT_TMP/saved.xml" <<EOF
<!-- xmpp-console session of alice@$d/console, saved 2026-12-01T21:14:09Z -->
<!-- 21:14:03.512 out -->
<iq id="r1" to="$d" type="get"><ping xmlns="urn:xmpp:ping"/></iq>
<!-- 21:14:03.530 in: reply to 'r1' after 1.0 ms
<iq from="$d" id="r1" to="alice@$d/console" type="result"/>
-->
<!-- 21:14:04.001 out -->
<message id="r2" to="bob@$d" type="chat"><body>replayed</body></message>
<!-- 21:14:04.200 in
<iq from="bob@$d/x" id="q1" to="alice@$d/console" type="get"><ping xmlns="urn:xmpp:ping"/></iq>
-->
<!-- 21:14:04.201 out: answered automatically
<iq id="q1" to="bob@$d/x" type="result"/>
-->
<!-- 21:14:05.000 in
<message to="bob@$d" id="r3" type="chat"><body>never sent - - this one</body></message>
-->
<!-- 21:14:05.100 in
<iq id="r4" to="$d" type="get"><ping xmlns="urn:xmpp:ping"/></iq>
-->
EOF
console <"$XT_TMP/saved.xml"
is_rc 0 "a file written by /save replayed: exit 0"
is "$(count .)/$(count "^<iq [^>]*from=\"$d\" [^>]*id=\"r1\" [^>]*type=\"result\"[^>]*/>\$")" 1/1 \
    "the ping sent again, its reply printed; the commented iq not sent"
xt_recv_wait "$got" $((n + 1))
is "$(field "$got" $((n + 1)) body)/$(field "$got" $((n + 1)) id)" replayed/r2 \
    "the message sent again, with its id"
xmpp-send $bconn -m marker "bob@$d" </dev/null
xt_recv_wait "$got" $((n + 2))
is "$(field "$got" $((n + 2)) body)" marker "the commented message never reached bob"

# ---- head -1; a closed stdout ----

# More replies than a pipe holds: head goes after the first.
awk -v d="$d" 'BEGIN { for (i = 1; i <= 2000; i++)
	printf "<iq type=\"get\" to=\"%s\"><ping xmlns=\"urn:xmpp:ping\"/></iq>\n", d }' \
    >"$XT_TMP/many-pings"
{
	run_bounded 30 xmpp-console $conn <"$XT_TMP/many-pings" 2>"$XT_TMP/err"
	echo $? >"$XT_TMP/rc"
} | head -n 1 >"$XT_TMP/out"
xt_rc=$(cat "$XT_TMP/rc")
xt_err=$(cat "$XT_TMP/err")
is_rc 0 "2000 replies into head -1: exit 0"
is "$xt_err" "" "... quietly"
is "$(count "^<iq [^>]*id=\"c1\" [^>]*type=\"result\"[^>]*/>\$")/$(count .)" 1/1 \
    "head got the first reply"

xt_rc=0
run_bounded 30 xmpp-console $conn -v <"$XT_TMP/pings" >&- 2>"$XT_TMP/err" || xt_rc=$?
xt_err=$(cat "$XT_TMP/err")
is_rc 74 "stdout closed (>&-): exit 74"
is "$xt_err" "xmpp-console: cannot write to standard output: it is closed" \
    "... saying why, before logging in"

xt_rc=0
run_bounded 30 xmpp-console $conn <"$XT_TMP/pings" >/dev/full 2>"$XT_TMP/err" || xt_rc=$?
xt_err=$(cat "$XT_TMP/err")
is_rc 74 "stdout on a full disk (/dev/full): exit 74"
is "$xt_err" "xmpp-console: cannot write to standard output: no space left on device" \
    "... with the reason, once"

# ---- connection failures ----

port=$(xt_free_port)
xt_run xmpp-console --server "127.0.0.1:$port" --cafile "$XT_CAFILE" \
    --jid "alice@$d" --password-file "$pw" <"$XT_TMP/pings"
is_rc 69 "nothing listening: 69"
is "$xt_err" "xmpp-console: cannot connect to '$d' at 127.0.0.1:$port: connection refused" \
    "... one message naming host, address and cause"
is "$xt_out" "" "... nothing on stdout"

xt_silent_port
start=$(now_ms)
xt_run xmpp-console --server "127.0.0.1:$XT_SILENT_PORT" --cafile "$XT_CAFILE" \
    --jid "alice@$d" --password-file "$pw" -w 2 <"$XT_TMP/pings"
took=$(( $(now_ms) - start ))
is_rc 75 "a server that never speaks, -w 2: 75"
like "$xt_err" "timed out after 2 s waiting for the stream features of '$d'" \
    "... the message names the phase"
ok "... within -w and a bound ($took ms)" test "$took" -lt 6000

xt_run xmpp-console --server "127.0.0.1:$XT_PORT" --cafile "$XT_OTHER_CAFILE" \
    --jid "alice@$d" --password-file "$pw" <"$XT_TMP/pings"
is_rc 77 "a certificate from an untrusted CA: 77"
like "$xt_err" "certificate of '$d' rejected: " "... the certificate named"

printf 'wrong\n' >"$XT_TMP/wrong.pw"
chmod 600 "$XT_TMP/wrong.pw"
xt_run xmpp-console --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
    --jid "alice@$d" --password-file "$XT_TMP/wrong.pw" <"$XT_TMP/pings"
is_rc 77 "a wrong password: 77"
like "$xt_err" "authentication as 'alice@$d' with [A-Z0-9-]+ failed: not-authorized" \
    "... the message has the SASL condition"
is "$xt_out" "" "... nothing on stdout"

# ---- a large input: every stanza delivered ----

n=$(lines_of "$got")
awk -v d="$d" 'BEGIN { for (i = 1; i <= 2000; i++)
	printf "<message to=\"bob@%s\"><body>bulk %d</body></message>\n", d, i }' \
    >"$XT_TMP/bulk"
console <"$XT_TMP/bulk"
is_rc 0 "2000 messages in one stream: exit 0"
is "$xt_out$xt_err" "" "... nothing on stdout or stderr"
ok "bob's receiver gets all 2000" xt_recv_wait "$got" $((n + 2000)) 30
is "$(sed -n "$((n + 1)),\$p" "$got" | jq -r .body | sort -u | wc -l | tr -d ' ')" 2000 \
    "... each one once"
is "$(field "$got" $((n + 1)) body)/$(field "$got" $((n + 2000)) body)" \
    "bulk 1/bulk 2000" "... the first first, the last last"

# ---- --color, usage ----

console --color=always -o json <"$XT_TMP/pings"
is_rc 0 "--color=always in a pipe: exit 0"
is "$(summary "$XT_TMP/out" | sort)" "iq result $d c1
iq result $d c2
iq result $d c3" "... the -o json records stay JSON"
console --color=never <"$XT_TMP/pings"
is_rc 0 "--color=never: exit 0"
is "$(count '^<iq ')" 3 "... the replies printed"
console --color=sometimes <"$XT_TMP/pings"
is_rc 64 "--color=sometimes: 64"
like "$xt_err" "invalid --color 'sometimes'" "... the value named"
console extra <"$XT_TMP/pings"
is_rc 64 "an unexpected argument: 64"
like "$xt_err" "unexpected argument 'extra'" "... named in the message"
console --bogus <"$XT_TMP/pings"
is_rc 64 "an unknown option: 64"
xt_run xmpp-console --help </dev/null
is_rc 0 "--help: 0"
like "$xt_out" "--passive" "... lists --passive"
like "$xt_out" "--color=WHEN" "... and --color"

# An id shaped like the session's own ('xt-...') is still the user's.
printf '<iq type="get" id="xt-1" to="%s"><ping xmlns="urn:xmpp:ping"/></iq>\n' \
    "$XT_DOMAIN" >"$XT_TMP/xtid"
console <"$XT_TMP/xtid"
is_rc 0 "an iq with the id 'xt-1': its reply is waited for and comes (exit 0)"
like "$xt_out" 'id="xt-1"' "... and is printed"
