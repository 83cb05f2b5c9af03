#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-send --attach of a 200 MB file: streamed from disk (peak RSS well
# under 50 MB), nothing on stderr when it is not a terminal; on a
# terminal (script(1)) a progress line on stderr, erased at the end.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
command -v curl >/dev/null 2>&1 ||
    plan_skip_all "curl is not installed (scripts/install-deps --test)"
command -v script >/dev/null 2>&1 ||
    plan_skip_all "script(1) is not installed"
[ -x /usr/bin/time ] ||
    plan_skip_all "/usr/bin/time is not installed (scripts/install-deps --test)"
# A server of its own, whose service takes 200 MB, and quickly (Prosody
# reading 4 kB at a time takes 40 s).
XT_SERVER_UPLOAD_LIMIT=300000000
XT_SERVER_READ_SIZE=262144
export XT_SERVER_UPLOAD_LIMIT XT_SERVER_READ_SIZE
xt_server --cert=good
unset XT_SERVER_UPLOAD_LIMIT XT_SERVER_READ_SIZE
. "$XT_TESTS/send.sh"
. "$XT_TESTS/upload.sh"
up_need_service
"$XT_BIN/xmpp-send" --help 2>/dev/null | grep -q -- '--attach' ||
    plan_skip_all "xmpp-send has no --attach yet"
plan 11

is "$XT_UPLOAD_LIMIT" 300000000 "XT_SERVER_UPLOAD_LIMIT sets the service's limit"
random_file "$XT_TMP/big.bin" 200000000
want=$(sha "$XT_TMP/big.bin")
XT_RUN_TIMEOUT=120

# ---- not a terminal: memory, silence ----

up -w 100 --upload-only --attach "$XT_TMP/big.bin" </dev/null
is_rc 0 "200 MB, --upload-only: exit 0"
is "$xt_err" "" "... nothing on stderr (not a terminal)"
is "$(sha_url "$xt_out")" "$want" "... the URL serves the 200 MB byte for byte"

xt_run /usr/bin/time -f %M -o "$XT_TMP/rss" "$XT_BIN/xmpp-send" -w 100 \
    --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
    --jid "alice@$XT_DOMAIN" --password-file "$XT_TMP/alice.pw" \
    --upload-only --attach "$XT_TMP/big.bin" </dev/null
is_rc 0 "200 MB under /usr/bin/time: exit 0"
rss=$(tail -n 1 "$XT_TMP/rss")
# The bound is the tool's: under AddressSanitizer the shadow memory and
# the quarantine of freed buffers grow with what passed through, so the
# plain build (make check) measures it, the SANITIZE=1 one does not.
if nm "$XT_BIN/xmpp-send" 2>/dev/null | grep -q __asan_init; then
	skip 1 "peak RSS under AddressSanitizer is not the tool's (${rss} kB)"
else
	ok "the peak RSS stays well under 50 MB (${rss} kB)" \
	    test "${rss:-999999}" -lt 51200
fi
note "peak RSS uploading 200 MB: ${rss} kB"

# ---- on a terminal: the progress line ----

# stdout to a file, stderr the pty that script(1) records.
script -qec "timeout 100 $XT_BIN/xmpp-send -w 100 --server 127.0.0.1:$XT_PORT \
    --cafile $XT_CAFILE --jid alice@$XT_DOMAIN --password-file $XT_TMP/alice.pw \
    --upload-only --attach $XT_TMP/big.bin >$XT_TMP/tty.out 2>/dev/tty" \
    "$XT_TMP/tty.log" >/dev/null 2>&1 </dev/null
is "$?" 0 "200 MB on a terminal: exit 0"
like "$(cat "$XT_TMP/tty.out")" "^https://127\\.0\\.0\\.1:$XT_HTTPS_PORT/" "... the URL on stdout"
like "$(tr '\r' '\n' <"$XT_TMP/tty.log")" "big\\.bin: [0-9.]+ [kMG]?B of 200\\.0 MB \\([0-9]+%\\)" \
    "... a progress line on the terminal: 'F: DONE of TOTAL (N%)'"
unlike "$(cat "$XT_TMP/tty.out")" "%\\)" "... not on stdout"
# After the last drawing of the line comes its erasing, and nothing else
# (script(1) adds a trailer of its own on a line of its own).
ok "... and it is erased at the end" /usr/bin/python3 -S -c '
import re, sys
log = open(sys.argv[1], "rb").read()
last = max(m.start() for m in re.finditer(rb"\r[^\r\n]*\(\d+%\)", log)) if re.search(rb"\(\d+%\)", log) else -1
rest = log[last + 1:] if last >= 0 else b""
erase = rest.find(b"\r\x1b[K")
after = rest[erase + 4:].split(b"\n", 1)[0] if erase >= 0 else b"?"
sys.exit(0 if last >= 0 and erase >= 0 and after.strip() == b"" else 1)
' "$XT_TMP/tty.log"
