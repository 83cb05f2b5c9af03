#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# scripts/fault-proxy itself, in front of an echo server (no XMPP): it
# forwards as is, trickles one byte per read, delays, stalls and lets go,
# and cuts after exactly N bytes with FIN or RST, then lets a new
# connection through. The fault tests rely on each of these.
. "$(dirname "$0")/lib.sh"
plan 9

# An echo server on a free port: it writes back what it reads, and logs
# how many bytes each connection brought before its end ("eof N").
cat >"$XT_TMP/echo.py" <<'EOF'
import os, socket, sys, threading
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(8)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % srv.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
log = open(sys.argv[2], "a", buffering=1)
def serve(c):
    n = 0
    while True:
        try:
            d = c.recv(65536)
        except OSError:
            d = b""
        if not d:
            break
        n += len(d)
        try:
            c.sendall(d)
        except OSError:
            break
    log.write("eof %d\n" % n)
    c.close()
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
/usr/bin/python3 -S "$XT_TMP/echo.py" "$XT_TMP/echo.port" "$XT_TMP/echo.log" \
    </dev/null >/dev/null 2>&1 &
xt_at_exit "kill $! 2>/dev/null"
i=0
while [ ! -s "$XT_TMP/echo.port" ] && [ $i -lt 250 ]; do sleep 0.02; i=$((i + 1)); done
xt_proxy_start "$(cat "$XT_TMP/echo.port")" || bail_out "fault-proxy did not start"

# client WHAT [N]: one connection through the proxy; prints what it saw.
client() {
	/usr/bin/python3 -S - "$XT_PROXY_PORT" "$@" <<-'EOF'
	import socket, sys, time
	port, what = int(sys.argv[1]), sys.argv[2]
	s = socket.create_connection(("127.0.0.1", port))
	s.settimeout(5)
	def recv_all(n):
	    got, reads = b"", 0
	    while len(got) < n:
	        d = s.recv(65536)
	        if not d:
	            break
	        got += d
	        reads += 1
	    return got, reads
	if what == "echo":
	    data = bytes(range(256)) * 40
	    s.sendall(data)
	    got, _ = recv_all(len(data))
	    print("same" if got == data else "differs (%d bytes)" % len(got))
	elif what == "reads":
	    s.sendall(b"x" * 200)
	    got, reads = recv_all(200)
	    print("%d bytes in %d reads" % (len(got), reads))
	elif what == "time":
	    t = time.monotonic()
	    s.sendall(b"ping")
	    recv_all(4)
	    print("%.2f" % (time.monotonic() - t))
	elif what == "end":
	    try:
	        s.sendall(b"y" * 1000)
	        got, _ = recv_all(1000)
	        print("eof after %d" % len(got))
	    except ConnectionResetError:
	        print("reset")
	elif what == "hold":
	    s.sendall(b"z" * 100)
	    s.settimeout(0.3)
	    try:
	        print("got %d while stalled" % len(s.recv(100)))
	    except socket.timeout:
	        print("nothing while stalled")
	    open(sys.argv[3], "w").close()
	    s.settimeout(5)
	    got, _ = recv_all(100)
	    print("then %d" % len(got))
	EOF
}

is "$(client echo)" same "pass: 10240 bytes through and back, unchanged"

# The proxy writes one byte each time; a reader slower than the pause (a
# loaded machine) finds several queued now and then.
xt_proxy "both trickle 0.001"
reads=$(client reads)
ok "trickle: one byte per write, most reads one byte ($reads)" \
    test "$(echo "$reads" | sed -n 's/^200 bytes in \([0-9]*\) reads$/\1/p')" -ge 100

xt_proxy "both delay 0.2"
like "$(client time)" "^0\.(4|5|6|7|8|9)" "delay 0.2 each way: a round trip of 0.4 s or a bit more"

xt_proxy "s2c cut 100"
is "$(client end)" "eof after 100" "s2c cut 100 (FIN): the client gets 100 bytes, then the end"
xt_proxy "c2s cut 100"
i=0
until [ "$(grep -c . "$XT_TMP/echo.log")" -ge 4 ] || [ $i -ge 250 ]; do sleep 0.02; i=$((i + 1)); done
: >"$XT_TMP/echo.log"
client end >/dev/null
# The echo server logs the end of that connection once it sees it.
i=0
until [ -s "$XT_TMP/echo.log" ] || [ $i -ge 250 ]; do sleep 0.02; i=$((i + 1)); done
is "$(tail -n 1 "$XT_TMP/echo.log")" "eof 100" "c2s cut 100: the server gets exactly 100 bytes"
is "$(client echo)" same "... and the next connection passes"

xt_proxy "s2c cut 0 rst"
is "$(client end)" reset "cut 0 rst: a reset"

xt_proxy "both stall"
( i=0; while [ ! -e "$XT_TMP/held" ] && [ $i -lt 250 ]; do sleep 0.02; i=$((i + 1)); done
  xt_proxy ) &
lifter=$!
is "$(client hold "$XT_TMP/held" | tr '\n' ' ')" "nothing while stalled then 100 " \
    "stall: nothing moves, then all of it once lifted"
wait "$lifter"
ok "each fault is logged" grep -q "conn [0-9]* s2c cut after 0 bytes (rst)" "$XT_PROXY_LOG"
