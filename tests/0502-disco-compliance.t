#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-disco --compliance (XEP-0479, Compliance Suites 2023): what the test
# server meets is what scripts/test-server configures, line by line, on
# Prosody and ejabberd; then a second server with modules left out
# (XT_SERVER_NO_MAM=1, XT_SERVER_NO_MODULES: stream management) sees
# those requirements flip from present to absent and the exit status
# with them; a server's contact form with no address.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-disco
xt_server
plan 39

. "$XT_TESTS/disco.sh"

kind=$XT_SERVER_KIND
t=$(tag)
# status SPEC NAME: the status of that requirement in stdout.
status() {
	awk -F'\t' -v s="$1" -v n="$2" '$2 == s && $3 == n { print $4 }' "$XT_TMP/out"
}
where() {
	awk -F'\t' -v s="$1" -v n="$2" '$2 == s && $3 == n { print $5 }' "$XT_TMP/out"
}
# table: suite, spec, name and status of each line of stdout.
table() {
	cut -f1-4 "$XT_TMP/out"
}

# What scripts/test-server gives both servers, the Advanced Server level
# (XEP-0479 2023), as it should be judged. Not loaded: vcard (XEP-0054,
# 0153, 0398), bookmarks 2 (0402), push (0357), STUN/TURN
# discovery (0215). Not visible to a client: 0114, 0206, RFC 7395, 0249;
# Direct TLS is not seen over STARTTLS. XEP-0410 is advertised by
# Prosody's rooms, not ejabberd's. XEP-0049 (mod_private, on both) is
# left out here and checked on its own below: ejabberd does not
# advertise it.
if [ "$kind" = prosody ]; then selfping=present; else selfping=absent; fi
advanced=$(cat <<EOF
core	RFC 6120	Core features	present
core	RFC 7590	TLS	present
core	XEP-0368	Direct TLS	unknown
core	XEP-0030	Feature discovery	present
core	XEP-0115	Feature broadcasts	present
core	XEP-0114	Server Extensibility	unknown
core	XEP-0163	Event publishing	present
web	RFC 7395	Web Connection Mechanisms	unknown
web	XEP-0206	Web Connection Mechanisms	unknown
im	RFC 6121	Core features	present
im	XEP-0398	User Avatar Compatibility	absent
im	XEP-0153	User Avatar Compatibility	absent
im	XEP-0054	vcard-temp	absent
im	XEP-0280	Outbound Message Synchronization	present
im	XEP-0191	User Blocking	present
im	XEP-0045	Group Chat	present
im	XEP-0249	Group Chat	unknown
im	XEP-0048	Advanced Group Chat	present
im	XEP-0313	Advanced Group Chat	present
im	XEP-0402	Advanced Group Chat	absent
im	XEP-0410	Advanced Group Chat	$selfping
im	XEP-0223	Persistent Storage of Private Data via PubSub	present
im	XEP-0198	Stream Management	present
im	XEP-0313	History Storage / Retrieval	present
im	XEP-0363	File Upload	present
mobile	XEP-0198	Stream Management	present
mobile	XEP-0352	Client State Indication	present
mobile	XEP-0357	Third Party Push Notifications	absent
av	XEP-0215	STUN/TURN server discovery	absent
EOF
)
# The Server level: a subset, in the same order.
server=$(printf '%s\n' "$advanced" | grep -Ev '	(XEP-0368|XEP-0115|XEP-0163|XEP-0398|XEP-0153|XEP-0191|XEP-0048|XEP-0402|XEP-0410|XEP-0223|XEP-0357)	|^im	XEP-0198|	XEP-0313	')

# A room, for the requirements a room shows (XEP-0410).
make_rooms "cmp-$t@$XT_MUC" || bail_out "cannot make a room"

# ---- the test server as configured ----

disco --compliance
is_rc 1 "--compliance: exit 1, some requirements are absent"
is "$(table)" "$server" "the Server level: each requirement as the test server is configured"
is "$xt_err" "xmpp-disco: 'xt.test' lacks 2 requirements of the suites checked" \
    "stderr: how many are lacking"
is "$(where XEP-0030 'Feature discovery')|$(where XEP-0045 'Group Chat')|$(where XEP-0198 'Stream Management')" \
    "xt.test|conference.xt.test|stream features" "where each was looked for"

disco --compliance --advanced
is_rc 1 "--compliance --advanced: exit 1"
is "$(table | grep -v '	XEP-0049	')" "$advanced" \
    "the Advanced Server level: each requirement as the test server is configured"
isnt "$(status XEP-0049 'Private XML Storage')" absent \
    "XEP-0049: both servers load private storage (mod_private): not absent"
like "$(where XEP-0410 'Advanced Group Chat')" "@$XT_MUC\$|^$XT_MUC and " \
    "XEP-0410: looked for on a room"

disco -v --compliance --advanced
like "$xt_err" "xmpp-disco: [0-9]+ present, [0-9]+ absent, [0-9]+ not visible to a client" \
    "-v: the counts"
set -- $(sed -n 's/^xmpp-disco: \([0-9]*\) present, \([0-9]*\) absent, \([0-9]*\) not visible to a client$/\1 \2 \3/p' "$XT_TMP/err")
is "$1 $2 $3" "$(cut -f4 "$XT_TMP/out" | sort | uniq -c | awk '{ c[$2] = $1 }
	END { print c["present"] + 0, c["absent"] + 0, c["unknown"] + 0 }')" \
    "-v: the counts are the lines' (present, absent, unknown)"

disco --compliance --suite core
is_rc 0 "--suite core: exit 0, nothing absent"
is "$(table)" "$(printf '%s\n' "$server" | grep '^core')" "--suite core: its lines only"
is "$xt_err" "" "... nothing on stderr"

disco --compliance --suite mobile
is_rc 0 "--suite mobile: exit 0 (stream management, client state indication)"
is "$(status XEP-0198 'Stream Management')" present "... XEP-0198 present"

disco --compliance --suite core,mobile
is "$(cut -f1 "$XT_TMP/out" | uniq | tr '\n' ' ')" "core mobile " "--suite core,mobile: both"
disco --compliance --suite all
is "$(table)" "$server" "--suite all: every suite"

xt_run xmpp-disco --server "127.0.0.1:$XT_TLS_PORT" --tls direct \
    --cafile "$XT_CAFILE" --jid "alice@$XT_DOMAIN" --password-file "$alice_pw" \
    --compliance --advanced --suite core </dev/null
is_rc 0 "--tls direct --advanced --suite core: exit 0"
is "$(status XEP-0368 'Direct TLS')" present "XEP-0368: present when connected with direct TLS"
is "$(where XEP-0368 'Direct TLS')" "connected to 127.0.0.1:$XT_TLS_PORT" "... where"

disco -o json --compliance --advanced
is_rc 1 "-o json: exit 1"
ok "-o json: one object a line, with the documented keys" jq_ok -s \
    'length > 0 and all(.[]; (keys | sort) == ["level","name","spec","status","suite","where"] and .level == "advanced")' \
    "$XT_TMP/out"
is "$(jq -r '[.suite, .spec, .name, .status] | @tsv' "$XT_TMP/out" | grep -v '	XEP-0049	')" \
    "$advanced" "-o json: the same judgements"

# ---- a server with modules left out ----

case $kind in
prosody) nosm=smacks ;;
ejabberd) nosm=mod_stream_mgmt ;;
esac
other=$XT_TMP/other
if vars=$(XT_SERVER_NO_MAM=1 XT_SERVER_NO_MODULES=$nosm XT_SERVER_EMPTY_CONTACTS=1 \
    "$XT_SCRIPTS/test-server" start --server="$kind" "$other" 2>"$XT_TMP/other.err"); then
	xt_at_exit "'$XT_SCRIPTS/test-server' stop '$other'"
	pass "a second server, without MAM and $nosm, starts"
else
	fail "a second server, without MAM and $nosm, starts"
	bail_out "$(cat "$XT_TMP/other.err")"
fi
(eval "$vars" && printf '%s\n' "$XT_ALICE_PW") >"$XT_TMP/other.pw"
chmod 600 "$XT_TMP/other.pw"
oport=$(eval "$vars" && echo "$XT_PORT")
oca=$(eval "$vars" && echo "$XT_CAFILE")
odisco() {
	xt_run xmpp-disco --server "127.0.0.1:$oport" --cafile "$oca" \
	    --jid "alice@$XT_DOMAIN" --password-file "$XT_TMP/other.pw" "$@" </dev/null
}

odisco --compliance --suite mobile
is_rc 1 "without $nosm, --suite mobile: exit 1 (it was 0)"
is "$(status XEP-0198 'Stream Management')" absent "XEP-0198: absent (it was present)"
is "$(status XEP-0352 'Client State Indication')" present "XEP-0352: still present"
is "$xt_err" "xmpp-disco: 'xt.test' lacks 1 requirement of the suites checked" \
    "stderr: one requirement lacking"

odisco --compliance --advanced
is_rc 1 "without MAM and $nosm, --advanced: exit 1"
is "$(awk -F'\t' '$1 == "im" && $2 == "XEP-0313" && $3 ~ /^History/ { print $4 }' "$XT_TMP/out")" absent \
    "XEP-0313 History Storage: absent without MAM (it was present)"
is "$(awk -F'\t' '$1 == "im" && $2 == "XEP-0198" { print $4 }' "$XT_TMP/out")" absent \
    "im XEP-0198: absent without $nosm"
# A new server has no room: what only a room shows cannot be seen.
is "$(status XEP-0410 'Advanced Group Chat')" unknown \
    "XEP-0410 with no room to ask: unknown, not absent"
like "$(where XEP-0410 'Advanced Group Chat')" 'no room' "... where says there is no room"
# Prosody's MUC keeps its archive (mod_muc_mam) under XT_SERVER_NO_MAM,
# and the service advertises it; ejabberd's rooms lose theirs, and with
# no room there is nothing to judge by.
if [ "$kind" = prosody ]; then roommam=present; else roommam=unknown; fi
is "$(awk -F'\t' '$2 == "XEP-0313" && $3 == "Advanced Group Chat" { print $4 }' "$XT_TMP/out")" \
    "$roommam" "room archives (XEP-0313, Advanced Group Chat): $roommam"
# Everything else as on the first server.
is "$(table | grep -Ev '	(XEP-0049|XEP-0410)	|	XEP-0198	|	XEP-0313	')" \
    "$(printf '%s\n' "$advanced" | grep -Ev '	(XEP-0049|XEP-0410)	|	XEP-0198	|	XEP-0313	')" \
    "the other requirements as before"

# XT_SERVER_EMPTY_CONTACTS: the form is there, every kind empty.
odisco --info
like "$(awk -F'\t' '$1 == "field" { print $2 "=" $3 }' "$XT_TMP/out" | tr '\n' ' ')" \
    '^FORM_TYPE=http://jabber.org/network/serverinfo (abuse-addresses= admin-addresses= |abuse-addresses= admin-addresses= feedback-addresses= .*)$' \
    "a contact form with no address: its fields, empty"
odisco --contact
is_rc 1 "--contact of a form with no address: exit 1"
is "$xt_err" "xmpp-disco: 'xt.test' publishes no contact addresses (XEP-0157)" "... says so"
is "$xt_out" "" "... nothing on stdout"
