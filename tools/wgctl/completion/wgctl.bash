# SPDX-License-Identifier: GPL-2.0
#
# bash completion for wgctl(8).
#
# "make install" puts this file where the bash-completion package loads it
# the first time wgctl is completed; without that package, source it from
# ~/.bashrc. It needs nothing from bash-completion: only COMP_WORDS,
# COMP_CWORD, COMP_LINE, COMP_POINT, compgen and compopt.
#
# Interfaces come from "wgctl show interfaces" and peers from "wgctl show
# <interface> peers". Those need the wgc module and, for peers,
# CAP_NET_ADMIN; when they fail there is simply nothing to offer, and
# nothing is printed. Their output is never expanded by the shell (an
# interface may be called "$(reboot)").

# _wgctl_dequote RAW VAR: set VAR to RAW as the shell would read it
# (quotes and backslashes removed; no expansion of any kind).
_wgctl_dequote() {
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

# _wgctl_words: the command line up to the cursor, as the user sees it.
#
# bash cuts words at every character of COMP_WORDBREAKS, so a public key
# ending in "=" or an endpoint "192.0.2.1:51820" arrives in pieces. Pieces
# cut at "=" or ":" with no whitespace between them are glued back.
# Sets, in the caller's scope:
#   words  the glued words, raw (as typed); the last one is the current
#          word, cut at the cursor
#   cword  the index of the current word
#   cur    the current word, dequoted
#   trim   the head of cur that bash keeps as it is (the part before the
#          last "=" or ":" it cut at): replies must leave it out
_wgctl_words() {
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
			# COMP_LINE does not hold the words as expected: glue
			# nothing from here on.
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
	_wgctl_dequote "${words[cword]}" cur
	_wgctl_dequote "$head" trim
}

# _wgctl_add WORD...: offer each WORD that starts with cur.
_wgctl_add() {
	local w

	for w; do
		[[ $w == "$cur"* ]] && COMPREPLY+=("${w#"$trim"}")
	done
}

# _wgctl_files: offer the files and directories that start with cur.
_wgctl_files() {
	local f

	compopt -o filenames 2>/dev/null
	while IFS= read -r f; do
		COMPREPLY+=("${f#"$trim"}")
	done < <(compgen -f -- "$cur")
}

# _wgctl_run ARG...: the output of "wgctl ARG...", or nothing if it fails.
# A wgctl typed with a path (./wgctl) is the one asked.
_wgctl_run() {
	local cmd=wgctl out

	[[ ${COMP_WORDS[0]} == */* && -x ${COMP_WORDS[0]} ]] && cmd=${COMP_WORDS[0]}
	out=$(command "$cmd" "$@" 2>/dev/null </dev/null) || return 0
	printf '%s\n' "$out"
}

_wgctl_interfaces() {
	local names

	IFS=$' \t\n' read -r -d '' -a names < <(_wgctl_run show interfaces)
	_wgctl_add "${names[@]}"
}

# _wgctl_peers RAW_INTERFACE: the public keys of the interface's peers.
_wgctl_peers() {
	local interface keys

	_wgctl_dequote "$1" interface
	IFS=$' \t\n' read -r -d '' -a keys < <(_wgctl_run show "$interface" peers)
	_wgctl_add "${keys[@]}"
}

# show [--json | --openmetrics | --prometheus] { <interface> | all |
#      interfaces } [<field>]
# showconf [--json] <interface>
_wgctl_show() {
	local i=2 form=0

	if ((cword > 2)) && [[ ${words[2]} == --json ||
	      (${words[1]} == show && ${words[2]} == --@(openmetrics|prometheus)) ]]; then
		form=1
		i=3
	fi
	if ((cword == i)); then
		if ((!form)); then
			_wgctl_add --json
			[[ ${words[1]} == show ]] &&
				_wgctl_add --openmetrics --prometheus
		fi
		[[ ${words[1]} == show ]] && _wgctl_add all
		[[ ${words[1]} == show && ${words[2]} != --@(openmetrics|prometheus) ]] &&
			_wgctl_add interfaces
		_wgctl_interfaces
	elif ((cword == i + 1 && !form)) && [[ ${words[1]} == show &&
	      ${words[i]} != interfaces ]]; then
		_wgctl_add public-key private-key listen-port fwmark peers \
			preshared-keys endpoints allowed-ips latest-handshakes \
			persistent-keepalive transfer handshake-stats event-stats \
			stats dump
	fi
}

# set <interface> [<interface option>]... [peer <key> [<peer option>]...]...
#
# Interface options only before the first peer, peer options only after
# it. An option already given in the current block is not offered again
# (the last one given would win), except allowed-ips, whose lists add up;
# after "remove" the peer's other options are ignored, so only "peer" is.
_wgctl_set() {
	local i=3 peer=0 seen=' ' opt opts

	if ((cword == 2)); then
		_wgctl_interfaces
		return
	fi
	while ((i < cword)); do
		case ${words[i]} in
		listen-port | fwmark | private-key | keylog | preshared-key | \
		endpoint | persistent-keepalive | allowed-ips)
			if ((i + 1 == cword)); then
				case ${words[i]} in
				private-key | preshared-key) _wgctl_files ;;
				keylog) _wgctl_add on off ;;
				esac
				return
			fi
			seen+="${words[i]} "
			i=$((i + 2))
			;;
		peer)
			if ((i + 1 == cword)); then
				_wgctl_peers "${words[2]}"
				return
			fi
			peer=1
			seen=' '
			i=$((i + 2))
			;;
		*)
			seen+="${words[i]} "
			i=$((i + 1))
			;;
		esac
	done
	if ((!peer)); then
		opts=(listen-port fwmark private-key keylog peer)
	elif [[ $seen == *' remove '* ]]; then
		opts=(peer)
	else
		opts=(remove preshared-key endpoint persistent-keepalive
		      allowed-ips peer)
	fi
	for opt in "${opts[@]}"; do
		case $opt in
		peer | allowed-ips) ;;
		*) [[ $seen == *" $opt "* ]] && continue ;;
		esac
		_wgctl_add "$opt"
	done
}

# monitor [all | <interface>] [--json | keylog]: --json anywhere, keylog
# after the interface
_wgctl_monitor() {
	local i target=0 form=0

	for ((i = 2; i < cword; i++)); do
		case ${words[i]} in
		--json) form=1 ;;
		keylog) ((target)) && form=1 || target=1 ;;
		*) target=1 ;;
		esac
	done
	if ((!form)); then
		_wgctl_add --json
		((target)) && _wgctl_add keylog
	fi
	if ((!target)); then
		_wgctl_add all
		_wgctl_interfaces
	fi
}

_wgctl() {
	local words cword cur trim

	COMPREPLY=()
	_wgctl_words
	if ((cword == 1)); then
		_wgctl_add show showconf set setconf addconf syncconf monitor \
			genkey genpsk pubkey help --help --version
		return 0
	fi
	case ${words[1]} in
	show | showconf) _wgctl_show ;;
	set) _wgctl_set ;;
	monitor) _wgctl_monitor ;;
	setconf | addconf | syncconf)
		if ((cword == 2)); then
			_wgctl_interfaces
		elif ((cword == 3)); then
			_wgctl_files
		fi
		;;
	esac
	return 0
}

complete -F _wgctl wgctl
