#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-send: every input has a size bound and every wait is inside -w.
# Attributes per element, one --lines line, the whole input of the
# default mode, --recipients, the config file (-F) and the password and
# room password files: /dev/zero, a FIFO nobody writes to, NUL bytes.
# Peak memory is read with scripts/measure (ru_maxrss of the child).
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
[ -x "$XT_SCRIPTS/measure" ] || plan_skip_all "scripts/measure not built"
xt_server
plan 40

. "$XT_TESTS/send.sh"

# Nothing listens there: a run that tried to connect would fail.
nowhere="--server 127.0.0.1:$(xt_free_port) --jid alice@$XT_DOMAIN"
dry() {
	xt_run xmpp-send $nowhere --dry-run "$@"
}

# peak CMD...: run CMD (stdin from the caller) under measure; sets
# peak_kib and peak_rc.
peak() {
	"$XT_SCRIPTS/measure" "$@" 3>"$XT_TMP/measure" >"$XT_TMP/out" \
	    2>"$XT_TMP/err"
	peak_kib=$(cut -d' ' -f3 "$XT_TMP/measure")
	peak_rc=$(cut -d' ' -f4 "$XT_TMP/measure")
	xt_err=$(cat "$XT_TMP/err")
}

# ---- attributes: capped like children, so parsing stays linear ----

attrs() {
	/usr/bin/python3 -S -c '
import sys
n = int(sys.argv[1])
print("<message to=\"bob@xt.test\"" + "".join(" a%d=\"v\"" % i
      for i in range(n)) + "><body>x</body></message>")' "$1"
}
attrs 999 >"$XT_TMP/a1000"
dry --raw <"$XT_TMP/a1000"
is_rc 0 "--raw: an element of 1000 attributes is taken"
is "$(grep -c 'a998="v"' "$XT_TMP/out")" 1 "... and written whole"
attrs 99990 >"$XT_TMP/a99990"
dry --raw bob@xt.test carol@xt.test <"$XT_TMP/a99990"
is_rc 65 "--raw: 99,990 attributes (1 MB) are bad input, exit 65"
is "$xt_err" "xmpp-send: line 1: element with more than 1000 attributes" \
    "... named with its line"
is "$xt_out" "" "... nothing written"

# ---- one --lines line ----

# A line of 100 MiB between two short ones: named, skipped, the others
# sent; memory stays near the 10 MiB limit, not the line.
{
	echo first
	head -c 104857600 /dev/zero | tr '\0' q
	echo
	echo third
} >"$XT_TMP/longline"
peak xmpp-send $nowhere --dry-run --lines bob@xt.test <"$XT_TMP/longline"
is "$peak_rc" 1 "--lines: a line over 10 MiB is exit 1"
is "$xt_err" "xmpp-send: line 2: 104857600 bytes not sent: longer than 10 MiB, the limit of a message" \
    "... named with its line and size"
is "$(grep -o '<body>[a-z]*</body>' "$XT_TMP/out" | tr '\n' ' ')" \
    "<body>first</body> <body>third</body> " \
    "... the lines around it are sent"
ok "... peak memory ${peak_kib} KiB, under 64 MiB" [ "$peak_kib" -lt 65536 ]

# 10 MiB exactly is a message (refused later by the stanza size limit,
# not here).
{ head -c 10485760 /dev/zero | tr '\0' q; echo; } >"$XT_TMP/tenmib"
dry --lines bob@xt.test <"$XT_TMP/tenmib"
is_rc 0 "--lines: a line of exactly 10 MiB is taken"
is "$(tr -cd q <"$XT_TMP/out" | wc -c)" 10485760 "... and written whole"
# The last line without a newline is bounded too.
head -c 11534336 /dev/zero | tr '\0' q >"$XT_TMP/tail"
dry --lines bob@xt.test <"$XT_TMP/tail"
is "$xt_rc.$xt_err" "1.xmpp-send: line 1: 11534336 bytes not sent: longer than 10 MiB, the limit of a message" \
    "--lines: an unfinished last line over 10 MiB is named, exit 1"

# ---- the default mode: all of stdin is one message ----

head -c 52428800 /dev/zero | tr '\0' q >"$XT_TMP/fifty"
peak xmpp-send $nowhere --dry-run bob@xt.test <"$XT_TMP/fifty"
is "$peak_rc" 1 "default mode: 50 MiB of stdin is exit 1"
is "$xt_err" "xmpp-send: standard input is larger than 10 MiB, the limit of a message: nothing sent (--lines sends a line at a time)" \
    "... saying why and what to do"
is "$(wc -c <"$XT_TMP/out")" 0 "... nothing written"
ok "... peak memory ${peak_kib} KiB, under 64 MiB" [ "$peak_kib" -lt 65536 ]
# Against the server too: it never connects.
xt_run xmpp-send --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
    --jid "alice@$XT_DOMAIN" --password-file "$(xt_pwfile alice)" \
    bob@xt.test <"$XT_TMP/fifty"
is "$xt_rc" 1 "default mode, a real run: exit 1 as well"

# ---- --recipients ----

dry --recipients /dev/zero -m hi </dev/null
is "$xt_rc.$xt_err" "78.xmpp-send: --recipients '/dev/zero' is larger than 1048576 bytes" \
    "--recipients /dev/zero: exit 78 at the 1 MiB bound"
printf 'bob@xt.test\ncarol@xt.test\0\n' >"$XT_TMP/nul-rcpt"
dry --recipients "$XT_TMP/nul-rcpt" -m hi </dev/null
is "$xt_rc.$xt_err" "78.xmpp-send: --recipients '$XT_TMP/nul-rcpt': line 2: a NUL byte: this is not a list of JIDs" \
    "--recipients with a NUL byte: exit 78, naming the line"
mkfifo "$XT_TMP/rcpt-fifo"
dry -w 1 --recipients "$XT_TMP/rcpt-fifo" -m hi </dev/null
is "$xt_rc.$xt_err" "75.xmpp-send: cannot read --recipients '$XT_TMP/rcpt-fifo': nothing came within the timeout" \
    "--recipients FIFO without a writer: exit 75 at -w"
# A writer that comes late, within -w, is read.
(sleep 0.3; printf 'bob@xt.test\n# a comment\n  carol@xt.test  \n' \
    >"$XT_TMP/rcpt-fifo") &
writer=$!
dry -w 10 --recipients "$XT_TMP/rcpt-fifo" -m hi </dev/null
wait "$writer"
is "$xt_rc" 0 "--recipients FIFO written to later: exit 0"
is "$(grep -o 'to="[^"]*"' "$XT_TMP/out" | tr '\n' ' ')" \
    'to="bob@xt.test" to="carol@xt.test" ' "... both recipients read"

# ---- the config file ----

dry -F /dev/zero -m hi bob@xt.test </dev/null
is "$xt_rc.$xt_err" "78.xmpp-send: /dev/zero is larger than 1048576 bytes" \
    "-F /dev/zero: exit 78 at the 1 MiB bound, at once"
head -c 100 /dev/zero >"$XT_TMP/nul.conf"
dry -F "$XT_TMP/nul.conf" -m hi bob@xt.test </dev/null
is "$xt_rc.$xt_err" "78.xmpp-send: $XT_TMP/nul.conf:1: a NUL byte: this is not a text file" \
    "-F of NUL bytes: exit 78, not accepted silently"
printf '[a]\njid = alice@xt.test\n\177ELF\002\001\001\0\0\0' >"$XT_TMP/bin.conf"
dry -F "$XT_TMP/bin.conf" -m hi bob@xt.test </dev/null
is "$xt_rc.$xt_err" "78.xmpp-send: $XT_TMP/bin.conf:3: a NUL byte: this is not a text file" \
    "-F of a binary: exit 78, not a 'line longer than' message"
: >"$XT_TMP/empty.conf"
dry -F "$XT_TMP/empty.conf" -m hi bob@xt.test </dev/null
is "$xt_rc" 0 "-F of an empty file: nothing in it, exit 0"
mkfifo "$XT_TMP/conf-fifo"
xt_run xmpp-send --dry-run -w 1 -F "$XT_TMP/conf-fifo" -m hi bob@xt.test </dev/null
is "$xt_rc.$xt_err" "75.xmpp-send: cannot read $XT_TMP/conf-fifo: nothing came within the timeout" \
    "-F FIFO without a writer: exit 75 at -w"
(sleep 0.3; printf 'jid = carol@xt.test\n' >"$XT_TMP/conf-fifo") &
writer=$!
xt_run xmpp-send --dry-run -v -w 10 -F "$XT_TMP/conf-fifo" -m hi bob@xt.test </dev/null
wait "$writer"
is "$xt_rc" 0 "-F FIFO written to later: exit 0"
like "$xt_err" "account carol@xt.test|config $XT_TMP/conf-fifo" "... and read"

# ---- password sources ----

mkfifo "$XT_TMP/pw-fifo"
xt_run xmpp-send --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
    --jid "alice@$XT_DOMAIN" --password-file "$XT_TMP/pw-fifo" -w 1 \
    -m hi bob@xt.test </dev/null
is "$xt_rc.$xt_err" "75.xmpp-send: no password from --password-file '$XT_TMP/pw-fifo' within the timeout" \
    "--password-file FIFO without a writer: exit 75 at -w"
got=$XT_TMP/bob.jsonl
receiver bob "$XT_BOB_PW" "$got"
(sleep 0.3; printf '%s\n' "$XT_ALICE_PW" >"$XT_TMP/pw-fifo") &
writer=$!
xt_run xmpp-send --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
    --jid "alice@$XT_DOMAIN" --password-file "$XT_TMP/pw-fifo" -w 10 \
    -m "through a fifo" bob@xt.test </dev/null
wait "$writer"
is "$xt_rc" 0 "--password-file FIFO written to later: exit 0"
xt_recv_wait "$got" 1
is "$(field "$got" 1 body)" "through a fifo" "... delivered"

mkfifo "$XT_TMP/room-fifo"
xt_run xmpp-send --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
    --jid "alice@$XT_DOMAIN" --password-file "$(xt_pwfile alice)" -w 1 \
    --chatroom --room-password-file "$XT_TMP/room-fifo" \
    -m hi "room@$XT_MUC" </dev/null
is "$xt_rc.$xt_err" "75.xmpp-send: no password from --room-password-file '$XT_TMP/room-fifo' within the timeout" \
    "--room-password-file FIFO without a writer: exit 75 at -w"
dry --chatroom --room-password-file /dev/null -m hi "room@$XT_MUC" </dev/null
is "$xt_rc.$xt_err" "78.xmpp-send: --room-password-file '/dev/null' is empty" \
    "--room-password-file empty: exit 78"

# ---- hints at -v ----

for pw in " $XT_ALICE_PW" "$XT_ALICE_PW	" "$(printf '\357\273\277')$XT_ALICE_PW"; do
	(umask 077 && printf '%s\n' "$pw" >"$XT_TMP/odd.pw")
	xt_run xmpp-send --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "alice@$XT_DOMAIN" --password-file "$XT_TMP/odd.pw" -v \
	    -m hi bob@xt.test </dev/null
	is "$xt_rc" 77 "a password with a stray space or BOM is kept: 77"
	case $pw in
	' '*) want="begins with a space" ;;
	*'	') want="ends with a tab" ;;
	*) want="begins with a byte order mark" ;;
	esac
	like "$xt_err" "password from --password-file '$XT_TMP/odd.pw' $want \\(kept as part of it\\)" \
	    "... and -v says it $want"
done
