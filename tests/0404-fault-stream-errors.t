#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Stream errors (RFC 6120 4.9) end the stream: each is reported with its
# condition, and the documented exit status follows. conflict (another
# login took the resource: never fought over, 69, what was unconfirmed
# handed back); policy-violation (a stanza over the server's limit: that
# stanza is set aside and named, the rest goes on, 1); see-other-host
# from a tiny fake server over TLS with the test server's certificate
# (not followed: 69 at once, naming the host it points to).
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
xt_server
plan 16

. "$XT_TESTS/fault.sh"

conn="--server 127.0.0.1:$XT_PORT --cafile $XT_CAFILE --jid alice@$XT_DOMAIN --password-file $XT_TMP/alice.pw"
got=$XT_TMP/bob.jsonl
xt_recv_start bob "$XT_BOB_PW" "$got" || bail_out "the receiver did not get online"
: >"$got"
F=$XT_TMP/failed

# ---- conflict: a second login with the same full JID ----

res=fault-$$
fifo_sender --resource "$res" --failed "$F"
echo "conflict 1" >&3
wait_until 10 grep -q '"body": "conflict 1"' "$got"
# Prosody and ejabberd both replace the old session (RFC 6120 7.7.2.2).
xt_run xmpp-send $conn --resource "$res" -m "conflict 2" "bob@$XT_DOMAIN" </dev/null
is_rc 0 "a second login with the same resource: it gets the resource"
fifo_reap
is_rc 69 "the first session, replaced: 69"
like "$xt_err" "^xmpp-send: stream error from '$XT_DOMAIN': conflict" \
    "... naming the conflict"
unlike "$xt_err" "reconnecting" "... without taking the resource back"
is "$(wait_lost 5 conflict 2 "$got")" "" "what was sent before arrived"

# ---- policy-violation: a stanza over the server's limit ----

{ echo "policy 1"; /usr/bin/python3 -S -c 'print("x" * 300000)'; echo "policy 2"; } \
    >"$XT_TMP/big"
xt_run xmpp-send $conn --lines --max-stanza-size 1000000 --failed "$F" \
    "bob@$XT_DOMAIN" <"$XT_TMP/big"
is_rc 1 "a 300 kB line, our limit above the server's: 1"
like "$xt_err" "stream error from '$XT_DOMAIN': policy-violation" \
    "... the server's stream error, with its condition"
like "$xt_err" "line 2: <message> of [0-9]+ bytes not sent: the server closed the stream over it \(policy-violation\)" \
    "... and the stanza it was about"
is "$(wait_lost 10 policy 2 "$got")" "" "... the other lines arrived"
is "$(copies policy "$got")" 0 "... once"

/usr/bin/python3 -S -c 'print("y" * 300000)' >"$XT_TMP/big1"
xt_run xmpp-send $conn --max-stanza-size 1000000 "bob@$XT_DOMAIN" <"$XT_TMP/big1"
is_rc 1 "one 300 kB message over the server's limit: 1, not re-sent for ever"
like "$xt_err" "<message> of [0-9]+ bytes not sent: the server closed the stream over it \(policy-violation\)" \
    "... named"

# ---- see-other-host, from a fake server over TLS ----

# It completes the TLS handshake with the test server's certificate
# (direct TLS, XEP-0368), answers the stream header with a stream error
# pointing elsewhere, and closes.
cat >"$XT_TMP/redirect.py" <<'EOF'
import os, socket, ssl, sys
portfile, cert, key = sys.argv[1:4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(8)
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % srv.getsockname()[1])
os.rename(portfile + ".tmp", portfile)
while True:
    c, _ = srv.accept()
    try:
        c.settimeout(10)
        t = ctx.wrap_socket(c, server_side=True)
        data = b""
        while b">" not in data.split(b"<stream:stream", 1)[-1]:
            more = t.recv(4096)
            if not more:
                break
            data += more
        t.sendall(b"<?xml version='1.0'?><stream:stream "
                  b"xmlns='jabber:client' "
                  b"xmlns:stream='http://etherx.jabber.org/streams' "
                  b"id='x' from='xt.test' version='1.0'>"
                  b"<stream:error><see-other-host "
                  b"xmlns='urn:ietf:params:xml:ns:xmpp-streams'>"
                  b"other.xt.test:5223</see-other-host></stream:error>"
                  b"</stream:stream>")
        t.close()
    except (OSError, ssl.SSLError):
        c.close()
EOF
/usr/bin/python3 -S "$XT_TMP/redirect.py" "$XT_TMP/redirect.port" \
    "$XT_SERVER_CERT" "$(dirname "$XT_SERVER_CERT")/server.key" \
    </dev/null >/dev/null 2>"$XT_TMP/redirect.err" &
xt_at_exit "kill $! 2>/dev/null"
wait_until 5 test -s "$XT_TMP/redirect.port" || diag "the fake server did not start"
rport=$(cat "$XT_TMP/redirect.port")
start=$(now_ms)
xt_run xmpp-send --server "127.0.0.1:$rport" --tls direct --cafile "$XT_CAFILE" \
    --jid "alice@$XT_DOMAIN" --password-file "$XT_TMP/alice.pw" -w 5 \
    -m "redirected" "bob@$XT_DOMAIN" </dev/null
took=$(( $(now_ms) - start ))
is_rc 69 "see-other-host: 69"
like "$xt_err" "^xmpp-send: stream error from '$XT_DOMAIN': see-other-host: the server points to 'other.xt.test:5223'; connect there with --server$" \
    "... naming the condition and where it points"
ok "... at once, not at -w ($took ms)" test "$took" -lt 3000
like "$xt_err" "1 stanza was not confirmed by the server" "... the message handed back"
