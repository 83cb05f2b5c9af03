#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# examples/: each systemd unit passes `systemd-analyze verify` (copied into
# a temporary directory, ExecStart= pointing at the tools of this tree) and
# the offline security check, and sets the sandboxing the README promises;
# the bot's -x command and the crontab's commands are valid sh; every
# crontab line is a variable or five time fields and a command; the tools
# are invoked only with options that their --help lists. Starts no
# server, sends nothing.
. "$(dirname "$0")/lib.sh"
xt_need_bin xmpp-send xmpp-listen xmpp-ping xmpp-disco xmpp-roster
plan 27

ex=$XT_ROOT/examples
tools="xmpp-send xmpp-listen xmpp-ping xmpp-disco xmpp-roster"
services="xmpp-bot.service xmpp-check.service xmpp-alert@.service"
# What verify is given: the units, and the instance that the check's
# OnFailure= starts.
verify_units="xmpp-bot.service xmpp-check.service xmpp-check.timer
xmpp-alert@.service xmpp-alert@xmpp-check.service.service"

# ---- the units as systemd reads them ----

# The units, with /usr/local/bin/ (make install's default) replaced by
# this tree's cmd/ so that verify finds the binaries.
units=$XT_TMP/units
mkdir -p "$units"
for f in "$ex"/*.service "$ex"/*.timer; do
	sed "s|/usr/local/bin/|$XT_BIN/|g" "$f" >"$units/$(basename "$f")"
done

# verify_ok UNIT: systemd-analyze verify passes, silently as to our files:
# an unknown key or a bad value is only a warning, with exit 0. Lines
# about other units (the system's, pulled in as dependencies) are shown
# but do not count.
verify_ok() {
	(cd "$units" && run_bounded 20 systemd-analyze verify --man=no "./$1") \
	    >"$XT_TMP/verify.out" 2>&1
	_rc=$?
	if [ "$_rc" = 0 ] && ! grep -Eq "$units|xmpp-" "$XT_TMP/verify.out"; then
		[ -s "$XT_TMP/verify.out" ] && diag "$(cat "$XT_TMP/verify.out")"
		pass "systemd-analyze verify $1"
	elif [ "$_rc" = 0 ]; then
		fail "systemd-analyze verify $1: warnings"
		diag "$(sed "s|$units/||g" "$XT_TMP/verify.out")"
	else
		fail "systemd-analyze verify $1: exit $_rc"
		diag "$(sed "s|$units/||g" "$XT_TMP/verify.out")"
	fi
}

# Does verify work here at all? It needs no running systemd, but it may
# be missing (Debian: package systemd) or unable to run.
why=
if ! command -v systemd-analyze >/dev/null 2>&1; then
	why="systemd-analyze is not installed (Debian package systemd)"
else
	mkdir -p "$XT_TMP/probe"
	printf '[Service]\nType=oneshot\nExecStart=/bin/true\n' \
	    >"$XT_TMP/probe/xt-probe.service"
	if ! (cd "$XT_TMP/probe" &&
	    run_bounded 20 systemd-analyze verify --man=no ./xt-probe.service) \
	    >"$XT_TMP/probe.out" 2>&1 || [ -s "$XT_TMP/probe.out" ]; then
		why="systemd-analyze verify does not work here: $(head -n 1 "$XT_TMP/probe.out")"
	fi
fi
if [ -n "$why" ]; then
	skip 5 "$why"
	skip 3 "$why"
else
	for u in $verify_units; do
		verify_ok "$u"
	done
	# The exposure level of `systemd-analyze security` (0 to 10), at most
	# 2.0, by what the unit file says (--offline, systemd 250 or later).
	if systemd-analyze security --offline=yes --threshold=100 \
	    "$XT_TMP/probe/xt-probe.service" >/dev/null 2>&1; then
		for u in $services; do
			if (cd "$units" && run_bounded 20 systemd-analyze security \
			    --offline=yes --threshold=20 "./$u") >"$XT_TMP/sec.out" 2>&1
			then
				pass "$u: $(grep -o 'exposure level.*' "$XT_TMP/sec.out" | sed 's/for [^:]*: //')"
			else
				fail "$u: exposure level over 2.0 (systemd-analyze security)"
				diag "$(grep -E '✗|exposure' "$XT_TMP/sec.out")"
			fi
		done
	else
		skip 3 "systemd-analyze security has no --offline or --threshold"
	fi
fi

# The settings of a unit file: KEY=VALUE lines, continuations joined.
settings() {
	sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' "$1" | grep -E '^[A-Za-z]+='
}

# The sandboxing each service sets, as examples/README and the comments
# of each file say: DynamicUser=, a read-only system, no capability...
sandbox="DynamicUser=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
NoNewPrivileges=yes
CapabilityBoundingSet=
RestrictSUIDSGID=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
RestrictNamespaces=yes
RestrictRealtime=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallErrorNumber=EPERM
UMask=0077"
for u in $services; do
	settings "$ex/$u" >"$XT_TMP/settings"
	missing=$(printf '%s\n' "$sandbox" | while IFS= read -r s; do
		grep -qxF -- "$s" "$XT_TMP/settings" || printf '%s ' "$s"
	done)
	cred=$(grep -c '^LoadCredential=xmpp-password:/etc/xmpp-tools/[a-z]*\.password$' \
	    "$XT_TMP/settings")
	if [ -z "$missing" ] && [ "$cred" = 1 ]; then
		pass "$u: sandboxed, password from LoadCredential=xmpp-password:"
	else
		fail "$u: sandboxed, password from LoadCredential=xmpp-password:"
		[ -z "$missing" ] || diag "missing: $missing"
		[ "$cred" = 1 ] || diag "LoadCredential=xmpp-password:/etc/xmpp-tools/NAME.password lines: $cred"
	fi
done

settings "$ex/xmpp-check.service" >"$XT_TMP/check.settings"
settings "$ex/xmpp-bot.service" >"$XT_TMP/bot.settings"
ok "xmpp-check.service: OnFailure= starts xmpp-alert@ with the unit's name" \
    grep -qxF 'OnFailure=xmpp-alert@%n.service' "$XT_TMP/check.settings"
# The service a timer starts: its Unit=, else the one of its name.
timer_unit=$(settings "$ex/xmpp-check.timer" | sed -n 's/^Unit=//p' | tail -n 1)
timer_unit=${timer_unit:-xmpp-check.service}
ok "xmpp-check.timer: starts $timer_unit, of examples/, from timers.target" \
    sh -c '[ -f "$1" ] && grep -qxF WantedBy=timers.target "$2"' \
    sh "$ex/$timer_unit" "$ex/xmpp-check.timer"
ok "xmpp-bot.service: restarts on failure, but not on 64, 77 or 78" \
    sh -c 'grep -qxF Restart=on-failure "$1" &&
	grep -qxF "RestartPreventExitStatus=64 77 78" "$1" &&
	grep -q "^RestartSec=" "$1"' sh "$XT_TMP/bot.settings"
ok "xmpp-bot.service: a start limit in [Unit]" \
    sh -c 'sed -n "/^\[Unit\]/,/^\[/p" "$1" | grep -q "^StartLimitBurst=" &&
	sed -n "/^\[Unit\]/,/^\[/p" "$1" | grep -q "^StartLimitIntervalSec="' \
    sh "$ex/xmpp-bot.service"

# ---- the crontab ----

# Each line that is neither empty nor a comment is NAME=VALUE or five
# time fields (numbers in range, *, ranges, lists, steps, names of months
# and days) then a command, or an @ schedule then a command; an
# unescaped % would be a newline to cron.
cron_bad=$(awk '
function field_ok(f, lo, hi, names,    n, i, parts, item, rs, a, b) {
	n = split(f, parts, ",")
	for (i = 1; i <= n; i++) {
		item = parts[i]
		if (item ~ /\/[0-9]+$/)
			sub(/\/[0-9]+$/, "", item)
		else if (item ~ /\//)
			return 0
		if (item == "*")
			continue
		if (names != "" && tolower(item) ~ ("^(" names ")$"))
			continue
		if (item !~ /^[0-9]+(-[0-9]+)?$/)
			return 0
		split(item, rs, "-")
		a = rs[1] + 0; b = (item ~ /-/) ? rs[2] + 0 : a
		if (a < lo || b > hi || a > b)
			return 0
	}
	return 1
}
/^[ \t]*(#|$)/ { next }
/^[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*=/ { next }
{
	jobs++
	cmd = $0
	if ($1 ~ /^@(reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)$/) {
		if (NF < 2) { print NR ": no command"; next }
		sub(/^[ \t]*[^ \t]+[ \t]+/, "", cmd)
	} else {
		if (NF < 6) { print NR ": not 5 time fields and a command"; next }
		if (!field_ok($1, 0, 59, "") || !field_ok($2, 0, 23, "") ||
		    !field_ok($3, 1, 31, "") ||
		    !field_ok($4, 1, 12, "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec") ||
		    !field_ok($5, 0, 7, "sun|mon|tue|wed|thu|fri|sat")) {
			print NR ": bad time field"; next
		}
		for (k = 1; k <= 5; k++)	# no {5}: mawk lacks intervals
			sub(/^[ \t]*[^ \t]+[ \t]+/, "", cmd)
	}
	gsub(/\\%/, "", cmd)
	if (cmd ~ /%/)
		print NR ": unescaped % (a newline to cron)"
}
END { print "jobs " jobs + 0 }' "$ex/crontab")
jobs=$(printf '%s\n' "$cron_bad" | sed -n 's/^jobs //p')
cron_bad=$(printf '%s\n' "$cron_bad" | grep -v '^jobs ')
if [ -z "$cron_bad" ] && [ "$jobs" -ge 3 ]; then
	pass "examples/crontab: $jobs jobs, each with 5 time fields and a command"
else
	fail "examples/crontab: each job has 5 time fields and a command"
	diag "$cron_bad" "($jobs jobs)"
fi

# Each of the three cron jobs the README describes is there.
ok "examples/crontab: xmpp-roster import --prune" \
    grep -Eq '^[^#]*xmpp-roster .*import --prune ' "$ex/crontab"
ok "examples/crontab: xmpp-ping --check, its line to xmpp-send on failure" \
    grep -Eq '^[^#]*xmpp-ping .*--check.*\|\| .*\| *xmpp-send ' "$ex/crontab"
ok "examples/crontab: xmpp-disco --has-feature" \
    grep -Eq '^[^#]*xmpp-disco .*--has-feature ' "$ex/crontab"
ok "examples/README names every file of examples/" \
    sh -c 'for f in "$1"/*; do n=$(basename "$f"); [ "$n" = README ] ||
	grep -qF -- "$n" "$1/README" || { echo "missing: $n" >&2; exit 1; }; done' \
    sh "$ex"

# ---- the commands ----

if ! command -v python3 >/dev/null 2>&1; then
	skip 7 "python3 is not installed: cannot parse the commands"
	exit 0
fi

# Every command of the examples: ExecStart= of the units (continuations
# joined, $$ as $), the crontab's jobs, the indented lines of the README
# that start with a tool; the argument of xmpp-listen -x too, as a
# command of its own. Writes
# "sh<TAB>FILE<TAB>COMMAND" for each shell command (the -x argument, each
# cron job), "opt<TAB>FILE<TAB>TOOL<TAB>OPTION" for each option given
# to a tool, and "var<TAB>FILE<TAB>NAME" for each variable that systemd
# replaces in an Exec line ($NAME or ${NAME}; $$ is a $ it leaves).
if ! python3 - "$ex" >"$XT_TMP/cmds" <<'PY'
import os, re, shlex, sys

ex = sys.argv[1]
tools = {"xmpp-send", "xmpp-listen", "xmpp-ping", "xmpp-disco", "xmpp-roster"}
ops = {"|", "||", "&", "&&", ";", ";;", "(", ")", "<", ">", ">>", "$(", "`"}

def words(cmd):
    lex = shlex.shlex(cmd, posix=True, punctuation_chars="|&;()<>")
    lex.whitespace_split = True
    return list(lex)

def scan(where, cmd):
    try:
        ws = words(cmd)
    except ValueError:
        return
    i = 0
    while i < len(ws):
        w = ws[i]
        base = os.path.basename(w.lstrip("$("))
        if base in tools:
            j = i + 1
            while j < len(ws) and ws[j] not in ops:
                a = ws[j]
                if a == "--":
                    break
                if a.startswith("--"):
                    print("opt\t%s\t%s\t%s" % (where, base, a.split("=", 1)[0]))
                elif a.startswith("-") and len(a) > 1:
                    print("opt\t%s\t%s\t%s" % (where, base, a[:2]))
                # -x COMMAND: a command of its own
                if a in ("-x", "--exec") and j + 1 < len(ws):
                    sub = ws[j + 1]
                    print("sh\t%s\t%s" % (where, sub.replace("\t", " ").replace("\n", " ")))
                    scan(where, sub)
                    j += 1
                j += 1
            i = j
        else:
            if " " in w and "xmpp-" in w:
                scan(where, w)
            i += 1

for name in sorted(os.listdir(ex)):
    path = os.path.join(ex, name)
    text = open(path).read()
    if name.endswith((".service", ".timer")):
        text = text.replace("\\\n", " ")
        for line in text.splitlines():
            m = re.match(r"Exec[A-Za-z]*=[-@+!:]*(.*)", line)
            if m:
                for v in re.findall(r"\$\{?([A-Za-z_]\w*)", m.group(1).replace("$$", "")):
                    print("var\t%s\t%s" % (name, v))
                cmd = m.group(1).replace("$$", "$").replace("%%", "%")
                scan(name, cmd)
    elif name == "crontab":
        for line in text.splitlines():
            s = line.strip()
            if not s or s.startswith("#") or re.match(r"[A-Za-z_]\w*\s*=", s):
                continue
            f = s.split(None, 1 if s.startswith("@") else 5)
            cmd = f[-1].replace("\\%", "%")
            print("sh\t%s\t%s" % (name, cmd))
            scan(name, cmd)
    elif name == "README":
        for line in text.splitlines():
            # a command line of its own, not the table of files
            if line.startswith("    ") and line.split()[0] in tools:
                scan(name, line.strip())
PY
then
	fail "parse the commands of examples/ (python3)"
	skip 6 "the commands could not be parsed"
	exit 1
fi

# The shell commands parse (sh -n).
bad=
while IFS="$(printf '\t')" read -r kind file cmd; do
	[ "$kind" = sh ] || continue
	if ! sh -n -c "$cmd" 2>"$XT_TMP/shn"; then
		bad="$bad
$file: $cmd: $(cat "$XT_TMP/shn")"
	fi
done <"$XT_TMP/cmds"
nsh=$(grep -c '^sh	' "$XT_TMP/cmds")
if [ -z "$bad" ] && [ "$nsh" -ge 4 ]; then
	pass "the bot's -x command and the crontab's jobs are valid sh ($nsh)"
else
	fail "the bot's -x command and the crontab's jobs are valid sh ($nsh)"
	diag "$bad"
fi

# A variable that systemd replaces in ExecStart= is one the unit sets
# (Environment=) or one that systemd gives an OnFailure= unit; any other
# would be replaced with nothing, such as $XMPP_BODY written without $$.
bad=$(awk -F'\t' '$1 == "var" { print $2 "\t" $3 }' "$XT_TMP/cmds" |
    while IFS="$(printf '\t')" read -r file var; do
	case $var in MONITOR_SERVICE_RESULT | MONITOR_EXIT_CODE | \
	    MONITOR_EXIT_STATUS | MONITOR_INVOCATION_ID | MONITOR_UNIT) continue ;;
	esac
	settings "$ex/$file" | grep -q "^Environment=\"\{0,1\}$var=" ||
	    printf '%s: $%s\n' "$file" "$var"
done)
if [ -z "$bad" ]; then
	pass "the variables of ExecStart= are the units' own or systemd's"
else
	fail "the variables of ExecStart= are the units' own or systemd's"
	diag "$bad"
fi

# "-x --long" for each option line of popt's --help, as
# tests/0002-manpage-options.t reads them.
help_options() {
	sed -n 's/^ \{1,\}\(-\(.\), \)\{0,1\}--\([A-Za-z0-9][A-Za-z0-9-]*\).*/-\2 --\3/p'
}

# Each tool is invoked in the examples, and only with options of its
# --help.
for t in $tools; do
	if ! run_bounded 10 "$XT_BIN/$t" --help >"$XT_TMP/help" 2>&1 </dev/null; then
		fail "$t --help exits 0"
		continue
	fi
	help_options <"$XT_TMP/help" |
	    awk '{ if ($1 != "-") print $1; print $2 }' >"$XT_TMP/known"
	awk -F'\t' -v t="$t" '$1 == "opt" && $3 == t { print $2 "\t" $4 }' \
	    "$XT_TMP/cmds" >"$XT_TMP/used"
	n=$(awk -F'\t' -v t="$t" '$1 == "opt" && $3 == t' "$XT_TMP/cmds" | wc -l)
	unknown=$(while IFS="$(printf '\t')" read -r file opt; do
		grep -qxF -- "$opt" "$XT_TMP/known" || printf '%s: %s\n' "$file" "$opt"
	done <"$XT_TMP/used")
	if [ "$n" -gt 0 ] && [ -z "$unknown" ]; then
		pass "$t: the $n options the examples give are in its --help"
	elif [ "$n" = 0 ]; then
		fail "$t: the examples invoke it with options"
	else
		fail "$t: the examples give options its --help lacks"
		diag "$unknown"
	fi
done
