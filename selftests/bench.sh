#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench` (qemu/run.sh --mode bench): throughput and latency, in one VM
# boot, between two namespaces over a veth pair through
#   veth           the plain veth pair, no tunnel
#   wireguard.ko   the kernel's WireGuard on both ends
#   wgc            wgc on both ends (WGC_TEST_IMPL=wireguard: wireguard.ko
#                  stands in, to check the bench itself)
# Same MTU rules for all: the tunnels' devices have their default MTU of
# 1420 over 1500-byte veths, and the plain veth path gets MTU 1420, so every
# path carries packets of the same size to the applications.
#
# Per path and round: iperf3 TCP with 1 stream and with 4 streams, then a
# ping run (WGC_BENCH_PINGS pings, 10 ms apart). Rounds go through the paths
# in turn, so that a slow moment of the machine hits them all alike; the
# table shows the median throughput of the rounds and the average and 99th
# percentile of all the pings. A path that cannot be set up or carry
# traffic gets a row saying so, and the others are still measured.
#
# Environment (qemu/run.sh passes WGC_BENCH_* on from the host):
#   WGC_BENCH_ROUNDS   rounds (default 3)
#   WGC_BENCH_SECONDS  seconds per iperf3 run (default 5)
#   WGC_BENCH_PINGS    pings per round (default 100)
#   WGC_BENCH_PATHS    the paths to measure (default veth,wireguard,wgc)
# Exit status: 0 if every path was measured, 1 otherwise.
set -uo pipefail
export LC_ALL=C

ROUNDS=${WGC_BENCH_ROUNDS:-3}
SECS=${WGC_BENCH_SECONDS:-5}
PINGS=${WGC_BENCH_PINGS:-100}
PATHS=${WGC_BENCH_PATHS:-veth,wireguard,wgc}
PATHS=${PATHS//,/ }
WGC_IMPL=${WGC_TEST_IMPL:-wgc}
MTU=1420
TMP=$(mktemp -d)

log() { printf '# %s\n' "$*"; }

declare -A FAILED=() # path -> why it has no figures
declare -A LABEL=([veth]=veth [wireguard]=wireguard.ko [wgc]=wgc)
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
	local path=$1 a=$1-a b=$1-b kind tool
	step "$path" ip netns add "$a" && step "$path" ip netns add "$b" || return 1
	ip -n "$a" link set lo up
	ip -n "$b" link set lo up
	step "$path" ip link add v0 netns "$a" type veth peer name v0 netns "$b" || return 1
	ip -n "$a" link set v0 up
	ip -n "$b" link set v0 up
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
	wgc)
		case $WGC_IMPL in
		wireguard) kind=wireguard tool=wg ;;
		*) kind=wgc tool=wgctl ;;
		esac
		;;
	esac
	if [[ $kind == wgc ]]; then
		step "$path" modprobe wgc || return 1
		# a debug build (WGC_DEBUG=y) carries its self-tests
		if [[ $(modinfo -F selftests wgc 2>/dev/null) == y ]]; then
			FAILED[$path]="wgc.ko is a debug build (WGC_DEBUG=y): build it with plain \`make\`"
			return 1
		fi
	fi
	[[ $kind == wireguard ]] && { step "$path" modprobe wireguard || return 1; }
	local ns
	for ns in "$a" "$b"; do
		step "$path" ip -n "$ns" link add wg0 type "$kind" || return 1
		(umask 077 && "$tool" genkey >"$TMP/$ns.key") &&
			"$tool" pubkey <"$TMP/$ns.key" >"$TMP/$ns.pub" ||
			{ FAILED[$path]="'$tool genkey | $tool pubkey' failed"; return 1; }
	done
	step "$path" ip netns exec "$a" "$tool" set wg0 private-key "$TMP/$a.key" listen-port 51820 \
		peer "$(<"$TMP/$b.pub")" allowed-ips 10.0.0.2/32 endpoint 192.0.2.2:51820 || return 1
	step "$path" ip netns exec "$b" "$tool" set wg0 private-key "$TMP/$b.key" listen-port 51820 \
		peer "$(<"$TMP/$a.pub")" allowed-ips 10.0.0.1/32 endpoint 192.0.2.1:51820 || return 1
	ip -n "$a" addr add 10.0.0.1/24 dev wg0
	ip -n "$b" addr add 10.0.0.2/24 dev wg0
	ip -n "$a" link set wg0 up
	ip -n "$b" link set wg0 up
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

# tcp PATH STREAMS: Mbit/s received, or nothing (and a note) on failure
tcp() {
	local path=$1 p=$2 rc=0 json=$TMP/iperf.json
	timeout -k 5 $((SECS + 30)) ip netns exec "$path-a" iperf3 -c 10.0.0.2 -t "$SECS" -P "$p" \
		--connect-timeout 3000 -J >"$json" 2>/dev/null || rc=$?
	if ((rc)); then
		log "${LABEL[$path]}: iperf3 -P $p failed (status $rc): $(jq -r '.error // empty' "$json" 2>/dev/null)"
		return 0
	fi
	jq -r '.end.sum_received.bits_per_second / 1e6' "$json"
}

# pings PATH: appends the round-trip times (ms) to $TMP/PATH.rtt
pings() {
	local path=$1 out
	out=$(ip netns exec "$path-a" ping -n -c "$PINGS" -i 0.01 -W 1 10.0.0.2 2>&1)
	sed -nE 's/.* time=([0-9.]+) ms$/\1/p' <<<"$out" >>"$TMP/$path.rtt"
	grep -q ' 0% packet loss' <<<"$out" ||
		log "${LABEL[$path]}: ping: $(grep transmitted <<<"$out")"
}

median() { # numbers on stdin -> median, or nothing
	sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.0f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
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
echo "=== $ROUNDS round(s): iperf3 TCP ${SECS} s with 1 and with 4 streams, $PINGS pings 10 ms apart; MTU $MTU everywhere"
[[ $WGC_IMPL == wgc ]] || echo "=== WGC_TEST_IMPL=$WGC_IMPL: the wgc row runs on $WGC_IMPL"

declare -A T1=() T4=()
LIVE=()
for path in $PATHS; do
	case $path in veth | wireguard | wgc) ;; *) echo "bench: unknown path '$path'" >&2; exit 2 ;; esac
	: >"$TMP/$path.rtt"
	if setup "$path" && start_server "$path"; then
		LIVE+=("$path")
	else
		log "${LABEL[$path]}: ${FAILED[$path]}"
	fi
done

for ((r = 1; r <= ROUNDS; r++)); do
	for path in "${LIVE[@]}"; do
		log "round $r/$ROUNDS: ${LABEL[$path]}"
		T1[$path]+="$(tcp "$path" 1) "
		T4[$path]+="$(tcp "$path" 4) "
		pings "$path"
	done
done

# ---- the table
declare -A M1=() M4=() AVG=() P99=()
for path in $PATHS; do
	[[ -z ${FAILED[$path]:-} ]] || continue
	M1[$path]=$(tr ' ' '\n' <<<"${T1[$path]:-}" | grep . | median)
	M4[$path]=$(tr ' ' '\n' <<<"${T4[$path]:-}" | grep . | median)
	read -r "AVG[$path]" "P99[$path]" _ < <(rtt_stats "$TMP/$path.rtt"; echo)
	if [[ -z ${M1[$path]} && -z ${M4[$path]} && -z ${AVG[$path]} ]]; then
		FAILED[$path]="every transfer and ping through it failed"
	elif [[ -z ${M1[$path]} || -z ${M4[$path]} || -z ${AVG[$path]} ]]; then
		FAILED[$path]="some measurements failed (see the notes above)"
	fi
done

row() { printf '%-20s %12s %12s %12s %12s\n' "$@"; }
ratio() { # A B -> A/B with 2 decimals, or "-"
	if [[ -n $1 && -n $2 ]] && awk -v b="$2" 'BEGIN { exit !(b > 0) }'; then
		awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
	else
		echo -
	fi
}

echo
row "path" "TCP 1 stream" "TCP 4 strm" "ping avg" "ping p99"
row "" "Mbit/s" "Mbit/s" "ms" "ms"
for path in $PATHS; do
	row "${LABEL[$path]}" "${M1[$path]:--}" "${M4[$path]:--}" "${AVG[$path]:--}" "${P99[$path]:--}"
	[[ -z ${FAILED[$path]:-} ]] || printf '%-20s FAILED: %s\n' "" "${FAILED[$path]}"
done
echo
row "ratio" "TCP 1 stream" "TCP 4 strm" "ping avg" "ping p99"
for pair in "wgc wireguard" "wgc veth" "wireguard veth"; do
	read -r x y <<<"$pair"
	[[ " $PATHS " == *" $x "* && " $PATHS " == *" $y "* ]] || continue
	row "${LABEL[$x]%% *} / ${LABEL[$y]}" "$(ratio "${M1[$x]:-}" "${M1[$y]:-}")" \
		"$(ratio "${M4[$x]:-}" "${M4[$y]:-}")" "$(ratio "${AVG[$x]:-}" "${AVG[$y]:-}")" \
		"$(ratio "${P99[$x]:-}" "${P99[$y]:-}")"
done
echo "(throughput: median of $ROUNDS round(s), higher is better; latency: all pings of all rounds, lower is better)"

# ---- cleanup
for path in $PATHS; do
	ip netns pids "$path-a" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns pids "$path-b" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$path-a" 2>/dev/null
	ip netns del "$path-b" 2>/dev/null
done
rm -rf "$TMP"

bad=0
for path in $PATHS; do
	[[ -z ${FAILED[$path]:-} ]] || { echo "bench: ${LABEL[$path]}: ${FAILED[$path]}"; bad=1; }
done
exit "$bad"
