# SPDX-License-Identifier: GPL-3.0-or-later
# The zsh completion shared by every xmpp-tools command. scripts/gen-completion
# copies this file into each command's _NAME, followed by the _arguments
# that command's --list-options makes, so that each file works alone:
# autoloaded from $fpath (compinit reads its #compdef line) or sourced by
# hand after compinit.

# _xmpp_tools_accounts OPTION...: the sections of the config file, from the
# command itself ($words[1] --list-accounts), with the config file given
# on the line with one of OPTION (-F, --config), if any; errors are not
# shown.
_xmpp_tools_accounts() {
	local exe=${(Q)words[1]} file= o
	local -a expl accounts
	for o in "$@"; do
		[[ -n ${opt_args[$o]} ]] && file=${(Q)opt_args[$o]}
	done
	# What the shell would expand when running the command: a leading ~.
	exe=${exe/#\~/$HOME}
	file=${file/#\~/$HOME}
	accounts=(${(f)"$("$exe" ${file:+-F$file} --list-accounts \
	    2>/dev/null </dev/null)"})
	_wanted accounts expl account compadd -a accounts
}
