#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-muc ROOM as a pipe: two occupants talk both ways through their
# stdin and stdout; a line written before the join is confirmed still
# goes; our own messages only with --echo; history on join only when
# asked, and marked so; -o text, json and xml records; control
# characters replaced with a warning; EOF sends what is left, leaves the
# room and exits 0.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-muc
xt_server
plan 45

. "$XT_TESTS/muc.sh"

r=$(room talk)
muc alice create --persistent "$r"
is_rc 0 "alice creates a persistent room"

# ---- two pipes ----

pipe_bg b bob -v "$r"
wait_nick carol "$r" bob || diag "bob did not join: $(cat "$XT_TMP/b.err")"
ok "bob's pipe joins the room" wait_nick carol "$r" bob 1
pipe_bg a alice -v "$r"
# At once: the join cannot be confirmed yet.
say a "early from alice"
xt_wait_for "$XT_TMP/b.out" 'early from alice' 15
like "$(cat "$XT_TMP/b.out")" "^$time_re	alice	early from alice\$" \
    "a line written before the join completes arrives: TIME, NICK, BODY"
say b "hello from bob"
xt_wait_for "$XT_TMP/a.out" 'hello from bob'
is "$(cut -f2- "$XT_TMP/a.out")" "bob	hello from bob" \
    "the other way: alice gets bob's line, three fields, not history"
like "$(cut -f1 "$XT_TMP/a.out")" "^$time_re\$" "... stamped with a UTC time"
# alice's own message came back to her before bob's (the room sends in
# order): had it been printed, it would be there.
unlike "$(cat "$XT_TMP/a.out")" 'early from alice' \
    "alice's own message is not printed without --echo"
unlike "$(cat "$XT_TMP/b.out")" 'hello from bob' "... nor bob's to him"

# Empty lines are skipped; escapes of the text output.
say b "" "tab	in\\it" "" "after the empty line"
xt_wait_for "$XT_TMP/a.out" 'after the empty line'
is "$(cut -f3 "$XT_TMP/a.out" | tr '\n' '|')" \
    'hello from bob|tab\tin\\it|after the empty line|' \
    "empty lines skipped; a tab and a backslash in the body escaped as \\t and \\\\"
is "$(awk -F'\t' '{ print NF }' "$XT_TMP/a.out" | sort -u)" 3 \
    "... and the tab does not make a fourth field"

# Control characters: replaced, with a warning; the line still goes.
say_raw a 'bell\007 here\n'
xt_wait_for "$XT_TMP/b.out" 'here$'
is "$(grep 'here$' "$XT_TMP/b.out" | cut -f3)" "$(printf 'bell\357\277\275 here')" \
    "a control character is replaced with U+FFFD and the message delivered"
like "$(cat "$XT_TMP/a.err")" 'replaced 1 character' "... with a warning on stderr"

# ---- --echo, -o json ----

pipe_bg c carol -o json --echo "$r"
say c "carol with echo"
xt_wait_for "$XT_TMP/c.out" 'carol with echo' 15
ok "--echo: our own message is printed (-o json)" \
    test "$(count "$XT_TMP/c.out" 'carol with echo')" = 1
line=$(grep -F 'carol with echo' "$XT_TMP/c.out")
ok "... as a JSON object" sh -c 'printf "%s\n" "$1" | jq -e . >/dev/null' sh "$line"
is "$(printf '%s\n' "$line" | jq -r '[.room, .nick, .body, (.history|tostring)] | join("|")')" \
    "$r|carol|carol with echo|false" "json: room, nick, body, history false"
like "$(printf '%s\n' "$line" | jq -r .time)" "^$time_re\$" "json: time"
isnt "$(printf '%s\n' "$line" | jq -r '.id // ""')" "" "json: an id"
xt_wait_for "$XT_TMP/a.out" 'carol with echo'
xt_wait_for "$XT_TMP/b.out" 'carol with echo'
is "$(count "$XT_TMP/a.out" 'carol with echo')$(count "$XT_TMP/b.out" 'carol with echo')" 11 \
    "the others get it once each"
say b "bob to carol"
xt_wait_for "$XT_TMP/c.out" 'bob to carol'
is "$(grep -F 'bob to carol' "$XT_TMP/c.out" | jq -r '.nick + "|" + .body')" \
    "bob|bob to carol" "json: another occupant's message"

# ---- history ----

# The room's last messages now: ..., "carol with echo", "bob to carol".
# Without --history: none of them.
pipe_bg late carol --nick late "$r"
wait_nick alice "$r" late || diag "late did not join: $(cat "$XT_TMP/late.err")"
say b "after late joined"
xt_wait_for "$XT_TMP/late.out" 'after late joined'
is "$(bodies "$XT_TMP/late.out")" "after late joined" \
    "no --history: nothing from before the join, the next message does come"
pipe_eof late
pipe_wait late
is "$bg_rc" 0 "... EOF: exit 0"

pipe_bg h carol --nick hist --history 2 "$r"
wait_lines "$XT_TMP/h.out" 2 15
is "$(cut -f2,3,4 "$XT_TMP/h.out" | tr '\n' '|')" \
    "bob	bob to carol	history|bob	after late joined	history|" \
    "--history 2: the last two messages, in order, fourth field history"
like "$(sed -n 1p "$XT_TMP/h.out" | cut -f1)" "^$time_re\$" "... with their time"
say b "live after history"
xt_wait_for "$XT_TMP/h.out" 'live after history'
is "$(tail -n 1 "$XT_TMP/h.out" | cut -f2-)" "bob	live after history" \
    "... then live messages, not marked"
is "$(wc -l <"$XT_TMP/h.out" | tr -d ' ')" 3 "... and nothing else"
pipe_eof h
pipe_wait h

pipe_bg hj carol --nick histjson -o json --history 1 "$r"
wait_lines "$XT_TMP/hj.out" 1 15
is "$(jq -r '.body + "|" + (.history|tostring) + "|" + .nick' "$XT_TMP/hj.out")" \
    "live after history|true|bob" "json: history true"
like "$(jq -r .time "$XT_TMP/hj.out")" "^$time_re\$" "json: the history's time"
pipe_eof hj
pipe_wait hj

pipe_bg hx carol --nick histxml -o xml --history 1 "$r"
wait_lines "$XT_TMP/hx.out" 1 15
say b "live in xml"
xt_wait_for "$XT_TMP/hx.out" 'live in xml'
hist=$(sed -n 1p "$XT_TMP/hx.out")
live=$(sed -n 2p "$XT_TMP/hx.out")
like "$hist" "^<message [^>]*type=[\"']groupchat[\"']" "xml: a message stanza per line"
like "$hist" "<body>live after history</body>" "xml: the history message, with its body"
like "$hist" "<delay [^>]*xmlns=[\"']urn:xmpp:delay[\"']|<delay xmlns=[\"']urn:xmpp:delay[\"']" \
    "xml: history carries the room's delay"
like "$live" "<body>live in xml</body>" "xml: then the live one"
unlike "$live" "urn:xmpp:delay" "... without a delay"
is "$(wc -l <"$XT_TMP/hx.out" | tr -d ' ')" 2 "xml: one line each"
pipe_eof hx
pipe_wait hx
is "$bg_rc" 0 "xml pipe: EOF, exit 0"

# ---- EOF ----

is "$(nicks carol "$r")" "alice bob carol" \
    "before EOF: the pipes of alice, bob and carol in the room"
# The last line right before EOF: sent, and confirmed, before leaving.
say a "last words of alice"
pipe_eof a
pipe_wait a
is "$bg_rc" 0 "alice: EOF, exit 0"
xt_wait_for "$XT_TMP/b.out" 'last words of alice'
like "$(cat "$XT_TMP/b.out")" "	alice	last words of alice\$" \
    "the line written right before EOF arrived"
is "$(nicks carol "$r")" "bob carol" "alice left the room at EOF"
like "$(cat "$XT_TMP/b.err")" "'alice'.*(joined|entered|is in)|(joined|entered).*'alice'" \
    "-v: bob's stderr shows alice's join"
like "$(cat "$XT_TMP/b.err")" "'alice'.*left|left.*'alice'" "... and her leaving"
unlike "$(cut -f2 "$XT_TMP/b.out" | sort -u | tr '\n' ' ')" "late|hist" \
    "... and his stdout only messages, no presence"

pipe_eof c
pipe_wait c
is "$bg_rc" 0 "carol: EOF, exit 0"
pipe_eof b
pipe_wait b
is "$bg_rc" 0 "bob: EOF, exit 0"
unlike "$(cat "$XT_TMP/b.err")" "xmpp-muc: (cannot|error|warning)" \
    "... with no error on stderr"

# SIGTERM: leave, exit 0.
pipe_bg t bob --nick term "$r"
wait_nick carol "$r" term
pipe_stop t
is "$bg_rc" 0 "SIGTERM: exit 0"
left=$(nicks carol "$r")
is "$?|$left" "0|" "... after leaving the room (now empty)"
