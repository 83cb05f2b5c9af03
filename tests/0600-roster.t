#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-roster list, add, remove: each change read back by a later session,
# in every output format, and by an independent client (slixmpp); what is
# not given stays as it was; JIDs in ASCII lowercase; the server's refusal
# names the item; usage errors before any connection.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-roster
xt_server
plan 61

. "$XT_TESTS/send.sh"

pw=$(xt_pwfile alice)
me=alice@$XT_DOMAIN
roster() {
	xt_run xmpp-roster --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "$me" --password-file "$pw" "$@" </dev/null
}

# The server may be shared: every contact here carries a tag of this run,
# and only those are looked at.
tag=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
ann=ann-$tag@example.org
bob=bob-$tag@example.org
grp="Friends $tag"

# mine FILE: the lines of FILE about this run's contacts.
mine() {
	grep -F -- "-$tag@" "$1"
}

# slix: alice's roster as an independent client (slixmpp) reads it, this
# run's contacts only, one JSON object a line, sorted:
# {jid, name, subscription, ask, groups (sorted)}.
cat >"$XT_TMP/slix.py" <<'EOF'
import asyncio, json, logging, os, ssl, sys
logging.getLogger("slixmpp").setLevel(logging.CRITICAL)
import slixmpp

jid, pwfile, server, cafile, tag = sys.argv[1:6]
host, _, port = server.rpartition(":")


class Client(slixmpp.ClientXMPP):
    def __init__(self):
        with open(pwfile, encoding="utf-8") as f:
            super().__init__(jid, f.readline().rstrip("\n"))
        self.ssl_context = ssl.create_default_context(cafile=cafile)
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("failed_auth", lambda _: os._exit(77))
        self.add_event_handler("connection_failed", lambda _: os._exit(69))

    async def get_dns_records(self, domain, port_=None):
        return [(domain, host, int(port))]

    async def start(self, _):
        try:
            iq = await self.get_roster(timeout=10)
        except Exception as e:  # noqa: BLE001
            sys.stderr.write("roster get failed: %r\n" % (e,))
            os._exit(1)
        items = iq["roster"]["items"]
        for j in sorted(items, key=str):
            if "-%s@" % tag not in str(j):
                continue
            it = items[j]
            print(json.dumps({"jid": str(j), "name": it["name"],
                              "subscription": it["subscription"],
                              "ask": it["ask"],
                              "groups": sorted(it["groups"])},
                             ensure_ascii=False, sort_keys=True))
        sys.stdout.flush()
        os._exit(0)


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
loop.call_later(20, lambda: os._exit(75))
Client().connect(address=(host, int(port)), force_starttls=True)
loop.run_forever()
EOF
slix() {
	run_bounded 30 /usr/bin/python3 "$XT_TMP/slix.py" "$me" "$pw" \
	    "127.0.0.1:$XT_PORT" "$XT_CAFILE" "$tag" 2>"$XT_TMP/slix.err" ||
		diag "slixmpp: $(cat "$XT_TMP/slix.err")"
}
# sj JID NAME GROUP...: the line slix prints for an item of subscription
# none (groups given sorted).
sj() {
	/usr/bin/python3 -S -c '
import json, sys
print(json.dumps({"jid": sys.argv[1], "name": sys.argv[2],
                  "subscription": "none", "ask": "",
                  "groups": sys.argv[3:]}, ensure_ascii=False, sort_keys=True))
' "$@"
}

# ---- add, read back ----

roster list
is_rc 0 "list: exit 0"

roster add "$ann" --name "Ann Tagged ü" --group "$grp" --group "Work, Remote"
is_rc 0 "add with a name and two groups: exit 0"
is "$xt_out$xt_err" "" "... silent"

roster list
is_rc 0 "list from another session: exit 0"
is "$(mine "$XT_TMP/out")" \
    "$(printf '%s\t%s\t%s\t%s\t%s' "$ann" "Ann Tagged ü" none "" "$grp,Work, Remote")" \
    "text: jid, name, subscription, ask, groups comma-joined, tab-separated"

roster list -o json
is "$(mine "$XT_TMP/out")" \
    "{\"jid\":\"$ann\",\"name\":\"Ann Tagged ü\",\"subscription\":\"none\",\"groups\":[\"$grp\",\"Work, Remote\"]}" \
    "json: jid, name, subscription, groups; no ask or approved when there is none"

roster list -o xml
mine "$XT_TMP/out" >"$XT_TMP/ann.xml"
is "$(/usr/bin/python3 -S -c '
import sys, xml.etree.ElementTree as ET
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
for line in lines:
    e = ET.fromstring(line)
    print(e.tag, e.get("jid"), e.get("name"), e.get("subscription"),
          "|".join(g.text for g in e.findall("{jabber:iq:roster}group")))
' "$XT_TMP/ann.xml")" \
    "{jabber:iq:roster}item $ann Ann Tagged ü none $grp|Work, Remote" \
    "xml: one <item xmlns=\"jabber:iq:roster\"/> a line, with its groups"

roster list -o csv
is "$(mine "$XT_TMP/out" | tr -d '\r')" "$ann,Ann Tagged ü,$grp,\"Work, Remote\"" \
    "csv: jid,name,group,group; a comma quoted"

is "$(slix)" "$(sj "$ann" "Ann Tagged ü" "$grp" "Work, Remote")" \
    "an independent client reads the same item"

# ---- what is not given stays as it was ----

roster add "$ann" --name "Ann Renamed"
is_rc 0 "add again with --name only: exit 0"
is "$(slix)" "$(sj "$ann" "Ann Renamed" "$grp" "Work, Remote")" \
    "... the name changed, the groups stayed"

roster add "$ann" --group "Solo $tag"
is_rc 0 "add again with --group only: exit 0"
is "$(slix)" "$(sj "$ann" "Ann Renamed" "Solo $tag")" \
    "... the groups replaced, the name stayed"

roster add "$ann"
is_rc 0 "add again with neither: exit 0"
is "$(slix)" "$(sj "$ann" "Ann Renamed" "Solo $tag")" "... nothing changed"

# ---- JIDs ----

roster add "Bob-$tag@Example.ORG"
is_rc 0 "add a JID with ASCII capitals: exit 0"
roster list
is "$(mine "$XT_TMP/out" | cut -f1 | sort | tr '\n' ' ')" "$ann $bob " \
    "... it is stored in lowercase"
roster list -o json
ok "... and listed without a name (json)" /usr/bin/python3 -S -c '
import json, sys
o = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{\"jid\":\"" + sys.argv[2] + "\"")]
assert o == [{"jid": sys.argv[2], "subscription": "none", "groups": []}], o
' "$XT_TMP/out" "$bob"

roster add "dup-$tag@example.org" "DUP-$tag@example.org" -w 10
is_rc 0 "add the same JID twice (in two cases): one change, exit 0"
roster list
is "$(mine "$XT_TMP/out" | grep -c "^dup-$tag@example.org	")" 1 "... listed once"

# RFC 7622: the server folds the case of non-ASCII letters as well; the
# change is confirmed by the push of the JID as the server stored it.
roster add "Ärger-$tag@example.org" -w 10
is_rc 0 "add a JID with a non-ASCII capital: exit 0 once the server confirmed it"
roster list
like "$(mine "$XT_TMP/out" | cut -f1)" "^ärger-$tag@example\\.org\$" \
    "... the server stored it casefolded"
roster remove "ärger-$tag@example.org" -w 10

# ---- list --group ----

roster add "$bob" --group "$grp"
roster add "carl-$tag@example.org" --group "$grp" --group "Other $tag"
roster list --group "$grp"
is_rc 0 "list --group: exit 0"
is "$(cut -f1 "$XT_TMP/out" | tr '\n' ' ')" "$bob carl-$tag@example.org " \
    "... only the contacts of that group"
roster list --group "$grp" --group "Solo $tag" -o json
is "$(/usr/bin/python3 -S -c '
import json, sys
print(" ".join(json.loads(l)["jid"] for l in open(sys.argv[1])))' "$XT_TMP/out")" \
    "$ann $bob carl-$tag@example.org" "... two --group: the contacts of either"
roster list --group "None $tag"
is_rc 0 "list --group of no contact: exit 0"
is "$xt_out" "" "... nothing listed"

# ---- remove ----

roster remove "$ann"
is_rc 0 "remove: exit 0"
is "$xt_out$xt_err" "" "... silent"
is "$(slix | /usr/bin/python3 -S -c '
import json, sys
print(" ".join(json.loads(l)["jid"] for l in sys.stdin))')" \
    "$bob carl-$tag@example.org dup-$tag@example.org" \
    "an independent client no longer sees it"

roster remove "$ann"
is_rc 1 "remove a JID not in the roster: exit 1"
is "$xt_err" "xmpp-roster: '$ann' is not in the roster of '$me'" \
    "... the message names the JID and the account"

roster remove "$bob" "nobody-$tag@example.org" "CARL-$tag@example.org"
is_rc 1 "remove two JIDs present and one not: exit 1"
like "$xt_err" "'nobody-$tag@example.org' is not in the roster" "... the absent one named"
unlike "$xt_err" "'$bob'" "... the others not"
roster list
is "$(mine "$XT_TMP/out" | cut -f1 | tr '\n' ' ')" "dup-$tag@example.org " \
    "... the two present are removed all the same"

roster remove "dup-$tag@example.org" "Dup-$tag@example.org" -w 10
is_rc 0 "remove the same JID twice (in two cases): one change, exit 0"
roster list
is "$(mine "$XT_TMP/out")" "" "... nothing of this run is left"

# ---- refusals by the server: exit 1 naming the item, and a summary ----

if [ "$XT_SERVER_KIND" = ejabberd ]; then
	# ejabberd 23.01 refuses an empty group (and takes one's own JID).
	roster add "e1-$tag@example.org" "e2-$tag@example.org" --group ""
	is_rc 1 "ejabberd: two items with an empty group: exit 1"
	like "$xt_err" "^xmpp-roster: cannot add 'e1-$tag@example\\.org': bad-request" \
	    "... the first named with the condition"
	like "$xt_err" "^xmpp-roster: cannot add 'e2-$tag@example\\.org': bad-request" \
	    "... the second too"
	like "$xt_err" "^xmpp-roster: 2 of 2 changes failed\$" "... and the summary"
	roster list
	is "$(mine "$XT_TMP/out")" "" "... nothing was added"
else
	# Prosody 0.12 refuses one's own JID (and takes an empty group).
	roster add "$me" "ok-$tag@example.org"
	is_rc 1 "Prosody: one's own JID and another: exit 1"
	like "$xt_err" "^xmpp-roster: cannot add '$me': not-allowed" \
	    "... the refused one named with the condition"
	unlike "$xt_err" "cannot add 'ok-$tag" "... the other not"
	like "$xt_err" "^xmpp-roster: 1 of 2 changes failed\$" "... and the summary"
	roster list
	is "$(mine "$XT_TMP/out" | cut -f1)" "ok-$tag@example.org" \
	    "... the other was added"
	roster remove "ok-$tag@example.org"
fi

# ---- usage: 64, before any connection (nothing listens there) ----

port=$(xt_free_port)
nolisten() {
	xt_run xmpp-roster --server "127.0.0.1:$port" --cafile "$XT_CAFILE" \
	    --jid "$me" --password-file "$pw" "$@" </dev/null
}
nolisten
is_rc 64 "no command: 64"
like "$xt_err" "which command\\?" "... says a command is needed"
nolisten frobnicate
is_rc 64 "an unknown command: 64"
like "$xt_err" "unknown command 'frobnicate'" "... named"
nolisten list extra
is_rc 64 "list with an argument: 64"
nolisten add
is_rc 64 "add without a JID: 64"
nolisten remove --name x "$bob"
is_rc 64 "--name with remove: 64"
nolisten add --name x "$ann" "$bob"
is_rc 64 "--name with two JIDs: 64"
nolisten remove --group g "$bob"
is_rc 64 "--group with remove: 64"
nolisten list --subscribe
is_rc 64 "--subscribe with list: 64"
nolisten list --wait 1
is_rc 64 "--wait with list: 64"
nolisten add --parallel 2 "$bob"
is_rc 64 "--parallel with add: 64"
nolisten add --bogus "$bob"
is_rc 64 "an unknown option: 64"
nolisten add "a@@b.example"
is_rc 64 "add an invalid JID: 64, before connecting"
like "$xt_err" "invalid JID 'a@@b\\.example'" "... named"
nolisten remove "x@"
is_rc 64 "remove an invalid JID: 64, before connecting"
nolisten subscribe "$bob" "a b@example.org"
is_rc 64 "subscribe with one invalid JID among good ones: 64, before connecting"
nolisten list -o csv --wait 2
is_rc 64 "still 64 with several mistakes"
