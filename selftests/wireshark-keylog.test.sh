#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Session keys for Wireshark: with n1's keylog switch on, `wgctl monitor
# wg0 keylog` writes each new session's keys as a key log; tshark (Debian's
# Wireshark), given a capture of the tunnel's outer traffic and that key
# log, decrypts the handshake and the session, and finds the marker sent
# inside the tunnel. The same capture without the key log shows no such
# packet: the key log is what decrypts it. With the switch off, a new
# session writes nothing.
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

MARKER_PORT=9999

# decrypted_markers [KEYLOG]: the payloads (hex) of the inner UDP datagrams
# to MARKER_PORT that tshark finds in the capture, decrypting with KEYLOG
decrypted_markers() {
	local opts=(-o wg.dissect_packet:TRUE
		-d "udp.port==$N2_PORT,wg" -d "udp.port==$N1_PORT,wg")
	[[ -z ${1:-} ]] || opts+=(-o "wg.keylog_file:$1")
	HOME=$TMPDIR tshark -n -r "$TMPDIR/wire.pcap" "${opts[@]}" \
		-Y "udp.dstport == $MARKER_PORT" -T fields -e data.data 2>"$TMPDIR/tshark.err" |
		tr -d ':'
}

pair_setup
peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT" preshared-key "$(psk_file)"
peer_set n2 n1 preshared-key "$(psk_file)"
wgx n1 set wg0 keylog on
ip netns exec n1 wgctl monitor wg0 keylog >"$TMPDIR/keys.log" 2>"$TMPDIR/keylog.err" &
MONITOR=$!
defer kill_quiet "$MONITOR"
wait_for -t 10 netlink_joined "$MONITOR"

capture_start wire n2 v2 "udp port $N2_PORT"
ping_ok -c 1 n1 "$N2_IN4"
marker="wgc-keylog-marker-$RANDOM$RANDOM"
ip netns exec n1 bash -c "printf '%s' '$marker' >/dev/udp/$N2_IN4/$MARKER_PORT" ||
	fail "could not send the marker through the tunnel"
sleep 1
capture_stop wire
kill_quiet "$MONITOR"
wait "$MONITOR" 2>/dev/null || true
log "key log: $(awk '{ print $1 }' "$TMPDIR/keys.log" | tr '\n' ' ')"
assert_eq "$(wc -l <"$TMPDIR/keys.log")" 4 "key log lines (one session)"

want=$(printf '%s' "$marker" | od -An -tx1 | tr -d ' \n')
got=$(decrypted_markers "$TMPDIR/keys.log")
[[ -z $(<"$TMPDIR/tshark.err") ]] || log "tshark: $(head -c 300 "$TMPDIR/tshark.err")"
assert_eq "$got" "$want" "the marker, as tshark decrypted it with the key log"
assert_eq "$(decrypted_markers)" "" "what tshark finds without the key log"

# switched off: a new session, and not a key more
wgx n1 set wg0 keylog off
ip netns exec n1 wgctl monitor wg0 keylog >"$TMPDIR/keys-off.log" 2>/dev/null &
MONITOR=$!
defer kill_quiet "$MONITOR"
wait_for -t 10 netlink_joined "$MONITOR"
ip -n n1 link set wg0 down
ip -n n1 link set wg0 up
ping_ok -c 1 n1 "$N2_IN4"
sleep 1
assert_eq "$(wc -c <"$TMPDIR/keys-off.log")" 0 "key log bytes with the switch off"
