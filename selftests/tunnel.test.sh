#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A tunnel between two peers in separate namespaces over a veth "internet":
# IPv4 and IPv6 inside, over an IPv4 and then an IPv6 outer transport; a TCP
# transfer, a UDP flood that must lose nothing, 10 MB whose sha256 must
# match. Then two devices created in one namespace and moved to two others,
# talking over that namespace's lo. IMPL=wireguard runs it all on
# wireguard.ko (see tunnel-lib.sh).
# timeout: 300
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

# A rate TCG sustains with no loss on wireguard.ko, with a wide margin
# (wireguard.ko loses none at 20M; the slow debug kernel gets 1M).
UDP_RATE=5M
BIG=10M
if ((TUN_SLOW)); then
	UDP_RATE=1M
	BIG=2M
fi

pair_setup
peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT"
peer_set n2 n1 endpoint "$N1_OUT4:$N1_PORT"

ping_over_ipv4() {
	ping_ok n1 "$N2_IN4"
	wait_handshake n1 n2
	ping_ok n2 "$N1_IN4"
	ping_ok n1 "$N2_IN6"
	ping_ok n2 "$N1_IN6"
	assert_eq "$(peer_field n1 n2 endpoints)" "$N2_OUT4:$N2_PORT" "n1's endpoint for n2"
	assert_eq "$(peer_field n2 n1 endpoints)" "$N1_OUT4:$N1_PORT" "n2's endpoint for n1"
}

tcp_transfer() {
	local mbps
	iperf_server n2 "$N2_IN4"
	mbps=$(iperf_tcp n1 "$N2_IN4" 3)
	log "TCP through the tunnel: $mbps Mbit/s"
}

udp_flood() {
	local sent lost
	iperf_server n2 "$N2_IN4"
	read -r sent lost < <(iperf_udp n1 "$N2_IN4" 3 "$UDP_RATE" -l 1200)
	log "UDP at $UDP_RATE bit/s through the tunnel: $sent datagrams, $lost lost"
	((sent >= 50)) || fail "only $sent datagrams sent"
	assert_eq "$lost" 0 "datagrams lost"
}

ten_megabytes() {
	((!TUN_SLOW)) || log "slow kernel: $BIG instead of 10M"
	head -c "$BIG" /dev/urandom >"$TMPDIR/big"
	transfer_file n1 n2 "$N2_IN4" "$TMPDIR/big"
	rm -f "$TMPDIR/big"
}

ping_over_ipv6() {
	peer_set n1 n2 endpoint "[$N2_OUT6]:$N2_PORT"
	peer_set n2 n1 endpoint "[$N1_OUT6]:$N1_PORT"
	capture_start outer6 n2 v2 udp port "$N2_PORT"
	ping_ok n1 "$N2_IN4"
	ping_ok n2 "$N1_IN6"
	ping_ok n1 "$N2_IN6"
	ping_ok n2 "$N1_IN4"
	capture_stop outer6
	local pkts
	pkts=$(capture_read outer6)
	assert_line "$pkts" "IP6 $N1_OUT6\\.$N1_PORT > $N2_OUT6\\.$N2_PORT: UDP" "outer packets from n1 over IPv6"
	assert_nomatch "$pkts" "IP $N1_OUT4" "outer IPv4 packets"
	assert_eq "$(peer_field n1 n2 endpoints)" "[$N2_OUT6]:$N2_PORT" "n1's endpoint for n2"
	assert_eq "$(peer_field n2 n1 endpoints)" "[$N1_OUT6]:$N1_PORT" "n2's endpoint for n1"
}

tcp_over_ipv6() {
	local mbps
	iperf_server n1 "$N1_IN6"
	mbps=$(iperf_tcp n2 "$N1_IN6" 2)
	log "TCP, IPv6 in IPv6: $mbps Mbit/s"
}

# n0 creates both devices and keeps their sockets; n3 and n4 hold them.
over_one_namespaces_lo() {
	node_add n3 "" n0
	node_add n4 "" n0
	wgx n3 set wg0 listen-port 1001
	wgx n4 set wg0 listen-port 1002
	tun_addr n3 10.0.1.3/24 fd01::3/64
	tun_addr n4 10.0.1.4/24 fd01::4/64
	peer_set n3 n4 allowed-ips 10.0.1.4/32,fd01::4/128 endpoint 127.0.0.1:1002
	peer_set n4 n3 allowed-ips 10.0.1.3/32,fd01::3/128 endpoint 127.0.0.1:1001
	local ports
	ports=$(n0 ss -Huln | awk '{print $4}' | sort | xargs)
	assert_match "$ports" '127\.0\.0\.1:1001|0\.0\.0\.0:1001' "sockets in n0"
	assert_eq "$(n3 ss -Huln)$(n4 ss -Huln)" "" "sockets in n3 and n4"
	ping_ok n3 10.0.1.4
	ping_ok n4 10.0.1.3
	ping_ok n3 fd01::4
	ping_ok n4 fd01::3
	wait_handshake n4 n3
	assert_eq "$(peer_field n4 n3 endpoints)" "127.0.0.1:1001" "n4's endpoint for n3"
}

subtest ping-over-ipv4 ping_over_ipv4
subtest tcp-iperf3 tcp_transfer
subtest udp-flood-no-loss udp_flood
subtest 10MB-sha256 ten_megabytes
subtest ping-over-ipv6 ping_over_ipv6
subtest tcp-iperf3-ipv6 tcp_over_ipv6
subtest over-lo over_one_namespaces_lo
