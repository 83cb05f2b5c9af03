#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-roster export and import: names and groups with UTF-8, spaces,
# commas and quotes survive each format; export then import on an empty
# account gives the same roster; a second import changes nothing and
# sends no roster set; ~ for what changed; --prune, --dry-run,
# --subscribe; refusals counted; bad files (65) and unreadable ones (66)
# before connecting.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-roster
# This test empties whole rosters (--prune): never a shared server.
unset XT_SERVER_DIR
xt_server
plan 91

. "$XT_TESTS/send.sh"

for u in alice bob carol; do xt_pwfile $u >/dev/null; done
alice=alice@$XT_DOMAIN
# roster USER ARGS...: xmpp-roster as USER.
roster() {
	_u=$1
	shift
	xt_run xmpp-roster --server "127.0.0.1:$XT_PORT" --cafile "$XT_CAFILE" \
	    --jid "$_u@$XT_DOMAIN" --password-file "$XT_TMP/$_u.pw" "$@"
}
# empty_roster USER: remove every contact of USER (an import of nothing
# with --prune is refused: it would be how a failed export empties one).
empty_roster() {
	roster "$1" list </dev/null
	_jids=$(cut -f1 "$XT_TMP/out")
	[ -z "$_jids" ] || roster "$1" remove $_jids </dev/null
}
# export USER FILE [ARGS...]: USER's roster exported to FILE.
export_to() {
	_u=$1
	_f=$2
	shift 2
	roster "$_u" export "$@" </dev/null
	[ "$xt_rc" = 0 ] || diag "export as $_u: exit $xt_rc: $xt_err"
	cp "$XT_TMP/out" "$_f"
}
# sets: the roster sets that the last xt_run (-vv) sent.
sets() {
	grep -c 'SENT: <iq [^>]*type="set"[^>]*><query xmlns="jabber:iq:roster"' \
	    "$XT_TMP/err"
}
# same_items WANT GOT: the JSON Lines of GOT (an export) hold the items of
# WANT (JSON Lines): jid, name, groups as sets; subscription none.
same_items() {
	/usr/bin/python3 -S - "$@" <<-'EOF'
	import json, sys
	def load(path, full):
	    out = {}
	    for line in open(path, encoding="utf-8"):
	        if not line.strip():
	            continue
	        o = json.loads(line)
	        if full:
	            assert o.pop("subscription") == "none", o
	            assert "ask" not in o and "approved" not in o, o
	        out[o["jid"].lower()] = (o.get("name") or "", sorted(set(o.get("groups", []))))
	    return out
	want, got = load(sys.argv[1], False), load(sys.argv[2], True)
	if want != got:
	    for j in sorted(set(want) | set(got)):
	        if want.get(j) != got.get(j):
	            print("  %s: want %r, got %r" % (j, want.get(j), got.get(j)), file=sys.stderr)
	    sys.exit(1)
	EOF
}

# ---- an empty roster to begin with ----

for u in alice bob carol; do
	empty_roster $u
	[ "$xt_rc" = 0 ] || diag "emptying $u: exit $xt_rc: $xt_err"
done
roster alice list </dev/null
is "$xt_rc/$xt_out" "0/" "alice's roster is empty"

# UTF-8 (two-byte, CJK, emoji), spaces leading, trailing and doubled,
# commas, quotes of both kinds, markup characters, a tab and a newline in
# a group; no name, no groups; capitals in the JID. Not a tab or a newline
# in a name: Prosody 0.12 sends attributes with them unescaped, and XML
# reads them back as spaces. Not two groups with one each: ejabberd 23.01
# calls them duplicates.
cat >"$XT_TMP/items.jsonl" <<'EOF'
{"jid":"amp@example.org","name":"a & b <c> 'd' \"e\"","groups":["x&y","<g>","semi;colon"]}
{"jid":"Emoji@Example.ORG","name":"😀 日本語 Ωmega ü","groups":["Grüße, Freunde","a,b,c","\"q\"",", leading comma"]}
{"jid":"plain@example.org"}
{"jid":"quote@example.org","name":"He said \"hi, there\"","groups":["'single'","\"double\" and , comma"]}
{"jid":"spaces@example.org","name":"  two  spaces  ","groups":[" lead","trail ","in between"]}
{"jid":"ws@example.org","name":"w s","groups":["tab\there","plain group"]}
{"jid":"nl@example.org","groups":["two\nlines"]}
{"jid":"nogroups@example.org","name":"Only a name","groups":[]}
EOF
# What the server is to hold: the JIDs in lowercase.
sed 's/Emoji@Example.ORG/emoji@example.org/' "$XT_TMP/items.jsonl" >"$XT_TMP/want.jsonl"

roster alice import "$XT_TMP/items.jsonl" </dev/null
is_rc 0 "import JSON Lines into an empty roster: exit 0"
is "$xt_out" "+ amp@example.org
+ emoji@example.org
+ nl@example.org
+ nogroups@example.org
+ plain@example.org
+ quote@example.org
+ spaces@example.org
+ ws@example.org" "'+ jid' for each, in JID order, lowercased"
is "$xt_err" "" "... nothing on stderr"

export_to alice "$XT_TMP/alice.jsonl"
ok "export (json by default) holds the items of the file, every byte of them" \
    same_items "$XT_TMP/want.jsonl" "$XT_TMP/alice.jsonl"
ok "... one JSON object a line" /usr/bin/python3 -S -c '
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "" and all(isinstance(json.loads(l), dict) for l in lines[:-1])
assert len(lines) == 9, lines
' "$XT_TMP/alice.jsonl"

roster alice import "$XT_TMP/items.jsonl" -vv </dev/null
is_rc 0 "the same import again: exit 0"
is "$xt_out" "" "... prints nothing"
is "$(sets)" 0 "... and sends no roster set"

# ---- every format: exported by alice, imported by bob ----

export_to alice "$XT_TMP/alice.xml" -o xml
export_to alice "$XT_TMP/alice.csv" -o csv
is "$(head -n1 "$XT_TMP/alice.csv")" "$(printf 'jid,name,groups\r')" \
    "csv: a header line jid,name,groups (CRLF)"
is "$(grep -c "^plain@example.org,$(printf '\r')\$" "$XT_TMP/alice.csv")" 1 \
    "csv: no name, no group: jid and an empty name"
ok "xml: each line one <item xmlns=\"jabber:iq:roster\"/>" /usr/bin/python3 -S -c '
import sys, xml.etree.ElementTree as ET
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert len(lines) == 8, lines
for l in lines:
    assert ET.fromstring(l).tag == "{jabber:iq:roster}item", l
' "$XT_TMP/alice.xml"

for fmt in jsonl xml csv; do
	empty_roster bob
	roster bob import "$XT_TMP/alice.$fmt" </dev/null
	is_rc 0 "$fmt: import into bob's empty roster: exit 0"
	is "$(grep -c '^+ ' "$XT_TMP/out")" 8 "$fmt: eight additions"
	export_to bob "$XT_TMP/bob.jsonl"
	ok "$fmt: bob's roster is alice's, byte for byte" \
	    cmp "$XT_TMP/alice.jsonl" "$XT_TMP/bob.jsonl"
	roster bob import "$XT_TMP/alice.$fmt" -vv </dev/null
	is "$xt_rc|$xt_out|$(sets)" "0||0" "$fmt: again: nothing printed, no roster set"
done

# The other formats import reads: a JSON array, a roster <query/>, an
# <iq/> result, CSV without the header, from stdin.
/usr/bin/python3 -S -c '
import json, sys
items = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
json.dump(items, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
' "$XT_TMP/items.jsonl" "$XT_TMP/items.json"
{
	echo '<iq type="result" xmlns="jabber:client"><query xmlns="jabber:iq:roster" ver="7">'
	cat "$XT_TMP/alice.xml"
	echo '</query></iq>'
} >"$XT_TMP/iq.xml"
sed 's/^<item xmlns="jabber:iq:roster" /<item /' "$XT_TMP/alice.xml" |
    { echo '<query xmlns="jabber:iq:roster">'; cat; echo '</query>'; } >"$XT_TMP/query.xml"
tail -n +2 "$XT_TMP/alice.csv" >"$XT_TMP/noheader.csv"
for f in items.json iq.xml query.xml noheader.csv; do
	empty_roster bob
	roster bob import - <"$XT_TMP/$f"
	is_rc 0 "$f from stdin: exit 0"
	export_to bob "$XT_TMP/bob.jsonl"
	ok "$f: the same roster as alice's" cmp "$XT_TMP/alice.jsonl" "$XT_TMP/bob.jsonl"
done

# ---- changes: ~ says what changed ----

cat >"$XT_TMP/changed.jsonl" <<'EOF'
{"jid":"amp@example.org","name":"renamed","groups":["x&y","<g>","semi;colon"]}
{"jid":"EMOJI@example.org","name":"😀 日本語 Ωmega ü","groups":["Grüße, Freunde"]}
{"jid":"nogroups@example.org","name":"Only a name"}
{"jid":"plain@example.org","name":"now named","groups":["now grouped"]}
{"jid":"quote@example.org","groups":["\"double\" and , comma","'single'"]}
{"jid":"spaces@example.org","name":"  two  spaces  ","groups":["trail "," lead","in between","trail "]}
{"jid":"ws@example.org","name":"w s","groups":["tab\there","plain group"]}
{"jid":"nl@example.org","groups":["two\nlines"]}
{"jid":"new@example.org","name":"New"}
EOF
roster alice import "$XT_TMP/changed.jsonl" --dry-run -vv </dev/null
is_rc 0 "--dry-run: exit 0"
is "$xt_out" "~ amp@example.org name
~ emoji@example.org groups
+ new@example.org
~ plain@example.org name,groups
~ quote@example.org name" \
    "--dry-run: '~ jid name|groups|name,groups' for what differs; groups in another order or twice are no change"
is "$(sets)" 0 "--dry-run: no roster set sent"
export_to alice "$XT_TMP/after-dry.jsonl"
ok "--dry-run: the roster on the server is as it was" \
    cmp "$XT_TMP/alice.jsonl" "$XT_TMP/after-dry.jsonl"

roster alice import "$XT_TMP/changed.jsonl" -o json -vv </dev/null
is_rc 0 "the changes: exit 0"
is "$xt_out" '{"change":"~","jid":"amp@example.org","fields":"name"}
{"change":"~","jid":"emoji@example.org","fields":"groups"}
{"change":"+","jid":"new@example.org"}
{"change":"~","jid":"plain@example.org","fields":"name,groups"}
{"change":"~","jid":"quote@example.org","fields":"name"}' "-o json: one object a change"
is "$(sets)" 5 "... five roster sets, one per change"
export_to alice "$XT_TMP/changed-got.jsonl"
ok "the roster holds the file's items" same_items "$XT_TMP/changed.jsonl" \
    "$XT_TMP/changed-got.jsonl"

# ---- --prune ----

head -n 3 "$XT_TMP/changed.jsonl" >"$XT_TMP/three.jsonl"
roster alice import "$XT_TMP/three.jsonl" --prune --dry-run </dev/null
is "$xt_rc|$xt_out" "0|- new@example.org
- nl@example.org
- plain@example.org
- quote@example.org
- spaces@example.org
- ws@example.org" "--prune --dry-run: '- jid' for each contact not in the file"
export_to alice "$XT_TMP/after-dry.jsonl"
ok "... nothing removed" cmp "$XT_TMP/changed-got.jsonl" "$XT_TMP/after-dry.jsonl"
roster alice import "$XT_TMP/three.jsonl" --prune </dev/null
is_rc 0 "--prune: exit 0"
is "$(grep -c '^- ' "$XT_TMP/out")" 6 "... six removals"
export_to alice "$XT_TMP/pruned.jsonl"
ok "... the roster is the file" same_items "$XT_TMP/three.jsonl" "$XT_TMP/pruned.jsonl"
roster alice import "$XT_TMP/three.jsonl" --prune -vv </dev/null
is "$xt_rc|$xt_out|$(sets)" "0||0" "--prune again: nothing printed, no roster set"
roster alice import "$XT_TMP/items.jsonl" </dev/null
is "$(grep -c '^- ' "$XT_TMP/out")" 0 "without --prune nothing is removed"
export_to alice "$XT_TMP/before.jsonl"
printf 'jid,name,groups\r\n' >"$XT_TMP/nothing.csv"
roster alice import "$XT_TMP/nothing.csv" --prune </dev/null
is_rc 65 "--prune with a file that lists no contact (a header alone): 65"
like "$xt_err" "nothing.csv lists no contact: --prune would remove every one; refusing" \
    "... saying why"
export_to alice "$XT_TMP/after.jsonl"
ok "... and the roster is untouched" cmp -s "$XT_TMP/before.jsonl" "$XT_TMP/after.jsonl"

# ---- a file that names a contact twice: the last one counts ----

printf '%s\n' '{"jid":"twice@example.org","name":"first"}' \
    '{"jid":"other@example.org"}' '{"jid":"TWICE@example.org","name":"last"}' \
    >"$XT_TMP/twice.jsonl"
roster carol import "$XT_TMP/twice.jsonl" </dev/null
is "$xt_rc|$xt_out" "0|+ other@example.org
+ twice@example.org" "a JID twice in the file: one addition"
roster carol list </dev/null
is "$(grep '^twice@' "$XT_TMP/out" | cut -f2)" last "... the last one counts"

# ---- --subscribe: a request to each contact added ----

printf '%s\n' '{"jid":"other@example.org"}' "{\"jid\":\"$alice\"}" \
    >"$XT_TMP/sub.jsonl"
roster carol import "$XT_TMP/sub.jsonl" --subscribe </dev/null
is "$xt_rc|$xt_out" "0|+ $alice" "--subscribe: exit 0, one addition"
roster carol list </dev/null
is "$(grep "^$alice	" "$XT_TMP/out" | cut -f3,4)" "$(printf 'none\tsubscribe')" \
    "... the contact added was asked: ask subscribe"
is "$(grep '^other@' "$XT_TMP/out" | cut -f3,4)" "$(printf 'none\t')" \
    "... the one already there was not"
roster carol unsubscribe "$alice" </dev/null
roster alice deny "carol@$XT_DOMAIN" </dev/null

# ---- refusals: named, counted, the rest applied ----

if [ "$XT_SERVER_KIND" = ejabberd ]; then
	# ejabberd 23.01 refuses an empty group.
	printf '%s\n' '{"jid":"good1@example.org"}' \
	    '{"jid":"bad@example.org","groups":[""]}' \
	    '{"jid":"good2@example.org","name":"G2"}' >"$XT_TMP/refused.jsonl"
	refused=bad@example.org
	cond=bad-request
else
	# Prosody 0.12 refuses one's own JID.
	printf '%s\n' '{"jid":"good1@example.org"}' "{\"jid\":\"carol@$XT_DOMAIN\"}" \
	    '{"jid":"good2@example.org","name":"G2"}' >"$XT_TMP/refused.jsonl"
	refused=carol@$XT_DOMAIN
	cond=not-allowed
fi
empty_roster carol
roster carol import "$XT_TMP/refused.jsonl" </dev/null
is_rc 1 "$XT_SERVER_KIND refuses one of three changes: exit 1"
like "$xt_err" "^xmpp-roster: cannot add '$refused': $cond" \
    "... the refused one named, with the condition"
like "$xt_err" "^xmpp-roster: 1 of 3 changes failed\$" "... and the summary"
roster carol list </dev/null
is "$(cut -f1,2 "$XT_TMP/out" | tr '\t\n' ': ')" "good1@example.org: good2@example.org:G2 " \
    "... the other changes were made"

# ---- bad files: 65 naming the line, before connecting ----

port=$(xt_free_port)
nolisten() {
	xt_run xmpp-roster --server "127.0.0.1:$port" --cafile "$XT_CAFILE" \
	    --jid "$alice" --password-file "$XT_TMP/alice.pw" "$@" </dev/null
}
bad() {
	printf "$2" >"$XT_TMP/$1"
	nolisten import "$XT_TMP/$1"
}
bad bad1.jsonl '{"jid":"a@example.org"}\n{"jid":"b@example.org",}\n'
is_rc 65 "JSON Lines with a syntax error: 65"
like "$xt_err" "bad1\\.jsonl:2: not JSON" "... named by file and line"
bad bad2.jsonl '{"jid":"a@example.org"}\n\n{"name":"no jid"}\n'
is_rc 65 "an object without jid: 65"
like "$xt_err" "bad2\\.jsonl:3: an item without a \"jid\" string" "... its line"
bad bad3.jsonl '{"jid":"a@example.org","groups":"g"}\n'
is_rc 65 "groups not an array: 65"
bad bad4.json '[{"jid":"a@example.org"},\n {"jid":"b@@example.org"}]\n'
is_rc 65 "a JSON array with an invalid JID: 65"
like "$xt_err" "invalid JID 'b@@example\\.org'" "... the JID named"
bad bad5.xml '<item jid="a@example.org"/>\n<item jid="b@example.org">\n<item jid="c@example.org"/>\n'
is_rc 65 "XML not closed: 65"
like "$xt_err" "bad5\\.xml:( line )?2" "... names the line of the open tag"
bad bad6.xml '<item jid="a@example.org"/>\n<item name="no jid"/>\n'
is_rc 65 "an <item/> without jid: 65"
like "$xt_err" "bad6\\.xml:2: " "... its line"
bad bad7.xml '<message to="bob@xt.test"><body>hi</body></message>\n'
is_rc 65 "XML that is not a roster: 65"
bad bad8.csv 'jid,name,groups\r\na@example.org,A\r\n"b@example.org,B\r\n'
is_rc 65 "CSV with a quote not closed: 65"
like "$xt_err" "bad8\\.csv:3: a quote not closed" "... names the line where it opens"
bad bad9.csv 'jid,name,groups\na@example.org,A\n"b@example.org"x,B\n'
is_rc 65 "CSV with text after a closing quote: 65"
like "$xt_err" "bad9\\.csv:3: " "... its line"
bad bad10.csv 'jid,name,groups\na@example.org,A\nnot a jid,B\n'
is_rc 65 "CSV with an invalid JID: 65"
like "$xt_err" "bad10\\.csv:3: invalid JID 'not a jid'" "... its line and the JID"
bad bad11 'a@example.org\n\000\n'
is_rc 65 "a NUL byte: 65"
printf '{"jid":"a@example.org"}\n{"jid"\n' >"$XT_TMP/bad.stdin"
xt_run xmpp-roster --server "127.0.0.1:$port" --cafile "$XT_CAFILE" \
    --jid "$alice" --password-file "$XT_TMP/alice.pw" import - <"$XT_TMP/bad.stdin"
is_rc 65 "bad JSON on stdin: 65"
like "$xt_err" "stdin:2: " "... named stdin, with the line"
nolisten import "$XT_TMP/bad1.jsonl" --dry-run
is_rc 65 "--dry-run reads the file too: 65"

nolisten import "$XT_TMP/nonexistent.jsonl"
is_rc 66 "a file that does not exist: 66"
like "$xt_err" "cannot open '$XT_TMP/nonexistent.jsonl': no such file" "... named, with the cause"
nolisten import "$XT_TMP"
is_rc 66 "a directory: 66"

# ---- usage: 64 ----

nolisten import
is_rc 64 "import without a file: 64"
nolisten import "$XT_TMP/items.jsonl" "$XT_TMP/items.json"
is_rc 64 "import with two files: 64"
nolisten import "$XT_TMP/items.jsonl" --dry-run --subscribe
is_rc 64 "--dry-run --subscribe: 64"
nolisten import "$XT_TMP/items.jsonl" --parallel 0
is_rc 64 "--parallel 0: 64"
nolisten import "$XT_TMP/items.jsonl" --parallel 1.5
is_rc 64 "--parallel 1.5: 64"
nolisten import "$XT_TMP/items.jsonl" -o csv
is_rc 64 "import -o csv: 64"
nolisten export --prune
is_rc 64 "export --prune: 64"
