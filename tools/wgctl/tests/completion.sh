#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the bash completion of wgctl and wgctl-quick
# (tools/wgctl/completion/). Run on the build host by
# "make -C tools/wgctl unit", or anywhere with bash.
#
# The completion files are sourced into this shell and their functions
# called the way bash calls them, with COMP_WORDS, COMP_CWORD, COMP_LINE
# and COMP_POINT made from a command line exactly as bash makes them:
# words split at whitespace, and each run of ":" or "=" (when in
# COMP_WORDBREAKS) a word of its own, so that a public key "...=" or an
# endpoint "192.0.2.1:51820" arrives in pieces. wgctl is a fake on PATH
# with fixed interfaces (wg0 wg1) and peers: no module, no root, and the
# real wgctl is never run (its genetlink look-up could make the kernel
# load a module).
#
# Prints KTAP, a result per case; exits non-zero if any
# failed.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../../selftests/ktap.sh
source "$here/../../../selftests/ktap.sh"
ktap_begin
COMPLETION_DIR=${COMPLETION_DIR:-$here/../completion}

ALICE=hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=
BOB=3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08=
HARRY=hXyz5kq0rTHb2yK1mWvN8pQz3sLd9fGe7cUa4oBi6j0=

SHOW_FIELDS=(public-key private-key listen-port fwmark peers preshared-keys
	endpoints allowed-ips latest-handshakes persistent-keepalive transfer
	handshake-stats event-stats stats dump)
PEER_OPTIONS=(remove preshared-key endpoint persistent-keepalive allowed-ips
	peer)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wgctl-completion.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

pass() { ktap_result "completion/$1" ok; }
fail() { ktap_result "completion/$1" fail "$2"; }

# --- the fake wgctl, and the files to complete ---

mkdir -p "$tmp/bin" "$tmp/other" "$tmp/cwd/sub" "$tmp/conf/old" \
	"$tmp/conf/dir.conf" "$tmp/noconf"
# wg0 has three peers; asking about wg1's peers fails as it does without
# CAP_NET_ADMIN, after a line of output (what a failing wgctl printed is
# not to be trusted); FAKE_FAIL=1 fails everything as without the module;
# FAKE_IFACES replaces the list of interfaces.
cat >"$tmp/bin/wgctl" <<EOF
#!/bin/bash
if [[ \${FAKE_FAIL-} == 1 ]]; then
	echo 'wgctl: the wgc kernel module is not loaded (generic netlink family "wgc" not found)' >&2
	exit 1
fi
case "\$*" in
"show interfaces") echo "\${FAKE_IFACES-wg0 wg1}" ;;
"show wg0 peers") printf '%s\n' $ALICE $BOB $HARRY ;;
"show wg1 peers")
	echo $HARRY
	echo 'Unable to access interface: Operation not permitted' >&2
	exit 1 ;;
*) echo "fake wgctl: unexpected arguments: \$*" >&2; exit 1 ;;
esac
EOF
# A wgctl run by its path: it, not the one on PATH, is asked.
cat >"$tmp/other/wgctl" <<'EOF'
#!/bin/bash
[[ $* == "show interfaces" ]] && echo wgx
EOF
chmod +x "$tmp/bin/wgctl" "$tmp/other/wgctl"
PATH=$tmp/bin:$PATH
hash -r

touch "$tmp/cwd/client.conf" "$tmp/cwd/my file.conf" "$tmp/cwd/dir:x.conf" \
	"$tmp/cwd/priv.key" "$tmp/cwd/psk.key" "$tmp/cwd/sub/inner.key"
touch "$tmp/conf/home.conf" "$tmp/conf/office.conf" "$tmp/conf/a=b.conf" \
	"$tmp/conf/notes.txt" "$tmp/conf/old/stale.conf"
CWD_ALL=(client.conf "my file.conf" dir:x.conf priv.key psk.key sub)
CWD_CONF=(client.conf "my file.conf" dir:x.conf sub)
cd "$tmp/cwd" || exit 2

COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'

for f in wgctl wgctl-quick; do
	# shellcheck source=/dev/null
	if ! source "$COMPLETION_DIR/$f.bash"; then
		fail "source-$f" "$COMPLETION_DIR/$f.bash did not source"
	fi
done

# Stands in for the builtin, which works only inside a completion that
# readline started: records the options asked for.
compopt_args=
compopt() { compopt_args+=" $*"; }

# --- the harness ---

# split TEXT: set pieces to the words bash makes of TEXT: whitespace
# outside quotes ends a word, and outside quotes each run of ":" or "="
# in COMP_WORDBREAKS is a word of its own. A backslash keeps the next
# character in the word.
split() {
	local s=$1 c w='' q='' inbrk=0 brk=${COMP_WORDBREAKS//[^:=]/}
	pieces=()
	while [[ -n $s ]]; do
		c=${s:0:1}
		s=${s:1}
		if [[ -n $q ]]; then
			w+=$c
			[[ $c == "$q" ]] && q=
		elif [[ $c == [[:space:]] ]]; then
			[[ -n $w ]] && pieces+=("$w")
			w='' inbrk=0
		elif [[ -n $brk && $c == ["$brk"] ]]; then
			((inbrk)) || { [[ -n $w ]] && pieces+=("$w"); w=; }
			w+=$c
			inbrk=1
		else
			((inbrk)) && { pieces+=("$w"); w=; }
			inbrk=0
			w+=$c
			if [[ $c == "\\" ]]; then
				w+=${s:0:1}
				s=${s:1}
			elif [[ $c == [\"\'] ]]; then
				q=$c
			fi
		fi
	done
	# The word at the end, empty after whitespace (or on an empty line).
	pieces+=("$w")
}

# complete LINE [POINT]: run the completion of LINE's command with the
# cursor at POINT (default: the end), the way bash does. Sets COMPREPLY,
# compopt_args, comp_err (its stderr) and comp_rc.
complete_line() {
	local line=$1 point=${2:-${#1}} before after func
	local -a pieces

	split "${line:0:point}"
	before=("${pieces[@]}")
	COMP_CWORD=$((${#before[@]} - 1))
	COMP_WORDS=("${before[@]}")
	after=${line:point}
	if [[ -n $after && $after != [[:space:]]* ]]; then
		split "$after"
		COMP_WORDS[COMP_CWORD]+=${pieces[0]}
		COMP_WORDS+=("${pieces[@]:1}")
	elif [[ -n $after ]]; then
		split "${after#"${after%%[![:space:]]*}"}"
		COMP_WORDS+=("${pieces[@]}")
	fi
	COMP_LINE=$line
	COMP_POINT=$point
	COMPREPLY=()
	compopt_args=
	case ${COMP_WORDS[0]##*/} in
	wgctl) func=_wgctl ;;
	wgctl-quick) func=_wgctl_quick ;;
	esac
	local cur=${before[COMP_CWORD]} prev=
	[[ -n ${cur//[^:=]/} && -z ${cur//[:=]/} ]] && cur=
	((COMP_CWORD > 0)) && prev=${before[COMP_CWORD - 1]}
	"$func" "${COMP_WORDS[0]}" "$cur" "$prev" 2>"$tmp/stderr"
	comp_rc=$?
	comp_err=$(<"$tmp/stderr")
}

# sorted WORD...: the words quoted (an empty word is not no word), sorted.
sorted() { (($#)) && printf '%q\n' "$@" | LC_ALL=C sort; }

# check NAME FILES LINE [POINT] -- WANT...: complete LINE and compare the
# replies (in any order) with WANT; FILES is "files" if bash must be told
# the replies are file names (compopt -o filenames), "-" if it must not.
check() {
	local name=$1 files=$2 line=$3 point=
	shift 3
	if [[ $1 != -- ]]; then
		point=$1
		shift
	fi
	shift
	complete_line "$line" ${point:+"$point"}
	local got want
	got=$(sorted "${COMPREPLY[@]}")
	want=$(sorted "$@")
	if ((comp_rc != 0)); then
		fail "$name" "returned $comp_rc"
	elif [[ -n $comp_err ]]; then
		fail "$name" "printed on stderr: $comp_err"
	elif [[ $got != "$want" ]]; then
		fail "$name" "\"$line\" gave [${got//$'\n'/ }], wanted [${want//$'\n'/ }]"
	elif [[ $files == files && $compopt_args != *'-o filenames'* ]]; then
		fail "$name" "file names completed without compopt -o filenames"
	elif [[ $files == - && $compopt_args == *filenames* ]]; then
		fail "$name" "not file names, but compopt$compopt_args"
	else
		pass "$name"
	fi
}

# --- the harness itself splits as bash does ---

split "wgctl set wg0 peer $ALICE endpoint [2001:db8::1]:51820 "
want=(wgctl set wg0 peer "${ALICE%=}" "=" endpoint "[2001" : db8 :: "1]" : 51820 "")
if [[ ${pieces[*]} == "${want[*]}" && ${#pieces[@]} == "${#want[@]}" ]]; then
	pass harness-split
else
	fail harness-split "got [${pieces[*]}]"
fi

# --- registration ---

for cmd in wgctl wgctl-quick; do
	spec=$(complete -p "$cmd" 2>/dev/null)
	if [[ $spec == "complete -F _${cmd//-/_} $cmd" ]]; then
		pass "registered-$cmd"
	else
		fail "registered-$cmd" "complete -p says \"$spec\""
	fi
done

# --- wgctl: the command ---

check command - "wgctl " -- show showconf set setconf addconf syncconf monitor \
	genkey genpsk pubkey help --help --version
check command-s - "wgctl s" -- show showconf set setconf syncconf
check command-show - "wgctl show" -- show showconf
check command-gen - "wgctl gen" -- genkey genpsk
check command-dashes - "wgctl --" -- --help --version
check command-unknown - "wgctl x" --
check command-cursor-inside - "wgctl se wg0" 8 -- set setconf
# The cursor inside a word: what is before it is completed.
check command-cursor-mid-word - "wgctl showconf wg0" 8 -- show showconf

for cmd in genkey genpsk pubkey help --version; do
	check "$cmd-nothing-more" - "wgctl $cmd " --
done
check unknown-command-nothing-more - "wgctl bogus " --

# --- wgctl monitor ---

check monitor-target - "wgctl monitor " -- --json all wg0 wg1
check monitor-after-iface - "wgctl monitor wg0 " -- --json keylog
check monitor-after-all - "wgctl monitor all " -- --json keylog
check monitor-after-keylog - "wgctl monitor wg0 keylog " --
check monitor-after-json - "wgctl monitor --json " -- all wg0 wg1
check monitor-done - "wgctl monitor wg0 --json " --

# --- wgctl show ---

check show-target - "wgctl show " -- --json --openmetrics --prometheus all interfaces wg0 wg1
check show-target-w - "wgctl show w" -- wg0 wg1
check show-target-i - "wgctl show i" -- interfaces
check show-target-dash - "wgctl show -" -- --json --openmetrics --prometheus
check show-fields - "wgctl show wg0 " -- "${SHOW_FIELDS[@]}"
check show-fields-all - "wgctl show all " -- "${SHOW_FIELDS[@]}"
check show-fields-l - "wgctl show wg1 l" -- listen-port latest-handshakes
check show-fields-p - "wgctl show all p" -- public-key private-key peers \
	preshared-keys persistent-keepalive
check show-field-h - "wgctl show wg0 h" -- handshake-stats
check show-interfaces-no-field - "wgctl show interfaces " --
check show-nothing-after-field - "wgctl show wg0 dump " --
check show-json-target - "wgctl show --json " -- all interfaces wg0 wg1
check show-json-no-field - "wgctl show --json wg0 " --
check show-json-all-no-field - "wgctl show --json all " --
check show-json-once - "wgctl show --json -" --
check show-openmetrics-target - "wgctl show --openmetrics " -- all wg0 wg1
check show-openmetrics-no-field - "wgctl show --openmetrics wg0 " --
check show-prometheus-target - "wgctl show --prometheus " -- all wg0 wg1
check show-fields-s - "wgctl show wg0 s" -- stats
check show-cursor-inside - "wgctl show w dump" 12 -- wg0 wg1
check showconf-target - "wgctl showconf " -- --json wg0 wg1
check showconf-json-target - "wgctl showconf --json " -- wg0 wg1
check showconf-no-field - "wgctl showconf wg0 " --
check showconf-json-no-more - "wgctl showconf --json wg0 " --

# --- wgctl set ---

check set-interface - "wgctl set " -- wg0 wg1
check set-interface-w - "wgctl set wg" -- wg0 wg1
check set-interface-options - "wgctl set wg0 " -- listen-port fwmark private-key keylog peer
check set-interface-options-p - "wgctl set wg0 p" -- private-key peer
check set-given-not-again - "wgctl set wg0 listen-port 51820 " -- fwmark private-key keylog peer
check set-given-not-again-2 - "wgctl set wg0 fwmark 0x10 private-key priv.key " -- listen-port keylog peer
check set-keylog-value - "wgctl set wg0 keylog " -- on off
check set-keylog-given - "wgctl set wg0 keylog on " -- listen-port fwmark private-key peer
check set-listen-port-value - "wgctl set wg0 listen-port " --
check set-fwmark-value - "wgctl set wg0 fwmark " --
check set-private-key-file files "wgctl set wg0 private-key " -- "${CWD_ALL[@]}"
check set-private-key-file-p files "wgctl set wg0 private-key p" -- priv.key psk.key
check set-private-key-subdir files "wgctl set wg0 listen-port 1 private-key sub/" -- sub/inner.key
check set-peer-keys - "wgctl set wg0 peer " -- $ALICE $BOB $HARRY
check set-peer-keys-h - "wgctl set wg0 peer h" -- $ALICE $HARRY
check set-peer-keys-after-options - "wgctl set wg0 listen-port 1 peer hS" -- $ALICE
check set-peer-keys-of-interface - "wgctl set wg0 peer $BOB peer 3" -- $BOB
# The whole key typed: bash hands over "...=" as two words, "...", "=",
# and will insert after the "=": an empty reply, which adds the space.
check set-peer-key-complete - "wgctl set wg0 peer $ALICE" -- ""
check set-peer-keys-unreadable - "wgctl set wg1 peer " --
check set-peer-options - "wgctl set wg0 peer $ALICE " -- "${PEER_OPTIONS[@]}"
check set-peer-options-no-interface-options - "wgctl set wg0 peer $BOB l" --
check set-peer-options-after-interface - "wgctl set wg0 listen-port 1 fwmark 2 peer $ALICE " -- "${PEER_OPTIONS[@]}"
check set-peer-options-p - "wgctl set wg0 peer $ALICE p" -- preshared-key persistent-keepalive peer
check set-peer-endpoint-v4 - "wgctl set wg0 peer $ALICE endpoint 192.0.2.1:51820 " -- \
	remove preshared-key persistent-keepalive allowed-ips peer
check set-peer-endpoint-v6 - "wgctl set wg0 peer $ALICE endpoint [2001:db8::1]:51820 " -- \
	remove preshared-key persistent-keepalive allowed-ips peer
check set-peer-allowed-ips-again - "wgctl set wg0 peer $ALICE allowed-ips 10.0.0.0/8 persistent-keepalive 25 " -- \
	remove preshared-key endpoint allowed-ips peer
check set-peer-remove - "wgctl set wg0 peer $ALICE remove " -- peer
check set-peer-psk-file files "wgctl set wg0 peer $ALICE preshared-key " -- "${CWD_ALL[@]}"
check set-peer-psk-file-ps files "wgctl set wg0 peer $ALICE endpoint h:1 preshared-key ps" -- psk.key
check set-peer-endpoint-value - "wgctl set wg0 peer $ALICE endpoint " --
check set-peer-endpoint-value-partial - "wgctl set wg0 peer $ALICE endpoint 192.0.2.1:" --
check set-peer-keepalive-value - "wgctl set wg0 peer $ALICE persistent-keepalive " --
check set-second-peer-fresh - "wgctl set wg0 peer $ALICE endpoint 192.0.2.1:1 remove peer $BOB " -- "${PEER_OPTIONS[@]}"
check set-second-peer-key - "wgctl set wg0 peer $ALICE remove peer " -- $ALICE $BOB $HARRY
check set-cursor-inside - "wgctl set w peer $ALICE" 11 -- wg0 wg1

# --- wgctl setconf, addconf, syncconf ---

for cmd in setconf addconf syncconf; do
	check "$cmd-interface" - "wgctl $cmd " -- wg0 wg1
	check "$cmd-file" files "wgctl $cmd wg0 " -- "${CWD_ALL[@]}"
	check "$cmd-nothing-more" - "wgctl $cmd wg0 client.conf " --
done
check setconf-file-c files "wgctl setconf wg1 c" -- client.conf
check setconf-file-space files "wgctl setconf wg0 my\\ f" -- "my file.conf"
check setconf-file-quoted files "wgctl setconf wg0 'my f" -- "my file.conf"
# "dir:x.conf": bash replaces only what follows the ":".
check setconf-file-colon files "wgctl setconf wg0 dir:" -- x.conf

# --- wgctl: failures are silent, output is never expanded ---

FAKE_FAIL=1 check no-module-show - "wgctl show " -- --json --openmetrics --prometheus all interfaces
FAKE_FAIL=1 check no-module-set - "wgctl set " --
FAKE_FAIL=1 check no-module-peers - "wgctl set wg0 peer " --
# Interface names hold no whitespace, but may hold anything else.
# shellcheck disable=SC2016 # not to be expanded, here or there
FAKE_IFACES='$(>pwned) `>pwned` * wg0' check names-not-expanded - "wgctl set " -- \
	'$(>pwned)' '`>pwned`' '*' wg0
if [[ -e pwned ]]; then
	fail names-not-run "an interface name was run as a command"
else
	pass names-not-run
fi
check wgctl-by-path - "$tmp/other/wgctl set " -- wgx

# A COMP_LINE that does not hold COMP_WORDS (nothing known makes one, but
# the words are what counts): completes from COMP_WORDS alone.
COMP_WORDS=(wgctl show w) COMP_CWORD=2 COMP_LINE='' COMP_POINT=0 COMPREPLY=()
_wgctl wgctl w show 2>"$tmp/stderr"
got=$(sorted "${COMPREPLY[@]}")
if [[ $got == "$(sorted wg0 wg1)" && ! -s $tmp/stderr ]]; then
	pass comp-line-unlike-words
else
	fail comp-line-unlike-words "gave [${got//$'\n'/ }], stderr: $(<"$tmp/stderr")"
fi

saved=$COMP_WORDBREAKS
COMP_WORDBREAKS=${COMP_WORDBREAKS//[:=]/}
check no-wordbreaks-peer-options - "wgctl set wg0 peer $ALICE " -- "${PEER_OPTIONS[@]}"
check no-wordbreaks-peer-key - "wgctl set wg0 peer hSDw" -- $ALICE
check no-wordbreaks-file files "wgctl setconf wg0 dir:" -- dir:x.conf
COMP_WORDBREAKS=$saved

# --- wgctl-quick ---

export WGCTL_QUICK_CONFIG_DIR=$tmp/conf
check quick-command - "wgctl-quick " -- up down save strip
check quick-command-s - "wgctl-quick s" -- save strip
check quick-command-unknown - "wgctl-quick x" --
check quick-up files "wgctl-quick up " -- home office a=b "${CWD_CONF[@]}"
check quick-up-h files "wgctl-quick up h" -- home
check quick-strip-o files "wgctl-quick strip o" -- office
check quick-strip-c files "wgctl-quick strip c" -- client.conf
check quick-up-subdir files "wgctl-quick up sub/" --
check quick-up-equals files "wgctl-quick up a=" -- b
check quick-up-no-more - "wgctl-quick up home " --
check quick-down - "wgctl-quick down " -- wg0 wg1
check quick-save-w - "wgctl-quick save w" -- wg0 wg1
check quick-down-no-more - "wgctl-quick down wg0 " --
check quick-bogus - "wgctl-quick bogus " --
FAKE_FAIL=1 check quick-down-no-module - "wgctl-quick down " --
WGCTL_QUICK_CONFIG_DIR=$tmp/noconf check quick-up-empty-dir files "wgctl-quick up " -- "${CWD_CONF[@]}"
WGCTL_QUICK_CONFIG_DIR=$tmp/missing check quick-up-missing-dir files "wgctl-quick up " -- "${CWD_CONF[@]}"

# The default directory: whatever the host has there.
unset WGCTL_QUICK_CONFIG_DIR
etc_names=()
for f in /etc/wgc/*.conf; do
	[[ -f $f ]] || continue
	f=${f##*/}
	etc_names+=("${f%.conf}")
done
check quick-up-default-dir files "wgctl-quick up " -- "${etc_names[@]}" "${CWD_CONF[@]}"
# shellcheck disable=SC2016 # the text of the code
if declare -f _wgctl_quick_configs | grep -qF '${WGCTL_QUICK_CONFIG_DIR:-/etc/wgc}'; then
	pass quick-default-dir-is-etc-wgc
else
	fail quick-default-dir-is-etc-wgc "the default is not /etc/wgc"
fi
export WGCTL_QUICK_CONFIG_DIR=$tmp/conf

shopt -s failglob
WGCTL_QUICK_CONFIG_DIR=$tmp/noconf check quick-up-failglob files "wgctl-quick up " -- "${CWD_CONF[@]}"
if shopt -q failglob && ! shopt -q nullglob; then
	pass quick-glob-options-kept
else
	fail quick-glob-options-kept "now: $(shopt -p failglob nullglob | tr '\n' ' ')"
fi
shopt -u failglob

ktap_end
