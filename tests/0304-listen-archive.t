#!/bin/sh
# xmpp-listen --since / --last: the archive (XEP-0313) first, then live,
# with no gap and no message twice. A server of its own: the archive
# must hold only what this test sent.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-listen xmpp-send
xt_server --cert=good
plan 24

. "$XT_TESTS/listen.sh"

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
# ejabberd keeps in each archived message the <archived
# xmlns="urn:xmpp:mam:tmp"/> it added on the way (not a wrapper).
case $XT_SERVER_KIND in
ejabberd) wrapper='urn:xmpp:mam:[0-9]|urn:xmpp:forward' ;;
*) wrapper='urn:xmpp:mam' ;;
esac
unlike "$xt_out" "$wrapper" "printed as the messages themselves, not the archive's wrapper"
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
