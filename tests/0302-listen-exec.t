#!/bin/sh
# xmpp-listen --exec: one command per matching stanza, one at a time, in
# order; the stanza on its stdin and XMPP_* in its environment; remote
# data never reaches a shell as code.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-listen xmpp-send
xt_server
plan 33

. "$XT_TESTS/listen.sh"

# The command run for each stanza: it keeps what it was given in
# $XT_TMP/run.N.* and prints one line.
hook=$XT_TMP/hook
cat >"$hook" <<'HOOK'
d=$(dirname "$0")
n=$(($(cat "$d/runs" 2>/dev/null || echo 0) + 1))
echo "$n" >"$d/runs"
printf '%s' "$XMPP_BODY" >"$d/run.$n.body"
printf '%s' "$XMPP_FROM" >"$d/run.$n.from"
printf '%s|%s|%s|%s|%s' "${XMPP_KIND-unset}" "${XMPP_TYPE-unset}" \
    "${XMPP_ID-unset}" "${XMPP_BODY+set}" "${XMPP_FROM+set}" >"$d/run.$n.meta"
cat >"$d/run.$n.stdin"
echo "hook ran $n"
exit "$n"
HOOK
# get N WHAT: what run N of the hook was given.
get() {
	cat "$XT_TMP/run.$1.$2" 2>/dev/null
}

# ---- hostile bodies ----

m=$XT_TMP/pwned
body1=$(printf 'a\n$(touch %s.1)\n`touch %s.2`\n"; touch %s.3; echo "\n'"'"'; touch %s.4 #\n%%s %%n \\x41 -e' \
    "$m" "$m" "$m" "$m")
body2="\$(touch $m.5) \${IFS} \$HOME && touch $m.6 | touch $m.7; touch $m.8 <$m.9"
res="\$(touch $m.10)\`touch $m.11\`"
XMPP_BODY=stale XMPP_TYPE=stale \
    listen_bg exec bob -v --type chat --type presence --from "alice@$XT_DOMAIN/$res" \
    --from "alice@$XT_DOMAIN/x" -c 4 -x "sh '$hook'" || bail_out "xmpp-listen did not start"
printf '%s\n' "$body1" | send alice --resource "$res" "bob@$XT_DOMAIN/exec"
ok "sent a body with quotes, \$(...), backticks and newlines" test $? = 0
send alice --resource "$res" -m "$body2" "bob@$XT_DOMAIN/exec" </dev/null
ok "sent a body with \$(...), \${...}, &&, |, ; and <" test $? = 0
send alice --resource "$res" -m 'third' "bob@$XT_DOMAIN/exec" </dev/null
printf '<presence to="bob@%s/exec"><status>$(touch %s.12)</status></presence>\n' \
    "$XT_DOMAIN" "$m" | send alice --resource x --raw
wait_bg exec
is "$bg_rc" 0 "-c 4 with --exec: exit 0"
is "$(ls "$XT_TMP" | grep -c '^pwned')" 0 "nothing in a body, a JID or a status was executed"
is "$(get 1 body)" "$body1" "XMPP_BODY: the exact body, newlines included"
is "$(get 1 from)" "alice@$XT_DOMAIN/$res" "XMPP_FROM: the exact full JID"
# stanza_id N: the id of the stanza run N had on its stdin.
stanza_id() {
	sed -n 's/^<[a-z]* [^>]* id="\([^"]*\)".*/\1/p' "$XT_TMP/run.$1.stdin"
}
id1=$(stanza_id 1)
like "$id1" '.' "the stanza on stdin has an id"
is "$(get 1 meta)" "message|chat|$id1|set|set" "XMPP_KIND, XMPP_TYPE and XMPP_ID"
is "$(get 2 body)" "$body2" "XMPP_BODY: the second hostile body, exact"
is "$(get 3 body)" "third" "the third stanza"
is "$(get 4 meta)" "presence|unset|$(stanza_id 4)||set" \
    "a presence: no XMPP_BODY, no XMPP_TYPE (not even the one xmpp-listen inherited)"
is "$(get 4 from)" "alice@$XT_DOMAIN/x" "... XMPP_FROM"
is "$(wc -l <"$XT_TMP/run.1.stdin" | tr -d ' ')" 1 "stdin: one line"
stdin_body=$($py -S - "$XT_TMP/run.1.stdin" <<'PY'
import sys, xml.dom.minidom
d = xml.dom.minidom.parseString(open(sys.argv[1], "rb").read().rstrip(b"\n"))
b = d.documentElement.getElementsByTagName("body")[0]
sys.stdout.write("".join(t.data for t in b.childNodes) + "|")
PY
)
is "${stdin_body%|}" "$body1" "stdin: the stanza as -o xml writes it, body intact"
like "$(get 4 stdin)" '^<presence xmlns="jabber:client" from=.*<status>\$\(touch ' \
    "stdin of the presence"
is "$(cat "$XT_TMP/exec.out")" "hook ran 1
hook ran 2
hook ran 3
hook ran 4" "stdout: only what the command printed, in order"
like "$(cat "$XT_TMP/exec.err")" "exec exited with status 1" "-v: the exit status of each run"
like "$(cat "$XT_TMP/exec.err")" "exec exited with status 4" "... the last one too"

# The quoting a user would write: the value in double quotes.
listen_bg quoted bob --type chat --from "alice@$XT_DOMAIN/q" -c 1 \
    -x "printf '%s' \"\$XMPP_BODY\" >'$XT_TMP/quoted'; cat >/dev/null" ||
    bail_out "xmpp-listen did not start"
send alice --resource q -m "$body2" "bob@$XT_DOMAIN/quoted" </dev/null
wait_bg quoted
is "$(cat "$XT_TMP/quoted")" "$body2" "\"\$XMPP_BODY\" in the command: the body, unexecuted"
is "$(ls "$XT_TMP" | grep -c '^pwned')" 0 "still nothing executed"
is "$(cat "$XT_TMP/quoted.out")" "" "xmpp-listen prints nothing itself with --exec"

# ---- one at a time, in order; the last finishes before exit ----

slow=$XT_TMP/slow
cat >"$slow" <<'SLOW'
d=$(dirname "$0")
echo "start $XMPP_BODY" >>"$d/order"
sleep 0.3
echo "end $XMPP_BODY" >>"$d/order"
SLOW
listen_bg order bob --type chat --from "alice@$XT_DOMAIN/o" -c 4 -x "sh '$slow'" ||
    bail_out "xmpp-listen did not start"
start=$(now_ms)
printf '1\n2\n3\n4\n' | send alice --resource o --lines "bob@$XT_DOMAIN/order"
wait_bg order
took=$(( $(now_ms) - start ))
is "$bg_rc" 0 "four slow commands: exit 0"
is "$(tr '\n' ' ' <"$XT_TMP/order")" "start 1 end 1 start 2 end 2 start 3 end 3 start 4 end 4 " \
    "one at a time, in the order received; the last one finished before exit"
ok "... they did not overlap (${took} ms for 4 x 0.3 s)" test "$took" -ge 1200

# A command that does not read its stdin, fails or is killed: the run
# goes on.
big=$(head -c 60000 /dev/zero | tr '\0' x)
listen_bg noread bob -v --type chat --from "alice@$XT_DOMAIN/n" -c 3 \
    -x 'case $XMPP_BODY in kill) kill -9 $$ ;; fail) exit 7 ;; esac; echo "len ${#XMPP_BODY}"' ||
    bail_out "xmpp-listen did not start"
send alice --resource n -m "$big" "bob@$XT_DOMAIN/noread" </dev/null
send alice --resource n -m fail "bob@$XT_DOMAIN/noread" </dev/null
send alice --resource n -m kill "bob@$XT_DOMAIN/noread" </dev/null
wait_bg noread
is "$bg_rc" 0 "commands that ignore stdin, fail, or die: xmpp-listen goes on, exit 0"
is "$(cat "$XT_TMP/noread.out")" "len 60000" "a 60000-byte body through the environment"
like "$(cat "$XT_TMP/noread.err")" "exec exited with status 7" "-v: a failing command's status"
like "$(cat "$XT_TMP/noread.err")" "exec was killed by signal 9|exec exited with status 137" \
    "-v: a killed command"

# A command that is not found.
listen_bg missing bob -c 1 --type chat --from "alice@$XT_DOMAIN/z" \
    -x "'$XT_TMP/no such command'" || bail_out "xmpp-listen did not start"
send alice --resource z -m 'x' "bob@$XT_DOMAIN/missing" </dev/null
wait_bg missing
is "$bg_rc" 0 "a command not found is the command's failure, not xmpp-listen's"
like "$(cat "$XT_TMP/missing.err")" "not found" "... the shell says so on stderr"

# ---- a bot in a few lines: answer every chat message ----

bot=$XT_TMP/bot
cat >"$bot" <<BOT
#!/bin/sh
# Answer every chat message with its length, to the sender's bare JID.
printf 'you said %s characters\n' "\${#XMPP_BODY}" |
    xmpp-send --server 127.0.0.1:$XT_PORT --cafile '$XT_CAFILE' \\
        --jid bob@$XT_DOMAIN --password-file '$XT_TMP/bob.pw' "\${XMPP_FROM%%/*}"
BOT
chmod +x "$bot"
listen_bg bot bob --type chat --from "alice@$XT_DOMAIN/q" -c 2 -x "'$bot'" ||
    bail_out "xmpp-listen did not start"
pinger=bob listen_bg asker alice -o text --type chat --from "bob@$XT_DOMAIN" -c 2 ||
    bail_out "xmpp-listen did not start"
send alice --resource q -m 'hello' "bob@$XT_DOMAIN/bot" </dev/null
send alice --resource q -m '$(reboot)' "bob@$XT_DOMAIN/bot" </dev/null
wait_bg asker
is "$bg_rc" 0 "the bot answered twice"
is "$(cut -f4 "$XT_TMP/asker.out")" "you said 5 characters
you said 9 characters" "... with the right answers"
wait_bg bot
is "$bg_rc" 0 "the bot ends after -c 2"
