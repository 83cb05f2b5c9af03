#!/bin/sh
# xmpp-ping against a server whose certificate has expired: rejected as any
# certificate that fails verification (77, CRITICAL), and CRITICAL under
# --check even when --insecure accepts it.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-ping
xt_server --cert=expired
plan 16

# A private HOME so no real configuration is ever read.
export HOME=$XT_TMP/home XDG_CONFIG_HOME=$XT_TMP/home/.config
mkdir -p "$XDG_CONFIG_HOME"
unset XMPP_JID XMPP_PASSWORD XMPP_CONFIG CREDENTIALS_DIRECTORY

pw=$(xt_pwfile alice)
xping() {
	xt_run xmpp-ping --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "alice@$XT_DOMAIN" --password-file "$pw" "$@" </dev/null
}
probe() {
	xt_run xmpp-ping --no-login --server "127.0.0.1:$XT_PORT" \
	    --cafile "$XT_CAFILE" "$@" </dev/null
}

rejected="certificate of 'xt.test' rejected: certificate has expired (subject /CN=xt.test)"

xping
is_rc 77 "expired certificate: 77"
is "$xt_err" "xmpp-ping: $rejected" "expired certificate: says why, names the subject"
is "$xt_out" "" "expired certificate: nothing on stdout"

xping --check
is_rc 2 "--check, expired certificate: CRITICAL"
is "$xt_out" "XMPP CRITICAL - $rejected" "CRITICAL: the usual message"

probe xt.test
is_rc 77 "--no-login, expired certificate: 77"
is "$xt_err" "xmpp-ping: $rejected" "--no-login: the same message"

probe --check --cert-days 14 xt.test
is_rc 2 "--no-login --check --cert-days 14, expired certificate: CRITICAL"
is "$xt_out" "XMPP CRITICAL - $rejected" "CRITICAL: the usual message"

# --insecure gets past verification; the check itself still fails.
xping --insecure --check
is_rc 2 "--insecure --check, expired certificate: still CRITICAL"
like "$xt_out" '^XMPP CRITICAL - certificate of .*xt\.test.* expired' \
    "CRITICAL: says the certificate has expired"

probe --insecure --check xt.test
is_rc 2 "--no-login --insecure --check, expired certificate: CRITICAL"
like "$xt_out" '^XMPP CRITICAL - certificate of .*xt\.test.* expired' \
    "CRITICAL: says the certificate has expired"

probe --insecure -o json xt.test
is_rc 0 "--no-login --insecure -o json: reported"
like "$xt_err" "warning: accepting the unverified certificate" "... with a warning"
ok "... days left below zero" python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["cert_days_left"] < 0, o
' "$XT_TMP/out"
