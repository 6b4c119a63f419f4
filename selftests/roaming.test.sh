#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Roaming: n1 (the one that knows an endpoint) changes its outer address
# and its listen port, then sends. n2, which never had an endpoint for n1
# configured, must follow: traffic continues both ways and n2's
# `show endpoints` names the new address:port. Over IPv4, then IPv6.
# IMPL=wireguard runs it on wireguard.ko.
# timeout: 180
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

pair_setup

# roam FAMILY OLD/LEN NEW/LEN NEW_PORT: n1 moves, then pings n2
roam() {
	local fam=$1 old=$2 new=$3 port=$4 want dst back
	if [[ $fam == 4 ]]; then
		want="${new%/*}:$port" dst=$N2_IN4 back=$N1_IN4
	else
		want="[${new%/*}]:$port" dst=$N2_IN6 back=$N1_IN6
	fi
	ip -n n1 addr del "$old" dev v1
	ip -n n1 addr add "$new" dev v1 nodad
	wgx n1 set wg0 listen-port "$port"
	ping_ok n1 "$dst"
	assert_eq "$(peer_field n2 n1 endpoints)" "$want" "n2's endpoint for n1 after the move"
	ping_ok n2 "$back" # n2 answers to, and now sends to, the new place
	assert_eq "$(peer_field n2 n1 endpoints)" "$want" "n2's endpoint for n1"
}

over_ipv4() {
	peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT"
	ping_ok n1 "$N2_IN4"
	assert_eq "$(peer_field n2 n1 endpoints)" "$N1_OUT4:$N1_PORT" "n2's endpoint for n1, learned"
	roam 4 "$N1_OUT4/24" 192.0.2.11/24 51831
	roam 4 192.0.2.11/24 192.0.2.12/24 51832
}

over_ipv6() {
	local port
	port=$(wgx n1 show wg0 listen-port) # wherever the IPv4 case left it
	peer_set n1 n2 endpoint "[$N2_OUT6]:$N2_PORT"
	ping_ok n1 "$N2_IN6"
	assert_eq "$(peer_field n2 n1 endpoints)" "[$N1_OUT6]:$port" "n2's endpoint for n1 over IPv6"
	roam 6 "$N1_OUT6/64" 2001:db8::11/64 51841
}

subtest ipv4-address-and-port over_ipv4
subtest ipv6-address-and-port over_ipv6
