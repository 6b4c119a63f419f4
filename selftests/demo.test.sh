#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job's demo (demo/demo.sh, what `make demo' runs) runs whole and says
# in its output what the site-to-site topology did: four handshakes with the
# relay through NAT, replies between the LANs and the workers, no cleartext
# on the internet, the transfer intact, what `wgctl monitor' on the relay
# saw, the relay's peers in `wgctl show', and a bad file refused. The topology's behaviour in depth is
# site-to-site.test.sh's; this keeps the demo itself from rotting.
# timeout: 400
# debug kernel: skip: its topology is site-to-site's, which runs there
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

OUTPUT=$TMPDIR/demo.out
TOOL=$(impl_tool "$TUN_IMPL")

runs_whole() {
	local rc=0
	bash /demo/demo.sh >"$OUTPUT" 2>&1 </dev/null || rc=$?
	sed 's/^/| /' "$OUTPUT"
	((rc == 0)) || fail "demo.sh exited with status $rc: $(grep -m1 'DEMO FAILED' "$OUTPUT" || true)"
	assert_line "$(<"$OUTPUT")" '^demo finished$'
}

handshakes() {
	local out n
	out=$(<"$OUTPUT")
	for n in a c e f; do
		assert_line "$out" "^$n \\(.*\\): handshake done, z sees it at 203\\.0\\.113\\.(11|12|21|22):[0-9]+$"
	done
}

pings() {
	local out pair
	out=$(<"$OUTPUT")
	for pair in 'b \(LAN1\) -> d' 'd \(LAN2\) -> b' 'worker e -> d' 'worker e -> b' \
		'worker f -> b' 'worker e -> worker f'; do
		assert_line "$out" "^$pair.* [1-3] of 3 answered"
	done
	assert_line "$out" '^b -> d: no reply, as expected$'
}

ciphertext_only() {
	assert_line "$(<"$OUTPUT")" '^the marker: [1-9][0-9]* times on LAN1, in the clear; 0 times on the internet$'
}

transfer() {
	local out sent got
	out=$(<"$OUTPUT")
	sent=$(sed -n 's/^sent *10000000 bytes, sha256 \([0-9a-f]\{64\}\)$/\1/p' <<<"$out")
	got=$(sed -n 's/^received *10000000 bytes, sha256 \([0-9a-f]\{64\}\)$/\1/p' <<<"$out")
	assert_match "$sent" '^[0-9a-f]{64}$' "the sent checksum"
	assert_eq "$got" "$sent" "the received checksum"
	assert_line "$out" '^the same data, in [0-9.]+ s: [0-9.]+ Mbit/s'
}

relay_show() {
	local out section
	out=$(<"$OUTPUT")
	section=$(sed -n "/^\\\$ ip netns exec z $TOOL show\$/,/^==> /p" <<<"$out")
	assert_eq "$(grep -c '^peer: ' <<<"$section" || true)" 4 "peers in the relay's $TOOL show"
	assert_eq "$(grep -c '^  latest handshake: ' <<<"$section" || true)" 4 "handshakes in the relay's $TOOL show"
	assert_eq "$(grep -c '^  endpoint: 203\.0\.113\.' <<<"$section" || true)" 4 "NAT endpoints in the relay's $TOOL show"
}

bad_file() {
	local out
	out=$(<"$OUTPUT")
	# wgctl names the file and line; wg(8) just refuses
	[[ $TOOL != wgctl ]] || assert_line "$out" '^wgctl: .*a-typo\.conf:13: AllowedIPs: '
	assert_line "$out" "^a's configuration is unchanged, and b still reaches d:$"
}

# What wgctl monitor on z printed: each node's address learned, and its
# session with z as the responder (wg has no monitor).
monitor() {
	[[ $TOOL == wgctl ]] || return 0
	local out n
	out=$(sed -n '/^==> What `wgctl monitor wg0. on z printed/,/^==> /p' "$OUTPUT")
	for n in a c e f; do
		assert_line "$out" "^wg0: endpoint-changed $n endpoint 203\.0\.113\.[0-9]+:[0-9]+ *\$"
		assert_line "$out" "^wg0: session-started $n role responder endpoint 203\.0\.113\.[0-9]+:[0-9]+\$"
	done
}

subtest runs-whole runs_whole
subtest handshakes handshakes
subtest pings pings
subtest ciphertext-only ciphertext_only
subtest transfer transfer
subtest relay-show relay_show
subtest monitor monitor
subtest bad-file bad_file
