#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-muc administration: create (instant, configured, an unknown field
# refused without leaving the room behind or locked), config read and
# set, list, destroy; occupants with their roles and affiliations; role,
# affiliation, affiliations; subject set and read; a mediated invitation
# as the invitee receives it; kick, ban and destroy seen by a running
# pipe, which exits 1 with the reason.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-muc xmpp-listen xmpp-send
xt_server
plan 76

. "$XT_TESTS/listen.sh"
. "$XT_TESTS/muc.sh"

# cfg ROOM VAR: the value of the field VAR of ROOM's configuration as
# alice reads it (text output; several values joined with ",").
cfg() {
	muc alice config "$1"
	[ "$xt_rc" = 0 ] || diag "config $1: exit $xt_rc: $xt_err"
	printf '%s\n' "$xt_out" | awk -F'\t' -v v="$2" '$1 == v { print $3 }'
}
bool_re='^(1|true)$'

# ---- create ----

i=$(room instant)
muc alice create "$i"
is_rc 0 "create: an instant room, exit 0"
like "$xt_err" "last occupant" "... with a warning that it goes when its last occupant leaves"
# Gone once alice left (ejabberd removes it a moment later).
gone=no
n=0
while [ $n -lt 50 ]; do
	muc bob occupants "$i"
	case $xt_rc:$xt_err in 1:*"does not exist"*) gone=yes; break ;; esac
	sleep 0.2
	n=$((n + 1))
done
is "$gone" yes "... and so it did: it does not exist once alice left"
muc alice create "$i"
is_rc 0 "... creating it again works"

c=$(room conf)
muc alice create --persistent --members-only --config roomname="Ops room" \
    --config muc#roomconfig_roomdesc="The ops team" --config changesubject=0 "$c"
is_rc 0 "create --persistent --members-only --config: exit 0"
is "$xt_err" "" "... a persistent room: no warning"
like "$(cfg "$c" muc#roomconfig_persistentroom)" "$bool_re" "config: persistent"
like "$(cfg "$c" muc#roomconfig_membersonly)" "$bool_re" "config: members-only"
is "$(cfg "$c" muc#roomconfig_roomname)" "Ops room" \
    "config: --config roomname (the muc#roomconfig_ prefix left out)"
is "$(cfg "$c" muc#roomconfig_roomdesc)" "The ops team" "config: --config with the prefix"
muc alice config "$c"
like "$(printf '%s\n' "$xt_out" | grep '^muc#roomconfig_roomname	')" \
    "^muc#roomconfig_roomname	text-single	Ops room	.+\$" \
    "config text: VAR, TYPE, VALUE, LABEL"
muc alice -o json config "$c"
is "$(printf '%s\n' "$xt_out" | jq -r 'select(.var == "muc#roomconfig_roomname") | [.type, .values[0], (.label | length > 0 | tostring)] | join("|")')" \
    "text-single|Ops room|true" "config json: type, values, label"
like "$(printf '%s\n' "$xt_out" | jq -r 'select(.var == "muc#roomconfig_whois") | .options | length')" \
    '^[1-9]' "config json: a list field has its options"
muc alice -o xml config "$c"
like "$xt_out" "<x [^>]*xmlns=[\"']jabber:x:data[\"']" "config xml: the form"

muc alice config "$c" roomname="New name" roomdesc="Desc two"
is_rc 0 "config VAR=VALUE...: exit 0"
is "$(cfg "$c" muc#roomconfig_roomname)|$(cfg "$c" muc#roomconfig_roomdesc)" \
    "New name|Desc two" "... both fields changed"
muc alice config "$c" nosuchfield=1
is_rc 64 "config with an unknown field: 64"
like "$xt_err" "roomname" "... listing the valid ones"
is "$(cfg "$c" muc#roomconfig_roomname)" "New name" "... and nothing changed"
muc bob config "$c" roomname=Hijacked
is_rc 1 "config set by someone not the owner: exit 1"

u=$(room unknown)
muc alice create --config nosuchfield=1 "$u"
is_rc 64 "create with an unknown field: 64"
like "$xt_err" "nosuchfield" "... naming it"
like "$xt_err" "roomname" "... and listing the valid ones"
muc bob occupants "$u"
is_rc 1 "... and the room is not left behind (occupants: exit 1)"
like "$xt_err" "room '$u' does not exist" "... it does not exist, locked or not"

# ---- a room is never left locked ----

o=$(room open)
# Public, to be listed (Prosody's rooms are not by default).
muc alice create --persistent --config publicroom=1 "$o"
is_rc 0 "create --persistent --config publicroom=1: exit 0"
muc bob occupants "$o"
is_rc 0 "another user joins at once: the room is not locked"
muc alice create "$o"
is_rc 1 "create of a room that exists: exit 1"
like "$xt_err" "'$o' already exists" "... says so"

# ---- list and destroy ----

ok "list: the persistent room" in_list "$XT_MUC" "$o"
muc alice -o json list "$XT_MUC"
is "$(printf '%s\n' "$xt_out" | jq -r --arg r "$o" 'select(.jid == $r) | .jid')" "$o" \
    "list json: jid"
muc alice destroy --reason "not needed" "$o"
is_rc 0 "destroy: exit 0"
ok "... it is gone from the list" eval '! in_list "$XT_MUC" "$o"'
muc bob occupants "$o"
is_rc 1 "... occupants: exit 1"
muc alice destroy "$o"
is_rc 1 "destroy it again: exit 1"

# ---- occupants, roles and affiliations ----

a=$(room admin)
muc alice create --persistent --config changesubject=0 --config whois=moderators "$a"
is_rc 0 "a room for the rest"
pipe_bg b bob -v "$a"
wait_nick alice "$a" bob || diag "bob did not join: $(cat "$XT_TMP/b.err")"
muc alice occupants "$a"
is_rc 0 "occupants: exit 0"
is "$(printf '%s\n' "$xt_out" | grep "^alice	" | cut -f1-3)" "alice	moderator	owner" \
    "text: alice is a moderator and the owner (our own occupant included)"
like "$(printf '%s\n' "$xt_out" | grep "^bob	")" "^bob	participant	none	$bob/.+\$" \
    "text: bob, a participant, no affiliation, his full JID shown to a moderator"
muc bob --nick bob-ro occupants "$a"
is "$(printf '%s\n' "$xt_out" | grep "^alice	" | cut -f4)" "" \
    "the JID is empty for a participant (whois moderators)"
muc alice -o json occupants "$a"
is "$(printf '%s\n' "$xt_out" | jq -r 'select(.nick == "bob") | [.role, .affiliation, (.jid | startswith("'"$bob"'/") | tostring)] | join("|")')" \
    "participant|none|true" "json: nick, role, affiliation, jid"
muc alice -o xml occupants "$a"
like "$xt_out" "^<presence " "xml: the presence stanzas"

muc alice role "$a" bob visitor
is_rc 0 "role bob visitor: exit 0"
muc alice occupants "$a"
is "$(printf '%s\n' "$xt_out" | grep "^bob	" | cut -f2)" visitor \
    "... bob is a visitor"
muc alice role "$a" bob participant
is_rc 0 "... and back to participant"
muc bob --nick bob-ro role "$a" alice visitor
is_rc 1 "a participant cannot change roles: exit 1"

muc alice affiliation "$a" "$carol" member
is_rc 0 "affiliation carol member: exit 0"
muc alice affiliations "$a" member
is "$(printf '%s\n' "$xt_out" | cut -f1,2)" "$carol	member" \
    "affiliations member: JID, AFFILIATION"
muc alice affiliations "$a"
like "$(printf '%s\n' "$xt_out" | cut -f1,2 | tr '\n' '|')" "$alice	owner\\|.*$carol	member" \
    "affiliations: every list, owner and member"
muc alice -o json affiliations "$a" member
is "$(printf '%s\n' "$xt_out" | jq -r '.jid + "|" + .affiliation')" "$carol|member" \
    "affiliations json"
muc alice affiliation "$a" "$carol" none
muc alice affiliations "$a" member
is "$xt_out" "" "affiliation none: carol is no longer a member"
muc alice affiliations "$a" nonsense
is_rc 64 "affiliations with an unknown type: 64"

# ---- subject ----

muc bob --nick bob-ro subject "$a"
is_rc 0 "subject of a room that has none: exit 0"
is "$xt_out" "" "... prints nothing"
muc alice subject "$a" "Deploy at 5 ✓"
is_rc 0 "subject set by the owner: exit 0"
muc bob --nick bob-ro subject "$a"
is "$xt_out" "Deploy at 5 ✓" "subject read by another occupant"
muc bob --nick bob-ro -o json subject "$a"
is "$(printf '%s\n' "$xt_out" | jq -r '.subject + "|" + .nick')" "Deploy at 5 ✓|alice" \
    "subject json: subject and nick"
muc bob --nick bob-ro subject "$a" "bob's subject"
is_rc 1 "subject set by a participant where it is not allowed: exit 1"
like "$xt_err" "cannot set the subject of '$a': forbidden" "... forbidden"
muc bob --nick bob-ro subject "$a"
is "$xt_out" "Deploy at 5 ✓" "... the subject is unchanged"

# ---- invite ----

listen_bg inv carol -o xml --type normal || bail_out "xmpp-listen as carol did not start"
muc alice invite --reason "join us ✓" "$a" "$carol"
is_rc 0 "invite: exit 0"
wait_for "$XT_TMP/inv.out" "invite"
inv=$(grep -F "invite" "$XT_TMP/inv.out" | head -n 1)
like "$inv" "^<message [^>]*from=[\"']$a[\"']" "the invitee gets a message from the room"
# From her JID, or (Prosody, the room not showing JIDs to all) her
# occupant JID.
like "$inv" "<x [^>]*xmlns=[\"']http://jabber.org/protocol/muc#user[\"'][^>]*><invite [^>]*from=[\"']($alice(/[^\"']*)?|$a/alice)[\"']" \
    "... a muc#user invite from alice"
like "$inv" "<reason>join us ✓</reason>" "... with the reason"
stop_bg inv

# ---- kick, ban, destroy: seen by a running pipe ----

muc alice kick --reason "too loud" "$a" bob
is_rc 0 "kick: exit 0"
wait_gone b 10
pipe_wait b
is "$bg_rc" 1 "the kicked pipe exits 1"
like "$(cat "$XT_TMP/b.err")" "kicked.*too loud|too loud.*kicked" "... its stderr says kicked, and why"

# A room of its own for the ban: ejabberd 23.01 lets an outcast in,
# as a participant, whose role or affiliation was changed before (as
# bob's and carol's were, above).
bn=$(room ban)
muc alice create --persistent "$bn"
pipe_bg b2 bob "$bn"
wait_nick alice "$bn" bob || diag "bob did not join: $(cat "$XT_TMP/b2.err")"
muc alice ban --reason "spam" "$bn" "$bob"
is_rc 0 "ban: exit 0"
wait_gone b2 10
pipe_wait b2
is "$bg_rc" 1 "the banned pipe exits 1"
like "$(cat "$XT_TMP/b2.err")" "banned.*spam|spam.*banned" "... its stderr says banned, and why"
muc alice affiliations "$bn" outcast
is "$(printf '%s\n' "$xt_out" | cut -f1,2)" "$bob	outcast" "affiliations outcast: bob"
muc bob occupants "$bn"
is_rc 1 "bob cannot join any more: exit 1"
like "$xt_err" "cannot join '$bn': you are banned from the room" "... banned"

pipe_bg c carol "$a"
wait_nick alice "$a" carol || diag "carol did not join: $(cat "$XT_TMP/c.err")"
muc alice destroy --reason "closing time" "$a"
is_rc 0 "destroy with a pipe in the room: exit 0"
wait_gone c 10
pipe_wait c
is "$bg_rc" 1 "the pipe in the destroyed room exits 1"
like "$(cat "$XT_TMP/c.err")" "destroyed.*closing time|closing time.*destroyed" \
    "... its stderr says destroyed, and why"
