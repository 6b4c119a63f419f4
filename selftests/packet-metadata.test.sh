#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What crosses the tunnel with a packet is its bytes, not the stack's notes
# about it. The receive side must not hand the outer packet's metadata to
# the inner one, and the transmit side must not leave the inner packet's
# offsets on the outer one:
#   inner-packet-forgets-priority: a priority set on the outer datagram
#     (nftables, before it reaches the tunnel) is not on the inner packets
#   tx-bytes-count-the-wire: the device's tx_bytes grow by the lengths of
#     the tunnel's messages on the wire, as wireguard.ko counts them
# IMPL=wireguard runs it on wireguard.ko, which behaves so.
# timeout: 180
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

need_modules nf_tables
pair_setup
peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT"
peer_set n2 n1 endpoint "$N1_OUT4:$N1_PORT"
ping_ok -c 1 n1 "$N2_IN4"
wait_handshake n1 n2

# the packets counted by the rule of n2's chain inet wgcmeta inner that
# matches ERE
inner_packets() { # ERE
	ip netns exec n2 nft list chain inet wgcmeta inner | grep -E "$1" |
		sed -nE 's/.*counter packets ([0-9]+).*/\1/p'
}

inner_packet_forgets_priority() {
	local seen
	ip netns exec n2 nft -f - <<-EOF
		table inet wgcmeta {
			chain outer {
				type filter hook prerouting priority raw;
				iifname "v2" udp dport $N2_PORT meta priority set 1:2
			}
			chain inner {
				type filter hook input priority filter;
				iifname "wg0" meta priority 1:2 counter
				iifname "wg0" counter
			}
		}
	EOF
	defer ip netns exec n2 nft delete table inet wgcmeta
	ping_ok -c 5 n1 "$N2_IN4"
	seen=$(inner_packets '^[[:space:]]*iifname "wg0" counter')
	((seen >= 5)) || fail "only $seen inner packets counted"
	assert_eq "$(inner_packets 'meta priority')" 0 "inner packets still carrying the outer one's priority"
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
subtest tx-bytes-count-the-wire tx_bytes_count_the_wire
