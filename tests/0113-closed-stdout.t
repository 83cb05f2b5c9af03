#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A closed standard output (>&-): a tool whose job is output exits 74 and
# says so, before it does the work; one that writes nothing still works.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send xmpp-listen xmpp-ping
xt_server
plan 24

. "$XT_TESTS/send.sh"

pw=$(xt_pwfile alice)
conn="--server 127.0.0.1:$XT_PORT --cafile $XT_CAFILE --jid alice@$XT_DOMAIN --password-file $pw"

# closed CMD...: CMD bounded, with stdout closed: xt_rc and xt_err.
closed() {
	xt_rc=0
	run_bounded 30 "$@" >&- 2>"$XT_TMP/err" || xt_rc=$?
	xt_err=$(cat "$XT_TMP/err")
}

got=$XT_TMP/bob.jsonl
receiver bob "$XT_BOB_PW" "$got"

# ---- xmpp-listen ----

# -v: a login would show on stderr ("password from ...", "connected").
closed xmpp-listen $conn -v -w 10 </dev/null
is_rc 74 "xmpp-listen >&-: exit 74"
is "$xt_err" "xmpp-listen: cannot write to standard output: it is closed" \
    "... saying why, before it even looks for a password"

closed xmpp-listen $conn --exec true --type chat -w 2 </dev/null
is_rc 75 "xmpp-listen --exec >&-: the commands write, it runs (75 at -w)"
like "$xt_err" "0 matching stanzas within 2 s" "... and ends as usual"

# ---- xmpp-ping ----

closed xmpp-ping $conn -v -c 1 </dev/null
is_rc 74 "xmpp-ping >&-: exit 74"
is "$xt_err" "xmpp-ping: cannot write to standard output: it is closed" \
    "... before connecting"
closed xmpp-ping $conn --check -c 1 </dev/null
is_rc 74 "xmpp-ping --check >&-: exit 74, not a plugin state"
is "$xt_err" "xmpp-ping: cannot write to standard output: it is closed" \
    "... on stderr, since the plugin line cannot be written"

# ---- xmpp-send ----

closed xmpp-send $conn -m 'closed one' "bob@$XT_DOMAIN" </dev/null
is_rc 0 "xmpp-send -m >&-: writes nothing to stdout, exit 0"
is "$xt_err" "" "... silently"
xt_recv_wait "$got" 1
is "$(field "$got" 1 body)" "closed one" "... and the message arrives"

printf '<message to="bob@%s"><body>raw one</body></message>\n' "$XT_DOMAIN" \
    >"$XT_TMP/msg"
closed xmpp-send $conn --raw <"$XT_TMP/msg"
is_rc 0 "xmpp-send --raw >&- without iqs: nothing to print, exit 0"
xt_recv_wait "$got" 2
is "$(field "$got" 2 body)" "raw one" "... and the message arrives"

cat >"$XT_TMP/iq" <<EOF
<message to="bob@$XT_DOMAIN"><body>before the iq</body></message>
<iq type="get" to="$XT_DOMAIN" id="v1"><query xmlns="jabber:iq:version"/></iq>
<message to="bob@$XT_DOMAIN"><body>after the iq</body></message>
EOF
closed xmpp-send $conn --raw <"$XT_TMP/iq"
is_rc 74 "xmpp-send --raw >&- with an iq to answer: exit 74"
is "$xt_err" "xmpp-send: cannot write to standard output: it is closed" \
    "... saying why"
xt_recv_wait "$got" 3
is "$(field "$got" 3 body)" "before the iq" "... after delivering what came before"
xmpp-send $conn -m marker "bob@$XT_DOMAIN" </dev/null
xt_recv_wait "$got" 4
is "$(field "$got" 4 body)" marker "... and nothing after the iq was sent"

# A full disk is another failed write: said, with its cause.
xt_rc=0
run_bounded 30 xmpp-send $conn --raw <"$XT_TMP/iq" >/dev/full \
    2>"$XT_TMP/err" || xt_rc=$?
is_rc 74 "xmpp-send --raw >/dev/full: exit 74"
is "$(cat "$XT_TMP/err")" \
    "xmpp-send: cannot write to standard output: no space left on device" \
    "... saying why, once"

closed xmpp-send --dry-run -m hi "bob@$XT_DOMAIN" </dev/null
is_rc 74 "xmpp-send --dry-run >&-: exit 74"
is "$xt_err" "xmpp-send: cannot write to standard output: it is closed" \
    "... saying why"
closed xmpp-send --dry-run "bob@$XT_DOMAIN" </dev/null
is_rc 0 "xmpp-send --dry-run >&- with an empty body: nothing to write, 0"

# ---- what did not change ----

xt_run xmpp-send --dry-run -m hi "bob@$XT_DOMAIN" </dev/null
is_rc 0 "an open stdout: --dry-run exits 0"
like "$xt_out" "<body>hi</body>" "... with the stanza on stdout"
