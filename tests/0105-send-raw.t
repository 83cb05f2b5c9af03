#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-send --raw: stanzas from standard input sent as they are, replies to
# iq get/set on standard output, malformed input and a closed stdout.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
xt_server
plan 45

. "$XT_TESTS/send.sh"

pw=$(xt_pwfile alice)
conn="--server 127.0.0.1:$XT_PORT --cafile $XT_CAFILE --jid alice@$XT_DOMAIN --password-file $pw"
send() {
	xt_run xmpp-send $conn "$@"
}

# count ERE: lines of stdout matching ERE.
count() {
	grep -Ec -- "$1" "$XT_TMP/out"
}

got=$XT_TMP/bob.jsonl
cgot=$XT_TMP/carol.jsonl
receiver bob "$XT_BOB_PW" "$got"
receiver carol "$XT_CAROL_PW" "$cgot"

# ---- messages ----

# Any layout: two stanzas on a line, one across three lines; a body with
# a newline written as such and as &#10;, markup escaped, UTF-8.
cat >"$XT_TMP/in" <<EOF
<message to="bob@$XT_DOMAIN" id="raw-1"><body>one</body></message><message to="bob@$XT_DOMAIN"><body>two &amp; &lt;three&gt;</body></message>
<message to="bob@$XT_DOMAIN"
   type="normal"><subject>sübject</subject><body>first line
second line&#10;third ✓</body></message>
EOF
send --raw <"$XT_TMP/in"
is_rc 0 "--raw messages: exit 0"
is "$xt_out$xt_err" "" "silent: no iq, nothing on stdout"
xt_recv_wait "$got" 3
is "$(field "$got" 1 body)" one "first stanza of a line arrives"
is "$(field "$got" 1 id)" raw-1 "... with its own id"
is "$(field "$got" 2 body)" "two & <three>" "second stanza of the same line, markup intact"
like "$(field "$got" 2 id)" '^xs[0-9a-f]{8}-[0-9]+$' "a stanza without id gets one"
is "$(field "$got" 3 body)" "$(printf 'first line\nsecond line\nthird ✓')" \
    "a stanza across lines: newlines in the body arrive, UTF-8 intact"
is "$(field "$got" 3 type)" normal "... its type as written"
is "$(field "$got" 3 subject)" "sübject" "... and its subject"

# A body over 64 KiB, with newlines, in one stanza.
/usr/bin/python3 -S -c '
import sys
body = ("ä" * 100 + "\n") * 327 + "end"
sys.stdout.buffer.write(("<message to=\"bob@xt.test\"><body>%s</body></message>\n"
                         % body).encode())
open(sys.argv[1], "wb").write(body.encode())' "$XT_TMP/big.want" >"$XT_TMP/big"
send --raw <"$XT_TMP/big"
is_rc 0 "a stanza over 64 KiB: exit 0"
xt_recv_wait "$got" 4
field "$got" 4 body >"$XT_TMP/big.have"
ok "a body over 64 KiB with newlines arrives byte for byte" \
    cmp "$XT_TMP/big.want" "$XT_TMP/big.have"

# No "to": each JID given receives its own copy.
printf '<message><body>to each</body></message>\n' >"$XT_TMP/noto"
send --raw "bob@$XT_DOMAIN" "carol@$XT_DOMAIN" <"$XT_TMP/noto"
is_rc 0 "--raw with recipients: exit 0"
xt_recv_wait "$got" 5
xt_recv_wait "$cgot" 1
is "$(field "$got" 5 body)" "to each" "bob gets a copy"
is "$(field "$cgot" 1 body)" "to each" "carol gets a copy"
isnt "$(field "$got" 5 id)" "$(field "$cgot" 1 id)" "each copy has its own id"
printf '<message to="bob@%s"><body>only bob</body></message>\n' "$XT_DOMAIN" >"$XT_TMP/tobob"
send --raw "carol@$XT_DOMAIN" <"$XT_TMP/tobob"
xt_recv_wait "$got" 6
sleep 0.3
is "$(field "$got" 6 body)/$(lines_of "$cgot")" "only bob/1" \
    "a stanza's own to wins over the JIDs given"

# A bounce is reported whether the stanza's id is ours or its own.
printf '<message to="nobody@%s"><body>x</body></message>\n' "$XT_DOMAIN" >"$XT_TMP/bounce"
send --raw <"$XT_TMP/bounce"
is_rc 1 "a raw message that bounces: exit 1"
like "$xt_err" "message to 'nobody@xt.test' bounced: service-unavailable" \
    "... reported with recipient and condition"
printf '<message to="nobody@%s" id="own-id"><body>x</body></message>\n' "$XT_DOMAIN" \
    >"$XT_TMP/bounce"
send --raw <"$XT_TMP/bounce"
is_rc 1 "a raw message with its own id that bounces: exit 1"
like "$xt_err" "message to 'nobody@xt.test' bounced: service-unavailable" \
    "... reported with recipient and condition"

# ---- iq: replies on stdout ----

v='<iq type="get" to="xt.test"><query xmlns="jabber:iq:version"/></iq>'
echo "$v" >"$XT_TMP/version"
# What each server says of itself (ejabberd names its OS before the
# version, which has a Debian revision).
case $XT_SERVER_KIND in
ejabberd)
	vname='<name>ejabberd</name>'
	version="$vname<os>[^<]+</os><version>[0-9.]+(-[0-9]+)?</version>" ;;
*)
	vname='<name>Prosody</name>'
	version="$vname<version>[0-9.]+</version>" ;;
esac
send --raw <"$XT_TMP/version"
is_rc 0 "iq version: exit 0"
like "$xt_out" "^<iq [^>]*from=\"xt.test\"[^>]*type=\"result\"[^>]*><query xmlns=\"jabber:iq:version\">$version" \
    "the server's version is printed"
is "$(lines_of "$XT_TMP/out")" 1 "... on one line"
is "$xt_err" "" "nothing on stderr"

send --raw -o json <"$XT_TMP/version"
is_rc 0 "-o json: exit 0"
is "$(printf '%s\n' "$xt_out" | jq -r '[.kind, .from, .type, .child_ns] | join(" ")')" \
    "iq xt.test result jabber:iq:version" "-o json: one object with the reply"
send --raw -o text <"$XT_TMP/version"
is "$xt_out" "$(printf 'xt.test\tresult\tjabber:iq:version')" "-o text: from, type, namespace"

# Two iqs in one line; one to our own account (no "to"), one with an id.
printf '<iq type="get"><query xmlns="jabber:iq:roster"/></iq><iq type="get" to="xt.test" id="mine"><ping xmlns="urn:xmpp:ping"/></iq>\n' \
    >"$XT_TMP/two"
send --raw <"$XT_TMP/two"
is_rc 0 "two iqs: exit 0"
is "$(count '^<iq ')" 2 "two replies, one per line"
is "$(count '<query xmlns="jabber:iq:roster"')" 1 "the account's roster (an iq without to)"
is "$(count 'id="mine"[^>]*type="result"')" 1 "the ping's reply, with its id"

printf '%s\n<iq type="get" to="xt.test"><query xmlns="urn:example:unknown"/></iq>\n' "$v" \
    >"$XT_TMP/iqerr"
send --raw <"$XT_TMP/iqerr"
is_rc 1 "an iq error reply: exit 1"
is "$(count 'type="result"')/$(count 'type="error".*<service-unavailable ')" 1/1 \
    "both replies printed, the error with its condition"

# ---- malformed input ----

n=$(lines_of "$got")
cat >"$XT_TMP/bad" <<EOF
<message to="bob@$XT_DOMAIN"><body>before 1</body></message>
<message to="bob@$XT_DOMAIN"><body>before 2</body></message>
<message to="bob@$XT_DOMAIN"><body>broken</bodx></message>
<message to="bob@$XT_DOMAIN"><body>after</body></message>
EOF
send --raw <"$XT_TMP/bad"
is_rc 65 "malformed XML: exit 65"
like "$xt_err" '^xmpp-send: line 3: ' "the message names the line"
xt_recv_wait "$got" $((n + 2))
sleep 0.3
is "$(field "$got" $((n + 1)) body)/$(field "$got" $((n + 2)) body)" "before 1/before 2" \
    "what came before the bad line was delivered"
is "$(lines_of "$got")" $((n + 2)) "nothing after it was sent"

printf '<message to="bob@%s"><body>fine</body></message>\n<query xmlns="jabber:iq:version"/>\n' \
    "$XT_DOMAIN" >"$XT_TMP/notstanza"
send --raw <"$XT_TMP/notstanza"
is_rc 65 "an element that is not a stanza: exit 65"
like "$xt_err" "line 2: <query> is not a stanza" "... named, with its line"
xt_recv_wait "$got" $((n + 3))
is "$(field "$got" $((n + 3)) body)" fine "... after delivering the stanza before it"

# ---- a closed stdout ----

# The reader goes away after the first reply: both replies may still fit
# in the pipe, so 0 or 74, but never a crash.
printf '%s\n%s\n' "$v" "$v" >"$XT_TMP/twov"
{
	run_bounded 30 xmpp-send $conn --raw <"$XT_TMP/twov" 2>"$XT_TMP/err"
	echo $? >"$XT_TMP/rc"
} | head -n 1 >"$XT_TMP/out"
rc=$(cat "$XT_TMP/rc")
like "$rc" '^(0|74)$' "two iqs into head -1: exit 0 or 74, no signal ($rc)"
is "$(count "$vname")" 1 "head got the first reply"

# The second reply comes after head has gone: it is lost, so 74, quietly;
# the message after it is still confirmed and delivered.
n=$(lines_of "$got")
{
	{
		echo "$v"
		sleep 1
		echo "$v"
		echo "<message to=\"bob@$XT_DOMAIN\"><body>after head</body></message>"
	} | run_bounded 30 xmpp-send $conn --raw 2>"$XT_TMP/err"
	echo $? >"$XT_TMP/rc"
} | head -n 1 >"$XT_TMP/out"
xt_rc=$(cat "$XT_TMP/rc")
xt_err=$(cat "$XT_TMP/err")
is_rc 74 "a reply that could not be written: exit 74"
is "$xt_err" "" "... quietly"
xt_recv_wait "$got" $((n + 1))
is "$(field "$got" $((n + 1)) body)" "after head" "... and what was sent is still delivered"
