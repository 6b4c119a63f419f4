#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench` (qemu/run.sh --mode bench): throughput and latency, in one VM
# boot, between two namespaces over a veth pair through
#   veth           the plain veth pair, no tunnel
#   wireguard.ko   the kernel's WireGuard on both ends
#   wgc            wgc on both ends (IMPL=wireguard: wireguard.ko
#                  stands in, to check the bench itself)
# Same MTU rules for all: the tunnels' devices have their default MTU of
# 1420 over 1500-byte veths, and the plain veth path gets MTU 1420, so every
# path carries packets of the same size to the applications.
#
#   wgc-nogso      wgc with its transmit offload off (ethtool private flag
#                  tx-udp-gso: every message its own datagram, as in
#                  wireguard.ko), to show what the offload buys
#   wgc-nogro      wgc with its receive offload off (private flag
#                  rx-udp-gro: no trains received whole), which shows
#                  what that buys where the link does GRO
#                  (WGC_BENCH_LINK=nic; not in the default paths)
#   wgc-threaded   wgc with threaded NAPI (/sys/class/net/wg0/threaded):
#                  each peer's receive poll in a kernel thread of its own
#   wgc-stalled    wgc watched by a `wgctl monitor` in each namespace that
#                  stopped reading (SIGSTOP) with its socket already full,
#                  so that every event is built and dropped: the tunnel
#                  must not notice (not in the default paths)
#   wgc-to-wg      wgc sending (the client, PATH-a) to wireguard.ko
#   wg-to-wgc      and the other way round: a deployment that mixes them
#                  (not in the default paths)
#
# Per path and round: iperf3 TCP with 1 stream and with 4 streams (and the
# CPU time the VM spent per gigabyte moved by the one stream, from
# /proc/stat: every CPU's busy time, sender's and receiver's alike), then
# UDP (iperf3 -u -b 0, 1392-byte payloads: the largest that the 1420-byte
# MTU carries unfragmented; datagrams received per second), then a
# ping run (WGC_BENCH_PINGS pings, 10 ms apart), then (tunnels only) TCP
# with 1 stream under a flood, twice: dropped on arrival, and reaching the
# tunnel. Rounds go through the paths in
# turn, so that a slow moment of the machine hits them all alike; the table
# shows the median throughput of the rounds and the average and 99th
# percentile of all the pings. After the rounds, with the second CPU taken
# offline, the handshakes per second each tunnel's responder completes, in
# as many rounds. A path that cannot be set up or carry traffic gets a row
# saying so, and the others are still measured.
#
# The two handshake figures, for the tunnels (selftests/tools/wgc-flood, from
# an attacker namespace PATH-x joined to the server PATH-b by a second veth,
# with spoofed sources in 198.18.0.0/15 that PATH-b routes back to it):
#
# - "handshakes/s, 1 CPU": PATH-b's wg0 gets WGC_BENCH_PEERS more peers, and
#   wgc-flood --valid-from sends it real initiations from them (Noise_IKpsk2,
#   the peers in turn, each from its own spoofed address, the replies taken
#   in on PATH-x through a "local" route for the prefix); the figure is the
#   handshake responses per second that came back while it sent, for
#   WGC_BENCH_SECONDS. With CPU1 offline, the VM has one CPU, and the
#   generator, the responder and the rest of the kernel share it: the
#   generator's own CPU time (logged) is the same work for both tunnels and
#   small next to the responder's four X25519 operations per handshake. If
#   CPU1 cannot be taken offline, the table says the figure is for all CPUs.
#   The flood is closed-loop, not open: at most 128 initiations unanswered
#   at a time. A responder that has 512 or more handshake messages queued
#   is "under load" (both wireguard.ko and wgc) and then answers initiations
#   without a MAC2 with a cookie reply instead of a response; an open flood
#   above its capacity would measure that (and, in the generator, cookie
#   handling with XChaCha20-Poly1305, which OpenSSL lacks). A standing
#   queue of about 128 keeps the responder busy all the time and below
#   that threshold, so the figure is its full-handshake capacity, the same
#   on every run and without a rate to guess. Every response is matched to
#   its initiation by index; a cookie reply or an unanswered initiation is
#   logged. Each peer sends at most 10 initiations a second (a responder
#   takes at most 50 per peer), each source address as many (the per-source
#   ratelimiter allows 20), so 1,000 peers cap the generator at 10,000/s:
#   a figure near that is the generator's limit, and is logged as such.
# - The flood table: iperf3 TCP with 1 stream (WGC_BENCH_SECONDS) while
#   wgc-flood sends initiations with random contents and a valid MAC1
#   (which cannot complete; or with WGC_BENCH_FLOOD_KIND=data, data
#   messages to random receiver indices) from WGC_BENCH_FLOOD_SOURCES
#   spoofed sources, as fast as it can (or at WGC_BENCH_FLOOD_RATE per
#   second), started 2 s before; on both CPUs. "flood" is the throughput
#   while the flood reaches the tunnel, "dropped" while an nftables rule at
#   PATH-b's prerouting hook (raw priority) drops it on arrival. The generator runs in the same
#   VM: what the tunnel loses under "dropped" is the generator's own CPU
#   time and the veth's, which a remote attacker would not take. "kept" is
#   flood / TCP 1 stream without a flood; "kept vs dropped" is flood /
#   dropped, the share the tunnel itself keeps. "new peer": while the flood
#   reaches the tunnel, PATH-x brings up a device PATH-b has as a peer but
#   no session with, and pings through it once; the seconds until the reply
#   (NEW_PEER_WAIT if none came) measure how fast a new peer gets in.
#
# Environment (qemu/run.sh passes WGC_BENCH_* on from the host):
#   WGC_BENCH_ROUNDS      rounds (default 3)
#   WGC_BENCH_SECONDS     seconds per iperf3 run and per handshake run
#                         (default 5)
#   WGC_BENCH_PINGS       pings per round (default 100)
#   WGC_BENCH_PATHS       the paths to measure (default
#                         veth,wireguard,wgc,wgc-nogso,wgc-threaded)
#   WGC_BENCH_TESTS       what to measure (default
#                         tcp,udp,ping,flood,handshake,scale): tcp (1 and 4
#                         streams), udp, ping, scale (below), flood (TCP 1
#                         stream
#                         under a flood; without tcp it also measures TCP 1
#                         stream without), handshake (handshakes/s, 1 CPU).
#                         E.g. WGC_BENCH_TESTS=handshake,flood
#                         WGC_BENCH_PATHS=wireguard,wgc: only the new figures
#   WGC_BENCH_PEERS       peers for the handshake figure (default 1000)
#   WGC_BENCH_FLOOD_RATE  packets per second of the flood (default 0: as
#                         fast as the generator goes)
#   WGC_BENCH_FLOOD_JOBS  processes sending the flood (default 2, one per
#                         CPU: wgc-flood --jobs)
#   WGC_BENCH_FLOOD_SOURCES  spoofed source addresses (default 1000, at
#                         most 131070)
#   WGC_BENCH_FLOOD_KIND  initiation (default) or data
#   WGC_BENCH_FLOOD_FAMILY  4 (default: from 198.18.0.0/15 to PATH-b's
#                         198.51.100.2) or 6 (from 2001:db8:ff::/48 to
#                         2001:db8:100::2)
#   WGC_BENCH_PEERS_SCALE  the peer counts of the scale table (default
#                         10000; e.g. 10000,100000)
#   WGC_BENCH_LINK        veth (default): the veth pair as it comes, which
#                         carries GSO packets (wgc's trains) whole and does
#                         no GRO; or nic: each end like a NIC without
#                         segmentation offloads but with GRO (ethtool -K v0
#                         tso off tx-udp-segmentation off gro on), the
#                         sender's stack cutting trains into datagrams and
#                         the receiver's merging them again (wgc's trains
#                         received whole), for every path alike
#   WGC_BENCH_PROFILE     1: while each path's last TCP 1 stream run and
#                         each tunnel's last flood run are measured,
#                         `perf record -g -e cpu-clock -a` (software clock
#                         samples work under TCG), recording from just
#                         before iperf3 starts to just after it ends (perf
#                         is started first and switched on through its
#                         control FIFO); the top of each profile
#                         is printed after the tables, and the recordings
#                         with the VM's kallsyms are handed to the host
#                         (vm_export), whose perf reads the call graphs
#                         faster than the emulated VM could
# Exit status: 0 if every path was measured, 1 otherwise.
set -uo pipefail
export LC_ALL=C

ROUNDS=${WGC_BENCH_ROUNDS:-3}
SECS=${WGC_BENCH_SECONDS:-5}
PINGS=${WGC_BENCH_PINGS:-100}
PATHS=${WGC_BENCH_PATHS:-veth,wireguard,wgc,wgc-nogso,wgc-threaded}
PATHS=${PATHS//,/ }
TESTS=" ${WGC_BENCH_TESTS:-tcp,udp,ping,flood,handshake,scale} "
SCALE=${WGC_BENCH_PEERS_SCALE:-10000}
SCALE=${SCALE//,/ }
TESTS=${TESTS//,/ }
HS_PEERS=${WGC_BENCH_PEERS:-1000}
FLOOD_RATE=${WGC_BENCH_FLOOD_RATE:-0}
FLOOD_JOBS=${WGC_BENCH_FLOOD_JOBS:-2}
FLOOD_SOURCES=${WGC_BENCH_FLOOD_SOURCES:-1000}
case ${WGC_BENCH_FLOOD_KIND:-initiation} in
initiation) FLOOD_KIND_ARG="" FLOOD_WHAT=initiations ;;
data) FLOOD_KIND_ARG=--data FLOOD_WHAT="data messages" ;;
*) echo "bench: WGC_BENCH_FLOOD_KIND must be initiation or data" >&2; exit 2 ;;
esac
PROFILE=${WGC_BENCH_PROFILE:-0}
LINK=${WGC_BENCH_LINK:-veth}
case $LINK in
veth | nic) ;;
*) echo "bench: WGC_BENCH_LINK must be veth or nic" >&2; exit 2 ;;
esac
FLOOD=/selftests/bin/wgc-flood
# PATH-x, the attacker, and PATH-b over the second veth; the spoofed sources
X_ADDR=198.51.100.1 B_XADDR=198.51.100.2 SPOOFED=198.18.0.0/15 HS_PORT=40000
X_ADDR6=2001:db8:100::1 B_XADDR6=2001:db8:100::2 SPOOFED6=2001:db8:ff::/48
case ${WGC_BENCH_FLOOD_FAMILY:-4} in
4) FLOOD_TARGET=$B_XADDR FLOOD_SOURCES_NET=$SPOOFED ;;
6) FLOOD_TARGET=$B_XADDR6 FLOOD_SOURCES_NET=$SPOOFED6 ;;
*) echo "bench: WGC_BENCH_FLOOD_FAMILY must be 4 or 6" >&2; exit 2 ;;
esac
# the new peer's address in the tunnel, and how long its first ping waits
NEW_ADDR=10.0.9.1 NEW_PEER_WAIT=20
WGC_IMPL=${IMPL:-wgc}
MTU=1420
TMP=$(mktemp -d)

log() { printf '# %s\n' "$*"; }
want() { [[ $TESTS == *" $1 "* ]]; } # want TEST: whether it is measured
# variant PATH: a variant of wgc, measured for throughput and latency only
variant() { [[ $1 == wgc-nogso || $1 == wgc-nogro || $1 == wgc-threaded || $1 == wgc-stalled || $1 == wgc-to-wg || $1 == wg-to-wgc ]]; }

declare -A FAILED=() # path -> why it has no figures
declare -A TOOL=()   # path -> wg or wgctl
declare -A KIND=()   # path -> the tunnel's link kind
declare -A HS_FAILED=() # path -> why it has no handshake figure
declare -A LABEL=([veth]=veth [wireguard]=wireguard.ko [wgc]=wgc [wgc-nogso]="wgc no UDP GSO" [wgc-nogro]="wgc no UDP GRO"
	[wgc-threaded]="wgc threaded NAPI" [wgc-stalled]="wgc stalled listener" [wgc-to-wg]="wgc to wireguard.ko" [wg-to-wgc]="wireguard.ko to wgc")
[[ $WGC_IMPL == wgc ]] || LABEL[wgc]="wgc (=$WGC_IMPL)"

# step PATH CMD...: runs CMD; on failure the path is marked failed with
# the command and its error, and 1 is returned.
step() {
	local path=$1 err
	shift
	if ! err=$("$@" 2>&1 >/dev/null); then
		FAILED[$path]="'$*' failed${err:+: ${err//$'\n'/ }}"
		FAILED[$path]=${FAILED[$path]:0:200}
		return 1
	fi
}

# setup PATH: namespaces PATH-a (client, 10.0.0.1) and PATH-b (server,
# 10.0.0.2), joined by a veth; for a tunnel path, the tunnel between them
# carries 10.0.0.0/24 and the veth carries the outer packets (192.0.2.0/24).
setup() {
	local path=$1 a=$1-a b=$1-b kind tool kind_b="" tool_b=""
	step "$path" ip netns add "$a" && step "$path" ip netns add "$b" || return 1
	ip -n "$a" link set lo up
	ip -n "$b" link set lo up
	step "$path" ip link add v0 netns "$a" type veth peer name v0 netns "$b" || return 1
	ip -n "$a" link set v0 up
	ip -n "$b" link set v0 up
	if [[ $LINK == nic ]]; then
		step "$path" ip netns exec "$a" ethtool -K v0 tso off tx-udp-segmentation off gro on &&
			step "$path" ip netns exec "$b" ethtool -K v0 tso off tx-udp-segmentation off gro on ||
			return 1
	fi
	if [[ $path == veth ]]; then
		ip -n "$a" link set v0 mtu "$MTU"
		ip -n "$b" link set v0 mtu "$MTU"
		ip -n "$a" addr add 10.0.0.1/24 dev v0
		ip -n "$b" addr add 10.0.0.2/24 dev v0
		return 0
	fi
	ip -n "$a" addr add 192.0.2.1/24 dev v0
	ip -n "$b" addr add 192.0.2.2/24 dev v0
	case $path in
	wireguard) kind=wireguard tool=wg ;;
	wgc-nogso | wgc-nogro | wgc-threaded | wgc-stalled) kind=wgc tool=wgctl ;;
	wgc)
		case $WGC_IMPL in
		wireguard) kind=wireguard tool=wg ;;
		*) kind=wgc tool=wgctl ;;
		esac
		;;
	wgc-to-wg) kind=wgc tool=wgctl kind_b=wireguard tool_b=wg ;;
	wg-to-wgc) kind=wireguard tool=wg kind_b=wgc tool_b=wgctl ;;
	esac
	# PATH-b's kind and tool differ from PATH-a's only on the mixed paths
	kind_b=${kind_b:-$kind} tool_b=${tool_b:-$tool}
	TOOL[$path]=$tool
	KIND[$path]=$kind
	if [[ $kind == wgc || $kind_b == wgc ]]; then
		step "$path" modprobe wgc || return 1
		# a debug build (WGC_DEBUG=y) carries its self-tests
		if [[ $(modinfo -F selftests wgc 2>/dev/null) == y ]]; then
			FAILED[$path]="wgc.ko is a debug build (WGC_DEBUG=y): build it with plain \`make\`"
			return 1
		fi
	fi
	if [[ $kind == wireguard || $kind_b == wireguard ]]; then
		step "$path" modprobe wireguard || return 1
	fi
	local ns k t
	for ns in "$a" "$b"; do
		k=$kind t=$tool
		[[ $ns == "$b" ]] && k=$kind_b t=$tool_b
		step "$path" ip -n "$ns" link add wg0 type "$k" || return 1
		(umask 077 && "$t" genkey >"$TMP/$ns.key") &&
			"$t" pubkey <"$TMP/$ns.key" >"$TMP/$ns.pub" ||
			{ FAILED[$path]="'$t genkey | $t pubkey' failed"; return 1; }
	done
	step "$path" ip netns exec "$a" "$tool" set wg0 private-key "$TMP/$a.key" listen-port 51820 \
		peer "$(<"$TMP/$b.pub")" allowed-ips 10.0.0.2/32 endpoint 192.0.2.2:51820 || return 1
	step "$path" ip netns exec "$b" "$tool_b" set wg0 private-key "$TMP/$b.key" listen-port 51820 \
		peer "$(<"$TMP/$a.pub")" allowed-ips 10.0.0.1/32 endpoint 192.0.2.1:51820 || return 1
	ip -n "$a" addr add 10.0.0.1/24 dev wg0
	ip -n "$b" addr add 10.0.0.2/24 dev wg0
	if [[ $path == wgc-nogso ]]; then
		step "$path" ip netns exec "$a" ethtool --set-priv-flags wg0 tx-udp-gso off &&
			step "$path" ip netns exec "$b" ethtool --set-priv-flags wg0 tx-udp-gso off ||
			return 1
	fi
	if [[ $path == wgc-nogro ]]; then
		step "$path" ip netns exec "$a" ethtool --set-priv-flags wg0 rx-udp-gro off &&
			step "$path" ip netns exec "$b" ethtool --set-priv-flags wg0 rx-udp-gro off ||
			return 1
	fi
	if [[ $path == wgc-threaded ]]; then
		step "$path" ip netns exec "$a" sh -c 'echo 1 >/sys/class/net/wg0/threaded' &&
			step "$path" ip netns exec "$b" sh -c 'echo 1 >/sys/class/net/wg0/threaded' ||
			return 1
	fi
	ip -n "$a" link set wg0 up
	ip -n "$b" link set wg0 up
	if [[ $path == wgc-stalled ]]; then
		stall_listeners "$path" || return 1
	fi
	if ! variant "$path" && { want flood || want handshake; }; then
		setup_attacker "$path" || return 1
	fi
}

# stall_listeners PATH: in PATH-a and PATH-b, a `wgctl monitor` that has
# joined the events group and then stopped (SIGSTOP), its socket filled by
# the events of 300 peers added and removed again: from then on every event
# is built and dropped. The monitors are killed (SIGKILL: a stopped process
# keeps a SIGTERM pending) at cleanup.
STALLED=()
stall_listeners() {
	local path=$1 ns pid i keys=() remove=()
	for ((i = 0; i < 300; i++)); do
		keys+=("$(head -c 32 /dev/urandom | base64)")
		remove+=(peer "${keys[i]}" remove)
	done
	printf '[Peer]\nPublicKey = %s\n' "${keys[@]}" >"$TMP/stall.conf"
	for ns in "$path-a" "$path-b"; do
		ip netns exec "$ns" wgctl monitor --json >/dev/null 2>&1 &
		pid=$!
		disown "$pid" # no "Killed" from bash at cleanup
		STALLED+=("$pid")
		sleep 1 # long enough to have joined, even under emulation
		kill -STOP "$pid"
		step "$path" ip netns exec "$ns" wgctl addconf wg0 "$TMP/stall.conf" || return 1
		step "$path" ip netns exec "$ns" wgctl set wg0 "${remove[@]}" || return 1
	done
}

# setup_attacker PATH: namespace PATH-x joined to PATH-b, which routes the
# spoofed sources back to it
setup_attacker() {
	local path=$1 x=$1-x b=$1-b
	[[ -x $FLOOD ]] || { FAILED[$path]="$FLOOD is missing (make -C selftests/tools)"; return 1; }
	step "$path" ip netns add "$x" || return 1
	ip -n "$x" link set lo up
	step "$path" ip link add vx netns "$x" type veth peer name vx netns "$b" || return 1
	ip -n "$x" addr add "$X_ADDR/24" dev vx
	ip -n "$b" addr add "$B_XADDR/24" dev vx
	ip -n "$x" link set vx up
	ip -n "$b" link set vx up
	step "$path" ip -n "$b" route add "$SPOOFED" via "$X_ADDR" || return 1
	ip -n "$x" addr add "$X_ADDR6/64" dev vx nodad
	ip -n "$b" addr add "$B_XADDR6/64" dev vx nodad
	step "$path" ip -n "$b" route add "$SPOOFED6" via "$X_ADDR6" || return 1
	want flood || return 0
	# the new peer: PATH-b knows its key, not its endpoint
	(umask 077 && "${TOOL[$path]}" genkey >"$TMP/$x.key") &&
		"${TOOL[$path]}" pubkey <"$TMP/$x.key" >"$TMP/$x.pub" ||
		{ FAILED[$path]="'${TOOL[$path]} genkey | pubkey' failed"; return 1; }
	step "$path" ip netns exec "$b" "${TOOL[$path]}" set wg0 peer "$(<"$TMP/$x.pub")" \
		allowed-ips "$NEW_ADDR/32" || return 1
	step "$path" ip -n "$b" route add "$NEW_ADDR/32" dev wg0
}

# new_peer PATH: seconds from a new peer's first ping (PATH-x's new device
# wgn, that PATH-b knows but has no session with) to its reply, or nothing
# if none came within NEW_PEER_WAIT s
new_peer() {
	local path=$1 x=$1-x b=$1-b tool=${TOOL[$1]} t0 t1 pub
	pub=$(<"$TMP/$x.pub")
	# no session left from an earlier round on either side
	ip -n "$x" link del wgn 2>/dev/null
	ip netns exec "$b" "$tool" set wg0 peer "$pub" remove &&
		ip netns exec "$b" "$tool" set wg0 peer "$pub" allowed-ips "$NEW_ADDR/32" &&
		ip -n "$b" route replace "$NEW_ADDR/32" dev wg0 &&
		ip -n "$x" link add wgn type "${KIND[$path]}" &&
		ip netns exec "$x" "$tool" set wgn private-key "$TMP/$x.key" \
			peer "$(<"$TMP/$b.pub")" endpoint "$B_XADDR:51820" allowed-ips 10.0.0.2/32 &&
		ip -n "$x" addr add "$NEW_ADDR/32" dev wgn &&
		ip -n "$x" link set wgn up &&
		ip -n "$x" route add 10.0.0.2/32 dev wgn || return 0
	t0=$(date +%s%N)
	ip netns exec "$x" ping -n -c 1 -W "$NEW_PEER_WAIT" 10.0.0.2 >/dev/null 2>&1 || return 0
	t1=$(date +%s%N)
	awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", ns / 1e9 }'
}

# start_server PATH: an iperf3 server in PATH-b, and a first ping through
start_server() {
	local path=$1 i out
	ip netns exec "$path-b" iperf3 -s -B 10.0.0.2 >/dev/null 2>&1 &
	for ((i = 0; i < 50; i++)); do
		[[ -n $(ip netns exec "$path-b" ss -Htln 'sport = :5201') ]] && break
		sleep 0.1
	done
	if ! out=$(ip netns exec "$path-a" ping -n -c 3 -i 0.2 -w 10 10.0.0.2 2>&1); then
		FAILED[$path]="no ping reply through it within 10 s ($(grep -E 'transmitted' <<<"$out"))"
		return 1
	fi
}

# busy_jiffies: the time all CPUs spent busy so far, in USER_HZ ticks
# (user, nice, system, irq, softirq, steal of /proc/stat's "cpu" line)
busy_jiffies() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# perf_start FILE: `perf record -g` of the whole VM into FILE, started with
# its recording off and turned on through its control FIFO once perf runs:
# perf takes seconds to start under emulation, and a profile started with
# the transfer would miss most of it. Recording goes on until perf_stop.
# Returns 1 (no profile) if perf does not answer.
perf_start() {
	local f=$1
	rm -f "$f.ctl" "$f.ack"
	mkfifo "$f.ctl" "$f.ack" || return 1
	perf record -g -q -e cpu-clock -a -D -1 --control "fifo:$f.ctl,$f.ack" \
		-o "$f" -- sleep 3600 >/dev/null 2>"$f.err" &
	PERF_PID=$!
	# read-write opens of the FIFOs do not wait for perf's ends
	exec {PERF_CTL}<>"$f.ctl" {PERF_ACK}<>"$f.ack"
	echo enable >&"$PERF_CTL"
	if ! read -r -t 120 -u "$PERF_ACK" _; then
		perf_stop
		log "perf record did not start: $(head -c 200 "$f.err")" >&2
		return 1
	fi
}
# perf_stop: ends what perf_start started (perf writes its file on SIGINT)
perf_stop() {
	local rc
	[[ -n ${PERF_PID:-} ]] || return 0
	echo disable >&"$PERF_CTL"
	read -r -t 30 -u "$PERF_ACK" _
	kill -INT "$PERF_PID" 2>/dev/null
	# perf then ends its workload (sleep) with SIGTERM, and returns the
	# workload's status: 143 is the normal end
	wait "$PERF_PID"
	rc=$?
	((rc == 0 || rc == 143)) || log "perf record ended with status $rc" >&2
	exec {PERF_CTL}>&- {PERF_ACK}>&-
	PERF_PID=""
}

# tcp PATH STREAMS [PERF_FILE]: "Mbit/s CPU-seconds-per-GB" received, or
# nothing (and a note) on failure; with PERF_FILE, the VM is profiled
# meanwhile into it
tcp() {
	local path=$1 p=$2 rc=0 json=$TMP/iperf.json j0 j1 hz
	hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
	[[ -z ${3:-} ]] || perf_start "$3"
	j0=$(busy_jiffies)
	timeout -k 5 $((SECS + 30)) ip netns exec "$path-a" iperf3 -c 10.0.0.2 -t "$SECS" -P "$p" \
		--connect-timeout 3000 -J >"$json" 2>/dev/null || rc=$?
	j1=$(busy_jiffies)
	perf_stop
	if ((rc)); then
		# on stderr: stdout is the figure
		log "${LABEL[$path]}: iperf3 -P $p failed (status $rc): $(jq -r '.error // empty' "$json" 2>/dev/null)" >&2
		return 0
	fi
	jq -r --argjson cpu "$(((j1 - j0)))" --argjson hz "$hz" \
		'.end.sum_received | "\(.bits_per_second / 1e6) \(if .bytes > 0 then $cpu / $hz / (.bytes / 1e9) else 0 end)"' "$json"
}

# udp PATH: datagrams received per second, iperf3 sending as fast as it can
udp() {
	local path=$1 rc=0 json=$TMP/iperf.json
	timeout -k 5 $((SECS + 30)) ip netns exec "$path-a" iperf3 -c 10.0.0.2 -t "$SECS" -u -b 0 -l 1392 \
		--connect-timeout 3000 -J >"$json" 2>/dev/null || rc=$?
	if ((rc)); then
		log "${LABEL[$path]}: iperf3 -u failed (status $rc): $(jq -r '.error // empty' "$json" 2>/dev/null)" >&2
		return 0
	fi
	jq -r '.end.sum | if .seconds > 0 then (.packets - .lost_packets) / .seconds else empty end' "$json"
}

# pings PATH: appends the round-trip times (ms) to $TMP/PATH.rtt
pings() {
	local path=$1 out
	out=$(ip netns exec "$path-a" ping -n -c "$PINGS" -i 0.01 -W 1 10.0.0.2 2>&1)
	sed -nE 's/.* time=([0-9.]+) ms$/\1/p' <<<"$out" >>"$TMP/$path.rtt"
	grep -q ' 0% packet loss' <<<"$out" ||
		log "${LABEL[$path]}: ping: $(grep transmitted <<<"$out")"
}

# flood_tcp PATH dropped|tunnel [PROFILE]: TCP 1 stream while PATH-b is
# flooded from PATH-x with random initiations, with (tunnel) a new peer's
# first ping meanwhile; appends the Mbit/s to TF[PATH] (TD[PATH] when the
# flood is dropped as it enters PATH-b, before any routing: what the
# generator's own CPU time and the veth cost) and the new peer's seconds
# to NP[PATH]. With PROFILE, the VM is profiled meanwhile into
# $TMP/PATH.perf.
flood_tcp() {
	local path=$1 mode=$2 report=$TMP/flood.report pid mbit rate tx0 np_pid="" np="" newpeer=""
	if [[ $mode == dropped ]] && ! ip netns exec "$path-b" nft -f - <<EOF
table inet wgc_bench {
	chain pre {
		type filter hook prerouting priority raw
		ip saddr $SPOOFED drop
		ip6 saddr $SPOOFED6 drop
	}
}
EOF
	then
		log "${LABEL[$path]}: nft could not drop the flood"
		return 0
	fi
	tx0=$(tx_packets "$path")
	ip netns exec "$path-x" "$FLOOD" --target "$FLOOD_TARGET" --port 51820 \
		--public-key "$(<"$TMP/$path-b.pub")" --sources "$FLOOD_SOURCES_NET" \
		--num-sources "$FLOOD_SOURCES" $FLOOD_KIND_ARG \
		--count 10000000 --rate "$FLOOD_RATE" --jobs "$FLOOD_JOBS" \
		--seconds $((SECS + 3)) >"$report" 2>&1 &
	pid=$!
	sleep 2
	[[ -z ${3:-} ]] || perf_start "$TMP/$path.perf"
	if [[ $mode == tunnel ]]; then
		{ sleep 1; new_peer "$path" >"$TMP/new-peer"; } &
		np_pid=$!
	fi
	read -r mbit _ < <(tcp "$path" 1; echo)
	perf_stop
	[[ -z $np_pid ]] || wait "$np_pid"
	wait "$pid" || log "${LABEL[$path]}: wgc-flood failed: $(tr '\n' ' ' <"$report")"
	rate=$(awk '/^sent/ && $8 > 0 { printf "%.0f", $2 / $8 }' "$report")
	if [[ $mode == dropped ]]; then
		ip netns exec "$path-b" nft delete table inet wgc_bench
		TD[$path]+="$mbit "
	else
		TF[$path]+="$mbit "
		FR[$path]+="$rate "
		np=$(<"$TMP/new-peer")
		NP[$path]+="${np:-$NEW_PEER_WAIT} "
		newpeer="; a new peer's first ping: ${np:+answered after $np s}"
		[[ -n $np ]] || newpeer+="no reply within $NEW_PEER_WAIT s"
	fi
	[[ -n $mbit ]] && mbit=$(printf '%.0f' "$mbit")
	log "${LABEL[$path]}: TCP 1 stream ${mbit:-failed} Mbit/s under a flood of ${rate:-?} $FLOOD_WHAT/s" \
		"${mode/tunnel/to the tunnel}" "($(head -n1 "$report"); the responder sent" \
		"$(($(tx_packets "$path") - tx0)) packets back)$newpeer"
}

# tx_packets PATH: packets PATH-b sent towards PATH-x: the replies to the
# floods, counted on the responder's side (UDP's OutDatagrams in
# /proc/net/snmp would not do: neither tunnel's sends count there)
tx_packets() {
	ip netns exec "$1-b" cat /sys/class/net/vx/statistics/tx_packets
}

# hs_setup PATH: PATH-b's wg0 gets the peers of $TMP/hs.keys, and PATH-x
# takes the spoofed sources as local addresses, to receive the replies
hs_setup() {
	local path=$1 key err args=()
	while read -r _ key; do args+=(peer "$key"); done <"$TMP/hs.keys"
	if ! err=$(ip netns exec "$path-b" "${TOOL[$path]}" set wg0 "${args[@]}" 2>&1) ||
		! err=$(ip -n "$path-x" route add local "$SPOOFED" dev lo 2>&1); then
		HS_FAILED[$path]="setting up the handshake runs failed: ${err//$'\n'/ }"
		HS_FAILED[$path]=${HS_FAILED[$path]:0:200}
		return 1
	fi
}

# hs_run PATH: a closed-loop run of valid initiations at PATH-b (see the
# top); appends the responses per second to HS[PATH]
hs_run() {
	local path=$1 out rate tx0 cookies lost
	tx0=$(tx_packets "$path")
	if ! out=$(ip netns exec "$path-x" "$FLOOD" --target "$B_XADDR" --port 51820 \
		--public-key "$(<"$TMP/$path-b.pub")" --valid-from "$TMP/hs.keys" \
		--sources "$SPOOFED" --num-sources "$HS_PEERS" --source-port "$HS_PORT" \
		--count 10000000 --seconds "$SECS" 2>&1); then
		log "${LABEL[$path]}: wgc-flood --valid-from failed: ${out//$'\n'/ }"
		return 0
	fi
	log "${LABEL[$path]}: ${out//$'\n'/; }; the responder sent $(($(tx_packets "$path") - tx0)) packets back"
	rate=$(sed -nE 's/^answered [0-9]+ in [0-9.]+ s: ([0-9.]+) per second.*/\1/p' <<<"$out")
	read -r _ cookies _ _ _ < <(grep '^received' <<<"$out")
	lost=$(sed -nE 's/.*; ([0-9]+) unanswered;.*/\1/p' <<<"$out")
	((${cookies:-0} == 0)) || log "${LABEL[$path]}: $cookies cookie replies: the responder was under load"
	((${lost:-0} == 0)) || log "${LABEL[$path]}: $lost initiations never answered"
	awk -v r="${rate:-0}" 'BEGIN { exit !(r > 0) }' || return 0
	HS[$path]+="$rate "
	awk -v r="$rate" -v cap=$((HS_PEERS * 10)) 'BEGIN { exit !(r > 0.9 * cap) }' &&
		log "${LABEL[$path]}: $rate/s is near the generator's limit of $((HS_PEERS * 10))/s: raise WGC_BENCH_PEERS"
	return 0
}

cpu1_online() { # 0|1: takes CPU1 offline or back; fails if it cannot
	[[ -w /sys/devices/system/cpu/cpu1/online ]] &&
		echo "$1" 2>/dev/null >/sys/devices/system/cpu/cpu1/online
}

median() { # numbers on stdin -> median, or nothing
	sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.0f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
figures() { # "A B - C ...", one per round, "-" for none -> the figures, a line each
	tr ' ' '\n' <<<"$1" | grep -v -x -e '' -e -
}
median2() { # the same with 2 decimals
	sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

rtt_stats() { # FILE -> "avg p99 count" (ms), or nothing
	sort -g "$1" | awk '{ v[NR] = $1; s += $1 } END {
		if (!NR) exit
		i = int(NR * 0.99); if (i < NR * 0.99) i++
		printf "%.3f %.3f %d", s / NR, v[i], NR }'
}

# ---- the VM and what is measured
read -r KREL </proc/sys/kernel/osrelease
NCPU=$(nproc)
echo "=== make bench: Linux $KREL, ${WGC_VM_ACCEL:-unknown accel}, $NCPU CPUs"
if [[ -f /lib/modules/$KREL/extra/wgc.ko ]]; then
	read -r sum _ < <(sha256sum "/lib/modules/$KREL/extra/wgc.ko")
	echo "=== wgc.ko sha256 ${sum:0:16}, $(stat -c %s "/lib/modules/$KREL/extra/wgc.ko") bytes (the plain \`make\` build)"
fi
echo "=== $ROUNDS round(s): iperf3 TCP ${SECS} s with 1 and with 4 streams, $PINGS pings 10 ms apart; MTU $MTU everywhere; link: $LINK (WGC_BENCH_LINK)"
echo "=== measuring:$TESTS(WGC_BENCH_TESTS); handshakes: $HS_PEERS peers, ${SECS} s per run; flood: $FLOOD_WHAT/s ($FLOOD_RATE asked, 0: full rate) from $FLOOD_SOURCES IPv${WGC_BENCH_FLOOD_FAMILY:-4} sources"
[[ $WGC_IMPL == wgc ]] || echo "=== IMPL=$WGC_IMPL: the wgc row runs on $WGC_IMPL"
for t in $TESTS; do
	case $t in tcp | udp | ping | flood | handshake | scale) ;; *) echo "bench: unknown test '$t'" >&2; exit 2 ;; esac
done

declare -A T1=() T4=() CG=() UP=() TF=() TD=() FR=() NP=() HS=()
LIVE=() TUNNELS=()
for path in $PATHS; do
	case $path in veth | wireguard | wgc | wgc-nogso | wgc-nogro | wgc-threaded | wgc-stalled | wgc-to-wg | wg-to-wgc) ;; *) echo "bench: unknown path '$path'" >&2; exit 2 ;; esac
	: >"$TMP/$path.rtt"
	if setup "$path" && start_server "$path"; then
		LIVE+=("$path")
		{ [[ $path == veth ]] || variant "$path"; } || TUNNELS+=("$path")
	else
		log "${LABEL[$path]}: ${FAILED[$path]}"
	fi
done

for ((r = 1; r <= ROUNDS; r++)); do
	for path in "${LIVE[@]}"; do
		log "round $r/$ROUNDS: ${LABEL[$path]}"
		# the floods and handshakes: for each tunnel once
		is_tunnel=0
		{ [[ $path == veth ]] || variant "$path"; } || is_tunnel=1
		if want tcp || { want flood && ((is_tunnel)); }; then
			prof=""
			((PROFILE && r == ROUNDS)) && prof=$TMP/$path.tcp.perf
			read -r mbit cpu_gb < <(tcp "$path" 1 "$prof"; echo)
			# "-" for a failed run: each list keeps one entry per round
			T1[$path]+="${mbit:--} "
			CG[$path]+="${cpu_gb:--} "
		fi
		if want tcp; then
			read -r mbit _ < <(tcp "$path" 4; echo)
			T4[$path]+="${mbit:--} "
		fi
		if want udp; then
			pps=$(udp "$path")
			UP[$path]+="${pps:--} "
		fi
		want ping && pings "$path"
		if want flood && ((is_tunnel)); then
			flood_tcp "$path" dropped
			if ((PROFILE && r == ROUNDS)); then
				flood_tcp "$path" tunnel profile
			else
				flood_tcp "$path" tunnel
			fi
		fi
	done
done

# Handshakes per second, on one CPU: see the top.
HS_CPUS="$NCPU CPUs"
if want handshake && ((${#TUNNELS[@]})); then
	"$FLOOD" --make-keys "$HS_PEERS" >"$TMP/hs.keys" || { echo "bench: wgc-flood --make-keys failed" >&2; exit 1; }
	for path in "${TUNNELS[@]}"; do hs_setup "$path" || log "${LABEL[$path]}: ${HS_FAILED[$path]}"; done
	if ((NCPU == 1)) || cpu1_online 0; then
		HS_CPUS="1 CPU"
	else
		log "CPU1 cannot be taken offline: the handshake figures are for $NCPU CPUs"
	fi
	log "handshakes: $(nproc) CPU(s) online"
	for ((r = 1; r <= ROUNDS; r++)); do
		for path in "${TUNNELS[@]}"; do
			[[ -z ${HS_FAILED[$path]:-} ]] || continue
			log "handshake round $r/$ROUNDS: ${LABEL[$path]}"
			hs_run "$path"
		done
	done
	[[ $HS_CPUS == "1 CPU" ]] && ((NCPU > 1)) && { cpu1_online 1 || log "CPU1 did not come back online"; }
fi

# The scale table: for each count N of WGC_BENCH_PEERS_SCALE and each
# tunnel, a device in a namespace of its own gets N peers (one /32 and an
# endpoint each) by setconf; the slab and per-CPU memory that took (from
# /proc/meminfo) per peer, and the seconds setconf, a dump (show wg0 dump,
# the median of three) and, for wgc, deleting the device take.
# wireguard.ko's devices are not deleted: that takes minutes per 10,000
# peers under emulation, and the VM's power-off does it for free.
meminfo_kb() { # Slab + Percpu, in kB
	awk '$1 == "Slab:" || $1 == "Percpu:" { s += $2 } END { print s }' /proc/meminfo
}
seconds_since() { # T0 (from date +%s%N) -> seconds, 2 decimals
	awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
}
# The slab caches' memory, from /proc/slabinfo: "name bytes" (slabs times
# pages per slab, pages of 4 KiB: the VM is x86-64), to see where a
# peer's memory goes.
slab_pages() {
	awk -v pg=4096 'NR > 2 { print $1, $15 * $6 * pg }' /proc/slabinfo
}
slab_growth() { # N: the five caches that grew most, as "name:bytes-per-peer"
	awk -v n="$1" 'NR == FNR { b[$1] = $2; next }
		{ d = $2 - b[$1]; if (d > 0) printf "%d %s\n", d / n, $1 }' \
		"$TMP/scale.slab0" "$TMP/scale.slab1" | sort -rn | head -5 |
		awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 }'
}
# scale_run PATH N: sets SC["PATH N"] to "bytes/peer setconf dump delete"
scale_run() {
	local path=$1 n=$2 ns=scale-$1-$2 tool kind m0 m1 t0 setconf dump del=- err dump_user dump_sys
	local i dumps=() dump_cpu=""
	tool=${TOOL[$path]:-} kind=${KIND[$path]:-}
	[[ -n $tool ]] || return 0
	"$FLOOD" --make-keys "$n" >"$TMP/scale.keys" 2>/dev/null ||
		{ log "wgc-flood --make-keys $n failed"; return 0; }
	{
		printf '[Interface]\nPrivateKey = %s\nListenPort = 51900\n' "$(<"$TMP/$path-a.key")"
		awk '{ i = NR - 1
			printf "[Peer]\nPublicKey = %s\nAllowedIPs = 10.%d.%d.%d/32\nEndpoint = 192.0.2.%d:%d\n",
				$2, 100 + int(i / 65536), int(i / 256) % 256, i % 256, 1 + i % 250, 1024 + i % 60000 }' "$TMP/scale.keys"
	} >"$TMP/scale.conf"
	ip netns add "$ns" && ip -n "$ns" link add wg0 type "$kind" ||
		{ log "scale: no $kind device in $ns"; return 0; }
	sync
	echo 2 >/proc/sys/vm/drop_caches
	slab_pages >"$TMP/scale.slab0"
	m0=$(meminfo_kb)
	t0=$(date +%s%N)
	if ! err=$(ip netns exec "$ns" "$tool" setconf wg0 "$TMP/scale.conf" 2>&1); then
		log "scale: ${LABEL[$path]}: setconf of $n peers failed: ${err:0:200}"
		return 0
	fi
	setconf=$(seconds_since "$t0")
	m1=$(meminfo_kb)
	slab_pages >"$TMP/scale.slab1"
	log "scale: ${LABEL[$path]}, $n peers: the slab caches that grew most, bytes per peer: $(slab_growth "$n")"
	# Three dumps, the median counted: one alone is at the mercy of
	# whatever else the emulator does (at 10,000 peers a dump takes half
	# a second). Each with the tool's user and system CPU seconds, to see
	# which side a difference is on.
	for i in 1 2 3; do
		t0=$(date +%s%N)
		{
			TIMEFORMAT='%U %S'
			time ip netns exec "$ns" "$tool" show wg0 dump >"$TMP/scale.dump"
		} 2>"$TMP/scale.times"
		dumps+=("$(seconds_since "$t0")")
		read -r dump_user dump_sys <"$TMP/scale.times" || true
		dump_cpu+="${dump_cpu:+, }${dumps[-1]} s (user ${dump_user:-?} s, system ${dump_sys:-?} s)"
	done
	dump=$(printf '%s\n' "${dumps[@]}" | median2)
	wc -l <"$TMP/scale.dump" >"$TMP/scale.lines"
	rm -f "$TMP/scale.dump"
	(($(<"$TMP/scale.lines") == n + 1)) ||
		log "scale: ${LABEL[$path]}: the dump has $(<"$TMP/scale.lines") lines for $n peers"
	if [[ $kind == wgc ]]; then
		t0=$(date +%s%N)
		ip -n "$ns" link del wg0
		del=$(seconds_since "$t0")
		ip netns del "$ns"
	fi
	SC["$path $n"]="$(((m1 - m0) * 1024 / n)) $setconf $dump $del"
	log "scale: ${LABEL[$path]}, $n peers: $(((m1 - m0) * 1024 / n)) bytes each, setconf ${setconf} s, dump ${dump} s (the median of ${dump_cpu}), deletion ${del} s"
}
declare -A SC=()
if want scale; then
	for n in $SCALE; do
		for path in wgc wireguard; do
			[[ " ${LIVE[*]} " == *" $path "* ]] && scale_run "$path" "$n"
		done
	done
fi

# ---- the table
row() { printf '%-20s %12s %12s %12s %12s %12s %12s\n' "$@"; }
ratio() { # A B -> A/B with 2 decimals, or "-"
	if [[ -n $1 && -n $2 ]] && awk -v b="$2" 'BEGIN { exit !(b > 0) }'; then
		awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
	else
		echo -
	fi
}
declare -A M1=() M4=() MCG=() MUP=() AVG=() P99=() MF=() MD=() MFR=() MHS=() KEPT=() KEPTD=() MNP=()
missing() { # PATH WHAT...: notes a failed measurement of PATH
	local path=$1
	shift
	FAILED[$path]+="${FAILED[$path]:+; }$*"
}
for path in $PATHS; do
	[[ -z ${FAILED[$path]:-} ]] || continue
	M1[$path]=$(figures "${T1[$path]:-}" | median)
	M4[$path]=$(figures "${T4[$path]:-}" | median)
	MF[$path]=$(tr ' ' '\n' <<<"${TF[$path]:-}" | grep . | median)
	MFR[$path]=$(tr ' ' '\n' <<<"${FR[$path]:-}" | grep . | median)
	MD[$path]=$(tr ' ' '\n' <<<"${TD[$path]:-}" | grep . | median)
	MNP[$path]=$(tr ' ' '\n' <<<"${NP[$path]:-}" | grep . | median2)
	MHS[$path]=$(tr ' ' '\n' <<<"${HS[$path]:-}" | grep . | median)
	MCG[$path]=$(figures "${CG[$path]:-}" | median2)
	MUP[$path]=$(figures "${UP[$path]:-}" | median)
	read -r "AVG[$path]" "P99[$path]" _ < <(rtt_stats "$TMP/$path.rtt"; echo)
	if want tcp && want ping && [[ -z ${M1[$path]} && -z ${M4[$path]} && -z ${AVG[$path]} ]]; then
		FAILED[$path]="every transfer and ping through it failed"
		continue
	fi
	if want tcp && [[ -z ${M1[$path]} || -z ${M4[$path]} ]]; then
		missing "$path" "some TCP transfers failed (see the notes above)"
	fi
	want ping && [[ -z ${AVG[$path]} ]] && missing "$path" "every ping failed"
	want udp && [[ -z ${MUP[$path]} ]] && missing "$path" "every UDP run failed"
	{ [[ $path == veth ]] || variant "$path"; } && continue
	if want flood && [[ -z ${MF[$path]} || -z ${M1[$path]} ]]; then
		missing "$path" "TCP with or without the flood failed (see the notes above)"
	fi
	want handshake && [[ -z ${MHS[$path]} ]] &&
		missing "$path" "${HS_FAILED[$path]:-no handshake responses to valid initiations (see the notes above)}"
	KEPT[$path]=$(ratio "${MF[$path]}" "${M1[$path]}")
	KEPTD[$path]=$(ratio "${MF[$path]}" "${MD[$path]}")
done

echo
row "path" "TCP 1 stream" "CPU per GB" "TCP 4 strm" "UDP" "ping avg" "ping p99"
row "" "Mbit/s" "s" "Mbit/s" "packets/s" "ms" "ms"
for path in $PATHS; do
	row "${LABEL[$path]}" "${M1[$path]:--}" "${MCG[$path]:--}" "${M4[$path]:--}" "${MUP[$path]:--}" \
		"${AVG[$path]:--}" "${P99[$path]:--}"
	[[ -z ${FAILED[$path]:-} ]] || printf '%-20s FAILED: %s\n' "" "${FAILED[$path]}"
done
echo
short() { [[ $1 == wgc-* || $1 == wg-* ]] && echo "$1" || echo "${LABEL[$1]%% *}"; }
row "ratio" "TCP 1 stream" "CPU per GB" "TCP 4 strm" "UDP" "ping avg" "ping p99"
for pair in "wgc wireguard" "wgc-nogso wireguard" "wgc wgc-nogso" "wgc wgc-nogro" "wgc-threaded wgc" "wgc-stalled wgc" "wgc-to-wg wireguard" \
	"wg-to-wgc wireguard" "wgc veth" "wireguard veth"; do
	read -r x y <<<"$pair"
	[[ " $PATHS " == *" $x "* && " $PATHS " == *" $y "* ]] || continue
	row "$(short "$x") / $(short "$y")" "$(ratio "${M1[$x]:-}" "${M1[$y]:-}")" \
		"$(ratio "${MCG[$x]:-}" "${MCG[$y]:-}")" \
		"$(ratio "${M4[$x]:-}" "${M4[$y]:-}")" "$(ratio "${MUP[$x]:-}" "${MUP[$y]:-}")" \
		"$(ratio "${AVG[$x]:-}" "${AVG[$y]:-}")" "$(ratio "${P99[$x]:-}" "${P99[$y]:-}")"
done
echo "(throughput: median of $ROUNDS round(s), higher is better; CPU per GB: busy seconds of all the VM's CPUs per"
echo " gigabyte TCP 1 stream moved, median, lower is better; UDP: 1392-byte datagrams received per second, median;"
echo " latency: all pings of all rounds, lower is better)"

# paired X Y LIST: each round's figure of X's over Y's from LIST (T1, CG,
# T4 or UP; rounds where both were measured) as "median min-max", or "-".
# A round measures the paths one after the other, a minute apart at most,
# so a round's ratio cancels what slows the machine for minutes at a time,
# and the range shows what is left of the noise.
paired() {
	local -n list=$3
	local -a xs ys
	local i rs=""
	read -ra xs <<<"${list[$1]:-}"
	read -ra ys <<<"${list[$2]:-}"
	for i in "${!xs[@]}"; do
		[[ ${xs[i]} != - && ${ys[i]:--} != - ]] || continue
		rs+="$(ratio "${xs[i]}" "${ys[i]}") "
	done
	figures "$rs" | sort -g | awk '{ v[NR] = $1 } END {
		if (!NR) { print "-"; exit }
		printf "%.2f %.2f-%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, v[1], v[NR] }'
}
if ((ROUNDS > 1)) && { want tcp || want udp; }; then
	echo
	row5() { printf '%-20s %16s %16s %16s %16s\n' "$@"; }
	row5 "paired by round" "TCP 1 stream" "CPU per GB" "TCP 4 strm" "UDP"
	for pair in "wgc wireguard" "wgc-nogso wireguard" "wgc wgc-nogso" "wgc wgc-nogro" "wgc-threaded wgc" "wgc-stalled wgc" "wgc-to-wg wireguard" \
		"wg-to-wgc wireguard"; do
		read -r x y <<<"$pair"
		[[ " $PATHS " == *" $x "* && " $PATHS " == *" $y "* ]] || continue
		row5 "$(short "$x") / $(short "$y")" "$(paired "$x" "$y" T1)" "$(paired "$x" "$y" CG)" \
			"$(paired "$x" "$y" T4)" "$(paired "$x" "$y" UP)"
	done
	echo "(each round's ratio of the two paths' figures, taken in the same round: the median over the rounds, then the"
	echo " lowest and the highest; how far apart those are is how much a single round can be trusted)"
fi

row2() { printf '%-20s %12s\n' "$@"; }
row7() { printf '%-20s %10s %10s %10s %10s %10s %10s\n' "$@"; }
if ((${#TUNNELS[@]})) && want handshake; then
	echo
	row2 "tunnel" "handshakes/s"
	row2 "" "$HS_CPUS"
	for path in $PATHS; do
		{ [[ $path == veth ]] || variant "$path"; } || row2 "${LABEL[$path]}" "${MHS[$path]:--}"
	done
	[[ " $PATHS " == *" wgc "* && " $PATHS " == *" wireguard "* ]] &&
		row2 "wgc / wireguard.ko" "$(ratio "${MHS[wgc]:-}" "${MHS[wireguard]:-}")"
	echo "(handshake responses per second to valid initiations from $HS_PEERS peers, closed loop, median of $ROUNDS run(s) of ${SECS} s; higher is better)"
fi
if ((${#TUNNELS[@]})) && want flood; then
	echo
	row7 "tunnel" "TCP 1" "dropped" "flood" "kept" "kept vs" "new peer"
	row7 "" "Mbit/s" "Mbit/s" "Mbit/s" "" "dropped" "s"
	for path in $PATHS; do
		{ [[ $path == veth ]] || variant "$path"; } && continue
		row7 "${LABEL[$path]}" "${M1[$path]:--}" "${MD[$path]:--}" "${MF[$path]:--}" "${KEPT[$path]:--}" \
			"${KEPTD[$path]:--}" "${MNP[$path]:--}"
	done
	if [[ " $PATHS " == *" wgc "* && " $PATHS " == *" wireguard "* ]]; then
		row7 "wgc / wireguard.ko" "$(ratio "${M1[wgc]:-}" "${M1[wireguard]:-}")" \
			"$(ratio "${MD[wgc]:-}" "${MD[wireguard]:-}")" "$(ratio "${MF[wgc]:-}" "${MF[wireguard]:-}")" \
			"$(ratio "${KEPT[wgc]:-}" "${KEPT[wireguard]:-}")" "$(ratio "${KEPTD[wgc]:-}" "${KEPTD[wireguard]:-}")" \
			"$(ratio "${MNP[wgc]:-}" "${MNP[wireguard]:-}")"
	fi
	rates=""
	for path in "${TUNNELS[@]}"; do
		rates+="${rates:+, }${MFR[$path]:-?}/s (${LABEL[$path]})"
	done
	echo "(TCP 1: TCP 1 stream without a flood; flood: while random $FLOOD_WHAT from $FLOOD_SOURCES spoofed IPv${WGC_BENCH_FLOOD_FAMILY:-4} sources reach the tunnel,"
	echo " $FLOOD_RATE/s asked (0: the generator's full rate), sent: ${rates:-none}; dropped: while the same flood is dropped as"
	echo " it enters the server's namespace, so what is lost there is the generator's own CPU time; kept: flood / TCP 1;"
	echo " kept vs dropped: flood / dropped; new peer: seconds from a new peer's first ping to its reply during the flood"
	echo " ($NEW_PEER_WAIT: none within $NEW_PEER_WAIT s); medians of $ROUNDS round(s). Higher is better but for the new peer's seconds)"
fi

if want scale && ((${#SC[@]})); then
	echo
	row6() { printf '%-20s %8s %12s %10s %10s %10s\n' "$@"; }
	row6 "tunnel" "peers" "bytes/peer" "setconf s" "dump s" "delete s"
	for n in $SCALE; do
		for path in wgc wireguard; do
			[[ -n ${SC["$path $n"]:-} ]] || continue
			read -r bytes setconf dump del <<<"${SC["$path $n"]}"
			row6 "${LABEL[$path]}" "$n" "$bytes" "$setconf" "$dump" "$del"
		done
		if [[ -n ${SC["wgc $n"]:-} && -n ${SC["wireguard $n"]:-} ]]; then
			read -r ab as ad _ <<<"${SC["wgc $n"]}"
			read -r bb bs bd _ <<<"${SC["wireguard $n"]}"
			row6 "wgc / wireguard.ko" "$n" "$(ratio "$ab" "$bb")" "$(ratio "$as" "$bs")" \
				"$(ratio "$ad" "$bd")" "-"
		fi
	done
	echo "(slab and per-CPU memory per peer (/proc/meminfo) after setconf of that many peers, one /32 and an endpoint each;"
	echo " seconds for setconf, for a dump, and for deleting the device (wgc only: see bench.sh); lower is better)"
fi

# The top of each profile: the symbols that took the most samples.
profile_top() { # PERF_FILE WHAT
	[[ -s $1 ]] || return 0
	echo
	echo "=== profile of the VM while $2 (perf, cpu-clock, both CPUs; % of the busy samples)"
	# The idle loop's samples are the CPUs' spare time: left out, the
	# rest as shares of the time the CPUs were busy.
	perf report -i "$1" --stdio --no-children -g none --sort dso,sym \
		--percent-limit 0.1 2>/dev/null | grep -v '^#' | grep -v '^$' |
		awk 'BEGIN { n = 0 }
			$NF == "native_safe_halt" || $NF == "default_idle" { idle += $1; next }
			{ pct[n] = $1; sub(/^ *[0-9.]+% */, ""); what[n++] = $0 }
			END {
				printf "idle: %.1f%% of all samples\n", idle
				for (i = 0; i < n && i < 30; i++)
					printf "%6.2f%%  %s\n", pct[i] * 100 / (100 - idle), what[i]
			}'
}
# vm_export FILE NAME: hands FILE to the host as NAME, on the console
# (qemu/run.sh writes it next to the run's log and hides it from the
# terminal): gzip'd, base64 on one line, between marker lines.
vm_export() {
	[[ -s $1 ]] || return 0
	echo "=== wgc-vm file: $2 ==="
	gzip -c "$1" | base64 -w 0
	echo
	echo "=== wgc-vm file end ==="
}
if ((PROFILE)); then
	for path in $PATHS; do
		profile_top "$TMP/$path.tcp.perf" "${LABEL[$path]} carried TCP 1 stream"
	done
	for path in "${TUNNELS[@]}"; do
		profile_top "$TMP/$path.perf" "${LABEL[$path]} carried TCP 1 stream under the flood"
	done
	echo
	echo "=== the recordings, for perf on the host: perf report -i FILE --kallsyms=kallsyms --children"
	for path in $PATHS; do
		vm_export "$TMP/$path.tcp.perf" "$path.tcp.perf"
	done
	for path in "${TUNNELS[@]}"; do
		vm_export "$TMP/$path.perf" "$path.flood.perf"
	done
	cat /proc/kallsyms >"$TMP/kallsyms" # (its size reads 0)
	vm_export "$TMP/kallsyms" kallsyms
fi

# ---- cleanup
((${#STALLED[@]} == 0)) || kill -KILL "${STALLED[@]}" 2>/dev/null
for path in $PATHS; do
	ip netns pids "$path-a" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns pids "$path-b" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns pids "$path-x" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$path-a" 2>/dev/null
	ip netns del "$path-b" 2>/dev/null
	ip netns del "$path-x" 2>/dev/null
done
rm -rf "$TMP"

bad=0
for path in $PATHS; do
	[[ -z ${FAILED[$path]:-} ]] || { echo "bench: ${LABEL[$path]}: ${FAILED[$path]}"; bad=1; }
done
exit "$bad"
