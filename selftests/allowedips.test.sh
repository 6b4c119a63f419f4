#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Allowed IPs, both ways: a destination no peer covers gets ICMP / ICMPv6
# destination unreachable back at the sender; a packet whose inner source
# the receiver does not allow for the peer it came from is dropped and
# counted (rx_errors, rx_frame_errors); a prefix given to another peer moves
# there: traffic follows it and `show allowed-ips` lists it once.
# IMPL=wireguard runs it on wireguard.ko.
# timeout: 240
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

pair_setup
peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT"
peer_set n2 n1 endpoint "$N1_OUT4:$N1_PORT"

no_peer_unreachable() {
	ping_ok n1 "$N2_IN4" # the tunnel itself works
	local out
	# inside wg0's subnets, but no peer's allowed IPs cover them
	out=$(ping_none n1 10.0.0.3)
	assert_line "$out" 'Destination (Host )?Unreachable' "ping 10.0.0.3 output"
	out=$(ping_none n1 fd00::3)
	assert_line "$out" '[Dd]estination unreachable' "ping fd00::3 output"
}

# n1 owns an extra address that n1 may send from (it is local there) but that
# n2 does not allow for n1: n2 must drop what comes from it, and count it.
# (The legitimate pings name their source: as a /128, fd00::99 would win
# IPv6 source address selection over fd00::1/64.)
spoofed_source() {
	ip -n n1 addr add 10.0.0.99/32 dev wg0
	ip -n n1 addr add fd00::99/128 dev wg0 nodad
	defer ip -n n1 addr del fd00::99/128 dev wg0
	defer ip -n n1 addr del 10.0.0.99/32 dev wg0
	ping_ok n1 "$N2_IN4" -I "$N1_IN4"
	wait_handshake n1 n2

	local err0 frame0 err1 frame1
	err0=$(counter n2 wg0 rx_errors)
	frame0=$(counter n2 wg0 rx_frame_errors)
	ping_none -c 3 n1 "$N2_IN4" -I 10.0.0.99 >/dev/null
	ping_none -c 3 n1 "$N2_IN6" -I fd00::99 >/dev/null
	err1=$(counter n2 wg0 rx_errors)
	frame1=$(counter n2 wg0 rx_frame_errors)
	log "n2 wg0 rx_errors $err0 -> $err1, rx_frame_errors $frame0 -> $frame1"
	((err1 - err0 >= 6)) || fail "rx_errors of n2's wg0 grew by $((err1 - err0)), want >= 6 (3 IPv4 + 3 IPv6 spoofed pings)"
	((frame1 - frame0 >= 6)) || fail "rx_frame_errors of n2's wg0 grew by $((frame1 - frame0)), want >= 6"
	ping_ok n1 "$N2_IN4" -I "$N1_IN4" # the legitimate addresses still work
	ping_ok n1 "$N2_IN6" -I "$N1_IN6"
}

# rx_delta NS BEFORE: how much NS's wg0 rx_packets grew since BEFORE
rx_delta() { echo $(($(counter "$1" wg0 rx_packets) - $2)); }

# A hub (n5) and two spokes (n6, n7), all talking over n4's lo. The spokes
# both own 10.9.0.1 and fd09::1; the hub routes 10.9.0.0/24 and fd09::/64
# into the tunnel, to whichever peer holds them.
moving_prefix() {
	local s rb rc db dc allowed
	node_add n5 "" n4
	node_add n6 "" n4
	node_add n7 "" n4
	wgx n5 set wg0 listen-port 2005
	wgx n6 set wg0 listen-port 2006
	wgx n7 set wg0 listen-port 2007
	tun_addr n5 10.0.2.5/24 fd02::5/64
	ip -n n5 route add 10.9.0.0/24 dev wg0
	ip -n n5 route add fd09::/64 dev wg0
	for s in n6 n7; do
		tun_addr "$s" "10.0.2.${s#n}/24" "fd02::${s#n}/64"
		ip -n "$s" addr add 10.9.0.1/32 dev wg0
		ip -n "$s" addr add fd09::1/128 dev wg0 nodad
		peer_set "$s" n5 allowed-ips 10.0.2.5/32,fd02::5/128
		peer_set n5 "$s" allowed-ips "10.0.2.${s#n}/32,fd02::${s#n}/128" endpoint "127.0.0.1:200${s#n}"
	done
	peer_set n5 n6 allowed-ips 10.0.2.6/32,fd02::6/128,10.9.0.0/24,fd09::/64
	ping_ok n5 10.0.2.6
	ping_ok n5 10.0.2.7

	rb=$(counter n6 wg0 rx_packets)
	rc=$(counter n7 wg0 rx_packets)
	ping_ok -c 5 n5 10.9.0.1
	ping_ok -c 5 n5 fd09::1
	db=$(rx_delta n6 "$rb")
	dc=$(rx_delta n7 "$rc")
	log "prefix on n6: n6 received $db packets, n7 $dc"
	# (a keepalive may be counted too)
	((db >= 10)) || fail "n6, which holds the prefix, received only $db of the 10 pings"
	((dc <= 1)) || fail "n7, which does not hold the prefix, received $dc packets"

	# Giving the prefix to n7 takes it away from n6.
	peer_set n5 n7 allowed-ips 10.0.2.7/32,fd02::7/128,10.9.0.0/24,fd09::/64
	allowed=$(wgx n5 show wg0 allowed-ips)
	log "hub's allowed IPs after the move: $(tr '\t\n' ' ;' <<<"$allowed")"
	assert_eq "$(grep -o '10\.9\.0\.0/24' <<<"$allowed" | wc -l)" 1 "times 10.9.0.0/24 is listed"
	assert_eq "$(grep -o 'fd09::/64' <<<"$allowed" | wc -l)" 1 "times fd09::/64 is listed"
	assert_match "$(peer_field n5 n7 allowed-ips)" '10\.9\.0\.0/24' "n7's allowed IPs"
	assert_match "$(peer_field n5 n7 allowed-ips)" 'fd09::/64' "n7's allowed IPs"
	assert_nomatch "$(peer_field n5 n6 allowed-ips)" '10\.9\.0\.0|fd09::' "n6's allowed IPs"
	assert_match "$(peer_field n5 n6 allowed-ips)" '10\.0\.2\.6/32' "n6 keeps its own address"

	rb=$(counter n6 wg0 rx_packets)
	rc=$(counter n7 wg0 rx_packets)
	ping_ok -c 5 n5 10.9.0.1
	ping_ok -c 5 n5 fd09::1
	db=$(rx_delta n6 "$rb")
	dc=$(rx_delta n7 "$rc")
	log "prefix on n7: n6 received $db packets, n7 $dc"
	((dc >= 10)) || fail "n7, which now holds the prefix, received only $dc of the 10 pings"
	((db <= 1)) || fail "n6, which lost the prefix, still received $db packets"
	ping_ok n5 10.0.2.6 # and n6 is still reachable at its own address
}

subtest no-peer-unreachable no_peer_unreachable
subtest spoofed-source-dropped spoofed_source
subtest prefix-moves-between-peers moving_prefix
