#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-send --attach when the upload goes wrong: the HTTPS certificate of
# the upload host is verified like the XMPP server's (77 when it is not
# trusted, --capath and --insecure apply), an upload host that refuses
# connections is 69, one that never answers is 75 within -w, an HTTP
# error status is 69, a plain http:// slot is refused without
# --insecure; nothing is sent unless every upload succeeded. Each case a
# server of its own (scripts/test-server XT_SERVER_HTTPS_CERT,
# XT_SERVER_UPLOAD_URL), the XMPP side always trusted.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
command -v curl >/dev/null 2>&1 ||
    plan_skip_all "curl is not installed (scripts/install-deps --test)"
xt_server --cert=good
. "$XT_TESTS/send.sh"
. "$XT_TESTS/upload.sh"
up_need_service
"$XT_BIN/xmpp-send" --help 2>/dev/null | grep -q -- '--attach' ||
    plan_skip_all "xmpp-send has no --attach yet"
plan 31

random_file "$XT_TMP/f.bin" 5000
kind=$XT_SERVER_KIND

# ---- an HTTP error status: slots on one server, PUT to another's ----

# Server X serves HTTPS; server Y hands out slots on X's HTTPS, which
# knows nothing of them. --capath trusts both servers' CAs.
x_https=$XT_HTTPS_PORT
x_ca=$XT_CAFILE
up_server y XT_SERVER_UPLOAD_URL="https://127.0.0.1:$x_https/"
mkdir "$XT_TMP/both"
cp "$x_ca" "$XT_TMP/both/x.pem"
cp "$XT_CAFILE" "$XT_TMP/both/y.pem"
openssl rehash "$XT_TMP/both" 2>/dev/null || c_rehash "$XT_TMP/both" >/dev/null 2>&1
xt_run xmpp-send --server "127.0.0.1:$XT_PORT" --capath "$XT_TMP/both" \
    --jid "alice@$XT_DOMAIN" --password-file "$XT_TMP/alice.pw" \
    --upload-only --attach "$XT_TMP/f.bin" </dev/null
is_rc 69 "the upload host answers an HTTP error: exit 69"
like "$xt_err" "^xmpp-send: upload of '[^']*f\\.bin' to 'https://127\\.0\\.0\\.1:$x_https/[^']*' failed: HTTP [45][0-9][0-9]\$" \
    "... 'upload of F to URL failed: HTTP NNN'"
is "$xt_out" "" "... no URL printed"
# --cafile and --capath together: both trusted, for XMPP as for HTTPS.
up --capath "$XT_TMP/both" --upload-only --attach "$XT_TMP/f.bin" </dev/null
is_rc 69 "--cafile (Y's CA) and --capath (both): the HTTPS of X is trusted too, exit 69"

# ---- the upload host refuses connections ----

closed=$(xt_free_port)
up_server closed XT_SERVER_UPLOAD_URL="https://127.0.0.1:$closed/"
got=$XT_TMP/bob-closed.jsonl
receiver bob "$XT_BOB_PW" "$got"
random_file "$XT_TMP/g.bin" 100
up --message "not before the upload" --attach "$XT_TMP/g.bin" --attach "$XT_TMP/f.bin" \
    "bob@$XT_DOMAIN" </dev/null
is_rc 69 "the upload host refuses connections: exit 69"
like "$xt_err" "'[^']*g\\.bin'" "... naming the file"
like "$xt_err" "127\\.0\\.0\\.1:$closed" "... and where it was to go"
sentinel "$got" "after the refused upload"
is "$(lines_of "$got")" 1 "nothing was sent, not even the --message"
is "$(field "$got" 1 body)" "after the refused upload" "... only the sentinel arrived"
xt_recv_stop "$got"

# ---- a plain http:// slot ----

up_server plain XT_SERVER_UPLOAD_URL="http://127.0.0.1:$closed/"
up --upload-only --attach "$XT_TMP/f.bin" </dev/null
is_rc 1 "a plain http:// slot: exit 1"
like "$xt_err" "'$XT_UPLOAD' offers a plain http:// slot for '[^']*f\\.bin'; refusing \\(--insecure allows it\\)" \
    "... 'SERVICE offers a plain http:// slot for F; refusing (--insecure allows it)'"
up --insecure --upload-only --attach "$XT_TMP/f.bin" </dev/null
is_rc 69 "with --insecure it is tried (and the closed port is 69)"
unlike "$xt_err" "plain http://" "... not refused"

# ---- the upload host never answers: -w bounds the run ----

xt_silent_port
up_server silent XT_SERVER_UPLOAD_URL="https://127.0.0.1:$XT_SILENT_PORT/"
t0=$(date +%s)
up -w 5 --upload-only --attach "$XT_TMP/f.bin" </dev/null
t1=$(date +%s)
is_rc 75 "an upload host that never answers: exit 75 (timeout)"
ok "... within -w 5 (took $((t1 - t0)) s)" test $((t1 - t0)) -le 8
is "$xt_out" "" "... no URL printed"

# ---- the HTTPS certificate: verified like the XMPP server's ----

if [ "$kind" != prosody ]; then
	skip 15 "ejabberd serves its XMPP certificate on HTTPS too: no bad certificate for HTTPS alone (scripts/test-server XT_SERVER_HTTPS_CERT is Prosody only)"
	exit 0
fi

up_server other-ca XT_SERVER_HTTPS_CERT=other-ca
got=$XT_TMP/bob-other.jsonl
receiver bob "$XT_BOB_PW" "$got"
n=$(stored)
up --message "not before the upload" --attach "$XT_TMP/f.bin" "bob@$XT_DOMAIN" </dev/null
is_rc 77 "an HTTPS certificate of a CA not trusted (XMPP's is): exit 77"
like "$xt_err" "certificate" "... saying it is the certificate"
like "$xt_err" "127\\.0\\.0\\.1:$XT_HTTPS_PORT" "... of the upload host"
is "$(stored)" "$n" "nothing stored"
sentinel "$got" "after the untrusted upload"
is "$(lines_of "$got")" 1 "nothing was sent"

# Both CAs trusted (--capath): the same upload goes through.
rm -rf "$XT_TMP/both"
mkdir "$XT_TMP/both"
cp "$XT_CAFILE" "$XT_TMP/both/ca.pem"
cp "$XT_OTHER_CAFILE" "$XT_TMP/both/other.pem"
openssl rehash "$XT_TMP/both" 2>/dev/null || c_rehash "$XT_TMP/both" >/dev/null 2>&1
xt_run xmpp-send --server "127.0.0.1:$XT_PORT" --capath "$XT_TMP/both" \
    --jid "alice@$XT_DOMAIN" --password-file "$XT_TMP/alice.pw" \
    --attach "$XT_TMP/f.bin" "bob@$XT_DOMAIN" </dev/null
is_rc 0 "--capath trusting both CAs: exit 0"
xt_recv_wait "$got" 2
u=$(field "$got" 2 body)
like "$u" "^https://127\\.0\\.0\\.1:$XT_HTTPS_PORT/" "... bob got the URL"
is "$(sha_url "$u" "$XT_OTHER_CAFILE")" "$(sha "$XT_TMP/f.bin")" "... which serves the file"

# --insecure: no verification, of either.
xt_run xmpp-send --server "127.0.0.1:$XT_PORT" --insecure \
    --jid "alice@$XT_DOMAIN" --password-file "$XT_TMP/alice.pw" \
    --upload-only --attach "$XT_TMP/f.bin" </dev/null
is_rc 0 "--insecure: exit 0"
is "$(sha_url "$xt_out" "$XT_OTHER_CAFILE")" "$(sha "$XT_TMP/f.bin")" "... the URL serves the file"

# --pin is the XMPP server's only: the upload host is still verified.
up --pin "$XT_PIN" --upload-only --attach "$XT_TMP/f.bin" </dev/null
is_rc 77 "--pin (the XMPP server's) with an untrusted upload host: exit 77"
xt_recv_stop "$got"

up_server wrong-host XT_SERVER_HTTPS_CERT=wrong-host
n=$(stored)
up --upload-only --attach "$XT_TMP/f.bin" </dev/null
is_rc 77 "an HTTPS certificate for another host (signed by the trusted CA): exit 77"
like "$xt_err" "certificate" "... saying it is the certificate"
is "$xt_out" "" "... no URL printed"
is "$(stored)" "$n" "... nothing stored"
