#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel's own WireGuard selftest, tools/testing/selftests/wireguard/
# netns.sh, run on wgc: a judge nobody here wrote. The VM image carries the
# file as Debian's linux-source package ships it; the only change made to
# it is wireguard-netns-transform.sh's (link kind and tool renamed).
#   transform: the rename applies cleanly (it refuses a netns.sh that is
#     not the one it was reviewed against)
#   netns.sh: the script exits 0 (on failure, the last commands it traced
#     are shown)
#   objects-freed: every peer and keypair the module logged as created
#     while the script ran is logged as destroyed. netns.sh ends with this
#     check itself, over WireGuard's debug messages; wgc's are worded
#     differently (and the script would read the whole VM run's log), so
#     the check is made here, over the script's own part of the log
#     (debug builds log these lifetimes; netns.sh turns off the rate limit)
#   kernel-log: nothing the script did left an oops, WARN, KASAN, lockdep
#     or leak report in the kernel log
# Outside the script, the VM gives it what the kernel's own test VM gives
# it: a standard input that never ends (its sleep() reads from it), the
# netfilter modules its iptables rules need, loaded up front.
# IMPL=wireguard runs the untouched names on wireguard.ko and
# wg(8), which proves the harness.
# timeout: 1500
# debug kernel: skip: it runs on Debian's 6.12 kernel, the debug kernel's version, with the module DKMS builds; tunnel, roaming, allowedips, netns and races drive its paths under the sanitizers
source "$(dirname "$0")/lib.sh"

PRISTINE=/usr/share/wgc/netns.sh
SCRIPT=$PWD/netns.sh
TRACE=$PWD/netns.trace

case ${IMPL:-wgc} in
wgc) KIND=wgc TOOL=wgctl ;;
wireguard) KIND=wireguard TOOL=wg ;;
*) fail "IMPL must be wgc or wireguard, not '$IMPL'" ;;
esac

transform() {
	[[ -r $PRISTINE ]] || fail "$PRISTINE is missing from the VM image"
	expect_ok bash "$SELFTESTS_DIR/wireguard-netns-transform.sh" "$PRISTINE" "$SCRIPT" "$KIND" "$TOOL"
	log "$(sha256sum <"$PRISTINE" | cut -c1-16): netns.sh, renamed to kind $KIND and tool $TOOL"
}

run_netns() {
	local rc=0 stdin=$PWD/stdin
	[[ -f $SCRIPT ]] || fail "no transformed netns.sh (the transform failed)"
	if [[ $KIND == wgc ]]; then load_wgc; else need_modules wireguard; fi
	need_modules nf_conntrack nft_compat xt_length xt_mark xt_nat nft_chain_nat
	# A FIFO opened for reading and writing: reads on it wait, and never
	# see an end of file.
	mkfifo "$stdin"
	BASH_XTRACEFD=7 bash -x "$SCRIPT" 7>"$TRACE" <>"$stdin" || rc=$?
	if ((rc)); then
		log "netns.sh exited with status $rc; its last commands before its cleanup:"
		awk '/^\++ cleanup$/ { exit } { print }' "$TRACE" | tail -n 25 | sed 's/^/#   /'
		fail "netns.sh exited with status $rc"
	fi
}

# OBJECTS: how many peers and keypairs the log since MARK names; UNPAIRED:
# those not logged exactly once created, then once destroyed
scan_objects() {
	local line what
	local -A seen=()
	while IFS= read -r line; do
		[[ $line =~ (peer|keypair)\ ([0-9]+)\ (created|destroyed) ]] || continue
		what="${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
		seen[$what]+=${BASH_REMATCH[3]}
	done < <(kmsg_since "$MARK")
	OBJECTS=${#seen[@]} UNPAIRED=()
	for what in "${!seen[@]}"; do
		[[ ${seen[$what]} == createddestroyed ]] || UNPAIRED+=("$what: ${seen[$what]}")
	done
}
all_objects_paired() {
	scan_objects
	((${#UNPAIRED[@]} == 0))
}

objects_freed() {
	# the last ones go after RCU grace periods
	within 10 all_objects_paired || true
	scan_objects
	((${#UNPAIRED[@]} == 0)) || fail "logged but not as created, then destroyed: ${UNPAIRED[*]}"
	log "$OBJECTS peers and keypairs logged created, then destroyed"
	# A wgc debug build (it has race points) logs them; a release build
	# and wireguard.ko do not.
	if [[ $KIND == wgc && -e /sys/module/wgc/parameters/race_points ]]; then
		((OBJECTS > 10)) || fail "only $OBJECTS objects logged (are debug messages on?)"
	fi
}

MARK=$(kmsg_mark)
subtest transform transform
subtest netns.sh run_netns
subtest objects-freed objects_freed
subtest kernel-log assert_kmsg_clean "$MARK"
