#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two offices behind carrier NAT joined through one public relay, and two
# remote workers, each behind a NAT of its own: the topology of
# site-to-site-lib.sh (drawn there), each tunnel node brought up by
# wgctl-quick from its example file Documentation/site-to-site/quick/NODE/
# wg0.conf as it is. (The demo configures them from the plain files beside
# them, with setconf and iproute2; quick-files-match checks that both have
# the same keys and peers.)
# timeout: 600
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

S2S_CONF_SRC=$SELFTESTS_DIR/site-to-site
S2S_DIR=$TMPDIR/site-to-site
S2S_KIND=wgc S2S_TOOL=wgctl S2S_RUN= S2S_QUICK=wgctl-quick
source "$SELFTESTS_DIR/site-to-site-lib.sh"
MARKER=WGC-S2S-MARKER-7f3a
B=$S2S_B D=$S2S_D

load_wgc
need_modules "${S2S_MODULES[@]}"
s2s_prepare

# ping_until NS DST SECONDS: one echo a second until one is answered.
ping_until() {
	local deadline=$((SECONDS + $3))
	until ip netns exec "$1" ping -n -c 1 -W 1 "$2" >/dev/null 2>&1; do
		((SECONDS < deadline)) || FAIL_DEPTH=2 fail "no reply from $2 to $1 within $3 s"
	done
}

lans_and_workers() {
	# The sites' keepalives reach z first; the first pings may still wait
	# for a handshake through two NATs.
	ping_until b "$D" 15
	ping_ok b "$D"
	ping_ok d "$B"
	ping_ok e "$D"
	ping_ok e "$B"
	ping_until e "${S2S_TUN[f]}" 15
	ping_ok f "${S2S_TUN[e]}"
	ping_ok a "${S2S_TUN[c]}"
}

# 10 MB from b to d, through a, z and c; less on the slow debug kernel.
transfer() {
	local file=$TMPDIR/payload bytes=10000000
	((TUN_SLOW)) && bytes=2000000 && log "slow (debug) kernel: $bytes bytes"
	head -c "$bytes" /dev/urandom >"$file"
	transfer_file b d "$D" "$file"
}

# lines_with CAPTURE STRING [TCPDUMP_ARGS...]: how many lines of the
# capture hold STRING (grep -c fails when there are none).
lines_with() {
	local name=$1 string=$2
	shift 2
	capture_read "$name" "$@" | grep -c -F -- "$string" || true
}

# A marker sent in cleartext from b to d is on the LAN but never on z's
# public side, where only UDP to and from the tunnel's port goes by.
only_ciphertext_on_the_internet() {
	local hex
	hex=$(printf '%s' "$MARKER" | od -An -tx1 | tr -d ' \n')
	capture_start pub z wan0
	capture_start lan r1 lan1 icmp
	ping_ok -c 3 b "$D" -p "${hex:0:32}" -s 64
	capture_stop pub
	capture_stop lan
	local marker16=${MARKER:0:16}
	(($(lines_with lan "$marker16" -A) > 0)) ||
		fail "the marker is not on LAN1 either: the check would prove nothing"
	(($(lines_with pub UDP) > 0)) || fail "no UDP on z's public side"
	(($(lines_with pub "$marker16" -A) == 0)) ||
		fail "the marker crossed the internet in cleartext"
	(($(capture_count pub 'ip and not udp port 51820') == 0)) ||
		fail "not only tunnel traffic on z's public side: $(capture_read pub 'ip and not udp port 51820' | head -n 3)"
}

# Idle for longer than the NATs keep a mapping: the keepalives keep them,
# so d answers b without either side sending first. The control: worker f
# has its keepalive turned off for the wait, and z can no longer reach it.
# A node's last packet may be a passive keepalive up to 10 s after the last
# data it received, hence the wait of the timeout and 12 s.
keepalive_holds_nat() {
	local idle=$((S2S_NAT_UDP_TIMEOUT + 12))
	if ((TUN_SLOW)); then
		log "slow (debug) kernel: the idle wait is left to the Debian kernel's run"
		return 0
	fi
	ip netns exec f "$S2S_TOOL" set wg0 peer "$(s2s_pubkey z)" persistent-keepalive off
	log "idle for $idle s, longer than the NATs' UDP timeout of $S2S_NAT_UDP_TIMEOUT s"
	sleep "$idle"
	ping_ok -c 1 -w 3 b "$D"
	ping_none -c 1 z "${S2S_TUN[f]}" >/dev/null
	ip netns exec f "$S2S_TOOL" set wg0 peer "$(s2s_pubkey z)" persistent-keepalive 25
	ping_until z "${S2S_TUN[f]}" 10
}

# r1 gets a new public address: its NAT mappings go with the old one,
# a's packets come from elsewhere, and z follows them (roaming).
# The first packet a sends afterwards makes a new mapping and moves z's
# endpoint for a: a few seconds suffice, even on the debug kernel.
nat_rebinding() {
	local start=$SECONDS
	ip -n r1 addr del 203.0.113.11/24 dev wan0
	ip -n r1 addr add 203.0.113.13/24 dev wan0
	ping_until b "$D" 8
	log "b reached d again after $((SECONDS - start)) s"
	assert_match "$(s2s_relay_endpoint a)" '^203\.0\.113\.13:' "a's endpoint on z after rebinding"
}

# z's device is deleted and made again from its file: it has no sessions
# and knows no endpoints, so the sites and workers must come back by
# themselves. Each node behind NAT starts a new handshake once its data
# has gone unanswered for 15 s (a keepalive is not data, so an idle site
# would wait for its next rekeying, up to two minutes): with traffic from
# both LANs and from a worker, as there would be, all are back within that
# (the traffic starts at once everywhere, so the waits overlap).
relay_restart() {
	local ns start=$SECONDS
	ip -n z link del wg0
	s2s_tunnel z
	s2s_routes z
	for ns in d e; do
		ip netns exec "$ns" ping -n -q -i 1 -w 60 "$B" >/dev/null 2>&1 &
		defer kill_quiet "$!"
	done
	ping_until b "$D" 60
	ping_until e "$B" 30
	ping_ok d "$B"
	log "both sites and worker e back $((SECONDS - start)) s after the relay's restart"
}

# Each quick file is its plain file plus wgctl-quick's own keys: what
# `wgctl-quick strip' leaves of it sets the same as the plain one.
quick_files_match() {
	local n plain quick
	for n in "${S2S_TUNNEL_NODES[@]}"; do
		plain=$(grep -v -e '^#' -e '^$' "$S2S_DIR/$n.conf")
		expect_ok wgctl-quick strip "$S2S_DIR/quick/$n/wg0.conf"
		quick=$(grep -v -e '^#' -e '^$' <<<"$OUT")
		assert_eq "$quick" "$plain" "quick/$n/wg0.conf stripped, against $n.conf"
	done
}
subtest quick-files-match quick_files_match

s2s_build_network
s2s_build_tunnels
subtest lans-and-workers lans_and_workers
subtest transfer transfer
subtest only-ciphertext only_ciphertext_on_the_internet
subtest keepalive-holds-nat keepalive_holds_nat
subtest nat-rebinding nat_rebinding
subtest_nodebug relay-restart "the sites' keepalives finding the relay again; device deletion under traffic is races' and lifecycle's" relay_restart
