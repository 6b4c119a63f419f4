# SPDX-License-Identifier: GPL-2.0
#
# bash completion for wgctl-quick.
#
# "make install" puts this file where the bash-completion package loads it
# the first time wgctl-quick is completed; without that package, source it
# from ~/.bashrc. It needs nothing from bash-completion, nor the completion
# of wgctl.
#
#   wgctl-quick up|strip <tab>   the configurations in
#                                ${WGCTL_QUICK_CONFIG_DIR:-/etc/wgc}
#                                (name.conf offered as "name"), and the
#                                *.conf files and directories from here
#   wgctl-quick down|save <tab>  the wgc interfaces, from "wgctl show
#                                interfaces" (nothing, silently, when that
#                                fails: no module, no permission)

# _wgctl_quick_dequote RAW VAR: set VAR to RAW as the shell would read it
# (quotes and backslashes removed; no expansion of any kind).
_wgctl_quick_dequote() {
	local s=$1 out='' c q=''

	while [[ -n $s ]]; do
		c=${s:0:1}
		s=${s:1}
		if [[ $q == "'" ]]; then
			[[ $c == "'" ]] && q= || out+=$c
		elif [[ $c == "\\" ]]; then
			if [[ $q == '"' && ${s:0:1} != [\$\`\"\\] ]]; then
				out+=$c
			else
				out+=${s:0:1}
				s=${s:1}
			fi
		elif [[ $q == '"' ]]; then
			[[ $c == '"' ]] && q= || out+=$c
		elif [[ $c == "'" || $c == '"' ]]; then
			q=$c
		else
			out+=$c
		fi
	done
	printf -v "$2" '%s' "$out"
}

# _wgctl_quick_words: as _wgctl_words in wgctl's completion, the command
# line up to the cursor with the pieces bash cut at "=" or ":" glued back
# (a configuration may be called "a=b"). Sets words, cword, cur (dequoted)
# and trim (the head of cur that bash keeps: replies leave it out).
_wgctl_quick_words() {
	local line=${COMP_LINE:0:COMP_POINT} brk=${COMP_WORDBREAKS//[^:=]/}
	local i w ws head='' prev_brk=0 this_brk lost=0

	words=()
	for ((i = 0; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]-}
		ws=${line%%[![:space:]]*}
		line=${line#"$ws"}
		if ((i == COMP_CWORD && !lost)); then
			w=$line
		elif [[ $line == "$w"* ]]; then
			line=${line#"$w"}
		else
			lost=1
		fi
		this_brk=0
		[[ -n $brk && -n $w && -z ${w//[$brk]/} ]] && this_brk=1
		if ((i > 0 && !lost)) && [[ -z $ws ]] &&
		   ((this_brk || prev_brk)); then
			head=${words[${#words[@]} - 1]}
			words[${#words[@]} - 1]+=$w
		else
			head=
			words+=("$w")
		fi
		prev_brk=$this_brk
	done
	cword=$((${#words[@]} - 1))
	((this_brk)) && head=${words[cword]}
	_wgctl_quick_dequote "${words[cword]}" cur
	_wgctl_quick_dequote "$head" trim
}

# _wgctl_quick_add WORD...: offer each WORD that starts with cur.
_wgctl_quick_add() {
	local w

	for w; do
		[[ $w == "$cur"* ]] && COMPREPLY+=("${w#"$trim"}")
	done
}

_wgctl_quick_configs() {
	local dir=${WGCTL_QUICK_CONFIG_DIR:-/etc/wgc} f restore names=()

	# The user's own glob settings (failglob, dotglob...) must not apply.
	restore=$(shopt -p nullglob failglob dotglob nocaseglob)
	shopt -s nullglob
	shopt -u failglob dotglob nocaseglob
	for f in "$dir"/*.conf; do
		[[ -f $f ]] || continue
		f=${f##*/}
		names+=("${f%.conf}")
	done
	eval "$restore"
	_wgctl_quick_add "${names[@]}"
}

_wgctl_quick_files() {
	local f

	compopt -o filenames 2>/dev/null
	while IFS= read -r f; do
		COMPREPLY+=("${f#"$trim"}")
	done < <(compgen -f -X '!*.conf' -- "$cur"; compgen -d -- "$cur")
}

_wgctl_quick_interfaces() {
	local out names

	out=$(command wgctl show interfaces 2>/dev/null </dev/null) || return 0
	IFS=$' \t\n' read -r -d '' -a names <<<"$out"
	_wgctl_quick_add "${names[@]}"
}

_wgctl_quick() {
	local words cword cur trim

	COMPREPLY=()
	_wgctl_quick_words
	if ((cword == 1)); then
		_wgctl_quick_add up down save strip
	elif ((cword == 2)); then
		case ${words[1]} in
		up | strip)
			_wgctl_quick_configs
			_wgctl_quick_files
			;;
		down | save) _wgctl_quick_interfaces ;;
		esac
	fi
	return 0
}

complete -F _wgctl_quick wgctl-quick
