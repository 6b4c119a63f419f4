#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The protocol's limits, which no test could reach in real time: a session
# carries at most REJECT_AFTER_MESSAGES (2^64 - 8129) messages each way, a
# new one is due after REKEY_AFTER_MESSAGES (2^60), and a handshake is
# retransmitted every REKEY_TIMEOUT (5 s) for REKEY_ATTEMPT_TIME (90 s),
# then given up. wgc's debug build (what `make check` tests) has a module
# parameter for each shortcut; a release build has none of them:
#   send_counter_start       where new sessions' message counters start
#   send_past_reject_limit   a session goes on past the limit, as a broken
#                            or hostile peer would
#   max_timer_handshakes     retransmissions before giving up (90 / 5 = 18)
# Sub-cases:
#   send-stops-at-reject-limit: a session started 3 messages short of the
#     limit sends those 3 (wireguard.ko, the receiver, takes them) and no
#     counter at or past it; its packets then wait for a new handshake
#   rekey-after-messages: a session whose counter passes 2^60 starts a new
#     handshake long before REKEY_AFTER_TIME
#   receive-refuses-past-limit: of four messages whose counters straddle the
#     limit, the receiver delivers the two below it
#   handshake-gives-up: retransmissions come every REKEY_TIMEOUT, as many as
#     max_timer_handshakes (18 by default: 90 s) allows, then stop, and the
#     packet that waited for the handshake is dropped
# timeout: 240
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

[[ $TUN_IMPL == wgc ]] || {
	log "these limits are reached through wgc's debug-build parameters: nothing to run on $TUN_IMPL"
	exit 0
}
load_wgc
wgc_has_param send_counter_start ||
	fail "wgc.ko is not a debug build (WGC_DEBUG=y): it has no send_counter_start parameter"
need_modules wireguard

# REJECT_AFTER_MESSAGES is 2^64 - 1 - (8192 - 64) - 1 = 18446744073709543486,
# past bash's signed arithmetic: the counters near it are written out
REJECT_MINUS_3=18446744073709543483
REJECT_MINUS_2=18446744073709543484
REJECT_HEX=ffffffffffffe03e
REKEY_AFTER_MESSAGES_HEX=1000000000000000

# What n1 sends to n2 on the "internet": data messages, initiations.
FROM_N1="udp and src host $N1_OUT4 and dst port $N2_PORT"
DATA="udp[8] = 4"
INITIATION="udp[8] = 1"

# data_counters NAME: the message counter of each data message in capture
# NAME, in order, as 16 hex digits (the outer packets are IPv4)
data_counters() {
	local hex
	capture_read "$1" -x "$DATA" | awk '
		/^[0-9]/ { if (hex != "") print hex; hex = ""; next }
		/0x[0-9a-f]+:/ { for (i = 2; i <= NF; i++) hex = hex $i }
		END { if (hex != "") print hex }' |
		while read -r hex; do
			# IPv4 20 + UDP 8 + type and receiver index 8 bytes:
			# then the counter, little-endian
			hex=${hex:72:16}
			printf '%s\n' "${hex:14:2}${hex:12:2}${hex:10:2}${hex:8:2}${hex:6:2}${hex:4:2}${hex:2:2}${hex:0:2}"
		done
}

# limits_pair IMPL2 CAPTURE: n1 (wgc) and n2 (IMPL2) over the "internet",
# each knowing the other's endpoint; capture CAPTURE holds what n1 sends
limits_pair() {
	pair_setup wgc "$1"
	peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT"
	peer_set n2 n1 endpoint "$N1_OUT4:$N1_PORT"
	capture_start "$2" n2 v2 "$FROM_N1"
}

# pings NS DST COUNT INTERVAL: how many replies came back (no failure)
pings() {
	local out
	out=$(ip netns exec "$1" ping -n -c "$3" -i "$4" -W 1 "$2" 2>&1 || true)
	[[ $out =~ ([0-9]+)\ received ]] || fail "no ping summary: $out"
	printf '%s\n' "${BASH_REMATCH[1]}"
}

send_stops_at_reject_limit() {
	local counters c last="" over=0 replies inits
	defer netns_del_quiet n1 n2
	wgc_param send_counter_start "$REJECT_MINUS_3"
	limits_pair wireguard limit
	# a ping every 0.3 s for longer than REKEY_TIMEOUT: a new initiation is
	# allowed 5 s after the last one
	replies=$(pings n1 "$N2_IN4" 24 0.3)
	capture_stop limit
	counters=$(data_counters limit)
	log "n1's data message counters: $(tr '\n' ' ' <<<"$counters")"
	while read -r c; do
		[[ -n $c ]] || continue
		[[ $c < $REJECT_HEX ]] || over=$((over + 1))
		[[ -z $last || $c > $last ]] && last=$c
	done <<<"$counters"
	assert_eq "$over" 0 "data messages sent at or past the reject limit"
	assert_eq "$last" ffffffffffffe03d "highest counter sent (the last one below the limit)"
	((replies >= 3)) || fail "only $replies replies: the session's last messages did not arrive"
	inits=$(capture_count limit "$INITIATION")
	((inits >= 2)) || fail "$inits handshake initiation(s): an exhausted session must be replaced"
	log "$replies replies, $inits initiations"
}

rekey_after_messages() {
	local inits replies counters
	defer netns_del_quiet n1 n2
	wgc_param send_counter_start $(((1 << 60) - 2))
	limits_pair wireguard rekey
	replies=$(pings n1 "$N2_IN4" 16 0.5)
	capture_stop rekey
	counters=$(data_counters rekey)
	log "n1's data message counters: $(tr '\n' ' ' <<<"$counters")"
	assert_line "$counters" "^$REKEY_AFTER_MESSAGES_HEX\$" "a counter of 2^60 sent"
	inits=$(capture_count rekey "$INITIATION")
	# REKEY_AFTER_TIME is 120 s away: only the message count asks for this
	((inits >= 2)) || fail "$inits handshake initiation(s) in 8 s: 2^60 messages must start a new handshake"
	((replies >= 14)) || fail "only $replies of 16 replies"
	log "$replies replies, $inits initiations"
}

receive_refuses_past_limit() {
	local counters delivered
	defer netns_del_quiet n1 n2
	wgc_param send_counter_start "$REJECT_MINUS_2"
	wgc_param send_past_reject_limit 1
	limits_pair wgc wire
	capture_start inner n2 wg0 "icmp and icmp[icmptype] = icmp-echo"
	pings n1 "$N2_IN4" 4 0.3 >/dev/null
	capture_stop wire
	capture_stop inner
	counters=$(data_counters wire)
	log "n1's data message counters: $(tr '\n' ' ' <<<"$counters")"
	# the sender did go past the limit: this is what the receiver got
	assert_line "$counters" "^$REJECT_HEX\$" "a counter at the limit sent"
	delivered=$(capture_count inner)
	assert_eq "$delivered" 2 "echo requests n2 delivered (counters limit-2, limit-1)"
}

handshake_gives_up() {
	local times t prev="" gap n dropped
	defer netns_del_quiet n1 n2
	assert_eq "$(</sys/module/wgc/parameters/max_timer_handshakes)" 18 "retransmissions by default (90 s / 5 s)"
	wgc_param max_timer_handshakes 2
	pair_setup wgc wgc
	# nothing answers there: the handshake never completes
	peer_set n1 n2 endpoint "$N2_OUT4:9"
	capture_start tries n2 v2 "udp and src host $N1_OUT4 and $INITIATION"
	ip netns exec n1 ping -c 1 -W 1 "$N2_IN4" >/dev/null 2>&1 || true
	# 1 + 3 retransmissions, 5 s (plus up to 1/3 s) apart; giving up at
	# about 20 s, when a fifth would be due: then nothing more. A timer can
	# fire late on an emulator busy with another VM (7 s has been seen on
	# the debug kernel), never early: the gaps may stretch to 9 s, which
	# still tells REKEY_TIMEOUT from twice it.
	wait_for -t 30 -i 0.5 capture_has tries 4
	sleep 7
	capture_stop tries
	times=$(capture_read tries | awk '{ print $1 }')
	n=$(wc -l <<<"$times")
	log "initiations at: $(tr '\n' ' ' <<<"$times")"
	assert_eq "$n" 4 "initiations (the first, then max_timer_handshakes + 1 retransmissions)"
	for t in $times; do
		if [[ -n $prev ]]; then
			gap=$(awk -v a="$prev" -v b="$t" 'BEGIN { printf "%d", (b - a) * 1000 }')
			((gap >= 4900 && gap < 9000)) || fail "retransmission after $gap ms, not REKEY_TIMEOUT (5 s)"
		fi
		prev=$t
	done
	dropped=$(counter n1 wg0 tx_dropped)
	((dropped >= 1)) || fail "the packet that waited for the handshake was not dropped (tx_dropped $dropped)"
}

subtest send-stops-at-reject-limit send_stops_at_reject_limit
subtest rekey-after-messages rekey_after_messages
subtest receive-refuses-past-limit receive_refuses_past_limit
subtest handshake-gives-up handshake_gives_up
