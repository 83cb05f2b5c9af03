# SPDX-License-Identifier: GPL-3.0-or-later
# tests/disco.sh: what the xmpp-disco tests share, sourced after lib.sh
# and xt_server: a private HOME, alice's password file, and helpers to
# run xmpp-disco as alice and read what it printed.

# A private HOME so no real configuration is ever read.
export HOME=$XT_TMP/home XDG_CONFIG_HOME=$XT_TMP/home/.config
mkdir -p "$XDG_CONFIG_HOME"
unset XMPP_JID XMPP_PASSWORD XMPP_CONFIG CREDENTIALS_DIRECTORY
alice_pw=$(xt_pwfile alice)

# disco ARGS...: xmpp-disco as alice on the test server, by xt_run.
disco() {
	xt_run xmpp-disco --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "alice@$XT_DOMAIN" --password-file "$alice_pw" "$@" </dev/null
}

# records KIND: the -o text records of that kind in stdout, kind dropped.
records() {
	awk -F'\t' -v k="$1" '$1 == k { sub(/^[^\t]*\t/, ""); print }' \
	    "$XT_TMP/out"
}

# has_line LINE [FILE]: 0 if FILE (default stdout of the last run) has
# exactly that line.
has_line() {
	grep -Fxq -- "$1" "${2:-$XT_TMP/out}"
}

# summary FILE: the numbers of the -v summary line in FILE ("N P U"):
# requests, at most in flight, unanswered.
summary() {
	sed -n 's/^xmpp-disco: \([0-9]*\) requests, at most \([0-9]*\) in flight, \([0-9]*\) unanswered, [0-9.]* ms$/\1 \2 \3/p' \
	    "$1"
}

# trace FILE: from the -vv traffic in FILE, "SENT MAX": the disco
# requests (iq get with a disco#info or disco#items query) sent, and the
# most of them waiting for an answer at any one time, counted from the
# SENT: and RECV: lines alone.
trace() {
	/usr/bin/python3 -S - "$1" <<-'EOF'
	import re, sys
	sent, waiting, peak = 0, set(), 0
	for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
	    m = re.match(r"xmpp-disco: (SENT|RECV): <iq ([^>]*)>", line)
	    if not m:
	        continue
	    attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
	    iid, kind = attrs.get("id"), attrs.get("type")
	    if m.group(1) == "SENT":
	        if kind == "get" and re.search(
	                r'<query xmlns="http://jabber.org/protocol/disco#(info|items)"',
	                line):
	            sent += 1
	            waiting.add(iid)
	            peak = max(peak, len(waiting))
	    elif kind in ("result", "error"):
	        waiting.discard(iid)
	print(sent, peak)
	EOF
}

# jq_ok [-s] FILTER FILE: 0 if jq -e FILTER holds on FILE (its output
# dropped, so that it stays out of the TAP stream).
jq_ok() {
	jq -e "$@" >/dev/null
}

# tag: a random word, for rooms of this run only (a shared server keeps
# rooms from earlier runs).
tag() {
	od -An -N4 -tx1 /dev/urandom | tr -d ' \n'
}

# make_rooms ARGS...: scripts/make-rooms as alice (persistent rooms).
make_rooms() {
	run_bounded 120 "$XT_SCRIPTS/make-rooms" --jid "alice@$XT_DOMAIN" \
	    --password-file "$alice_pw" --server "127.0.0.1:$XT_PORT" \
	    --cafile "$XT_CAFILE" "$@" </dev/null
}
