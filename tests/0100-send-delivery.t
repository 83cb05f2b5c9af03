#!/bin/sh
# xmpp-send delivers: checked at the receiving account, not by exit 0.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
xt_server
plan 22

pw=$(xt_pwfile alice)
send() {
	xt_run xmpp-send --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "alice@$XT_DOMAIN" --password-file "$pw" "$@"
}
# field FILE N KEY: KEY of the Nth JSON line of FILE.
field() {
	/usr/bin/python3 -S -c '
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
print(json.loads(lines[int(sys.argv[2]) - 1]).get(sys.argv[3], ""), end="")
' "$@"
}

got=$XT_TMP/bob.jsonl
xt_recv_start bob "$XT_BOB_PW" "$got" || bail_out "receiver failed"

send --message "hello from a test" "bob@$XT_DOMAIN" </dev/null
is_rc 0 "--message: exit 0"
xt_recv_wait "$got" 1 && pass "bob received a message" || fail "bob received a message"
is "$(field "$got" 1 body)" "hello from a test" "--message body arrives"
is "$(field "$got" 1 from | cut -d/ -f1)" "alice@$XT_DOMAIN" "sender is alice"
is "$(field "$got" 1 type)" "chat" "default type is chat"
is "$xt_out$xt_err" "" "silent on success"

printf 'line one\nline two\n\ttabbed ünïcödé ✓\n' >"$XT_TMP/body"
send "bob@$XT_DOMAIN" <"$XT_TMP/body"
is_rc 0 "stdin body: exit 0"
xt_recv_wait "$got" 2
is "$(field "$got" 2 body)" "$(printf 'line one\nline two\n\ttabbed ünïcödé ✓')" \
    "multi-line UTF-8 body arrives byte for byte, trailing newline dropped"

printf 'bell\007 nul-free esc\033[0m end\n' >"$XT_TMP/ctl"
send "bob@$XT_DOMAIN" <"$XT_TMP/ctl"
is_rc 0 "control characters: exit 0 (the stream survives)"
like "$xt_err" "replaced 2 characters .* in the message" "control characters: a warning says so"
xt_recv_wait "$got" 3
is "$(field "$got" 3 body)" "bell� nul-free esc�[0m end" \
    "control characters arrive as U+FFFD"

printf 'bad \377\376 utf8\n' >"$XT_TMP/bad"
send "bob@$XT_DOMAIN" <"$XT_TMP/bad"
is_rc 0 "invalid UTF-8: exit 0"
xt_recv_wait "$got" 4
like "$(field "$got" 4 body)" "^bad .+ utf8$" "invalid UTF-8 replaced, message delivered"

send --type headline --subject "disk" --message "sda full" "bob@$XT_DOMAIN" </dev/null
is_rc 0 "--type headline --subject: exit 0"
xt_recv_wait "$got" 5
is "$(field "$got" 5 type)" "headline" "type headline arrives"
like "$(field "$got" 5 xml)" "<subject>disk</subject>" "subject arrives"

xt_run xmpp-send --server "127.0.0.1:$XT_TLS_PORT" --tls direct \
    --cafile "$XT_CAFILE" --jid "alice@$XT_DOMAIN" --password-file "$pw" \
    --message "over direct TLS" "bob@$XT_DOMAIN" </dev/null
is_rc 0 "direct TLS (XEP-0368): exit 0"
xt_recv_wait "$got" 6
is "$(field "$got" 6 body)" "over direct TLS" "direct TLS message arrives"

send --message "to two" "bob@$XT_DOMAIN" "carol@$XT_DOMAIN" </dev/null
is_rc 0 "two recipients: exit 0"
xt_recv_wait "$got" 7
is "$(field "$got" 7 body)" "to two" "first recipient got it"

send "bob@$XT_DOMAIN" </dev/null
is_rc 0 "empty input: exit 0, nothing sent"
sleep 0.3
is "$(wc -l <"$got" | tr -d ' ')" 7 "empty input sent no message"
