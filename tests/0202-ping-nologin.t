#!/bin/sh
# xmpp-ping --no-login: the certificate, STARTTLS and SASL mechanisms of a
# server, without an account.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-ping
xt_server
plan 40

# A private HOME, and no account anywhere: none must be needed.
export HOME=$XT_TMP/home XDG_CONFIG_HOME=$XT_TMP/home/.config
mkdir -p "$XDG_CONFIG_HOME"
unset XMPP_JID XMPP_PASSWORD XMPP_CONFIG CREDENTIALS_DIRECTORY

probe() {
	xt_run xmpp-ping --no-login --cafile "$XT_CAFILE" "$@" </dev/null
}

# line PREFIX: the line of stdout starting with PREFIX, without it.
line() {
	sed -n "s/^$1//p" "$XT_TMP/out"
}

end=$(openssl x509 -enddate -noout -in "$XT_SERVER_CERT" | cut -d= -f2)
expires=$(date -u -d "$end" '+%Y-%m-%d %H:%M:%S UTC')
iso=$(date -u -d "$end" '+%Y-%m-%dT%H:%M:%SZ')
days=$(( ($(date -u -d "$end" +%s) - $(date -u +%s)) / 86400 ))
# What each server offers over TLS, sorted: ejabberd adds channel binding.
case $XT_SERVER_KIND in
ejabberd) mechs="PLAIN SCRAM-SHA-1 SCRAM-SHA-1-PLUS" ;;
*) mechs="PLAIN SCRAM-SHA-1" ;;
esac

# ---- STARTTLS ----

probe --server "127.0.0.1:$XT_PORT" xt.test
is_rc 0 "no JID, no password: exit 0"
is "$xt_err" "" "nothing on stderr"
is "$(line 'server: ')" "xt.test at 127.0.0.1:$XT_PORT" "server and address"
is "$(line 'tls: ')" "starttls (required)" "STARTTLS, required by the server"
is "$(line 'certificate subject: ')" "/CN=xt.test" "certificate subject"
# The test CA's name, as OpenSSL prints one (it has a tag per server).
ca_name=$(openssl x509 -in "$XT_CAFILE" -noout -subject -nameopt compat |
    sed 's/^subject=//')
is "$(line 'certificate issuer: ')" "$ca_name" \
    "certificate issuer"
like "$(line 'certificate expires: ')" "^$expires \\(($days|$((days - 1))) days\\)\$" \
    "certificate expiry, as openssl reads it, and the days left"
is "$(line 'certificate sha256: ')" "$XT_PIN" \
    "certificate fingerprint, the form --pin takes"
is "$(line 'sasl mechanisms: ' | tr ' ' '\n' | sort | tr '\n' ' ')" \
    "$mechs " "SASL mechanisms offered after TLS"
is "$(cut -d: -f1 "$XT_TMP/out" | tr '\n' ,)" \
    "server,tls,certificate subject,certificate issuer,certificate expires,certificate sha256,sasl mechanisms," \
    "nothing else, in this order"

probe --server "127.0.0.1:$XT_PORT" --jid "alice@$XT_DOMAIN"
is_rc 0 "the domain of --jid, without a password: exit 0"
is "$(line 'server: ')" "xt.test at 127.0.0.1:$XT_PORT" \
    "the domain of --jid is the server checked"

# ---- direct TLS ----

probe --server "127.0.0.1:$XT_TLS_PORT" --tls direct xt.test
is_rc 0 "--tls direct: exit 0"
is "$(line 'tls: ')" "direct" "--tls direct: reported"
is "$(line 'server: ')" "xt.test at 127.0.0.1:$XT_TLS_PORT" \
    "--tls direct: the direct TLS port"
is "$(line 'certificate subject: ')" "/CN=xt.test" \
    "--tls direct: certificate subject"

# ---- JSON ----

probe --server "127.0.0.1:$XT_PORT" -o json xt.test
is_rc 0 "-o json: exit 0"
is "$(wc -l <"$XT_TMP/out" | tr -d ' ')" 1 "-o json: one line"
ok "-o json: one object with the documented keys and values" python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).read())
want = {"server": "xt.test", "address": "127.0.0.1:" + sys.argv[2],
        "tls": "starttls", "starttls_required": True,
        "cert_subject": "/CN=xt.test", "cert_issuer": sys.argv[7],
        "cert_not_after": sys.argv[3], "cert_sha256": sys.argv[4]}
for k, v in want.items():
    assert o.get(k) == v, (k, o.get(k), v)
d = int(sys.argv[5])
assert o["cert_days_left"] in (d - 1, d), o["cert_days_left"]
assert sorted(o["sasl_mechanisms"]) == sys.argv[6].split(), o
' "$XT_TMP/out" "$XT_PORT" "$iso" "$XT_PIN" "$days" "$mechs" "$ca_name"

probe --server "127.0.0.1:$XT_TLS_PORT" --tls direct -o json xt.test
ok "-o json, --tls direct: tls is direct, STARTTLS not required" python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["tls"] == "direct" and o["starttls_required"] is False, o
' "$XT_TMP/out"

# ---- --check ----

probe --server "127.0.0.1:$XT_PORT" --check xt.test
is_rc 0 "--check: OK"
like "$xt_out" "^XMPP OK - xt\\.test: TLS [^,]+, certificate valid for [0-9]+ days, SASL [A-Z0-9 -]+ \\| time=[0-9]+\\.[0-9]{6}s;;;0\$" \
    "--check: one OK line with certificate and mechanisms"

probe --server "127.0.0.1:$XT_PORT" --check --cert-days 14 xt.test
is_rc 0 "--check --cert-days 14, certificate valid for years: OK"

probe --server "127.0.0.1:$XT_PORT" --check --cert-days $((days + 30)) xt.test
is_rc 1 "--check --cert-days $((days + 30)): WARNING"
like "$xt_out" "^XMPP WARNING - certificate of xt\\.test expires in ($days|$((days - 1))) days" \
    "WARNING: says when"

# ---- failures ----

probe --server "127.0.0.1:$XT_PORT" --cafile "$XT_OTHER_CAFILE" xt.test
is_rc 77 "certificate from an untrusted CA: still verified, 77"
like "$xt_err" "certificate of 'xt.test' rejected: " "... says so"
is "$xt_out" "" "... and reports nothing on stdout"

probe --server "127.0.0.1:$XT_PORT" --cafile "$XT_OTHER_CAFILE" --check xt.test
is_rc 2 "--check, certificate from an untrusted CA: CRITICAL"
like "$xt_out" "^XMPP CRITICAL - certificate of 'xt\\.test' rejected: " \
    "CRITICAL: says so"

port=$(xt_free_port)
probe --server "127.0.0.1:$port" xt.test
is_rc 69 "nothing listening: 69"
probe --server "127.0.0.1:$port" --check xt.test
is_rc 2 "--check, nothing listening: CRITICAL"
is "$xt_out" \
    "XMPP CRITICAL - cannot connect to 'xt.test' at 127.0.0.1:$port: connection refused" \
    "CRITICAL: the usual message"

probe --server "127.0.0.1:$XT_PORT"
is_rc 64 "no domain and no --jid: 64"
probe --server "127.0.0.1:$XT_PORT" xt.test xt.test
is_rc 64 "two domains: 64"
probe --server "127.0.0.1:$XT_PORT" --check
is_rc 3 "--check, no domain: UNKNOWN"

# -o text: the same records, a tab between key and value.
xt_run xmpp-ping --no-login -o text --server "127.0.0.1:$XT_PORT" \
    --cafile "$XT_CAFILE" "$XT_DOMAIN" </dev/null
is_rc 0 "--no-login -o text: exit 0"
like "$(grep '^tls' "$XT_TMP/out")" "$(printf '^tls\tstarttls \\(required\\)$')" \
    "... tab-separated records"
# Without --check, --cert-days still fails the run.
xt_run xmpp-ping --no-login --cert-days 100000 --server "127.0.0.1:$XT_PORT" \
    --cafile "$XT_CAFILE" "$XT_DOMAIN" </dev/null
is_rc 1 "--no-login --cert-days beyond the certificate's life: exit 1"
like "$xt_err" "certificate of 'xt.test' expires in [0-9]+ days" "... and says so"
