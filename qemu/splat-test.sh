#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Proves that a run on the debug kernel fails on what the kernel reports:
# boots it with one selftest that loads qemu/splat/splat.ko (a module
# that leaks, reads freed memory and sleeps under a spinlock) and passes,
# then checks that qemu/run.sh failed the run and saw each report, the
# kmemleak one printed after the tests' own success line. Prints KTAP, a
# result per check.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
work=$REPO/build/splat
log=$REPO/build/check/splat-vm.log
# shellcheck source=../selftests/ktap.sh
source "$REPO/selftests/ktap.sh"

result() { # result NAME STATUS
	if [[ $2 == 0 ]]; then
		ktap_result "harness-detects/$1" ok
	else
		ktap_result "harness-detects/$1" fail "see $log"
	fi
}

ktap_begin 6
dk=$("$REPO/qemu/debug-kernel.sh") || exit 1
rm -rf "$work"
mkdir -p "$work/ko" "$work/selftests" "$work/bin" "$(dirname "$log")"
cp "$REPO"/qemu/splat/{Kbuild,splat.c} "$work/ko/"
make -s -C "$dk/build" M="$work/ko" modules >/dev/null || exit 1
cp "$work/ko/splat.ko" "$work/bin/"
cp "$REPO"/selftests/{lib.sh,ktap.sh,kernel-splat.ere} "$REPO/qemu/splat/splat.test.sh" \
	"$work/selftests/"

# The image's base (tools, libraries, the kernel's modules) is the debug
# suite's, in build/qemu: only its overlay, with
# these selftests, is made anew.
WGC_SKIP_DEPS=1 WGC_SELFTESTS=$work/selftests WGC_TEST_BIN=$work/bin \
	"$REPO/qemu/run.sh" --kernel debug >"$log" 2>&1
status=$?
clean=$(tr -d '\r' <"$log")

((status != 0))
result run-fails $?
# (the VM's console is nested in qemu/run.sh's output, two spaces in)
grep -q '^  # Totals: pass:1 fail:0 skip:0$' <<<"$clean"
result test-itself-passed $?
grep -q 'BUG: KASAN: slab-use-after-free in splat_use_after_free' <<<"$clean"
result kasan $?
grep -q 'BUG: sleeping function called from invalid context' <<<"$clean"
result atomic-sleep $?
# The leak report comes after the VM's Totals, from the scan at the end.
sed -n '/^  # Totals:/,$p' <<<"$clean" | grep -q '^  unreferenced object'
result kmemleak-after-success $?
grep -q '^not ok 2 kernel-log' <<<"$clean"
result judged-as-kernel-log-failure $?
ktap_end
