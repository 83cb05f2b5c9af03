#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The test harness itself: scripts/test-server, the receiver, lib.sh.
. "$(dirname "$0")/lib.sh"

plan 25

xt_server
pass "test server starts"
is "$XT_DOMAIN" xt.test "domain"
is "$XT_MUC" conference.xt.test "MUC service"
ok "STARTTLS port accepts connections" xt_port_open "$XT_PORT"
ok "direct TLS port accepts connections" xt_port_open "$XT_TLS_PORT"
ok "CA file exists" test -s "$XT_CAFILE"
ok "other CA file exists" test -s "$XT_OTHER_CAFILE"
isnt "$(cat "$XT_CAFILE")" "$(cat "$XT_OTHER_CAFILE")" "the two CAs differ"
like "$XT_PIN" '^[0-9a-f]{64}$' "pin is 64 lowercase hex digits"
der_sha=$(openssl x509 -in "$XT_SERVER_CERT" -outform DER | sha256sum)
is "$XT_PIN" "${der_sha%% *}" "pin is the SHA-256 of the server certificate"

# s_client CAFILE [s_client options]: the verification result.
tls_verify() {
	_ca=$1
	shift
	run_bounded 10 openssl s_client -CAfile "$_ca" -verify_hostname xt.test \
		-servername xt.test "$@" </dev/null 2>&1 |
		sed -n 's/^Verify return code: \([0-9]*\).*/\1/p' | head -n 1
}
is "$(tls_verify "$XT_CAFILE" -connect "127.0.0.1:$XT_TLS_PORT")" 0 \
	"direct TLS: certificate verifies against the CA"
is "$(tls_verify "$XT_CAFILE" -connect "127.0.0.1:$XT_PORT" \
	-starttls xmpp -xmpphost xt.test)" 0 \
	"STARTTLS: certificate verifies against the CA"
isnt "$(tls_verify "$XT_OTHER_CAFILE" -connect "127.0.0.1:$XT_TLS_PORT")" 0 \
	"the other CA does not verify it"

xt_recv_start bob "$XT_BOB_PW" "$XT_TMP/bob.jsonl"
ok "receiver gets online as bob (SCRAM-SHA-1, STARTTLS)" test -e "$XT_TMP/bob.jsonl.ready"
xt_recv_start carol "$XT_CAROL_PW" "$XT_TMP/carol.jsonl" --tls direct
ok "receiver gets online as carol (non-ASCII password, direct TLS)" \
	test -e "$XT_TMP/carol.jsonl.ready"
ok "a wrong password is refused" \
	eval '! xt_recv_start alice wrong "$XT_TMP/wrong.jsonl" 2>/dev/null'
like "$(cat "$XT_TMP/wrong.jsonl.log")" "authentication failed" \
	"the receiver says why"
ok "the receiver rejects a server its CA did not sign" \
	eval '! XT_CAFILE=$XT_OTHER_CAFILE xt_recv_start alice "$XT_ALICE_PW" "$XT_TMP/ca.jsonl" 2>/dev/null'
xt_recv_stop

port=$(xt_free_port)
ok "a free port refuses connections" eval '! xt_port_open "$port"'
xt_silent_port
ok "the silent listener accepts connections" xt_port_open "$XT_SILENT_PORT"
silent=$(run_bounded 1 /usr/bin/python3 -S -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"<stream:stream>")
s.settimeout(0.3)
try:
    print(len(s.recv(100)))
except socket.timeout:
    print("silent")' "$XT_SILENT_PORT")
is "$silent" silent "the silent listener says nothing"

# lib.sh reuses the server named by XT_SERVER_DIR (and works in bash).
pid=$(XT_SERVER_DIR=$XT_SERVER_DIR XT_PID= bash -c '
	. "$1/lib.sh"; xt_server >&2; echo "$XT_PID" >&3; plan 0' sh "$XT_TESTS" \
	3>&1 >/dev/null 2>&1)
is "$pid" "$XT_PID" "xt_server reuses a running server"

# A second server, with an expired certificate, then stopped.
dir=$XT_TMP/expired
if vars=$("$XT_SCRIPTS/test-server" start --cert=expired "$dir"); then
	exp_port=$(eval "$vars"; echo "$XT_TLS_PORT")
	is "$(tls_verify "$dir/ca/ca.crt" -connect "127.0.0.1:$exp_port")" 10 \
		"--cert=expired serves an expired certificate"
	"$XT_SCRIPTS/test-server" stop "$dir"
	ok "stop ends the server" eval '! "$XT_SCRIPTS/test-server" status "$dir"'
	ok "its port is closed" eval '! xt_port_open "$exp_port"'
else
	fail "a second server starts"
	skip 2 "no second server"
fi
