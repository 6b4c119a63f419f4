#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Session keys for Wireshark: with the keylog switch on, `wgctl monitor wg0
# keylog` writes each new session's keys as a key log; tshark (Debian's
# Wireshark), given a capture of the tunnel's outer traffic and either
# end's key log (the initiator's, the responder's), decrypts the handshake
# and the session, and finds the marker sent inside the tunnel. The same
# capture without a key log shows no such packet: the key log is what
# decrypts it. With the switch off, a new session writes nothing.
# needs: /usr/bin/tshark Wireshark's tshark (the debian-6.12 run puts it there)
# timeout: 240
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

[[ $TUN_IMPL == wgc ]] || {
	log "the keylog switch is wgc's: nothing to run on $TUN_IMPL"
	exit 0
}
command -v tshark >/dev/null ||
	fail "tshark is not in the image (mkinitramfs puts it there with --pkgroot, for the debian-6.12 run)"

# a port no Wireshark dissector claims: the marker shows as plain data
MARKER_PORT=47474

# decrypted_markers [KEYLOG]: the payloads (hex) of the inner UDP datagrams
# to MARKER_PORT that tshark finds in the capture, decrypting with KEYLOG
# (but for the copy n2's ICMP "port unreachable" quotes back through the
# tunnel)
decrypted_markers() {
	local opts=(-o wg.dissect_packet:TRUE
		-d "udp.port==$N2_PORT,wg" -d "udp.port==$N1_PORT,wg")
	[[ -z ${1:-} ]] || opts+=(-o "wg.keylog_file:$1")
	HOME=$TMPDIR tshark -n -r "$TMPDIR/wire.pcap" "${opts[@]}" \
		-Y "udp.dstport == $MARKER_PORT && !icmp" -T fields -e data.data \
		2>"$TMPDIR/tshark.err" |
		tr -d ':'
}

pair_setup
peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT" preshared-key "$(psk_file)"
peer_set n2 n1 preshared-key "$(psk_file)"
wgx n1 set wg0 keylog on
wgx n2 set wg0 keylog on
ip netns exec n1 wgctl monitor wg0 keylog >"$TMPDIR/n1.keys" 2>"$TMPDIR/n1.err" &
MONITOR=$!
defer kill_quiet "$MONITOR"
wait_for -t 10 netlink_joined "$MONITOR"
ip netns exec n2 wgctl monitor wg0 keylog >"$TMPDIR/n2.keys" 2>"$TMPDIR/n2.err" &
MONITOR2=$!
defer kill_quiet "$MONITOR2"
wait_for -t 10 netlink_joined "$MONITOR2"

capture_start wire n2 v2 "udp port $N2_PORT"
ping_ok -c 1 n1 "$N2_IN4"
marker="wgc-keylog-marker-$RANDOM$RANDOM"
ip netns exec n1 bash -c "printf '%s' '$marker' >/dev/udp/$N2_IN4/$MARKER_PORT" ||
	fail "could not send the marker through the tunnel"
sleep 1
capture_stop wire
kill_quiet "$MONITOR" "$MONITOR2"
wait "$MONITOR" "$MONITOR2" 2>/dev/null || true
assert_eq "$(wc -l <"$TMPDIR/n1.keys")" 4 "n1's key log lines (one session)"
assert_eq "$(wc -l <"$TMPDIR/n2.keys")" 4 "n2's key log lines (one session)"

want=$(printf '%s' "$marker" | od -An -tx1 | tr -d ' \n')
for ns in n1 n2; do
	got=$(decrypted_markers "$TMPDIR/$ns.keys")
	grep -v '^Running as user "root"' "$TMPDIR/tshark.err" | head -c 300 | sed 's/^/# tshark: /' || true
	assert_eq "$got" "$want" "the marker, as tshark decrypted it with $ns's key log"
done
assert_eq "$(decrypted_markers)" "" "what tshark finds without a key log"

# switched off: a new session, and not a key more
wgx n1 set wg0 keylog off
wgx n2 set wg0 keylog off
ip netns exec n1 wgctl monitor wg0 keylog >"$TMPDIR/keys-off.log" 2>/dev/null &
MONITOR=$!
defer kill_quiet "$MONITOR"
wait_for -t 10 netlink_joined "$MONITOR"
ip -n n1 link set wg0 down
ip -n n1 link set wg0 up
ping_ok -c 1 n1 "$N2_IN4"
sleep 1
assert_eq "$(wc -c <"$TMPDIR/keys-off.log")" 0 "key log bytes with the switch off"
