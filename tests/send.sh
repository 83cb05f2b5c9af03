# SPDX-License-Identifier: GPL-3.0-or-later
# tests/send.sh: what the xmpp-send tests share, sourced after lib.sh and
# xt_server: a private HOME and helpers to read what the receiver got.

# A private HOME so no real configuration is ever read.
export HOME=$XT_TMP/home XDG_CONFIG_HOME=$XT_TMP/home/.config
mkdir -p "$XDG_CONFIG_HOME"
unset XMPP_JID XMPP_PASSWORD XMPP_CONFIG CREDENTIALS_DIRECTORY

# field FILE N KEY: KEY of the Nth JSON line of FILE.
field() {
	/usr/bin/python3 -S -c '
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
print(json.loads(lines[int(sys.argv[2]) - 1]).get(sys.argv[3], ""), end="")
' "$@"
}

lines_of() {
	wc -l <"$1" | tr -d ' '
}

# receiver USER PASSWORD OUTFILE [OPTIONS...]: xt_recv_start, then drop
# what a reused server had stored for USER while offline: it comes before
# READY, and the checks here count from the first line.
receiver() {
	xt_recv_start "$@" || bail_out "the receiver for $1 did not get online"
	: >"$3"
}
