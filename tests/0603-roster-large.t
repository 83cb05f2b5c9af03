#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-roster import of 2000 items into an empty roster: it completes, the
# roster then equals the file, and a second import sends nothing.
#
# Each roster set costs the server more as the roster grows (Prosody 0.12
# rewrites the whole roster, ejabberd 23.01 hashes it for its version):
# 2000 of them take 30 to 40 s of server CPU here, so the runs are given
# -w 600, a bound and no expectation (the speed is measured by
# scripts/bench-roster, not here).
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-roster
# This test fills a roster with 2000 items: never a shared server.
unset XT_SERVER_DIR
xt_server
plan 10

. "$XT_TESTS/send.sh"

pw=$(xt_pwfile bob)
XT_RUN_TIMEOUT=660
roster() {
	xt_run xmpp-roster --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "bob@$XT_DOMAIN" --password-file "$pw" -w 600 "$@" </dev/null
}

roster list
jids=$(cut -f1 "$XT_TMP/out")
[ -z "$jids" ] || roster remove $jids
roster list
is "$xt_rc/$xt_out" "0/" "bob's roster is empty"

/usr/bin/python3 -S - "$XT_TMP/big.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(2000):
        o = {"jid": "c%04d@example.org" % i, "name": "Contact %d, “%d” ü" % (i, i)}
        if i % 5:
            o["groups"] = ["g%d" % (i % 7), "all of them"]
        f.write(json.dumps(o, ensure_ascii=False) + "\n")
EOF

roster import "$XT_TMP/big.jsonl"
is_rc 0 "import of 2000 items: exit 0"
is "$(grep -c '^+ c[0-9]\{4\}@example\.org$' "$XT_TMP/out")" 2000 \
    "... '+ jid' for each of them"
is "$xt_err" "" "... nothing on stderr"

roster export
is_rc 0 "export: exit 0"
cp "$XT_TMP/out" "$XT_TMP/export.jsonl"
ok "the roster equals the file" /usr/bin/python3 -S -c '
import json, sys
want = {}
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    want[o["jid"]] = (o["name"], sorted(o.get("groups", [])))
got = {}
for line in open(sys.argv[2], encoding="utf-8"):
    o = json.loads(line)
    assert o["subscription"] == "none" and "ask" not in o, o
    got[o["jid"]] = (o.get("name", ""), o["groups"])
bad = [j for j in sorted(set(want) | set(got)) if want.get(j) != got.get(j)]
if bad:
    sys.exit("%d differ, e.g. %s: want %r, got %r" % (len(bad), bad[0],
             want.get(bad[0]), got.get(bad[0])))
' "$XT_TMP/big.jsonl" "$XT_TMP/export.jsonl"
roster list -o xml
is "$(grep -c '^<item xmlns="jabber:iq:roster" jid="c[0-9]\{4\}@example\.org"' "$XT_TMP/out")" \
    2000 "-o xml lists 2000 items too"

roster import "$XT_TMP/big.jsonl" -vv
is_rc 0 "the same import again: exit 0"
is "$xt_out" "" "... prints nothing"
is "$(grep -c 'SENT: <iq [^>]*type="set"[^>]*><query xmlns="jabber:iq:roster"' "$XT_TMP/err")" 0 \
    "... and sends no roster set"
