# SPDX-License-Identifier: GPL-2.0
# The topology of Documentation/site-to-site.md in network namespaces: two
# offices behind carrier NAT joined through one public relay, and two
# remote workers, each behind a NAT of its own. Shared by
# site-to-site.test.sh and the main job's demo (demo.sh); sourced, it only
# defines. The tunnel nodes are configured from the example files of
# Documentation/site-to-site/ as they are: with `setconf' and iproute2 (the
# demo, which shows each command), or each from its wgctl-quick file
# quick/NODE/wg0.conf (the test):
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
# The NATs forget an idle UDP mapping after S2S_NAT_UDP_TIMEOUT seconds.
#
# The caller sets, before s2s_prepare:
#   S2S_CONF_SRC  the directory holding the example *.conf files
#   S2S_DIR       a directory of its own (private copies of the files)
#   S2S_KIND      the device kind (wgc, or wireguard to check the setup)
#   S2S_TOOL      the tool that goes with it (wgctl, or wg)
#   S2S_RUN       a command to run each tunnel command through (the demo
#                 shows them; empty: run them as they are)
#   S2S_QUICK     wgctl-quick: each tunnel node comes up from its quick
#                 file, addresses, routes and forwarding included; empty:
#                 setconf and iproute2
# Errors end the caller through its own `set -e' or ERR trap.

S2S_NAT_UDP_TIMEOUT=30	# above the configs' PersistentKeepalive of 25 s
S2S_TUNNEL_NODES=(z a c e f)
S2S_NAMESPACES=(inet z r1 a b r2 c d re e rf f)
declare -A S2S_TUN=([z]=10.70.0.1 [a]=10.70.0.2 [c]=10.70.0.3 [e]=10.70.0.4 [f]=10.70.0.5)
S2S_B=192.168.201.55 S2S_D=192.168.200.244
S2S_LAN1=192.168.201.0/24 S2S_LAN2=192.168.200.0/24 S2S_TUNNEL_NET=10.70.0.0/24
S2S_RELAY=203.0.113.1
# Autoload is not reliable in the VM: the caller loads these first.
S2S_MODULES=(veth bridge nf_tables nf_conntrack nft_chain_nat nft_masq)

# s2s_prepare: private copies of the example files (a tool warns of key
# files others can read), and each node's public key beside its file.
s2s_prepare() {
	local n
	[[ -d $S2S_CONF_SRC ]] ||
		{ echo "no example configurations in $S2S_CONF_SRC" >&2; return 1; }
	(umask 077 && mkdir -p "$S2S_DIR" && cp -r "$S2S_CONF_SRC"/. "$S2S_DIR/")
	for n in "${S2S_TUNNEL_NODES[@]}"; do
		sed -n 's/^PrivateKey = //p' "$S2S_DIR/$n.conf" |
			"$S2S_TOOL" pubkey >"$S2S_DIR/$n.pub"
	done
}

s2s_pubkey() { cat "$S2S_DIR/$1.pub"; }

_s2s_ns() {
	ip netns add "$1"
	ip -n "$1" link set lo up
}

# _s2s_port NS IF BRIDGE_NS BRIDGE: NS's IF plugged into BRIDGE.
_s2s_port() {
	local peer=p-$1-$2
	ip link add "$2" netns "$1" type veth peer name "$peer" netns "$3"
	ip -n "$3" link set "$peer" master "$4" up
	ip -n "$1" link set "$2" up
}

_s2s_bridge() {
	ip -n "$1" link add "$2" type bridge
	ip -n "$1" link set "$2" up
}

_s2s_forwarding() { ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1; }

# _s2s_nat NS WAN_ADDR LAN_BRIDGE LAN_ADDR/LEN: a home or carrier NAT:
# masquerade out of wan0, let nothing in that it did not see go out first.
_s2s_nat() {
	local ns=$1
	_s2s_ns "$ns"
	_s2s_port "$ns" wan0 inet br0
	ip -n "$ns" addr add "$2/24" dev wan0
	_s2s_forwarding "$ns"
	ip netns exec "$ns" sysctl -qw \
		net.netfilter.nf_conntrack_udp_timeout="$S2S_NAT_UDP_TIMEOUT" \
		net.netfilter.nf_conntrack_udp_timeout_stream="$S2S_NAT_UDP_TIMEOUT"
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
	_s2s_bridge "$ns" "$3"
	ip -n "$ns" addr add "$4" dev "$3"
}

# _s2s_host NS BRIDGE_NS BRIDGE ADDR/LEN GATEWAY: a machine on a LAN.
_s2s_host() {
	_s2s_ns "$1"
	_s2s_port "$1" lan0 "$2" "$3"
	ip -n "$1" addr add "$4" dev lan0
	ip -n "$1" route add default via "$5"
}

# s2s_build_network: the internet, the relay's public address, the NATs
# and the machines behind them; no tunnel yet.
s2s_build_network() {
	_s2s_ns inet
	_s2s_bridge inet br0
	_s2s_ns z
	_s2s_port z wan0 inet br0
	ip -n z addr add "$S2S_RELAY/24" dev wan0

	_s2s_nat r1 203.0.113.11 lan1 192.168.201.1/24
	_s2s_host a r1 lan1 192.168.201.2/24 192.168.201.1
	_s2s_host b r1 lan1 "$S2S_B/24" 192.168.201.1
	_s2s_nat r2 203.0.113.12 lan2 192.168.200.1/24
	_s2s_host c r2 lan2 192.168.200.2/24 192.168.200.1
	_s2s_host d r2 lan2 "$S2S_D/24" 192.168.200.1
	_s2s_nat re 203.0.113.21 lan 172.16.1.1/24
	_s2s_host e re lan 172.16.1.2/24 172.16.1.1
	_s2s_nat rf 203.0.113.22 lan 172.16.2.1/24
	_s2s_host f rf lan 172.16.2.2/24 172.16.2.1
}

_s2s_run() { ${S2S_RUN:+"$S2S_RUN"} "$@"; }

# s2s_tunnel NODE: wg0 from the node's example file, its address, up.
s2s_tunnel() {
	if [[ -n ${S2S_QUICK:-} ]]; then
		_s2s_run ip netns exec "$1" "$S2S_QUICK" up "$S2S_DIR/quick/$1/wg0.conf"
		return
	fi
	_s2s_run ip -n "$1" link add wg0 type "$S2S_KIND"
	_s2s_run ip netns exec "$1" "$S2S_TOOL" setconf wg0 "$S2S_DIR/$1.conf"
	_s2s_run ip -n "$1" addr add "${S2S_TUN[$1]}/24" dev wg0
	_s2s_run ip -n "$1" link set wg0 up
}

# s2s_routes NODE: what goes through the tunnel, and forwarding. The
# tunnel network itself is on wg0's link by its address. A quick file
# brings its node's own.
s2s_routes() {
	[[ -z ${S2S_QUICK:-} || $1 == [bd] ]] || return 0
	case $1 in
	z)
		_s2s_run ip -n z route add "$S2S_LAN1" dev wg0
		_s2s_run ip -n z route add "$S2S_LAN2" dev wg0
		_s2s_run ip netns exec z sysctl -qw net.ipv4.ip_forward=1
		;;
	a)
		_s2s_run ip -n a route add "$S2S_LAN2" dev wg0
		_s2s_run ip netns exec a sysctl -qw net.ipv4.ip_forward=1
		;;
	c)
		_s2s_run ip -n c route add "$S2S_LAN1" dev wg0
		_s2s_run ip netns exec c sysctl -qw net.ipv4.ip_forward=1
		;;
	b)
		_s2s_run ip -n b route add "$S2S_LAN2" via 192.168.201.2
		_s2s_run ip -n b route add "$S2S_TUNNEL_NET" via 192.168.201.2
		;;
	d)
		_s2s_run ip -n d route add "$S2S_LAN1" via 192.168.200.2
		_s2s_run ip -n d route add "$S2S_TUNNEL_NET" via 192.168.200.2
		;;
	e | f)
		_s2s_run ip -n "$1" route add "$S2S_LAN1" dev wg0
		_s2s_run ip -n "$1" route add "$S2S_LAN2" dev wg0
		;;
	esac
}

# s2s_build_tunnels: every tunnel node, relay first, and every route.
s2s_build_tunnels() {
	local n
	for n in "${S2S_TUNNEL_NODES[@]}"; do
		s2s_tunnel "$n"
	done
	for n in z a c b d e f; do
		s2s_routes "$n"
	done
}

# s2s_relay_endpoint NODE: where z last heard NODE from (NAT address:port).
s2s_relay_endpoint() {
	local key
	key=$(s2s_pubkey "$1")
	ip netns exec z "$S2S_TOOL" show wg0 endpoints |
		awk -F '\t' -v k="$key" '$1 == k { print $2 }'
}

s2s_teardown() {
	local ns
	for ns in "${S2S_NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
}
