#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-disco on one entity: the server's info (the modules the test
# server loads, its XEP-0157 contact form), its items, an account's info;
# --has-feature; --software, --time, --uptime, --contact, --commands;
# error replies and silences; each output format parsed back; usage.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-disco
xt_server
# ejabberd: three more, for a server with mod_last.
if [ "$XT_SERVER_KIND" = ejabberd ]; then plan 143; else plan 140; fi

. "$XT_TESTS/disco.sh"

kind=$XT_SERVER_KIND
case $kind in
prosody) server_name=Prosody pkg=prosody ;;
ejabberd) server_name=ejabberd pkg=ejabberd ;;
esac

# ---- the server's info: the modules scripts/test-server loads ----

disco --info
is_rc 0 "--info on the account's server: exit 0"
is "$xt_err" "" "... nothing on stderr"
is "$(records identity | grep '^server')" "$(printf 'server\tim\t%s' "$server_name")" \
    "identity server/im named $server_name"
# Each module scripts/test-server loads, by the feature it brings.
for f in http://jabber.org/protocol/disco#info \
    http://jabber.org/protocol/disco#items urn:xmpp:ping jabber:iq:version \
    urn:xmpp:time http://jabber.org/protocol/commands \
    urn:xmpp:carbons:2 urn:xmpp:blocking; do
	ok "feature $f" has_line "$(printf 'feature\t%s' "$f")"
done
if [ "$kind" = prosody ]; then
	ok "Prosody: feature jabber:iq:private (mod_private)" \
	    has_line "$(printf 'feature\tjabber:iq:private')"
	ok "Prosody: feature jabber:iq:register (mod_register)" \
	    has_line "$(printf 'feature\tjabber:iq:register')"
	ok "Prosody: feature jabber:iq:last (mod_uptime)" \
	    has_line "$(printf 'feature\tjabber:iq:last')"
else
	ok "ejabberd: no feature jabber:iq:last (mod_last is not loaded)" \
	    test -z "$(records feature | grep -Fx jabber:iq:last)"
	ok "ejabberd: feature jabber:iq:privacy (mod_privacy)" \
	    has_line "$(printf 'feature\tjabber:iq:privacy')"
	ok "ejabberd: feature urn:xmpp:mam:2 on the server too (mod_mam)" \
	    has_line "$(printf 'feature\turn:xmpp:mam:2')"
fi
unlike "$(records feature)" '^(vcard-temp|urn:xmpp:http:upload:0)$' \
    "no feature of a module it does not load (vcard, upload)"
is "$(records feature | sort | uniq -d)" "" "each feature once"
is "$(records item)" "" "--info: no items"

# XEP-0157, as scripts/test-server configures it: the serverinfo form.
if [ "$kind" = prosody ]; then
	# mod_server_contact_info lists every kind, empty or not.
	want_fields=$(printf 'FORM_TYPE\thttp://jabber.org/network/serverinfo
abuse-addresses\tmailto:abuse@xt.test
admin-addresses\txmpp:admin@xt.test
admin-addresses\tmailto:admin@xt.test
feedback-addresses\t
sales-addresses\t
security-addresses\t
status-addresses\t
support-addresses\t')
else
	want_fields=$(printf 'FORM_TYPE\thttp://jabber.org/network/serverinfo
abuse-addresses\tmailto:abuse@xt.test
admin-addresses\txmpp:admin@xt.test
admin-addresses\tmailto:admin@xt.test')
fi
is "$(records field)" "$want_fields" \
    "field records: the serverinfo form, value by value, in order"

# ---- an account: MAM is on the bare JID ----

disco --info "alice@$XT_DOMAIN"
is_rc 0 "--info alice@xt.test: exit 0"
ok "the account has urn:xmpp:mam:2 (mod_mam)" \
    has_line "$(printf 'feature\turn:xmpp:mam:2')"
ok "identity account/registered" has_line "$(printf 'identity\taccount\tregistered\t')"
ok "identity pubsub/pep (PEP)" has_line "$(printf 'identity\tpubsub\tpep\t')"

# ---- items ----

disco --items
is_rc 0 "--items: exit 0"
if [ "$kind" = prosody ]; then
	want_items=$(printf 'conference.xt.test\t\t\nupload.xt.test\t\t')
else
	want_items=$(printf 'conference.xt.test\t\t\npubsub.xt.test\t\t\nupload.xt.test\t\t')
fi
is "$(records item | sort)" "$want_items" \
    "items: the components it runs (item<TAB>jid<TAB>node<TAB>name)"
is "$(records identity)$(records feature)" "" "--items: no info records"

disco
is_rc 0 "neither --info nor --items: both, exit 0"
ok "... the identity" has_line "$(printf 'identity\tserver\tim\t%s' "$server_name")"
ok "... and the MUC component" has_line "$(printf 'item\tconference.xt.test\t\t')"
is "$(cut -f1 "$XT_TMP/out" | uniq | tr '\n' ' ')" "identity feature field item " \
    "records grouped: identities, features, fields, items"

disco --info "$XT_MUC"
is_rc 0 "--info on the MUC service: exit 0"
is "$(records identity | cut -f1,2)" "$(printf 'conference\ttext')" \
    "... identity conference/text"
ok "... feature http://jabber.org/protocol/muc" \
    has_line "$(printf 'feature\thttp://jabber.org/protocol/muc')"

# ---- --has-feature ----

disco --has-feature urn:xmpp:ping
is_rc 0 "--has-feature advertised: exit 0"
is "$xt_out|$xt_err" "|" "... silent"

disco --has-feature urn:xmpp:not-there:0
is_rc 1 "--has-feature not advertised: exit 1"
is "$xt_out|$xt_err" "|" "... silent"

disco -f urn:xmpp:ping -f jabber:iq:version -f urn:xmpp:time
is_rc 0 "three, all advertised: exit 0"
is "$xt_out" "" "... nothing on stdout"

disco -v -f urn:xmpp:ping -f urn:xmpp:not-there:0 -f jabber:iq:version
is_rc 1 "three, one missing: exit 1"
is "$xt_out" "" "... nothing on stdout"
is "$(grep -E "advertise" "$XT_TMP/err")" \
"xmpp-disco: 'xt.test' advertises 'urn:xmpp:ping'
xmpp-disco: 'xt.test' does not advertise 'urn:xmpp:not-there:0'
xmpp-disco: 'xt.test' advertises 'jabber:iq:version'" \
    "-v: one line per feature, in order, saying which"

disco --has-feature urn:xmpp:mam:2 "alice@$XT_DOMAIN"
is_rc 0 "--has-feature urn:xmpp:mam:2 alice@xt.test: exit 0"

disco -o json --has-feature urn:xmpp:ping
is_rc 0 "--has-feature -o json: exit 0"
is "$xt_out" "" "... nothing on stdout"
disco -o xml --has-feature urn:xmpp:ping
is_rc 0 "--has-feature -o xml: exit 0"
is "$xt_out" "" "... nothing on stdout: the answer is the exit status"

# ---- --software, --time, --uptime, --commands, --contact ----

installed=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null)
disco --software
is_rc 0 "--software: exit 0"
is "$(records software | cut -f1,2)" "$(printf 'xt.test\t%s' "$server_name")" \
    "software<TAB>jid<TAB>$server_name"
version=$(records software | cut -f3)
like "$version" '^[0-9]+\.[0-9]+' "... a version number ($version)"
case $installed in
"$version"*) pass "... the one installed ($pkg $installed)" ;;
*) fail "... the one installed ($pkg $installed)"; diag "reported '$version'" ;;
esac

disco -o json --software
is_rc 0 "--software -o json: exit 0"
is "$(printf '%s\n' "$xt_out" | jq -r '[.jid, .name, .version] | join(" ")')" \
    "xt.test $server_name $version" "-o json: jid, name, version"

before=$(date -u +%s)
disco --time
after=$(date -u +%s)
is_rc 0 "--time: exit 0"
utc=$(records time | cut -f2)
like "$utc" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$' \
    "... the server's clock in UTC, XEP-0082 ($utc)"
theirs=$(date -u -d "$utc" +%s 2>/dev/null)
ok "... that parses, and is now (within a second)" \
    test -n "$theirs" -a "$theirs" -ge $((before - 1)) -a "$theirs" -le $((after + 1))
offset=$(records time | cut -f4)
like "$offset" '^[-+][0-9]+\.[0-9]{3}$' "... the offset from our clock ($offset s)"
ok "... small: the same machine's clock" awk -v o="$offset" \
    'BEGIN { exit !(o > -1 && o < 1) }'
like "$(records time | cut -f5)" '^[0-9]+\.[0-9]{3}$' "... and the round trip in ms"

disco -o json --time
is_rc 0 "--time -o json: exit 0"
ok "-o json: utc, offset_s and rtt_ms" jq_ok \
    '(.utc | type == "string") and (.offset_s | fabs < 1) and (.rtt_ms >= 0)' \
    "$XT_TMP/out"

# --uptime: Prosody's mod_uptime on the test server; ejabberd's mod_last
# on a server of its own (scripts/test-server leaves it out otherwise).
if [ "$kind" = prosody ]; then
	udisco() { disco "$@"; }
	up_pid=$XT_PID
else
	disco --uptime
	is_rc 1 "ejabberd without mod_last: --uptime exit 1"
	like "$xt_err" "^xmpp-disco: 'xt\\.test' answered the uptime request with an error: service-unavailable" \
	    "... the error on stderr"
	up=$XT_TMP/uptime
	if vars=$(XT_SERVER_MODULES=mod_last "$XT_SCRIPTS/test-server" start \
	    --server=ejabberd "$up" 2>"$XT_TMP/uptime.err"); then
		xt_at_exit "'$XT_SCRIPTS/test-server' stop '$up'"
		pass "a server with mod_last starts"
	else
		fail "a server with mod_last starts"
		bail_out "$(cat "$XT_TMP/uptime.err")"
	fi
	(eval "$vars" && printf '%s\n' "$XT_ALICE_PW") >"$XT_TMP/uptime.pw"
	chmod 600 "$XT_TMP/uptime.pw"
	up_port=$(eval "$vars" && echo "$XT_PORT")
	up_ca=$(eval "$vars" && echo "$XT_CAFILE")
	up_pid=$(eval "$vars" && echo "$XT_PID")
	udisco() {
		xt_run xmpp-disco --server "127.0.0.1:$up_port" --cafile "$up_ca" \
		    --jid "alice@$XT_DOMAIN" --password-file "$XT_TMP/uptime.pw" \
		    "$@" </dev/null
	}
fi
udisco --uptime
is_rc 0 "--uptime: exit 0"
up1=$(records uptime | cut -f2)
like "$up1" '^[0-9]+$' "... a number of seconds ($up1)"
age=$(ps -o etimes= -p "$up_pid" | tr -d ' ')
ok "... no more than the server process has run (${age:-?} s)" \
    test -n "$age" -a "${up1:-0}" -le $((age + 1))
sleep 1.1
udisco -o json --uptime
is_rc 0 "--uptime -o json: exit 0"
up2=$(jq -r .uptime_s "$XT_TMP/out")
ok "1.1 s later it has grown by a second or more ($up1, then $up2)" \
    test "${up2:-0}" -ge $((${up1:-0} + 1))

disco --commands
is_rc 0 "--commands: exit 0"
if [ "$kind" = prosody ]; then
	want_cmd=$(printf 'xt.test\tuptime\tGet uptime')
else
	want_cmd=$(printf 'xt.test\tping\tPing')
fi
ok "... lists the server's command ($want_cmd)" \
    sh -c 'printf "%s\n" "$1" | grep -Fxq -- "$2"' - "$(records command)" "$want_cmd"

disco --contact
is_rc 0 "--contact: exit 0"
is "$xt_out" "$(printf 'contact\tabuse\tmailto:abuse@xt.test
contact\tadmin\txmpp:admin@xt.test
contact\tadmin\tmailto:admin@xt.test')" \
    "--contact: kind and address, each address once, in order"
disco -o json --contact
is "$(jq -c '.contacts | with_entries(select(.value != []))' "$XT_TMP/out")" \
    '{"abuse":["mailto:abuse@xt.test"],"admin":["xmpp:admin@xt.test","mailto:admin@xt.test"]}' \
    "-o json: the addresses by kind"

udisco --software --time --uptime
is_rc 0 "--software --time --uptime at once: exit 0"
is "$(cut -f1 "$XT_TMP/out" | tr '\n' ' ')" "software time uptime " \
    "... one record each, in that order"

disco --contact "alice@$XT_DOMAIN"
is_rc 1 "--contact of an entity without the form (an account): exit 1"
is "$xt_err" "xmpp-disco: 'alice@xt.test' publishes no contact addresses (XEP-0157)" \
    "... says so"
is "$xt_out" "" "... nothing on stdout"

# ---- error replies ----

case $kind in
prosody) nobody_cond=service-unavailable nothere_cond=not-allowed ;;
ejabberd) nobody_cond=subscription-required nothere_cond=forbidden ;;
esac

disco "nobody@$XT_DOMAIN"
is_rc 1 "a user that does not exist: exit 1"
like "$xt_err" "^xmpp-disco: 'nobody@xt\\.test' answered disco#info with an error: $nobody_cond" \
    "... the condition on stderr ($nobody_cond)"
is "$xt_out" "" "... nothing on stdout"

disco --info nothere.xt.test
is_rc 1 "a domain the server does not serve: exit 1"
like "$xt_err" "^xmpp-disco: 'nothere\\.xt\\.test' answered disco#info with an error: $nothere_cond" \
    "... the condition on stderr ($nothere_cond)"

disco --items "room-$(tag)@$XT_MUC"
is_rc 1 "--items of a room that does not exist: exit 1"
like "$xt_err" "answered disco#items with an error: item-not-found" \
    "... item-not-found, and the request named (disco#items)"

disco --info "$XT_DOMAIN" no-such-node
is_rc 1 "a node that does not exist: exit 1"
like "$xt_err" "^xmpp-disco: 'xt\\.test' answered disco#info with an error: item-not-found" \
    "... item-not-found"

disco -o json "nobody@$XT_DOMAIN"
is_rc 1 "-o json, an error: exit 1"
is "$(jq -c '[.jid, .error]' "$XT_TMP/out")" "[\"nobody@xt.test\",\"$nobody_cond\"]" \
    "-o json: the object says jid and error"

disco -f urn:xmpp:ping "nobody@$XT_DOMAIN"
is_rc 1 "--has-feature on an error: exit 1"
like "$xt_err" "answered disco#info with an error: $nobody_cond" \
    "... the error on stderr, even without -v"

disco --software "nobody@$XT_DOMAIN"
is_rc 1 "--software of an error: exit 1"
like "$xt_err" "^xmpp-disco: 'nobody@xt\\.test' answered the software version request with an error: service-unavailable" \
    "... says which request and the condition"

disco --uptime "$XT_MUC"
is_rc 1 "--uptime of a service without it: exit 1"
like "$xt_err" "answered the uptime request with an error: " "... an error reply"

# ---- silence: bob's client stopped answers nothing ----

xt_recv_start bob "$XT_BOB_PW" "$XT_TMP/bob.jsonl" || bail_out "bob cannot log in"
bob=$(cat "$XT_TMP/bob.jsonl.ready")
disco --info "$bob"
is_rc 0 "a client's full JID (the receiver answers disco#info): exit 0"
bobpid=$(cat "$XT_TMP/bob.jsonl.pid")
xt_at_exit "kill -CONT $bobpid 2>/dev/null"
kill -STOP "$bobpid"

disco -v --wait 1 --info "$bob"
is_rc 1 "--info, no answer within --wait 1: exit 1"
like "$xt_err" "did not answer disco#info within 1 s" \
    "... says no answer came"
is "$(summary "$XT_TMP/err")" "1 1 1" "-v: 1 request, 1 in flight, 1 unanswered"

disco --wait 1 -w 5 --software "$bob"
is_rc 1 "--software, no answer within --wait 1: exit 1 (not the -w timeout)"
like "$xt_err" "did not answer the software version request within 1 s" \
    "... after --wait, saying so"

disco --wait 1 -w 5 -f urn:xmpp:ping "$bob"
is_rc 1 "--has-feature, no answer within --wait 1: exit 1"
kill -CONT "$bobpid"
xt_recv_stop "$XT_TMP/bob.jsonl"

# ---- the output formats, parsed back ----

disco -o json
is_rc 0 "-o json: exit 0"
is "$(grep -c . "$XT_TMP/out")" 1 "-o json: one line"
is "$(jq -r 'keys_unsorted | join(" ")' "$XT_TMP/out")" "jid identities features forms items" \
    "-o json: one object: jid, identities, features, forms, items"
is "$(jq -r '[.identities[] | select(.category == "server") | .type, .name] | join(" ")' "$XT_TMP/out")" \
    "im $server_name" "-o json: the identity"
ok "-o json: the features of the text output" jq_ok \
    '.features | index("urn:xmpp:ping") and index("jabber:iq:version")' "$XT_TMP/out"
is "$(jq -r '.items[].jid' "$XT_TMP/out" | sort | head -1)" conference.xt.test \
    "-o json: the items"
ok "-o json: the serverinfo form" jq_ok \
    '.forms | map(tostring) | join(" ") | test("admin-addresses") and test("mailto:abuse@xt.test")' \
    "$XT_TMP/out"

disco -o xml
is_rc 0 "-o xml: exit 0"
is "$(grep -c . "$XT_TMP/out")" 2 "-o xml: two lines, the two replies"
bad=0
while IFS= read -r line; do
	printf '%s\n' "$line" | xmllint --noout - 2>>"$XT_TMP/xmllint.err" ||
	    bad=$((bad + 1))
done <"$XT_TMP/out"
is "$bad" 0 "-o xml: each line is a well-formed document (xmllint)"
# xpath LINE EXPR: EXPR on the document of that line of stdout.
xpath() {
	sed -n "$1p" "$XT_TMP/out" | xmllint --xpath "$2" - 2>/dev/null
}
is "$(xpath 1 'concat(local-name(/*), " ", /*/@type, " ", namespace-uri(/*/*))')|$(xpath 2 'concat(local-name(/*), " ", /*/@type, " ", namespace-uri(/*/*))')" \
    "iq result http://jabber.org/protocol/disco#info|iq result http://jabber.org/protocol/disco#items" \
    "-o xml: the iq results, disco#info then disco#items"
is "$(xpath 1 'string(/*/*/*[local-name()="identity" and @category="server"]/@name)')" \
    "$server_name" "-o xml: as the server sent it"

disco -o dot
is_rc 0 "-o dot without --tree: exit 0"
ok "-o dot: Graphviz reads it (dot -Tsvg)" dot -Tsvg -o "$XT_TMP/one.svg" "$XT_TMP/out"
like "$(cat "$XT_TMP/out")" 'conference\.xt\.test' "-o dot: the items are drawn"

disco -o json --commands
ok "--commands -o json: jid, node, name" jq_ok \
    '.commands | length > 0 and all(.jid and .node)' "$XT_TMP/out"
disco -o xml --software
is_rc 0 "--software -o xml: exit 0"
is "$(xpath 1 'namespace-uri(/*/*)')" jabber:iq:version \
    "--software -o xml: the version reply as received"

# ---- usage: refused before connecting (a port where nothing listens) ----

port=$(xt_free_port)
usage() {
	xt_run xmpp-disco --server "127.0.0.1:$port" --cafile "$XT_CAFILE" \
	    --jid "alice@$XT_DOMAIN" --password-file "$alice_pw" "$@" </dev/null
}
usage_is() {
	_want=$1
	shift
	usage "$@"
	if [ "$xt_rc" = 64 ] && printf '%s\n' "$xt_err" | grep -Eq -- "$_want"; then
		pass "usage: $* -> 64"
	else
		fail "usage: $* -> 64"
		diag "    exit $xt_rc, stderr: $xt_err"
	fi
}
usage_is '--info and --items exclude each other' --info --items
usage_is '--depth needs --tree' --depth 1
usage_is '--suite and --advanced need --compliance' --suite core
usage_is '--suite and --advanced need --compliance' --advanced
usage_is 'exclude each other' --tree --has-feature urn:xmpp:ping
usage_is 'exclude each other' --info --software
usage_is 'exclude each other' --compliance --time
usage_is 'exclude each other' --items --compliance
usage_is 'exclude each other' -f urn:xmpp:ping --contact
usage_is 'give no JID' --compliance xt.test
usage_is 'NODE is for disco requests only' --software xt.test some-node
usage_is '-o dot' -o dot --has-feature urn:xmpp:ping
usage_is '-o dot' -o dot --uptime
usage_is 'no stanzas to show' -o xml --compliance
usage_is "invalid --depth '-1'" --tree --depth -1
usage_is "invalid --depth '1.5'" --tree --depth 1.5
usage_is "invalid --depth '101'" --tree --depth 101
usage_is "invalid --parallel '0'" --tree --parallel 0
usage_is "invalid --max-requests '0'" --tree --max-requests 0
usage_is "invalid --wait '0'" --wait 0
usage_is "invalid --suite 'nope'" --compliance --suite nope
usage_is "invalid JID 'bad@@jid'" 'bad@@jid'
usage_is "too many arguments: 'three'" xt.test node three
