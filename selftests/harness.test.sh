#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Sanity checks of the VM environment itself (needs no wgc.ko): the shell,
# the real tools shadowing busybox, /dev/fd, modules, namespaces, nftables,
# wireguard.ko as a reference, users. Runs in a few seconds.
# timeout: 120
# debug kernel: skip: the image's tools are the same on every kernel, and each test loads the modules it needs itself
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

check_shell() {
	[[ -n ${BASH_VERSION:-} ]] || fail "not bash"
	assert_match "$(readlink /proc/$$/exe)" '/bash$' "/proc/self/exe"
	assert_eq "$(cat <(echo hello))" hello "process substitution"
	assert_eq "$(echo piped | cat /dev/stdin)" piped "/dev/stdin"
	[[ -w /tmp && -d /run/netns ]] || fail "/tmp or /run/netns missing"
	assert_eq "$PWD" "$TEST_TMPDIR" "working directory"
}

check_tools() {
	assert_match "$(ip -V)" iproute2 "ip -V"
	assert_match "$(ping -V 2>&1)" iputils "ping -V"
	assert_match "$(timeout --version | head -n1)" coreutils "timeout --version"
	assert_match "$(grep --version | head -n1)" 'GNU grep' "grep --version"
	assert_match "$(sed --version | head -n1)" 'GNU sed' "sed --version"
	assert_match "$(modprobe --version)" kmod "modprobe --version"
	assert_match "$(nft --version)" nftables "nft --version"
	assert_match "$(ncat --version 2>&1)" Ncat "ncat --version"
	assert_match "$(iperf3 --version | head -n1)" iperf "iperf3 --version"
	assert_match "$(tcpdump --version 2>&1 | head -n1)" tcpdump "tcpdump --version"
	command -v wg >/dev/null || fail "wg missing"
	assert_eq "$(printf 'a\nb\n' | awk 'END { print NR }')" 2 "awk"
	assert_eq "$(echo -n abc | sha256sum | cut -c1-8)" ba7816bf "sha256sum"
}

check_users() {
	assert_eq "$(getent passwd nobody | cut -d: -f3)" 65534 "uid of nobody"
	assert_eq "$(setpriv --reuid=nobody --regid=nogroup --clear-groups id -u)" 65534 "setpriv"
}

check_netns_veth() {
	need_modules veth
	netns_add n0 n1
	ip link add v0 netns n0 type veth peer name v1 netns n1
	n0 ip addr add 192.0.2.1/24 dev v0
	n1 ip addr add 192.0.2.2/24 dev v1
	n0 ip link set v0 up
	n1 ip link set v1 up
	n0 ping -c1 -W2 192.0.2.2 >/dev/null
	expect_fail n0 ping -c1 -W1 192.0.2.99
}

check_nft_masquerade() {
	need_modules nf_tables nft_chain_nat nft_masq
	netns_add n2
	n2 nft add table ip nat
	n2 nft add chain ip nat post '{ type nat hook postrouting priority 100; }'
	n2 nft add rule ip nat post masquerade
	assert_match "$(n2 nft list ruleset)" masquerade "nft ruleset"
}

check_wireguard() {
	need_modules wireguard
	netns_add n3 n4
	ip link add v3 netns n3 type veth peer name v4 netns n4
	n3 ip addr add 198.51.100.1/24 dev v3
	n4 ip addr add 198.51.100.2/24 dev v4
	n3 ip link set v3 up
	n4 ip link set v4 up
	local k3 k4
	k3=$(wg genkey) k4=$(wg genkey)
	n3 ip link add wg0 type wireguard
	n4 ip link add wg0 type wireguard
	n3 wg set wg0 listen-port 51820 private-key <(echo "$k3") \
		peer "$(wg pubkey <<<"$k4")" allowed-ips 10.9.0.2/32 endpoint 198.51.100.2:51820
	n4 wg set wg0 listen-port 51820 private-key <(echo "$k4") \
		peer "$(wg pubkey <<<"$k3")" allowed-ips 10.9.0.1/32 endpoint 198.51.100.1:51820
	n3 ip addr add 10.9.0.1/24 dev wg0
	n4 ip addr add 10.9.0.2/24 dev wg0
	n3 ip link set wg0 up
	n4 ip link set wg0 up
	n3 ping -c1 -W5 10.9.0.2 >/dev/null
	assert_match "$(n3 wg show wg0 latest-handshakes)" $'\t[1-9]' "handshake"
}

check_background_cleanup() {
	# the runner kills what a test leaves behind, daemons included
	sleep 1000 &
	setsid sleep 1001 </dev/null >/dev/null 2>&1 &
	wait_for -t 5 pgrep -f 'sleep 1001'
}

check_wgc_module() {
	if ! modinfo wgc >/dev/null 2>&1; then
		log "wgc.ko is not in this image (WGC_ALLOW_MISSING=1?): skipped"
		return 0
	fi
	modinfo wgc | grep -q '^vermagic:.*'"$(uname -r)" || fail "wgc.ko vermagic does not match $(uname -r)"
}

# lib.sh itself: a failure inside $(...) fails its sub-case (and a test
# without sub-cases), though the command around it succeeds.
check_lib_substitution_guard() {
	local script=$TEST_TMPDIR/guard.test.sh out rc
	cat >"$script" <<-'EOF'
		source "$SELFTESTS_DIR/lib.sh"
		swallowed() { assert_eq "$(fail "inside a substitution")" ""; }
		fine() { assert_eq "$(echo fine)" fine; }
		subtest swallowed swallowed
		subtest fine fine
	EOF
	rc=0
	out=$(env -u WGC_FAIL_REASON_FILE -u WGC_TOTALS_FILE TEST_NAME=guard bash "$script" 2>&1) || rc=$?
	((rc != 0)) || fail "a test whose sub-case failed inside \$(...) exited 0: $out"
	assert_line "$out" '^  not ok 1 swallowed$' "sub-case with the failure"
	assert_line "$out" '^  ok 2 fine$' "sub-case without one"
	assert_line "$out" '^  # Totals: pass:1 fail:1 skip:0$' "the sub-cases' count"

	printf '%s\n' 'source "$SELFTESTS_DIR/lib.sh"' 'assert_eq "$(false)" ""' >"$script"
	rc=0
	out=$(env -u WGC_FAIL_REASON_FILE -u WGC_TOTALS_FILE TEST_NAME=guard bash "$script" 2>&1) || rc=$?
	((rc != 0)) || fail "a test with a failed command inside \$(...) exited 0: $out"
}

subtest shell check_shell
subtest tools check_tools
subtest users check_users
subtest netns-veth check_netns_veth
subtest nft-masquerade check_nft_masquerade
subtest wireguard check_wireguard
subtest cleanup check_background_cleanup
subtest wgc-module check_wgc_module
subtest lib-substitution-guard check_lib_substitution_guard
