#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-disco --tree: the walk from the server finds the rooms made here,
# shows an item that answers with an error and goes on; --depth; on a MUC
# service of 300 rooms the walk is bounded: never more than --parallel
# requests in flight (the -v counter, and the -vv trace read
# independently), --max-requests cut short with exit 1 and what was found
# printed; a silent target; -o json, dot and xml parsed back.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-disco
# A server of its own, never a shared one: its items have one that no one
# serves (gone.xt.test: an error in the tree), and the 300 rooms made here
# stay out of the other tests' way.
XT_SERVER_DISCO_ITEMS=gone.xt.test
export XT_SERVER_DISCO_ITEMS
xt_server --log=info
unset XT_SERVER_DISCO_ITEMS
plan 68

. "$XT_TESTS/disco.sh"

case $XT_SERVER_KIND in
prosody) gone_cond=not-allowed ;;
ejabberd) gone_cond=forbidden ;;
esac
t=$(tag)
muc_re=$(printf '%s' "$XT_MUC" | sed 's/\./\\./g')

# line DEPTH JID: the tree lines of JID at DEPTH (two spaces a level).
line() {
	awk -F'\t' -v j="$(printf '%*s' $(($1 * 2)) '')$2" '$1 == j' "$XT_TMP/out"
}
# field_of DEPTH JID N: field N of that line (2 node, 3 name, 4 identities,
# 5 error).
field_of() {
	line "$1" "$2" | cut -f"$3"
}

# svg_text FILE: the texts drawn in an SVG file, one a line, as shown.
svg_text() {
	/usr/bin/python3 -S -c '
import sys, xml.etree.ElementTree as ET
for e in ET.parse(sys.argv[1]).iter("{http://www.w3.org/2000/svg}text"):
    print("".join(e.itertext()))' "$1"
}

# ---- a few rooms, one occupied ----

name='Ops "war" \ <b>&amp; ü'
make_rooms --config "muc#roomconfig_roomname=$name" "ops-$t@$XT_MUC" ||
    bail_out "cannot make rooms"
make_rooms "dev-$t@$XT_MUC" "qa-$t@$XT_MUC" || bail_out "cannot make rooms"
xt_recv_start bob "$XT_BOB_PW" "$XT_TMP/bob.jsonl" --join "ops-$t@$XT_MUC/bob" ||
    bail_out "bob cannot join"

disco -vv --tree
cp "$XT_TMP/out" "$XT_TMP/small.out"
cp "$XT_TMP/err" "$XT_TMP/small.err"
is_rc 1 "--tree with an item that answers with an error: exit 1"
like "$xt_err" '^xmpp-disco: 1 request was answered with an error or not at all \(marked in the tree\)$' \
    "... says one request failed, marked in the tree"
like "$(field_of 0 "$XT_DOMAIN" 4)" '(^|,)server/im(,|$)' "the root: xt.test, server/im"
is "$(field_of 1 gone.xt.test 5)" "$gone_cond" \
    "the item no one serves: its error ($gone_cond) in the last field"
is "$(field_of 1 "$XT_MUC" 4)|$(field_of 1 "$XT_MUC" 5)" "conference/text|" \
    "the MUC service below the root, conference/text, no error"
for r in ops dev qa; do
	is "$(field_of 2 "$r-$t@$XT_MUC" 4)|$(field_of 2 "$r-$t@$XT_MUC" 5)" \
	    "conference/text|" "room $r-$t below it: the walk went on past the error"
done
# The rooms' lines come after the service's, before the next item of the
# root: they are its children.
is "$(awk -F'\t' -v m="  $XT_MUC" -v t="$t" '
	$1 == m { inside = 1; next }
	/^  [^ ]/ { inside = 0 }
	inside && $1 ~ ("^    [a-z]+-" t "@") { n++ }
	END { print n + 0 }' "$XT_TMP/small.out")" 3 \
    "... the three rooms are under the service"
case $XT_SERVER_KIND in
prosody) want_name=$(printf '%s' "$name" | sed 's/\\/\\\\/g') ;;
# ejabberd names a room in its list with its occupants: "NAME (1)".
ejabberd) want_name="$(printf '%s' "$name" | sed 's/\\/\\\\/g') (1)" ;;
esac
is "$(field_of 2 "ops-$t@$XT_MUC" 3)" "$want_name" \
    "the room's name, escaped as -o text escapes (a backslash doubled)"
is "$(grep -c "ops-$t@$muc_re/" "$XT_TMP/small.out")" 0 \
    "the occupant of a room is not listed: the walk stops at rooms"
is "$(grep 'SENT: <iq' "$XT_TMP/small.err" | grep 'disco#items' |
    grep -c "to=\"[^\"]*@$muc_re\"")" 0 \
    "-vv: no disco#items request was sent to a room"
set -- $(summary "$XT_TMP/small.err")
tr_out=$(trace "$XT_TMP/small.err")
is "$1" "${tr_out% *}" "-v counts the requests the -vv trace shows: $1"
# libstrophe logs SENT when it writes, after the replies of a read were
# handled: requests sent from those handlers show later in the trace
# than they went, and the trace's peak is at most the real one.
ok "... at most $2 in flight, no fewer than the trace shows (${tr_out#* })" \
    test "${tr_out#* }" -le "${2:-0}" -a "${tr_out#* }" -ge 1
ok "... at most --parallel (8) in flight" test "${2:-99}" -le 8

disco -vv --tree --depth 1
is "$(grep -c "@$muc_re" "$XT_TMP/out")" 0 "--depth 1: no room"
is "$(field_of 1 "$XT_MUC" 4)" conference/text "--depth 1: the service, with its info"
is "$(grep 'SENT: <iq' "$XT_TMP/err" | grep 'disco#items' | grep -c "to=\"$muc_re\"")" 0 \
    "--depth 1: the service's items are not asked"

disco -vv --tree --depth 0
is_rc 0 "--depth 0: exit 0"
is "$(grep 'SENT: <iq' "$XT_TMP/err" | grep 'disco#' | grep -vc "to=\"$XT_DOMAIN\"")" 0 \
    "--depth 0: nothing below the target is asked"
is "$(awk -F'\t' '$4 != ""' "$XT_TMP/out" | cut -f1)" "$XT_DOMAIN" \
    "--depth 0: only the target's info shown"

disco -o json --tree
is_rc 1 "-o json --tree: exit 1 (the error item)"
is "$(grep -c . "$XT_TMP/out")" 1 "-o json --tree: one line"
ok "-o json: the root, with info and items" jq_ok \
    '.jid == "xt.test" and (.identities | map(.category + "/" + .type) | index("server/im")) and (.items | length) > 1' \
    "$XT_TMP/out"
is "$(jq -r '.items[] | select(.jid == "gone.xt.test") | .error' "$XT_TMP/out")" "$gone_cond" \
    "-o json: the error item has error"
is "$(jq -r --arg t "$t" '.items[] | select(.jid == "conference.xt.test") | .items[] | select(.jid | startswith("ops-" + $t + "@")) | .identities[0].name' "$XT_TMP/out")" \
    "$name" "-o json: rooms nested under the service, the name as it is"

disco -o dot --tree
is_rc 1 "-o dot --tree: exit 1 (the error item)"
ok "-o dot: Graphviz reads it (dot -Tsvg)" dot -Tsvg -o "$XT_TMP/small.svg" "$XT_TMP/out"
svg_text "$XT_TMP/small.svg" >"$XT_TMP/small.txt"
ok "-o dot: the drawing names the rooms" has_line "ops-$t@$XT_MUC" "$XT_TMP/small.txt"
# ejabberd's listing names a room with its occupants: "NAME (1)".
if [ "$XT_SERVER_KIND" = ejabberd ]; then shown="$name (1)"; else shown=$name; fi
ok "-o dot: ... and shows the room's name as it is (quotes, backslash, <b>, &amp;)" \
    has_line "$shown" "$XT_TMP/small.txt"
like "$(grep 'gone\.xt\.test' "$XT_TMP/out" | grep label)" 'color=red' \
    "-o dot: the error item is drawn red"
is "$(grep -c -- '->' "$XT_TMP/out")" "$(($(grep -c 'label=' "$XT_TMP/out") - 1))" \
    "-o dot: a tree: one edge to every node but the root"

disco -o xml --tree
is_rc 1 "-o xml --tree: exit 1 (the error item)"
mkdir -p "$XT_TMP/xml"
(cd "$XT_TMP/xml" && split -l 1 -a 4 "$XT_TMP/out" doc.)
ok "-o xml: each line is a well-formed document (xmllint)" \
    xmllint --noout "$XT_TMP"/xml/doc.*
is "$(grep -c . "$XT_TMP/out")" "$(set -- $(summary "$XT_TMP/small.err"); echo "$1")" \
    "-o xml: one reply a line, one for each request"
rm -rf "$XT_TMP/xml"
xt_recv_stop "$XT_TMP/bob.jsonl"

# ---- a MUC service with 300 rooms ----

start=$(date +%s)
make_rooms --count 300 --prefix "big-$t" --service "$XT_MUC" ||
    bail_out "cannot make 300 rooms"
note "300 rooms made in $(($(date +%s) - start)) s"

# own_rooms FILE: the rooms made here, at depth 1, with their info.
own_rooms() {
	grep -Ec "^  big-$t-[0-9]+@$muc_re	[^	]*	[^	]*	conference/text	\$" "$1"
}
# listed FILE: the items of the service in the tree (depth 1).
listed() {
	grep -c '^  [^ ]' "$1"
}

disco -vv --tree --parallel 4 "$XT_MUC"
cp "$XT_TMP/out" "$XT_TMP/p4.out"
cp "$XT_TMP/err" "$XT_TMP/p4.err"
is_rc 0 "--tree of the service, --parallel 4: exit 0"
is "$(own_rooms "$XT_TMP/p4.out")" 300 "all 300 rooms found, each with its info"
n=$(listed "$XT_TMP/p4.out")
set -- $(summary "$XT_TMP/p4.err")
is "$3" 0 "-v: none unanswered"
is "$2" 4 "-v: at most 4 in flight, as --parallel 4 allows"
set -- $1 $(trace "$XT_TMP/p4.err")
is "$2" "$1" "-vv trace: as many disco requests as -v counted ($1)"
ok "-vv trace: never more than 4 waiting for an answer ($3)" test "${3:-99}" -le 4
ok "... $1 requests: info and items of the service, info of each of its $n rooms" \
    test "$1" -ge $((n + 2))

disco -vv --tree --parallel 1 "$XT_MUC"
is_rc 0 "--parallel 1: exit 0"
set -- $(summary "$XT_TMP/err")
is "$2" 1 "--parallel 1, -v: one in flight at most"
is "$(trace "$XT_TMP/err" | cut -d' ' -f2)" 1 "--parallel 1, -vv trace: one request at a time"
is "$(sort "$XT_TMP/out" | cksum)" "$(sort "$XT_TMP/p4.out" | cksum)" \
    "--parallel 1 finds the same tree"

disco -vv --tree --max-requests 50 "$XT_MUC"
is_rc 1 "--max-requests 50 reached: exit 1"
set -- $(summary "$XT_TMP/err")
is "$1" 50 "-v: 50 requests sent"
is "$(trace "$XT_TMP/err" | cut -d' ' -f1)" 50 "-vv trace: 50 disco requests sent"
notsent=$(sed -n 's/^xmpp-disco: stopped at --max-requests 50: \([0-9]*\) requests not sent$/\1/p' "$XT_TMP/err")
like "$notsent" '^[0-9]+$' "stderr: stopped at --max-requests 50, and how many were not sent"
asked=$(grep -Ec "^  [^	]*	[^	]*	[^	]*	conference/text	\$" "$XT_TMP/out")
unasked=$(grep -Ec '^  [^	]*	[^	]*	[^	]*		not-asked$' "$XT_TMP/out")
is "$(listed "$XT_TMP/out")" "$n" "what was found is printed: every room listed"
is "$((asked + unasked))" "$n" "... each either with its info or marked not-asked"
is "$unasked" "$notsent" "... as many marked not-asked as requests not sent"
to_rooms=$(grep 'SENT: <iq' "$XT_TMP/err" | grep 'disco#info' | grep -c "to=\"[^\"]*@$muc_re\"")
is "$asked" "$to_rooms" "... the rooms asked within the 50 have their info"
like "$(sed -n 1p "$XT_TMP/out")" "^$muc_re	" "... under the service, the root"

disco -o json --tree "$XT_MUC"
is_rc 0 "-o json, 300 rooms: exit 0"
is "$(jq --arg t "big-$t-" '[.items[] | select(.jid | startswith($t)) | select(.identities[0].category == "conference")] | length' "$XT_TMP/out")" \
    300 "-o json: the 300 rooms, each with its identity"
is "$(jq '.items | length' "$XT_TMP/out")" "$n" "-o json: every item of the service"

disco -o dot --tree "$XT_MUC"
is_rc 0 "-o dot, 300 rooms: exit 0"
ok "-o dot: Graphviz reads it (dot -Tsvg)" dot -Tsvg -o "$XT_TMP/big.svg" "$XT_TMP/out"
is "$(grep -c 'label=' "$XT_TMP/out")" "$((n + 1))" "-o dot: a node for the service and each room"

disco -o xml --tree "$XT_MUC"
is_rc 0 "-o xml, 300 rooms: exit 0"
mkdir -p "$XT_TMP/xml"
(cd "$XT_TMP/xml" && split -l 1 -a 4 "$XT_TMP/out" doc.)
ok "-o xml: each of the $(grep -c . "$XT_TMP/out") lines is a well-formed document (xmllint)" \
    xmllint --noout "$XT_TMP"/xml/doc.*
is "$(grep -c 'type="result"' "$XT_TMP/out")" "$(grep -c . "$XT_TMP/out")" \
    "-o xml: all results"
rm -rf "$XT_TMP/xml"

# ---- a silent target: bob's client stopped ----

xt_recv_start bob "$XT_BOB_PW" "$XT_TMP/bob2.jsonl" || bail_out "bob cannot log in"
bob=$(cat "$XT_TMP/bob2.jsonl.ready")
bobpid=$(cat "$XT_TMP/bob2.jsonl.pid")
xt_at_exit "kill -CONT $bobpid 2>/dev/null"
kill -STOP "$bobpid"
disco -v --tree --wait 1 -w 10 "$bob"
kill -CONT "$bobpid"
is_rc 1 "--tree of a target that never answers, --wait 1: exit 1"
is "$(field_of 0 "$bob" 5)" timeout "the target is shown, marked timeout"
is "$(summary "$XT_TMP/err")" "2 2 2" "-v: 2 requests, 2 in flight, 2 unanswered"
like "$xt_err" "xmpp-disco: '$bob' did not answer disco#info within 1 s" \
    "... and says so, naming the target"
xt_recv_stop "$XT_TMP/bob2.jsonl"
