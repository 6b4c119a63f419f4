#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wg(8) itself (Debian's wireguard-tools) on wgc devices: with
# wg_genl_compat=1, wgc answers the "wireguard" generic netlink family too.
#
#   n1 [wg0: wgc, 10.0.0.1]  v1 192.0.2.1 ---- v2 192.0.2.2  n2 [wg0: wgc, 10.0.0.2]
#
# Both devices are configured by wg alone (set, setconf, syncconf) and read
# back by wg and by wgctl (show, showconf, dump), which must agree; a ping
# crosses the tunnel. The family is refused while wireguard.ko holds it,
# wireguard.ko is refused while wgc holds it, and without the parameter
# wgc answers only its own family.
# debug kernel: skip: the family's code is wgc's own set and dump, which netlink-peers and wgctl-peers drive there
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

command -v wg >/dev/null || fail "wg (wireguard-tools) is not in the VM image"
need_modules veth

# The parameter is read at load: each case loads wgc as it needs it.
reload_wgc() {
	unload_wgc
	[[ ! -d /sys/module/wireguard ]] || rmmod wireguard || fail "cannot unload wireguard.ko"
	load_wgc "$@"
}

refused_while_wireguard() {
	local mark
	unload_wgc
	need_modules wireguard
	defer rmmod wireguard
	mark=$(kmsg_mark)
	expect_fail modprobe wgc wg_genl_compat=1
	assert_match "$ERR" "Device or resource busy" "modprobe's error"
	[[ ! -d /sys/module/wgc ]] || fail "wgc loaded although the family is taken"
	assert_match "$(kmsg_since "$mark")" 'wgc: wg_genl_compat: the "wireguard" generic netlink family is taken' \
		"the kernel log says why"
	# without the parameter, wgc and wireguard.ko live side by side
	load_wgc
}
subtest refused-while-wireguard-loaded refused_while_wireguard

wireguard_refused() {
	reload_wgc wg_genl_compat=1
	assert_eq "$(cat /sys/module/wgc/parameters/wg_genl_compat)" Y "the parameter"
	# (wireguard.ko's init fails with EEXIST, which modprobe takes for
	# "already loaded": its status says nothing)
	modprobe wireguard 2>/dev/null || true
	[[ ! -d /sys/module/wireguard ]] || fail "wireguard.ko loaded although wgc has its family"
}
subtest wireguard-refused-while-compat wireguard_refused

off_by_default() {
	reload_wgc
	assert_eq "$(cat /sys/module/wgc/parameters/wg_genl_compat)" N "the parameter"
	ip link add wgoff type wgc
	defer ip link del wgoff
	# (the request may load wireguard.ko, which then says the device is not its own)
	expect_fail wg show wgoff
	[[ ! -d /sys/module/wireguard ]] || rmmod wireguard
}
subtest off-by-default off_by_default

# ------------------------------------------------------------ wg manages wgc
reload_wgc wg_genl_compat=1
netns_add n1 n2
veth_pair n1 v1 n2 v2
outer_addrs n1 v1 192.0.2.1/24 2001:db8::1/64
outer_addrs n2 v2 192.0.2.2/24 2001:db8::2/64
K1=$(wg genkey) K2=$(wg genkey) K3=$(wg genkey)
P1=$(wg pubkey <<<"$K1") P2=$(wg pubkey <<<"$K2") P3=$(wg pubkey <<<"$K3")
PSK=$(wg genpsk)
for ns in n1 n2; do
	ip -n "$ns" link add wg0 type wgc
done
ip -n n1 addr add 10.0.0.1/24 dev wg0
ip -n n2 addr add 10.0.0.2/24 dev wg0

# wgw NS ARGS...: wg in NS; fails the test with wg's error
wgw() {
	local ns=$1
	shift
	expect_ok ip netns exec "$ns" wg "$@"
}

conf_n2() { # the file wg setconf reads for n2; $1: extra lines
	cat <<-EOF
		[Interface]
		PrivateKey = $K2
		ListenPort = 51822
		FwMark = 0x2a

		[Peer]
		PublicKey = $P1
		PresharedKey = $PSK
		Endpoint = 192.0.2.1:51821
		AllowedIPs = 10.0.0.1/32, fd00::1/128
		PersistentKeepalive = 25
		${1:-}
	EOF
}

wg_configures() {
	(umask 077 && printf '%s\n' "$K1" >"$TMPDIR/k1" && printf '%s\n' "$PSK" >"$TMPDIR/psk")
	wgw n1 set wg0 private-key "$TMPDIR/k1" listen-port 51821 fwmark 0x1234 \
		peer "$P2" preshared-key "$TMPDIR/psk" endpoint 192.0.2.2:51822 \
		allowed-ips 10.0.0.2/32,fd00::2/128,10.9.0.0/16
	conf_n2 >"$TMPDIR/n2.conf"
	wgw n2 setconf wg0 "$TMPDIR/n2.conf"
	ip -n n1 link set wg0 up
	ip -n n2 link set wg0 up
	ping_ok -w 15 n1 10.0.0.2
	# device attributes, which the families number differently, both ways
	for f in listen-port fwmark private-key public-key; do
		expect_ok nsexec n1 wgctl show wg0 "$f"
		local via_wgctl=$OUT
		wgw n1 show wg0 "$f"
		assert_eq "$OUT" "$via_wgctl" "wg show wg0 $f (wgctl sees '$via_wgctl')"
	done
	assert_eq "$via_wgctl" "$P1" "n1's public key"
	expect_ok nsexec n1 wgctl show wg0 listen-port
	assert_eq "$OUT" 51821 "the listen port wg set"
	expect_ok nsexec n2 wgctl show wg0 fwmark
	assert_eq "$OUT" 0x2a "the fwmark wg setconf set"
}
subtest wg-configures wg_configures

# A dump without its transfer counters, which a keepalive may move
# between two reads.
no_counters() { awk -F '\t' -v OFS='\t' 'NF == 8 { $6 = $7 = "-" } { print }' <<<"$1"; }

wg_reads() {
	local ns want
	for ns in n1 n2; do
		expect_ok nsexec "$ns" wgctl show wg0 dump
		want=$(no_counters "$OUT")
		wgw "$ns" show wg0 dump
		assert_eq "$(no_counters "$OUT")" "$want" "wg show wg0 dump in $ns"
		expect_ok nsexec "$ns" wgctl showconf wg0
		want=$OUT
		wgw "$ns" showconf wg0
		assert_eq "$OUT" "$want" "wg showconf wg0 in $ns"
	done
	wgw n2 show wg0
	assert_match "$OUT" "peer: ${P1//+/\\+}" "wg show wg0 lists the peer"
	assert_match "$OUT" "latest handshake: " "wg show wg0 shows the handshake"
}
subtest wg-reads wg_reads

wg_syncs() {
	local hs
	wgw n2 show wg0 latest-handshakes
	hs=$OUT
	# one peer more, the others as they are: nothing else changes
	conf_n2 "$(printf '[Peer]\nPublicKey = %s\nAllowedIPs = 10.0.3.0/24' "$P3")" >"$TMPDIR/n2.conf"
	wgw n2 syncconf wg0 "$TMPDIR/n2.conf"
	expect_ok nsexec n2 wgctl show wg0 allowed-ips
	assert_line "$OUT" "^${P3//+/\\+}"$'\t''10\.0\.3\.0/24$' "the peer syncconf added"
	wgw n2 show wg0 latest-handshakes
	assert_line "$OUT" "^${hs//+/\\+}$" "n1's session after syncconf"
	wgw n2 set wg0 peer "$P3" remove
	expect_ok nsexec n2 wgctl show wg0 peers
	assert_eq "$OUT" "$P1" "peers after wg set ... remove"
	ping_ok n2 10.0.0.1
}
subtest wg-syncs wg_syncs

wg_errors() {
	# a request the kernel refuses reaches wg as the error it is
	ip -n n1 link add dummy9 type dummy
	defer ip -n n1 link del dummy9
	expect_fail ip netns exec n1 wg set dummy9 listen-port 1
	assert_match "$ERR" "Operation not supported" "wg set on a device that is not wgc's"
}
subtest wg-errors wg_errors
