#!/bin/sh
# xmpp-listen --since / --last: the archive (XEP-0313) first, then live,
# with no gap and no message twice. A server of its own: the archive
# must hold only what this test sent.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-listen xmpp-send
xt_server --cert=good
plan 24

# A private HOME so no real configuration is ever read.
export HOME=$XT_TMP/home XDG_CONFIG_HOME=$XT_TMP/home/.config
mkdir -p "$XDG_CONFIG_HOME"
unset XMPP_JID XMPP_PASSWORD XMPP_CONFIG CREDENTIALS_DIRECTORY
for u in alice bob carol; do xt_pwfile $u >/dev/null; done
py=/usr/bin/python3

# send USER ARGS...: xmpp-send as USER, bounded; stdin is the caller's.
send() {
	_u=$1
	shift
	run_bounded 30 xmpp-send --server "127.0.0.1:$XT_PORT" \
	    --cafile "$XT_CAFILE" --jid "$_u@$XT_DOMAIN" \
	    --password-file "$XT_TMP/$_u.pw" "$@"
}

# listen USER ARGS...: xmpp-listen as USER in the foreground, by xt_run.
listen() {
	_u=$1
	shift
	xt_run xmpp-listen --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "$_u@$XT_DOMAIN" --password-file "$XT_TMP/$_u.pw" "$@"
}

# listen_bg NAME USER ARGS...: xmpp-listen as USER/NAME in the background
# (stdout NAME.out, stderr NAME.err in XT_TMP, pid in NAME.pid and
# $bg_pid); returns once it answers a ping from $pinger (default carol),
# 1 if it does not.
listen_bg() {
	_n=$1
	_u=$2
	shift 2
	# timeout(1) itself, not run_bounded: $! must be its pid, and it
	# hands a SIGTERM or SIGINT on to xmpp-listen.
	timeout -k 2 "${bg_limit:-60}" xmpp-listen --server "127.0.0.1:$XT_PORT" \
	    --cafile "$XT_CAFILE" --jid "$_u@$XT_DOMAIN" \
	    --password-file "$XT_TMP/$_u.pw" --resource "$_n" "$@" \
	    </dev/null >"$XT_TMP/$_n.out" 2>"$XT_TMP/$_n.err" &
	bg_pid=$!
	echo "$bg_pid" >"$XT_TMP/$_n.pid"
	xt_at_exit "kill $bg_pid 2>/dev/null"
	ready "$_u@$XT_DOMAIN/$_n" "$bg_pid"
}

# ready FULLJID PID: ping FULLJID (an iq get with id ready-N) until it
# answers; 1 if it does not within about 15 s or PID ends first.
ready() {
	_i=0
	while [ "$_i" -lt 50 ]; do
		printf '<iq type="get" to="%s" id="ready-%s"><ping xmlns="urn:xmpp:ping"/></iq>\n' \
		    "$1" "$_i" | send "${pinger:-carol}" --raw -w 5 \
		    >/dev/null 2>&1 && return 0
		kill -0 "$2" 2>/dev/null || break
		sleep 0.2
		_i=$((_i + 1))
	done
	diag "xmpp-listen as $1 did not answer a ping:"
	diag "$(cat "$XT_TMP/${1##*/}.err" 2>/dev/null)"
	return 1
}

# wait_bg NAME: wait until that listener ends; its exit status in bg_rc.
wait_bg() {
	wait "$(cat "$XT_TMP/$1.pid")"
	bg_rc=$?
}

# stop_bg NAME [SIGNAL]: send SIGNAL (default TERM) to that listener and
# wait until it ends; its exit status in bg_rc.
stop_bg() {
	kill -"${2:-TERM}" "$(cat "$XT_TMP/$1.pid")" 2>/dev/null
	wait_bg "$1"
}

# wait_for FILE ERE [SECS]: until a line of FILE matches ERE (default
# 10 s); 1 if none does in time.
wait_for() {
	_lim=$(( ${3:-10} * 50 ))
	_i=0
	until grep -Eq -- "$2" "$1" 2>/dev/null; do
		[ "$_i" -lt "$_lim" ] || return 1
		sleep 0.02
		_i=$((_i + 1))
	done
}

now_ms() {
	date +%s%3N
}

# ---- messages sent while nobody listens ----

for i in 1 2 3; do
	send alice --resource a1 -m "archived $i" "carol@$XT_DOMAIN" </dev/null ||
	    fail "alice sends message $i"
done

# carol logs in: the server delivers the three messages it kept
# offline, and the archive has them too; each must be printed once.
listen carol -o json --since 10m --type message -w 3 </dev/null
is_rc 0 "--since 10m: exit 0 at the end of -w"
printf '%s\n' "$xt_out" >"$XT_TMP/since.json"
got=$($py -S - "$XT_TMP/since.json" <<'PY'
import json, re, sys
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    ok = re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", o.get("delay", ""))
    print("%s|%s|%s" % (o.get("from"), o.get("body"), "delay" if ok else "no delay"))
PY
)
is "$got" "alice@$XT_DOMAIN/a1|archived 1|delay
alice@$XT_DOMAIN/a1|archived 2|delay
alice@$XT_DOMAIN/a1|archived 3|delay" \
    "--since: the archived messages, in order, each once, with their delay"
unlike "$xt_out" 'urn:xmpp:mam' "printed as the messages themselves, not the archive's wrapper"
is "$xt_err" "" "nothing on stderr"

listen carol -o text --last 2 --type message -w 3 </dev/null
is_rc 0 "--last 2: exit 0"
is "$(printf '%s\n' "$xt_out" | cut -f2-)" "alice@$XT_DOMAIN/a1	chat	archived 2
alice@$XT_DOMAIN/a1	chat	archived 3" "--last 2: exactly the last two"
stamp=$(printf '%s\n' "$xt_out" | head -n 1 | cut -f1)
like "$stamp" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\.[0-9]+)?Z$' \
    "-o text: the first field of an archived message is its delay stamp"

listen carol -o xml --last 1 --type message -w 3 </dev/null
like "$xt_out" '<body>archived 3</body>.*<delay xmlns="urn:xmpp:delay" [^>]*stamp="' \
    "-o xml: the delay element is added to the archived message"

start=$(now_ms)
listen carol -o text --last 3 -c 3 -w 20 </dev/null
took=$(( $(now_ms) - start ))
is_rc 0 "--last 3 -c 3: exit 0"
is "$(printf '%s\n' "$xt_out" | cut -f4 | tr '\n' ' ')" "archived 1 archived 2 archived 3 " \
    "... the three"
ok "... at once, not at -w 20 (${took} ms)" test "$took" -lt 10000

from=$(date -u -d '-10 min' +%Y-%m-%dT%H:%M:%SZ)
listen carol -o text --since "$from" --type message -c 3 -w 10 </dev/null
is_rc 0 "--since $from (ISO 8601): exit 0"
is "$(printf '%s\n' "$xt_out" | cut -f4 | tr '\n' ' ')" "archived 1 archived 2 archived 3 " \
    "... the three"

future=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
listen carol -o text --since "$future" --type message -w 2 </dev/null
is_rc 75 "--since a time to come: nothing, 75"
is "$xt_out" "" "... nothing printed"

listen carol -o text --since 2h --type message -w 2 --from "alice@$XT_DOMAIN/a1" </dev/null
is "$(printf '%s\n' "$xt_out" | grep -c 'archived')" 3 "--since 2h: the three"
listen carol -o text --since 1d --type message -w 2 --from "alice@$XT_DOMAIN/a1" </dev/null
is "$(printf '%s\n' "$xt_out" | grep -c 'archived')" 3 "--since 1d: the three"

# ---- archive, then live: no gap, no repeat ----

# 250 messages while carol is away: the server keeps them offline and
# in the archive. Then carol listens --since while alice goes on
# sending: the archive takes three pages, the offline messages arrive
# meanwhile, and the live ones come during and after.
seq 1 250 | send alice --resource a2 --lines "carol@$XT_DOMAIN"
ok "250 messages sent while carol is away" test $? = 0
timeout -k 2 60 xmpp-listen --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
    --jid "carol@$XT_DOMAIN" --password-file "$XT_TMP/carol.pw" \
    -o text --since 10m --from "alice@$XT_DOMAIN/a2" -c 300 -w 30 \
    </dev/null >"$XT_TMP/live.out" 2>"$XT_TMP/live.err" &
lpid=$!
xt_at_exit "kill $lpid 2>/dev/null"
seq 251 300 | send alice --resource a2 --lines "carol@$XT_DOMAIN"
ok "50 more sent while it reads the archive" test $? = 0
wait "$lpid"
is "$?" 0 "-c 300: all of them, exit 0"
is "$(cut -f4 "$XT_TMP/live.out" | tr '\n' ' ')" "$(seq 1 300 | tr '\n' ' ')" \
    "1 to 300: each once, in order"
is "$(cat "$XT_TMP/live.err")" "" "nothing on stderr"

# ---- a server without an archive ----

nomam=$XT_TMP/nomam
if vars=$(XT_SERVER_NO_MAM=1 "$XT_SCRIPTS/test-server" start "$nomam" 2>"$XT_TMP/nomam.err"); then
	xt_at_exit "'$XT_SCRIPTS/test-server' stop '$nomam'"
	port=$(eval "$vars"; echo "$XT_PORT")
	capw=$(eval "$vars"; printf '%s\n' "$XT_CAROL_PW" >"$XT_TMP/nomam.pw"; echo "$XT_CAFILE")
	chmod 600 "$XT_TMP/nomam.pw"
	xt_run xmpp-listen --server "127.0.0.1:$port" --cafile "$capw" \
	    --jid "carol@$XT_DOMAIN" --password-file "$XT_TMP/nomam.pw" \
	    --last 5 -w 10 </dev/null
	is_rc 1 "--last on a server without an archive: 1"
	like "$xt_err" "^xmpp-listen: cannot read the archive of 'carol@$XT_DOMAIN': " \
	    "... says so"
	"$XT_SCRIPTS/test-server" stop "$nomam"
else
	fail "a second server, without archive, starts"
	diag "$(cat "$XT_TMP/nomam.err")"
	skip 1 "no second server"
fi
