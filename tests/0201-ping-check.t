#!/bin/sh
# xmpp-ping --check: one monitoring-plugin line and exit 0/1/2/3 for OK,
# WARNING (thresholds, certificate expiry), CRITICAL (thresholds, no answer,
# every connection failure) and UNKNOWN (usage).
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-ping
xt_server
plan 48

# A private HOME so no real configuration is ever read.
export HOME=$XT_TMP/home XDG_CONFIG_HOME=$XT_TMP/home/.config
mkdir -p "$XDG_CONFIG_HOME"
unset XMPP_JID XMPP_PASSWORD XMPP_CONFIG CREDENTIALS_DIRECTORY

pw=$(xt_pwfile alice)
check() {
	xt_run xmpp-ping --check --server "127.0.0.1:$XT_PORT" \
	    --cafile "$XT_CAFILE" --jid "alice@$XT_DOMAIN" \
	    --password-file "$pw" "$@" </dev/null
}

# one_line DESC: stdout is exactly one line.
one_line() {
	is "$(wc -l <"$XT_TMP/out" | tr -d ' ')" 1 "$1"
}

s='[0-9]+\.[0-9]{6}s'
perf="time=$s;;;0 dns=$s connect=$s tls=$s auth=$s rtt=$s"

# Days until the test certificate expires, as openssl sees it.
end=$(openssl x509 -enddate -noout -in "$XT_SERVER_CERT" | cut -d= -f2)
days=$(( ($(date -u -d "$end" +%s) - $(date -u +%s)) / 86400 ))

# ---- OK ----

check
is_rc 0 "OK: exit 0"
like "$xt_out" "^XMPP OK - xt\\.test answered in [0-9]+\\.[0-9] ms \\| $perf\$" \
    "OK: status, target, round trip and performance data"
one_line "OK: exactly one line"
is "$xt_err" "" "OK: nothing on stderr"

check --warning 10000 --critical 20000
is_rc 0 "round trip under both thresholds: OK"
like "$xt_out" "^XMPP OK - .* rtt=$s;10\\.000000;20\\.000000;0\$" \
    "thresholds appear in the rtt performance data, in seconds"

check "bob@$XT_DOMAIN/gone"
is_rc 0 "error reply (reachable): OK"
like "$xt_out" '^XMPP OK - bob@xt\.test/gone answered in ' \
    "error reply: the target answered"

check -c 2 -i 0.1 xt.test "bob@$XT_DOMAIN"
is_rc 0 "two targets: OK"
one_line "two targets: still one line"

check --cert-days 14
is_rc 0 "--cert-days 14, certificate valid for years: OK"

# ---- WARNING ----

# No round trip through the server takes less than a microsecond.
check --warning 0.001
is_rc 1 "round trip over --warning: WARNING, exit 1"
like "$xt_out" \
    "^XMPP WARNING - xt\\.test answered in [0-9]+\\.[0-9] ms \\(over 0\\.001 ms\\) \\| " \
    "WARNING: says which threshold was exceeded"

check --warning 0.001 --critical 100000
is_rc 1 "over --warning, under --critical: WARNING"
like "$xt_out" "^XMPP WARNING - xt\\.test answered in [0-9.]+ ms \\(over 0\\.001 ms\\) \\| $perf;0\\.000001;100\\.000000;0\$" \
    "WARNING: the thresholds in the performance data"
one_line "WARNING: exactly one line"

check --cert-days $((days + 30))
is_rc 1 "certificate expires within --cert-days ($((days + 30))): WARNING"
like "$xt_out" "^XMPP WARNING - certificate of xt\\.test expires in [0-9]+ days \\| $perf\$" \
    "WARNING: says when the certificate expires"
n=$(printf '%s\n' "$xt_out" | sed -n 's/.* expires in \([0-9]*\) days.*/\1/p')
ok "... in $days days, as openssl says (got ${n:-nothing})" \
    test "${n:-0}" -ge $((days - 1)) -a "${n:-0}" -le "$days"

# ---- CRITICAL ----

check --critical 0.001
is_rc 2 "round trip over --critical: CRITICAL, exit 2"
like "$xt_out" \
    "^XMPP CRITICAL - xt\\.test answered in [0-9.]+ ms \\(over 0\\.001 ms\\) \\| $perf;;0\\.000001;0\$" \
    "CRITICAL: says which threshold was exceeded"

check --warning 0.001 --critical 0.002
is_rc 2 "over both thresholds: CRITICAL wins"

check --critical 0.001 --cert-days $((days + 30))
is_rc 2 "slow and certificate expiring: CRITICAL wins over WARNING"

check --strict "bob@$XT_DOMAIN/gone"
is_rc 2 "--strict, only an error reply: CRITICAL"
like "$xt_out" '^XMPP CRITICAL - .*bob@xt\.test/gone' "CRITICAL: names the target"

port=$(xt_free_port)
xt_run xmpp-ping --check --server "127.0.0.1:$port" --cafile "$XT_CAFILE" \
    --jid "alice@$XT_DOMAIN" --password-file "$pw" </dev/null
is_rc 2 "server down: CRITICAL"
is "$xt_out" \
    "XMPP CRITICAL - cannot connect to 'xt.test' at 127.0.0.1:$port: connection refused" \
    "server down: the usual message"

printf 'wrong\n' >"$XT_TMP/wrong.pw"
chmod 600 "$XT_TMP/wrong.pw"
xt_run xmpp-ping --check --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
    --jid "alice@$XT_DOMAIN" --password-file "$XT_TMP/wrong.pw" </dev/null
is_rc 2 "wrong password: CRITICAL"
like "$xt_out" \
    "^XMPP CRITICAL - authentication as 'alice@xt\\.test' with SCRAM-SHA-1 failed: not-authorized" \
    "wrong password: the SASL condition"
one_line "wrong password: exactly one line"

xt_run xmpp-ping --check --server "127.0.0.1:$XT_PORT" \
    --cafile "$XT_OTHER_CAFILE" --jid "alice@$XT_DOMAIN" \
    --password-file "$pw" </dev/null
is_rc 2 "certificate from an untrusted CA: CRITICAL"
like "$xt_out" "^XMPP CRITICAL - certificate of 'xt\\.test' rejected: " \
    "untrusted CA: says the certificate was rejected"

xt_silent_port
start=$(date +%s)
xt_run xmpp-ping --check --server "127.0.0.1:$XT_SILENT_PORT" \
    --cafile "$XT_CAFILE" --jid "alice@$XT_DOMAIN" --password-file "$pw" \
    --timeout 2 </dev/null
took=$(( $(date +%s) - start ))
is_rc 2 "server that never speaks: CRITICAL"
ok "... within --timeout plus a second ($took s)" test "$took" -le 3
like "$xt_out" "^XMPP CRITICAL - timed out after 2 s " "timeout: says so"

# A client that stops reading never answers.
xt_recv_start bob "$XT_BOB_PW" "$XT_TMP/bob.jsonl" ||
    bail_out "bob cannot log in"
bob=$(cat "$XT_TMP/bob.jsonl.ready")
bobpid=$(cat "$XT_TMP/bob.jsonl.pid")
xt_at_exit "kill -CONT $bobpid 2>/dev/null"
kill -STOP "$bobpid"
check -W 1 "$bob"
kill -CONT "$bobpid"
xt_recv_stop "$XT_TMP/bob.jsonl"
is_rc 2 "no answer: CRITICAL"
is "$(printf '%s\n' "$xt_out" | sed 's/ | .*//')" \
    "XMPP CRITICAL - no answer from $bob within 1 s" "no answer: names target and wait"

# ---- UNKNOWN ----

check --bogus
is_rc 3 "unknown option: UNKNOWN, exit 3"
is "$xt_out" "XMPP UNKNOWN - unknown option '--bogus'" \
    "unknown option: one line naming it"

check --warning 5 --critical 1
is_rc 3 "--warning above --critical: UNKNOWN"
like "$xt_out" '^XMPP UNKNOWN - .*--warning' "... naming the options"

check -c 0
is_rc 3 "--count 0: UNKNOWN"
like "$xt_out" '^XMPP UNKNOWN - .*count' "... naming the option"

check --critical -5
is_rc 3 "negative threshold: UNKNOWN"

xt_run xmpp-ping --check --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
    --jid "alice@$XT_DOMAIN" </dev/null
is_rc 3 "no password (configuration): UNKNOWN"
like "$xt_out" "^XMPP UNKNOWN - no password for 'alice@xt\\.test'" \
    "no password: says so"

# Only one threshold: the other stays empty in the performance data.
check --warning 100000
is_rc 0 "--warning alone, not reached: OK"
like "$xt_out" "rtt=[0-9.]+s;100\\.000000;;0\$" "... the absent --critical is empty"
