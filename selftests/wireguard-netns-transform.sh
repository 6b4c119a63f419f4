#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The whole of the difference between the kernel's own WireGuard selftest
# (tools/testing/selftests/wireguard/netns.sh, from Debian's linux-source
# tarball) and the script selftests/wireguard-netns.test.sh runs: the link
# kind and the configuration tool are renamed, nothing else.
#
# usage: wireguard-netns-transform.sh NETNS_SH OUTPUT KIND TOOL
#   KIND  the link kind of `ip link add ... type KIND` (wgc or wireguard)
#   TOOL  the command that stands in for wg(8) (wgctl or wg)
#
# Each rename must match exactly as often as it does in the netns.sh this
# was reviewed against (Linux 6.1 and 6.12 carry the same file), and no
# call of wg(8) may be left over: a new upstream version fails here, to be
# looked at, instead of running half renamed.
set -euo pipefail

(($# == 4)) || { echo "usage: $0 NETNS_SH OUTPUT KIND TOOL" >&2; exit 2; }
src=$1 out=$2 kind=$3 tool=$4

die() { echo "wireguard-netns-transform: $*" >&2; exit 1; }

[[ -r $src ]] || die "$src: cannot read it"
[[ $kind =~ ^[a-z0-9]+$ && $tool =~ ^[a-z0-9-]+$ ]] || die "bad KIND or TOOL"

# rule: an ERE, how often netns.sh has it, and its replacement (sed -E)
LINK_KIND='type wireguard\b'
LINK_KIND_COUNT=20
WG_CALL='\bwg (genkey|pubkey|genpsk|set|show|setconf|showconf)\b'
WG_CALL_COUNT=119

count() { # ERE FILE: matches of ERE in FILE
	grep -oE -- "$1" "$2" | wc -l
}

n=$(count "$LINK_KIND" "$src")
((n == LINK_KIND_COUNT)) || die "'$LINK_KIND' appears $n times in $src, not $LINK_KIND_COUNT"
n=$(count "$WG_CALL" "$src")
((n == WG_CALL_COUNT)) || die "'$WG_CALL' appears $n times in $src, not $WG_CALL_COUNT"

sed -E -e "s/$LINK_KIND/type $kind/g" -e "s/$WG_CALL/$tool \\1/g" "$src" >"$out.tmp"

# Left over: any other call of wg(8) outside a comment, which the rules
# above do not know.
if [[ $tool != wg ]]; then
	left=$(grep -nE '(^|[^-[:alnum:]_])wg [a-z]' "$out.tmp" | grep -vE '^[0-9]+:[[:space:]]*#' || true)
	[[ -z $left ]] || die "calls of wg(8) not renamed: $left"
fi
n=$(count "type $kind\\b" "$out.tmp")
((n >= LINK_KIND_COUNT)) || die "only $n links of kind $kind after the rename"
mv "$out.tmp" "$out"
