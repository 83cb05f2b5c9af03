#!/bin/sh
# xmpp-listen: --type, --from and --match select stanzas; --count and
# --timeout end the run with 0 or 75; presence options; usage errors.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-listen xmpp-send
xt_server
plan 51

. "$XT_TESTS/listen.sh"

# bodies NAME: the bodies printed by listener NAME (-o text), one a line.
bodies() {
	cut -f4 "$XT_TMP/$1.out"
}

# ---- --type ----

listen_bg chat bob -o text --type chat -c 2 || bail_out "xmpp-listen did not start"
send alice --resource t1 --type headline -m 'a headline' "bob@$XT_DOMAIN/chat" </dev/null
send alice --resource t1 --type normal -m 'a normal' "bob@$XT_DOMAIN/chat" </dev/null
send alice --resource t1 -m 'chat one' "bob@$XT_DOMAIN/chat" </dev/null
send alice --resource t1 -m 'chat two' "bob@$XT_DOMAIN/chat" </dev/null
send alice --resource t1 -m 'chat three' "bob@$XT_DOMAIN/chat" </dev/null
wait_bg chat
is "$bg_rc" 0 "--type chat -c 2: exit 0 after two"
is "$(bodies chat)" "chat one
chat two" "--type chat: only chat messages (no headline, normal, presence, iq)"

listen_bg two bob -o text --type headline -T normal -c 2 ||
    bail_out "xmpp-listen did not start"
send alice --resource t1 -m 'a chat' "bob@$XT_DOMAIN/two" </dev/null
send alice --resource t1 --type normal -m 'a normal' "bob@$XT_DOMAIN/two" </dev/null
send alice --resource t1 --type headline -m 'a headline' "bob@$XT_DOMAIN/two" </dev/null
wait_bg two
is "$bg_rc" 0 "--type headline -T normal: exit 0 after two"
is "$(bodies two)" "a normal
a headline" "--type is repeatable: either type"

# A message without a type is of type normal.
listen_bg notype bob -o text --type normal -c 1 || bail_out "xmpp-listen did not start"
printf '<message to="bob@%s/notype"><body>no type</body></message>\n' "$XT_DOMAIN" |
    send alice --resource t1 --raw
wait_bg notype
is "$(bodies notype)" "no type" "--type normal: a message without a type"

listen_bg kind bob -o text --type message --from "alice@$XT_DOMAIN/t2" -c 2 ||
    bail_out "xmpp-listen did not start"
printf '<presence to="bob@%s/kind"/>\n<iq type="set" to="bob@%s/kind"><q xmlns="urn:example:x"/></iq>\n<message to="bob@%s/kind" type="headline"><body>kind one</body></message>\n<message to="bob@%s/kind" type="error"><body>kind two</body><error type="cancel"><gone xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></message>\n' \
    "$XT_DOMAIN" "$XT_DOMAIN" "$XT_DOMAIN" "$XT_DOMAIN" |
    send alice --resource t2 --raw >/dev/null 2>&1
wait_bg kind
is "$bg_rc" 0 "--type message: exit 0"
is "$(cut -f3,4 "$XT_TMP/kind.out")" "headline	kind one
error	kind two" "--type message: every message, of any type, and nothing else"

listen_bg pres bob -o text --type presence --from "alice@$XT_DOMAIN/t3" -c 2 ||
    bail_out "xmpp-listen did not start"
printf '<presence to="bob@%s/pres"><show>dnd</show></presence>\n<message to="bob@%s/pres"><body>not a presence</body></message>\n<presence to="bob@%s/pres" type="unavailable"/>\n' \
    "$XT_DOMAIN" "$XT_DOMAIN" "$XT_DOMAIN" | send alice --resource t3 --raw
wait_bg pres
is "$(cut -f3,4 "$XT_TMP/pres.out")" "available	dnd
unavailable	" "--type presence: available and unavailable presences only"

listen_bg unav bob -o text --type unavailable --from "alice@$XT_DOMAIN/t4" -c 1 ||
    bail_out "xmpp-listen did not start"
printf '<presence to="bob@%s/unav"/>\n<presence to="bob@%s/unav" type="unavailable"/>\n' \
    "$XT_DOMAIN" "$XT_DOMAIN" | send alice --resource t4 --raw
wait_bg unav
is "$(cut -f2,3 "$XT_TMP/unav.out")" "alice@$XT_DOMAIN/t4	unavailable" \
    "--type unavailable: only that"

listen_bg set bob -o text --type set -c 1 || bail_out "xmpp-listen did not start"
printf '<iq type="get" to="bob@%s/set" id="g1"><query xmlns="jabber:iq:version"/></iq>\n<iq type="set" to="bob@%s/set" id="s1"><q xmlns="urn:example:set"/></iq>\n' \
    "$XT_DOMAIN" "$XT_DOMAIN" | send alice --resource t5 --raw >"$XT_TMP/set.replies" 2>"$XT_TMP/set.err"
wait_bg set
is "$(cut -f2- "$XT_TMP/set.out")" "alice@$XT_DOMAIN/t5	set	urn:example:set" \
    "--type set: the iq set only (not the get, nor the pings)"

# ---- --from ----

listen_bg from bob -o text --type chat --from "alice@$XT_DOMAIN" -c 2 ||
    bail_out "xmpp-listen did not start"
send carol -m 'from carol' "bob@$XT_DOMAIN/from" </dev/null
send alice --resource f1 -m 'from f1' "bob@$XT_DOMAIN/from" </dev/null
send alice --resource f2 -m 'from f2' "bob@$XT_DOMAIN/from" </dev/null
wait_bg from
is "$bg_rc" 0 "--from BARE: exit 0"
is "$(cut -f2,4 "$XT_TMP/from.out")" "alice@$XT_DOMAIN/f1	from f1
alice@$XT_DOMAIN/f2	from f2" "--from BARE: every resource of that account, no one else"

listen_bg full bob -o text --type chat --from "alice@$XT_DOMAIN/f2" \
    --from "carol@$XT_DOMAIN" -c 2 || bail_out "xmpp-listen did not start"
send alice --resource f1 -m 'from f1' "bob@$XT_DOMAIN/full" </dev/null
send alice --resource f2 -m 'from f2' "bob@$XT_DOMAIN/full" </dev/null
send alice --resource f22 -m 'from f22' "bob@$XT_DOMAIN/full" </dev/null
send carol --resource c1 -m 'from carol' "bob@$XT_DOMAIN/full" </dev/null
wait_bg full
is "$(cut -f2,4 "$XT_TMP/full.out")" "alice@$XT_DOMAIN/f2	from f2
carol@$XT_DOMAIN/c1	from carol" \
    "--from FULL is exact (not f1, not f22); --from is repeatable"

listen_bg prefix bob -o text --type chat --from "alice@$XT_DOMAIN/f" \
    --from "alice@xt.tes" --from alice -w 3 || bail_out "xmpp-listen did not start"
send alice --resource f1 -m 'from f1' "bob@$XT_DOMAIN/prefix" </dev/null
wait_bg prefix
is "$bg_rc" 75 "--from matches no prefix of a JID: nothing matched, 75"
is "$(cat "$XT_TMP/prefix.out")" "" "... and nothing printed"

# ---- --match ----

listen_bg match bob -o text --match '^(yes|no)$' -c 1 -w 20 ||
    bail_out "xmpp-listen did not start"
send alice -m 'maybe' "bob@$XT_DOMAIN/match" </dev/null
send alice -m 'yes please' "bob@$XT_DOMAIN/match" </dev/null
printf 'x\nno\n' | send alice "bob@$XT_DOMAIN/match"
send alice -m 'no' "bob@$XT_DOMAIN/match" </dev/null
send alice -m 'yes' "bob@$XT_DOMAIN/match" </dev/null
wait_bg match
is "$bg_rc" 0 "--match -c 1: exit 0"
is "$(bodies match)" "no" \
    "--match: extended regex on the whole body (^ and \$ are its ends); presences and iqs never match"

listen_bg mix bob -o text --type chat --from "alice@$XT_DOMAIN/m1" \
    --match 'deploy [0-9]+' -c 1 || bail_out "xmpp-listen did not start"
send carol -m 'deploy 1' "bob@$XT_DOMAIN/mix" </dev/null
send alice --resource m1 --type headline -m 'deploy 2' "bob@$XT_DOMAIN/mix" </dev/null
send alice --resource m1 -m 'deploy now' "bob@$XT_DOMAIN/mix" </dev/null
send alice --resource m1 -m 'the deploy 4 is done' "bob@$XT_DOMAIN/mix" </dev/null
wait_bg mix
is "$(bodies mix)" "the deploy 4 is done" "--type, --from and --match together: all must match"

# The example of the manual: wait for an approval.
listen_bg approve bob --from "carol@$XT_DOMAIN" --match '^(yes|no)' -c 1 -w 20 \
    -o text || bail_out "xmpp-listen did not start"
send alice -m 'yes from the wrong person' "bob@$XT_DOMAIN/approve" </dev/null
send carol -m 'yes, go ahead' "bob@$XT_DOMAIN/approve" </dev/null
wait_bg approve
is "$bg_rc.$(cut -f4 "$XT_TMP/approve.out")" "0.yes, go ahead" \
    "--from ... --match ... -c 1 -o text | cut -f4: the answer"

# ---- --count and --timeout ----

listen_bg count bob -o text --from "alice@$XT_DOMAIN/c" -c 3 -w 30 ||
    bail_out "xmpp-listen did not start"
start=$(now_ms)
printf 'one\ntwo\nthree\nfour\n' | send alice --resource c --lines "bob@$XT_DOMAIN/count"
wait_bg count
took=$(( $(now_ms) - start ))
is "$bg_rc" 0 "-c 3: exit 0"
is "$(bodies count | tr '\n' ' ')" "one two three " "-c 3: exactly three, in order"
ok "-c 3: ends as soon as it has them, not at -w 30 (${took} ms)" test "$took" -lt 10000
is "$(cat "$XT_TMP/count.err")" "" "-c: nothing on stderr"

start=$(now_ms)
listen bob --type chat --from "nobody@$XT_DOMAIN" -w 2 </dev/null
took=$(( $(now_ms) - start ))
is_rc 75 "-w 2 and nothing matches: 75"
is "$xt_err" "xmpp-listen: 0 matching stanzas within 2 s" "... says so"
is "$xt_out" "" "... prints nothing"
ok "... after 2 s, not much more ($took ms)" test "$took" -ge 2000 -a "$took" -lt 5000

listen_bg some bob -o text --from "alice@$XT_DOMAIN/w" -w 3 ||
    bail_out "xmpp-listen did not start"
send alice --resource w -m 'just one' "bob@$XT_DOMAIN/some" </dev/null
wait_bg some
is "$bg_rc" 0 "-w 3 and one match, no --count: 0 at the end of the time"
is "$(bodies some)" "just one" "... printed"
is "$(cat "$XT_TMP/some.err")" "" "... nothing on stderr"

listen_bg fewer bob -o text --from "alice@$XT_DOMAIN/w" -c 2 -w 3 ||
    bail_out "xmpp-listen did not start"
send alice --resource w -m 'only one' "bob@$XT_DOMAIN/fewer" </dev/null
wait_bg fewer
is "$bg_rc" 75 "-c 2 -w 3 with one match: 75"
is "$(cat "$XT_TMP/fewer.err")" \
    "xmpp-listen: 1 matching stanza within 3 s, fewer than --count" "... says so"
is "$(bodies fewer)" "only one" "... and prints the one it got"

listen bob -w 1.5 --type chat </dev/null
is_rc 75 "-w takes fractions"

# ---- presence ----

listen_bg watch bob -o text --type presence --from "bob@$XT_DOMAIN/shown" \
    --from "bob@$XT_DOMAIN/hidden" || bail_out "xmpp-listen did not start"
listen_bg shown bob -o text --type chat --show dnd \
    --status "$(printf 'busy\tdeploying')" || bail_out "xmpp-listen did not start"
listen_bg hidden bob -o xml --no-presence || bail_out "xmpp-listen did not start"
stop_bg hidden
is "$bg_rc" 0 "--no-presence: SIGTERM, exit 0"
stop_bg shown
shown="bob@$XT_DOMAIN/shown	available	dnd	busy\\tdeploying"
gone="bob@$XT_DOMAIN/shown	unavailable		"
case $XT_SERVER_KIND in
ejabberd)
	# ejabberd itself tells the account's other resources when a session
	# ends: for one that never sent a presence (--no-presence sends none,
	# not even an unavailable one), and again after the unavailable
	# presence of one that did.
	want="$shown
bob@$XT_DOMAIN/hidden	unavailable		
$gone
$gone" ;;
*)
	want="$shown
$gone" ;;
esac
xt_recv_wait "$XT_TMP/watch.out" "$(printf '%s\n' "$want" | wc -l)"
stop_bg watch
is "$(cut -f2- "$XT_TMP/watch.out")" "$want" \
    "--show and --status in its presence, unavailable at the end; nothing from --no-presence"
unlike "$(cat "$XT_TMP/hidden.out")" "<presence" \
    "--no-presence: not even its own presence comes back"

listen_bg watch2 bob -o json --type presence --from "bob@$XT_DOMAIN/prio" -c 1 ||
    bail_out "xmpp-listen did not start"
listen_bg prio bob --priority -5 --type chat || bail_out "xmpp-listen did not start"
wait_bg watch2
like "$(cat "$XT_TMP/watch2.out")" '"priority":-5[,}]' "--priority N is sent"
like "$(cat "$XT_TMP/watch2.out")" '<priority>-5</priority>' "... in a <priority/>"
stop_bg prio

# ---- usage ----

for args in "--count 0" "--count x" "--match (" "--since yesterday" \
    "--since 1h --last 3" "--last 0" "--show busy" "--priority 128" \
    "--keepalive 0" "--retries -1" "--history x" "extra-argument"; do
	# shellcheck disable=SC2086
	listen bob $args </dev/null
	is_rc 64 "usage error: $args"
done
