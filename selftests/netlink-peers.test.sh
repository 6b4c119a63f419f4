#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Peers over the netlink interface, with hand-made requests (wgc-nl): every
# attribute round trips, the device and peer flags do what WireGuard's do,
# each bad attribute is refused with its own extended ack message and leaves
# the device exactly as it was (strict validation: unknown attributes,
# wrong lengths, unknown flag bits and leftover bytes at every level, each
# pointed at, a reserved header byte or unknown nlmsg_flags, and a get that
# carries more than the device's name), anyone may read the policies, and a
# dump of 1,000 peers spread over many messages comes back exact, flagged as
# interrupted if the configuration changes under it, and leaving nothing
# behind if abandoned. (Who may read a device, and what a paused dump holds,
# is netlink-access's.)
# timeout: 600
source "$(dirname "$0")/lib.sh"

# RFC 7748, section 6.1: Alice's clamped private key and public key, Bob's
# (unclamped) private key and public key.
ALICE_PRIV=70076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c6a
ALICE_PUB=8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a
BOB_PRIV=5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb
BOB_PUB=de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f
PSK=$(printf '5c%.0s' {1..32})
ZERO32=$(printf '00%.0s' {1..32})
KEY_PREFIX=$(printf 'a5%.0s' {1..28})

load_wgc

# K[N]: the public key of made-up peer N (made without forks: under TCG
# each costs tens of milliseconds).
K=()
for ((i = 0; i <= 1001; i++)); do
	printf -v "K[i]" '%s%08x' "$KEY_PREFIX" "$i"
done

fresh_device() {
	ip link del "${1:-wg0}" 2>/dev/null || true
	ip link add "${1:-wg0}" type wgc
}

dump() { wgc-nl get ifname=wg0; }
peer_keys() { dump | sed -n 's/^peer \([0-9a-f-]*\)$/\1/p' | sort -u; }
# peer_attr KEY TYPE: the hex value of one attribute of one peer
peer_attr() { dump | sed -n "s/^peer $1 $2://p"; }
allowed_ips() { dump | sed -n "s/^allowedip $1 //p" | sort; }
nl_set() { wgc-nl set ifname=wg0 "$@" >/dev/null; }

round_trip() {
	fresh_device
	nl_set peer public-key="$ALICE_PUB" preshared-key="$PSK" \
		endpoint=192.0.2.1:51820 keepalive=25 version=1 \
		allowed-ip=10.0.0.0/24 allowed-ip=fd00::/64
	assert_eq "$(peer_keys)" "$ALICE_PUB" "peers"
	assert_eq "$(peer_attr "$ALICE_PUB" 2)" "$PSK" "preshared key"
	assert_eq "$(peer_attr "$ALICE_PUB" 4)" "0200ca6cc00002010000000000000000" "endpoint (sockaddr_in)"
	assert_eq "$(peer_attr "$ALICE_PUB" 5)" "1900" "keepalive"
	assert_eq "$(peer_attr "$ALICE_PUB" 6)" "$(printf '00%.0s' {1..16})" "last handshake (never)"
	assert_eq "$(peer_attr "$ALICE_PUB" 7)" "0000000000000000" "rx bytes"
	assert_eq "$(peer_attr "$ALICE_PUB" 8)" "0000000000000000" "tx bytes"
	assert_eq "$(peer_attr "$ALICE_PUB" 10)" "01000000" "protocol version"
	assert_eq "$(allowed_ips "$ALICE_PUB")" "10.0.0.0/24
fd00::/64" "allowed IPs"

	# A second peer: no preshared key reads back as zeros, no endpoint as
	# none, and version 0 means the current one.
	nl_set peer public-key="$BOB_PUB" version=0
	assert_eq "$(peer_attr "$BOB_PUB" 2)" "$ZERO32" "absent preshared key"
	assert_eq "$(peer_attr "$BOB_PUB" 4)" "" "absent endpoint"
	assert_eq "$(peer_attr "$BOB_PUB" 10)" "01000000" "version 0 reads back as 1"

	# Updates: an IPv6 endpoint, keepalive off, allowed IPs added to...
	nl_set peer public-key="$ALICE_PUB" endpoint="[2001:db8::1]:51820" \
		keepalive=0 preshared-key="$ZERO32" allowed-ip=10.1.0.0/16
	assert_eq "$(peer_attr "$ALICE_PUB" 4)" \
		"0a00ca6c0000000020010db800000000000000000000000100000000" "endpoint (sockaddr_in6)"
	assert_eq "$(peer_attr "$ALICE_PUB" 5)" "0000" "keepalive off"
	assert_eq "$(peer_attr "$ALICE_PUB" 2)" "$ZERO32" "preshared key cleared"
	assert_eq "$(allowed_ips "$ALICE_PUB")" "10.0.0.0/24
10.1.0.0/16
fd00::/64" "allowed IPs added"
	# ...or replacing them.
	nl_set peer public-key="$ALICE_PUB" flags=2 allowed-ip=192.168.0.0/16
	assert_eq "$(allowed_ips "$ALICE_PUB")" "192.168.0.0/16" "allowed IPs replaced"
	nl_set peer public-key="$ALICE_PUB" flags=2
	assert_eq "$(allowed_ips "$ALICE_PUB")" "" "allowed IPs replaced by none"
}

flags() {
	fresh_device
	nl_set peer public-key="${K[1]}" peer public-key="${K[2]}"
	assert_eq "$(peer_keys)" "${K[1]}
${K[2]}" "two peers"

	# REPLACE_PEERS: only the peers of this message remain.
	nl_set flags=1 peer public-key="${K[3]}" allowed-ip=10.3.0.0/16
	assert_eq "$(peer_keys)" "${K[3]}" "after REPLACE_PEERS"
	nl_set flags=1
	assert_eq "$(peer_keys)" "" "after REPLACE_PEERS with no peers"

	# UPDATE_ONLY: no new peer, but an existing one changes.
	nl_set peer public-key="${K[4]}" flags=4 keepalive=5
	assert_eq "$(peer_keys)" "" "UPDATE_ONLY creates nothing"
	nl_set peer public-key="${K[4]}" keepalive=5
	nl_set peer public-key="${K[4]}" flags=4 keepalive=7
	assert_eq "$(peer_attr "${K[4]}" 5)" "0700" "UPDATE_ONLY updates"

	# REMOVE_ME: the peer goes; naming an absent peer is no error.
	nl_set peer public-key="${K[5]}" peer public-key="${K[4]}" flags=1
	assert_eq "$(peer_keys)" "${K[5]}" "after REMOVE_ME"
	nl_set peer public-key="${K[4]}" flags=1
	assert_eq "$(peer_keys)" "${K[5]}" "REMOVE_ME of an absent peer"
}

# A device is never its own peer: a peer with the device's public key (the
# one it has after the request) is ignored, and a new private key removes
# the peer that has its public key.
own_key() {
	fresh_device
	nl_set private-key="$ALICE_PRIV"
	nl_set peer public-key="$ALICE_PUB" allowed-ip=10.0.0.1/32
	assert_eq "$(peer_keys)" "" "own public key ignored"

	nl_set private-key="$BOB_PRIV" peer public-key="$BOB_PUB" \
		peer public-key="$ALICE_PUB" allowed-ip=10.0.0.1/32
	assert_eq "$(peer_keys)" "$ALICE_PUB" "the new key counts, not the old one"
	assert_line "$(dump)" "^4:$BOB_PUB\$" "device public key"

	nl_set private-key="$ALICE_PRIV"
	assert_eq "$(peer_keys)" "" "peer with the new public key removed"
	assert_line "$(dump)" "^4:$ALICE_PUB\$" "device public key after the change"
}

# bad MESSAGE ARG...: the request fails with the kernel's MESSAGE.
bad() {
	local msg=$1
	shift
	expect_fail wgc-nl set ifname=wg0 "$@"
	[[ ${OUT%%$'\n'*} == "error: "*": $msg" ]] ||
		FAIL_DEPTH=2 fail "wgc-nl set $*: got '$OUT', want the message '$msg'"
}

bad_requests() {
	fresh_device
	nl_set private-key="$ALICE_PRIV" listen-port=40200 fwmark=5 \
		peer public-key="${K[1]}" preshared-key="$PSK" endpoint=192.0.2.1:1 \
		allowed-ip=10.1.0.0/16 peer public-key="${K[2]}" allowed-ip=10.2.0.0/16
	local before
	before=$(dump)

	# Each is preceded by changes that would be valid on their own.
	local ok=(fwmark=9 private-key="$BOB_PRIV" peer public-key="${K[1]}" flags=2
		preshared-key="$ZERO32" allowed-ip=10.9.0.0/16 peer public-key="${K[3]}")
	local sin6_as_4 sin_as_6
	sin6_as_4=0200ca6c$(printf '00%.0s' {1..24})
	sin_as_6=0a00ca6c$(printf '00%.0s' {1..12})

	refused "$ERANGE" "$SIZE" "8[2]/1" set ifname=wg0 "${ok[@]}" peer public-key="${ALICE_PUB:2}"
	refused "$ERANGE" "$SIZE" "8[2]/1" set ifname=wg0 "${ok[@]}" peer public-key="${ALICE_PUB}00"
	refused "$ERANGE" "$SIZE" "8[1]/2" set ifname=wg0 "${ok[@]}" preshared-key="${PSK:2}"
	refused "$ERANGE" "$SIZE" 3 set ifname=wg0 "${ok[@]}" end private-key=00
	bad "unknown device flags" "${ok[@]}" end flags=2
	bad "unknown peer flags" "${ok[@]}" flags=8
	bad "endpoint must be a sockaddr_in or sockaddr_in6 of exactly its size" "${ok[@]}" 4="$sin6_as_4"
	bad "endpoint must be a sockaddr_in or sockaddr_in6 of exactly its size" "${ok[@]}" 4="$sin_as_6"
	bad "endpoint must be a sockaddr_in or sockaddr_in6 of exactly its size" "${ok[@]}" 4=0200
	bad "allowed IP address length does not match its family" "${ok[@]}" \
		allowedip family=2 ipaddr="$(printf '0a%.0s' {1..16})" cidr=8
	bad "allowed IP address length does not match its family" "${ok[@]}" \
		allowedip family=10 ipaddr=0a000000 cidr=8
	bad "allowed IP family must be AF_INET or AF_INET6" "${ok[@]}" \
		allowedip family=7 ipaddr=0a000000 cidr=8
	bad "allowed IP cidr mask is longer than its address" "${ok[@]}" allowed-ip=10.0.0.0/33
	bad "allowed IP cidr mask is longer than its address" "${ok[@]}" allowed-ip=fd00::/129
	bad "allowed IP needs a family, an address and a cidr mask" "${ok[@]}" \
		allowedip family=2 ipaddr=0a000000
	bad "peer has no public key" "${ok[@]}" peer keepalive=5
	bad "last handshake time is read-only" "${ok[@]}" 6="$(printf '00%.0s' {1..16})"
	bad "received bytes are read-only" "${ok[@]}" 7=0000000000000000
	bad "transmitted bytes are read-only" "${ok[@]}" 8=0000000000000000
	bad "peer statistics are read-only" "${ok[@]}" 11=0000000000000000
	bad "get flags are for a get request" "${ok[@]}" end 11=01000000
	refused "$ERANGE" "integer out of range" 12 set ifname=wg0 "${ok[@]}" end 12=02
	refused "$EINVAL" "$LENGTH" 12 set ifname=wg0 "${ok[@]}" end 12=01000000
	bad "protocol version must be 0 or 1" "${ok[@]}" version=2
	bad "the public key follows from the private key and cannot be set" \
		"${ok[@]}" end public-key="$BOB_PUB"
	# A bad peer after many good ones, and good ones after it.
	local many=() i
	for ((i = 10; i < 60; i++)); do
		many+=(peer public-key="${K[i]}" allowed-ip="10.8.0.$i/32")
	done
	bad "allowed IP cidr mask is longer than its address" flags=1 "${many[@]}" \
		allowed-ip=10.0.0.0/40 "${many[@]}"
	# A device part that fails (a port in use) touches no peer.
	ip link set wg0 up
	fresh_device wg1
	wgc-nl set ifname=wg1 listen-port=40201 >/dev/null
	ip link set wg1 up
	bad "listen port is already in use" "${ok[@]}" end listen-port=40201 flags=1
	ip link del wg1
	ip link set wg0 down

	assert_eq "$(dump)" "$before" "device after the rejected requests"
	# WGC_MAX_PEERS_PER_DEVICE (2^20) cannot be reached in the VM's memory.
	log "too many peers: not tested (needs 2^20 peers)"
}

# A configured wg0 for the strict sub-cases, and OK: changes that would
# be valid on their own, to precede a bad attribute (which then goes into
# the second peer, 8[1], or after `end` among the device's attributes).
# MARK: where the kernel log stood, for assert_kmsg_clean.
strict_setup() {
	MARK=$(kmsg_mark)
	fresh_device
	nl_set private-key="$ALICE_PRIV" listen-port=40200 fwmark=5 \
		peer public-key="${K[1]}" preshared-key="$PSK" endpoint=192.0.2.1:1 \
		allowed-ip=10.1.0.0/16 peer public-key="${K[2]}" allowed-ip=10.2.0.0/16
	OK=(fwmark=9 private-key="$BOB_PRIV" peer public-key="${K[1]}" flags=2
		preshared-key="$ZERO32" allowed-ip=10.9.0.0/16 peer public-key="${K[3]}")
}

# refused ERROR MESSAGE AT ARG...: `wgc-nl ARG...` fails with the errno text
# ERROR and the kernel's MESSAGE, pointing at the attribute AT (a wgc-nl
# path; "" for none), and wg0 is exactly as it was.
refused() {
	local want="error: $1: $2" at=$3 before
	shift 3
	[[ -z $at ]] || want+=$'\n'"at: $at"
	before=$(dump)
	expect_fail wgc-nl "$@"
	[[ $OUT == "$want" ]] ||
		FAIL_DEPTH=2 fail "wgc-nl $*: got '${OUT//$'\n'/ | }', want '${want//$'\n'/ | }'"
	[[ $(dump) == "$before" ]] || FAIL_DEPTH=2 fail "wgc-nl $*: wg0 changed"
}

EINVAL="Invalid argument"
EOPNOTSUPP="Operation not supported"
ERANGE="Numerical result out of range"
UNKNOWN="Unknown attribute type"
LENGTH="invalid attribute length"
POLICY="Attribute failed policy validation"
# The policy's message for a key (NLA_POLICY_EXACT_LEN) of the wrong length.
SIZE="binary attribute size out of range"

# as_nobody CMD...: CMD as a user without capabilities.
as_nobody() {
	(cd / && exec setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$@")
}

# Anyone may read the family's policies (CTRL_CMD_GETPOLICY), and an
# extended ack carries the policy of an attribute of the wrong length:
# neither may upset the kernel. (It WARNed while integer attributes had
# validate functions, whose pointers it read as their range.)
policy_dump() {
	local mark
	mark=$(kmsg_mark)
	expect_ok as_nobody wgc-nl policy
	assert_kmsg_clean "$mark"
	local set
	set=$(sed -n 's/^op 1 do //p' <<<"$OUT")
	[[ -n $set ]] || fail "no policy for the set command: $OUT"
	assert_line "$OUT" "^policy $set 7 u32\$" "device flags in the set policy"
	assert_line "$OUT" "^policy $set 3 binary min-length=32 max-length=32\$" \
		"the private key's length in the set policy"
	local get
	get=$(sed -n 's/^op 0 dump //p' <<<"$OUT")
	[[ -n $get ]] || fail "no policy for the get command: $OUT"
	assert_eq "$(sed -n "s/^policy $get //p" <<<"$OUT")" $'1 u32\n2 nul-string max-length=15\n11 u32 mask=1' \
		"what a get takes"
}

# Attribute types above each level's maximum (strict validation).
unknown_attributes() {
	strict_setup
	refused "$EINVAL" "$UNKNOWN" 13 set ifname=wg0 "${OK[@]}" end 13=00000000
	refused "$EINVAL" "$UNKNOWN" 16383 set ifname=wg0 "${OK[@]}" end 16383=
	refused "$EINVAL" "$UNKNOWN" "8[1]/12" set ifname=wg0 "${OK[@]}" 12=00000000
	refused "$EINVAL" "$UNKNOWN" "8[1]/9[0]/5" set ifname=wg0 "${OK[@]}" \
		allowedip family=2 ipaddr=0a000000 cidr=8 5=00000000
	assert_kmsg_clean "$MARK"
}

# Values longer (or shorter) than their one length.
overlong_values() {
	strict_setup
	local key33=${ALICE_PUB}00
	refused "$EINVAL" "$POLICY" 2 set ifname=wg0123456789abcd fwmark=1
	refused "$ERANGE" "$POLICY" 2 set 2=7767300000000000000000000000000000000000 fwmark=1
	refused "$EINVAL" "$LENGTH" 1 set 1=0100 fwmark=1
	refused "$EINVAL" "$LENGTH" 5 set ifname=wg0 "${OK[@]}" end 5=01000000
	refused "$EINVAL" "$LENGTH" 6 set ifname=wg0 "${OK[@]}" end 6=0100000000000000
	refused "$EINVAL" "$LENGTH" 7 set ifname=wg0 "${OK[@]}" end 7=0000
	refused "$ERANGE" "$SIZE" 3 set ifname=wg0 "${OK[@]}" end private-key="$key33"
	refused "$ERANGE" "$SIZE" 4 set ifname=wg0 "${OK[@]}" end public-key="$key33"
	refused "$ERANGE" "$SIZE" "8[2]/1" set ifname=wg0 "${OK[@]}" peer public-key="$key33"
	refused "$ERANGE" "$SIZE" "8[1]/2" set ifname=wg0 "${OK[@]}" preshared-key="$key33"
	refused "$EINVAL" "$LENGTH" "8[1]/3" set ifname=wg0 "${OK[@]}" 3=0000
	refused "$EINVAL" "$LENGTH" "8[1]/5" set ifname=wg0 "${OK[@]}" 5=19000000
	refused "$EINVAL" "$LENGTH" "8[1]/10" set ifname=wg0 "${OK[@]}" 10=0100
	refused "$EINVAL" "$LENGTH" "8[1]/9[0]/1" set ifname=wg0 "${OK[@]}" \
		allowedip 1=02000000 ipaddr=0a000000 cidr=8
	refused "$EINVAL" "$LENGTH" "8[1]/9[0]/3" set ifname=wg0 "${OK[@]}" \
		allowedip family=2 ipaddr=0a000000 3=0800
	refused "$EINVAL" "$LENGTH" "8[1]/9[0]/4" set ifname=wg0 "${OK[@]}" \
		allowedip family=2 ipaddr=0a000000 cidr=8 4=0000
	assert_kmsg_clean "$MARK"
}

# Bits no flag has, at every level.
unknown_flags() {
	strict_setup
	refused "$EOPNOTSUPP" "unknown device flags" 7 set ifname=wg0 "${OK[@]}" end flags=2
	refused "$EOPNOTSUPP" "unknown device flags" 7 \
		set ifname=wg0 "${OK[@]}" end flags=0x80000001
	refused "$EOPNOTSUPP" "unknown peer flags" "8[1]/3" set ifname=wg0 "${OK[@]}" flags=8
	refused "$EOPNOTSUPP" "unknown peer flags" "8[1]/3" \
		set ifname=wg0 "${OK[@]}" flags=0x80000004
	refused "$EOPNOTSUPP" "unknown allowed IP flags" "8[1]/9[0]/4" \
		set ifname=wg0 "${OK[@]}" allowedip family=2 ipaddr=0a000000 cidr=8 4=02000000
	refused "$EOPNOTSUPP" "unknown allowed IP flags" "8[1]/9[0]/4" \
		set ifname=wg0 "${OK[@]}" allowedip family=2 ipaddr=0a000000 cidr=8 4=01000080
	assert_kmsg_clean "$MARK"
}

# Bytes that end a list of peers or allowed IPs but are no entry of it (a
# truncated entry, or padding), which the policy's array check steps over.
leftover_bytes() {
	strict_setup
	refused "$EINVAL" "bytes left over after the last peer" 8 \
		set ifname=wg0 "${OK[@]}" bytes=ffff0000
	refused "$EINVAL" "bytes left over after the last peer" 8 \
		set ifname=wg0 "${OK[@]}" bytes=0200
	refused "$EINVAL" "bytes left over after the last allowed IP" "8[1]/9" \
		set ifname=wg0 "${OK[@]}" allowed-ip=10.7.0.0/16 bytes=ffff0000
	refused "$EINVAL" "bytes left over after the last allowed IP" "8[0]/9" \
		set ifname=wg0 peer public-key="${K[1]}" allowed-ip=10.7.0.0/16 bytes=00000000
	# Elsewhere strict validation already refuses leftovers.
	refused "$EINVAL" "bytes leftover after parsing attributes" "" \
		set ifname=wg0 "${OK[@]}" end bytes=0000
	refused "$EINVAL" "bytes leftover after parsing attributes" "" \
		get ifname=wg0 bytes=0000
	assert_kmsg_clean "$MARK"
}

# Headers genetlink checks for commands at or above resv_start_op (which
# wgc no longer sets): a reserved byte set in the generic netlink header,
# nlmsg_flags it cannot give a meaning (0x400: NLM_F_CREATE in a set,
# NLM_F_ATOMIC in a dump).
genl_header() {
	strict_setup
	refused "$EINVAL" "genlmsghdr.reserved field is not 0" "" \
		--reserved 1 set ifname=wg0 "${OK[@]}"
	refused "$EINVAL" "genlmsghdr.reserved field is not 0" "" \
		--reserved 0x80 get ifname=wg0
	refused "$EINVAL" "ambiguous or reserved bits set in nlmsg_flags" "" \
		--nlflags 0x400 set ifname=wg0 "${OK[@]}"
	refused "$EINVAL" "ambiguous or reserved bits set in nlmsg_flags" "" \
		--nlflags 0x400 get ifname=wg0
	assert_kmsg_clean "$MARK"
}

# A get takes one name for the device and nothing else.
get_attributes() {
	strict_setup
	local not="a get request takes only ifindex, ifname or get flags, not"
	refused "$EINVAL" "$not a private key" 3 get ifname=wg0 private-key="$BOB_PRIV"
	refused "$EINVAL" "$not a public key" 4 get ifname=wg0 public-key="$BOB_PUB"
	refused "$EINVAL" "$not a listen port" 5 get ifname=wg0 listen-port=1
	refused "$EINVAL" "$not a fwmark" 6 get ifname=wg0 fwmark=1
	refused "$EINVAL" "$not flags" 7 get ifname=wg0 flags=1
	refused "$EINVAL" "Unsupported attribute" 8 get ifname=wg0 peer public-key="${K[1]}"
	refused "$EINVAL" "Unsupported attribute" 9 get ifname=wg0 9=
	refused "$EINVAL" "Unsupported attribute" 10 get ifname=wg0 10=
	refused "$EINVAL" "reserved bit set" 11 get ifname=wg0 11=02000000
	refused "$EINVAL" "$LENGTH" 11 get ifname=wg0 11=01
	refused "$EINVAL" "$not the keylog switch" 12 get ifname=wg0 12=01
	refused "$EINVAL" "$UNKNOWN" 13 get ifname=wg0 13=00000000
	refused "$EINVAL" "$POLICY" 2 get ifname=wg0123456789abcd
	refused "$EINVAL" "$LENGTH" 1 get 1=0100
	# Before the name, too.
	refused "$EINVAL" "$not a fwmark" 6 get fwmark=1 ifname=wg0
	expect_ok wgc-nl get ifname=wg0
	expect_ok wgc-nl get ifindex="$(cat /sys/class/net/wg0/ifindex)"
	expect_ok wgc-nl get ifname=wg0 11=01000000
	assert_kmsg_clean "$MARK"
}

# The contract's big dump: 1,000 peers of 10 allowed IPs, set in ten
# messages of 100 peers, read back over many messages. On a kernel with
# sanitizers 300 peers, which still span dozens of 4 KiB messages: the
# resumption is what runs under them, not the count.
N_PEERS=1000
[[ -z ${WGC_SANITIZERS:-} ]] || N_PEERS=300
big_requests() {
	local i j k line="" addr
	for ((i = 0; i < N_PEERS; i++)); do
		if ((i % 100 == 0)); then
			[[ -z $line ]] || echo "$line"
			line="set ifname=wg0"
		fi
		k=${K[i]}
		line+=" peer public-key=$k keepalive=$((i % 60))"
		for ((j = 0; j < 5; j++)); do
			line+=" allowed-ip=10.$((i >> 8)).$((i & 255)).$j/32"
			printf -v addr 'fd00:1:2:3:4:5:%x:%x' $((i + 1)) $((j + 1))
			line+=" allowed-ip=$addr/128"
		done
	done
	echo "$line"
}

# The allowed IPs big_requests() sets, as dump lines.
big_expected() {
	local i j k addr
	for ((i = 0; i < N_PEERS; i++)); do
		k=${K[i]}
		for ((j = 0; j < 5; j++)); do
			echo "allowedip $k 10.$((i >> 8)).$((i & 255)).$j/32"
			printf -v addr 'fd00:1:2:3:4:5:%x:%x' $((i + 1)) $((j + 1))
			echo "allowedip $k $addr/128"
		done
	done
}

# check_big_dump OUTPUT WHAT: OUTPUT holds the big configuration, exactly.
check_big_dump() {
	local out=$1 what=$2 msgs
	msgs=$(grep -c '^msg$' <<<"$out" || true)
	log "$what: $msgs messages"
	((msgs > 1)) || fail "$what: one message only"
	# Every message names the device.
	local unnamed
	unnamed=$(awk '/^msg$/ { if (n && !(i && f)) bad++; n++; i = f = 0 }
		/^1:/ { i = 1 } /^2:/ { f = 1 }
		END { if (!(i && f)) bad++; print bad + 0 }' <<<"$out")
	assert_eq "$unnamed" 0 "$what: messages without ifindex and ifname"
	assert_eq "$(grep '^allowedip ' <<<"$out" | sort)" "$(sort "$TMPDIR/expected")" \
		"$what: allowed IPs"
	# Each peer's own attributes come once, in its first part.
	assert_eq "$(grep -c '^peer [0-9a-f]* 10:01000000$' <<<"$out" || true)" "$N_PEERS" \
		"$what: protocol version lines"
	assert_eq "$(grep '^peer [0-9a-f]* 5:' <<<"$out" | sort -u | wc -l)" "$N_PEERS" \
		"$what: keepalive lines"
	assert_eq "$(grep -c '^peer -' <<<"$out" || true)" 0 "$what: peer parts without a public key"
}

big_dump() {
	fresh_device
	big_requests >"$TMPDIR/requests"
	big_expected >"$TMPDIR/expected"
	expect_ok wgc-nl batch <"$TMPDIR/requests"
	assert_eq "$(grep -c '^ok$' <<<"$OUT" || true)" $((N_PEERS / 100)) "set messages"

	expect_ok wgc-nl get ifname=wg0
	check_big_dump "$OUT" "32 KiB reads"
	expect_ok wgc-nl --bufsize 4096 get ifname=wg0
	check_big_dump "$OUT" "4 KiB reads"
	# With 4 KiB messages some peer must be cut between two of them.
	local parts
	parts=$(grep -c '^peer [0-9a-f]*$' <<<"$OUT" || true)
	log "4 KiB reads: $parts peer parts"
	((parts > N_PEERS)) || fail "no peer continued in a second message"

	# One peer whose allowed IPs alone need several messages.
	local i k line=() want=()
	k=${K[1001]}
	for ((i = 0; i < 1000; i++)); do
		line+=(allowed-ip="172.16.$((i >> 8)).$((i & 255))/32")
		want+=("172.16.$((i >> 8)).$((i & 255))/32")
	done
	nl_set flags=1 peer public-key="$k" "${line[@]}"
	expect_ok wgc-nl --bufsize 4096 get ifname=wg0
	assert_eq "$(sed -n "s/^allowedip $k //p" <<<"$OUT" | sort)" \
		"$(printf '%s\n' "${want[@]}" | sort)" "a big peer's allowed IPs"
	parts=$(grep -c "^peer $k\$" <<<"$OUT" || true)
	log "1,000 allowed IPs of one peer: $parts parts"
	((parts > 2)) || fail "a peer with 1,000 allowed IPs came in $parts part(s)"
	assert_eq "$(grep -c "^peer $k 10:" <<<"$OUT" || true)" 1 "its attributes, once"
}

consistency() {
	fresh_device
	local i line=(flags=1)
	for ((i = 0; i < 200; i++)); do
		line+=(peer public-key="${K[i]}" allowed-ip="10.0.$((i >> 8)).$((i & 255))/32")
	done
	nl_set "${line[@]}"

	paused_dump "$TMPDIR/quiet" wg0
	finish_dump "$TMPDIR/quiet"
	assert_eq "$RC" 0 "dump with nothing changed (${OUT##*$'\n'})"
	assert_eq "$(grep -c '^allowedip ' <<<"$OUT" || true)" 200 "allowed IPs of a quiet dump"

	paused_dump "$TMPDIR/added" wg0
	nl_set peer public-key="${K[1000]}"
	finish_dump "$TMPDIR/added"
	assert_eq "$RC" 1 "dump with a peer added"
	assert_match "$OUT" 'error: Interrupted system call' "dump with a peer added"

	paused_dump "$TMPDIR/removed" wg0
	nl_set flags=1
	finish_dump "$TMPDIR/removed"
	assert_eq "$RC" 1 "dump with every peer removed"
	assert_match "$OUT" 'error: Interrupted system call' "dump with every peer removed"
}

# destroyed_since_is MARK N: the kernel logged N peers destroyed since MARK.
destroyed_since_is() {
	local n
	n=$(dmesg | sed -n "/$1/,\$p" | grep -c 'peer [0-9]* destroyed' || true)
	[[ $n == "$2" ]]
}

dyndbg() { echo "module wgc $1" >/proc/dynamic_debug/control; }

# A dump abandoned half way, at a peer that is then removed, leaves nothing
# behind when its socket closes: the device can be deleted, every peer is
# freed (counted from the "peer N destroyed" debug messages where dynamic
# debug exists; the debug kernel has kmemleak instead), and the module
# unloads (the runner checks that last).
abandoned_dump() {
	local counted=0
	if [[ -w /proc/dynamic_debug/control ]]; then
		dyndbg +p
		defer dyndbg -p
		counted=1
	fi
	fresh_device
	local i line=()
	for ((i = 0; i < 100; i++)); do
		line+=(peer public-key="${K[i]}" allowed-ip="10.0.0.$i/32" allowed-ip="fd00::$i/128")
	done
	nl_set "${line[@]}"
	local mark
	mark="netlink-peers-abandoned-$RANDOM"
	echo "<6>$mark" >/dev/kmsg

	paused_dump "$TMPDIR/abandoned" wg0
	nl_set flags=1 # the peer the dump is to resume at goes
	kill "$PID"
	wait "$PID" || true
	timeout 30 ip link del wg0 || fail "deleting the device hung: a dump kept its reference"

	if ((!counted)); then
		log "no dynamic debug: peer frees not counted"
		return 0
	fi
	# The peers were created before the mark; all 100 must be destroyed.
	wait_for -t 20 destroyed_since_is "$mark" 100
}

subtest round-trip round_trip
subtest flags flags
subtest own-key own_key
subtest bad-requests bad_requests
subtest policy-dump policy_dump
subtest unknown-attributes unknown_attributes
subtest overlong-values overlong_values
subtest unknown-flags unknown_flags
subtest leftover-bytes leftover_bytes
subtest genl-header genl_header
subtest get-attributes get_attributes
subtest big-dump big_dump
subtest consistency consistency
subtest abandoned-dump abandoned_dump
