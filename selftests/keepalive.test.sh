#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Keepalives, watched on the "internet" veth. With persistent-keepalive 1 and
# no traffic at all, n1 sends an empty data message (a keepalive: 32 bytes of
# UDP payload) about once a second, and its transfer counter grows. Turned
# off, nothing more flows. Without persistent keepalive, the only keepalive
# is the passive one: the side that last received data and had nothing to
# send back sends one keepalive 10 s later (the protocol's Keepalive-Timeout),
# then all is quiet. IMPL=wireguard runs it on wireguard.ko.
# timeout: 180
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

pair_setup
OUTER="udp and port $N2_PORT"

# only the IPv4 "UDP, length N" lines of a capture, "TIME SRC LEN"
udp_lines() {
	capture_read "$1" | sed -nE 's/^([0-9.]+) IP ([0-9.]+)\.[0-9]+ > [0-9.]+\.[0-9]+: UDP, length ([0-9]+)$/\1 \2 \3/p'
}

persistent_every_second() {
	peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT" persistent-keepalive 1
	assert_eq "$(peer_field n1 n2 persistent-keepalive)" 1 "persistent-keepalive shown"
	# no user traffic: setting the keepalive is what starts the handshake
	wait_handshake n1 n2
	sleep 1
	local tx0 tx1 lines n other
	tx0=$(peer_field n1 n2 transfer)
	capture_start ka n2 v2 "$OUTER"
	sleep 5
	capture_stop ka
	tx1=$(peer_field n1 n2 transfer)
	lines=$(udp_lines ka)
	n=$(grep -c "^[0-9.]* $N1_OUT4 32\$" <<<"$lines" || true)
	other=$(grep -vc "^[0-9.]* $N1_OUT4 32\$" <<<"$lines" || true)
	log "in 5 s: $n keepalives from n1, $other other packets; n1 sent ${tx0##*$'\t'} -> ${tx1##*$'\t'} bytes"
	((n >= 3 && n <= 8)) || fail "$n keepalives from n1 in 5 s, want about 5 (3..8)"
	assert_eq "$other" 0 "packets other than n1's keepalives"
	((${tx1##*$'\t'} > ${tx0##*$'\t'})) || fail "n1's transfer counter (sent) did not grow"
}

persistent_off_quiet() {
	peer_set n1 n2 persistent-keepalive off
	assert_match "$(peer_field n1 n2 persistent-keepalive)" '^(off|0)$' "persistent-keepalive shown"
	sleep 1.5 # one already on its way
	capture_start off n2 v2 "$OUTER"
	sleep 4
	capture_stop off
	assert_eq "$(capture_read off)" "" "packets in 4 s with keepalive off"
}

# One ping: n1 sends the request, n2 answers at once (so n2 owes nothing),
# n1 receives the reply and has nothing to send: 10 s later n1 sends one
# keepalive. Nothing else follows.
passive_once() {
	capture_start passive n2 v2 "$OUTER"
	ping_ok -c 1 n1 "$N2_IN4"
	sleep 15
	capture_stop passive
	local lines reply_t t src len ka=() after=0 dt
	lines=$(udp_lines passive)
	log "outer packets (time src length): $(tr '\n' ';' <<<"$lines")"
	# the last packet carrying data from n2: the echo reply
	reply_t=$(awk -v s="$N2_OUT4" '$2 == s && $3 > 32 { t = $1 } END { print t }' <<<"$lines")
	[[ -n $reply_t ]] || fail "no echo reply from n2 on the wire"
	while read -r t src len; do
		[[ $(awk -v a="$t" -v b="$reply_t" 'BEGIN { print (a > b) }') == 1 ]] || continue
		after=$((after + 1))
		[[ $src == "$N1_OUT4" && $len == 32 ]] && ka+=("$t")
	done <<<"$lines"
	assert_eq "${#ka[@]}" 1 "keepalives from n1 after the reply"
	assert_eq "$after" 1 "packets after the reply"
	dt=$(awk -v a="${ka[0]}" -v b="$reply_t" 'BEGIN { printf "%.1f", a - b }')
	log "n1's passive keepalive came ${dt}s after the reply"
	[[ $(awk -v d="$dt" 'BEGIN { print (d >= 9 && d <= 13) }') == 1 ]] ||
		fail "the passive keepalive came ${dt}s after the last data received, want about 10 s"
}

subtest persistent-every-second persistent_every_second
subtest_nodebug persistent-off-quiet "the absence of a timer; persistent-every-second runs it" persistent_off_quiet
subtest_nodebug passive-keepalive-once "the passive keepalive's timing; persistent-every-second drives the timers" passive_once
