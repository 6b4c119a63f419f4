#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Handshake floods. A responder (n2) is flooded with handshake initiations
# that carry a valid MAC1 and random contents (selftests/tools/wgc-flood),
# from an attacker namespace (na) that spoofs up to 100,000 source addresses:
#
#   n1 (legit peer) v1 192.0.2.1 ---- v2 192.0.2.2   n2 (responder)
#   na (attacker)   va 198.51.100.1 -- vb 198.51.100.2  n2
#                   spoofed sources 198.18.0.0/15, routed back to na
#
# - per-source-limit: 1,000 initiations in a second from one address get
#   the burst plus 20 per second processed, the others a cookie reply
#   (none is dropped: a peer behind a NAT proves its port with it), every
#   one of them is accounted for, and a second address is not held back
#   by the first one's bucket; one address flooding two devices of the
#   namespace at once shares one bucket between them.
# - flood-legit-peer: under a flood of at least 20,000 initiations from
#   1,000 spoofed
#   sources, n2 answers with cookie replies, n1 still completes its
#   handshake within 10 s (wgc sends its next initiation within a second
#   of the cookie reply) and traffic flows; the ratelimiter tracks at most
#   the 1,000 sources and forgets them once the flood stops; wgc logs only
#   a bounded number of lines.
# - replayed-initiation-ignored: an initiation captured on the wire and sent
#   again is processed but refused (its timestamp is not newer), and gets no
#   response.
# - cookie-interop-*: wgc against wireguard.ko, each in turn the flooded
#   responder: the initiator gets a cookie reply, sends its next initiation
#   with a MAC2 made from it, and the handshake completes. wgc as the
#   initiator sends it within a second of the reply, not after its 5 s
#   retransmit timer.
# - forged-cookie-replies: cookie replies an attacker made (selftests/tools/
#   cookie-forger), three to each initiation, make wgc retry at once only
#   once per initiation of its timers: no amplification.
# - spoofed-sources-fill-limiter: the sources all ratelimiters may track
#   are lowered to 200 (debug parameter), so that half of that, 100, is
#   the room for sources not yet proven by a MAC2, and n2 is kept from
#   being under load. A flood from 100,000 spoofed sources (1,000 on a
#   slow kernel) fills that room; then n1, a new source for n2, and n3, a new source for n4 in a
#   namespace the flood never reaches, each get a cookie reply instead of
#   being refused, come back with a MAC2 and complete their handshakes
#   within 12 s (n4's while n2's flood keeps the shared handshake workers busy: each
#   device's work takes a batch of messages at a time).
# - nat-peers-wgc, nat-peers-wireguard: 100 clients (wgc, then wireguard.ko;
#   40 wgc on a slow kernel)
#   in one namespace behind a masquerading router send a packet each at
#   once: n2 gets 100 initiations from one address. Those above the
#   address's rate get a cookie reply; each client comes back with a MAC2
#   (wgc at once, wireguard.ko on its retransmit timer), counts on its own
#   port, and gets in; none is dropped, none processed twice. (The clients
#   share one namespace, so n2's 100 responses come from one source to
#   their one ratelimiter: responses are limited only under load.)
# - data-flood: 20,000 data messages to random receiver indices, from 1,000
#   spoofed sources, while n1 and n2 have a session: each one is dropped
#   (wgc counts every one in rx_dropped) and the tunnel carries traffic
#   on, its session unchanged.
# - handshake-workers: the handshake workers are kernel threads wgc-hs/N,
#   one per CPU, at nice 19 (below the data path); loaded with
#   handshake_nice=0 they run at nice 0 and a handshake completes; a value
#   that is not a nice value refuses the load with a message saying so.
# - unload-after-flood: devices deleted and the module removed while a flood
#   is still arriving; the harness fails the run on any leak or warning.
# Under emulation a flood cannot always fill the queue to the under-load
# mark; then the debug module's mark is lowered (see put_under_load). The
# generator runs at nice 19 on one CPU (see FLOOD_PIN): a remote
# attacker's CPU time is not the responder's.
# The counters are wgc's (`wgctl show wg0 handshake-stats`); with
# IMPL=wireguard only what wireguard.ko shows is checked.
# timeout: 420
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

command -v wgc-flood >/dev/null ||
	fail "wgc-flood is missing from /selftests/bin (make -C selftests/tools)"

NA_OUT4=198.51.100.1 N2_ATT4=198.51.100.2 SPOOFED=198.18.0.0/15
# Fast enough that the handshake queue fills up past the under-load mark
# under emulation, slow enough that cookie replies keep it from overflowing.
FLOOD_RATE=15000

# hs_stat NS NAME: one counter of `wgctl show wg0 handshake-stats` in NS
# (of DEV, default wg0)
hs_stat() {
	local v dev=${3:-wg0}
	v=$(ip netns exec "$1" wgctl show "$dev" handshake-stats |
		awk -F '\t' -v n="$2" '$1 == n { print $2 }')
	[[ $v =~ ^[0-9]+$ ]] ||
		FAIL_DEPTH=2 fail "no handshake-stats counter '$2' for $dev in $1 (got '$v')"
	printf '%s\n' "$v"
}

# hs_stat_is NS NAME VALUE, hs_stat_above NS NAME VALUE: for wait_for,
# which runs its command again each time (a $(...) in its arguments would
# be read only once).
hs_stat_is() { [[ $(hs_stat "$1" "$2") == "$3" ]]; }
hs_stat_above() { (($(hs_stat "$1" "$2") > $3)); }

hs_stats_log() {
	log "$1 handshake-stats: $(ip netns exec "$1" wgctl show wg0 handshake-stats | tr '\t\n' '= ')"
}

# The two-node pair, plus the attacker and the route back to its sources.
dos_setup() {
	pair_setup "$@"
	netns_add na
	veth_pair na va n2 vb
	ip -n na addr add "$NA_OUT4/24" dev va
	ip -n n2 addr add "$N2_ATT4/24" dev vb
	ip -n n2 route add "$SPOOFED" via "$NA_OUT4"
	peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT"
}

dos_teardown() { netns_del_quiet n1 n2 na; }

# The generator runs at nice 19 on the VM's last CPU only (against wgc;
# against wireguard.ko, see cookie_interop). A remote
# attacker's CPU time is not the responder's; here it would otherwise
# take the CPUs from the handshake workers, which run at nice 19 and
# yield to anything at nice 0. Its packets' receive path (softirq, which
# yields to nothing) still runs on that CPU.
FLOOD_PIN=(nice -n 19)
(($(nproc) > 1)) && FLOOD_PIN+=(taskset -c $(($(nproc) - 1)))

# flood ARGS...: wgc-flood from na at n2, in the foreground; prints its
# report. FLOOD_SENT is set to the number of packets it sent.
flood() {
	local out
	out=$(nsexec na "${FLOOD_PIN[@]}" wgc-flood --target "$N2_ATT4" --port "$N2_PORT" \
		--public-key "$(pubkey_of n2)" "$@") ||
		FAIL_DEPTH=2 fail "wgc-flood $* failed: $out"
	log "wgc-flood $*: ${out//$'\n'/; }"
	FLOOD_SENT=$(sed -n 's/^sent \([0-9]*\) packets.*/\1/p' <<<"$out")
	FLOOD_SECONDS=$(sed -n 's/.* in \([0-9.]*\) s$/\1/p' <<<"$out")
	[[ $FLOOD_SENT =~ ^[0-9]+$ ]] || FAIL_DEPTH=2 fail "cannot read wgc-flood's report: $out"
}

# flood_bg FILE ARGS...: the same in the background, its report in FILE;
# sets FLOOD_PID.
flood_bg() {
	local file=$1
	shift
	ip netns exec na "${FLOOD_PIN[@]}" wgc-flood --target "$N2_ATT4" --port "$N2_PORT" \
		--public-key "$(pubkey_of n2)" "$@" >"$file" 2>&1 &
	FLOOD_PID=$! FLOOD_REPORT=$file
	defer kill_quiet "$FLOOD_PID"
}

# put_under_load: waits for the flood to put n2 (wgc) under load at the real
# mark (512 waiting messages). Under emulation that is not always possible:
# the flood generator and Curve25519 share two emulated CPUs and run at
# about the same speed on Debian's kernel, and on a slow (debug) kernel the
# packet path costs far more than Curve25519. There, the debug module's
# handshake_load_mark is lowered to 1 (every message counts as load), which
# still puts the cookie code to work (and under KASAN and lockdep), and
# LOAD_FORCED is set to 1.
LOAD_MARK=/sys/module/wgc/parameters/handshake_load_mark
LOAD_FORCED=0
put_under_load() {
	local deadline=$((SECONDS + 10))
	if ! ((TUN_SLOW)); then
		until [[ $(hs_stat n2 under-load) == 1 ]]; do
			if ((SECONDS > deadline)); then
				hs_stats_log n2
				log "n2 was not under load after 10 s of flood: the flood cannot outrun Curve25519 here"
				break
			fi
			sleep 0.2
		done
		[[ $(hs_stat n2 under-load) == 1 ]] && return 0
	fi
	[[ -w $LOAD_MARK ]] || FAIL_DEPTH=2 fail "$LOAD_MARK is missing: not a WGC_DEBUG build?"
	log "handshake_load_mark $(<"$LOAD_MARK") -> 1: every handshake message counts as load"
	defer eval "echo $(<"$LOAD_MARK") >$LOAD_MARK"
	echo 1 >"$LOAD_MARK"
	LOAD_FORCED=1
	deadline=$((SECONDS + 10))
	until [[ $(hs_stat n2 under-load) == 1 ]]; do
		if ((SECONDS > deadline)); then
			hs_stats_log n2
			FAIL_DEPTH=2 fail "n2 not under load 10 s after lowering the mark; the flood: $(head -c 300 "$FLOOD_REPORT")"
		fi
		sleep 0.2
	done
}

accounted_at_least() { (($(accounted) >= $1)); }
accounted_both_at_least() { (($(accounted) + $(accounted wg1) >= $1)); }

# Sum of the counters every handshake message ends up in.
# (of n2's DEV, default wg0)
accounted() {
	local dev=${1:-wg0}
	echo $(($(hs_stat n2 processed "$dev") + $(hs_stat n2 rate-limited "$dev") +
		$(hs_stat n2 missing-cookie "$dev") + $(hs_stat n2 queue-full "$dev") +
		$(hs_stat n2 invalid-mac1 "$dev")))
}

per_source_limit() {
	local p0 p1 r0 r1 c0 c1 a0 a1 i0 i1 limit
	# Its figures are rates, which a slow kernel's workers only
	# approximate (40 s there): the debug run has the limiter's arithmetic
	# from the module's self-test at load, and its code paths from the
	# sub-cases below.
	if ((TUN_SLOW)); then
		log "per-source-limit: skipped on a slow kernel"
		return 0
	fi
	defer dos_teardown
	dos_setup
	ip -n na addr add 198.51.100.3/24 dev va
	p0=$(hs_stat n2 processed) r0=$(hs_stat n2 rate-limited)
	a0=$(accounted) i0=$(hs_stat n2 invalid) c0=$(hs_stat n2 missing-cookie)

	flood --from "$NA_OUT4" --count 1000 --rate 1000 --seconds 5
	assert_eq "$FLOOD_SENT" 1000 "initiations sent"
	wait_for -t 10 accounted_at_least $((a0 + 1000))
	p1=$(hs_stat n2 processed) r1=$(hs_stat n2 rate-limited)
	a1=$(accounted) i1=$(hs_stat n2 invalid) c1=$(hs_stat n2 missing-cookie)
	hs_stats_log n2
	assert_eq $((a1 - a0)) 1000 "initiations accounted for in n2's handshake-stats"
	# 5 from the full bucket, then one per 50 ms the flood lasted. The
	# bucket is read when a worker gets to a message, which lags the
	# sender (each message above the rate costs a cookie reply): by up to
	# 0.2 s, half a second on a slow kernel.
	limit=$(awk -v s="$FLOOD_SECONDS" -v lag=$((TUN_SLOW ? 5 : 2)) \
		'BEGIN { printf "%d", 5 + 20 * (s + lag / 10) + 1 }')
	log "processed $((p1 - p0)) of 1000 in ${FLOOD_SECONDS}s (at most $limit allowed), asked for a cookie $((c1 - c0)), rate-limited $((r1 - r0))"
	(((p1 - p0) <= limit)) || fail "n2 processed $((p1 - p0)) initiations from one source in ${FLOOD_SECONDS}s; at most $limit allowed"
	# Above its rate, a message without a MAC2 is answered with a cookie
	# reply (a peer behind a NAT proves its port with it), not dropped.
	(((c1 - c0) >= 1000 - limit)) || fail "n2 answered only $((c1 - c0)) of 1000 initiations from one source with a cookie reply"
	assert_eq $((r1 - r0)) 0 "initiations without a MAC2 dropped as rate-limited"
	# Random contents: every processed one fails to decrypt.
	assert_eq $((i1 - i0)) $((p1 - p0)) "processed initiations counted invalid"

	# A second source, right after: its whole burst goes through.
	p0=$p1 r0=$r1 a0=$a1
	flood --from 198.51.100.3 --count 5 --seconds 5
	wait_for -t 10 accounted_at_least $((a0 + 5))
	assert_eq $(($(hs_stat n2 processed) - p0)) 5 "initiations processed from a second source"
	assert_eq $(($(hs_stat n2 rate-limited) - r0)) 0 "initiations rate-limited from a second source"
	[[ $TUN_IMPL == wgc ]] || return 0
	shared_by_devices
}

# processed_both: initiations processed by n2's wg0 and wg1 together
processed_both() { echo $(($(hs_stat n2 processed) + $(hs_stat n2 processed wg1))); }

# One bucket per source for all devices whose sockets are in a namespace:
# one address flooding two of them at once gets the rate once, not twice.
shared_by_devices() {
	local key=$TMPDIR/wg1.key p0 p1 a0 secs limit t0 t1 pid
	(umask 077 && wgctl genkey >"$key")
	ip -n n2 link add wg1 type wgc
	ip netns exec n2 wgctl set wg1 private-key "$key" listen-port $((N2_PORT + 1))
	ip -n n2 link set wg1 up
	sleep 1 # the source's bucket is full again
	p0=$(processed_both) a0=$(($(accounted) + $(accounted wg1)))
	# The two floods do not start at the same instant: the bucket refills
	# over the whole span from the first start to the last end.
	t0=$EPOCHREALTIME
	ip netns exec na wgc-flood --target "$N2_ATT4" --port $((N2_PORT + 1)) \
		--public-key "$(wgctl pubkey <"$key")" --from "$NA_OUT4" \
		--count 1000 --rate 1000 --seconds 5 >"$TMPDIR/wg1.report" 2>&1 &
	pid=$!
	flood --from "$NA_OUT4" --count 1000 --rate 1000 --seconds 5
	wait "$pid" || fail "wgc-flood at wg1 failed: $(<"$TMPDIR/wg1.report")"
	t1=$EPOCHREALTIME
	wait_for -t 10 accounted_both_at_least $((a0 + 2000))
	p1=$(processed_both)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	limit=$(awk -v s="$secs" 'BEGIN { printf "%d", 5 + 20 * s + 1 }')
	log "one source at two devices at once: $((p1 - p0)) of 2000 processed over ${secs}s (at most $limit allowed; separate buckets would allow about twice that)"
	(((p1 - p0) <= limit)) ||
		fail "n2's two devices processed $((p1 - p0)) initiations from one source in ${secs}s; one shared bucket allows $limit"
	(($(hs_stat n2 missing-cookie wg1) > 0)) || fail "wg1 held back nothing"
}

# cookie_retry_delay: seconds from the first cookie reply to n1 to the
# initiation n1 sent after it, as capture hs saw them on n1's link.
cookie_retry_delay() {
	capture_read hs | awk -v n1="$N1_OUT4." -v n2="$N2_OUT4." '
		/length 64$/ && tc == "" && index($3, n2) == 1 { tc = $1; next }
		tc != "" && /length 148$/ && index($3, n1) == 1 {
			printf "%.3f\n", $1 - tc
			exit
		}
		END { if (tc == "") print "no-cookie" }'
}

flood_legit_peer() {
	local report=$TMPDIR/flood.report start took entries max_entries=0
	local log0 lines hs_timeout arrived=0 want deadline
	defer dos_teardown
	dos_setup
	log0=$(dmesg | grep -c 'wgc' || true)

	# Runs until n2 has seen enough of it (below), 60 s at the most.
	flood_bg "$report" --sources "$SPOOFED" --num-sources 1000 \
		--count $((FLOOD_RATE * 60)) --rate "$FLOOD_RATE" --seconds 60
	if [[ $TUN_IMPL == wgc ]]; then
		put_under_load
		hs_stats_log n2
	else
		sleep 3
	fi

	# With every message counting as load (put_under_load), n1 first
	# answers n2's response with a cookie too: that takes one more round.
	start=$SECONDS hs_timeout=$((LOAD_FORCED ? 25 : 10))
	capture_start hs n1 v1 "udp and host $N2_OUT4 and (udp[8] = 1 or udp[8] = 3)"
	ip netns exec n1 ping -n -c 1 -W 1 "$N2_IN4" >/dev/null 2>&1 || true
	wait_handshake -t "$hs_timeout" n1 n2
	took=$((SECONDS - start))
	log "n1's handshake with the flooded n2 took ${took}s"
	capture_stop hs
	[[ $TUN_IMPL != wgc ]] || cookie_retry_at_once if-any
	ping_ok -w 10 n1 "$N2_IN4"
	kill -0 "$FLOOD_PID" 2>/dev/null ||
		fail "the flood ended before the handshake was checked: $(<"$report")"
	if [[ $TUN_IMPL == wgc ]]; then
		log "n1 received $(hs_stat n1 cookies-received) cookie replies"
	fi

	# 20,000 initiations must reach n2 (a slow kernel's packet path
	# carries far fewer in the same time: 5,000 there).
	want=$((TUN_SLOW ? 5000 : 20000)) deadline=$((SECONDS + 60))
	while kill -0 "$FLOOD_PID" 2>/dev/null && ((SECONDS < deadline)); do
		if [[ $TUN_IMPL == wgc ]]; then
			entries=$(hs_stat n2 ratelimiter-entries)
			((entries > max_entries)) && max_entries=$entries
			arrived=$(accounted)
			((arrived < want)) || break
		elif ((SECONDS - start > 15)); then
			break
		fi
		sleep 0.5
	done
	kill -0 "$FLOOD_PID" 2>/dev/null || fail "the flood ended early: $(<"$report")"
	kill_quiet "$FLOOD_PID"
	ping_ok n1 "$N2_IN4"
	[[ $TUN_IMPL == wgc ]] || return 0

	hs_stats_log n2
	log "initiations n2 received during the flood: $arrived"
	((arrived >= want)) || fail "only $arrived initiations reached n2 in 60 s, want $want"
	((max_entries <= 1001)) ||
		fail "the ratelimiter tracked $max_entries sources; the flood had 1000 and n1 is one more"
	(($(hs_stat n2 cookie-replies-sent) >= 1000)) ||
		fail "n2 sent only $(hs_stat n2 cookie-replies-sent) cookie replies under the flood"
	(($(hs_stat n2 processed) < arrived / 2)) ||
		fail "n2 did the handshake work for $(hs_stat n2 processed) of $arrived flooding initiations"
	# Idle sources are forgotten about a second after the last of the
	# messages still queued when the flood stopped has been handled.
	start=$SECONDS
	if ! within 10 hs_stat_is n2 ratelimiter-entries 0; then
		hs_stats_log n2
		log "flood processes left: $(pgrep -c wgc-flood || true)"
		sleep 1
		hs_stats_log n2
		fail "the ratelimiter still tracks $(hs_stat n2 ratelimiter-entries) sources 10 s after the flood"
	fi
	log "the ratelimiter was empty $((SECONDS - start))s after the flood"
	lines=$(($(dmesg | grep -c 'wgc' || true) - log0))
	log "wgc kernel log lines during the flood: $lines (max ratelimiter entries seen: $max_entries)"
	((lines <= 100)) || fail "wgc logged $lines lines during the flood: not rate-limited"
}

# Initiation type 1, from n1 to n2; cookie reply type 3, from n2 to n1.
INIT_FROM_N1="udp and src host $N1_OUT4 and udp[8] = 1"
COOKIE_TO_N1="udp and src host $N2_OUT4 and udp[8] = 3"

replayed_initiation_ignored() {
	local p0 i0 out
	defer dos_teardown
	dos_setup
	capture_start init n2 v2 "$INIT_FROM_N1"
	ping_ok -c 1 n1 "$N2_IN4"
	wait_handshake n1 n2
	capture_stop init
	assert_eq "$(capture_count init)" 1 "initiations captured"
	ping_ok n1 "$N2_IN4"

	p0=$(hs_stat n2 processed) i0=$(hs_stat n2 invalid)
	capture_start resp n2 v2 "udp and src host $N2_OUT4 and udp[8] = 2"
	out=$(n1 pcap-replay -u 1 "$TMPDIR/init.pcap")
	log "$out"
	wait_for -t 5 hs_stat_above n2 processed "$p0"
	sleep 1
	capture_stop resp
	assert_eq $(($(hs_stat n2 invalid) - i0)) 1 "replayed initiation refused"
	assert_eq "$(capture_count resp)" 0 "responses to the replayed initiation"
	ping_ok n1 "$N2_IN4"
}

# cookie_retry_at_once [if-any]: in capture hs, n1 (wgc) answered n2's
# first cookie reply with its next initiation within a second: the reply
# sent it, not the retransmit timer (5 s). if-any: a capture without a
# cookie reply passes.
cookie_retry_at_once() {
	local delay
	delay=$(cookie_retry_delay)
	if [[ $delay == no-cookie && $1 == if-any ]]; then
		log "n2 answered n1 without a cookie reply (in a lull of the flood): no retry to time"
		return 0
	fi
	[[ $delay =~ ^[0-9.]+$ ]] || FAIL_DEPTH=2 fail "no cookie reply to n1, then an initiation from it, in the capture"
	log "n1's next initiation followed the cookie reply after ${delay}s"
	awk -v d="$delay" 'BEGIN { exit !(d < 1) }' ||
		FAIL_DEPTH=2 fail "n1 waited ${delay}s after the cookie reply: its retransmit timer, not the reply, sent the next initiation"
}

# cookie_interop RESPONDER_IMPL INITIATOR_IMPL: the responder n2 is flooded
# until it is under load; the initiator n1 must get a cookie reply, then
# send an initiation with a non-zero MAC2, and complete the handshake. wgc
# as the initiator sends that initiation at once (within a second of the
# cookie reply); wireguard.ko waits for its retransmit timer (5 s).
cookie_interop() {
	local report=$TMPDIR/flood.report try
	# wireguard.ko's handshake workers run at nice 0 on every CPU: only
	# a generator as strong puts it under load.
	[[ $1 == wgc ]] || local FLOOD_PIN=()
	defer dos_teardown
	dos_setup "$2" "$1"
	# Initiations and cookie replies (types 1 and 3) between n1 and n2, in
	# order, and initiations from n1 whose MAC2 (the last 16 bytes of the
	# 148) is not all zeros.
	capture_start hs n1 v1 "udp and host $N2_OUT4 and (udp[8] = 1 or udp[8] = 3)"
	capture_start mac2 n2 v2 "$INIT_FROM_N1 and (udp[140:4] != 0 or udp[144:4] != 0 or udp[148:4] != 0 or udp[152:4] != 0)"
	flood_bg "$report" --sources "$SPOOFED" --num-sources 1000 \
		--count $((FLOOD_RATE * 60)) --rate "$FLOOD_RATE" --seconds 60
	if [[ $1 == wgc ]]; then
		put_under_load
	else
		sleep 3
	fi
	# An initiation that arrives in a lull of the flood is answered
	# without a cookie: try again with a fresh peer until one is not.
	for try in 1 2 3; do
		ip netns exec n1 ping -n -c 1 -W 1 "$N2_IN4" >/dev/null 2>&1 || true
		wait_handshake -t 20 n1 n2
		capture_has hs 1 "$COOKIE_TO_N1" && break
		log "try $try: the handshake completed without a cookie reply"
		wgx n1 set wg0 peer "$(pubkey_of n2)" remove
		peer_set n1 n2 allowed-ips "$N2_IN4/32,$N2_IN6/128" endpoint "$N2_OUT4:$N2_PORT"
	done
	ping_ok -w 10 n1 "$N2_IN4"
	kill_quiet "$FLOOD_PID"
	capture_stop mac2
	capture_stop hs
	log "cookie replies to n1: $(capture_count hs "$COOKIE_TO_N1"); initiations from n1 with a MAC2: $(capture_count mac2)"
	capture_has hs 1 "$COOKIE_TO_N1" || fail "n2 ($1) never answered n1 ($2) with a cookie reply"
	capture_has mac2 1 || fail "n1 ($2) never sent an initiation with a MAC2 from its cookie"
	if [[ $2 == wgc ]]; then
		(($(hs_stat n1 cookies-received) >= 1)) || fail "n1 counts no cookie received"
		cookie_retry_at_once
	fi
	if [[ $1 == wgc ]]; then
		hs_stats_log n2
	fi
}

# forged_cookie_replies: n1 (wgc) has n2's public key, but n2's endpoint is
# cookie-forger, which answers each initiation with three cookie replies
# valid for that key, as an attacker who sees the initiations could. n1
# retries at once after the first reply to an initiation the timers sent,
# with a MAC2 from it; the copies, and a reply to that retry, make it send
# nothing more: about two initiations per retransmit interval (5 s), never
# two early retries in a row.
FORGER_PORT=51900
forged_cookie_replies() {
	local out line quick=0 total=0 prev_quick=0 secs=12
	local re='^initiation ([0-9]+) at [0-9.]+ s: mac2 (yes|no), (first|([0-9.]+) s after the last reply)$'
	defer dos_teardown
	pair_setup
	peer_set n1 n2 endpoint "$N2_OUT4:$FORGER_PORT"
	ip netns exec n2 cookie-forger --listen "$N2_OUT4" --port "$FORGER_PORT" \
		--public-key "$(pubkey_of n2)" --seconds "$secs" --copies 3 \
		>"$TMPDIR/forger.out" 2>&1 &
	local pid=$!
	defer kill_quiet "$pid"
	wait_for -t 10 eval "ss -N n2 -uln 'sport = $FORGER_PORT' | grep -q $FORGER_PORT"
	ip netns exec n1 ping -n -c 1 -W 1 "$N2_IN4" >/dev/null 2>&1 || true
	wait "$pid" || fail "cookie-forger failed: $(<"$TMPDIR/forger.out")"
	out=$(<"$TMPDIR/forger.out")
	log "cookie-forger: ${out//$'\n'/; }"
	while IFS= read -r line; do
		[[ $line =~ $re ]] || continue
		total=$((total + 1))
		if [[ ${BASH_REMATCH[1]} == 1 ]]; then
			[[ ${BASH_REMATCH[2]} == no ]] || fail "n1's first initiation already had a MAC2"
			continue
		fi
		if awk -v d="${BASH_REMATCH[4]}" 'BEGIN { exit !(d < 1) }'; then
			((!prev_quick)) || fail "two early retries in a row: $line"
			[[ ${BASH_REMATCH[2]} == yes ]] || fail "an early retry without a MAC2: $line"
			quick=$((quick + 1)) prev_quick=1
		else
			prev_quick=0
		fi
	done <<<"$out"
	((total >= 2)) || fail "n1 sent $total initiations to the forger in ${secs}s"
	[[ $(sed -n 2p <<<"$out") =~ ^initiation\ 2\ .*,\ 0\.[0-9]+\ s\ after ]] ||
		fail "n1 did not retry within a second of the first cookie reply"
	# one per retransmit interval (5 s and a little), each with its retry
	((total <= 2 * (secs / 5 + 1))) ||
		fail "n1 sent $total initiations in ${secs}s to cookie replies: amplified"
	log "$total initiations from n1, $quick of them retries at once after a cookie reply"
}

# A second pair, n3 -> n4, in namespaces of their own.
N3_OUT4=203.0.113.3 N4_OUT4=203.0.113.4 N3_IN4=10.9.0.3 N4_IN4=10.9.0.4
second_pair_setup() {
	netns_add n3 n4
	defer netns_del_quiet n3 n4
	veth_pair n3 v3 n4 v4
	ip -n n3 addr add "$N3_OUT4/24" dev v3
	ip -n n4 addr add "$N4_OUT4/24" dev v4
	node_add n3
	node_add n4
	wgx n4 set wg0 listen-port "$N2_PORT"
	peer_set n3 n4 allowed-ips "$N4_IN4/32" endpoint "$N4_OUT4:$N2_PORT"
	peer_set n4 n3 allowed-ips "$N3_IN4/32"
	tun_addr n3 "$N3_IN4/24" fd09::3/64
	tun_addr n4 "$N4_IN4/24" fd09::4/64
}

spoofed_sources_fill_limiter() {
	local report=$TMPDIR/flood.report start
	defer dos_teardown
	dos_setup
	second_pair_setup
	# Never under load (the queue holds 4,096): the ratelimiter decides.
	wgc_param handshake_load_mark 100000
	wgc_param ratelimiter_total_limit 200
	# 2,000 initiations a second, each source in turn: n2 sees each of
	# the 100,000 once every 50 s. It tracks 100 of them at a time (each
	# forgotten a second after its message), whose messages cost it
	# their Curve25519 work as it is never under load, about 100 a
	# second, which the handshake workers keep up with under emulation;
	# the others get cookie replies. On a slow kernel the workers take
	# in fewer than 100 new sources a second, so that sources seen once
	# would not keep the room full: 1,000 sources there, each seen twice
	# a second.
	local sources=$((TUN_SLOW ? 1000 : 100000))
	log "flood from $sources spoofed sources"
	flood_bg "$report" --sources "$SPOOFED" --num-sources "$sources" \
		--count 120000 --rate 2000 --seconds 60
	if ! within 20 hs_stat_above n2 ratelimiter-entries 95; then
		hs_stats_log n2
		fail "the flood did not fill the room for unproven sources (100): $(<"$report")"
	fi
	hs_stats_log n2
	# Admission is what is tested here, not its speed (flood-legit-peer
	# and make bench time that): the wait allows for an initiation lost
	# behind the flood's queue, and the retransmission 5 s later.
	start=$SECONDS
	ip netns exec n1 ping -n -c 1 -W 1 "$N2_IN4" >/dev/null 2>&1 &
	ip netns exec n3 ping -n -c 1 -W 1 "$N4_IN4" >/dev/null 2>&1 || true
	wait_handshake -t 12 n1 n2
	wait_handshake -t 12 n3 n4
	log "n1's and n3's handshakes done within $((SECONDS - start)) s"
	kill -0 "$FLOOD_PID" 2>/dev/null || fail "the flood ended before the handshakes: $(<"$report")"
	hs_stats_log n2
	hs_stats_log n4
	assert_eq "$(hs_stat n2 under-load)" 0 "n2 under load"
	(($(hs_stat n2 missing-cookie) >= 1)) || fail "n2 let n1 in without asking for a cookie first"
	# n4 has room only while n2's is not full. A slow kernel's flood does
	# not come round its sources within the second its entries live: the
	# room is freed and refilled all the time, and n3 may find a gap.
	if (($(hs_stat n4 missing-cookie) < 1)); then
		((TUN_SLOW)) || fail "n4 let n3 in without asking for a cookie first"
		log "n4 let n3 in without a cookie: on a slow kernel, a gap in n2's churning room (checked on Debian's kernel)"
	fi
	# n1 proved its port: an entry for its address and one for the port
	(($(hs_stat n2 ratelimiter-entries) <= 102)) ||
		fail "n2 tracks $(hs_stat n2 ratelimiter-entries) sources: more than the room for unproven ones and n1's address and port"
	ping_ok n1 "$N2_IN4"
	ping_ok n3 "$N4_IN4"
	kill_quiet "$FLOOD_PID"
}

# NAT_PEERS clients (implementation KIND) in nl, all behind one address:
#
#   nl [wg1..wgN] 10.70.0.2 -- nr 10.70.0.1, masquerading as 203.0.113.1
#   -- 203.0.113.2 n2 (wgc, the responder: one peer for each)
#
# nat_peers_setup KIND: the namespaces, the clients (each peer to n2, for
# 10.72.0.I, from 10.71.0.I) and n2's peers for them.
# (40 on a slow kernel, where setting up 100 takes half a minute.)
NAT_PEERS=$((TUN_SLOW ? 40 : 100)) NR_WAN4=203.0.113.1 N2_WAN4=203.0.113.2
nat_peers_setup() {
	local kind tool i peers=() keys=$TMPDIR/nat-keys
	kind=$(impl_kind "$1") tool=$(impl_tool "$1")
	impl_load "$1"
	need_modules nf_tables nf_conntrack nft_chain_nat nft_masq
	netns_add nl nr
	node_add n2
	wgx n2 set wg0 listen-port "$N2_PORT"
	tun_addr n2 10.71.0.254/24 fd71::254/64
	veth_pair nl vl nr vr
	veth_pair nr vx n2 vy
	ip -n nl addr add 10.70.0.2/24 dev vl
	ip -n nl route add default via 10.70.0.1
	ip -n nr addr add 10.70.0.1/24 dev vr
	ip -n nr addr add "$NR_WAN4/24" dev vx
	ip -n n2 addr add "$N2_WAN4/24" dev vy
	ip netns exec nr sysctl -qw net.ipv4.ip_forward=1
	ip netns exec nr nft -f - <<-EOF
		table ip nat {
			chain post { type nat hook postrouting priority srcnat; oifname "vx" masquerade; }
		}
	EOF
	for ((i = 1; i <= NAT_PEERS; i++)); do
		echo "link add wg$i type $kind"
		echo "addr add 10.71.0.$i/32 dev wg$i"
		echo "link set wg$i up"
		echo "route add 10.72.0.$i/32 dev wg$i"
	done >"$TMPDIR/nat.batch"
	ip -n nl -batch "$TMPDIR/nat.batch"
	rm -rf "$keys"
	mkdir -m 700 "$keys"
	(
		umask 077
		for ((i = 1; i <= NAT_PEERS; i++)); do
			"$tool" genkey >"$keys/$i"
		done
	)
	# One shell in nl for all the clients' configuration.
	ip netns exec nl bash -c '
		for ((i = 1; i <= $1; i++)); do
			"$2" set wg$i private-key "$3/$i" peer "$4" \
				endpoint "$5" allowed-ips 10.72.0.$i/32 || exit
		done' - "$NAT_PEERS" "$tool" "$keys" "$(pubkey_of n2)" \
		"$N2_WAN4:$N2_PORT" || fail "configuring the clients in nl failed"
	while IFS=$'\t' read -r i key; do
		peers+=(peer "$key" allowed-ips "10.71.0.${i#wg}/32")
	done < <(ip netns exec nl "$tool" show all public-key)
	assert_eq $((${#peers[@]} / 4)) "$NAT_PEERS" "clients' public keys read back"
	wgx n2 set wg0 "${peers[@]}"
}

# nat_handshakes: how many of n2's peers have completed a handshake
nat_handshakes() {
	ip netns exec n2 wgctl show wg0 latest-handshakes | awk '$2 != 0' | wc -l
}
nat_all_in() { (($(nat_handshakes) == NAT_PEERS)); }

# nat_peers KIND: every client sends a packet at once, so n2 gets
# NAT_PEERS initiations from one address and many ports in about as much
# time as it takes to handle them: far above one address's rate. Those
# above it get a cookie reply instead of being dropped; each client comes
# back with a MAC2 from its port (wgc at once, wireguard.ko on its
# retransmit timer), counts against that port's bucket, and gets in.
nat_peers() {
	local c0 r0 p0 c r p start secs
	defer netns_del_quiet nl nr n2
	nat_peers_setup "$1"
	c0=$(hs_stat n2 missing-cookie) r0=$(hs_stat n2 rate-limited)
	p0=$(hs_stat n2 processed) start=$EPOCHREALTIME
	ip netns exec nl bash -c '
		for ((i = 1; i <= $1; i++)); do
			echo >/dev/udp/10.72.0.$i/9
		done 2>/dev/null' - "$NAT_PEERS" || true
	if ! within 30 nat_all_in; then
		hs_stats_log n2
		fail "$(nat_handshakes) of $NAT_PEERS clients behind one address got in within 30 s"
	fi
	secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	c=$(($(hs_stat n2 missing-cookie) - c0)) r=$(($(hs_stat n2 rate-limited) - r0))
	p=$(($(hs_stat n2 processed) - p0))
	hs_stats_log n2
	log "$NAT_PEERS $1 clients behind one address all in after ${secs}s: $p initiations processed, $c answered with a cookie reply, $r rate-limited"
	assert_eq "$r" 0 "initiations dropped as rate-limited"
	# A slow responder takes them in below one address's rate, and its
	# clients' retransmit timers may fire before it answers.
	((TUN_SLOW)) && return 0
	((c > 0)) || fail "n2 let $NAT_PEERS initiations from one address in without a cookie reply: never above the address's rate"
	assert_eq "$p" "$NAT_PEERS" "initiations processed (one for each client: none wasted)"
}

data_flood() {
	local d0 hs0
	defer dos_teardown
	dos_setup
	ping_ok -c 1 n1 "$N2_IN4"
	wait_handshake n1 n2
	hs0=$(latest_handshake n1 n2)
	d0=$(rx_dropped n2)
	# (2,000 on a slow kernel, whose packet path takes a second for 600)
	flood --data --sources "$SPOOFED" --num-sources 1000 --count $((TUN_SLOW ? 2000 : 20000)) \
		--rate 20000 --seconds 30
	ping_ok n1 "$N2_IN4"
	if [[ $TUN_IMPL == wgc ]]; then
		# the veth may drop some of the burst; what arrived, wgc counted
		wait_for -t 5 rx_dropped_at_least n2 $((d0 + FLOOD_SENT * 9 / 10))
		log "n2 rx_dropped +$(($(rx_dropped n2) - d0)) for $FLOOD_SENT data messages sent"
	fi
	assert_eq "$(latest_handshake n1 n2)" "$hs0" "n1's latest handshake with n2 (no new session)"
}

rx_dropped() { counter "$1" wg0 rx_dropped; }
rx_dropped_at_least() { (($(rx_dropped "$1") >= $2)); }
latest_handshake() { peer_field "$1" "$2" latest-handshakes; }

# the pids of the handshake worker threads, one a line
hs_worker_pids() {
	local f c
	for f in /proc/[0-9]*/comm; do
		read -r c 2>/dev/null <"$f" || continue
		[[ $c =~ ^wgc-hs/[0-9]+$ ]] || continue
		f=${f#/proc/}
		echo "${f%/comm}"
	done
}
# nice_of PID: its nice value (the 19th field of /proc/PID/stat; a
# kernel thread's name has no spaces)
nice_of() { awk '{ print $19 }' "/proc/$1/stat"; }

handshake_workers() {
	local pid n=0 out mark
	for pid in $(hs_worker_pids); do
		assert_eq "$(nice_of "$pid")" 19 "nice of handshake worker $pid"
		n=$((n + 1))
	done
	assert_eq "$n" "$(nproc)" "handshake workers (one per CPU online at load)"

	unload_wgc
	mark=$(kmsg_mark)
	if out=$(modprobe wgc handshake_nice=20 2>&1); then
		fail "modprobe wgc handshake_nice=20 succeeded"
	fi
	log "modprobe wgc handshake_nice=20: ${out//$'\n'/ }"
	kmsg_since "$mark" | grep -q 'wgc: handshake_nice=20 is not a nice value (-20 to 19)' ||
		fail "no kernel message on handshake_nice=20: $(kmsg_since "$mark" | tail -n 3 | tr '\n' ' ')"
	load_wgc handshake_nice=0
	defer reload_wgc_default
	n=0
	for pid in $(hs_worker_pids); do
		assert_eq "$(nice_of "$pid")" 0 "nice of handshake worker $pid with handshake_nice=0"
		n=$((n + 1))
	done
	assert_eq "$n" "$(nproc)" "handshake workers with handshake_nice=0"
	defer dos_teardown
	dos_setup
	ping_ok -c 1 n1 "$N2_IN4"
	wait_handshake n1 n2
}

# (deferred before the namespaces' teardown, so that it runs after it)
reload_wgc_default() {
	unload_wgc
	load_wgc
}

unload_after_flood() {
	local report=$TMPDIR/flood.report
	dos_setup
	flood_bg "$report" --sources "$SPOOFED" --num-sources 1000 \
		--count $((FLOOD_RATE * 30)) --rate "$FLOOD_RATE" --seconds 30
	sleep 3
	ip netns exec n1 ping -n -c 1 -W 1 "$N2_IN4" >/dev/null 2>&1 || true
	sleep 1
	ip -n n2 link del wg0
	ip -n n1 link del wg0
	unload_wgc
	kill_quiet "$FLOOD_PID"
	dos_teardown
	load_wgc
}

subtest per-source-limit per_source_limit
subtest_nodebug flood-legit-peer "a peer's handshake under load: cookie-interop-wgc-flooded drives the same paths" \
	flood_legit_peer
subtest_nodebug replayed-initiation-ignored "a behaviour of the timestamp check, which every handshake runs" \
	replayed_initiation_ignored
subtest data-flood data_flood
if [[ $TUN_IMPL == wgc ]]; then
	subtest cookie-interop-wgc-flooded cookie_interop wgc wireguard
	subtest forged-cookie-replies forged_cookie_replies
	subtest spoofed-sources-fill-limiter spoofed_sources_fill_limiter
	subtest_nodebug nat-peers-wgc "peers behind one address share its bucket: per-source-limit and spoofed-sources-fill-limiter drive the limiter" \
		nat_peers wgc
	if ((TUN_SLOW)); then
		log "nat-peers-wireguard: skipped on a slow kernel (a minute there; wgc's own case covers the limiter)"
	else
		subtest nat-peers-wireguard nat_peers wireguard
	fi
	subtest_nodebug handshake-workers "the workers' scheduling, not their memory or locking" handshake_workers
	if ((TUN_SLOW)); then
		log "cookie-interop-wireguard-flooded: skipped on a slow kernel, where no flood puts wireguard.ko under load"
	else
		subtest cookie-interop-wireguard-flooded cookie_interop wireguard wgc
	fi
	subtest unload-after-flood unload_after_flood
else
	log "per-source-limit, replayed-initiation-ignored: their wgc counters are skipped on wireguard.ko"
fi
