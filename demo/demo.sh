#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: two offices behind carrier NAT and two remote workers joined
# through one public relay (Documentation/site-to-site.md), built in the VM
# from the example configuration files and narrated as it happens. Run by
# `make demo' (qemu/run.sh --mode demo: /demo/demo.sh in the VM, beside the
# selftests it borrows from); selftests/demo.test.sh runs it in
# `make check'. IMPL=wireguard (make demo IMPL=wireguard) runs it
# on wireguard.ko and wg(8) instead, to check the demo and the files.
# Any step that does not work ends the demo with "DEMO FAILED" and status 1.
set -euo pipefail

SELFTESTS_DIR=/selftests
# shellcheck disable=SC2034 # the S2S_ settings are site-to-site-lib.sh's
S2S_KIND=wgc S2S_TOOL=wgctl
if [[ ${IMPL:-wgc} == wireguard ]]; then
	S2S_KIND=wireguard S2S_TOOL=wg
fi
S2S_CONF_SRC=$SELFTESTS_DIR/site-to-site
S2S_DIR=/tmp/demo/site-to-site
S2S_RUN=run
# shellcheck source=selftests/site-to-site-lib.sh
source "$SELFTESTS_DIR/site-to-site-lib.sh"
TOOL=$S2S_TOOL
WORK=/tmp/demo
MARKER=WGC-DEMO-MARKER!	# 16 bytes: what `ping -p' repeats in its payload
TRANSFER_BYTES=10000000

declare -A ROLE=([z]="the relay" [a]="site 1's tunnel node" [c]="site 2's tunnel node"
	[e]="remote worker e" [f]="remote worker f")

say() { printf '\n==> %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
in_ns() { ip netns exec "$@"; }

demo_failed() {
	local rc=$? line=$1 cmd=$2
	trap - ERR
	printf '\nDEMO FAILED (line %s, status %s): %s\n' "$line" "$rc" "$cmd"
	if [[ -e /run/netns/z ]]; then
		echo "the relay's state:"
		in_ns z "$TOOL" show 2>&1 || true
	fi
	exit 1
}
trap 'demo_failed "$LINENO" "$BASH_COMMAND"' ERR

# give_up WHY: a check that is not a command's status failed.
give_up() {
	printf '\nDEMO FAILED: %s\n' "$*"
	exit 1
}

# name_of KEY: which node a public key belongs to.
name_of() {
	local n
	for n in "${S2S_TUNNEL_NODES[@]}"; do
		[[ $(s2s_pubkey "$n") != "$1" ]] || { echo "$n"; return; }
	done
	echo "?"
}

say "The setting"
cat <<EOF
Two offices, LAN1 ($S2S_LAN1) and LAN2 ($S2S_LAN2), sit behind carrier
NAT: neither has a public address, and nothing from the internet can reach
in. Two remote workers, e and f, are behind NATs of their own. One server,
the relay z, has a public address ($S2S_RELAY). Every node keeps a tunnel
to z, and z forwards between them, so that both LANs and both workers become
one network. Each machine below is a network namespace in this VM; the
internet is a bridge.

  LAN1 192.168.201.0/24         internet 203.0.113.0/24        LAN2 192.168.200.0/24
  b .55 --+                                                          +-- d .244
  a .2  --+-- r1 [NAT] .11 ----+---- z .1 (relay) ----+---- .12 [NAT] r2 --+-- c .2
                               |                      |
         e 172.16.1.2 -- re [NAT] .21            .22 [NAT] rf -- f 172.16.2.2

Tunnel network $S2S_TUNNEL_NET: z .1, a .2, c .3, e .4, f .5. a and c are the
offices' tunnel nodes; b and d are plain machines on the LANs, with no
tunnel of their own: they reach the other office through a and c.
EOF

say "Loading the $S2S_KIND module"
run modprobe "$S2S_KIND"
modprobe -a "${S2S_MODULES[@]}"

say "Building the network: the internet, the NAT routers (nftables masquerade, UDP mappings forgotten after ${S2S_NAT_UDP_TIMEOUT} s idle) and the machines"
mkdir -p "$WORK"
s2s_prepare
s2s_build_network
echo "namespaces: $(ip netns list | awk '{print $1}' | sort | xargs)"
echo
echo "Without a tunnel, b cannot reach d: 192.168.200.244 is a private address"
echo "behind someone else's NAT, and the internet has no route to it."
if in_ns b ping -n -c 1 -W 1 "$S2S_D" >/dev/null 2>&1; then
	give_up "b reached d before there was any tunnel: the topology is wrong"
fi
echo "b -> d: no reply, as expected"

say "The configuration files (Documentation/site-to-site/); first the relay's"
echo "(the keys are published examples: make your own for real machines)"
run cat "$S2S_DIR/z.conf"
say "and site 1's tunnel node a (site 2's c is the same with the LANs swapped)"
run cat "$S2S_DIR/a.conf"

say "The relay z: device, configuration from its file, address, routes to both LANs, forwarding"
s2s_tunnel z
s2s_routes z

# wgctl monitor on z, from here on: the events of what follows (wg has none).
MONITOR_OUT=$(mktemp)
MONITOR_PID=""
if [[ $TOOL == wgctl ]]; then
	in_ns z wgctl monitor wg0 >"$MONITOR_OUT" 2>&1 &
	MONITOR_PID=$!
	# joined once its socket shows a group in /proc/net/netlink (field 4)
	for _ in $(seq 50); do
		inode=$(readlink /proc/"$MONITOR_PID"/fd/* 2>/dev/null |
			sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' | head -n 1)
		[[ -n $inode ]] && in_ns z awk -v i="$inode" \
			'$NF == i && $4 != "00000000" { f = 1 } END { exit !f }' /proc/net/netlink && break
		sleep 0.1
	done
fi

say "The office tunnel nodes a and c, and the workers e and f, the same way"
for n in a c e f; do
	s2s_tunnel "$n"
	s2s_routes "$n"
done

say "The plain machines b and d: the other LAN and the tunnel network through their office's tunnel node"
s2s_routes b
s2s_routes d

say "Handshakes"
cat <<EOF
Coming up, each node behind a NAT sends a keepalive to z because its file
sets PersistentKeepalive; that starts a Noise handshake through its NAT.
z has no endpoint for anyone: it learns each peer's address, the NAT's
public address and port, from the peer's authenticated packets.
EOF
deadline=$((SECONDS + 30))
while :; do
	done_count=$(in_ns z "$TOOL" show wg0 latest-handshakes | awk -F '\t' '$2 != 0' | wc -l)
	((done_count < 4)) || break
	((SECONDS < deadline)) || give_up "only $done_count of 4 handshakes with z within 30 s"
	sleep 0.5
done
echo
while IFS=$'\t' read -r key endpoint; do
	n=$(name_of "$key")
	printf '%s (%s): handshake done, z sees it at %s\n' "$n" "${ROLE[$n]:-unknown}" "$endpoint"
done < <(in_ns z "$TOOL" show wg0 endpoints)

# ping_pair FROM DST WHAT: three echoes; prints how many came back.
ping_pair() {
	local out sent got rtt
	out=$(in_ns "$1" ping -n -q -c 3 -i 0.2 -W 2 "$2" 2>&1) || true
	read -r sent got < <(awk '/transmitted/ { print $1, $4 }' <<<"$out")
	rtt=$(awk -F '/' '/^rtt/ { print $5 }' <<<"$out")
	printf '%-44s %s of %s answered%s\n' "$3" "${got:-0}" "${sent:-3}" "${rtt:+, average round trip $rtt ms}"
	((${got:-0} > 0)) || give_up "no reply from $2 to $1"
}

say "Pings between the LANs and the workers (every packet goes through z)"
ping_pair b "$S2S_D" "b (LAN1) -> d (LAN2), via a, z, c:"
ping_pair d "$S2S_B" "d (LAN2) -> b (LAN1), via c, z, a:"
ping_pair e "$S2S_D" "worker e -> d (LAN2):"
ping_pair e "$S2S_B" "worker e -> b (LAN1):"
ping_pair f "$S2S_B" "worker f -> b (LAN1):"
ping_pair e "${S2S_TUN[f]}" "worker e -> worker f (${S2S_TUN[f]}):"

# capture NAME NS IF: tcpdump's text (-A: payloads too) into $WORK/NAME.txt.
declare -A CAPTURE_PID=()
capture() {
	ip netns exec "$2" tcpdump -Z root -i "$3" -n -t -l -A -U udp or icmp \
		>"$WORK/$1.txt" 2>"$WORK/$1.err" &
	CAPTURE_PID[$1]=$!
	for _ in $(seq 100); do
		! grep -q 'listening on' "$WORK/$1.err" || return 0
		sleep 0.1
	done
	give_up "tcpdump in $2 did not start: $(head -c 200 "$WORK/$1.err")"
}

say "What the internet sees"
echo "b pings d with the string \"$MARKER\" repeated in each packet, while"
echo "tcpdump listens on LAN1 (at r1) and on z's public side."
capture lan1 r1 lan1
capture wan z wan0
hex=$(printf '%s' "$MARKER" | od -An -tx1 | tr -d ' \n')
in_ns b ping -n -q -c 2 -i 0.2 -p "$hex" -s 64 "$S2S_D" >/dev/null
sleep 0.5
kill -INT "${CAPTURE_PID[@]}"
wait "${CAPTURE_PID[@]}" 2>/dev/null || true
on_lan=$(grep -c -F -- "$MARKER" "$WORK/lan1.txt" || true)
on_wan=$(grep -c -F -- "$MARKER" "$WORK/wan.txt" || true)
echo
echo "on z's public side (first lines):"
grep -a -E '^IP ' "$WORK/wan.txt" | head -n 6
echo
printf 'the marker: %s times on LAN1, in the clear; %s times on the internet\n' "$on_lan" "$on_wan"
((on_lan > 0)) || give_up "the marker is not even on LAN1: the capture shows nothing"
((on_wan == 0)) || give_up "the marker crossed the internet in the clear"
others=$(grep -a -E '^IP ' "$WORK/wan.txt" | grep -v -c -E '\.51820[ :]' || true)
((others == 0)) || give_up "$others packets on the internet that are not the tunnel's"
echo "Between the NATs and z there is only UDP to and from port 51820: the LAN"
echo "addresses, the ICMP inside and its payload exist only encrypted."

say "A transfer of $TRANSFER_BYTES bytes from b (LAN1) to d (LAN2): b -> a -> r1 -> z -> r2 -> c -> d"
head -c "$TRANSFER_BYTES" /dev/urandom >"$WORK/payload"
ip netns exec d timeout 120 ncat -l -p 4444 --recv-only >"$WORK/received" 2>"$WORK/ncat-d.err" &
receiver=$!
for _ in $(seq 100); do
	[[ -z $(in_ns d ss -Htln 'sport = :4444') ]] || break
	sleep 0.1
done
start=$EPOCHREALTIME
in_ns b timeout 120 ncat -w 5 --send-only "$S2S_D" 4444 <"$WORK/payload"
wait "$receiver"
end=$EPOCHREALTIME
read -r sent_sum _ < <(sha256sum "$WORK/payload")
read -r got_sum _ < <(sha256sum "$WORK/received")
got_bytes=$(stat -c %s "$WORK/received")
printf 'sent     %s bytes, sha256 %s\n' "$TRANSFER_BYTES" "$sent_sum"
printf 'received %s bytes, sha256 %s\n' "$got_bytes" "$got_sum"
[[ $got_sum == "$sent_sum" ]] || give_up "what arrived is not what was sent"
awk -v b="$TRANSFER_BYTES" -v s="$start" -v e="$end" 'BEGIN {
	t = e - s
	printf "the same data, in %.2f s: %.1f Mbit/s through two NATs and the relay\n", t, b * 8 / t / 1e6
}'
echo "(this VM emulates its CPUs when there is no KVM: real machines are far faster)"

if [[ -n $MONITOR_PID ]]; then
	say "What \`wgctl monitor wg0' on z printed meanwhile: each peer's address learned from its first authenticated packet, then its session"
	sleep 0.5
	while read -r dev event key rest; do
		printf '%s %s %s %s\n' "$dev" "$event" "$(name_of "$key")" "$rest"
	done <"$MONITOR_OUT"
	kill "$MONITOR_PID" 2>/dev/null || true
	wait "$MONITOR_PID" 2>/dev/null || true
	rm -f "$MONITOR_OUT"
fi

say "$TOOL show on the relay: its four peers, where each was found, the latest handshakes, the bytes moved"
legend=""
for n in a c e f; do
	legend+="${legend:+, }$n is $(s2s_pubkey "$n" | head -c 8)..."
done
echo "($legend)"
run ip netns exec z "$TOOL" show

say "A mistake in a file is caught before anything changes"
sed 's|^AllowedIPs = 10.70.0.0/24, 192.168.200.0/24$|&, 10.70.0.0/33|' "$S2S_DIR/a.conf" \
	>"$S2S_DIR/a-typo.conf"
before=$(in_ns a "$TOOL" showconf wg0)
if run ip netns exec a "$TOOL" setconf wg0 "$S2S_DIR/a-typo.conf"; then
	give_up "setconf took an allowed IP of 10.70.0.0/33"
fi
[[ $(in_ns a "$TOOL" showconf wg0) == "$before" ]] ||
	give_up "the failed setconf changed a's configuration"
echo "a's configuration is unchanged, and b still reaches d:"
ping_pair b "$S2S_D" "b (LAN1) -> d (LAN2):"

say "Tearing down: deleting the namespaces removes the devices"
s2s_teardown
run ip -br link show type "$S2S_KIND"
run rmmod "$S2S_KIND"
echo "demo finished"
