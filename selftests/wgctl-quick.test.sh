#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wgctl-quick, the wg-quick(8) of wgc, run in a client namespace "c" against
# a server "s" configured with plain wgctl:
#
#   c [wg0 from c/.../wg0.conf]                 s [wg0 10.0.0.2/24 fd00::2/64, :51822]
#     v1 192.0.2.1/24 2001:db8::1/64  ------  v2 192.0.2.2/24 2001:db8::2/64
#     default routes via s                       lo: 198.51.100.2, 2001:db8:1::2 (endpoint)
#                                                    203.0.113.5, 2001:db8:5::5 ("internet")
#
# The server's endpoint is reached through c's default route, so a full
# tunnel only works if the tunnel's own packets are kept out of it.
# Each case compares c's rules, routes, nftables tables and links before
# `up' and after `down' (or after a refused or failed `up'): nothing may be
# left behind. On a kernel without nftables' fib and conntrack mark (the
# debug kernel), wgctl-quick runs without nft on PATH, as it would on a
# machine without nft, and the nftables checks are skipped.
# timeout: 600
# debug kernel: skip: its own logic; the kernel paths it reaches (fwmark, routing) are the other tests'
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

# shellcheck disable=SC2119 # no module parameters wanted
load_wgc
need_modules veth nf_tables nf_conntrack nft_ct

S_OUT4=192.0.2.2 S_OUT6=2001:db8::2
S_EP4=198.51.100.2 S_EP6=2001:db8:1::2
FAR4=203.0.113.5 FAR6=2001:db8:5::5
S_PORT=51822 C_PORT=51821

netns_add c s
veth_pair c v1 s v2
outer_addrs c v1 192.0.2.1/24 2001:db8::1/64
outer_addrs s v2 "$S_OUT4/24" "$S_OUT6/64"
ip -n c route add default via "$S_OUT4"
ip -n c -6 route add default via "$S_OUT6"
for a in "$S_EP4/32" "$FAR4/32"; do ip -n s addr add "$a" dev lo; done
for a in "$S_EP6/128" "$FAR6/128"; do ip -n s addr add "$a" dev lo; done
# v1's IPv6 link-local address, and its route in table local, appear only
# once duplicate address detection is done: a snapshot taken before that
# would differ from every one taken after.
v1_link_local_ready() {
	[[ -n $(ip -n c -6 addr show dev v1 scope link) ]] &&
		[[ -z $(ip -n c -6 addr show dev v1 tentative) ]]
}
wait_for -t 20 v1_link_local_ready

node_add s
wgx s set wg0 listen-port "$S_PORT"
tun_addr s 10.0.0.2/24 fd00::2/64
S_PUB=$(pubkey_of s)
C_PRIV=$(wgctl genkey)
C_PUB=$(wgctl pubkey <<<"$C_PRIV")
wgx s set wg0 peer "$C_PUB" allowed-ips 10.0.0.1/32,fd00::1/128
OTHER_PUB=$(wgctl genkey | wgctl pubkey)

# Whether nftables here can load wgctl-quick's table: fib and ct mark.
nft_works() {
	netns_add nftprobe
	modprobe -q nft_fib_ipv4 && modprobe -q nft_fib_ipv6 || return 1
	nsexec nftprobe nft -f /dev/stdin >/dev/null 2>&1 <<-'EOF'
		add table ip probe
		add chain ip probe c { type filter hook prerouting priority -300; }
		add rule ip probe c iifname != "x" ip daddr 10.0.0.1 fib saddr type != local drop
		add rule ip probe c meta l4proto udp mark 1 ct mark set mark
		add rule ip probe c meta l4proto udp meta mark set ct mark
	EOF
}
QPATH=$PATH
if nft_works; then
	HAVE_NFT=1
else
	HAVE_NFT=0
	mkdir "$TMPDIR/nonft"
	ln -sf /usr/bin/* /usr/sbin/* "$SELFTESTS_DIR"/bin/* "$TMPDIR/nonft/" 2>/dev/null || true
	rm -f "$TMPDIR/nonft/nft"
	QPATH=$TMPDIR/nonft
	log "nftables lacks fib or ct mark on this kernel: wgctl-quick runs without nft"
fi
netns_del_quiet nftprobe
! PATH=$QPATH command -v resolvconf >/dev/null || fail "a resolvconf is on PATH in the VM; the DNS case needs none"

umask 077
CONF=$TMPDIR/conf
mkdir -p "$CONF"

# quick ARGS...: wgctl-quick in c (PATH=$QPATH, or $XPATH before it)
quick() {
	ip netns exec c env PATH="${XPATH:+$XPATH:}$QPATH" WGCTL_QUICK_CONFIG_DIR="$CONF/default" wgctl-quick "$@"
}

# conf_file CASE: path of that case's wg0.conf (the text comes on stdin)
conf_file() {
	mkdir -p "$CONF/$1"
	cat >"$CONF/$1/wg0.conf"
	printf '%s\n' "$CONF/$1/wg0.conf"
}

# everything of c's network that wgctl-quick may touch
snapshot() {
	echo "-- ip -4 rule"
	ip -n c -4 rule show
	echo "-- ip -6 rule"
	ip -n c -6 rule show
	echo "-- ip -4 route show table all"
	ip -n c -4 route show table all
	echo "-- ip -6 route show table all"
	ip -n c -6 route show table all
	echo "-- nft list tables"
	nsexec c nft list tables
	echo "-- links"
	ip -n c -br link show | awk '{ print $1 }'
}

same_as() { # same_as BEFORE WHAT
	local now d
	now=$(snapshot)
	[[ $now == "$1" ]] && return 0
	# (busybox's diff, in the VM, writes only the unified format)
	d=$(diff -U0 <(printf '%s\n' "$1") <(printf '%s\n' "$now") | grep -v -e '^---' -e '^+++' -e '^@@' |
		head -n 12 | tr '\n' ';' || true)
	FAIL_DEPTH=2 fail "$2: c's rules/routes/nftables/links differ from before (-before, +now): $d"
}

no_wg0() { ! ip -n c link show dev wg0 >/dev/null 2>&1; }

# After a failed case, whatever it left in c, so that the next starts clean
# (each case takes its own "before" snapshot).
reset_c() {
	local fam prio
	ip -n c link del wg0 2>/dev/null
	for fam in -4 -6; do
		while prio=$(ip -n c "$fam" rule show | awk -F: '/fwmark|suppress_prefixlength/ { print $1; exit }') &&
			[[ -n $prio ]]; do
			ip -n c "$fam" rule del priority "$prio" || break
		done
	done
	nsexec c nft flush ruleset 2>/dev/null
	return 0
}

# subtest_c NAME FUNCTION: a case, cleaned up after
subtest_c() {
	subtest "$1" eval "defer reset_c; $2"
}

# --------------------------------------------------------------- cases
basic() {
	local before conf aips
	before=$(snapshot)
	conf=$(conf_file basic <<-EOF
		# a tunnel to s
		[Interface]
		PrivateKey = $C_PRIV
		ListenPort = $C_PORT
		Address = 10.0.0.1/24, fd00::1/64
		address=10.9.0.1/32   # a second Address line
		MTU = 1380

		[Peer]
		PublicKey = $S_PUB
		Endpoint = $S_EP4:$S_PORT
		AllowedIPs = 10.0.0.2/32, fd00::2/128, 10.10.0.0/16, fd10::/48
	EOF
	)
	expect_ok quick up "$conf"
	assert_nomatch "$ERR" '[Ww]arning' "stderr of up (mode 600 file, no DNS)"
	assert_match "$(ip -n c -4 -o addr show dev wg0)" "inet 10\.0\.0\.1/24 .*inet 10\.9\.0\.1/32 " "IPv4 addresses"
	assert_match "$(ip -n c -6 -o addr show dev wg0)" "inet6 fd00::1/64 " "IPv6 address"
	assert_match "$(ip -n c -o link show dev wg0)" "<([^>]*,)?UP(,[^>]*)?> mtu 1380 " "wg0 up with MTU 1380"
	assert_line "$(ip -n c -4 route show dev wg0)" '^10\.10\.0\.0/16 scope link' "route to 10.10.0.0/16"
	assert_line "$(ip -n c -6 route show dev wg0)" '^fd10::/48 ' "route to fd10::/48"
	# 10.0.0.2 and fd00::2 are in the address's own prefixes already
	assert_nomatch "$(ip -n c -4 route show dev wg0)" '10\.0\.0\.2' "no extra route for 10.0.0.2"
	assert_nomatch "$(ip -n c -4 rule show; ip -n c -6 rule show)" 'fwmark|suppress' "rules (none without a default route)"
	expect_ok nsexec c wgctl showconf wg0
	log "showconf: $(tr '\n' '|' <<<"$OUT")"
	assert_line "$OUT" '^\[Interface\]$' "showconf"
	assert_line "$OUT" "^PrivateKey = ${C_PRIV//+/\\+}\$" "showconf private key"
	assert_line "$OUT" "^ListenPort = $C_PORT\$" "showconf listen port"
	assert_line "$OUT" "^PublicKey = ${S_PUB//+/\\+}\$" "showconf peer"
	assert_line "$OUT" "^Endpoint = $S_EP4:$S_PORT\$" "showconf endpoint"
	aips=$(grep '^AllowedIPs = ' <<<"$OUT")
	for p in 10.0.0.2/32 fd00::2/128 10.10.0.0/16 fd10::/48; do
		assert_match "$aips" "[ ,]$p(,|\$)" "showconf AllowedIPs"
	done
	assert_nomatch "$OUT" '(Address|MTU|DNS|Table)' "showconf has none of the quick keys"
	ping_ok -w 15 c 10.0.0.2
	ping_ok c fd00::2
	expect_ok quick down "$conf"
	no_wg0 || fail "wg0 still exists after down"
	same_as "$before" "after down"
}

auto_mtu() {
	local before conf
	before=$(snapshot)
	ip -n c link set v1 mtu 1400
	ip -n c route add "$S_EP4/32" via "$S_OUT4" mtu 1300
	conf=$(conf_file automtu <<-EOF
		[Interface]
		PrivateKey = $C_PRIV
		Address = 10.0.0.1/24
		[Peer]
		PublicKey = $S_PUB
		Endpoint = $S_EP4:$S_PORT
		AllowedIPs = 10.0.0.2/32
	EOF
	)
	expect_ok quick up "$conf"
	assert_match "$(ip -n c -o link show dev wg0)" " mtu 1220 " "MTU from the endpoint's route (1300 - 80)"
	expect_ok quick down "$conf"
	ip -n c route del "$S_EP4/32"
	# no endpoint: the default route's device (v1, 1400)
	conf=$(conf_file automtu2 <<-EOF
		[Interface]
		PrivateKey = $C_PRIV
		Address = 10.0.0.1/24
		[Peer]
		PublicKey = $S_PUB
		AllowedIPs = 10.0.0.2/32
	EOF
	)
	expect_ok quick up "$conf"
	assert_match "$(ip -n c -o link show dev wg0)" " mtu 1320 " "MTU from the default route (1400 - 80)"
	expect_ok quick down "$conf"
	ip -n c link set v1 mtu 1500
	# two peers, one reached through v1 (1500 bytes), the other through a
	# link of 1400: the smaller counts, or the second's packets would not fit
	veth_pair c v3 s v4
	defer eval 'ip -n c link del v3 2>/dev/null || true'
	ip -n c link set v3 mtu 1400
	ip -n s link set v4 mtu 1400
	ip -n c addr add 198.18.0.1/24 dev v3
	ip -n s addr add 198.18.0.2/24 dev v4
	conf=$(conf_file automtu3 <<-EOF
		[Interface]
		PrivateKey = $C_PRIV
		Address = 10.0.0.1/24
		[Peer]
		PublicKey = $S_PUB
		Endpoint = $S_EP4:$S_PORT
		AllowedIPs = 10.0.0.2/32
		[Peer]
		PublicKey = $OTHER_PUB
		Endpoint = 198.18.0.2:$S_PORT
		AllowedIPs = 10.0.0.3/32
	EOF
	)
	expect_ok quick up "$conf"
	assert_match "$(ip -n c -o link show dev wg0)" " mtu 1320 " "MTU from the smaller of the endpoints' links (1400 - 80)"
	expect_ok quick down "$conf"
	ip -n c link del v3
	same_as "$before" "after down"
}

tables() {
	local before conf
	before=$(snapshot)
	conf=$(conf_file table <<-EOF
		[Interface]
		PrivateKey = $C_PRIV
		Address = 10.0.0.1/24
		Table = 1234
		[Peer]
		PublicKey = $S_PUB
		AllowedIPs = 10.0.0.2/32, 10.10.0.0/16, 0.0.0.0/0, fd10::/48
	EOF
	)
	expect_ok quick up "$conf"
	assert_line "$(ip -n c -4 route show table 1234)" '^default dev wg0 ' "table 1234: default"
	assert_line "$(ip -n c -4 route show table 1234)" '^10\.10\.0\.0/16 dev wg0 ' "table 1234: 10.10.0.0/16"
	assert_line "$(ip -n c -4 route show table 1234)" '^10\.0\.0\.2 dev wg0 ' "table 1234: 10.0.0.2"
	assert_line "$(ip -n c -6 route show table 1234)" '^fd10::/48 dev wg0 ' "table 1234: fd10::/48"
	assert_nomatch "$(ip -n c -4 route show table main)" '10\.10\.0\.0' "main table untouched"
	assert_eq "$(nsexec c wgctl show wg0 fwmark)" off "fwmark with Table = 1234"
	assert_nomatch "$(ip -n c -4 rule show)" 'fwmark|suppress' "no rules with Table = 1234"
	expect_ok quick down "$conf"
	same_as "$before" "after down (Table = 1234)"

	conf=$(conf_file tableoff <<-EOF
		[Interface]
		PrivateKey = $C_PRIV
		Address = 10.0.0.1/24
		Table = off
		[Peer]
		PublicKey = $S_PUB
		AllowedIPs = 10.10.0.0/16, 0.0.0.0/0
	EOF
	)
	expect_ok quick up "$conf"
	assert_eq "$(ip -n c -4 route show table all dev wg0 | awk '$1 != "local" && $1 != "broadcast" && $1 != "10.0.0.0/24"')" "" \
		"routes with Table = off (but the address's own)"
	expect_ok quick down "$conf"
	same_as "$before" "after down (Table = off)"
}

full_tunnel_conf() { # full_tunnel_conf CASE [MORE [Interface] LINES]
	conf_file "$1" <<-EOF
		[Interface]
		PrivateKey = $C_PRIV
		Address = 10.0.0.1/24, fd00::1/64
		${2:-}
		[Peer]
		PublicKey = $S_PUB
		Endpoint = $S_EP4:$S_PORT
		AllowedIPs = 0.0.0.0/0, ::/0
	EOF
}

full_tunnel() {
	local before conf rx0 rx1 r4 r6
	before=$(snapshot)
	conf=$(full_tunnel_conf full)
	nsexec c sysctl -qw net.ipv4.conf.all.src_valid_mark=0
	expect_ok quick up "$conf"
	assert_line "$ERR" '^\[#\] sysctl -q net\.ipv4\.conf\.all\.src_valid_mark=1$' "src_valid_mark set"
	assert_eq "$(nsexec c wgctl show wg0 fwmark)" 0xca6c "fwmark (51820)"
	r4=$(ip -n c -4 rule show)
	r6=$(ip -n c -6 rule show)
	log "ip -4 rule: $(tr '\n' '|' <<<"$r4")"
	for r in "$r4" "$r6"; do
		assert_line "$r" '^[0-9]+:[[:space:]]+not from all fwmark 0xca6c lookup 51820$' "fwmark rule"
		assert_line "$r" '^[0-9]+:[[:space:]]+from all lookup main suppress_prefixlength 0$' "suppress rule"
	done
	assert_line "$(ip -n c -4 route show table 51820)" '^default dev wg0' "IPv4 default route in table 51820"
	assert_line "$(ip -n c -6 route show table 51820)" '^default dev wg0' "IPv6 default route in table 51820"
	assert_eq "$(nsexec c sysctl -n net.ipv4.conf.all.src_valid_mark)" 1 "src_valid_mark"
	if ((HAVE_NFT)); then
		assert_line "$(nsexec c nft list tables)" '^table ip wgctl-quick-wg0$' "nft tables"
		assert_line "$(nsexec c nft list tables)" '^table ip6 wgctl-quick-wg0$' "nft tables"
		assert_match "$(nsexec c nft list table ip wgctl-quick-wg0)" 'ip daddr 10\.0\.0\.1 fib saddr type != local drop' "anti-spoofing rule"
		assert_match "$(nsexec c nft list table ip6 wgctl-quick-wg0)" 'ip6 daddr fd00::1 fib saddr type != local drop' "anti-spoofing rule (IPv6)"
	else
		assert_eq "$(nsexec c nft list tables)" "" "nft tables (no nft on PATH)"
		assert_match "$ERR" 'warning: no nft' "warning without nft"
	fi
	# ordinary packets go into the tunnel, the tunnel's own (marked) do not
	assert_match "$(ip -n c route get "$FAR4")" "dev wg0 table 51820" "route to $FAR4"
	assert_match "$(ip -n c -6 route get "$FAR6")" "dev wg0 table 51820" "route to $FAR6"
	assert_match "$(ip -n c route get "$S_EP4" mark 0xca6c)" "via $S_OUT4 dev v1" "route to the endpoint for marked packets"
	# but what the main table has more specific than a default still wins
	assert_match "$(ip -n c route get "$S_OUT4")" "dev v1" "route to the outer network"

	rx0=$(counter s wg0 rx_packets)
	capture_start full c v1 "icmp or icmp6 or udp"
	ping_ok -w 15 c "$FAR4"
	ping_ok c "$FAR6"
	capture_stop full
	rx1=$(counter s wg0 rx_packets)
	((rx1 - rx0 >= 6)) || fail "s's wg0 received $((rx1 - rx0)) packets, want the 6 pings at least"
	assert_eq "$(capture_count full icmp)" 0 "ICMP in clear on c's outer link"
	assert_eq "$(capture_count full "icmp6 and (icmp6[icmp6type] == icmp6-echo or icmp6[icmp6type] == icmp6-echoreply)")" 0 \
		"ICMPv6 echoes in clear on c's outer link"
	local udp
	udp=$(capture_count full "udp and dst host $S_EP4 and dst port $S_PORT")
	((udp >= 6)) || fail "$udp UDP packets to the endpoint $S_EP4:$S_PORT on v1, want 6 or more"
	assert_ne "$(nsexec c wgctl show wg0 latest-handshakes | cut -f2)" 0 "handshake"

	expect_ok quick down "$conf"
	no_wg0 || fail "wg0 still exists after down"
	same_as "$before" "after down"
}

# ---- what c's routing went through, event by event (ip monitor)
# monitor_mark FAMILY TABLE: a rule added and deleted at once, for the
# monitors to show where they were then
monitor_mark() {
	ip -n c "$1" rule add priority 4200 fwmark 0x4200 lookup "$2"
	ip -n c "$1" rule del priority 4200 fwmark 0x4200 lookup "$2"
}

# monitor CMD...: c's rule and route events of each family while CMD ran,
# into EV4 and EV6 (the lines between the two marks)
monitor() {
	local fam f pids=()
	for fam in -4 -6; do
		f=$TMPDIR/monitor$fam
		ip -n c "$fam" monitor rule route >"$f" 2>&1 &
		pids+=($!)
	done
	defer kill_quiet "${pids[@]}"
	for fam in -4 -6; do
		monitor_mark "$fam" 4201
		wait_for grep -q 'lookup 4201' "$TMPDIR/monitor$fam"
	done
	"$@"
	for fam in -4 -6; do
		monitor_mark "$fam" 4202
		wait_for grep -q 'lookup 4202' "$TMPDIR/monitor$fam"
	done
	kill_quiet "${pids[@]}"
	wait "${pids[@]}" 2>/dev/null || true
	EV4=$(awk '/lookup 4202/ { exit } on; /lookup 4201/ { on = 1 }' "$TMPDIR/monitor-4")
	EV6=$(awk '/lookup 4202/ { exit } on; /lookup 4201/ { on = 1 }' "$TMPDIR/monitor-6")
}

# rules_before_route EVENTS TABLE SUPPRESS_RULES: in EVENTS, the full
# tunnel's rule and a suppress rule were added before the default route of
# TABLE, and no suppress rule was deleted that was the last of the
# SUPPRESS_RULES there were before
rules_before_route() {
	local l n=0 rule=0 sup=0 route=0 count=$3 gap=0
	while IFS= read -r l; do
		n=$((n + 1))
		if [[ $l =~ suppress_prefixlength\ 0[[:space:]]*$ ]]; then
			if [[ $l == Deleted* ]]; then
				count=$((count - 1))
				((count >= 1)) || gap=1
			else
				count=$((count + 1))
				((sup)) || sup=$n
			fi
		elif [[ $l =~ ^[0-9]+:[[:space:]]+not\ from\ all\ fwmark\ 0x[0-9a-f]+\ lookup\ $2[[:space:]]*$ ]]; then
			((rule)) || rule=$n
		elif [[ $l =~ ^default\ dev\ [^\ ]+\ table\ $2( |$) ]]; then
			((route)) || route=$n
		fi
	done <<<"$1"
	local seen
	seen=$(tr '\n' '|' <<<"$1")
	((rule && sup && route)) || FAIL_DEPTH=2 fail "table $2: rule, suppress rule or route not seen: $seen"
	((rule < route && sup < route)) || FAIL_DEPTH=2 fail "table $2: the default route came before the rules: $seen"
	((!gap)) || FAIL_DEPTH=2 fail "table $2: a moment without a suppress rule: $seen"
}

# The table's default route is added after the rules that keep it from
# taking what the main table routes more specifically; a second full tunnel
# moves the suppress rule in front of its own rule without a gap in which
# the first tunnel would have none.
full_tunnel_order() {
	local before conf conf1 priv1
	before=$(snapshot)
	conf=$(full_tunnel_conf order)
	# src_valid_mark is 1 already: not set again (a locked-down container
	# could not)
	nsexec c sysctl -qw net.ipv4.conf.all.src_valid_mark=1
	monitor expect_ok quick up "$conf"
	assert_nomatch "$ERR" 'sysctl' "stderr of up with src_valid_mark 1"
	rules_before_route "$EV4" 51820 0
	rules_before_route "$EV6" 51820 0
	priv1=$(wgctl genkey)
	conf1=$CONF/order/wg1.conf
	cat >"$conf1" <<-EOF
		[Interface]
		PrivateKey = $priv1
		[Peer]
		PublicKey = $OTHER_PUB
		AllowedIPs = 0.0.0.0/0, ::/0
	EOF
	defer eval 'ip -n c link del wg1 2>/dev/null || true'
	monitor expect_ok quick up "$conf1"
	rules_before_route "$EV4" 51821 1
	rules_before_route "$EV6" 51821 1
	assert_eq "$(ip -n c -4 rule show | grep -c suppress_prefixlength)" 1 "IPv4 suppress rules with two full tunnels"
	expect_ok quick down "$conf"
	expect_ok quick down "$conf1"
	same_as "$before" "after down"
}

# a failure after the link exists undoes everything, full tunnel included
failed_up_undone() {
	local before conf
	before=$(snapshot)
	conf=$(full_tunnel_conf failpost "PostUp = false")
	expect_fail quick up "$conf"
	assert_eq "$RC" 1 "exit status"
	assert_line "$ERR" '^wgctl-quick: PostUp command failed' "message"
	no_wg0 || fail "wg0 left behind by a failed up"
	same_as "$before" "after the failed up"
}

hooks() {
	local before conf hl="$TMPDIR/hooks.log"
	before=$(snapshot)
	: >"$hl"
	conf=$(conf_file hooks <<-EOF
		[Interface]
		PrivateKey = $C_PRIV
		Address = 10.0.0.1/24
		PreUp = echo "preup %i \$(ip link show %i >/dev/null 2>&1 && echo present || echo absent)" >>$hl
		PostUp = echo "postup %i \$(ip -o -4 addr show dev %i | awk '{ print \$4 }')" >>$hl
		PostUp = echo "postup2 %i%i" >>$hl
		PostUp = echo 'a#b' c#d >>$hl # a comment, bash's
		PreDown = echo "predown %i \$(ip link show %i >/dev/null 2>&1 && echo present || echo absent)" >>$hl
		PostDown = echo "postdown %i \$(ip link show %i >/dev/null 2>&1 && echo present || echo absent)" >>$hl
		[Peer]
		PublicKey = $S_PUB
		AllowedIPs = 10.0.0.2/32
	EOF
	)
	expect_ok quick up "$conf"
	expect_ok quick down "$conf"
	assert_eq "$(<"$hl")" "preup wg0 present
postup wg0 10.0.0.1/24
postup2 wg0wg0
a#b c#d
predown wg0 present
postdown wg0 absent" "hooks, in order"
	same_as "$before" "after down"

	# a failing PreUp: the interface it found is deleted again
	conf=$(conf_file hooksfail <<-EOF
		[Interface]
		PrivateKey = $C_PRIV
		PreUp = exit 3
	EOF
	)
	expect_fail quick up "$conf"
	assert_line "$ERR" 'PreUp command failed with status 3: exit 3' "message"
	no_wg0 || fail "wg0 left behind by a failed PreUp"
	same_as "$before" "after a failed PreUp"
}

# an interface named after one of ip's keywords: `ip link add dev type wgc'
# would take "type" for the name
keyword_name() {
	local before conf=$CONF/keyword/dev.conf
	before=$(snapshot)
	mkdir -p "$CONF/keyword"
	cat >"$conf" <<-EOF
		[Interface]
		PrivateKey = $C_PRIV
		Address = 10.0.0.1/24
		[Peer]
		PublicKey = $S_PUB
		AllowedIPs = 10.0.0.2/32
	EOF
	defer eval 'ip -n c link del dev dev 2>/dev/null || true'
	expect_ok quick up "$conf"
	assert_eq "$(nsexec c wgctl show interfaces)" dev "wgc interfaces"
	assert_match "$(ip -n c -o link show dev dev)" "<([^>]*,)?UP(,[^>]*)?>" "dev up"
	expect_ok quick down "$conf"
	same_as "$before" "after down"
}

# wg-quick(8)'s example: PreUp gives the interface its private key, which
# is not in the file; the file's configuration is added, and the key stays
preup_private_key() {
	local before conf kf=$TMPDIR/c.key
	before=$(snapshot)
	printf '%s\n' "$C_PRIV" >"$kf"
	conf=$(conf_file preupkey <<-EOF
		[Interface]
		PreUp = wgctl set %i private-key <(cat $kf)
		Address = 10.0.0.1/24
		[Peer]
		PublicKey = $S_PUB
		AllowedIPs = 10.0.0.2/32
	EOF
	)
	expect_ok quick up "$conf"
	assert_eq "$(nsexec c wgctl show wg0 private-key)" "$C_PRIV" "the private key PreUp set"
	assert_eq "$(nsexec c wgctl show wg0 peers)" "$S_PUB" "the file's peer"
	expect_ok quick down "$conf"
	same_as "$before" "after down"
}

save_config() {
	local before conf saved mode
	before=$(snapshot)
	conf=$(conf_file save <<-EOF
		[Interface]
		PrivateKey = $C_PRIV
		ListenPort = $C_PORT
		Address = 10.0.0.1/24
		MTU = 1400
		Table = auto
		SaveConfig = true
		PostUp = true %i
		[Peer]
		PublicKey = $S_PUB
		AllowedIPs = 10.0.0.2/32
	EOF
	)
	expect_ok quick up "$conf"
	nsexec c wgctl set wg0 peer "$S_PUB" allowed-ips 10.0.0.2/32,10.20.0.0/16 persistent-keepalive 25 \
		peer "$OTHER_PUB" allowed-ips 10.30.0.0/24
	ip -n c addr add 10.0.0.9/24 dev wg0
	# `save' while up
	expect_ok quick save "$conf"
	assert_match "$(<"$conf")" "Address = 10\.0\.0\.9/24" "save: the address added"
	expect_ok quick down "$conf"
	same_as "$before" "after down"
	mode=$(stat -c %a "$conf")
	assert_eq "$mode" 600 "mode of the saved file"
	saved=$(<"$conf")
	log "saved: $(tr '\n' '|' <<<"$saved")"
	assert_match "$saved" "^\[Interface\]"$'\n' "saved file starts with [Interface]"
	assert_line "$saved" '^Address = 10\.0\.0\.1/24$' "saved Address"
	assert_line "$saved" '^Address = 10\.0\.0\.9/24$' "saved Address (added while up)"
	assert_line "$saved" '^MTU = 1400$' "saved MTU"
	assert_line "$saved" '^Table = auto$' "saved Table"
	assert_line "$saved" '^SaveConfig = true$' "saved SaveConfig"
	assert_line "$saved" '^PostUp = true %i$' "saved PostUp"
	assert_line "$saved" "^ListenPort = $C_PORT\$" "saved ListenPort"
	assert_line "$saved" "^PublicKey = ${OTHER_PUB//+/\\+}\$" "saved new peer"
	assert_line "$saved" '^AllowedIPs = 10\.30\.0\.0/24$' "saved new peer's allowed IPs"
	assert_line "$saved" '^PersistentKeepalive = 25$' "saved keepalive"
	assert_match "$saved" '10\.20\.0\.0/16' "saved changed allowed IPs"
	# and it comes up again as it was
	expect_ok quick up "$conf"
	assert_eq "$(nsexec c wgctl show wg0 peers | sort)" "$(printf '%s\n' "$S_PUB" "$OTHER_PUB" | sort)" "peers after up from the saved file"
	assert_match "$(ip -n c -4 -o addr show dev wg0)" "10\.0\.0\.9/24" "address after up from the saved file"
	assert_match "$(ip -n c -o link show dev wg0)" " mtu 1400 " "MTU after up from the saved file"
	# SaveConfig = true: down saves (again) before removing
	expect_ok quick down "$conf"
	same_as "$before" "after the second down"
}

dns() {
	local before conf rl="$TMPDIR/resolvconf.log" fake="$TMPDIR/fakebin"
	before=$(snapshot)
	mkdir -p "$fake"
	cat >"$fake/resolvconf" <<-EOF
		#!/bin/bash
		{ echo "resolvconf \$*"; [[ \$1 != -a ]] || cat; } >>$rl
	EOF
	chmod 755 "$fake/resolvconf"
	: >"$rl"
	conf=$(conf_file dns <<-EOF
		[Interface]
		PrivateKey = $C_PRIV
		Address = 10.0.0.1/24
		DNS = 10.0.0.53, fd00::53
		DNS = example.com,corp.example
		[Peer]
		PublicKey = $S_PUB
		AllowedIPs = 10.0.0.2/32
	EOF
	)
	XPATH=$fake expect_ok quick up "$conf"
	assert_eq "$(<"$rl")" "resolvconf -a wg0 -m 0 -x
nameserver 10.0.0.53
nameserver fd00::53
search example.com corp.example" "resolvconf on up"
	: >"$rl"
	XPATH=$fake expect_ok quick down "$conf"
	assert_eq "$(<"$rl")" "resolvconf -d wg0 -f" "resolvconf on down"
	same_as "$before" "after down"
	# Debian's resolvconf ranks interfaces by the prefix of their names
	# (tun.wg0 for tun*), systemd's (a symbolic link) takes the prefix for
	# part of the name, also when Debian's has left its interface-order
	[[ ! -e /etc/resolvconf ]] || fail "the VM has an /etc/resolvconf already"
	mkdir /etc/resolvconf
	defer rm -rf /etc/resolvconf
	printf 'lo.inet\nlo\ntun*\ntap*\n' >/etc/resolvconf/interface-order
	: >"$rl"
	XPATH=$fake expect_ok quick up "$conf"
	XPATH=$fake expect_ok quick down "$conf"
	assert_eq "$(grep -v '^[ns]' "$rl")" "resolvconf -a tun.wg0 -m 0 -x
resolvconf -d tun.wg0 -f" "resolvconf with an interface-order"
	mkdir -p "$TMPDIR/fakelink"
	ln -sf "$fake/resolvconf" "$TMPDIR/fakelink/resolvconf"
	: >"$rl"
	XPATH=$TMPDIR/fakelink expect_ok quick up "$conf"
	XPATH=$TMPDIR/fakelink expect_ok quick down "$conf"
	assert_eq "$(grep -v '^[ns]' "$rl")" "resolvconf -a wg0 -m 0 -x
resolvconf -d wg0 -f" "resolvconf, a symbolic link, with an interface-order left behind"
	same_as "$before" "after down (interface-order)"
	# without resolvconf: a warning, and the tunnel still comes up
	expect_ok quick up "$conf"
	assert_line "$ERR" '^wgctl-quick: warning: no resolvconf on PATH' "warning without resolvconf"
	expect_ok quick down "$conf"
	same_as "$before" "after down (no resolvconf)"
}

bad_address() {
	local before conf
	before=$(snapshot)
	conf=$(conf_file badaddr <<-EOF
		[Interface]
		PrivateKey = $C_PRIV
		Address = 10.0.0.1/24
		Address = 10.0.0.300/24
		[Peer]
		PublicKey = $S_PUB
		AllowedIPs = 10.0.0.2/32
	EOF
	)
	expect_fail quick up "$conf"
	assert_eq "$RC" 1 "exit status"
	assert_eq "$ERR" "wgctl-quick: $conf:4: Address: \`10.0.0.300/24' is not an IPv4 or IPv6 address with an optional /prefix length" "message"
	no_wg0 || fail "wg0 created from a bad config"
	same_as "$before" "after a refused up"
	# a bad MTU after an IPv6 Address
	conf=$(conf_file badmtu <<-EOF
		[Interface]
		MTU = 1200
		Address = fd00::1/64
	EOF
	)
	expect_fail quick up "$conf"
	assert_match "$ERR" "^wgctl-quick: $conf:2: MTU 1200 is below 1280" "message"
	# a file others can read: a warning
	chmod 644 "$conf"
	expect_fail quick up "$conf"
	assert_line "$ERR" "^wgctl-quick: warning: \`$conf' can be read by users other than its owner" "warning"
	same_as "$before" "after refused ups"
}

# wgctl reports a bad [Peer] line of the user's file, by the file's name and
# line number, though it read it through a pipe with the quick keys blanked
bad_peer_key() {
	local before conf
	before=$(snapshot)
	conf=$(conf_file badkey <<-EOF
		[Interface]
		Address = 10.0.0.1/24
		DNS = 10.0.0.53
		MTU = 1400
		PrivateKey = $C_PRIV
		PostUp = true

		[Peer]
		PublicKey = notakey
		AllowedIPs = 10.0.0.2/32
	EOF
	)
	expect_fail quick up "$conf"
	assert_eq "$RC" 1 "exit status"
	log "stderr: $(tr '\n' '|' <<<"$ERR")"
	assert_line "$ERR" "^wgctl: $conf:9: " "wgctl's message names the file and line 9"
	no_wg0 || fail "wg0 left behind"
	same_as "$before" "after a failed up"
}

strip_keys() {
	local conf want
	conf=$(conf_file strip <<-EOF
		# comment
		[Interface]
		PrivateKey = $C_PRIV
		Address = 10.0.0.1/24
		  dns = 10.0.0.53   # lower case, indented
		ListenPort = $C_PORT
		MTU=1400
		Table = off
		PreUp = echo a
		PostUp = echo b
		PreDown = echo c
		PostDown = echo d
		SaveConfig = false

		[Peer]
		PublicKey = $S_PUB
		AllowedIPs = 10.0.0.2/32
	EOF
	)
	want="# comment
[Interface]
PrivateKey = $C_PRIV
ListenPort = $C_PORT

[Peer]
PublicKey = $S_PUB
AllowedIPs = 10.0.0.2/32"
	expect_ok quick strip "$conf"
	assert_eq "$OUT" "$want" "strip"
	# by interface name, from WGCTL_QUICK_CONFIG_DIR
	mkdir -p "$CONF/default"
	cp "$conf" "$CONF/default/wg0.conf"
	expect_ok quick strip wg0
	assert_eq "$OUT" "$want" "strip wg0"
	# what strip prints is what wgctl setconf takes
	ip -n c link add wg9 type wgc
	nsexec c wgctl setconf wg9 <(printf '%s\n' "$want")
	assert_eq "$(nsexec c wgctl show wg9 listen-port)" "$C_PORT" "setconf of the stripped file"
	assert_eq "$(nsexec c wgctl show wg9 peers)" "$S_PUB" "setconf of the stripped file: peer"
	ip -n c link del wg9
}

refusals() {
	local conf before
	conf=$(full_tunnel_conf refuse)
	before=$(snapshot)
	# wg0 exists already (not ours: a dummy): up refuses and leaves it be
	need_modules dummy
	ip -n c link add wg0 type dummy
	expect_fail quick up "$conf"
	assert_line "$ERR" "^wgctl-quick: \`wg0' already exists" "message"
	assert_match "$(ip -n c -d link show dev wg0)" "dummy" "the dummy wg0"
	expect_fail quick down "$conf"
	assert_line "$ERR" "^wgctl-quick: \`wg0' is not a wgc interface" "message"
	ip -n c link show dev wg0 >/dev/null || fail "down removed a non-wgc wg0"
	ip -n c link del wg0
	expect_fail quick down "$conf"
	expect_fail quick up "$CONF/refuse/nosuch.conf"
	assert_line "$ERR" "does not exist" "message"
	expect_fail quick up "bad/name!.conf"
	expect_fail quick sideways "$conf"
	expect_fail nsexec c setpriv --reuid=65534 --regid=65534 --clear-groups \
		env PATH="$QPATH" wgctl-quick up "$conf"
	assert_line "$ERR" "needs root" "message for a user"
	no_wg0 || fail "wg0 created"
}

subtest_c basic basic
subtest_c full-tunnel full_tunnel
# The rest is the script's own logic, which does not depend on the kernel;
# the debug kernel, many times slower here, is for the module's memory and
# locking, which the cases above already take through creation, traffic,
# policy routing and deletion.
if ((TUN_SLOW)); then
	log "slow (debug) kernel: the cases of the script's own logic are left to the Debian kernel's run"
	exit 0
fi
subtest_c failed-up-undone failed_up_undone
subtest_c full-tunnel-order full_tunnel_order
subtest_c bad-peer-key bad_peer_key
subtest_c auto-mtu auto_mtu
subtest_c table tables
subtest_c hooks hooks
subtest_c keyword-name keyword_name
subtest_c preup-private-key preup_private_key
subtest_c save-config save_config
subtest_c dns dns
subtest_c bad-address bad_address
subtest_c strip strip_keys
subtest_c refusals refusals
