#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The shell completions `make all` generates (completion/bash/TOOL and
# completion/zsh/_TOOL, by scripts/gen-completion from TOOL
# --list-options), checked against what each tool's --help says, not
# against --list-options, and against its man page for xmpp-roster's
# commands.
#
# bash: each file is loaded in a non-interactive bash, the command line
# set up as bash sets it for a completion function (COMP_WORDS,
# COMP_CWORD; --opt= split at '=', which COMP_WORDBREAKS holds), the
# function the file registers (complete -p) called, COMPREPLY read.
# zsh, when installed: each file loads, sourced and from $fpath; with
# the zsh/zpty module, completions are also typed into an interactive
# zsh on a pseudo-terminal and the matches its compadd is given read
# back. Without zsh those checks are skipped.

. "$(dirname "$0")/lib.sh"

tools=
for bin in "$XT_BIN"/xmpp-*; do
	case $bin in *.c | *.o) continue ;; esac
	[ -f "$bin" ] && [ -x "$bin" ] && tools="$tools ${bin##*/}"
done
[ -n "$tools" ] || plan_skip_all "no tool is built (make)"
# Lists of words are split, never globbed: -? is an option.
set -f
command -v bash >/dev/null 2>&1 || plan_skip_all "bash is not installed"
[ -d "$XT_ROOT/completion/bash" ] ||
	plan_skip_all "completion/bash is not made (make all)"

# complete.bash FILE WORD...: load FILE, complete the last WORD of the
# command line WORD... and print COMPREPLY, one per line.
cat >"$XT_TMP/complete.bash" <<'EOF'
file=$1
shift
. "$file" || exit 1
spec=$(complete -p "$1") || exit 1
fn=${spec#*-F }
fn=${fn%% *}
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
COMP_WORDBREAKS=$' \t\n"\'@><=;|&(:'
COMPREPLY=()
"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" ||
	exit 1
[ ${#COMPREPLY[@]} = 0 ] || printf '%s\n' "${COMPREPLY[@]}"
EOF

# comp TOOL WORD...: what bash offers for the last WORD: $got, sorted, one
# a line; $comp_err: what the completion wrote to stderr; $comp_rc.
comp() {
	comp_rc=0
	BASH_ENV='' bash "$XT_TMP/complete.bash" \
	    "$XT_ROOT/completion/bash/$1" "$@" >"$XT_TMP/comp.out" \
	    2>"$XT_TMP/comp.err" </dev/null || comp_rc=$?
	got=$(LC_ALL=C sort -u "$XT_TMP/comp.out")
	comp_err=$(cat "$XT_TMP/comp.err")
}

# oneline TEXT: its lines on one line.
oneline() {
	printf '%s\n' "$1" | tr '\n' ' '
}

# offers DESC WANT TOOL WORD...: bash offers exactly WANT (words, any
# order) for the last WORD, and writes nothing to stderr.
offers() {
	_desc=$1
	# shellcheck disable=SC2086 # a list of words
	_want=$(printf '%s\n' $2 | LC_ALL=C sort -u)
	shift 2
	comp "$@"
	if [ "$comp_rc" = 0 ] && [ "$got" = "$_want" ] && [ -z "$comp_err" ]
	then
		pass "$_desc"
	else
		fail "$_desc"
		diag "    line: $*" "    exit: $comp_rc" \
		    "    got: $(oneline "$got")" \
		    "    expected: $(oneline "$_want")"
		[ -z "$comp_err" ] || diag "    stderr: $comp_err"
	fi
}

# "-x --long" for each option of popt's --help, "- --long" without a
# letter (as tests/0002-manpage-options.t reads it).
help_options() {
	sed -n 's/^ \{1,\}\(-\(.\), \)\{0,1\}--\([A-Za-z0-9][A-Za-z0-9-]*\).*/-\2 --\3/p'
}

# "-x --long a|b|c" for each option of --help whose argument is a list
# of choices (--long=a|b|c).
help_choices() {
	sed -n 's/^ \{1,\}\(-\(.\), \)\{0,1\}--\([A-Za-z0-9][A-Za-z0-9-]*\)=\([A-Za-z0-9_-]*|[A-Za-z0-9_|-]*\)\( .*\)\{0,1\}$/-\2 --\3 \4/p'
}

# "-x --long a,b,c" for each option of --help whose argument is a list
# of words separated by commas (--long=a,b,c: some of them).
help_lists() {
	sed -n 's/^ \{1,\}\(-\(.\), \)\{0,1\}--\([A-Za-z0-9][A-Za-z0-9-]*\)=\([A-Za-z0-9_-]*,[A-Za-z0-9_,-]*\)\( .*\)\{0,1\}$/-\2 --\3 \4/p'
}

# The commands of the man page's "Commands" list (.It Cm NAME).
man_commands() {
	sed -n '/^\.Ss Commands/,/^\.S[sh] /s/^\.It Cm \([A-Za-z0-9-]*\).*/\1/p' \
	    "$XT_ROOT/man/$1.1"
}

# A config file with three accounts (sections), one with two, mode 600
# as the tools want it; a file and a directory for FILE and DIR.
cat >"$XT_TMP/config" <<'EOF'
[work]
jid = alice@example.org
[home]
jid = alice@example.net
[wiki]
jid = bot@example.com
EOF
cat >"$XT_TMP/other" <<'EOF'
[ops]
jid = ops@example.org
[ci]
jid = ci@example.org
EOF
chmod 600 "$XT_TMP/config" "$XT_TMP/other"
mkdir "$XT_TMP/files" "$XT_TMP/files/certs"
: >"$XT_TMP/files/cert.pem"
: >"$XT_TMP/files/key.pem"
XMPP_CONFIG=$XT_TMP/config
export XMPP_CONFIG
f=$XT_TMP/files

for t in $tools; do
	file=$XT_ROOT/completion/bash/$t
	if [ ! -f "$file" ]; then
		fail "$t: completion/bash/$t is made by make all"
		continue
	fi
	if "$XT_ROOT/scripts/gen-completion" bash "$XT_BIN/$t" 2>/dev/null |
	    cmp -s - "$file"; then
		pass "$t: completion/bash/$t is what gen-completion makes now"
	else
		fail "$t: completion/bash/$t is what gen-completion makes now" \
		    "(stale: make all)"
	fi
	spec=$(BASH_ENV='' bash -c '. "$1" && complete -p "$2"' sh "$file" "$t" \
	    2>&1)
	like "$spec" "^complete -F [A-Za-z_][A-Za-z0-9_]* $t\$" \
	    "$t: the file loads and registers a completion function"

	if ! timeout 10 "$t" --help >"$XT_TMP/help" 2>&1 </dev/null; then
		fail "$t --help exits 0"
		continue
	fi
	help_options <"$XT_TMP/help" >"$XT_TMP/opts"
	longs=$(cut -d' ' -f2 "$XT_TMP/opts")
	shorts=$(cut -d' ' -f1 "$XT_TMP/opts" | grep -v '^-$')
	offers "$t: -- offers every long option of --help, and no other" \
	    "$longs" "$t" --
	offers "$t: - offers every option of --help, short and long" \
	    "$longs $shorts" "$t" -
	offers "$t: --ver offers --verbose --version" \
	    "--verbose --version" "$t" --ver
	offers "$t: -V is taken as it is" "-V" "$t" -V

	# The values of every option whose argument is a list of choices.
	help_choices <"$XT_TMP/help" >"$XT_TMP/choices"
	for o in --output --tls; do
		grep -q " $o " "$XT_TMP/choices" ||
			fail "$t: --help names the choices of $o"
	done
	while read -r short long list; do
		want=$(echo "$list" | tr '|' ' ')
		first=${want%% *}
		offers "$t: '$long ' offers $want" "$want" "$t" "$long" ''
		offers "$t: '$long=' offers $want" "$want" "$t" "$long" =
		offers "$t: '$long=${first%?}' offers $first" \
		    "$first" "$t" "$long" = "${first%?}"
		offers "$t: '$long ${first%?}' after other options offers" \
		    "$first" "$t" -v "$long" "${first%?}"
		if [ "$short" != - ]; then
			offers "$t: '$short ' offers $want" "$want" "$t" \
			    "$short" ''
			offers "$t: '$short${first%?}' offers $short$first" \
			    "$short$first" "$t" "$short${first%?}"
		fi
	done <"$XT_TMP/choices"

	# Some of a,b,c: the next one, after those typed.
	help_lists <"$XT_TMP/help" >"$XT_TMP/lists"
	while read -r short long list; do
		want=$(echo "$list" | tr ',' ' ')
		first=${want%% *}
		rest=$(echo "$list" | cut -d, -f2- | tr ',' '\n' |
		    sed "s/^/$first,/")
		offers "$t: '$long ' offers $want" "$want" "$t" "$long" ''
		offers "$t: '$long $first,' offers the others after $first," \
		    "$rest" "$t" "$long" "$first,"
		offers "$t: '$long=$first,' offers the others after $first," \
		    "$rest" "$t" "$long" = "$first,"
	done <"$XT_TMP/lists"

	# The config file is -F; its long name is --config, but for a tool
	# whose own --config is something else (xmpp-muc: --config-file).
	cfg=$(awk '$1 == "-F" { print $2 }' "$XT_TMP/opts")
	# -a/--account: the sections of the config file, at completion time.
	offers "$t: '--account ' offers the sections of \$XMPP_CONFIG" \
	    "work home wiki" "$t" --account ''
	offers "$t: '-a w' offers the sections starting with w" \
	    "work wiki" "$t" -a w
	offers "$t: '--account=' offers the sections" \
	    "work home wiki" "$t" --account =
	offers "$t: '-F FILE --account ' offers the sections of FILE" \
	    "ops ci" "$t" -F "$XT_TMP/other" --account ''
	offers "$t: '$cfg=FILE -a ' offers the sections of FILE" \
	    "ops ci" "$t" "$cfg" = "$XT_TMP/other" -a ''
	offers "$t: '-FFILE -a o' offers the sections of FILE" \
	    "ops" "$t" "-F$XT_TMP/other" -a o
	offers "$t: a missing config file: no account, nothing on stderr" \
	    "" "$t" -F "$XT_TMP/missing" -a ''
	XMPP_CONFIG=$XT_TMP/missing offers \
	    "$t: \$XMPP_CONFIG missing: no account, nothing on stderr" \
	    "" "$t" --account ''

	# FILE: files and directories; DIR: directories; nothing otherwise.
	offers "$t: '--cafile DIR/' offers its files and directories" \
	    "$f/cert.pem $f/certs $f/key.pem" "$t" --cafile "$f/"
	offers "$t: '$cfg=DIR/k' offers DIR/key.pem" \
	    "$f/key.pem" "$t" "$cfg" = "$f/k"
	offers "$t: '--capath DIR/' offers its directories only" \
	    "$f/certs" "$t" --capath "$f/"
	offers "$t: '--timeout ' offers nothing of its own" "" \
	    "$t" --timeout ''
	offers "$t: after --, '-' is not an option" "" "$t" -- -
	offers "$t: '--nosuch' offers nothing" "" "$t" --nosuch
done

# Commands: the first word that is not an option, or the value of one.
if ! echo " $tools " | grep -q ' xmpp-roster '; then
	skip 1 "xmpp-roster is not built"
else
	cmds=$(man_commands xmpp-roster)
	if [ -z "$cmds" ]; then
		fail "man/xmpp-roster.1 lists the commands (.Ss Commands)"
	else
		offers "xmpp-roster: the first word offers the commands of man/xmpp-roster.1" \
		    "$cmds" xmpp-roster ''
		offers "xmpp-roster: after options and their values too" \
		    "$cmds" xmpp-roster -v -a work --output json ''
		offers "xmpp-roster: after --account=NAME too" \
		    "$cmds" xmpp-roster --account = work ''
		offers "xmpp-roster: 'l' offers list" list xmpp-roster -o json l
		offers "xmpp-roster: 'im' offers import" import xmpp-roster im
		offers "xmpp-roster: no command after a command" "" \
		    xmpp-roster list ''
		offers "xmpp-roster: options after a command" "--group" \
		    xmpp-roster list --gro
	fi
fi
for t in $tools; do
	[ "$t" = xmpp-roster ] && continue
	if "$t" --list-options | grep -q '^command	'; then
		# A tool with commands: those of its man page.
		cmds=$(man_commands "$t")
		if [ -z "$cmds" ]; then
			fail "man/$t.1 lists the commands (.Ss Commands)"
			continue
		fi
		offers "$t: the first word offers the commands of man/$t.1" \
		    "$cmds" "$t" ''
		offers "$t: after options and their values too" \
		    "$cmds" "$t" -v -a work --output json ''
		continue
	fi
	offers "$t: no commands: the first word offers nothing of its own" \
	    "" "$t" ''
done

# ---- zsh ----

zsh_files=
for t in $tools; do
	zsh_files="$zsh_files $XT_ROOT/completion/zsh/_$t"
done
if ! command -v zsh >/dev/null 2>&1; then
	skip 1 "zsh is not installed: the zsh completions are not checked"
	done_testing
	exit 0
fi

for t in $tools; do
	file=$XT_ROOT/completion/zsh/_$t
	if [ ! -f "$file" ]; then
		fail "$t: completion/zsh/_$t is made by make all"
		continue
	fi
	is "$(sed -n 1p "$file")" "#compdef $t" \
	    "$t: completion/zsh/_$t starts with #compdef $t"
	# Sourced by hand after compinit: it registers itself.
	out=$(cd "$XT_TMP" && zsh -fc 'autoload -U compinit &&
	    compinit -u -d "$3" && source "$1" && print -r -- "$_comps[$2]"' \
	    zsh "$file" "$t" "$XT_TMP/zcompdump" 2>&1)
	is "$out" "_$t" "$t: zsh: completion/zsh/_$t loads (source)"
	# From $fpath, as installed.
	out=$(cd "$XT_TMP" && zsh -fc 'fpath=("$1" $fpath) &&
	    autoload -U compinit && compinit -u -d "$3" &&
	    print -r -- "$_comps[$2]" && autoload +X "_$2" &&
	    whence -w "_$2"' zsh "$XT_ROOT/completion/zsh" "$t" \
	    "$XT_TMP/zcompdump-fpath" 2>&1)
	is "$out" "_$t
_$t: function" "$t: zsh: _$t loads from \$fpath"
done

if ! zsh -fc 'zmodload zsh/zpty' >/dev/null 2>&1; then
	skip 1 "zsh has no zsh/zpty module: zsh completions not typed"
	done_testing
	exit 0
fi

# zcomplete.zsh DIR OUT LINE...: in an interactive zsh on a pseudo-terminal,
# with compinit and completion/zsh in $fpath, type each LINE and a TAB;
# every match given to compadd goes to OUT, then a line "." for each LINE.
cat >"$XT_TMP/zcomplete.zsh" <<'EOF'
dir=$1 out=$2
shift 2
zmodload zsh/zpty || exit 1
: >$out
zpty z zsh -f -i
zpty -w z "PS1=; fpath=(${(q)dir} \$fpath); autoload -U compinit; compinit -u -d ${(q)out}.dump"
zpty -w z 'compadd() { local -a __h; builtin compadd -A __h "$@"; (( $#__h )) && print -rl -- $__h >>'${(q)out}'; builtin compadd "$@"; }'
zpty -w z '_xt_complete() { _main_complete; print . >>'${(q)out}'; }'
zpty -w z 'zle -C xt-complete complete-word _xt_complete'
zpty -w z 'bindkey "^I" xt-complete; bindkey "^U" kill-whole-line'
n=0
for line in "$@"; do
	n=$((n + 1))
	zpty -w -n z "$line"$'\t'
	for i in {1..100}; do
		(( $(grep -c '^\.$' $out) >= n )) && break
		sleep 0.05
	done
	(( $(grep -c '^\.$' $out) >= n )) || { zpty -d z; exit 1; }
	zpty -w -n z $'\025'
done
zpty -d z
EOF

# zcomp LINE...: the matches zsh offers for each LINE: zgot_1, zgot_2...
zcomp() {
	: >"$XT_TMP/zcomp.out"
	(cd "$XT_TMP" && run_bounded 30 zsh -f "$XT_TMP/zcomplete.zsh" \
	    "$XT_ROOT/completion/zsh" "$XT_TMP/zcomp.out" "$@") \
	    >"$XT_TMP/zcomp.log" 2>&1
	zcomp_rc=$?
}

# zmatches N: the matches for the Nth line of the last zcomp, sorted.
zmatches() {
	awk -v n="$1" '$0 == "." { k++; next } k == n - 1' "$XT_TMP/zcomp.out" |
	    LC_ALL=C sort -u
}

# zoffers DESC N WANT: the Nth line offered exactly WANT.
zoffers() {
	_zgot=$(zmatches "$2")
	# shellcheck disable=SC2086 # a list of words
	_zwant=$(printf '%s\n' $3 | LC_ALL=C sort -u)
	if [ "$zcomp_rc" = 0 ] && [ "$_zgot" = "$_zwant" ]; then
		pass "$1"
	else
		fail "$1"
		diag "    exit: $zcomp_rc" "    got: $(oneline "$_zgot")" \
		    "    expected: $(oneline "$_zwant")"
		diag "$(cat "$XT_TMP/zcomp.log")"
	fi
}

for t in $tools; do
	timeout 10 "$t" --help 2>/dev/null </dev/null |
	    help_options >"$XT_TMP/opts"
	longs=$(cut -d' ' -f2 "$XT_TMP/opts")
	timeout 10 "$t" --help 2>/dev/null </dev/null |
	    help_choices >"$XT_TMP/choices"
	out=$(awk '$2 == "--output" { print $3 }' "$XT_TMP/choices" |
	    tr '|' ' ')
	tls=$(awk '$2 == "--tls" { print $3 }' "$XT_TMP/choices" | tr '|' ' ')
	zcomp "$t --" "$t --output " "$t -o " "$t --tls=" "$t --account " \
	    "$t -F $XT_TMP/other -a "
	zoffers "$t: zsh: -- offers every long option of --help" 1 "$longs"
	zoffers "$t: zsh: '--output ' offers $out" 2 "$out"
	zoffers "$t: zsh: '-o ' offers $out" 3 "$out"
	zoffers "$t: zsh: '--tls=' offers $tls" 4 "$tls"
	zoffers "$t: zsh: '--account ' offers the sections of \$XMPP_CONFIG" \
	    5 "work home wiki"
	zoffers "$t: zsh: '-F FILE -a ' offers the sections of FILE" 6 \
	    "ops ci"
done
if echo " $tools " | grep -q ' xmpp-roster '; then
	zcomp "xmpp-roster " "xmpp-roster -a work --output json "
	zoffers "xmpp-roster: zsh: the first word offers the commands" 1 \
	    "$(man_commands xmpp-roster)"
	zoffers "xmpp-roster: zsh: after options and their values too" 2 \
	    "$(man_commands xmpp-roster)"
fi

done_testing
