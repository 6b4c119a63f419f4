#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configuration files through wgctl: setconf then showconf gives the file
# back; wg(8)'s relaxed syntax means the same; a bad file changes nothing;
# addconf keeps what the file does not name; syncconf changes only what
# differs and keeps a running session (no new handshake); the same file
# read by wg(8) into wireguard.ko shows the same as wgctl's wgc device;
# 10,000 peers go in with one setconf and come back out.
# timeout: 900
# debug kernel: skip: wgctl's file parsing; config and netlink-peers drive the kernel
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

# RFC 7748, section 6.1: Alice's private key, clamped as the kernel shows it.
ALICE_PRIV_CLAMPED=cAdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LGo=
BOB_PUB=3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08=
PSK=MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM=

# Any 32 bytes make a peer key: a counter spelt out in base64.
peer_key() { printf 'wgcconf%035dA=' "$1"; }

confdir=$(mktemp -d)
chmod 700 "$confdir"

fresh_device() {
	ip link del wg0 2>/dev/null || true
	ip link add wg0 type wgc
}

# A name only this test resolves; restored at exit.
cp /etc/hosts "$confdir/hosts.orig"
defer cp "$confdir/hosts.orig" /etc/hosts
echo '192.0.2.77 relay.wgc.test' >>/etc/hosts

# sort_ips: the file with each AllowedIPs line's entries sorted, since the
# kernel's order of a peer's prefixes is its own. Pure bash: no fork per line.
sort_ips() {
	local line i j t
	local -a ips
	while IFS= read -r line; do
		if [[ $line == "AllowedIPs = "* ]]; then
			IFS=',' read -r -a ips <<<"${line#AllowedIPs = }"
			for ((i = 0; i < ${#ips[@]}; i++)); do
				ips[i]=${ips[i]# }
			done
			for ((i = 1; i < ${#ips[@]}; i++)); do
				for ((j = i; j > 0; j--)); do
					[[ ${ips[j - 1]} > ${ips[j]} ]] || break
					t=${ips[j]} ips[j]=${ips[j - 1]} ips[j - 1]=$t
				done
			done
			line="AllowedIPs = ${ips[0]}"
			for ((i = 1; i < ${#ips[@]}; i++)); do
				line+=", ${ips[i]}"
			done
		fi
		printf '%s\n' "$line"
	done
}

# The first lines in which two texts differ, for failure messages.
differences() {
	diff <(printf '%s\n' "$1") <(printf '%s\n' "$2") >"$confdir/differences" || true
	head -n 8 "$confdir/differences"
}

assert_same_text() {
	[[ $1 == "$2" ]] || FAIL_DEPTH=2 fail "$3 differs: $(differences "$2" "$1")"
}

# showconf, normalised, of wg0 in the current namespace (or in $1).
showconf() {
	if (($#)); then
		ip netns exec "$1" "${2:-wgctl}" showconf wg0 | sort_ips
	else
		wgctl showconf wg0 | sort_ips
	fi
}

# What showconf prints for canonical.conf: the file itself.
write_canonical() {
	cat >"$confdir/canonical.conf" <<-EOF
		[Interface]
		ListenPort = 40200
		FwMark = 0x2a
		PrivateKey = $ALICE_PRIV_CLAMPED

		[Peer]
		PublicKey = $BOB_PUB
		PresharedKey = $PSK
		AllowedIPs = 10.0.0.0/8, 192.168.1.1/32, 0.0.0.0/0, fd00::/64, ::/0
		Endpoint = [2001:db8::1]:443
		PersistentKeepalive = 25

		[Peer]
		PublicKey = $(peer_key 1)
		AllowedIPs = 255.255.255.255/32, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128
		Endpoint = 192.0.2.77:51820

		[Peer]
		PublicKey = $(peer_key 2)
	EOF
	chmod 600 "$confdir/canonical.conf"
}

round_trip() {
	fresh_device
	write_canonical
	expect_ok wgctl setconf wg0 "$confdir/canonical.conf"
	assert_eq "$ERR" "" "setconf's stderr"
	assert_same_text "$(showconf)" "$(sort_ips <"$confdir/canonical.conf")" \
		"showconf after setconf"
}

# wg(8)'s syntax: any case, spaces anywhere, comments, AllowedIPs over
# several lines, a host name looked up once, IPv6 in brackets.
relaxed_syntax() {
	fresh_device
	write_canonical
	cat >"$confdir/relaxed.conf" <<-EOF
		# site A, written by hand
		[INTERFACE]
		privatekey=$ALICE_PRIV_CLAMPED   # the clamped form
		  Listen Port = 40200
		fwmark = 42
		[peer]
		PUBLICKEY = $BOB_PUB
		allowedips = 10.0.0.0/8 , 192.168.1.1
		AllowedIPs = 0.0.0.0/0,fd00::/64
		AllowedIPs = ::/0
		PresharedKey = $PSK
		Endpoint = [2001:db8::1]:443
		PersistentKeepalive = 25
		[Peer]
		Endpoint = relay.wgc.test:51820
		PublicKey = $(peer_key 1)
		AllowedIPs = 255.255.255.255, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128
		[Peer]
		PublicKey = $(peer_key 2)
	EOF
	expect_ok wgctl setconf wg0 "$confdir/relaxed.conf"
	assert_same_text "$(showconf)" "$(sort_ips <"$confdir/canonical.conf")" \
		"showconf of the relaxed file"
}

# Every bad file is refused whole, with its file and line, by all three
# commands, and the device stays exactly as it was.
bad_files_change_nothing() {
	local before name cmd line
	fresh_device
	write_canonical
	wgctl setconf wg0 "$confdir/canonical.conf"
	before=$(wgctl show wg0 dump)
	# name|line|text appended to a copy of canonical.conf (lines 1-19)
	local -a cases=(
		"bad-key-last-line|22|[Peer]\nPublicKey = $(peer_key 3)\nPresharedKey = nope"
		"port-wraps-in-wg|21|[Interface]\nListenPort = 65536"
		"duplicate-peer|20|[Peer]\nPublicKey = $BOB_PUB"
		"unresolvable|22|[Peer]\nPublicKey = $(peer_key 3)\nEndpoint = nowhere.invalid:1"
		"quick-key|21|[Interface]\nAddress = 10.0.0.1/24"
		"zone-id|22|[Peer]\nPublicKey = $(peer_key 3)\nAllowedIPs = fe80::1%lo/64"
		"peer-without-key|20|[Peer]\nAllowedIPs = 10.9.0.0/16"
	)
	for c in "${cases[@]}"; do
		IFS='|' read -r name line text <<<"$c"
		{ cat "$confdir/canonical.conf"; printf '%b\n' "$text"; } >"$confdir/$name.conf"
		for cmd in setconf addconf syncconf; do
			WG_ENDPOINT_RESOLUTION_RETRIES=0 expect_fail wgctl "$cmd" wg0 "$confdir/$name.conf"
			assert_match "$ERR" "^wgctl: $confdir/$name.conf:$line: " "$cmd $name: message"
			assert_eq "$(wgctl show wg0 dump)" "$before" "device after $cmd of $name"
		done
	done
}

# addconf adds and updates the peers it names and keeps the others.
addconf_keeps_others() {
	local ips
	fresh_device
	write_canonical
	wgctl setconf wg0 "$confdir/canonical.conf"
	printf '[Peer]\nPublicKey = %s\nAllowedIPs = 10.3.0.0/16\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.1.0.0/16\n' \
		"$(peer_key 3)" "$(peer_key 1)" >"$confdir/add.conf"
	expect_ok wgctl addconf wg0 "$confdir/add.conf"
	assert_eq "$(wgctl show wg0 peers | wc -l)" 4 "peers after addconf"
	ips=$(wgctl show wg0 allowed-ips | grep "^$(peer_key 1)")
	assert_eq "$ips" "$(peer_key 1)	10.1.0.0/16" "peer 1's allowed IPs, replaced"
	assert_eq "$(wgctl show wg0 listen-port)" 40200 "listen port kept"
	assert_eq "$(wgctl show wg0 private-key)" "$ALICE_PRIV_CLAMPED" "private key kept"
	grep -qxF "$BOB_PUB	$PSK" <<<"$(wgctl show wg0 preshared-keys)" ||
		fail "Bob's preshared key was not kept: $(wgctl show wg0 preshared-keys)"
}

# syncconf over a live session: n1 changes peers around n2's, and n2's
# session goes on (same handshake time, counters kept, no new handshake);
# setconf of the very same file, for contrast, starts n2's peer afresh.
syncconf_keeps_session() {
	local hs processed rx conf=$confdir/n1.conf
	pair_setup
	peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT"
	peer_set n2 n1 endpoint "$N1_OUT4:$N1_PORT"
	ping_ok n1 "$N2_IN4"
	wait_handshake n1 n2
	wgx n1 set wg0 peer "$(peer_key 5)" allowed-ips 10.5.0.0/16 \
		peer "$(peer_key 6)" allowed-ips 10.6.0.0/16
	hs=$(peer_field n1 n2 latest-handshakes)
	rx=$(peer_field n1 n2 transfer)
	processed=$(n2 wgctl show wg0 handshake-stats | grep '^processed' | cut -f2)

	# The file: n1's interface as it is, n2 with one more prefix, peer 6
	# as it is, peer 5 gone, peer 7 new.
	{
		n1 wgctl showconf wg0 | sed -n '1,/^$/p'
		printf '[Peer]\nPublicKey = %s\nAllowedIPs = %s/32, %s/128, 10.99.0.0/16\nEndpoint = %s:%s\n\n' \
			"$(pubkey_of n2)" "$N2_IN4" "$N2_IN6" "$N2_OUT4" "$N2_PORT"
		printf '[Peer]\nPublicKey = %s\nAllowedIPs = 10.6.0.0/16\n\n' "$(peer_key 6)"
		printf '[Peer]\nPublicKey = %s\nAllowedIPs = 10.7.0.0/16\n' "$(peer_key 7)"
	} >"$conf"

	sleep 1.1 # a new handshake would now show a later time
	expect_ok n1 wgctl syncconf wg0 "$conf"
	assert_same_text "$(showconf n1)" "$(sort_ips <"$conf")" "showconf after syncconf"
	ping_ok n1 "$N2_IN4"
	assert_eq "$(peer_field n1 n2 latest-handshakes)" "$hs" "n2's latest handshake after syncconf"
	assert_eq "$(n2 wgctl show wg0 handshake-stats | grep '^processed' | cut -f2)" \
		"$processed" "handshakes n2 processed"
	local rx_before=${rx%%	*} rx_after
	rx_after=$(peer_field n1 n2 transfer)
	rx_after=${rx_after%%	*}
	((rx_after > rx_before)) || fail "n2's counters were reset: $rx_before then $rx_after bytes"

	# syncconf of the same file again: nothing to change, session intact.
	expect_ok n1 wgctl syncconf wg0 "$conf"
	assert_eq "$(peer_field n1 n2 latest-handshakes)" "$hs" "latest handshake after a no-op syncconf"

	expect_ok n1 wgctl setconf wg0 "$conf"
	assert_eq "$(peer_field n1 n2 latest-handshakes)" 0 "n2's latest handshake after setconf (peer made anew)"
}

# One file, read by wg(8) into wireguard.ko in w1 and by wgctl into wgc
# in c1: both show the same configuration and the same dump. Then both
# are synced to a second file.
same_as_wg() {
	local got want
	need_modules wireguard
	netns_add w1 c1
	ip -n w1 link add wg0 type wireguard
	ip -n c1 link add wg0 type wgc
	write_canonical
	expect_ok ip netns exec w1 wg setconf wg0 "$confdir/canonical.conf"
	expect_ok ip netns exec c1 wgctl setconf wg0 "$confdir/canonical.conf"
	want=$(showconf w1 wg)
	got=$(showconf c1 wgctl)
	assert_same_text "$got" "$want" "wgctl showconf beside wg showconf"
	assert_same_text "$got" "$(sort_ips <"$confdir/canonical.conf")" "showconf beside the file"
	assert_same_text "$(ip netns exec c1 wgctl show wg0 dump)" \
		"$(ip netns exec w1 wg show wg0 dump)" "dump (same allowed IP order for a file)"
	assert_same_text "$(ip netns exec c1 wgctl show wg0 peers)" \
		"$(ip netns exec w1 wg show wg0 peers)" "peers"

	sed -e '/^PersistentKeepalive/d' -e 's/^ListenPort = .*/ListenPort = 40201/' \
		"$confdir/canonical.conf" >"$confdir/second.conf"
	printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.3.0.0/16\n' "$(peer_key 3)" >>"$confdir/second.conf"
	expect_ok ip netns exec w1 wg syncconf wg0 "$confdir/second.conf"
	expect_ok ip netns exec c1 wgctl syncconf wg0 "$confdir/second.conf"
	got=$(showconf c1 wgctl)
	assert_same_text "$got" "$(sort_ips <"$confdir/second.conf")" "wgctl showconf after syncconf"
	# wg(8) keeps the keepalive the file left out; wgctl takes the file
	# as the whole truth (see the man page), so only that line may differ.
	want=$(showconf w1 wg | grep -v '^PersistentKeepalive')
	assert_same_text "$got" "$want" "wgctl beside wg after syncconf"
	netns_del_quiet w1 c1
}

# 10,000 peers with one setconf, split over many netlink messages, and
# all of them back in showconf, in the file's order.
many_peers() {
	local n=10000 i start key
	fresh_device
	# No fork per peer: under emulation each costs tens of milliseconds.
	{
		printf '[Interface]\nListenPort = 40300\n'
		for ((i = 0; i < n; i++)); do
			printf -v key 'wgcconf%035dA=' "$i"
			printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.%d.%d.0/24, fd00:%x::/64\n' \
				"$key" $((i / 256)) $((i % 256)) $((i + 1))
		done
	} >"$confdir/many.conf"
	assert_eq "$key" "$(peer_key $((n - 1)))" "the inline key spelling"
	start=$SECONDS
	expect_ok wgctl setconf wg0 "$confdir/many.conf"
	log "setconf of $n peers: $((SECONDS - start)) s"
	assert_eq "$(wgctl show wg0 peers | wc -l)" "$n" "peers"
	start=$SECONDS
	wgctl showconf wg0 >"$confdir/many.out"
	log "showconf of $n peers: $((SECONDS - start)) s"
	if ! cmp -s "$confdir/many.conf" "$confdir/many.out"; then
		diff "$confdir/many.conf" "$confdir/many.out" >"$confdir/many.diff" || true
		fail "showconf differs from the file: $(head -n 8 "$confdir/many.diff")"
	fi
	# And syncconf of a file with one peer less sends just the removal.
	head -n -4 "$confdir/many.conf" >"$confdir/fewer.conf"
	start=$SECONDS
	expect_ok wgctl syncconf wg0 "$confdir/fewer.conf"
	log "syncconf removing one of $n peers: $((SECONDS - start)) s"
	assert_eq "$(wgctl show wg0 peers | wc -l)" "$((n - 1))" "peers after syncconf"
}

load_wgc
subtest addconf-keeps-others addconf_keeps_others
subtest syncconf-keeps-session syncconf_keeps_session
subtest many-peers many_peers
# The rest is wgctl's parsing and printing, which does not depend on the
# kernel; the debug kernel, many times slower here, is for the module's
# memory and locking, which the cases above take through replacing,
# updating and 10,000 peers.
if ((TUN_SLOW)); then
	log "slow (debug) kernel: the cases of wgctl's own parsing are left to the Debian kernel's run"
	exit 0
fi
subtest round-trip round_trip
subtest relaxed-syntax relaxed_syntax
subtest bad-files-change-nothing bad_files_change_nothing
subtest same-as-wg same_as_wg
