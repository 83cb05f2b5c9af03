#!/bin/sh
# Every way a session can end has its own exit status and message.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
xt_server
plan 32

pw=$(xt_pwfile alice)
conn() {
	xt_run xmpp-send --jid "alice@$XT_DOMAIN" --message test "$@" </dev/null
}

port=$(xt_free_port)
conn --server "127.0.0.1:$port" --cafile "$XT_CAFILE" --password-file "$pw" \
    "bob@$XT_DOMAIN"
is_rc 69 "nothing listening: 69"
like "$xt_err" "^xmpp-send: cannot connect to 'xt.test' at 127.0.0.1:$port: connection refused$" \
    "nothing listening: message names host, address and cause"

printf 'wrong\n' >"$XT_TMP/wrong.pw"
chmod 600 "$XT_TMP/wrong.pw"
conn --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
    --password-file "$XT_TMP/wrong.pw" "bob@$XT_DOMAIN"
is_rc 77 "wrong password: 77"
like "$xt_err" "authentication as 'alice@xt.test' with SCRAM-SHA-1 failed: not-authorized" \
    "wrong password: message has the SASL condition"

conn --server "127.0.0.1:$XT_PORT" --cafile "$XT_OTHER_CAFILE" \
    --password-file "$pw" "bob@$XT_DOMAIN"
is_rc 77 "certificate from an untrusted CA: 77"
like "$xt_err" "certificate of 'xt.test' rejected: .*issuer.*subject .*CN ?= ?xt.test" \
    "untrusted CA: message names the reason and the subject"

conn --server "127.0.0.1:$XT_PORT" --password-file "$pw" "bob@$XT_DOMAIN"
is_rc 77 "test CA not given: the system store does not trust it: 77"

conn --server "127.0.0.1:$XT_PORT" --cafile "$XT_OTHER_CAFILE" \
    --pin 0000000000000000000000000000000000000000000000000000000000000000 \
    --password-file "$pw" "bob@$XT_DOMAIN"
is_rc 77 "--pin mismatch: 77"
like "$xt_err" "does not match --pin: its SHA-256 fingerprint is $XT_PIN" \
    "--pin mismatch: message gives the real fingerprint"

conn --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
    --pin 0000000000000000000000000000000000000000000000000000000000000000 \
    --password-file "$pw" "bob@$XT_DOMAIN"
is_rc 77 "--pin mismatch with a trusted CA: still 77"

conn --server "127.0.0.1:$XT_PORT" --pin "$XT_PIN" --password-file "$pw" \
    "bob@$XT_DOMAIN"
is_rc 0 "--pin match without the CA: 0"

SSL_CERT_FILE=$XT_CAFILE conn --server "127.0.0.1:$XT_PORT" --password-file "$pw" \
    "bob@$XT_DOMAIN"
is_rc 0 "SSL_CERT_FILE chosen by the user is the trust store"
SSL_CERT_FILE=$XT_CAFILE conn --server "127.0.0.1:$XT_PORT" --cafile "$XT_OTHER_CAFILE" \
    --password-file "$pw" "bob@$XT_DOMAIN"
is_rc 77 "--cafile replaces the default trust store, not adds to it"

upper=$(printf '%s' "$XT_PIN" | tr a-f A-F | sed 's/\(..\)/\1:/g; s/:$//')
conn --server "127.0.0.1:$XT_PORT" --pin "0000000000000000000000000000000000000000000000000000000000000000,$upper" \
    --password-file "$pw" "bob@$XT_DOMAIN"
is_rc 0 "--pin list, colons and capitals: 0"

conn --server "127.0.0.1:$XT_PORT" --insecure --password-file "$pw" \
    "bob@$XT_DOMAIN"
is_rc 0 "--insecure: 0"
like "$xt_err" "warning: accepting the unverified certificate" "--insecure warns"

xt_silent_port
start=$(date +%s)
conn --server "127.0.0.1:$XT_SILENT_PORT" --cafile "$XT_CAFILE" \
    --password-file "$pw" --timeout 2 "bob@$XT_DOMAIN"
took=$(( $(date +%s) - start ))
is_rc 75 "server that never speaks (STARTTLS): 75"
ok "... within --timeout plus a second ($took s)" test "$took" -le 3
like "$xt_err" "timed out after 2 s waiting for the stream features of 'xt.test'" \
    "timeout message names the phase"

start=$(date +%s)
conn --server "127.0.0.1:$XT_SILENT_PORT" --tls direct --cafile "$XT_CAFILE" \
    --password-file "$pw" --timeout 1.5 "bob@$XT_DOMAIN"
took=$(( $(date +%s) - start ))
is_rc 75 "server that never speaks (direct TLS, blocking handshake): 75"
ok "... within --timeout plus a second ($took s)" test "$took" -le 3
like "$xt_err" "timed out after 1.5 s in the TLS handshake with 'xt.test'" \
    "direct TLS timeout names the handshake"

conn --server "127.0.0.1:$XT_PORT" --tls none --password-file "$pw" \
    "bob@$XT_DOMAIN"
isnt "$xt_rc" 0 "--tls none against a server requiring TLS fails"

xt_run xmpp-send --bogus-option bob@xt.test </dev/null
is_rc 64 "unknown option: 64"
like "$xt_err" "bogus-option" "unknown option: named in the message"

xt_run xmpp-send --password secret bob@xt.test </dev/null
is_rc 64 "--password on argv: 64"
like "$xt_err" "never accepted on the command line" "--password: says why and what to use"

xt_run xmpp-send --jid "alice@$XT_DOMAIN" --password-file "$pw" </dev/null
is_rc 64 "no recipient: 64"

xt_run xmpp-send --jid "alice@$XT_DOMAIN" --password-file "$pw" 'bad@@jid' </dev/null
is_rc 64 "invalid recipient: 64"

conn --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" --password-file "$pw" \
    "nobody@$XT_DOMAIN"
is_rc 1 "message to a nonexistent user bounces: 1"
like "$xt_err" "message to 'nobody@xt.test' bounced: service-unavailable" \
    "bounce names recipient and condition"

conn --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" --timeout 0 \
    --password-file "$pw" "bob@$XT_DOMAIN"
is_rc 64 "--timeout 0: 64"
