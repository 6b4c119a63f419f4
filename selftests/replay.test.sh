#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Replay: a data message captured on the "internet" and sent again, byte
# for byte (selftests/tools/pcap-replay), is dropped. It does reach the
# receiver's UDP socket (checked: a replay the UDP layer threw away would
# prove nothing), but its inner packet (an ICMP echo request) is not
# delivered a second time, the peer's received bytes do not grow, and the
# tunnel keeps working. wgc counts each replayed data message in the device's
# rx_dropped; wireguard.ko counts it nowhere, so that check is for wgc only
# (IMPL=wireguard runs the rest on wireguard.ko). The same replays in one
# train that wgc receives whole (GRO at the receiver) are dropped too.
# timeout: 180
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

command -v pcap-replay >/dev/null ||
	fail "pcap-replay is missing from /selftests/bin (make -C selftests/tools)"

pair_setup
peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT"
peer_set n2 n1 endpoint "$N1_OUT4:$N1_PORT"

# udp_mib NS NAME: a counter of the "Udp:" lines of NS's /proc/net/snmp
udp_mib() {
	ip netns exec "$1" awk -v n="$2" '$1 == "Udp:" {
		if (!h) { for (i = 2; i <= NF; i++) col[$i] = i; h = 1 } else print $col[n] }' /proc/net/snmp
}

# tcpdump filters: data messages (type 4) from n1, and of those the ones
# carrying a packet (a keepalive's UDP payload is 32 bytes: UDP length 40)
DATA_FROM_N1="udp and src host $N1_OUT4 and dst port $N2_PORT and udp[8] = 4"
NONEMPTY="udp[4:2] > 40"

replayed_data_dropped() {
	local dropped0 dropped1 rx0 rx1 out requests in0 in1 csum0 csum1 keepalives
	ping_ok -c 1 n1 "$N2_IN4" # handshake out of the way
	wait_handshake n1 n2

	# Record one data message carrying an echo request from n1 to n2.
	capture_start orig n2 v2 "$DATA_FROM_N1 and $NONEMPTY"
	ping_ok -c 1 n1 "$N2_IN4"
	capture_stop orig
	assert_eq "$(capture_count orig)" 1 "data messages recorded"

	# Replay it from n1's side of the wire, watching n2's both sides.
	capture_start wire n2 v2 "$DATA_FROM_N1"
	capture_start inner n2 wg0 icmp
	dropped0=$(counter n2 wg0 rx_dropped)
	rx0=$(peer_field n2 n1 transfer)
	in0=$(udp_mib n2 InDatagrams)
	csum0=$(udp_mib n2 InCsumErrors)
	out=$(n1 pcap-replay -u 4 "$TMPDIR/orig.pcap")
	log "$out"
	wait_for -t 5 capture_has wire 1 "$NONEMPTY"
	sleep 1 # time to be (not) delivered
	dropped1=$(counter n2 wg0 rx_dropped)
	rx1=$(peer_field n2 n1 transfer)
	in1=$(udp_mib n2 InDatagrams)
	csum1=$(udp_mib n2 InCsumErrors)
	capture_stop wire
	capture_stop inner
	requests=$(capture_read inner | grep -c 'ICMP echo request' || true)
	log "n2: UDP InDatagrams $in0 -> $in1, rx_dropped $dropped0 -> $dropped1, bytes received from n1 ${rx0%%$'\t'*} -> ${rx1%%$'\t'*}, echo requests delivered by the replay: $requests"

	# n1's passive keepalive (10 s after its last reply) may cross the window
	# on a slow kernel: it is the only other thing n1 sends, and it is empty
	keepalives=$(capture_count wire "udp[4:2] = 40")
	assert_eq "$(capture_count wire "$NONEMPTY")" 1 "replayed data messages seen on n2's wire"
	assert_eq "$csum1" "$csum0" "UDP checksum errors in n2 (the replay must be a valid datagram)"
	((in1 - in0 >= 1)) || fail "n2's UDP sockets received nothing (InDatagrams $in0 -> $in1): the replay never reached the tunnel"
	assert_eq "$requests" 0 "echo requests delivered again on n2's wg0"
	rx0=${rx0%%$'\t'*} rx1=${rx1%%$'\t'*}
	((rx1 >= rx0 && rx1 - rx0 <= 32 * keepalives)) ||
		fail "bytes n2 counts as received from n1 went $rx0 -> $rx1 ($keepalives keepalives of 32 bytes on the wire): the replay was counted as received"
	if [[ $TUN_IMPL == wgc ]]; then
		((dropped1 - dropped0 >= 1)) ||
			fail "rx_dropped of n2's wg0 did not grow ($dropped0 -> $dropped1): the replay was not counted"
	fi

	ping_ok n1 "$N2_IN4"
	ping_ok n2 "$N1_IN4"
}

# The same message many times over, after newer traffic: all dropped.
replayed_burst_dropped() {
	local dropped0 dropped1 requests in0 in1
	ping_ok n1 "$N2_IN4" # newer traffic first
	capture_start inner n2 wg0 icmp
	dropped0=$(counter n2 wg0 rx_dropped)
	in0=$(udp_mib n2 InDatagrams)
	n1 pcap-replay -u 4 -c 20 "$TMPDIR/orig.pcap" >/dev/null
	sleep 1
	dropped1=$(counter n2 wg0 rx_dropped)
	in1=$(udp_mib n2 InDatagrams)
	capture_stop inner
	requests=$(capture_read inner | grep -c 'ICMP echo request' || true)
	log "n2: UDP InDatagrams $in0 -> $in1, rx_dropped $dropped0 -> $dropped1"
	((in1 - in0 >= 20)) || fail "n2's UDP sockets received $((in1 - in0)) of the 20 replays"
	assert_eq "$requests" 0 "echo requests delivered by 20 replays"
	if [[ $TUN_IMPL == wgc ]]; then
		((dropped1 - dropped0 >= 20)) ||
			fail "rx_dropped of n2's wg0 grew by $((dropped1 - dropped0)), want >= 20"
	fi
	ping_ok n1 "$N2_IN4"
}

# offload_stat NAME: a counter of n2's wg0 from ethtool -S
offload_stat() {
	ip netns exec n2 ethtool -S wg0 | awk -v k="$1:" '$1 == k { print $2 }'
}

# The same message 20 times over in one train (pcap-replay -g: one UDP GSO
# send, which n1's v1 cuts into datagrams and n2's v2 merges again by GRO):
# one batch of equal counters on wgc's receive path, each dropped.
replayed_train_dropped() {
	local dropped0 dropped1 trains0 trains1 msgs0 msgs1 requests
	# (a veth hands its peer's GRO only what it cannot segment: TSO off)
	defer ip netns exec n1 ethtool -K v1 tso on tx-udp-segmentation on
	defer ip netns exec n2 ethtool -K v2 gro off
	ip netns exec n1 ethtool -K v1 tso off tx-udp-segmentation off >/dev/null
	ip netns exec n2 ethtool -K v2 gro on >/dev/null
	ping_ok n1 "$N2_IN4"
	capture_start inner n2 wg0 icmp
	dropped0=$(counter n2 wg0 rx_dropped)
	trains0=$(offload_stat rx_udp_gro_packets)
	msgs0=$(offload_stat rx_udp_gro_segments)
	n1 pcap-replay -u 4 -g -c 20 "$TMPDIR/orig.pcap" >/dev/null
	sleep 1
	dropped1=$(counter n2 wg0 rx_dropped)
	trains1=$(offload_stat rx_udp_gro_packets)
	msgs1=$(offload_stat rx_udp_gro_segments)
	capture_stop inner
	requests=$(capture_read inner | grep -c 'ICMP echo request' || true)
	log "n2: $((trains1 - trains0)) train(s) of $((msgs1 - msgs0)) messages received whole, rx_dropped $dropped0 -> $dropped1"
	((trains1 > trains0 && msgs1 - msgs0 >= 2)) ||
		fail "the replays reached n2's wg0 in no train (the test proves nothing)"
	assert_eq "$requests" 0 "echo requests delivered by 20 replays in a train"
	((dropped1 - dropped0 >= 20)) ||
		fail "rx_dropped of n2's wg0 grew by $((dropped1 - dropped0)), want >= 20"
	ping_ok n1 "$N2_IN4"
}

subtest replayed-data-dropped replayed_data_dropped
subtest replayed-burst-dropped replayed_burst_dropped
if [[ $TUN_IMPL == wgc ]]; then
	subtest replayed-train-dropped replayed_train_dropped
else
	log "replayed-train-dropped: wgc's trains only"
fi
