#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-muc joining: a nickname taken (another tried, or exit 1 with
# --strict-nick); a password-protected room (refused without the
# password or with a wrong one, joined with it); a members-only room
# (refused until made a member); a locked room; a room that does not
# exist is never created by occupants, config or subject; usage errors.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-muc
xt_server
plan 39

. "$XT_TESTS/muc.sh"

# ---- a nickname taken ----

r=$(room nick)
muc alice create --persistent "$r"
is_rc 0 "alice creates a room"
pipe_bg b bob -v --nick same "$r"
wait_nick carol "$r" same || diag "bob did not join: $(cat "$XT_TMP/b.err")"

printf 'from the second same\n' >"$XT_TMP/one"
muc_in "$XT_TMP/one" alice --nick same "$r"
is_rc 0 "a nickname taken by another account: joined all the same, exit 0"
xt_wait_for "$XT_TMP/b.out" 'from the second same'
is "$(grep -F 'from the second same' "$XT_TMP/b.out" | cut -f2)" "same-2" \
    "... as NICK-2"

printf 'must not be sent\n' >"$XT_TMP/strict"
muc_in "$XT_TMP/strict" alice --nick same --strict-nick "$r"
is_rc 1 "--strict-nick and the nickname taken: exit 1"
like "$xt_err" "^xmpp-muc: cannot join '$r': the nickname 'same' is taken" \
    "... the room and the nickname named"
printf 'after the strict one\n' >"$XT_TMP/after"
muc_in "$XT_TMP/after" alice "$r"
xt_wait_for "$XT_TMP/b.out" 'after the strict one'
unlike "$(cat "$XT_TMP/b.out")" 'must not be sent' "... and its line was not sent"
muc alice --nick same --strict-nick occupants "$r"
is_rc 1 "--strict-nick applies to occupants too: exit 1"
pipe_eof b
pipe_wait b
is "$bg_rc" 0 "bob's pipe: EOF, exit 0"

# ---- a password ----

p=$(room secret)
printf 's3cret ü\n' >"$XT_TMP/room.pw"
printf 'wrong\n' >"$XT_TMP/wrong.pw"
muc alice create --persistent --room-password-file "$XT_TMP/room.pw" "$p"
is_rc 0 "create --room-password-file: exit 0"
muc alice -o json config "$p"
is "$(printf '%s\n' "$xt_out" | jq -r 'select(.var == "muc#roomconfig_roomsecret") | .values[0]')" 's3cret ü' \
    "... the room has the password of the file, its first line"
muc bob occupants "$p"
is_rc 1 "joining without the password: exit 1"
like "$xt_err" "^xmpp-muc: cannot join '$p': a password is required, or it is wrong" \
    "... with the reason"
muc bob --room-password-file "$XT_TMP/wrong.pw" occupants "$p"
is_rc 1 "a wrong password: exit 1"
like "$xt_err" "cannot join '$p': a password is required, or it is wrong" "... the same reason"
muc bob --room-password-file "$XT_TMP/room.pw" occupants "$p"
is_rc 0 "the right password: exit 0"
is "$(printf '%s\n' "$xt_out" | cut -f1)" bob "... and bob is in, the only occupant"
printf 'with the password\n' >"$XT_TMP/pwline"
muc_in "$XT_TMP/pwline" bob --room-password-file "$XT_TMP/room.pw" "$p"
is_rc 0 "a pipe with the password: exit 0"
muc_in "$XT_TMP/pwline" bob "$p"
is_rc 1 "a pipe without it: exit 1"
like "$xt_err" "a password is required" "... with the reason"

# ---- members-only ----

m=$(room members)
muc alice create --persistent --members-only "$m"
is_rc 0 "create --members-only: exit 0"
printf 'not a member yet\n' >"$XT_TMP/mline"
muc_in "$XT_TMP/mline" bob "$m"
is_rc 1 "a pipe into a members-only room, not a member: exit 1"
like "$xt_err" "^xmpp-muc: cannot join '$m': the room is members-only" \
    "... the message says members-only"
muc bob occupants "$m"
is_rc 1 "occupants too: exit 1"
like "$xt_err" "members-only" "... members-only"
muc alice affiliation "$m" "$bob" member
is_rc 0 "alice makes bob a member"
muc bob occupants "$m"
is_rc 0 "then bob may join: exit 0"

# ---- a locked room ----

# An independent client creates the room and never configures it:
# Prosody keeps it locked (XEP-0045 10.1.1), anyone else is refused;
# ejabberd 23.01 lets others in at once.
l=$(room locked)
xt_recv_start carol "$XT_CAROL_PW" "$XT_TMP/carol.jsonl" --join "$l/carol" \
    --keep-locked ||
    bail_out "the receiver for carol did not get online"
printf 'into a new room\n' >"$XT_TMP/lline"
muc_in "$XT_TMP/lline" bob "$l"
case $XT_SERVER_KIND in
ejabberd)
	is_rc 0 "ejabberd: a pipe into a room its creator has not configured: exit 0"
	unlike "$xt_err" "locked" "... no word of a lock" ;;
*)
	is_rc 1 "a pipe into a room its creator left locked: exit 1"
	like "$xt_err" "^xmpp-muc: cannot join '$l': the room is locked" \
	    "... the message says it is locked" ;;
esac
xt_recv_stop "$XT_TMP/carol.jsonl"

# ---- a room that does not exist ----

g=$(room ghost)
muc bob occupants "$g"
is_rc 1 "occupants of a room that does not exist: exit 1"
like "$xt_err" "^xmpp-muc: room '$g' does not exist" "... says so"
muc alice config "$g"
is_rc 1 "config: exit 1"
like "$xt_err" "room '$g' does not exist" "... says so"
muc bob subject "$g"
is_rc 1 "subject: exit 1"
muc alice subject "$g" "a new subject"
is_rc 1 "setting the subject: exit 1"
like "$xt_err" "room '$g' does not exist" "... says so"
ok "the room was not created: not in the list of rooms" eval '! in_list "$XT_MUC" "$g"'
muc alice create "$g"
is_rc 0 "... and create finds it new: exit 0"

# ---- usage ----

muc alice frobnicate "$r"
is_rc 64 "an unknown command: 64"
like "$xt_err" "unknown command 'frobnicate'" "... named"
