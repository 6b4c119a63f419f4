#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The module's unit self-tests (allowed-IPs trie, replay window, index table,
# ratelimiter, cookie), which a WGC_DEBUG=y build of wgc.ko runs at load
# (module/selftest.c): a load must print exactly one "wgc: self-tests: pass"
# and nothing failing. The VM's other loads skip them (run_selftests=0 in
# its /etc/modprobe.d); this one asks for them, which overrides that.
# `make check` builds the module it tests that way; a release build (plain
# `make`) has no self-tests and fails here, saying so.
# timeout: 300
source "$(dirname "$0")/lib.sh"

modinfo wgc >/dev/null 2>&1 ||
	fail "wgc.ko is not in the VM image (build it, then rerun qemu/run.sh)"
[[ $(modinfo -F selftests wgc) == y ]] ||
	fail "wgc.ko was built without WGC_DEBUG=y: it has no self-tests (make check builds one with them)"

unload_wgc
# Only what this load prints counts: it follows a marker in the kernel log.
marker="module-selftests: loading wgc ($$ $EPOCHREALTIME)"
echo "<6>$marker" >/dev/kmsg
start=${EPOCHREALTIME/./}
rc=0
err=$(modprobe wgc run_selftests=1 2>&1) || rc=$?
took=$(((${EPOCHREALTIME/./} - start) / 1000))
msgs=$(dmesg | sed -n "\\|$marker|,\$p" | sed 1d)

if ((rc)); then
	printf '%s\n' "$msgs" | grep 'wgc' || true
	fail "modprobe wgc failed (a failing self-test fails the load): $err"
fi
log "load with self-tests: $took ms"
assert_line "$msgs" 'wgc: self-tests: pass$' "kernel log of the load"
assert_eq "$(grep -c 'self-tests: pass$' <<<"$msgs")" 1 "self-test pass lines"
# Any other self-test line is a failure report, except the timings that
# debug builds log at debug level.
others=$(grep 'self-test' <<<"$msgs" | grep -v 'self-tests: pass$' |
	grep -vE 'self-test [a-z]+ took [0-9]+ us$' || true)
assert_eq "$others" "" "other self-test lines in the kernel log"
unload_wgc
