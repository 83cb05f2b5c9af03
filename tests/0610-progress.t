#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A progress line on stderr when it is a terminal, erased at the end, and
# nothing when it is not (cron mails any output): xmpp-roster import of
# enough contacts to take a moment, once on a pseudo-terminal (script(1)),
# once into a file.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-roster
command -v script >/dev/null 2>&1 || plan_skip_all "script(1) is not installed"
# A server of its own: the roster of alice is changed by thousands.
xt_server --cert=good
plan 7

pw=$(xt_pwfile alice)
conn="--server 127.0.0.1:$XT_PORT --cafile $XT_CAFILE --jid alice@$XT_DOMAIN --password-file $pw"

i=0
# 300 take Prosody about 2 s (its roster store rewrites the whole roster
# at each change): long enough for the line, which waits 0.3 s.
while [ $i -lt 300 ]; do
	echo "p$i@example.org,Contact $i,progress"
	i=$((i + 1))
done >"$XT_TMP/many.csv"

# On a terminal: stdout to a file, stderr the pty that script(1) records.
script -qec "$XT_BIN/xmpp-roster $conn -P 4 import $XT_TMP/many.csv \
	>$XT_TMP/changes 2>/dev/tty" "$XT_TMP/tty.log" >/dev/null 2>&1 </dev/null
is "$?" 0 "import of 300 on a terminal: exit 0"
is "$(grep -c '^+ ' "$XT_TMP/changes")" 300 "... every change on stdout"
like "$(tr '\r' '\n' <"$XT_TMP/tty.log")" "roster changes: [0-9]+/300 \\([0-9]+%\\)" \
    "the progress line counts the changes of the total"
# After the last drawing of the line comes its erasing, and nothing else
# (script(1) adds its own trailer on a line of its own).
ok "... and it is erased at the end" /usr/bin/python3 -S -c '
import sys
log = open(sys.argv[1], "rb").read()
last = log.rfind(b"roster changes:")
rest = log[last:]
erase = rest.find(b"\r\x1b[K")
after = rest[erase + 4:].split(b"\n", 1)[0] if erase >= 0 else b"?"
sys.exit(0 if last >= 0 and erase >= 0 and after.strip() == b"" else 1)
' "$XT_TMP/tty.log"

# Not a terminal: nothing on stderr at all.
printf 'p0@example.org,Contact 0,progress\n' >"$XT_TMP/one.csv"
xt_run xmpp-roster $conn -P 4 import --prune "$XT_TMP/one.csv"
is "$xt_rc" 0 "removing 299 into a file: exit 0"
is "$xt_err" "" "... and nothing on stderr"
xt_run xmpp-roster $conn list
is "$xt_out" "p0@example.org	Contact 0	none		progress" \
    "the roster is what the file says"
