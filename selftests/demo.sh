#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: shows, in the VM, what wgc can do today. Run by
# `make demo` (qemu/run.sh --mode demo).
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

say "Peers, the handshake and encrypted traffic arrive with the protocol work;"
echo "until then the device counts and drops what it is given to send:"
ip netns exec alpha ping -c 2 -W 1 10.70.0.2 > /dev/null 2>&1 || true
printf 'alpha wg0 tx_dropped: %s\n' "$(ip netns exec alpha cat /sys/class/net/wg0/statistics/tx_dropped)"

say "Tearing down: deleting the namespaces removes the devices"
ip netns del charlie
ip netns del bravo
ip netns del alpha
run ip -br link show type wgc
run rmmod wgc
echo "demo finished"
