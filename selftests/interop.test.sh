#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Interoperability: the implementation under test (n1) against the kernel's
# own wireguard.ko (n2). Each side in turn initiates: only the initiator is
# given an endpoint, and the handshake initiations on the wire are checked
# to come from it. With and without a preshared key: the handshake completes
# (latest handshake non-zero in `show dump` on both sides), ping works both
# ways, a short iperf3 TCP transfer works. IMPL=wireguard runs n1 on
# wireguard.ko too.
# timeout: 300
# debug kernel: skip: it runs on Debian's 6.12 kernel, the debug kernel's version, beside that version's wireguard.ko; wgc's handshake and data paths, as initiator and responder, run in every tunnel test there
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

# dump_peer NS PEER_NS: the peer's line of `show wg0 dump`, without the key:
# preshared-key endpoint allowed-ips latest-handshake rx tx keepalive
dump_peer() {
	local key line
	key=$(pubkey_of "$2")
	while IFS= read -r line; do
		if [[ $line == "$key"$'\t'* ]]; then
			printf '%s\n' "${line#*$'\t'}"
			return 0
		fi
	done < <(wgx "$1" show wg0 dump)
	fail "no peer $2 in the dump of $1"
}

# check_dump NS PEER_NS PSK_OR_NONE ENDPOINT
check_dump() {
	local psk hs endpoint _
	IFS=$'\t' read -r psk endpoint _ hs _ < <(dump_peer "$1" "$2")
	assert_match "$hs" '^[1-9][0-9]*$' "$1: latest handshake with $2 in the dump"
	assert_eq "$psk" "$3" "$1: preshared key of $2 in the dump"
	assert_eq "$endpoint" "$4" "$1: endpoint of $2 in the dump"
}

# one_case INITIATOR(n1|n2) psk|nopsk
one_case() {
	local init=$1 resp psk_shown="(none)" init_out resp_out resp_in mbps
	if [[ $init == n1 ]]; then
		resp=n2 init_out=$N1_OUT4 resp_out=$N2_OUT4:$N2_PORT resp_in=$N2_IN4
	else
		resp=n1 init_out=$N2_OUT4 resp_out=$N1_OUT4:$N1_PORT resp_in=$N1_IN4
	fi
	defer netns_del_quiet n1 n2
	pair_setup "$TUN_IMPL" wireguard
	if [[ $2 == psk ]]; then
		peer_set n1 n2 preshared-key "$(psk_file)"
		peer_set n2 n1 preshared-key "$(psk_file)"
		psk_shown=$(<"$(psk_file)")
	fi
	peer_set "$init" "$resp" endpoint "$resp_out"
	log "n1: $TUN_IMPL, n2: wireguard; $init ($([[ $init == n1 ]] && echo "$TUN_IMPL" || echo wireguard)) initiates, $2"

	capture_start init n1 v1 'udp and udp[8] = 1'
	ping_ok "$init" "$resp_in"
	capture_stop init
	wait_handshake "$init" "$resp"
	wait_handshake "$resp" "$init"
	local inits
	inits=$(capture_read init)
	assert_line "$inits" "IP $init_out\\.[0-9]+ > " "a handshake initiation from $init"
	assert_nomatch "$inits" "IP ${resp_out%:*}\\.[0-9]+ > " "handshake initiations from $resp"

	check_dump "$init" "$resp" "$psk_shown" "$resp_out"
	check_dump "$resp" "$init" "$psk_shown" "$init_out:$([[ $init == n1 ]] && echo "$N1_PORT" || echo "$N2_PORT")"

	ping_ok "$resp" "$([[ $init == n1 ]] && echo "$N1_IN6" || echo "$N2_IN6")"
	iperf_server "$resp" "$resp_in"
	mbps=$(iperf_tcp "$init" "$resp_in" 2)
	log "TCP from $init to $resp: $mbps Mbit/s"
}

impl_load "$TUN_IMPL" wireguard
# (named for what runs in the default mode; the log says what really runs)
subtest wgc-initiates-psk one_case n1 psk
subtest wireguard-initiates one_case n2 nopsk
# On the debug kernel, many times slower here, the two cases above take the
# module through both roles, with and without a preshared key.
if ((TUN_SLOW)); then
	log "slow (debug) kernel: wgc-initiates and wireguard-initiates-psk are left to the Debian kernel's run"
	exit 0
fi
subtest wgc-initiates one_case n1 nopsk
subtest wireguard-initiates-psk one_case n2 psk
