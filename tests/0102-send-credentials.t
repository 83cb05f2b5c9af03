#!/bin/sh
# Every credential source works; a password never shows in argv or -vv.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send
xt_server
plan 39

# A private HOME so no real configuration is ever read.
export HOME=$XT_TMP/home XDG_CONFIG_HOME=$XT_TMP/home/.config
mkdir -p "$XDG_CONFIG_HOME/xmpp-tools"
unset XMPP_JID XMPP_PASSWORD XMPP_CONFIG CREDENTIALS_DIRECTORY
pw=$(xt_pwfile alice)
srv="--server 127.0.0.1:$XT_PORT --cafile $XT_CAFILE"

send() {
	xt_run xmpp-send $srv --message creds "$@" "bob@$XT_DOMAIN"
}

send --jid "alice@$XT_DOMAIN" --password-file "$pw" </dev/null
is_rc 0 "--password-file"

send --jid "alice@$XT_DOMAIN" --password-fd 5 </dev/null 5<"$pw"
is_rc 0 "--password-fd"

send --jid "alice@$XT_DOMAIN" --password-command "cat '$pw'" </dev/null
is_rc 0 "--password-command"

send --jid "alice@$XT_DOMAIN" --password-command "exit 3" </dev/null
is_rc 78 "--password-command failing: 78"

printf '%s\nthe body\n' "$XT_ALICE_PW" >"$XT_TMP/pw-and-body"
xt_run xmpp-send $srv --jid "alice@$XT_DOMAIN" --password-fd 0 "bob@$XT_DOMAIN" \
    <"$XT_TMP/pw-and-body"
is_rc 0 "--password-fd 0: first line the password, the rest the body"
unlike "$xt_err" "$XT_ALICE_PW" "... and the password is not echoed"

XMPP_PASSWORD=$XT_ALICE_PW send --jid "alice@$XT_DOMAIN" </dev/null
is_rc 0 "XMPP_PASSWORD"

XMPP_JID=alice@$XT_DOMAIN XMPP_PASSWORD=$XT_ALICE_PW send </dev/null
is_rc 0 "XMPP_JID and XMPP_PASSWORD"

mkdir -p "$XT_TMP/creds"
cp "$pw" "$XT_TMP/creds/xmpp-password"
CREDENTIALS_DIRECTORY=$XT_TMP/creds send --jid "alice@$XT_DOMAIN" </dev/null
is_rc 0 "\$CREDENTIALS_DIRECTORY/xmpp-password"

cfg=$XDG_CONFIG_HOME/xmpp-tools/config
cat >"$cfg" <<CFG
[work]
jid = alice@$XT_DOMAIN
password = $XT_ALICE_PW
server = 127.0.0.1:$XT_PORT
cafile = $XT_CAFILE
CFG
chmod 600 "$cfg"
xt_run xmpp-send --message creds "bob@$XT_DOMAIN" </dev/null
is_rc 0 "config file: account, server and password from it"

chmod 644 "$cfg"
xt_run xmpp-send --message creds "bob@$XT_DOMAIN" </dev/null
is_rc 78 "config file with a password readable by others: 78"
like "$xt_err" "chmod 600" "... and the message says how to fix it"
unlike "$xt_err" "$XT_ALICE_PW" "... without printing the password"
chmod 600 "$cfg"

xt_run xmpp-send --account nosuch --message creds "bob@$XT_DOMAIN" </dev/null
is_rc 78 "--account naming a missing section: 78"

printf '[work]\njdi = x@y\n' >"$XT_TMP/typo.conf"
xt_run xmpp-send --config "$XT_TMP/typo.conf" --message creds "bob@$XT_DOMAIN" </dev/null
is_rc 78 "unknown key in the config file: 78"
like "$xt_err" "typo.conf:2" "... named with file and line"
rm -f "$cfg"

printf 'username: alice\njserver: %s\npassword: %s\n' "$XT_DOMAIN" \
    "$XT_ALICE_PW" >"$HOME/.sendxmpprc"
chmod 600 "$HOME/.sendxmpprc"
send --jid "alice@$XT_DOMAIN" </dev/null
is_rc 0 "~/.sendxmpprc (key: value format)"
printf 'alice@%s %s\n' "$XT_DOMAIN" "$XT_ALICE_PW" >"$HOME/.sendxmpprc"
send --jid "alice@$XT_DOMAIN" </dev/null
is_rc 0 "~/.sendxmpprc (one-line format)"
rm -f "$HOME/.sendxmpprc"

send --jid "alice@$XT_DOMAIN" </dev/null
is_rc 78 "no password anywhere and no terminal: 78"

send --jid "carol@$XT_DOMAIN" --password-file "$(xt_pwfile carol)" </dev/null
is_rc 0 "password with a space and non-ASCII letters"

# -vv shows the traffic, never the password nor the SASL payloads.
send -vv --jid "alice@$XT_DOMAIN" --password-file "$pw" </dev/null
is_rc 0 "-vv: exit 0"
like "$xt_err" "<auth [^>]*>\[redacted\]</auth>" "-vv: SASL payload redacted"
unlike "$xt_err" "$XT_ALICE_PW" "-vv (SCRAM): password absent"
b64=$(printf '\0alice\0%s' "$XT_ALICE_PW" | base64 -w0)
send -vv --sasl PLAIN --jid "alice@$XT_DOMAIN" --password-file "$pw" </dev/null
is_rc 0 "--sasl PLAIN over TLS works"
unlike "$xt_err" "$XT_ALICE_PW|$b64" "-vv (PLAIN): neither password nor its base64"

# said PID FILE ERE: until the running tool (-v) wrote a line matching
# ERE to FILE, or it ended; 1 if it did not within 10 s.
said() {
	_i=0
	until grep -Eq "$3" "$2" 2>/dev/null; do
		kill -0 "$1" 2>/dev/null && [ "$_i" -lt 500 ] || return 1
		sleep 0.02
		_i=$((_i + 1))
	done
}

# argv of a running xmpp-send (held by a server that never answers),
# once it has its password and is connecting.
xt_silent_port
xmpp-send -v --server "127.0.0.1:$XT_SILENT_PORT" --cafile "$XT_CAFILE" \
    --jid "alice@$XT_DOMAIN" --password-file "$pw" --timeout 5 \
    --message x "bob@$XT_DOMAIN" </dev/null 2>"$XT_TMP/held.err" &
spid=$!
said "$spid" "$XT_TMP/held.err" "connected to" ||
    diag "xmpp-send did not connect: $(cat "$XT_TMP/held.err")"
args=$(tr '\0' ' ' <"/proc/$spid/cmdline" 2>/dev/null)
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
like "$args" "password-file" "argv of the running process is readable"
unlike "$args" "$XT_ALICE_PW" "argv holds no password"

# ---- a --password-command that does not finish in time ----

# gone PID: 0 once PID has ended (a zombie left to init counts).
gone() {
	[ -n "$1" ] || return 1
	_i=0
	while [ "$_i" -lt 100 ]; do
		[ -e "/proc/$1" ] || return 0
		[ "$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = Z ] &&
		    return 0
		sleep 0.02
		_i=$((_i + 1))
	done
	return 1
}
send --jid "alice@$XT_DOMAIN" -w 1 \
    --password-command "sleep 31 & echo \$! >'$XT_TMP/cmd1.pid'; wait" </dev/null
xt_at_exit "kill $(cat "$XT_TMP/cmd1.pid") 2>/dev/null"
is_rc 75 "--password-command still running at -w: 75"
like "$xt_err" "password-command did not finish within 1 s" "... saying so"
ok "... and what it started is killed with it" gone "$(cat "$XT_TMP/cmd1.pid")"
send --jid "alice@$XT_DOMAIN" -w 1 --password-command \
    "sh -c 'trap \"\" TERM; exec sleep 31' & echo \$! >'$XT_TMP/cmd2.pid'; wait" \
    </dev/null
xt_at_exit "kill -9 $(cat "$XT_TMP/cmd2.pid") 2>/dev/null"
is_rc 75 "a command that ignores SIGTERM: 75"
ok "... and it is killed all the same" gone "$(cat "$XT_TMP/cmd2.pid")"

# In a group of its own, the command still has the terminal to ask on.
cat >"$XT_TMP/onatty.py" <<'PY'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
time.sleep(0.3)
os.write(fd, sys.argv[1].encode() + b"\n")
end = time.time() + 20
while time.time() < end:
    if select.select([fd], [], [], 0.2)[0]:
        try:
            out = os.read(fd, 4096)
        except OSError:
            break
        if not out:
            break
        sys.stderr.buffer.write(out)
_, st = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(st))
PY
xt_run /usr/bin/python3 "$XT_TMP/onatty.py" "$XT_ALICE_PW" xmpp-send $srv \
    --jid "alice@$XT_DOMAIN" -w 10 -m creds \
    --password-command 'read pw </dev/tty && echo "$pw"' "bob@$XT_DOMAIN"
is_rc 0 "at a terminal: --password-command reads its answer from /dev/tty"

# ---- XMPP_PASSWORD is gone from /proc/PID/environ too ----

# The environment of a running xmpp-send (held by the silent server),
# given by execve as it is: XMPP_PASSWORD once, or twice.
cat >"$XT_TMP/execenv.py" <<'PY'
import ctypes, os, sys
n = int(sys.argv[1])
env = [b"PATH=" + os.environ["PATH"].encode()]
env += [b"XMPP_PASSWORD=" + os.environ["PW"].encode() + (b"-%d" % i if i
        else b"") for i in range(n)]
args = [a.encode() for a in sys.argv[2:]]
argv = (ctypes.c_char_p * (len(args) + 1))(*args, None)
envp = (ctypes.c_char_p * (len(env) + 1))(*env, None)
ctypes.CDLL(None).execve(args[0], argv, envp)
sys.exit(127)
PY
for n in 1 2; do
	PW=$XT_ALICE_PW /usr/bin/python3 "$XT_TMP/execenv.py" $n \
	    "$XT_BIN/xmpp-send" -v --server "127.0.0.1:$XT_SILENT_PORT" \
	    --cafile "$XT_CAFILE" --jid "alice@$XT_DOMAIN" --timeout 60 \
	    --message x "bob@$XT_DOMAIN" </dev/null 2>"$XT_TMP/held.err" &
	spid=$!
	said "$spid" "$XT_TMP/held.err" "connected to" ||
	    diag "xmpp-send did not connect: $(cat "$XT_TMP/held.err")"
	env=$(tr '\0' '\n' <"/proc/$spid/environ" 2>/dev/null)
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	like "$env" "^PATH=" "XMPP_PASSWORD given $n time(s): environ is readable"
	unlike "$env" "$XT_ALICE_PW" "... and holds no password"
done

# Online, as a tool that stays online is for days.
if [ -x "$XT_BIN/xmpp-listen" ]; then
	PW=$XT_ALICE_PW /usr/bin/python3 "$XT_TMP/execenv.py" 1 \
	    "$XT_BIN/xmpp-listen" $srv --jid "alice@$XT_DOMAIN" -v -w 20 \
	    </dev/null >/dev/null 2>"$XT_TMP/listen.err" &
	spid=$!
	said "$spid" "$XT_TMP/listen.err" "online as"
	like "$(cat "$XT_TMP/listen.err")" "online as 'alice@" \
	    "xmpp-listen logged in with XMPP_PASSWORD"
	env=$(tr '\0' '\n' <"/proc/$spid/environ" 2>/dev/null)
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	unlike "$env" "$XT_ALICE_PW" "... and its environ holds no password"
else
	skip 2 "xmpp-listen is not built"
fi
