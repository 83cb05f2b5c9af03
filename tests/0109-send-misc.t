#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-send: --dry-run, --rate, --recipients, --thread, --type, a large
# body, a terminal on stdin (readline), SIGTERM, and usage errors.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
xt_server
plan 60

. "$XT_TESTS/send.sh"

pw=$(xt_pwfile alice)
conn="--server 127.0.0.1:$XT_PORT --cafile $XT_CAFILE --jid alice@$XT_DOMAIN --password-file $pw"
send() {
	xt_run xmpp-send $conn "$@"
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

got=$XT_TMP/bob.jsonl
cgot=$XT_TMP/carol.jsonl
receiver bob "$XT_BOB_PW" "$got"
receiver carol "$XT_CAROL_PW" "$cgot"

# ---- --dry-run ----

# Nothing listens on the port and there is no password: a run that
# connected or asked for one would fail.
dry() {
	xt_run xmpp-send --server "127.0.0.1:$(xt_free_port)" \
	    --jid "alice@$XT_DOMAIN" --dry-run "$@"
}
ids() {
	sed 's/"xs[0-9a-f]\{8\}-\([0-9]*\)"/"ID-\1"/g' "$XT_TMP/out"
}

printf 'one\n\ntwo ü & <x>\n' >"$XT_TMP/in"
dry --lines --subject S --thread T bob@xt.test carol@xt.test <"$XT_TMP/in"
is_rc 0 "--dry-run --lines: exit 0, without a server or a password"
is "$xt_err" "" "... nothing on stderr"
is "$(ids)" '<message id="ID-1" to="bob@xt.test" type="chat"><subject>S</subject><body>one</body><thread>T</thread><origin-id xmlns="urn:xmpp:sid:0" id="ID-1"/></message>
<message id="ID-2" to="carol@xt.test" type="chat"><subject>S</subject><body>one</body><thread>T</thread><origin-id xmlns="urn:xmpp:sid:0" id="ID-2"/></message>
<message id="ID-3" to="bob@xt.test" type="chat"><subject>S</subject><body>two ü &amp; &lt;x&gt;</body><thread>T</thread><origin-id xmlns="urn:xmpp:sid:0" id="ID-3"/></message>
<message id="ID-4" to="carol@xt.test" type="chat"><subject>S</subject><body>two ü &amp; &lt;x&gt;</body><thread>T</thread><origin-id xmlns="urn:xmpp:sid:0" id="ID-4"/></message>' \
    "--dry-run: one stanza per line, exactly"
is "$(grep -o ' id="[^"]*"' "$XT_TMP/out" | sort -u | sed 's/-[0-9]*"$//' | sort -u)" \
    "$(grep -o ' id="xs[0-9a-f]\{8\}' "$XT_TMP/out" | head -n 1)" \
    "ids are xsXXXXXXXX-N, one random prefix per run"

printf 'first\nsecond\n' >"$XT_TMP/two"
dry --type normal --receipt bob@xt.test <"$XT_TMP/two"
is_rc 0 "--dry-run, body from stdin: exit 0"
is "$(ids)" '<message id="ID-1" to="bob@xt.test" type="normal"><body>first&#10;second</body><request xmlns="urn:xmpp:receipts"/><origin-id xmlns="urn:xmpp:sid:0" id="ID-1"/></message>' \
    "--dry-run: a newline in the body is &#10;, the receipt request is there"

dry --chatroom -m "to the room" "room@$XT_MUC" </dev/null
is "$(ids)" "<message id=\"ID-1\" to=\"room@$XT_MUC\" type=\"groupchat\"><body>to the room</body><origin-id xmlns=\"urn:xmpp:sid:0\" id=\"ID-1\"/></message>" \
    "--dry-run --chatroom: the groupchat message"

printf '<message id="keep"><body>b</body></message>\n<iq type="get" to="xt.test"><ping xmlns="urn:xmpp:ping"/></iq>\n<message><body>c</body></message><broken>\n' \
    >"$XT_TMP/raw"
dry --raw bob@xt.test <"$XT_TMP/raw"
is_rc 65 "--dry-run --raw, malformed at the end: 65"
is "$(ids)" '<message id="keep" to="bob@xt.test"><body>b</body></message>
<iq id="ID-1" to="xt.test" type="get"><ping xmlns="urn:xmpp:ping"/></iq>
<message id="ID-2" to="bob@xt.test"><body>c</body></message>' \
    "--dry-run --raw: the stanzas before the error, ids and to filled in"
like "$xt_err" "line 3: " "... the error names the line"
n=$(lines_of "$got")
sleep 0.3
is "$(lines_of "$got")" "$n" "--dry-run delivered nothing"

# ---- the default mode: a large body ----

/usr/bin/python3 -S -c '
import sys
body = "".join("%04d ünïcödé ✓ %s\n" % (i, "y" * 60) for i in range(900))
open(sys.argv[1], "wb").write(body.rstrip("\n").encode())
sys.stdout.buffer.write(body.encode() + b"\n\n")' "$XT_TMP/big.want" >"$XT_TMP/big"
send "bob@$XT_DOMAIN" <"$XT_TMP/big"
is_rc 0 "a body over 64 KiB from stdin: exit 0"
xt_recv_wait "$got" $((n + 1))
field "$got" $((n + 1)) body >"$XT_TMP/big.have"
ok "... arrives byte for byte, newlines and UTF-8 kept, trailing ones dropped" \
    cmp "$XT_TMP/big.want" "$XT_TMP/big.have"

# ---- --type, --thread, --subject ----

n=$(lines_of "$got")
for t in chat normal headline; do
	send -t "$t" -m "type $t" "bob@$XT_DOMAIN" </dev/null
	is_rc 0 "--type $t: exit 0"
done
xt_recv_wait "$got" $((n + 3))
is "$(field "$got" $((n + 1)) type) $(field "$got" $((n + 2)) type) $(field "$got" $((n + 3)) type)" \
    "chat normal headline" "each type arrives as given"

send --thread "thr-1 ✓" --subject "sub ✓" -m "in a thread" "bob@$XT_DOMAIN" </dev/null
is_rc 0 "--thread --subject: exit 0"
xt_recv_wait "$got" $((n + 4))
is "$(field "$got" $((n + 4)) thread)" "thr-1 ✓" "the thread arrives"
is "$(field "$got" $((n + 4)) subject)" "sub ✓" "the subject arrives"

send -t bogus -m x "bob@$XT_DOMAIN" </dev/null
is_rc 64 "--type bogus: 64"
like "$xt_err" "invalid --type 'bogus': expected chat, normal, headline or groupchat" \
    "... the message names the option and the choices"

# What the user typed is quoted visibly: an ESC sequence or a newline in
# an operand cannot colour the terminal or forge a second line.
xt_run xmpp-send --dry-run --jid alice@xt.test -m x \
    "$(printf 'bo\033[2Jb@xt.test')" "$(printf 'x\342\200\256y\302\233@z')" </dev/null
is "$xt_rc" 64 "a control character in a recipient: 64"
is "$xt_err" 'xmpp-send: invalid recipient '"'"'bo\u001b[2Jb@xt.test'"'"': localpart contains a control character' \
    "... the ESC shown as \\u001b"
xt_run xmpp-send --dry-run --jid alice@xt.test --resource "$(printf 'r\nxmpp-send: all delivered')" \
    -m x bob@xt.test </dev/null
is "$(wc -l <"$XT_TMP/err" | tr -d ' ')" 1 "a newline in --resource: the message stays one line"
like "$xt_err" "'r\\\\nxmpp-send: all delivered'" "... showing it as \\n"

# RFC 7622 3.2: a domainpart's final dot is dropped, in the account and
# in the recipients.
n=$(($(lines_of "$got") + 1))
xt_run xmpp-send --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
    --jid "alice@$XT_DOMAIN." --password-file "$pw" -m "trailing dot" \
    "bob@$XT_DOMAIN." </dev/null
is_rc 0 "a domain with a trailing dot: logs in and sends, exit 0"
xt_recv_wait "$got" "$n"
is "$(field "$got" "$n" body).$(field "$got" "$n" to | sed 's,/.*,,')" \
    "trailing dot.bob@$XT_DOMAIN" "... delivered, to the JID without the dot"

send -t groupchat -m "groupchat to a person" "bob@$XT_DOMAIN" </dev/null
is_rc 1 "--type groupchat to a user, not a room: the server bounces it, 1"
like "$xt_err" "message to 'bob@xt.test' bounced" "... and the bounce is reported"

# ---- --recipients ----

cat >"$XT_TMP/rcpt" <<EOF
# the on-call list

  bob@$XT_DOMAIN
	carol@$XT_DOMAIN   
EOF
n=$(lines_of "$got")
send --recipients "$XT_TMP/rcpt" -m "to the list" </dev/null
is_rc 0 "--recipients FILE alone: exit 0"
xt_recv_wait "$got" $((n + 1))
xt_recv_wait "$cgot" 1
is "$(field "$got" $((n + 1)) body)" "to the list" "bob, indented, got it"
is "$(field "$cgot" 1 body)" "to the list" "carol, with spaces around, got it"

printf 'carol@%s\n' "$XT_DOMAIN" >"$XT_TMP/rcpt2"
send --recipients "$XT_TMP/rcpt2" -m "file and argument" "bob@$XT_DOMAIN" </dev/null
is_rc 0 "--recipients with a JID argument: exit 0"
xt_recv_wait "$got" $((n + 2))
xt_recv_wait "$cgot" 2
is "$(field "$got" $((n + 2)) body)|$(field "$cgot" 2 body)" \
    "file and argument|file and argument" "both got it"

printf 'bob@%s\nbad@@jid\n' "$XT_DOMAIN" >"$XT_TMP/rcpt3"
send --recipients "$XT_TMP/rcpt3" -m x </dev/null
is_rc 64 "--recipients with an invalid JID: 64"
like "$xt_err" "invalid recipient 'bad@@jid'" "... named"

send --recipients "$XT_TMP/none" -m x </dev/null
is_rc 78 "--recipients FILE missing: 78"
like "$xt_err" "cannot read --recipients '$XT_TMP/none'" "... named"

: >"$XT_TMP/empty"
send --recipients "$XT_TMP/empty" -m x </dev/null
is_rc 64 "--recipients with no JID in it and none given: 64"

# ---- --rate ----

n=$(lines_of "$got")
seq 1 20 | sed 's/^/rated /' >"$XT_TMP/20"
start=$(now_ms)
send --rate 10 --lines "bob@$XT_DOMAIN" <"$XT_TMP/20"
took=$(($(now_ms) - start))
is_rc 0 "20 lines at --rate 10: exit 0"
ok "... take at least 1.9 s ($took ms)" test "$took" -ge 1900
ok "... and not much more than 2 s ($took ms)" test "$took" -lt 3500
xt_recv_wait "$got" $((n + 20))
is "$(field "$got" $((n + 1)) body)|$(field "$got" $((n + 20)) body)" \
    "rated 1|rated 20" "all 20 arrive"

seq 1 6 >"$XT_TMP/6"
start=$(now_ms)
send --rate 10 --lines "bob@$XT_DOMAIN" "carol@$XT_DOMAIN" <"$XT_TMP/6"
took=$(($(now_ms) - start))
is_rc 0 "6 lines to 2 JIDs at --rate 10: exit 0"
ok "--rate counts stanzas: 6 lines to 2 JIDs at 10/s take at least 1.1 s ($took ms)" \
    test "$took" -ge 1100

send --rate 0 -m x "bob@$XT_DOMAIN" </dev/null
is_rc 64 "--rate 0: 64"
like "$xt_err" "rate" "... names the option"
send --rate fast -m x "bob@$XT_DOMAIN" </dev/null
is_rc 64 "--rate fast: 64"
send --retries -1 -m x "bob@$XT_DOMAIN" </dev/null
is_rc 64 "--retries -1: 64"

# ---- modes that do not mix ----

send --raw --lines "bob@$XT_DOMAIN" </dev/null
is_rc 64 "--raw --lines: 64"
send --lines -m x "bob@$XT_DOMAIN" </dev/null
is_rc 64 "--lines --message: 64"
send --raw -m x "bob@$XT_DOMAIN" </dev/null
is_rc 64 "--raw --message: 64"
send --raw --chatroom "room@$XT_MUC" </dev/null
is_rc 64 "--raw --chatroom: 64"

# ---- a terminal on stdin: readline, a message per line ----

n=$(lines_of "$got")
run_bounded 30 /usr/bin/python3 -S - "$got" "$n" xmpp-send $conn "bob@$XT_DOMAIN" \
    >"$XT_TMP/tty.out" 2>"$XT_TMP/tty.err" <<'EOF'
import os, pty, select, sys, time
got, n, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
seen = b""
def read_for(secs, until=None):
    global seen
    end = time.time() + secs
    while time.time() < end and not (until and until()):
        if select.select([fd], [], [], 0.05)[0]:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                return
def received():
    with open(got, encoding="utf-8") as f:
        return len(f.readlines()) - n
read_for(10, lambda: b"> " in seen)
print("prompt" if b"> " in seen else "no prompt")
os.write(fd, "typed ü\r".encode())
read_for(10, lambda: received() >= 1)
print("first arrived before the end of input: %s" % (received() >= 1))
os.write(fd, b"second\r")
os.write(fd, b"\x04")
_, status = os.waitpid(pid, 0)
print("exit %d" % os.waitstatus_to_exitcode(status))
EOF
is "$(cat "$XT_TMP/tty.out")" "prompt
first arrived before the end of input: True
exit 0" "a terminal: a prompt, each line sent as typed, ^D ends with 0" ||
    diag "$(cat "$XT_TMP/tty.err")"
xt_recv_wait "$got" $((n + 2))
is "$(field "$got" $((n + 1)) body)|$(field "$got" $((n + 2)) body)" \
    "typed ü|second" "both typed lines arrived, in order"

# ---- SIGTERM: stop reading, confirm what was sent, exit ----

n=$(lines_of "$got")
mkfifo "$XT_TMP/fifo"
xmpp-send -v $conn --lines "bob@$XT_DOMAIN" <"$XT_TMP/fifo" \
    >"$XT_TMP/term.out" 2>"$XT_TMP/term.err" &
sender=$!
exec 3>"$XT_TMP/fifo"
printf 'before the signal\n' >&3
xt_recv_wait "$got" $((n + 1)) 10
kill -TERM "$sender"
i=0
while kill -0 "$sender" 2>/dev/null && [ "$i" -lt 250 ]; do
	sleep 0.02
	i=$((i + 1))
done
if kill -0 "$sender" 2>/dev/null; then
	kill -KILL "$sender"
	fail "SIGTERM ends the run within 5 s"
else
	pass "SIGTERM ends the run within 5 s, with the input still open"
fi
wait "$sender"
xt_rc=$?
exec 3>&-
xt_err=$(cat "$XT_TMP/term.err")
is_rc 0 "... exit 0: everything read was confirmed"
like "$xt_err" "interrupted: confirming what was sent" "-v says so"
like "$xt_err" "the server has confirmed 1 stanza" "... and confirms the line"
