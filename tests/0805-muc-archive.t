#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# xmpp-muc and the room's archive (XEP-0313): --since prints what the
# room said since then, as history, from the archive (more than the
# room's history keeps); a pipe that loses its link while the room gets
# more messages than its history keeps prints every one of them once it
# is back, each once, the past before what came live meanwhile.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-muc
xt_server
plan 13

. "$XT_TESTS/muc.sh"

r=$(room archive)
muc alice create --persistent "$r"
is_rc 0 "a persistent room (archived: the test server loads muc_mam)"

# More than the room's history length (20 on both servers).
seq 1 30 | sed 's/^/early /' >"$XT_TMP/early"
muc_in "$XT_TMP/early" alice "$r"
is_rc 0 "alice says 30 lines"

# ---- --since ----

printf '' >"$XT_TMP/none"
muc_in "$XT_TMP/none" bob -v --since 1h "$r"
is_rc 0 "--since 1h: exit 0"
is "$(printf '%s\n' "$xt_out" | cut -f3 | tr '\n' ' ' | sed 's/ $//')" \
    "$(seq 1 30 | sed 's/^/early /' | tr '\n' ' ' | sed 's/ $//')" \
    "... all 30 lines, in order: from the archive, not the 20 of the history"
is "$(printf '%s\n' "$xt_out" | cut -f4 | sort -u)" history \
    "... each marked history"
like "$xt_err" "30 archived messages of '$r'" "... and -v says where from"

# ---- an outage longer than the history ----

xt_proxy_start || bail_out "fault-proxy did not start"
bg_limit=90 pipe_bg b bob -v -w 30 --server "127.0.0.1:$XT_PROXY_PORT" "$r"
wait_nick carol "$r" bob || diag "bob did not join: $(cat "$XT_TMP/b.err")"
printf 'before\n' >"$XT_TMP/before"
muc_in "$XT_TMP/before" alice "$r"
xt_wait_for "$XT_TMP/b.out" '	before$'
# The link is reset; the next one the proxy holds (the login waits).
xt_proxy "both cut 0 rst"
xt_wait_for "$XT_TMP/b.err" "reconnecting" 10
xt_proxy "both stall"
ok "bob is out of the room" wait_no_nick carol "$r" bob 15
seq 1 30 | sed 's/^/away /' >"$XT_TMP/away"
muc_in "$XT_TMP/away" alice "$r"
[ "$xt_rc" = 0 ] || diag "alice: $xt_rc $xt_err"
xt_proxy
xt_wait_for "$XT_TMP/b.err" "back in '$r'" 30
printf 'after\n' >"$XT_TMP/after"
muc_in "$XT_TMP/after" alice "$r"
xt_wait_for "$XT_TMP/b.out" '	after$' 15
is "$(bodies "$XT_TMP/b.out")" \
    "before $(seq 1 30 | sed 's/^/away /' | tr '\n' ' ')after" \
    "every message of the outage printed once, in order, between before and after"
is "$(grep -c '	history$' "$XT_TMP/b.out")" 30 "... the 30 of the outage as history"
is "$(cut -f3 "$XT_TMP/b.out" | sort | uniq -d)" "" "... none twice"
pipe_eof b
pipe_wait b
is "$bg_rc" 0 "EOF: exit 0"
xt_proxy_stop

# ---- a room without an archive: the history, as much as it keeps ----

if [ "$XT_SERVER_KIND" = ejabberd ]; then
	muc alice config "$r" mam=0
else
	muc alice config "$r" enablearchiving=0
fi
is_rc 0 "the room's archive turned off"
muc_in "$XT_TMP/none" bob --since 1h "$r"
is "$(printf '%s\n' "$xt_out" | grep -c '	history$')" 20 \
    "--since without an archive: the room's history, its last 20"
