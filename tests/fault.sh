# SPDX-License-Identifier: GPL-3.0-or-later
# tests/fault.sh: what the fault tests (tests/04NN-fault-*.t) share,
# sourced after lib.sh and xt_server: a private HOME, password files, and
# the accounting of what was sent against what arrived or was handed back.
# A FILE below holds stanzas one per line: JSON lines of test-receiver,
# --failed, or xmpp-listen -o xml (or -o text, the stanza after the time).
#
#   lost PREFIX N FILE...      the k in 1..N with no body "PREFIX k" in
#                              any FILE
#   wait_lost SECS PREFIX N FILE...
#                              the same once nothing is lost, or after
#                              SECS (one process, polling every 50 ms)
#   copies PREFIX FILE...      extra copies of "PREFIX k" bodies: what
#                              arrived more than once
#   split_ids FILE...          bodies that came with two different ids, or
#                              an origin-id unlike the id: sent twice as
#                              two stanzas, not re-sent as one
#   confirmed LOG              the bodies an xmpp-send -vv log shows
#                              confirmed (a barrier answered after them
#                              on their stream), one per line
#   server_do stop|resume      scripts/test-server on this test's server
#   server_pid                 its pid (for kill -STOP, -CONT, -KILL)
#   wait_until SECS CMD...     until CMD succeeds, polling every 20 ms
#   has_lines FILE N           FILE has at least N lines
#   fifo_sender ARGS...        xmpp-send $conn --lines ARGS bob@$XT_DOMAIN
#                              in the background, reading a FIFO that
#                              fd 3 of this shell writes; pid in $sender
#   fifo_reap                  close fd 3 and wait for it: its status in
#                              xt_rc, its stderr in xt_err

export HOME=$XT_TMP/home XDG_CONFIG_HOME=$XT_TMP/home/.config
mkdir -p "$XDG_CONFIG_HOME"
unset XMPP_JID XMPP_PASSWORD XMPP_CONFIG CREDENTIALS_DIRECTORY
for _u in alice bob carol; do xt_pwfile $_u >/dev/null; done

_fault_py='
import json, sys, time
import xml.etree.ElementTree as ET
def stanzas(names):
    for name in names:
        try:
            f = open(name, encoding="utf-8")
        except FileNotFoundError:
            continue
        for line in f:
            line = line.strip()
            if "<" not in line:
                continue
            if line.startswith("{"):
                xml = json.loads(line)["xml"]
            else:
                xml = line[line.index("<"):]
            try:
                m = ET.fromstring(xml)
            except ET.ParseError:
                continue
            body = m.findtext("{jabber:client}body")
            if body is None:
                body = m.findtext("body")
            oid = m.find("{urn:xmpp:sid:0}origin-id")
            yield body, m.get("id"), oid.get("id") if oid is not None else None
def missing(prefix, n, names):
    seen = set(b for b, _, _ in stanzas(names))
    return [k for k in range(1, n + 1) if "%s %d" % (prefix, k) not in seen]
'

lost() {
	/usr/bin/python3 -S -c "$_fault_py"'
print(" ".join(map(str, missing(sys.argv[1], int(sys.argv[2]), sys.argv[3:]))))
' "$@"
}

wait_lost() {
	/usr/bin/python3 -S -c "$_fault_py"'
until = time.monotonic() + float(sys.argv[1])
while True:
    miss = missing(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
    if not miss or time.monotonic() > until:
        break
    time.sleep(0.05)
print(" ".join(map(str, miss)))
' "$@"
}

copies() {
	/usr/bin/python3 -S -c "$_fault_py"'
import collections
c = collections.Counter(b for b, _, _ in stanzas(sys.argv[2:])
                        if b and b.startswith(sys.argv[1] + " "))
print(sum(v - 1 for v in c.values()))
' "$@"
}

split_ids() {
	/usr/bin/python3 -S -c "$_fault_py"'
ids = {}
for b, i, o in stanzas(sys.argv[1:]):
    ids.setdefault(b, set()).add((i, o))
print(" ".join(sorted(b for b, k in ids.items() if len(k) > 1 or
                      any(o is not None and i != o for i, o in k))))
' "$@"
}

confirmed() {
	/usr/bin/python3 -S - "$1" <<-'EOF'
	import re, sys
	done, sent, pings = set(), [], {}
	for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
	    if ": connecting to " in line:
	        sent, pings = [], {}
	    elif ": SENT: " in line:
	        for m in re.finditer(r'<message [^>]*><body>([^<]*)</body>|'
	                             r'<iq id="([^"]+)"[^>]*><ping ', line):
	            if m.group(1) is not None:
	                sent.append(m.group(1))
	            else:
	                pings[m.group(2)] = len(sent)
	    elif ": RECV: <iq " in line:
	        m = re.search(r'<iq id="([^"]+)" type="result"', line)
	        if m and m.group(1) in pings:
	            done.update(sent[:pings[m.group(1)]])
	for b in sorted(done):
	    print(b)
	EOF
}

server_do() {
	# A stopped Prosody lingers briefly as a zombie: resume may need
	# another try.
	_sd_n=0
	until "$XT_SCRIPTS/test-server" "$1" "$XT_SERVER_DIR" \
	    >"$XT_TMP/server.out" 2>"$XT_TMP/server.err"; do
		_sd_n=$((_sd_n + 1))
		if [ "$1" != resume ] || [ "$_sd_n" -ge 50 ]; then
			diag "test-server $1: $(cat "$XT_TMP/server.err")"
			return 1
		fi
		sleep 0.1
	done
}

server_pid() {
	cat "$XT_SERVER_DIR/server.pid"
}

wait_until() {
	_wu_lim=$(( $1 * 50 ))
	shift
	_wu_i=0
	until "$@"; do
		[ "$_wu_i" -lt "$_wu_lim" ] || return 1
		sleep 0.02
		_wu_i=$((_wu_i + 1))
	done
}

has_lines() {
	[ "$(wc -l <"$1" 2>/dev/null || echo 0)" -ge "$2" ]
}

now_ms() {
	date +%s%3N
}

fifo_sender() {
	rm -f "$XT_TMP/fifo"
	mkfifo "$XT_TMP/fifo"
	# shellcheck disable=SC2086
	run_bounded 60 xmpp-send $conn --lines "$@" "bob@$XT_DOMAIN" \
	    <"$XT_TMP/fifo" >"$XT_TMP/send.out" 2>"$XT_TMP/send.err" 3>&- &
	sender=$!
	exec 3>"$XT_TMP/fifo"
}

fifo_reap() {
	exec 3>&-
	wait "$sender"
	xt_rc=$?
	xt_err=$(cat "$XT_TMP/send.err")
}
