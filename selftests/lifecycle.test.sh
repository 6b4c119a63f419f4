#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Object lifetimes under traffic: bringing the device down and up, removing
# and re-adding a peer, replacing every peer, and deleting the device and
# unloading the module while packets are in flight. Nothing may crash, warn
# or leak (the harness judges the console; the debug kernel adds KASAN,
# lockdep and kmemleak), the tunnel must recover by itself where it should,
# and every peer the module logs as created must be logged as destroyed.
# wgc only: it looks at wgc's own debug messages.
# timeout: 240
source "$(dirname "$0")/lib.sh"
IMPL=wgc
source "$(dirname "$0")/tunnel-lib.sh"

# Peer lifetimes are logged at debug level, which the WGC_DEBUG build the
# harness tests has on (dyndbg=+p does the same for a release build).
load_wgc dyndbg=+p
pair_setup wgc wgc
peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT"
peer_set n2 n1 endpoint "$N1_OUT4:$N1_PORT"

FLOOD_PID=
flood_start() { # NS DST: pings as fast as replies come, until flood_stop
	ip netns exec "$1" ping -q -f -w 60 "$2" >/dev/null 2>&1 &
	FLOOD_PID=$!
}
flood_stop() {
	kill_quiet "$FLOOD_PID"
	wait "$FLOOD_PID" 2>/dev/null || true
	FLOOD_PID=
}
defer flood_stop

down_up_under_traffic() {
	ping_ok n1 "$N2_IN4"
	flood_start n1 "$N2_IN4"
	sleep 1
	ip -n n1 link set wg0 down
	sleep 0.5
	ip -n n1 link set wg0 up
	sleep 1
	flood_stop
	# Down forgot every session: the tunnel comes back by a new handshake.
	# (IPv6 addresses do not survive a down: only IPv4 is left to test.)
	ping_ok -w 10 n1 "$N2_IN4"
	ping_ok n2 "$N1_IN4"
}

remove_peer_under_traffic() {
	flood_start n1 "$N2_IN4"
	sleep 1
	wgx n2 set wg0 peer "$(pubkey_of n1)" remove
	assert_eq "$(wgx n2 show wg0 peers)" "" "n2's peers after removal"
	sleep 0.5
	flood_stop
	peer_set n2 n1 allowed-ips "$N1_IN4/32,$N1_IN6/128" endpoint "$N1_OUT4:$N1_PORT"
	# n1 still sends on the session n2 forgot, and would only notice after
	# 15 s of silence (the protocol's new-handshake timer); n2, which has
	# no session, starts a handshake as soon as it has something to send.
	ping_ok -w 10 n2 "$N1_IN4"
	ping_ok n1 "$N2_IN4"
}

replace_peers_under_traffic() {
	flood_start n2 "$N1_IN4"
	sleep 1
	# Every peer goes and comes back new, without its sessions.
	wgx n2 set wg0 peer "$(pubkey_of n1)" remove peer "$(pubkey_of n1)" \
		allowed-ips "$N1_IN4/32,$N1_IN6/128" endpoint "$N1_OUT4:$N1_PORT"
	sleep 0.5
	flood_stop
	ping_ok -w 15 n2 "$N1_IN4"
}

delete_under_traffic() {
	flood_start n1 "$N2_IN4"
	flood_start n2 "$N1_IN4"
	sleep 1
	ip -n n1 link del wg0
	ip -n n2 link del wg0
	flood_stop
	pkill -f "ping -q -f" || true
	unload_wgc
	local created destroyed
	created=$(dmesg | grep -cE 'wg0( \(unregistered\))?: peer [0-9]+ created$' || true)
	destroyed=$(dmesg | grep -cE 'wg0( \(unregistered\))?: peer [0-9]+ destroyed$' || true)
	log "peers created: $created, destroyed: $destroyed"
	((created >= 4)) || fail "only $created peer creations logged (is dynamic debug on?)"
	assert_eq "$destroyed" "$created" "peers destroyed vs created"
}

subtest down-up-under-traffic down_up_under_traffic
subtest remove-peer-under-traffic remove_peer_under_traffic
subtest replace-peers-under-traffic replace_peers_under_traffic
subtest delete-and-unload-under-traffic delete_under_traffic
