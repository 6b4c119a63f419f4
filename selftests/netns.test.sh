#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Namespaces: the sockets stay where the device was created; the device goes
# away with either its own namespace or its sockets' namespace.
# timeout: 180
source "$(dirname "$0")/lib.sh"

load_wgc

udp_ports() { ip netns exec "$1" ss -Huln | awk '{print $4}' | sort; }
no_udp_ports() { [[ -z $(udp_ports "$1") ]]; }

move_keeps_sockets_home() {
	netns_add n0 n1
	n0 ip link add wg0 type wgc
	n0 wgctl set wg0 listen-port 40010
	n0 ip link set wg0 netns n1
	expect_fail n0 ip link show wg0
	n1 ip link set wg0 up
	assert_match "$(udp_ports n0)" '0\.0\.0\.0:40010' "IPv4 socket in n0"
	assert_match "$(udp_ports n0)" '\[::\]:40010|\*:40010' "IPv6 socket in n0"
	assert_eq "$(udp_ports n1)" "" "sockets in n1"
	assert_eq "$(n1 wgctl show wg0 listen-port)" 40010 "port seen from n1"
	n1 ip link set wg0 down
	assert_eq "$(udp_ports n0)" "" "sockets in n0 after down"
	ip netns del n0
	ip netns del n1
}

created_directly_elsewhere() {
	netns_add n0 n1
	n0 ip link add wg0 netns n1 type wgc
	n1 wgctl set wg0 listen-port 40011
	n1 ip link set wg0 up
	assert_match "$(udp_ports n0)" ':40011' "socket in the creating namespace"
	assert_eq "$(udp_ports n1)" "" "sockets in the device's namespace"
	ip netns del n0
	ip netns del n1
}

delete_device_namespace() {
	netns_add n0 n1
	n0 ip link add wg0 type wgc
	n0 wgctl set wg0 listen-port 40012
	n0 ip link set wg0 netns n1
	n1 ip link set wg0 up
	ip netns del n1
	wait_for -t 5 no_udp_ports n0
	assert_eq "$(udp_ports n0)" "" "sockets left in n0"
	ip netns del n0
}

delete_creating_namespace() {
	netns_add n0 n1
	n0 ip link add wg0 type wgc
	n0 ip link set wg0 netns n1
	n1 ip link set wg0 up
	n1 ip link add wg1 type wgc
	ip netns del n0
	wait_for -t 5 bash -c '! ip -n n1 link show wg0'
	n1 ip link show wg1 >/dev/null || fail "wg1, created in n1, went away too"
	ip netns del n1
}

device_back_to_init() {
	netns_add n0
	ip link add wg0 type wgc
	ip link set wg0 netns n0
	n0 ip link set wg0 netns 1
	ip link set wg0 up
	ip link del wg0
	ip netns del n0
}

many_namespaces_then_unload() {
	local i
	for i in 0 1 2 3 4 5 6 7; do
		netns_add "n$i"
		ip -n "n$i" link add wg0 type wgc
		ip -n "n$i" link set wg0 up
	done
	ip -n n0 link set wg0 netns n1 2>/dev/null &&
		fail "moving over an existing name succeeded"
	for i in 0 2 4 6; do
		ip netns del "n$i"
	done
	unload_wgc
	for i in 1 3 5 7; do
		assert_eq "$(ip -n "n$i" -br link show type wgc)" "" "wgc links in n$i"
		assert_eq "$(udp_ports "n$i")" "" "sockets in n$i"
		ip netns del "n$i"
	done
	load_wgc
}

subtest move-keeps-sockets move_keeps_sockets_home
subtest create-into-other-netns created_directly_elsewhere
subtest delete-device-netns delete_device_namespace
subtest delete-creating-netns delete_creating_namespace
subtest move-back device_back_to_init
subtest many-netns-unload many_namespaces_then_unload
