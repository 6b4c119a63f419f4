#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two offices behind carrier NAT joined through one public relay, and two
# remote workers, each behind a NAT of its own, configured with `wgctl
# setconf' from the example files of Documentation/site-to-site/ as they
# are, and iproute2 for addresses, routes and forwarding:
#
#   LAN1 192.168.201.0/24          "internet" 203.0.113.0/24         LAN2 192.168.200.0/24
#   b .55 --+                      (bridge in namespace inet)              +-- d .244
#   a .2  --+-- r1 .1 [NAT] .11 ----+---- z .1 (relay) ----+---- .12 [NAT] r2 .1 --+-- c .2
#                                   |                      |
#          e 172.16.1.2 -- re [NAT] .21                   .22 [NAT] rf -- f 172.16.2.2
#
# Tunnel 10.70.0.0/24: z .1, a .2, c .3, e .4, f .5. a and c forward between
# their LAN and the tunnel, z between its peers; b and d are plain hosts
# with a route to the other LAN (and the tunnel) through their tunnel node.
# The NATs forget an idle UDP mapping after NAT_UDP_TIMEOUT seconds.
# timeout: 600
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

CONF_SRC=$SELFTESTS_DIR/site-to-site
NAT_UDP_TIMEOUT=30	# above the configs' PersistentKeepalive of 25 s
MARKER=WGC-S2S-MARKER-7f3a

declare -A TUN=([z]=10.70.0.1 [a]=10.70.0.2 [c]=10.70.0.3 [e]=10.70.0.4 [f]=10.70.0.5)
B=192.168.201.55 D=192.168.200.244

[[ -d $CONF_SRC ]] || fail "no example configurations in $CONF_SRC (qemu/mkinitramfs.sh copies them)"
# Private copies: wgctl warns of key files others can read.
confdir=$TMPDIR/site-to-site
(umask 077 && mkdir -p "$confdir" && cp "$CONF_SRC"/*.conf "$confdir/")

load_wgc
need_modules veth bridge nf_tables nf_conntrack nft_chain_nat nft_masq

# bridge_port NS IF BRIDGE_NS BRIDGE: NS's IF plugged into BRIDGE.
bridge_port() {
	local peer=p-$1-$2
	ip link add "$2" netns "$1" type veth peer name "$peer" netns "$3"
	ip -n "$3" link set "$peer" master "$4" up
	ip -n "$1" link set "$2" up
}

bridge_add() {
	ip -n "$1" link add "$2" type bridge
	ip -n "$1" link set "$2" up
}

forwarding() { ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1; }

# nat_router NS WAN_ADDR LAN_ADDR/LEN: a home or carrier NAT: masquerade
# out of wan0, nothing in that it did not see go out first.
nat_router() {
	local ns=$1
	netns_add "$ns"
	bridge_port "$ns" wan0 inet br0
	ip -n "$ns" addr add "$2/24" dev wan0
	forwarding "$ns"
	ip netns exec "$ns" sysctl -qw net.netfilter.nf_conntrack_udp_timeout="$NAT_UDP_TIMEOUT" \
		net.netfilter.nf_conntrack_udp_timeout_stream="$NAT_UDP_TIMEOUT"
	ip netns exec "$ns" nft -f - <<-EOF
		table ip nat {
			chain post { type nat hook postrouting priority srcnat; oifname "wan0" masquerade; }
		}
		table ip filter {
			chain from_lan_only {
				type filter hook forward priority filter; policy drop;
				ct state established,related accept
				iifname != "wan0" accept
			}
		}
	EOF
}

# lan_host NS IF BRIDGE_NS BRIDGE ADDR/LEN GATEWAY: a machine on a LAN.
lan_host() {
	netns_add "$1"
	bridge_port "$1" "$2" "$3" "$4"
	ip -n "$1" addr add "$5" dev "$2"
	ip -n "$1" route add default via "$6"
}

# tunnel NODE: wg0 from the node's example file, its address, up.
tunnel() {
	ip -n "$1" link add wg0 type wgc
	_TUN_NODE_IMPL[$1]=wgc
	wgx "$1" setconf wg0 "$confdir/$1.conf"
	ip -n "$1" addr add "${TUN[$1]}/24" dev wg0
	ip -n "$1" link set wg0 up
}

build_topology() {
	netns_add inet
	bridge_add inet br0

	netns_add z
	bridge_port z wan0 inet br0
	ip -n z addr add 203.0.113.1/24 dev wan0
	forwarding z

	nat_router r1 203.0.113.11
	bridge_add r1 lan1
	ip -n r1 addr add 192.168.201.1/24 dev lan1
	lan_host a lan0 r1 lan1 192.168.201.2/24 192.168.201.1
	lan_host b lan0 r1 lan1 "$B/24" 192.168.201.1
	nat_router r2 203.0.113.12
	bridge_add r2 lan2
	ip -n r2 addr add 192.168.200.1/24 dev lan2
	lan_host c lan0 r2 lan2 192.168.200.2/24 192.168.200.1
	lan_host d lan0 r2 lan2 "$D/24" 192.168.200.1
	nat_router re 203.0.113.21
	bridge_add re lan
	ip -n re addr add 172.16.1.1/24 dev lan
	lan_host e lan0 re lan 172.16.1.2/24 172.16.1.1
	nat_router rf 203.0.113.22
	bridge_add rf lan
	ip -n rf addr add 172.16.2.1/24 dev lan
	lan_host f lan0 rf lan 172.16.2.2/24 172.16.2.1

	local n
	for n in z a c e f; do
		tunnel "$n"
	done
	# z: the LANs behind their sites' tunnel nodes.
	ip -n z route add 192.168.201.0/24 dev wg0
	ip -n z route add 192.168.200.0/24 dev wg0
	# a and c: the other LAN through the tunnel; they forward.
	ip -n a route add 192.168.200.0/24 dev wg0
	ip -n c route add 192.168.201.0/24 dev wg0
	forwarding a
	forwarding c
	# b and d: the other LAN and the tunnel through their tunnel node.
	ip -n b route add 192.168.200.0/24 via 192.168.201.2
	ip -n b route add 10.70.0.0/24 via 192.168.201.2
	ip -n d route add 192.168.201.0/24 via 192.168.200.2
	ip -n d route add 10.70.0.0/24 via 192.168.200.2
	# The workers: both LANs through the tunnel.
	for n in e f; do
		ip -n "$n" route add 192.168.201.0/24 dev wg0
		ip -n "$n" route add 192.168.200.0/24 dev wg0
	done
}

# ping_until NS DST SECONDS: one echo a second until one is answered.
ping_until() {
	local deadline=$((SECONDS + $3))
	until ip netns exec "$1" ping -n -c 1 -W 1 "$2" >/dev/null 2>&1; do
		((SECONDS < deadline)) || FAIL_DEPTH=2 fail "no reply from $2 to $1 within $3 s"
	done
}

z_endpoint_of() {
	local key
	key=$(wgctl pubkey <"$confdir/$1.key")
	ip netns exec z wgctl show wg0 endpoints | awk -F '\t' -v k="$key" '$1 == k { print $2 }'
}

lans_and_workers() {
	# The sites' keepalives reach z first; the first pings may still wait
	# for a handshake through two NATs.
	ping_until b "$D" 15
	ping_ok b "$D"
	ping_ok d "$B"
	ping_ok e "$D"
	ping_ok e "$B"
	ping_until e "${TUN[f]}" 15
	ping_ok f "${TUN[e]}"
	ping_ok a "${TUN[c]}"
}

# 10 MB from b to d, through a, z and c; less on the slow debug kernel.
transfer() {
	local file=$TMPDIR/payload bytes=10000000
	((TUN_SLOW)) && bytes=2000000 && log "slow (debug) kernel: $bytes bytes"
	head -c "$bytes" /dev/urandom >"$file"
	transfer_file b d "$D" "$file"
}

# lines_with CAPTURE STRING [TCPDUMP_ARGS...]: how many lines of the
# capture hold STRING (grep -c fails when there are none).
lines_with() {
	local name=$1 string=$2
	shift 2
	capture_read "$name" "$@" | grep -c -F -- "$string" || true
}

# A marker sent in cleartext from b to d is on the LAN but never on z's
# public side, where only UDP to and from the tunnel's port goes by.
only_ciphertext_on_the_internet() {
	local hex
	hex=$(printf '%s' "$MARKER" | od -An -tx1 | tr -d ' \n')
	capture_start pub z wan0
	capture_start lan r1 lan1 icmp
	ping_ok -c 3 b "$D" -p "${hex:0:32}" -s 64
	capture_stop pub
	capture_stop lan
	local marker16=${MARKER:0:16}
	(($(lines_with lan "$marker16" -A) > 0)) ||
		fail "the marker is not on LAN1 either: the check would prove nothing"
	(($(lines_with pub UDP) > 0)) || fail "no UDP on z's public side"
	(($(lines_with pub "$marker16" -A) == 0)) ||
		fail "the marker crossed the internet in cleartext"
	(($(capture_read pub 'ip and not udp port 51820' | wc -l) == 0)) ||
		fail "not only tunnel traffic on z's public side: $(capture_read pub 'ip and not udp port 51820' | head -n 3)"
}

# Idle for longer than the NATs keep a mapping: the keepalives keep them,
# so d answers b without either side sending first.
keepalive_holds_nat() {
	if ((TUN_SLOW)); then
		log "slow (debug) kernel: the idle wait is left to the Debian kernel's run"
		return 0
	fi
	log "idle for $((NAT_UDP_TIMEOUT + 8)) s, longer than the NATs' UDP timeout of $NAT_UDP_TIMEOUT s"
	sleep $((NAT_UDP_TIMEOUT + 8))
	ping_ok -c 1 -w 3 b "$D"
}

# r1 gets a new public address: its NAT mappings go with the old one,
# a's packets come from elsewhere, and z follows them (roaming).
nat_rebinding() {
	ip -n r1 addr del 203.0.113.11/24 dev wan0
	ip -n r1 addr add 203.0.113.13/24 dev wan0
	ping_until b "$D" 30
	assert_match "$(z_endpoint_of a)" '^203\.0\.113\.13:' "a's endpoint on z after rebinding"
}

# z's device is deleted and made again from its file: it has no sessions
# and knows no endpoints, so the sites and workers must come back by
# themselves. Each node behind NAT starts a new handshake once its data
# has gone unanswered for 15 s (a keepalive is not data, so an idle site
# would wait for its next rekeying, up to two minutes): with traffic from
# both LANs, as there would be, both sites are back within that.
relay_restart() {
	local pid
	ip -n z link del wg0
	tunnel z
	ip -n z route add 192.168.201.0/24 dev wg0
	ip -n z route add 192.168.200.0/24 dev wg0
	ip netns exec d ping -n -q -i 1 -w 60 "$B" >/dev/null 2>&1 &
	pid=$!
	defer kill_quiet "$pid"
	ping_until b "$D" 60
	ping_until e "$B" 60
	ping_ok d "$B"
}

# The public keys of the example files, kept beside them for z_endpoint_of.
for n in z a c e f; do
	sed -n 's/^PrivateKey = //p' "$confdir/$n.conf" >"$confdir/$n.key"
done

build_topology
subtest lans-and-workers lans_and_workers
subtest transfer transfer
subtest only-ciphertext only_ciphertext_on_the_internet
subtest keepalive-holds-nat keepalive_holds_nat
subtest nat-rebinding nat_rebinding
subtest relay-restart relay_restart
