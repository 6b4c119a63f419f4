#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The netlink configuration interface, through wgctl and through hand-made
# requests (wgc-nl): round trips, permissions, and every bad input rejected
# with an extended ack message and the device left as it was.
# timeout: 240
source "$(dirname "$0")/lib.sh"

# RFC 7748, section 6.1: Alice's private key, clamped form, public key.
ALICE_PRIV=dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=
ALICE_PRIV_CLAMPED=cAdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LGo=
ALICE_PRIV_CLAMPED_HEX=70076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c6a
ALICE_PUB=hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=

load_wgc
keydir=$(mktemp -d)
umask 077

# The device's whole configuration, as one line, to compare before/after.
state() { wgctl show "$1" dump; }

udp_ports() { ss -Huln | awk '{print $4}' | sort -u; }

fresh_device() {
	ip link del wg0 2>/dev/null || true
	ip link add wg0 type wgc
}

round_trip() {
	fresh_device
	echo "$ALICE_PRIV" > "$keydir/alice"
	wgctl set wg0 private-key "$keydir/alice" listen-port 40100 fwmark 0x2a
	assert_eq "$(wgctl show wg0 private-key)" "$ALICE_PRIV_CLAMPED" "private key (clamped)"
	assert_eq "$(wgctl show wg0 public-key)" "$ALICE_PUB" "public key"
	assert_eq "$(wgctl show wg0 listen-port)" 40100 "listen port"
	assert_eq "$(wgctl show wg0 fwmark)" 0x2a "fwmark"
	assert_eq "$(state wg0)" "$ALICE_PRIV_CLAMPED	$ALICE_PUB	40100	0x2a" "dump"

	wgctl set wg0 fwmark off
	assert_eq "$(wgctl show wg0 fwmark)" off "fwmark off"
	wgctl set wg0 fwmark 4294967295
	assert_eq "$(wgctl show wg0 fwmark)" 0xffffffff "fwmark max"

	# An empty key file removes the identity.
	wgctl set wg0 private-key /dev/null
	assert_eq "$(wgctl show wg0 public-key)" "(none)" "public key after removal"
	assert_eq "$(wgctl show wg0 private-key)" "(none)" "private key after removal"

	# Keys from a pipe, as in wg(8)'s examples.
	wgctl set wg0 private-key <(echo "$ALICE_PRIV")
	assert_eq "$(wgctl show wg0 public-key)" "$ALICE_PUB" "key via /dev/fd"

	local priv pub
	priv=$(wgctl genkey)
	pub=$(wgctl pubkey <<< "$priv")
	wgctl set wg0 private-key <(echo "$priv")
	assert_eq "$(wgctl show wg0 public-key)" "$pub" "kernel and wgctl derive the same public key"
	assert_eq "$(wgctl show wg0 private-key)" "$priv" "genkey output is already clamped"
}

pretty_show() {
	fresh_device
	wgctl set wg0 private-key <(echo "$ALICE_PRIV") listen-port 40101 fwmark 7
	ip link add wg1 type wgc
	local want
	want=$(printf '%s\n' "interface: wg0" "  public key: $ALICE_PUB" \
		"  private key: (hidden)" "  listening port: 40101" "  fwmark: 0x7" \
		"" "interface: wg1")
	assert_eq "$(wgctl show)" "$want" "wgctl show"
	assert_eq "$(wgctl show all)" "$want" "wgctl show all"
	assert_eq "$(wgctl)" "$want" "wgctl with no arguments"
	assert_eq "$(wgctl show interfaces)" "wg0 wg1" "show interfaces"
	assert_eq "$(WG_HIDE_KEYS=never wgctl show wg0 | sed -n 3p)" \
		"  private key: $ALICE_PRIV_CLAMPED" "WG_HIDE_KEYS=never"
	assert_eq "$(wgctl show all listen-port)" "wg0	40101
wg1	0" "show all listen-port"
	ip link del wg1
}

# Port 0 picks a free port, which is then reported and kept.
port_zero() {
	fresh_device
	wgctl set wg0 listen-port 0
	assert_eq "$(wgctl show wg0 listen-port)" 0 "port while down"
	ip link set wg0 up
	local port
	port=$(wgctl show wg0 listen-port)
	((port > 0)) || fail "no port chosen"
	assert_match "$(udp_ports)" "0\.0\.0\.0:$port" "IPv4 socket on the chosen port"
	assert_match "$(udp_ports)" "(\[::\]|\*):$port" "IPv6 socket on the chosen port"
	ip link set wg0 down
	assert_eq "$(udp_ports)" "" "sockets while down"
	ip link set wg0 up
	assert_eq "$(wgctl show wg0 listen-port)" "$port" "port kept across down/up"
}

port_while_up() {
	fresh_device
	wgctl set wg0 listen-port 40102
	ip link set wg0 up
	assert_match "$(udp_ports)" ':40102' "bound"
	wgctl set wg0 listen-port 40103
	assert_nomatch "$(udp_ports)" ':40102' "old port released"
	assert_match "$(udp_ports)" ':40103' "new port bound"
	wgctl set wg0 listen-port 40103
	assert_match "$(udp_ports)" ':40103' "same port again is a no-op"
}

# A port in use fails the whole request: key and fwmark stay as they were.
port_in_use() {
	fresh_device
	ip link add wg1 type wgc
	wgctl set wg1 listen-port 40104
	ip link set wg1 up
	wgctl set wg0 listen-port 40105 fwmark 1 private-key <(echo "$ALICE_PRIV")
	ip link set wg0 up
	local before
	before=$(state wg0)
	expect_fail wgctl set wg0 listen-port 40104 fwmark 2 private-key <(wgctl genkey)
	assert_match "$ERR" 'listen port is already in use' "error message"
	assert_eq "$(state wg0)" "$before" "device after a failed set"
	assert_match "$(udp_ports)" ':40105' "old port still bound"

	# Bringing a device up on a taken port fails too.
	ip link set wg0 down
	wgctl set wg0 listen-port 40104
	expect_fail ip link set wg0 up
	assert_match "$ERR" 'Address already in use' "ip link set up"
	ip link del wg1
}

bad_device_names() {
	fresh_device
	expect_fail wgctl set nosuch0 listen-port 1
	assert_match "$ERR" 'no such device' "unknown name"
	expect_fail wgctl show nosuch0
	assert_match "$ERR" '^Unable to access interface: ' "show unknown name"
	expect_fail wgctl set lo listen-port 1
	assert_match "$ERR" 'not a wgc device' "loopback"
	need_modules dummy
	ip link add dummy0 type dummy
	expect_fail wgctl show dummy0
	assert_match "$ERR" 'not a wgc device' "dummy"
	ip link del dummy0

	expect_fail wgc-nl set ifindex=999999 listen-port=1
	assert_eq "$OUT" $'error: No such device: no such device\nat: 1' "unknown ifindex"
	expect_fail wgc-nl set listen-port=1
	assert_match "$OUT" '^error: Invalid argument: exactly one of ifindex and ifname' "no name"
	expect_fail wgc-nl set ifname=wg0 "ifindex=$(cat /sys/class/net/wg0/ifindex)" listen-port=1
	assert_match "$OUT" '^error: Invalid argument: exactly one' "both names"
	expect_fail wgc-nl get ifindex=999999
	# (the error ends the dump, where older kernels point at no attribute)
	assert_match "$OUT" $'^error: No such device: no such device(\nat: 1)?$' "dump of unknown ifindex"
}

# Requests wgctl would never build: the kernel must still refuse them.
malformed_requests() {
	fresh_device
	wgctl set wg0 private-key <(echo "$ALICE_PRIV") listen-port 40106 fwmark 9
	local before
	before=$(state wg0)

	expect_fail wgc-nl set ifname=wg0 "private-key=$(printf '11%.0s' {1..31})"
	assert_eq "$OUT" $'error: Numerical result out of range: binary attribute size out of range\nat: 3' "31-byte key"
	expect_fail wgc-nl set ifname=wg0 "private-key=$(printf '11%.0s' {1..33})"
	assert_eq "$OUT" $'error: Numerical result out of range: binary attribute size out of range\nat: 3' "33-byte key"
	expect_fail wgc-nl set ifname=wg0 private-key=
	assert_eq "$OUT" $'error: Numerical result out of range: binary attribute size out of range\nat: 3' "empty key"
	expect_fail wgc-nl set ifname=wg0 "public-key=$(printf '22%.0s' {1..32})"
	assert_match "$OUT" "^error: Invalid argument: the public key follows from the private key" "public key"
	expect_fail wgc-nl set ifname=wg0 "public-key=$(printf '22%.0s' {1..3})"
	assert_eq "$OUT" $'error: Numerical result out of range: binary attribute size out of range\nat: 4' "short public key"
	expect_fail wgc-nl set ifname=wg0 listen-port=1 99=00
	assert_match "$OUT" "^error: " "unknown attribute"
	# Valid attributes in the same request as a bad one change nothing.
	expect_fail wgc-nl set ifname=wg0 fwmark=77 listen-port=40107 "private-key=1111"
	assert_match "$OUT" "^error: Numerical result out of range" "mixed good and bad"
	assert_eq "$(state wg0)" "$before" "device after malformed requests"

	# The kernel clamps keys, whoever sends them.
	expect_ok wgc-nl set ifname=wg0 "private-key=$(printf 'ff%.0s' {1..32})"
	assert_eq "$(wgctl show wg0 private-key)" "+P///////////////////////////////////////38=" "clamped by the kernel"
	expect_ok wgc-nl get ifname=wg0
	grep -qx "3:f8$(printf 'ff%.0s' {1..30})7f" <<< "$OUT" ||
		fail "clamped key missing from the raw dump: $OUT"
}

# Setting needs CAP_NET_ADMIN, and so does reading (netlink-access has the
# rest of who may read what).
permissions() {
	fresh_device
	wgctl set wg0 private-key <(echo "$ALICE_PRIV") listen-port 40108
	local before
	before=$(state wg0)
	local nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all)
	expect_fail "${nobody[@]}" wgctl set wg0 listen-port 40109
	assert_match "$ERR" 'Operation not permitted' "unprivileged set"
	assert_eq "$(state wg0)" "$before" "device after unprivileged set"
	expect_fail "${nobody[@]}" wgctl show wg0 public-key
	assert_eq "$OUT" "" "unprivileged public key"
	assert_eq "$ERR" "Unable to access interface: Operation not permitted" "unprivileged show"
	expect_fail "${nobody[@]}" wgc-nl get ifname=wg0
	assert_eq "$OUT" "error: Operation not permitted: (no message)" "unprivileged dump"
	expect_ok wgc-nl get ifname=wg0
	grep -qx "3:$ALICE_PRIV_CLAMPED_HEX" <<< "$OUT" ||
		fail "no private key in a privileged dump: $OUT"
}

# Bad command lines are refused by wgctl before anything is sent.
wgctl_rejects() {
	fresh_device
	wgctl set wg0 listen-port 40110 fwmark 3
	local before
	before=$(state wg0)
	expect_fail wgctl set wg0 listen-port 65536
	expect_fail wgctl set wg0 listen-port 40111 fwmark 0x100000000
	expect_fail wgctl set wg0 fwmark 5 private-key <(echo not-a-key)
	expect_fail wgctl set wg0 fwmark 5 bogus 1
	assert_eq "$(state wg0)" "$before" "device after rejected command lines"
	assert_eq "$(wgctl pubkey <<< "$ALICE_PRIV")" "$ALICE_PUB" "wgctl pubkey, RFC 7748 vector"
}

subtest round-trip round_trip
subtest show pretty_show
subtest port-zero port_zero
subtest port-while-up port_while_up
subtest port-in-use port_in_use
subtest bad-device bad_device_names
subtest malformed malformed_requests
subtest permissions permissions
subtest wgctl-rejects wgctl_rejects
