#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: shows, in the VM, what wgc can do today. Run by
# `make demo` (qemu/run.sh --mode demo). WGC_TEST_IMPL=wireguard (make demo
# IMPL=wireguard) runs the tunnel part on wireguard.ko and wg(8) instead, to
# check the demo itself.
set -euo pipefail

say() { printf '\n==> %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "Loading the wgc module"
run modprobe wgc
run lsmod | grep -E '^(wgc|Module)'

say "Two hosts, each in its own network namespace"
ip netns add alpha
ip netns add bravo
run ip -n alpha link add wg0 type wgc
run ip -n bravo link add wg0 type wgc
run ip -n alpha -d link show wg0

say "Keys: wgctl genkey / pubkey, as with wg(8)"
umask 077
wgctl genkey > /tmp/alpha.key
wgctl genkey > /tmp/bravo.key
printf 'alpha public key: %s\n' "$(wgctl pubkey < /tmp/alpha.key)"
printf 'bravo public key: %s\n' "$(wgctl pubkey < /tmp/bravo.key)"

say "Configuring the devices with wgctl set"
run ip netns exec alpha wgctl set wg0 private-key /tmp/alpha.key listen-port 51820 fwmark 0x51
run ip netns exec bravo wgctl set wg0 private-key /tmp/bravo.key listen-port 0
run ip -n alpha addr add 10.70.0.1/24 dev wg0
run ip -n bravo addr add 10.70.0.2/24 dev wg0
run ip -n alpha link set wg0 up
run ip -n bravo link set wg0 up

say "The UDP sockets are bound while the devices are up (port 0 = kernel's choice)"
run ip netns exec alpha ss -Huln
run ip netns exec bravo ss -Huln

say "wgctl show"
run ip netns exec alpha wgctl show
echo
run ip netns exec bravo wgctl show
echo
run ip netns exec bravo wgctl show wg0 dump

say "A device moved to another namespace keeps its socket where it was created"
ip netns add charlie
run ip -n bravo link set wg0 down
run ip -n bravo link set wg0 netns charlie
run ip -n charlie link set wg0 up
printf 'sockets in bravo (creator):   %s\n' "$(ip netns exec bravo ss -Huln | awk '{print $4}' | xargs)"
printf 'sockets in charlie (device): %s\n' "$(ip netns exec charlie ss -Huln | awk '{print $4}' | xargs)"

say "Bad input is refused and changes nothing"
ip netns exec alpha wgctl set wg0 listen-port 70000 || true
ip netns exec alpha wgctl set wg0 listen-port 1 private-key /dev/stdin <<< "not-a-key" || true
run ip netns exec alpha wgctl show wg0 listen-port

say "alpha has no peers: a packet into its tunnel has nowhere to go and is refused"
ip netns exec alpha ping -c 1 -W 1 10.70.0.2 2>&1 | grep -E 'From|transmitted' || true
printf 'alpha wg0 tx_errors: %s\n' "$(ip netns exec alpha cat /sys/class/net/wg0/statistics/tx_errors)"

# ---- a real tunnel
IMPL=${WGC_TEST_IMPL:-wgc}
KIND=wgc TOOL=wgctl
if [[ $IMPL == wireguard ]]; then
	KIND=wireguard TOOL=wg
	modprobe wireguard
	echo
	echo "(WGC_TEST_IMPL=wireguard: the tunnel below runs on wireguard.ko and wg)"
fi

say "A real tunnel: two sites, east and west, joined by a veth cable that plays the internet"
ip netns add east
ip netns add west
ip -n east link set lo up
ip -n west link set lo up
run ip link add eth0 netns east type veth peer name eth0 netns west
run ip -n east addr add 192.0.2.1/24 dev eth0
run ip -n west addr add 192.0.2.2/24 dev eth0
ip -n east link set eth0 up
ip -n west link set eth0 up

say "Each site gets a $KIND device and its own key pair ($TOOL genkey | $TOOL pubkey)"
run ip -n east link add wg0 type "$KIND"
run ip -n west link add wg0 type "$KIND"
"$TOOL" genkey > /tmp/east.key
"$TOOL" genkey > /tmp/west.key
EAST_PUB=$("$TOOL" pubkey < /tmp/east.key)
WEST_PUB=$("$TOOL" pubkey < /tmp/west.key)
printf 'east public key: %s\nwest public key: %s\n' "$EAST_PUB" "$WEST_PUB"

say "Each side is told the other's public key and which tunnel address it may use;"
echo "east also knows where west is (its endpoint); west will learn where east is"
echo "from east's first, authenticated, message"
run ip netns exec east "$TOOL" set wg0 private-key /tmp/east.key listen-port 51820 \
	peer "$WEST_PUB" allowed-ips 10.80.0.2/32 endpoint 192.0.2.2:51820
run ip netns exec west "$TOOL" set wg0 private-key /tmp/west.key listen-port 51820 \
	peer "$EAST_PUB" allowed-ips 10.80.0.1/32
run ip -n east addr add 10.80.0.1/24 dev wg0
run ip -n west addr add 10.80.0.2/24 dev wg0
ip -n east link set wg0 up
ip -n west link set wg0 up
run ip netns exec west "$TOOL" show

say "The first ping starts the handshake, then goes through the tunnel"
ip netns exec west tcpdump -Z root -n -l -c 4 -i eth0 udp > /tmp/wire.txt 2> /tmp/wire.err &
tcpdump_pid=$!
for _ in $(seq 50); do grep -q 'listening on' /tmp/wire.err && break; sleep 0.1; done
if ! run ip netns exec east ping -c 3 -w 10 10.80.0.2; then
	kill "$tcpdump_pid" 2> /dev/null || true
	echo
	echo "DEMO FAILED: no ping reply came back through the tunnel."
	ip netns exec east "$TOOL" show || true
	exit 1
fi
wait "$tcpdump_pid" || true

say "What the internet saw: UDP between 192.0.2.1 and 192.0.2.2 and nothing else;"
echo "the handshake (148 and 92 bytes), then the pings, encrypted inside"
cat /tmp/wire.txt

say "A short TCP transfer through the tunnel with iperf3"
ip netns exec west iperf3 -s -1 -B 10.80.0.2 > /dev/null 2>&1 &
for _ in $(seq 50); do [[ -n $(ip netns exec west ss -Htln 'sport = :5201') ]] && break; sleep 0.1; done
if ! run ip netns exec east timeout 30 iperf3 -c 10.80.0.2 -t 3 -f m --connect-timeout 3000; then
	echo
	echo "DEMO FAILED: the iperf3 transfer through the tunnel failed."
	exit 1
fi

say "$TOOL show on both ends: the latest handshake, the endpoint west learned, the bytes moved"
run ip netns exec east "$TOOL" show
echo
run ip netns exec west "$TOOL" show

say "Tearing down: deleting the namespaces removes the devices"
ip netns del charlie
ip netns del bravo
ip netns del alpha
ip netns del east
ip netns del west
run ip -br link show type wgc
run rmmod wgc
echo "demo finished"
