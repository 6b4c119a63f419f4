#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One packet through wgc's transmit path: the workload the scripted GDB
# session of qemu/gdb-test.sh breaks into (wgc_packet_xmit). Also a plain
# test: with no peer for it, the packet is counted as a transmit error.
# timeout: 300
source "$(dirname "$0")/lib.sh"

load_wgc
ip link add wg0 type wgc
ip addr add 10.98.0.1/24 dev wg0
ip link set wg0 up
before=$(cat /sys/class/net/wg0/statistics/tx_errors)
ping -c 1 -W 5 10.98.0.2 >/dev/null 2>&1 || true
after=$(cat /sys/class/net/wg0/statistics/tx_errors)
((after > before)) || fail "the ping never reached wgc_packet_xmit (tx_errors $before -> $after)"
ip link del wg0
