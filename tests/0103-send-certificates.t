#!/bin/sh
# Certificates that are expired or name another host are refused (77).
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
plan 5

try() {
	pw=$(xt_pwfile alice)
	xt_run xmpp-send --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "alice@$XT_DOMAIN" --password-file "$pw" --message x \
	    "bob@$XT_DOMAIN" </dev/null
}

xt_server --cert=expired
try
is_rc 77 "expired certificate: 77"
like "$xt_err" "certificate of 'xt.test' rejected: certificate has expired" \
    "... says it expired"
unlike "$xt_err" "cafile" "... and does not suggest --cafile"
"$XT_SCRIPTS/test-server" stop "$XT_SERVER_DIR"

xt_server --cert=wrong-host
try
is_rc 77 "certificate for another host: 77"
like "$xt_err" "hostname mismatch" "... says the name does not match"
