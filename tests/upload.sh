# SPDX-License-Identifier: GPL-3.0-or-later
# tests/upload.sh: what the xmpp-send --attach tests (XEP-0363) share,
# sourced after lib.sh, xt_server and send.sh: sending as alice, reading
# back what the upload service stores and serves, what the receiver got.

# up ARGS...: xmpp-send as alice on the current server (xt_run).
up() {
	xt_run xmpp-send --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "alice@$XT_DOMAIN" --password-file "$XT_TMP/alice.pw" "$@"
}

# up_need_service: skip the whole test when the server has no upload
# service (one started by an older scripts/test-server).
up_need_service() {
	[ -n "${XT_UPLOAD:-}" ] && [ -n "${XT_HTTPS_PORT:-}" ] ||
	    plan_skip_all "the test server has no upload service (XT_UPLOAD)"
	xt_pwfile alice >/dev/null
}

# up_server NAME [VAR=VALUE...]: another throwaway server, in
# $XT_TMP/NAME, started with those variables in its environment (e.g.
# XT_SERVER_HTTPS_CERT=other-ca); its XT_* variables replace the current
# ones (alice's password file too). Stopped at exit. Bails out if it
# cannot start.
up_server() {
	_up_d=$XT_TMP/$1
	shift
	if ! _up_v=$(env "$@" "$XT_SCRIPTS/test-server" start "$_up_d" \
	    2>"$XT_TMP/up-server.err"); then
		bail_out "test server '$*' did not start: $(cat "$XT_TMP/up-server.err")"
	fi
	xt_at_exit "'$XT_SCRIPTS/test-server' stop '$_up_d'"
	eval "$_up_v"
	xt_pwfile alice >/dev/null
}

# sha FILE: its SHA-256, lowercase hex.
sha() {
	sha256sum <"$1" | cut -d' ' -f1
}

# sha_url URL [CAFILE]: the SHA-256 of what a GET of URL returns (curl,
# trusting CAFILE, default XT_CAFILE); "HTTP-ERROR" unless it is 2xx.
sha_url() {
	if run_bounded 60 curl -sS --fail --cacert "${2:-$XT_CAFILE}" \
	    -o "$XT_TMP/got.bin" -- "$1" 2>"$XT_TMP/curl.err"; then
		sha "$XT_TMP/got.bin"
	else
		echo "HTTP-ERROR"
		diag "GET $1: $(cat "$XT_TMP/curl.err")"
	fi
}

# type_url URL: the Content-Type a GET of URL is served with.
type_url() {
	run_bounded 60 curl -sS --fail --cacert "$XT_CAFILE" -o /dev/null \
	    -w '%{content_type}' -- "$1" 2>/dev/null
}

# oob FILE N: the URLs of the XEP-0066 <x xmlns='jabber:x:oob'> of the Nth
# message of FILE (one per line; none: empty), from the XML the
# receiver recorded.
oob() {
	/usr/bin/python3 -S -c '
import json, sys
from xml.etree import ElementTree as ET
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
msg = ET.fromstring(json.loads(lines[int(sys.argv[2]) - 1])["xml"])
for x in msg.findall("{jabber:x:oob}x"):
    for u in x.findall("{jabber:x:oob}url"):
        print(u.text or "")
' "$@"
}

# last_segment URL: the last path segment of URL, percent-decoded.
last_segment() {
	/usr/bin/python3 -S -c '
import sys, urllib.parse
print(urllib.parse.unquote(urllib.parse.urlsplit(sys.argv[1]).path.rsplit("/", 1)[-1]))
' "$1"
}

# stored: the number of files the upload service holds (complete or
# partial), under XT_UPLOAD_STORE.
stored() {
	if [ -d "$XT_UPLOAD_STORE" ]; then
		find "$XT_UPLOAD_STORE" -type f | wc -l | tr -d ' '
	else
		echo 0
	fi
}

# stored_size_over BYTES: how many stored files are larger than BYTES.
stored_size_over() {
	if [ -d "$XT_UPLOAD_STORE" ]; then
		find "$XT_UPLOAD_STORE" -type f -size +"$1"c | wc -l | tr -d ' '
	else
		echo 0
	fi
}

# random_file FILE BYTES: BYTES random bytes.
random_file() {
	head -c "$2" /dev/urandom >"$1"
}

# sentinel OUTFILE TEXT: send TEXT to bob as a plain message and wait
# until it is the last line of OUTFILE (bob's receiver): everything sent
# before it has arrived by then (the server keeps a session's order).
sentinel() {
	xt_run xmpp-send --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "alice@$XT_DOMAIN" --password-file "$XT_TMP/alice.pw" \
	    --message "$2" "bob@$XT_DOMAIN" </dev/null
	xt_wait_for "$1" "\"body\": \"$2\"" 10 || diag "the sentinel '$2' did not arrive"
}
