# SPDX-License-Identifier: GPL-3.0-or-later
# The bash completion of every xmpp-tools command. scripts/gen-completion
# copies this file into each command's completion file, followed by what
# that command's --list-options says, so that each file loads alone
# (bash-completion loads a command's file when it is first completed).
# Loading a second one defines the same functions again.
#
# What each command's part defines (NAME: the command, - made _):
#   _NAME_arg OPTION   sets xt_arg to what OPTION takes (FILE, DIR, N,
#                      a|b|c, ...) and returns 0; returns 1 for a flag or
#                      an option the command does not have
#   _NAME              the completion function: sets the arrays xt_long,
#                      xt_short, xt_commands, xt_config (the options naming
#                      the config file) and xt_account (those naming an
#                      account), then calls _xmpp_tools_complete
#                      _NAME_arg
# Nothing here needs bash-completion.
# shellcheck disable=SC2154 # xt_* and argfn: set by the caller (local)

# _xmpp_tools_add CUR PREFIX WORD...: each WORD starting with CUR, after
# PREFIX, into COMPREPLY.
_xmpp_tools_add() {
	local cur=$1 pre=$2 w
	shift 2
	for w in "$@"; do
		[[ $w == "$cur"* ]] && COMPREPLY+=("$pre$w")
	done
	return 0
}

# _xmpp_tools_is WORD ARRAY-ELEMENT...: whether WORD is one of them.
_xmpp_tools_is() {
	local w=$1 e
	shift
	for e in "$@"; do
		[[ $w == "$e" ]] && return 0
	done
	return 1
}

# _xmpp_tools_accounts CUR PREFIX: the sections of the config file, from
# the command itself (words[0] --list-accounts), with the config file
# given on the line so far, if any ($cfg); errors are not shown.
_xmpp_tools_accounts() {
	local cur=$1 pre=$2 exe=${words[0]} file=$cfg a
	local -a list=()
	# What the shell would expand when running the command: a leading ~/.
	# shellcheck disable=SC2088 # the ~ as typed, not expanded
	[[ $exe == "~/"* ]] && exe=$HOME/${exe#"~/"}
	# shellcheck disable=SC2088
	[[ $file == "~/"* ]] && file=$HOME/${file#"~/"}
	while IFS= read -r a; do
		[[ -n $a ]] && list+=("$a")
	done < <("$exe" ${file:+"-F$file"} --list-accounts 2>/dev/null \
	    </dev/null)
	_xmpp_tools_add "$cur" "$pre" "${list[@]}"
}

# _xmpp_tools_value OPTION CUR PREFIX: the values of OPTION that start
# with CUR, each after PREFIX.
_xmpp_tools_value() {
	local opt=$1 cur=$2 pre=$3 xt_arg='' f done_ rest
	local -a choices
	"$argfn" "$opt" || return 0
	if _xmpp_tools_is "$opt" "${xt_account[@]}"; then
		_xmpp_tools_accounts "$cur" "$pre"
		return 0
	fi
	case $xt_arg in
	FILE)
		compopt -o filenames 2>/dev/null
		while IFS= read -r f; do
			COMPREPLY+=("$pre$f")
		done < <(compgen -f -- "$cur")
		;;
	DIR)
		compopt -o filenames 2>/dev/null
		while IFS= read -r f; do
			COMPREPLY+=("$pre$f")
		done < <(compgen -d -- "$cur")
		;;
	*'|'*)
		# One of a|b|c.
		IFS='|' read -r -a choices <<<"$xt_arg"
		_xmpp_tools_add "$cur" "$pre" "${choices[@]}"
		;;
	*)
		if [[ $xt_arg =~ ^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)+$ ]]; then
			# Some of a,b,c, separated by commas: the one being
			# typed, after those already there.
			IFS=, read -r -a choices <<<"$xt_arg"
			done_=${cur%"${cur##*,}"}
			rest=${cur##*,}
			for f in "${choices[@]}"; do
				[[ ,$done_ == *",$f,"* ]] && continue
				[[ $f == "$rest"* ]] && COMPREPLY+=("$pre$done_$f")
			done
			compopt -o nospace 2>/dev/null
		else
			# Nothing known about it: what bash does by itself.
			compopt -o default 2>/dev/null
		fi
		;;
	esac
	return 0
}

# _xmpp_tools_complete ARGFN: COMPREPLY for COMP_WORDS/COMP_CWORD.
_xmpp_tools_complete() {
	local argfn=$1
	local -a words=()
	local i j w c cur cword=0 glued=0 cmd='' cfg='' valopt='' dashdash=0
	local curdd=0
	local strip xt_arg invalue
	COMPREPLY=()

	# bash splits --opt=value at '=' (COMP_WORDBREAKS): glue it back.
	for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		if ((glued)); then
			words[${#words[@]} - 1]+=$w
			glued=0
		elif [[ $w == = && ${#words[@]} -gt 1 &&
		    ${words[${#words[@]} - 1]} == --?* &&
		    ${words[${#words[@]} - 1]} != *=* ]]; then
			words[${#words[@]} - 1]+='='
			glued=1
		else
			words+=("$w")
		fi
		((i == COMP_CWORD)) && cword=$((${#words[@]} - 1))
	done
	cur=${words[cword]}

	# The words but the current one: the command (the first word that is
	# not an option), the config file, whether the current word is the
	# value of the option before it.
	for ((i = 1; i < ${#words[@]}; i++)); do
		if ((i == cword)); then
			curdd=$dashdash
			continue
		fi
		w=${words[i]}
		if ((dashdash)) || [[ $w != -?* ]]; then
			((i < cword)) && [[ -z $cmd ]] && cmd=$w
			continue
		fi
		case $w in
		--)
			dashdash=1
			;;
		--*=*)
			_xmpp_tools_is "${w%%=*}" "${xt_config[@]}" && cfg=${w#*=}
			;;
		--*)
			"$argfn" "$w" || continue
			if ((i + 1 == cword)); then
				valopt=$w
			elif _xmpp_tools_is "$w" "${xt_config[@]}"; then
				cfg=${words[i + 1]}
			fi
			((i++))
			;;
		*)
			# -abc: letters, the first that takes a value takes the
			# rest of the word, or the next word.
			for ((j = 1; j < ${#w}; j++)); do
				c=-${w:j:1}
				"$argfn" "$c" || continue
				if ((j + 1 < ${#w})); then
					_xmpp_tools_is "$c" "${xt_config[@]}" &&
						cfg=${w:j+1}
				elif ((i + 1 == cword)); then
					valopt=$c
				else
					_xmpp_tools_is "$c" "${xt_config[@]}" &&
						cfg=${words[i + 1]}
					((i++))
				fi
				break
			done
			;;
		esac
	done

	if [[ -n $valopt ]]; then
		_xmpp_tools_value "$valopt" "$cur" ""
	elif ((curdd)) || [[ $cur != -* ]]; then
		if ((${#xt_commands[@]})) && [[ -z $cmd ]]; then
			_xmpp_tools_add "$cur" "" "${xt_commands[@]}"
		else
			compopt -o default 2>/dev/null
		fi
	elif [[ $cur == --*=* ]]; then
		_xmpp_tools_value "${cur%%=*}" "${cur#*=}" "${cur%%=*}="
	elif [[ $cur == --* ]]; then
		_xmpp_tools_add "$cur" "" "${xt_long[@]}"
	elif [[ $cur == - ]]; then
		_xmpp_tools_add "$cur" "" "${xt_short[@]}" "${xt_long[@]}"
	else
		# -x, or letters of which one takes a value typed after it.
		invalue=0
		for ((j = 1; j < ${#cur}; j++)); do
			c=-${cur:j:1}
			"$argfn" "$c" || continue
			if ((j + 1 < ${#cur})); then
				_xmpp_tools_value "$c" "${cur:j+1}" "${cur:0:j+1}"
				invalue=1
			fi
			break
		done
		# A whole option: taken as it is (then a space).
		if ((!invalue)) &&
		    _xmpp_tools_is "-${cur: -1}" "${xt_short[@]}"; then
			COMPREPLY=("$cur")
		fi
	fi

	# What readline replaces starts after the last character of
	# COMP_WORDBREAKS in the word (--output=js: js): drop what is before.
	strip=
	for c in = :; do
		[[ $COMP_WORDBREAKS == *"$c"* && $cur == *"$c"* ]] || continue
		w=${cur%"${cur##*"$c"}"}
		((${#w} > ${#strip})) && strip=$w
	done
	if [[ -n $strip ]]; then
		for ((i = 0; i < ${#COMPREPLY[@]}; i++)); do
			COMPREPLY[i]=${COMPREPLY[i]#"$strip"}
		done
	fi
	return 0
}
