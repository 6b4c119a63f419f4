#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Proves that a run on the debug kernel fails on what the kernel reports:
# boots it with one selftest that loads qemu/splat/splat.ko (a module
# that leaks, reads freed memory and sleeps under a spinlock) and passes,
# then checks that qemu/run.sh failed the run and saw each report, the
# kmemleak one printed after the tests' own success line. Prints one
# PASS:/FAIL: line per check.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
work=$REPO/build/splat
log=$REPO/build/check/splat-vm.log
failed=0

result() { # result NAME STATUS
	if [[ $2 == 0 ]]; then
		echo "PASS: harness-detects/$1"
	else
		echo "FAIL: harness-detects/$1 (see $log)"
		failed=1
	fi
}

dk=$("$REPO/qemu/debug-kernel.sh") || exit 1
rm -rf "$work"
mkdir -p "$work/ko" "$work/selftests" "$work/bin" "$(dirname "$log")"
cp "$REPO"/qemu/splat/{Kbuild,splat.c} "$work/ko/"
make -s -C "$dk/build" M="$work/ko" modules >/dev/null || exit 1
cp "$work/ko/splat.ko" "$work/bin/"
cp "$REPO"/selftests/{lib.sh,run.sh,kernel-splat.ere} "$REPO/qemu/splat/splat.test.sh" \
	"$work/selftests/"

# The image's base (tools, libraries, the kernel's modules) is the debug
# suite's, in its build directory (WGC_BUILD_DIR): only its overlay, with
# these selftests, is made anew.
WGC_SKIP_DEPS=1 WGC_SELFTESTS=$work/selftests WGC_TEST_BIN=$work/bin \
	"$REPO/qemu/run.sh" --kernel debug >"$log" 2>&1
status=$?
clean=$(tr -d '\r' <"$log")

((status != 0))
result run-fails $?
grep -q '^VMRESULT: 1 passed, 0 failed' <<<"$clean"
result test-itself-passed $?
grep -q 'BUG: KASAN: slab-use-after-free in splat_use_after_free' <<<"$clean"
result kasan $?
grep -q 'BUG: sleeping function called from invalid context' <<<"$clean"
result atomic-sleep $?
# The leak report comes after the VMRESULT line, from the scan at the end.
sed -n '/^VMRESULT:/,$p' <<<"$clean" | grep -q 'unreferenced object'
result kmemleak-after-success $?
grep -q '^FAIL: kernel-log' <<<"$clean"
result judged-as-kernel-log-failure $?
exit $failed
