#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A peer's counters (`wgctl show wg0 stats`) come to exactly what was done
# to it: known traffic, replays, spoofed sources, forged messages, a spent
# session, a handshake given up, a packet too big, cookies and rekeys. Each
# sub-case counts on both ends of a wgc pair; keepalives, which the timers
# send when they please, are counted too and enter every sum.
#   counts-add-up: a handshake and 6 pings each way: the handshake counters,
#     packets and bytes (148 + 6 x 128 + 32 per keepalive one way, 92 + ...
#     the other), each side's sent equal to the other's received; the
#     `transfer` field, --json and --openmetrics say the same
#   replay: 3 copies of a captured data message: rx-dropped-replay 3
#   spoofed-source: 3 pings from an address not among the sender's allowed
#     IPs at the receiver: rx-dropped-source 3, none delivered or counted in
#   forged: 4 data messages under a live receiver index that fail
#     authentication: rx-dropped-auth 4
#   spent-session: a session past its message limit (debug parameters):
#     rx-dropped-no-session 2
#   given-up: a handshake nobody answers, given up after one retry: 2
#     initiations, 1 given up, its 3 waiting packets dropped, then 2 more
#     when the device goes down
#   too-big: routes that let 65,520-byte packets through: each dropped as
#     too big, with an ICMP "fragmentation needed" (IPv6: "packet too big")
#     to the sender
#   cookies: both ends under load (debug parameter): the cookie replies
#     each side sends and takes, and the handshakes they cost
#   rekey: a session whose counter passes 2^60 is replaced: one rekey on
#     each end (the responder's once confirmed), and its time
# timeout: 300
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

[[ $TUN_IMPL == wgc ]] || {
	log "per-peer counters are wgc's: nothing to run on $TUN_IMPL"
	exit 0
}
load_wgc
wgc_has_param send_counter_start ||
	fail "wgc.ko is not a debug build (WGC_DEBUG=y): it has no send_counter_start parameter"

# Message sizes (UDP payloads): an initiation, a response, a keepalive, and
# a 56-byte ping's echo (an 84-byte IPv4 packet padded to 96, plus 32).
INIT=148 RESP=92 KA=32 ECHO=128

# read_stats ARRAY NS PEER_NS: ARRAY[counter] = value, from one
# `wgctl show wg0 stats` in NS, for its peer PEER_NS
read_stats() {
	local -n _s=$1
	local key name value line n=0
	key=$(pubkey_of "$3")
	_s=()
	while IFS=$'\t' read -r line name value; do
		[[ $line == "$key" ]] || continue
		_s[$name]=$value
		n=$((n + 1))
	done < <(wgx "$2" show wg0 stats)
	((n == 21)) || fail "$n counters for $3 in $2's stats, not 21"
}

# expect ARRAY NAME=VALUE...: each counter as given
expect() {
	local -n _e=$1
	local what=$1 pair
	shift
	for pair in "$@"; do
		assert_eq "${_e[${pair%%=*}]}" "${pair#*=}" "$what: ${pair%%=*}"
	done
}

# no_drops ARRAY: all drop counters 0
no_drops() {
	expect "$1" rx-dropped-replay=0 rx-dropped-auth=0 rx-dropped-source=0 \
		rx-dropped-no-session=0 tx-dropped-no-session=0 tx-dropped-too-big=0
}

stats_pair() {
	pair_setup
	defer netns_del_quiet n1 n2
	peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT"
	peer_set n2 n1 endpoint "$N1_OUT4:$N1_PORT"
}

# quiet: long enough for what is in flight to land
quiet() { sleep 1; }

counts_add_up() {
	local -A a b
	local json om
	stats_pair
	ping_ok -c 1 n1 "$N2_IN4"
	ping_ok -c 5 n1 "$N2_IN4"
	quiet
	read_stats a n1 n2
	read_stats b n2 n1
	log "n1 about n2: $(for k in "${!a[@]}"; do printf '%s=%s ' "$k" "${a[$k]}"; done)"
	log "n2 about n1: $(for k in "${!b[@]}"; do printf '%s=%s ' "$k" "${b[$k]}"; done)"
	expect a initiations-sent=1 initiations-received=0 responses-sent=0 \
		responses-received=1 cookies-sent=0 cookies-received=0 \
		handshakes-given-up=0 rekeys=0 last-rekey=0
	expect b initiations-sent=0 initiations-received=1 responses-sent=1 \
		responses-received=0 cookies-sent=0 cookies-received=0 \
		handshakes-given-up=0 rekeys=0 last-rekey=0
	no_drops a
	no_drops b
	expect a tx-packets=$((1 + 6 + a[tx-keepalives])) \
		tx-bytes=$((INIT + 6 * ECHO + KA * a[tx-keepalives])) \
		rx-packets=$((1 + 6 + a[rx-keepalives])) \
		rx-bytes=$((RESP + 6 * ECHO + KA * a[rx-keepalives]))
	# what one sent, the other received (a veth loses nothing)
	expect b tx-packets="${a[rx-packets]}" tx-bytes="${a[rx-bytes]}" \
		tx-keepalives="${a[rx-keepalives]}" rx-packets="${a[tx-packets]}" \
		rx-bytes="${a[tx-bytes]}" rx-keepalives="${a[tx-keepalives]}"

	# the other forms read the same counters
	assert_eq "$(peer_field n1 n2 transfer)" "${a[rx-bytes]}"$'\t'"${a[tx-bytes]}" \
		"n1's transfer field against its stats"
	json=$(wgx n1 show --json)
	assert_eq "$(jq -r '.interfaces[0].peers[0].stats | [.rx_bytes, .tx_packets, .initiations_sent, .last_rekey] | @tsv' <<<"$json")" \
		"${a[rx-bytes]}"$'\t'"${a[tx-packets]}"$'\t'1$'\t'0 "n1's --json stats"
	assert_eq "$(jq -r '.interfaces[0].peers[0] | .transfer_rx == .stats.rx_bytes' <<<"$json")" true \
		"--json transfer_rx against stats.rx_bytes"
	om=$(wgx n1 show --openmetrics)
	assert_line "$om" "^wgc_peer_received_packets_total\\{interface=\"wg0\",public_key=\"[^\"]+\"\\} ${a[rx-packets]}\$" \
		"n1's --openmetrics received packets"
	assert_line "$om" "^wgc_peer_handshake_messages_total\\{interface=\"wg0\",public_key=\"[^\"]+\",direction=\"received\",message=\"response\"\\} 1\$" \
		"n1's --openmetrics responses received"
	assert_eq "$(tail -n1 <<<"$om")" "# EOF" "the exposition's end"
	# the Prometheus text format: the same sample, typed on its own name
	om=$(wgx n1 show wg0 --prometheus)
	assert_line "$om" "^# TYPE wgc_peer_received_packets_total counter\$" "--prometheus's type line"
	assert_line "$om" "^wgc_peer_received_packets_total\\{interface=\"wg0\",public_key=\"[^\"]+\"\\} ${a[rx-packets]}\$" \
		"n1's --prometheus received packets"
	# the counters go only to a get that asks for them (attribute 11 of
	# a peer, WGC_PEER_A_STATS)
	assert_nomatch "$(n1 wgc-nl get ifname=wg0)" $'(^|\n)peer [^ ]+ 11:' \
		"a plain get's peers"
	assert_match "$(n1 wgc-nl get ifname=wg0 11=01000000)" $'(^|\n)peer [^ ]+ 11:' \
		"the peers of a get with WGC_GET_F_PEER_STATS"
}

# data_hex NAME: each data message of capture NAME from n1, as hex from
# its IPv4 header on
data_hex() {
	capture_read "$1" -x "udp[8] = 4 and udp[4:2] > 40" | awk '
		/^[0-9]/ { if (hex != "") print hex; hex = ""; next }
		/0x[0-9a-f]+:/ { for (i = 2; i <= NF; i++) hex = hex $i }
		END { if (hex != "") print hex }'
}

replay() {
	local -A a0 a1 b0 b1
	local out
	stats_pair
	ping_ok -c 1 n1 "$N2_IN4"
	capture_start orig n2 v2 "udp and src host $N1_OUT4 and udp[8] = 4 and udp[4:2] > 40"
	ping_ok -c 1 n1 "$N2_IN4"
	capture_stop orig
	quiet
	read_stats a0 n1 n2
	read_stats b0 n2 n1
	out=$(n1 pcap-replay -u 4 -c 3 "$TMPDIR/orig.pcap")
	log "$out"
	quiet
	read_stats a1 n1 n2
	read_stats b1 n2 n1
	assert_eq "$((b1[rx-dropped-replay] - b0[rx-dropped-replay]))" 3 "replays n2 dropped"
	assert_eq "$((b1[rx-packets] - b0[rx-packets]))" "$((b1[rx-keepalives] - b0[rx-keepalives]))" \
		"messages n2 counted as received, but keepalives"
	assert_eq "$((b1[rx-bytes] - b0[rx-bytes]))" "$((KA * (b1[rx-keepalives] - b0[rx-keepalives])))" \
		"bytes n2 counted as received, but keepalives"
	expect b1 rx-dropped-auth=0 rx-dropped-source=0 rx-dropped-no-session=0
	assert_eq "$((a1[tx-packets] - a0[tx-packets]))" "$((a1[tx-keepalives] - a0[tx-keepalives]))" \
		"n1 sent nothing but keepalives (the replays were not its own)"
}

spoofed_source() {
	local -A a0 a1 b0 b1
	stats_pair
	ping_ok -c 1 n1 "$N2_IN4"
	ip -n n1 addr add 10.0.0.99/32 dev wg0
	quiet
	read_stats a0 n1 n2
	read_stats b0 n2 n1
	# n1 sends them: n2 allows 10.0.0.1 only from n1
	ping_none -c 3 n1 "$N2_IN4" -I 10.0.0.99
	quiet
	read_stats a1 n1 n2
	read_stats b1 n2 n1
	assert_eq "$((b1[rx-dropped-source] - b0[rx-dropped-source]))" 3 "spoofed packets n2 dropped"
	assert_eq "$((b1[rx-packets] - b0[rx-packets]))" "$((b1[rx-keepalives] - b0[rx-keepalives]))" \
		"messages n2 counted as received, but keepalives"
	assert_eq "$((a1[tx-packets] - a0[tx-packets]))" "$((3 + a1[tx-keepalives] - a0[tx-keepalives]))" \
		"messages n1 sent: the 3 pings, and keepalives"
	expect b1 rx-dropped-replay=0 rx-dropped-auth=0 rx-dropped-no-session=0
}

# forged: data messages under n2's live index for n1, whose ciphertext is
# noise; sent from n1's outer address, as n1's own would come
forged() {
	local -A b0 b1
	local hex index msg i
	stats_pair
	ping_ok -c 1 n1 "$N2_IN4"
	capture_start orig n2 v2 "udp and src host $N1_OUT4 and udp[8] = 4"
	ping_ok -c 1 n1 "$N2_IN4"
	capture_stop orig
	hex=$(data_hex orig | head -n 1)
	[[ ${#hex} -gt 96 ]] || fail "no data message captured from n1"
	# IPv4 20 + UDP 8 + type 4 bytes: then the receiver index, 4 bytes
	index=${hex:64:8}
	# type 4, the index, counter 1000 (fresh, in the window), 48 bytes of
	# "ciphertext and tag"
	msg="\\x04\\x00\\x00\\x00"
	for ((i = 0; i < 8; i += 2)); do msg+="\\x${index:i:2}"; done
	msg+="\\xe8\\x03\\x00\\x00\\x00\\x00\\x00\\x00"
	for ((i = 0; i < 48; i++)); do msg+="\\x5a"; done
	quiet
	read_stats b0 n2 n1
	for ((i = 0; i < 4; i++)); do
		ip netns exec n1 bash -c "printf '$msg' >/dev/udp/$N2_OUT4/$N2_PORT" ||
			fail "could not send a forged message"
	done
	quiet
	read_stats b1 n2 n1
	assert_eq "$((b1[rx-dropped-auth] - b0[rx-dropped-auth]))" 4 "forged messages n2 dropped"
	assert_eq "$((b1[rx-packets] - b0[rx-packets]))" "$((b1[rx-keepalives] - b0[rx-keepalives]))" \
		"messages n2 counted as received, but keepalives"
	expect b1 rx-dropped-replay=0 rx-dropped-source=0 rx-dropped-no-session=0
	ping_ok -c 1 n1 "$N2_IN4"
}

# REJECT_AFTER_MESSAGES - 2 (see protocol-limits.test.sh): of 4 pings, the
# first two arrive on a live session, the last two on one spent
spent_session() {
	local -A b
	wgc_param send_counter_start 18446744073709543484
	wgc_param send_past_reject_limit 1
	stats_pair
	ip netns exec n1 ping -n -c 4 -i 0.3 -W 1 "$N2_IN4" >/dev/null 2>&1 || true
	quiet
	read_stats b n2 n1
	expect b rx-dropped-no-session=2 rx-dropped-replay=0 rx-dropped-auth=0 \
		rx-dropped-source=0
}

given_up() {
	local -A a
	wgc_param max_timer_handshakes 0
	pair_setup
	defer netns_del_quiet n1 n2
	# nothing answers there
	peer_set n1 n2 endpoint "$N2_OUT4:9"
	ip netns exec n1 ping -n -c 3 -i 0.2 -W 1 "$N2_IN4" >/dev/null 2>&1 || true
	# first initiation, one retransmission 5 s later, given up 5 s after
	wait_for -t 20 -i 0.5 _given_up n1 n2
	read_stats a n1 n2
	expect a handshakes-given-up=1 initiations-sent=2 tx-dropped-no-session=3 \
		responses-received=0 tx-packets=2 tx-bytes=$((2 * INIT)) rx-packets=0
	# a new attempt: its 2 packets wait, and go with the device
	ip netns exec n1 ping -n -c 2 -i 0.2 -W 1 "$N2_IN4" >/dev/null 2>&1 || true
	ip -n n1 link set wg0 down
	read_stats a n1 n2
	expect a tx-dropped-no-session=5 handshakes-given-up=1
}

_given_up() {
	local -A s
	read_stats s "$1" "$2"
	((s[handshakes-given-up] > 0))
}

too_big() {
	local -A a
	local out
	stats_pair
	ping_ok -c 1 n1 "$N2_IN4"
	# the routes' locked MTU (65535 - 15 at most) is above the device's
	# largest (65440): 65,520-byte packets come through to the device
	ip -n n1 route add "$N2_IN4/32" dev wg0 mtu lock 65520
	ip -n n1 -6 route add "$N2_IN6/128" dev wg0 mtu lock 65520
	out=$(ip netns exec n1 ping -n -c 2 -i 0.3 -W 1 -M "do" -s 65492 "$N2_IN4" 2>&1 || true)
	log "$out"
	assert_match "$out" " 0 received" "replies to packets too big to send"
	assert_match "$out" "mtu = 65440" "the sender told the size that fits"
	read_stats a n1 n2
	expect a tx-dropped-too-big=2 tx-dropped-no-session=0
	# IPv6 heeds the "packet too big" even on a locked route: the second
	# is refused by n1's own stack, with the size the first one taught it
	out=$(ip netns exec n1 ping -6 -n -c 2 -i 0.3 -W 1 -M "do" -s 65472 "$N2_IN6" 2>&1 || true)
	log "$out"
	assert_match "$out" " 0 received" "replies to IPv6 packets too big to send"
	assert_match "$out" "mtu=65440" "the IPv6 sender told the size that fits"
	read_stats a n1 n2
	expect a tx-dropped-too-big=3
	ping_ok -c 1 n1 "$N2_IN4"
}

# Both ends under load: every handshake message needs a cookie first.
#  n1 initiates; n2 answers with a cookie reply (not counted for n1: an
#  initiation's sender is known only later); n1 retries at once, with MAC2;
#  n2 responds, without MAC2 (it has no cookie of n1's); n1 answers that
#  with a cookie reply, counted for n2 (the response names n1's
#  handshake); n1 retries after REKEY_TIMEOUT, and that handshake goes
#  through.
cookies() {
	local -A a b
	wgc_param handshake_load_mark 0
	stats_pair
	ping_ok -c 1 -w 15 n1 "$N2_IN4"
	quiet
	read_stats a n1 n2
	read_stats b n2 n1
	log "n1 about n2: $(for k in "${!a[@]}"; do printf '%s=%s ' "$k" "${a[$k]}"; done)"
	log "n2 about n1: $(for k in "${!b[@]}"; do printf '%s=%s ' "$k" "${b[$k]}"; done)"
	expect a initiations-sent=3 cookies-received=1 cookies-sent=1 responses-received=1
	expect b initiations-received=2 responses-sent=2 cookies-received=1 cookies-sent=0
}

# Only n1 sends: its sessions start 2 messages short of REKEY_AFTER_MESSAGES
# (a debug parameter), so it starts a new handshake at once, which
# REKEY_TIMEOUT holds back until 5 s after the first. n2, which sends
# nothing on its sessions (its output through wg0 is dropped), never asks
# for one. One rekey in 7 s, on each end: n1's when the response makes the
# new session, n2's when n1's next message confirms it.
rekey() {
	local -A a b
	local start
	wgc_param send_counter_start $(((1 << 60) - 2))
	stats_pair
	ip netns exec n2 nft 'add table inet quiet; add chain inet quiet out { type filter hook output priority 0; policy accept; }; add rule inet quiet out oifname "wg0" drop'
	start=$(date +%s)
	ip netns exec n1 ping -n -c 14 -i 0.5 -W 1 "$N2_IN4" >/dev/null 2>&1 || true
	quiet
	read_stats a n1 n2
	read_stats b n2 n1
	log "rekeys: n1 ${a[rekeys]} at ${a[last-rekey]}, n2 ${b[rekeys]} at ${b[last-rekey]} (since $start)"
	expect a rekeys=1 initiations-sent=2 responses-received=2
	expect b rekeys=1 initiations-received=2 responses-sent=2 tx-packets=2
	((a[last-rekey] >= start + 4 && a[last-rekey] <= $(date +%s))) ||
		fail "n1's last rekey at ${a[last-rekey]}, not 5 s after $start"
	((b[last-rekey] >= a[last-rekey] && b[last-rekey] <= a[last-rekey] + 2)) ||
		fail "n2's last rekey at ${b[last-rekey]}, not just after n1's (${a[last-rekey]})"
}

subtest counts-add-up counts_add_up
subtest replay replay
subtest spoofed-source spoofed_source
subtest forged forged
subtest spent-session spent_session
subtest given-up given_up
subtest too-big too_big
subtest cookies cookies
subtest rekey rekey
