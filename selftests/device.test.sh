#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The wgc link type: load/unload, add/up/down/del, geometry, drop counters.
# timeout: 240
source "$(dirname "$0")/lib.sh"

stat_of() { cat "/sys/class/net/$1/statistics/$2"; }
# For wait_for, which must read the counter again each time.
stat_at_least() { (($(stat_of "$1" "$2") >= $3)); }

load_and_unload() {
	load_wgc
	lsmod | grep -q '^wgc ' || fail "wgc missing from lsmod"
	unload_wgc
	[[ ! -d /sys/module/wgc ]] || fail "wgc still loaded after rmmod"
	load_wgc
}

link_basics() {
	ip link add wg0 type wgc
	local show
	show=$(ip -d link show wg0)
	assert_match "$show" 'POINTOPOINT,NOARP' "flags"
	assert_match "$show" 'mtu 1420 ' "default mtu"
	assert_match "$show" 'link/none' "link type"
	assert_match "$show" $'\n +wgc ' "link kind"
	assert_eq "$(cat /sys/class/net/wg0/type)" 65534 "ARPHRD_NONE"
	assert_match "$(cat /sys/class/net/wg0/uevent)" 'DEVTYPE=wgc' "devtype"

	ip link set wg0 up
	assert_match "$(ip link show wg0)" '[<,]UP[,>]' "up flag"
	ip link set wg0 down
	assert_nomatch "$(ip link show wg0)" '[<,]UP[,>]' "up flag after down"
	ip link del wg0
	expect_fail ip link show wg0
}

mtu_limits() {
	ip link add wg0 type wgc
	ip link set wg0 mtu 1280
	ip link set wg0 mtu 65440
	expect_fail ip link set wg0 mtu 65441
	expect_fail ip link set wg0 mtu 67
	assert_match "$(ip link show wg0)" 'mtu 65440 ' "mtu unchanged after rejects"
	ip link del wg0
}

# With no peer for the destination, xmit counts an error and answers the
# sender with ICMP "destination unreachable" rather than leaking packets.
xmit_no_peer() {
	ip link add wg0 type wgc
	ip addr add 10.99.0.1/24 dev wg0
	ip link set wg0 up
	local before out
	before=$(stat_of wg0 tx_errors)
	out=$(ping -c 3 -i 0.2 -W 1 10.99.0.2 2>&1 || true)
	(($(stat_of wg0 tx_errors) >= before + 3)) ||
		fail "tx_errors went from $before to $(stat_of wg0 tx_errors)"
	assert_line "$out" 'Destination Host Unreachable' "ping's report"
	ip link del wg0
}

# Datagrams on the port that are not WireGuard messages are dropped and
# counted.
receive_drops_and_counts() {
	ip link add wg0 type wgc
	wgctl set wg0 listen-port 40001
	ip link set wg0 up
	local i
	for i in 1 2 3; do
		echo "hello $i" | ncat -u --send-only 127.0.0.1 40001
		echo "hello $i" | ncat -u --send-only ::1 40001
	done
	wait_for -t 5 stat_at_least wg0 rx_dropped 6
	ip link del wg0
}

no_link_local_address() {
	# Random address generation would give the device a link-local address.
	sysctl -qw net.ipv6.conf.default.addr_gen_mode=3
	defer sysctl -qw net.ipv6.conf.default.addr_gen_mode=0
	ip link add wg0 type wgc
	ip link set wg0 up
	sleep 0.5
	assert_eq "$(ip -6 addr show dev wg0)" "" "IPv6 addresses on wg0"
	ip link del wg0
}

# One ip process for all of it: forks cost more than the cycles under
# emulation. 100 cycles; 30 on a kernel with sanitizers, where each takes a
# fifth of a second of grace periods.
create_delete_cycles() {
	local i n=100
	[[ -z ${WGC_SANITIZERS:-} ]] || n=30
	log "$n cycles"
	for ((i = 0; i < n; i++)); do
		printf 'link add wg0 type wgc\nlink set wg0 up\nlink del wg0\n'
	done | ip -batch -
	assert_eq "$(ip -br link show type wgc)" "" "leftover wgc links"
	assert_eq "$(ss -Huln | wc -l)" 0 "leftover UDP sockets"
}

unload_with_devices() {
	local i
	for i in 0 1 2; do
		ip link add "wg$i" type wgc
	done
	wgctl set wg1 listen-port 40002
	ip link set wg1 up
	unload_wgc
	assert_eq "$(ip -br link show | grep -c '^wg' || true)" 0 "links after unload"
	assert_eq "$(ss -Huln | wc -l)" 0 "UDP sockets after unload"
	load_wgc
}

autoload() {
	unload_wgc
	ip link add wg0 type wgc
	[[ -d /sys/module/wgc ]] || fail "ip link add did not load wgc"
	ip link del wg0
}

subtest load-unload load_and_unload
subtest link link_basics
subtest mtu mtu_limits
subtest xmit-no-peer xmit_no_peer
subtest receive-drop receive_drops_and_counts
subtest no-link-local no_link_local_address
subtest create-delete-cycles create_delete_cycles
subtest unload-with-devices unload_with_devices
subtest autoload autoload
