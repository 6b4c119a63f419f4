#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Peers through wgctl: 1,000 peers with 10 allowed IPs each (mixed IPv4 and
# IPv6) go in with one `wgctl set` (split over many netlink messages) and
# come back exactly through `wgctl show` (a dump over many messages), and
# every peer option means what it means for wg(8), as seen through show,
# allowed IPs marked `+' or `-' (wg 1.0.20250521) included.
# timeout: 600
source "$(dirname "$0")/lib.sh"

# RFC 7748, section 6.1: Alice's private and public key, Bob's public key.
ALICE_PRIV=dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=
ALICE_PUB=hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=
BOB_PUB=3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08=
# Any 32 bytes make a peer key; these spell out a counter in base64.
CAROL_PUB=wgcpeerCAROL000000000000000000000000000000A=

NPEERS=1000
# The debug kernel (KASAN, kmemleak, lockdep) is many times slower here:
# 300 peers still make a request of several messages, and a dump of several.
if [[ -n ${WGC_SANITIZERS:-} ]]; then
	NPEERS=300
	log "a kernel with sanitizers ($WGC_SANITIZERS): $NPEERS peers, not 1,000"
fi

# shellcheck disable=SC2119 # no module parameters wanted
load_wgc
keydir=$(mktemp -d)
umask 077
printf '%s\n' "$ALICE_PRIV" >"$keydir/alice"
wgctl genpsk >"$keydir/psk"
PSK=$(<"$keydir/psk")

fresh_device() {
	ip link del wg0 2>/dev/null || true
	ip link add wg0 type wgc
}

# normalize FIELD SEP: stdin's tab-separated lines with the SEP-separated
# list in field FIELD (counted from 0) sorted, then the lines sorted. The
# kernel owes us neither an order of peers nor of allowed IPs. One awk for
# all lines: under emulation, bash loops over thousands of items take
# tens of seconds.
normalize() {
	awk -F '\t' -v OFS='\t' -v field=$(($1 + 1)) -v sep="$2" '
	{
		n = split($field, items, sep)
		for (i = 2; i <= n; i++) {
			item = items[i]
			for (j = i - 1; j >= 1 && items[j] "" > item ""; j--)
				items[j + 1] = items[j]
			items[j + 1] = item
		}
		list = items[1]
		for (i = 2; i <= n; i++)
			list = list sep items[i]
		$field = list
		print
	}' | LC_ALL=C sort
}

# differences WANT GOT: the first lines in which two sorted texts differ.
# (sed, not head, after a pipe: head leaving early would fail the writer
# with SIGPIPE, and pipefail the test.)
differences() {
	LC_ALL=C comm -3 <(printf '%s\n' "$1") <(printf '%s\n' "$2") | sed -n 1,4p
}

# The configuration of peer $1 in round $2: key, allowed IPs, endpoint,
# keepalive, preshared key. Sets PUB IPS EP KA PSK_FILE.
peer_config() {
	local i=$1 round=$2 a=$(($1 / 256)) b=$(($1 % 256)) h
	printf -v PUB 'wgcpeer%035dA=' "$i"
	printf -v h '%x' $((i + 1 + round * 4096))
	IPS="10.$a.$b.0/24,fd00:$h::/64,10.$a.$b.0/27,fd00:$h::1/128"
	IPS+=",10.$a.$b.64/26,fd00:$h:0:1::/64,10.$a.$b.128/32"
	IPS+=",fd01::$h/128,172.$((16 + round)).$b.$a/32,2001:db8:$h::/48"
	if ((i % 2)); then
		EP="[2001:db8::$h]:$((10000 + i))"
	else
		EP="192.0.2.$((i % 250 + 1)):$((20000 + i))"
	fi
	KA=off
	((i % 5)) || KA=$((25 + round))
	PSK_FILE=
	((i % 10)) || PSK_FILE=$keydir/psk
}

# Build the `wgctl set` arguments for all peers (ARGS) and the dump lines
# they should read back as (WANT_DUMP) and as allowed-ips (WANT_IPS).
build_round() {
	local round=$1 i psk_shown
	ARGS=() WANT_DUMP="" WANT_IPS=""
	for ((i = 0; i < NPEERS; i++)); do
		peer_config "$i" "$round"
		ARGS+=(peer "$PUB" allowed-ips "$IPS" endpoint "$EP"
			persistent-keepalive "$KA")
		psk_shown="(none)"
		if [[ -n $PSK_FILE ]]; then
			ARGS+=(preshared-key "$PSK_FILE")
			psk_shown=$PSK
		fi
		WANT_DUMP+="$PUB	$psk_shown	$EP	$IPS	0	0	0	$KA"$'\n'
		WANT_IPS+="$PUB	${IPS//,/ }"$'\n'
	done
}

check_round() {
	local got want
	got=$(wgctl show wg0 dump | tail -n +2 | normalize 3 ,)
	want=$(printf '%s' "$WANT_DUMP" | normalize 3 ,)
	[[ $got == "$want" ]] || fail "dump differs: $(differences "$want" "$got")"
	got=$(wgctl show wg0 allowed-ips | normalize 1 ' ')
	want=$(printf '%s' "$WANT_IPS" | normalize 1 ' ')
	[[ $got == "$want" ]] ||
		fail "allowed-ips differs: $(differences "$want" "$got")"
}

# wgctl set wg0 ARGS..., and where strace is in the VM, check that the
# request really went over several messages (one sendto() is the family
# look-up, each of the others one message of the request).
set_counting_messages() {
	local trace sends
	if ! command -v strace >/dev/null; then
		log "no strace in the VM: not counting messages"
		wgctl set wg0 "$@"
		return
	fi
	trace=$(mktemp)
	strace -qq -o "$trace" -e trace=sendto wgctl set wg0 "$@"
	sends=$(grep -c '^sendto(' "$trace")
	log "wgctl set: $((sends - 1)) messages"
	((sends >= 3)) || FAIL_DEPTH=2 fail "the request went in $((sends - 1)) message(s), not several"
}

# 1,000 peers x 10 allowed IPs, with the device's own settings, in one
# command; then every peer's allowed IPs replaced, again in one command.
thousand_peers() {
	fresh_device
	build_round 0
	wgctl set wg0 private-key "$keydir/alice" listen-port 40200 "${ARGS[@]}"
	assert_eq "$(wgctl show wg0 dump | sed -n 1p)" \
		"$(wgctl show wg0 private-key)	$ALICE_PUB	40200	off" "device line"
	assert_eq "$(wgctl show wg0 peers | wc -l)" "$NPEERS" "peer count"
	check_round

	# allowed-ips replaces: nothing of round 0 may survive, even where
	# a peer's list was cut between two messages.
	build_round 1
	set_counting_messages "${ARGS[@]}"
	check_round
	assert_eq "$(wgctl show wg0 | grep -c '^peer: ')" "$NPEERS" "pretty peers"
	assert_eq "$(wgctl show all dump | grep -c '^wg0	')" "$((NPEERS + 1))" \
		"show all dump lines"
}

# One peer with more allowed IPs than fit one message either way.
huge_peer() {
	fresh_device
	local ips="" i got want
	for ((i = 0; i < 3000; i++)); do
		ips+="${ips:+,}10.200.$((i / 250)).$((i % 250))/32"
	done
	wgctl set wg0 peer "$BOB_PUB" allowed-ips "$ips"
	# One item per line for sort.
	want=$(tr ',' '\n' <<<"$ips" | LC_ALL=C sort)
	got=$(wgctl show wg0 allowed-ips | cut -f 2 | tr ' ' '\n' | LC_ALL=C sort)
	[[ $got == "$want" ]] ||
		fail "3000 allowed IPs differ: $(differences "$want" "$got")"
	assert_eq "$(wgctl show wg0 peers)" "$BOB_PUB" "still one peer"
	assert_eq "$(wgctl show wg0 dump | grep -c '10\.200\.')" 1 "one dump line"
}

remove_peer() {
	fresh_device
	wgctl set wg0 peer "$BOB_PUB" allowed-ips 10.1.0.0/16 peer "$CAROL_PUB"
	assert_eq "$(wgctl show wg0 peers | sort)" "$(printf '%s\n' "$BOB_PUB" "$CAROL_PUB" | sort)" "two peers"
	wgctl set wg0 peer "$BOB_PUB" remove
	assert_eq "$(wgctl show wg0 peers)" "$CAROL_PUB" "after remove"
	# Removing a peer that is not there is not an error.
	wgctl set wg0 peer "$BOB_PUB" remove
	assert_eq "$(wgctl show wg0 peers)" "$CAROL_PUB" "after second remove"
}

# The allowed IPs of the device's only (or first) peer, sorted.
ips() { wgctl show wg0 allowed-ips | normalize 1 ' ' | sed -n 1p | cut -f 2; }

allowed_ips_semantics() {
	fresh_device
	wgctl set wg0 peer "$BOB_PUB" allowed-ips 10.0.0.0/8
	assert_eq "$(ips)" "10.0.0.0/8" "first list"
	wgctl set wg0 peer "$BOB_PUB" allowed-ips "10.1.0.0/16, fd00::/64"
	assert_eq "$(ips)" "10.1.0.0/16 fd00::/64" "replaced, not added"
	wgctl set wg0 peer "$BOB_PUB" endpoint 192.0.2.1:1
	assert_eq "$(ips)" "10.1.0.0/16 fd00::/64" "kept when not given"
	wgctl set wg0 peer "$BOB_PUB" allowed-ips 10.2.0.0/16 allowed-ips 10.3.0.0/16
	assert_eq "$(ips)" "10.2.0.0/16 10.3.0.0/16" "given twice: both"
	wgctl set wg0 peer "$BOB_PUB" allowed-ips ""
	assert_eq "$(wgctl show wg0 allowed-ips)" "$BOB_PUB	(none)" "empty removes all"
	assert_match "$(wgctl show wg0)" $'\n  allowed ips: \\(none\\)' "pretty (none)"
	# The kernel keeps the prefix only; wgctl warns about the rest.
	expect_ok wgctl set wg0 peer "$BOB_PUB" allowed-ips 10.9.8.7/16
	assert_match "$ERR" "^Warning: allowed IP \`10.9.8.7/16' has a nonzero host part$" "host bits warning"
	assert_eq "$(ips)" "10.9.0.0/16" "masked by the kernel"
	# An allowed IP belongs to one peer: giving it to another moves it.
	wgctl set wg0 peer "$CAROL_PUB" allowed-ips 10.9.0.0/16
	assert_eq "$(wgctl show wg0 allowed-ips | grep "^$BOB_PUB")" "$BOB_PUB	(none)" "moved away"
}

preshared_key() {
	fresh_device
	wgctl set wg0 peer "$BOB_PUB" preshared-key "$keydir/psk"
	assert_eq "$(wgctl show wg0 preshared-keys)" "$BOB_PUB	$PSK" "psk set"
	assert_match "$(wgctl show wg0)" $'\n  preshared key: \\(hidden\\)\n' "hidden"
	# (grep, not a regex match: base64 has `+' in it)
	assert_eq "$(WG_HIDE_KEYS=never wgctl show wg0 | grep '^  preshared key: ')" \
		"  preshared key: $PSK" "shown"
	wgctl set wg0 peer "$BOB_PUB" preshared-key /dev/null
	assert_eq "$(wgctl show wg0 preshared-keys)" "$BOB_PUB	(none)" "psk removed"
	assert_nomatch "$(wgctl show wg0)" 'preshared key' "no psk line"
}

keepalive() {
	fresh_device
	wgctl set wg0 peer "$BOB_PUB" persistent-keepalive 25
	assert_eq "$(wgctl show wg0 persistent-keepalive)" "$BOB_PUB	25" "25"
	assert_match "$(wgctl show wg0)" $'\n  persistent keepalive: every 25 seconds' "pretty"
	wgctl set wg0 peer "$BOB_PUB" persistent-keepalive off
	assert_eq "$(wgctl show wg0 persistent-keepalive)" "$BOB_PUB	off" "off"
	wgctl set wg0 peer "$BOB_PUB" persistent-keepalive 3661
	assert_match "$(wgctl show wg0)" 'every 1 hour, 1 minute, 1 second' "pretty hours"
	wgctl set wg0 peer "$BOB_PUB" persistent-keepalive 0
	assert_eq "$(wgctl show wg0 persistent-keepalive)" "$BOB_PUB	off" "0 is off"
	assert_nomatch "$(wgctl show wg0)" 'persistent keepalive' "no keepalive line"
}

endpoints() {
	fresh_device
	wgctl set wg0 peer "$BOB_PUB" endpoint 192.0.2.1:51820
	assert_eq "$(wgctl show wg0 endpoints)" "$BOB_PUB	192.0.2.1:51820" "v4"
	wgctl set wg0 peer "$BOB_PUB" endpoint '[2001:db8::1]:51821'
	assert_eq "$(wgctl show wg0 endpoints)" "$BOB_PUB	[2001:db8::1]:51821" "v6"
	wgctl set wg0 peer "$BOB_PUB" endpoint 2001:db8::2:7
	assert_eq "$(wgctl show wg0 endpoints)" "$BOB_PUB	[2001:db8::2]:7" "v6 unbracketed"
	wgctl set wg0 peer "$BOB_PUB" endpoint '[::ffff:192.0.2.9]:9'
	assert_match "$(wgctl show wg0 endpoints)" '	(\[::ffff:192\.0\.2\.9\]|192\.0\.2\.9):9$' "v4-mapped"
	assert_match "$(wgctl show wg0)" $'\n  endpoint: ' "pretty"
	wgctl set wg0 peer "$CAROL_PUB"
	assert_eq "$(wgctl show wg0 endpoints | grep "^$CAROL_PUB")" "$CAROL_PUB	(none)" "no endpoint"
	# Refused before anything is sent.
	local before
	before=$(wgctl show wg0 dump)
	expect_fail wgctl set wg0 peer "$BOB_PUB" endpoint '[fe80::1%lo]:1'
	assert_match "$ERR" 'IPv6 zone ids are not supported' "zone id"
	expect_fail wgctl set wg0 peer "$BOB_PUB" endpoint 192.0.2.1:65536
	assert_match "$ERR" "port \`65536' is not a number from 0 to 65535" "port"
	assert_eq "$(wgctl show wg0 dump)" "$before" "unchanged after refusals"
}

# A peer with the device's own public key is silently left out.
own_key_peer() {
	fresh_device
	wgctl set wg0 private-key "$keydir/alice"
	wgctl set wg0 peer "$ALICE_PUB" allowed-ips 10.5.0.0/16 peer "$BOB_PUB"
	assert_eq "$(wgctl show wg0 peers)" "$BOB_PUB" "own key ignored"
}

# Taking the private key whose public key is a peer's drops that peer.
private_key_of_peer() {
	fresh_device
	wgctl set wg0 peer "$ALICE_PUB" allowed-ips 10.6.0.0/16 peer "$BOB_PUB"
	assert_eq "$(wgctl show wg0 peers | sort)" "$(printf '%s\n' "$ALICE_PUB" "$BOB_PUB" | sort)" "two peers"
	wgctl set wg0 private-key "$keydir/alice"
	assert_eq "$(wgctl show wg0 peers)" "$BOB_PUB" "peer with our key removed"
	assert_eq "$(wgctl show wg0 public-key)" "$ALICE_PUB" "key taken"
}

# What a peer that never spoke looks like, in every form.
quiet_peer_forms() {
	fresh_device
	wgctl set wg0 peer "$BOB_PUB" allowed-ips 10.7.0.0/16
	assert_eq "$(wgctl show wg0 latest-handshakes)" "$BOB_PUB	0" "handshakes"
	assert_eq "$(wgctl show wg0 transfer)" "$BOB_PUB	0	0" "transfer"
	assert_eq "$(wgctl show wg0 dump | tail -n 1)" \
		"$BOB_PUB	(none)	(none)	10.7.0.0/16	0	0	0	off" "dump"
	assert_eq "$(wgctl show wg0)" "$(printf '%s\n' "interface: wg0" "" \
		"peer: $BOB_PUB" "  allowed ips: 10.7.0.0/16")" "pretty"
	assert_eq "$(wgctl show all peers)" "wg0	$BOB_PUB" "all peers"
}

# The allowed IPs of peer $1, one a line, sorted (nothing for none).
peer_ips() {
	wgctl show wg0 allowed-ips | awk -F '\t' -v key="$1" '
	$1 == key && $2 != "(none)" {
		n = split($2, ips, " ")
		for (i = 1; i <= n; i++)
			print ips[i]
	}' | LC_ALL=C sort
}

# Allowed IPs marked `+' or `-' (wg 1.0.20250521, as Linux 6.16's
# WGALLOWEDIP_F_REMOVE_ME): upstream netns.sh's newer case, what a removal
# may not touch, a change split over several messages, and config files.
# wgc only: Debian 12's wireguard.ko has no such flag and its wg
# (1.0.20210914) no such syntax.
incremental_allowed_ips() {
	if [[ ${IMPL:-wgc} == wireguard ]]; then
		log "incremental-allowed-ips: skipped, wgc only (IMPL=wireguard: Debian 12's wireguard.ko and wg 1.0.20210914 have no allowed IP flags)"
		return 0
	fi
	local ips=() list i got want conf before
	fresh_device

	# netns.sh: 197 IPv4 /32s and 197 IPv6 /128s at once, six taken back.
	for ((i = 1; i <= 197; i++)); do
		ips+=("192.168.0.$i/32" "abcd::$i/128")
	done
	list=$(IFS=,; echo "${ips[*]}")
	wgctl set wg0 peer "$BOB_PUB" allowed-ips "$list"
	assert_eq "$(peer_ips "$BOB_PUB" | wc -l)" 394 "all 394 set"
	wgctl set wg0 peer "$BOB_PUB" allowed-ips \
		-192.168.0.1/32,-192.168.0.20/32,-192.168.0.100/32,-abcd::1/128,-abcd::20/128,-abcd::100/128
	got=$(wgctl show wg0 allowed-ips | cut -f 2 | tr ' ' '\n')
	assert_eq "$(wc -l <<<"$got")" 388 "allowed IPs after six removals"
	want=$(printf '%s\n' "${ips[@]}" | awk '!/^(192\.168\.0\.(1|20|100)\/32|abcd::(1|20|100)\/128)$/' |
		LC_ALL=C sort)
	[[ $(LC_ALL=C sort <<<"$got") == "$want" ]] ||
		fail "after removals: $(differences "$want" "$(LC_ALL=C sort <<<"$got")")"

	# Only the peer's own, exact prefix goes: not another peer's, nor a
	# /9 or /7 around the /8 it has.
	wgctl set wg0 peer "$CAROL_PUB" allowed-ips 10.0.0.0/8
	wgctl set wg0 peer "$BOB_PUB" allowed-ips -10.0.0.0/8
	assert_eq "$(peer_ips "$CAROL_PUB")" "10.0.0.0/8" "another peer's prefix"
	assert_eq "$(peer_ips "$BOB_PUB")" "$want" "the peer's own, untouched"
	wgctl set wg0 peer "$CAROL_PUB" allowed-ips -10.0.0.0/9,-10.0.0.0/7
	assert_eq "$(peer_ips "$CAROL_PUB")" "10.0.0.0/8" "a /9 or /7 is not the /8"

	# One call adds and removes, and keeps the rest; `+' takes a prefix
	# from another peer like a bare entry; a removal is masked like an
	# addition (with the same warning); a bare list still replaces.
	fresh_device
	wgctl set wg0 peer "$BOB_PUB" allowed-ips 10.1.0.0/16,10.2.0.0/16,fd00::/64 \
		peer "$CAROL_PUB" allowed-ips 10.4.0.0/16,10.5.0.0/16
	wgctl set wg0 peer "$BOB_PUB" allowed-ips +10.3.0.0/16,-10.2.0.0/16,+10.4.0.0/16
	assert_eq "$(peer_ips "$BOB_PUB" | paste -sd ' ')" \
		"10.1.0.0/16 10.3.0.0/16 10.4.0.0/16 fd00::/64" "+a,-b keeps the rest"
	assert_eq "$(peer_ips "$CAROL_PUB")" "10.5.0.0/16" "+ moved a prefix"
	expect_ok wgctl set wg0 peer "$BOB_PUB" allowed-ips -10.1.2.3/16
	assert_match "$ERR" "^Warning: allowed IP \`10.1.2.3/16' has a nonzero host part$" "warning"
	assert_eq "$(peer_ips "$BOB_PUB" | paste -sd ' ')" \
		"10.3.0.0/16 10.4.0.0/16 fd00::/64" "-10.1.2.3/16 removed 10.1.0.0/16"
	wgctl set wg0 peer "$BOB_PUB" allowed-ips 10.9.0.0/16
	assert_eq "$(peer_ips "$BOB_PUB")" "10.9.0.0/16" "a bare list replaces"

	# 3,000 additions and two removals in one request, over several
	# messages: no continuation replaces the list (10.9.0.0/16 stays), and
	# a removal after an addition in an earlier message still comes after.
	wgctl set wg0 peer "$BOB_PUB" allowed-ips +10.8.0.0/16
	list=""
	for ((i = 0; i < 3000; i++)); do
		list+="+10.200.$((i / 250)).$((i % 250))/32,"
	done
	list+="-10.200.0.0/32,-10.8.0.0/16"
	set_counting_messages peer "$BOB_PUB" allowed-ips "$list"
	got=$(peer_ips "$BOB_PUB")
	assert_eq "$(wc -l <<<"$got")" 3000 "3,000 + 1 - 1"
	assert_eq "$(grep -cxF -e 10.9.0.0/16 -e 10.200.11.249/32 <<<"$got")" 2 "kept and last added"
	assert_eq "$(grep -cxF -e 10.8.0.0/16 -e 10.200.0.0/32 <<<"$got" || true)" 0 "removed"

	# The same through a file: addconf applies the marks to the peers'
	# lists; syncconf refuses the file and changes nothing; setconf makes
	# each peer anew, so the marks are moot there.
	fresh_device
	wgctl set wg0 peer "$BOB_PUB" allowed-ips 10.1.0.0/16,10.2.0.0/16 \
		peer "$CAROL_PUB" allowed-ips 10.5.0.0/16
	conf=$(mktemp)
	printf '[Peer]\nPublicKey = %s\nAllowedIPs = +10.3.0.0/16, -10.2.0.0/16\nAllowedIPs = -10.5.0.0/16\n' \
		"$BOB_PUB" >"$conf"
	wgctl addconf wg0 "$conf"
	assert_eq "$(peer_ips "$BOB_PUB" | paste -sd ' ')" "10.1.0.0/16 10.3.0.0/16" "addconf"
	assert_eq "$(peer_ips "$CAROL_PUB")" "10.5.0.0/16" "addconf: another peer's prefix"
	before=$(wgctl show wg0 dump)
	expect_fail wgctl syncconf wg0 "$conf"
	assert_match "$ERR" ":3: AllowedIPs: syncconf takes the file as the peer's whole list" "syncconf refuses"
	assert_eq "$(wgctl show wg0 dump)" "$before" "syncconf changed nothing"
	wgctl setconf wg0 "$conf"
	assert_eq "$(wgctl show wg0 allowed-ips)" "$BOB_PUB	10.3.0.0/16" "setconf: afresh"
	rm -f "$conf"
}

subtest_nodebug thousand-peers "wgctl's splitting of a big request; netlink-peers' big-dump sets and dumps hundreds of peers there" \
	thousand_peers
subtest huge-peer huge_peer
subtest remove remove_peer
subtest allowed-ips allowed_ips_semantics
subtest incremental-allowed-ips incremental_allowed_ips
subtest preshared-key preshared_key
subtest keepalive keepalive
subtest endpoints endpoints
subtest own-key-peer own_key_peer
subtest private-key-of-peer private_key_of_peer
subtest quiet-peer quiet_peer_forms
