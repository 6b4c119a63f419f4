#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The offloads: trains of equal-length data messages leaving wgc as one UDP
# GSO packet (module/encrypt.c), switched by the private flag tx-udp-gso
# and counted in ethtool -S; and UDP GRO on its sockets (rx-udp-gro). n1 is always wgc, whatever IMPL
# says: the trains are its own. Each case moves data whose sha256 must
# match, and checks the counters say which way it left:
# - the flag and the counters as ethtool shows them;
# - TCP with trains on and off, over IPv4 and IPv6 outside, IPv4 and IPv6
#   inside; the device's packet counter counts datagrams, not trains;
# - the veth below segmenting the trains itself (its UDP segmentation and
#   checksum offloads off: each datagram's checksum made in software, and
#   checked by the receiver), and the receiving veth with GRO on;
# - the receiver's stack merging by GRO, with rx-udp-gro on, the datagrams
#   that n1's veth cut from trains (seen on n2's veth as packets longer than
#   any message) into trains that reach wg0 whole (ethtool -S), and not
#   with it off, over IPv4 and IPv6;
# - tunnel MTUs around the padding and segment boundaries, TCP and UDP;
# - a session that must be replaced (REKEY_AFTER_MESSAGES) in the middle of
#   a transfer, and n1 moving to a new address and port in the middle of
#   one, both with trains sent and (n2's veth doing GRO) received;
# - threaded NAPI on the receiver, for peers old and new;
# - wireguard.ko receiving the trains, and sending to wgc;
# - a router running wgc on the same port forwarding another pair's trains,
#   which its GRO merged, as plain UDP.
# timeout: 600
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

SIZE=2M
UDP_RATE=2M
MTUS="1419 1404 1281 577"
if ((TUN_SLOW)); then
	SIZE=1M
	UDP_RATE=1M
	MTUS="1419 577"
fi

# offload_stat NS NAME: one of wg0's ethtool -S counters
offload_stat() {
	local v
	v=$(ip netns exec "$1" ethtool -S wg0 | awk -v k="$2:" '$1 == k { print $2 }')
	[[ -n $v ]] || FAIL_DEPTH=2 fail "no counter $2 in ethtool -S wg0 of $1"
	printf '%s\n' "$v"
}

# stats NS: "gso_packets gso_segments single tx_packets" of NS's wg0
stats() {
	printf '%s %s %s %s\n' "$(offload_stat "$1" tx_udp_gso_packets)" \
		"$(offload_stat "$1" tx_udp_gso_segments)" \
		"$(offload_stat "$1" tx_single_packets)" \
		"$(counter "$1" wg0 tx_packets)"
}

set_trains() {
	ip netns exec n1 ethtool --set-priv-flags wg0 tx-udp-gso "$1" ||
		fail "ethtool --set-priv-flags wg0 tx-udp-gso $1 failed"
}

# send_checked DST on|off: a file from n1 to DST through the tunnel, then
# checks that n1's counters moved as trains on or off say, and that the
# device counted each datagram once.
send_checked() {
	local dst=$1 want=$2 p0 s0 g0 t0 p1 s1 g1 t1
	head -c "$SIZE" /dev/urandom >"$TMPDIR/data"
	read -r p0 s0 g0 t0 < <(stats n1)
	transfer_file n1 n2 "$dst" "$TMPDIR/data"
	read -r p1 s1 g1 t1 < <(stats n1)
	log "trains $want: $((p1 - p0)) UDP GSO packets of $((s1 - s0)) messages, $((g1 - g0)) messages alone, $((t1 - t0)) datagrams"
	if [[ $want == on ]]; then
		((p1 > p0)) || fail "no UDP GSO packet sent with trains on"
		((s1 - s0 >= 2 * (p1 - p0))) || fail "UDP GSO packets of fewer than 2 messages"
	else
		assert_eq "$((p1 - p0))" 0 "UDP GSO packets sent with trains off"
		((g1 > g0)) || fail "no message counted as sent alone"
	fi
	# Every message is one datagram on the wire, give or take a few: a
	# timer of n1's may send a handshake message meanwhile (on the slow
	# debug kernel its 15 s go by during a transfer), and a packet the IP
	# layer drops (a full veth ring) counts as an error, not a packet. A
	# train counted once, or a message twice, is far outside that.
	local sent=$(((s1 - s0) + (g1 - g0))) extra slack
	extra=$(((t1 - t0) - sent))
	slack=$((sent / 50 > 2 ? sent / 50 : 2))
	((extra >= -slack && extra <= slack)) ||
		fail "wg0's tx_packets grew by $((t1 - t0)), for $sent messages sent"
}

setup() {
	pair_setup wgc "${1:-wgc}"
	peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT"
	peer_set n2 n1 endpoint "$N1_OUT4:$N1_PORT"
	ping_ok n1 "$N2_IN4"
	wait_handshake n1 n2
}

# Most cases share one pair, set up once below (a pair takes long to set
# up on the debug kernel): each puts back what it changes.
endpoints4() {
	peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT"
	peer_set n2 n1 endpoint "$N1_OUT4:$N1_PORT"
}

flags_and_counters() {
	local out
	out=$(ip netns exec n1 ethtool -i wg0)
	assert_line "$out" '^driver: wgc$' "ethtool -i"
	out=$(ip netns exec n1 ethtool --show-priv-flags wg0)
	assert_line "$out" '^tx-udp-gso *: on$' "tx-udp-gso on by default"
	assert_line "$out" '^rx-udp-gro *: on$' "rx-udp-gro on by default"
	set_trains off
	out=$(ip netns exec n1 ethtool --show-priv-flags wg0)
	assert_line "$out" '^tx-udp-gso *: off$' "tx-udp-gso after switching it off"
	set_trains on
	out=$(ip netns exec n1 ethtool -S wg0)
	assert_line "$out" '^ +tx_udp_gso_packets: [0-9]+$' "ethtool -S"
	assert_line "$out" '^ +tx_udp_gso_segments: [0-9]+$' "ethtool -S"
	assert_line "$out" '^ +tx_single_packets: [1-9][0-9]*$' "ethtool -S (the pings)"
	assert_line "$out" '^ +rx_udp_gro_packets: [0-9]+$' "ethtool -S"
	assert_line "$out" '^ +rx_udp_gro_segments: [0-9]+$' "ethtool -S"
	assert_line "$out" '^ +rx_single_packets: [1-9][0-9]*$' "ethtool -S (the pings' replies)"
}

# (The slow debug kernel skips the repeats: it is there for the sanitizers.)
tcp_trains_on_off() {
	defer set_trains on
	send_checked "$N2_IN4" on
	((TUN_SLOW)) || send_checked "$N2_IN6" on
	set_trains off
	send_checked "$N2_IN4" off
	set_trains on
	((TUN_SLOW)) || send_checked "$N2_IN4" on
}

over_ipv6() {
	defer endpoints4
	defer set_trains on
	peer_set n1 n2 endpoint "[$N2_OUT6]:$N2_PORT"
	peer_set n2 n1 endpoint "[$N1_OUT6]:$N1_PORT"
	((TUN_SLOW)) || send_checked "$N2_IN4" on
	send_checked "$N2_IN6" on
	set_trains off
	((TUN_SLOW)) || send_checked "$N2_IN6" off
}

# v1_offloads on|off: UDP segmentation and checksums on n1's veth
v1_offloads() {
	ip netns exec n1 ethtool -K v1 tx-udp-segmentation "$1" tx "$1" >/dev/null ||
		fail "ethtool -K v1 tx-udp-segmentation $1 tx $1 failed"
}

# The veth below n1 takes neither UDP GSO nor checksums: the stack cuts
# each train and sums each datagram in software, which n2 verifies.
software_segmentation() {
	defer endpoints4
	defer v1_offloads on
	v1_offloads off
	local csum0 csum1
	csum0=$(ip netns exec n2 nstat -az UdpInCsumErrors | awk '$1 == "UdpInCsumErrors" { print $2 }')
	((TUN_SLOW)) || send_checked "$N2_IN4" on
	peer_set n1 n2 endpoint "[$N2_OUT6]:$N2_PORT"
	send_checked "$N2_IN6" on
	csum1=$(ip netns exec n2 nstat -az UdpInCsumErrors | awk '$1 == "UdpInCsumErrors" { print $2 }')
	assert_eq "$((csum1 - csum0))" 0 "UDP checksum errors at n2"
}

# veth_gro on|off: GRO on n2's v2, with n1's v1 cutting trains into
# datagrams. A veth hands packets to its peer's GRO only when the sending
# side has no TSO (veth_skb_is_eligible_for_gro()); and a train cut before
# v1 arrives as a burst of datagrams in one poll, which GRO can merge
# whatever the speed of the machine.
veth_gro() {
	local off=on
	[[ $1 == on ]] && off=off
	ip netns exec n1 ethtool -K v1 tso "$off" tx-udp-segmentation "$off" >/dev/null ||
		fail "ethtool -K v1 tso $off tx-udp-segmentation $off failed"
	ip netns exec n2 ethtool -K v2 gro "$1" >/dev/null || fail "ethtool -K v2 gro $1 failed"
}

# merged_by_gro NAME: sets MERGED to the packets for n2's port bigger than
# any one message, seen on n2's v2 after GRO, while n1 sends a file; and
# TRAINS and MESSAGES to the trains n2's wg0 received whole and the
# messages in them (ethtool -S)
merged_by_gro() {
	local trains0 messages0
	trains0=$(offload_stat n2 rx_udp_gro_packets)
	messages0=$(offload_stat n2 rx_udp_gro_segments)
	capture_start "$1" n2 v2 "udp and dst port $N2_PORT and greater 1600"
	send_checked "$N2_IN4" on
	capture_stop "$1"
	MERGED=$(capture_count "$1")
	TRAINS=$(($(offload_stat n2 rx_udp_gro_packets) - trains0))
	MESSAGES=$(($(offload_stat n2 rx_udp_gro_segments) - messages0))
	log "$1: $MERGED merged packets seen, $TRAINS trains of $MESSAGES messages received whole"
}

# Trains received whole: as many as GRO made (the capture may miss some),
# each of two messages or more.
check_trains_whole() {
	((TRAINS > 0)) || fail "$1: no train reached wg0 whole"
	((TRAINS >= MERGED)) || fail "$1: $MERGED packets merged by GRO, but only $TRAINS reached wg0 whole"
	((MESSAGES >= 2 * TRAINS)) || fail "$1: $TRAINS trains of only $MESSAGES messages"
}

# Trains, cut into datagrams by n1's veth, arrive at a receiver whose
# device does GRO: n2's stack merges them again (rx-udp-gro), or not.
receiver_gro() {
	defer veth_gro off
	defer endpoints4
	defer ip netns exec n2 ethtool --set-priv-flags wg0 rx-udp-gro on
	veth_gro on
	merged_by_gro gro-on
	((MERGED > 0)) || fail "no datagrams merged by GRO with rx-udp-gro on"
	check_trains_whole "rx-udp-gro on"
	ip netns exec n2 ethtool --set-priv-flags wg0 rx-udp-gro off || fail "rx-udp-gro off failed"
	merged_by_gro gro-off
	assert_eq "$MERGED" 0 "packets merged by GRO with rx-udp-gro off"
	assert_eq "$TRAINS" 0 "trains received whole with rx-udp-gro off"
	((!TUN_SLOW)) || return 0
	# and again on, for the IPv6 socket too
	ip netns exec n2 ethtool --set-priv-flags wg0 rx-udp-gro on || fail "rx-udp-gro on failed"
	peer_set n1 n2 endpoint "[$N2_OUT6]:$N2_PORT"
	merged_by_gro gro-on6
	((MERGED > 0)) || fail "no datagrams merged by GRO over IPv6"
	check_trains_whole "rx-udp-gro on, over IPv6"
}

# Full segments of MTU-sized inner packets are padded up to the MTU only:
# 1419 and 1281 leave full messages that are not a multiple of 16, 1404
# ones that are (1420, the default, is every other case's); 577 makes small
# segments, many to a train. (The slow debug kernel tries 1419 and 577.)
mtu_boundaries() {
	defer ip -n n2 link set wg0 mtu 1420
	defer ip -n n1 link set wg0 mtu 1420
	local mtu sent lost
	SIZE=1M
	for mtu in $MTUS; do
		ip -n n1 link set wg0 mtu "$mtu"
		ip -n n2 link set wg0 mtu "$mtu"
		log "MTU $mtu"
		send_checked "$N2_IN4" on
		iperf_server n2 "$N2_IN4"
		read -r sent lost < <(iperf_udp n1 "$N2_IN4" 1 "$UDP_RATE" -l $((mtu - 28)))
		log "UDP, $((mtu - 28))-byte datagrams: $sent sent, $lost lost"
		((sent >= 10)) || fail "only $sent datagrams sent at MTU $mtu"
		assert_eq "$lost" 0 "datagrams lost at MTU $mtu"
	done
}

# Threaded NAPI (the device's sysfs switch): each peer's receive poll in a
# kernel thread of its own, for peers added before and after it is set;
# then the device goes, threads and all. (Last on the shared pair: it
# deletes n2's device.)
threaded_napi() {
	ip netns exec n2 sh -c 'echo 1 >/sys/class/net/wg0/threaded' ||
		fail "could not switch on threaded NAPI on n2's wg0"
	send_checked "$N2_IN4" on
	local threads
	threads=$(ps -e -o comm= | grep -c '^napi/wg0-' || true)
	log "$threads NAPI threads of a wg0"
	((threads > 0)) || fail "no napi/wg0-* thread with threaded NAPI on"
	# a new peer, whose poll gets a thread of its own; n2 initiates
	wgx n2 set wg0 peer "$(pubkey_of n1)" remove
	peer_set n2 n1 allowed-ips "$N1_IN4/32,$N1_IN6/128" endpoint "$N1_OUT4:$N1_PORT"
	ping_ok n2 "$N1_IN4"
	send_checked "$N2_IN4" on
	ip -n n2 link del wg0
}

# A session that reaches REKEY_AFTER_MESSAGES in the middle of a transfer
# (its counters start just below, through the debug build's
# send_counter_start): a new handshake while trains are in flight, whose
# messages may then be under either key.
rekey_during_trains() {
	local params=/sys/module/wgc/parameters old inits
	[[ -e $params/send_counter_start ]] ||
		fail "wgc.ko is not a debug build (WGC_DEBUG=y): no send_counter_start"
	old=$(<"$params/send_counter_start")
	defer eval "echo $old >$params/send_counter_start"
	echo $(((1 << 60) - 500)) >"$params/send_counter_start"
	defer netns_del_quiet n1 n2
	setup
	# trains both ways: sent, cut by v1, merged by v2, received whole
	veth_gro on
	capture_start rekey n2 v2 "udp and src host $N1_OUT4 and udp[8] = 1"
	local p0 p1 r0 r1
	read -r p0 _ < <(stats n1)
	r0=$(offload_stat n2 rx_udp_gro_packets)
	head -c "$SIZE" /dev/urandom >"$TMPDIR/data"
	transfer_file n1 n2 "$N2_IN4" "$TMPDIR/data"
	read -r p1 _ < <(stats n1)
	r1=$(offload_stat n2 rx_udp_gro_packets)
	((p1 > p0)) || fail "no UDP GSO packet sent"
	((r1 > r0)) || fail "no train received whole"
	wait_for -t 10 capture_has rekey 1
	capture_stop rekey
	inits=$(capture_count rekey)
	log "$inits initiation(s) from n1 during the transfer"
	# The new sessions start near 2^60 too, and rekey again: no count of
	# datagrams against messages here, only the data.
	transfer_file n1 n2 "$N2_IN4" "$TMPDIR/data"
}

# n1 moves to another outer address (and port) while it sends trains: n2
# follows to the new endpoint, its acknowledgements reach n1 there, and
# the data arrives whole.
roam_during_trains() {
	defer netns_del_quiet n1 n2
	setup
	veth_gro on
	head -c "$SIZE" /dev/urandom >"$TMPDIR/data"
	{
		sleep 1
		ip -n n1 addr del "$N1_OUT4/24" dev v1
		ip -n n1 addr add 192.0.2.11/24 dev v1
		ip netns exec n1 wgctl set wg0 listen-port 51811
	} &
	local mover=$!
	defer kill_quiet "$mover"
	transfer_file n1 n2 "$N2_IN4" "$TMPDIR/data"
	wait "$mover" || fail "moving n1 to 192.0.2.11:51811 failed"
	ping_ok n1 "$N2_IN4"
	assert_eq "$(peer_field n2 n1 endpoints)" "192.0.2.11:51811" "n2's endpoint for n1 after the move"
}

wireguard_both_ways() {
	need_modules wireguard
	defer netns_del_quiet n1 n2
	setup wireguard
	send_checked "$N2_IN4" on
	head -c "$SIZE" /dev/urandom >"$TMPDIR/data"
	transfer_file n2 n1 "$N1_IN4" "$TMPDIR/data"
}

# n1 and n2 talk through a router, r, which runs wgc on the same port as
# n2 (its socket bound to any address): r's GRO (on its veth r1, with n1's
# v1 cutting the trains) merges the datagrams it forwards, as it would for
# any socket of that port. Not being for r, the trains must leave it as
# plain UDP: n2, whose own veth does no GRO, gets none whole (a train
# marked as a tunnel's would reach its hook whole, and a NIC's tunnel
# offload would take it for one with inner headers); the data arrives.
forwarded_trains() {
	local merged trains0 trains1
	defer netns_del_quiet n1 n2 r
	netns_add n1 n2 r
	veth_pair n1 v1 r r1
	veth_pair r r2 n2 v2
	ip -n n1 addr add "$N1_OUT4/24" dev v1
	ip -n r addr add 192.0.2.254/24 dev r1
	ip -n r addr add 198.51.100.254/24 dev r2
	ip -n n2 addr add 198.51.100.2/24 dev v2
	ip -n n1 route add default via 192.0.2.254
	ip -n n2 route add default via 198.51.100.254
	ip netns exec r sysctl -qw net.ipv4.ip_forward=1
	node_add n1 wgc
	node_add n2 wgc
	node_add r wgc
	wgx n1 set wg0 listen-port "$N1_PORT"
	wgx n2 set wg0 listen-port "$N2_PORT"
	wgx r set wg0 listen-port "$N2_PORT"
	ip -n r link set wg0 up
	peer_set n1 n2 allowed-ips "$N2_IN4/32" endpoint "198.51.100.2:$N2_PORT"
	peer_set n2 n1 allowed-ips "$N1_IN4/32"
	tun_addr n1 "$N1_IN4/24" "$N1_IN6/64"
	tun_addr n2 "$N2_IN4/24" "$N2_IN6/64"
	ip netns exec n1 ethtool -K v1 tso off tx-udp-segmentation off >/dev/null
	ip netns exec r ethtool -K r1 gro on >/dev/null
	ping_ok n1 "$N2_IN4"
	trains0=$(offload_stat n2 rx_udp_gro_packets)
	capture_start forwarded r r2 "udp and dst port $N2_PORT and greater 1600"
	head -c "$SIZE" /dev/urandom >"$TMPDIR/data"
	transfer_file n1 n2 "$N2_IN4" "$TMPDIR/data"
	capture_stop forwarded
	merged=$(capture_count forwarded)
	trains1=$(offload_stat n2 rx_udp_gro_packets)
	log "r forwarded $merged datagrams merged by its GRO; n2 received $((trains1 - trains0)) trains whole"
	((merged > 0)) || fail "r's GRO merged nothing it forwarded (the case proves nothing)"
	assert_eq "$((trains1 - trains0))" 0 "trains n2 received whole from r"
}

impl_load wgc
defer netns_del_quiet n1 n2
setup
subtest flags-and-counters flags_and_counters
subtest_nodebug tcp-trains-on-off "both settings' transfers: the other sub-cases send trains there, software-segmentation without them" \
	tcp_trains_on_off
subtest over-ipv6 over_ipv6
subtest software-segmentation software_segmentation
subtest receiver-gro receiver_gro
subtest mtu-boundaries mtu_boundaries
subtest threaded-napi threaded_napi
netns_del_quiet n1 n2
subtest rekey-during-trains rekey_during_trains
subtest roam-during-trains roam_during_trains
subtest_nodebug wireguard-both-ways "interoperation, which Debian's 6.1 and 6.12 kernels check" wireguard_both_ways
subtest_nodebug forwarded-trains "a router's choice of GSO type; receiver-gro drives GRO's completion there" \
	forwarded_trains
