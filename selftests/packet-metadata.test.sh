#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What crosses the tunnel with a packet is its bytes, not the stack's notes
# about it. The receive side must not hand the outer packet's metadata to
# the inner one, and the transmit side must not leave the inner packet's
# offsets on the outer one:
#   inner-packet-forgets-priority: a priority set on the outer datagram
#     (nftables, before it reaches the tunnel) is not on the inner packets
#   inner-flows-keep-their-own-hash: sixteen inner UDP flows, received as
#     one outer flow whose hash RPS computed, are forwarded as sixteen flows
#     (the fq qdisc on the way out counts them), not as one
#   tx-bytes-count-the-wire: the device's tx_bytes grow by the lengths of
#     the tunnel's messages on the wire, as wireguard.ko counts them
# WGC_TEST_IMPL=wireguard runs it on wireguard.ko, which behaves so.
# timeout: 180
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

N3_ADDR=10.9.0.3 N2_ADDR3=10.9.0.2 NET3=10.9.0.0/24
FLOWS=16

need_modules nf_tables sch_fq
pair_setup
peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT" allowed-ips "$N2_IN4/32,$N2_IN6/128,$NET3"
peer_set n2 n1 endpoint "$N1_OUT4:$N1_PORT"
ping_ok -c 1 n1 "$N2_IN4"
wait_handshake n1 n2

# the value of a named nftables counter in NS's table inet wgcmeta
nft_packets() { # NS COUNTER
	ip netns exec "$1" nft list counter inet wgcmeta "$2" |
		sed -nE 's/.*packets ([0-9]+).*/\1/p'
}

inner_packet_forgets_priority() {
	ip netns exec n2 nft -f - <<-EOF
		table inet wgcmeta {
			counter inner_seen {}
			counter inner_carried {}
			chain outer {
				type filter hook prerouting priority raw;
				iifname "v2" udp dport $N2_PORT meta priority set 1:2
			}
			chain inner {
				type filter hook input priority filter;
				iifname "wg0" meta priority 1:2 counter name "inner_carried"
				iifname "wg0" counter name "inner_seen"
			}
		}
	EOF
	defer ip netns exec n2 nft delete table inet wgcmeta
	ping_ok -c 5 n1 "$N2_IN4"
	(($(nft_packets n2 inner_seen) >= 5)) || fail "only $(nft_packets n2 inner_seen) inner packets counted"
	assert_eq "$(nft_packets n2 inner_carried)" 0 "inner packets still carrying the outer one's priority"
}

# fq's "flows N" from tc -s: how many flows it has told apart
fq_flows() { # NS DEV
	tc -n "$1" -s qdisc show dev "$2" | sed -nE 's/^ *flows ([0-9]+) .*/\1/p'
}

inner_flows_keep_their_own_hash() {
	local before after
	netns_add n3
	veth_pair n2 v23 n3 v32
	ip -n n2 addr add "$N2_ADDR3/24" dev v23
	ip -n n3 addr add "$N3_ADDR/24" dev v32
	ip netns exec n2 sysctl -qw net.ipv4.ip_forward=1
	ip -n n1 route add "$NET3" dev wg0
	# RPS hashes every outer datagram n2 receives, all of one flow.
	ip netns exec n2 sh -c 'for q in /sys/class/net/v2/queues/rx-*; do echo 3 >"$q/rps_cpus"; done; grep . /sys/class/net/v2/queues/rx-*/rps_cpus'
	tc -n n2 qdisc replace dev v23 root fq
	ip netns exec n1 ping -c 1 -W 2 "$N3_ADDR" >/dev/null || true # ARP
	before=$(fq_flows n2 v23)
	# each redirection is a socket of its own: a new source port
	ip netns exec n1 bash -c "for i in {1..$FLOWS}; do echo x >/dev/udp/$N3_ADDR/9; done"
	sleep 0.5
	after=$(fq_flows n2 v23)
	tc -n n2 -s qdisc show dev v23
	ip netns exec n2 cat /proc/net/softnet_stat
	log "fq flows on n2's way to n3: $before before, $after after $FLOWS inner flows"
	(((after - before) > FLOWS / 2)) ||
		fail "$FLOWS inner flows left n2 as $((after - before)) flow(s): the outer flow's hash stayed on them"
}

# the UDP payload lengths of the packets of a capture, summed
payload_bytes() { # CAPTURE
	capture_read "$1" | sed -nE 's/.*UDP, length ([0-9]+)$/\1/p' |
		awk '{ n += $1 } END { print n + 0 }'
}

tx_bytes_count_the_wire() {
	local before after wire
	capture_start wire n1 v1 "udp and src port $N1_PORT"
	before=$(counter n1 wg0 tx_bytes)
	ping_ok -c 10 -w 10 n1 "$N2_IN4"
	ping_ok -c 3 -w 10 n1 "$N2_IN6"
	after=$(counter n1 wg0 tx_bytes)
	capture_stop wire
	wire=$(payload_bytes wire)
	log "n1's wg0 tx_bytes grew by $((after - before)); its messages on the wire: $wire bytes"
	((wire > 0)) || fail "no message of n1's on the wire"
	assert_eq "$((after - before))" "$wire" "tx_bytes against the messages on the wire"
}

subtest inner-packet-forgets-priority inner_packet_forgets_priority
subtest inner-flows-keep-their-own-hash inner_flows_keep_their_own_hash
subtest tx-bytes-count-the-wire tx_bytes_count_the_wire
