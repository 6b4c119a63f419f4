#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check [T="name ..."] [KERNEL="debian debug debian-6.12"]
#
# Installs what is missing, builds, and runs every test, ending with one
# "N passed, N failed" line over everything. KERNEL names the kernels the VM
# selftests run on: "debian" (the default: Debian's linux-image-amd64),
# "debug" (qemu/debug-kernel.sh: Linux 6.12 with KASAN, kmemleak, lockdep
# and UBSAN, built once into a cache; its run adds the scripted GDB test)
# and "debian-6.12" (Debian 12's linux-image-6.12-amd64, as users install
# it: the module is the one DKMS builds from the wgc-dkms package, the
# tools are the wgctl package's, and the tests are TESTS_6_12 below, with
# packages, which installs the packages in the VM). With test names, only
# those VM selftests run, after the build checks.
set -uo pipefail
cd "$(dirname "$0")/.."

kernels=${KERNEL:-debian}
# On Debian's 6.12 kernel: the tunnel, WireGuard interop, the kernel's own
# WireGuard selftest, and the packages installed.
TESTS_6_12="tunnel interop wireguard-netns packages"
logs=build/check
passed=0
failed=0

count() {
	if [ "$2" -eq 0 ]; then
		echo "PASS: $1"
		passed=$((passed + 1))
	else
		echo "FAIL: $1"
		failed=$((failed + 1))
	fi
}

# Adds a step's own "N passed, N failed" line; a step that died before
# printing one counts as one failure.
count_from_log() {
	local line

	line=$(tr -d '\r' < "$2" | grep -a -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$line" ]; then
		count "$1 (no result line)" 1
		return
	fi
	passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
	failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
}

# timed NAME CMD...: runs CMD in this shell (it may count), then prints how
# long it took, to see where the minutes of a run go.
timed() {
	local name=$1 start=$SECONDS
	shift
	"$@"
	echo "--- $name: $((SECONDS - start)) s"
}

# A build passes when it succeeds with no compiler warning.
build_step() {
	local name=$1 log=$logs/$1.log
	shift
	"$@" > "$log" 2>&1
	local status=$?
	if [ $status -ne 0 ] || grep -q 'warning:' "$log"; then
		cat "$log"
		status=1
	fi
	count "build/$name" $status
}

vm_suite() { # vm_suite KERNEL-NAME TESTS run.sh-arguments...
	local name=$1 log=$logs/vm-$1.log list=$2
	shift 2
	echo "=== VM selftests on the $name kernel"
	WGC_SKIP_DEPS=1 qemu/run.sh --mode test --tests "$list" "$@" 2>&1 | tee "$log"
	count_from_log "vm-$name" "$log"
}

debug_kernel() {
	local dir

	echo "=== the debug kernel (built once, then cached)"
	dir=$(qemu/debug-kernel.sh 2> >(tee $logs/debug-kernel.log >&2))
	count build/debug-kernel $?
	[ -n "$dir" ] || return 0
	echo "debug kernel $(cat "$dir/kernelrelease"), built in $(cat "$dir/build-seconds") s: $dir"
	timed module-debug selftest_module module-debug KDIR="$dir/build"
	timed vm-debug vm_suite debug "$tests" --kernel debug
	# Not beside the suite: two more VMs, even at nice 19, slowed it by
	# nearly as much as they would have saved.
	if [ -z "$tests" ]; then
		timed gdb-test checks_step gdb-test qemu/gdb-test.sh
		timed splat-test checks_step splat-test qemu/splat-test.sh
	fi
}

# The module the VM tests has its self-tests, which run at every load
# (selftests/module-selftests.test.sh requires them): make module-selftests,
# into build/module/KERNELRELEASE-selftests/, where qemu/run.sh takes it
# from; plain `make` (and so `make demo` and `make bench`) builds the release
# module into build/module/KERNELRELEASE/.
selftest_module() { # selftest_module STEP-NAME KDIR=... | KERNELRELEASE=...
	local krel

	krel=$(make --no-print-directory -s kernelrelease "$2")
	# A failed build must not leave an older wgc.ko behind to be tested.
	rm -f "build/module/$krel-selftests/wgc.ko"
	build_step "$1" make --no-print-directory module-selftests W=1 "$2"
}

# A script printing its own PASS:/FAIL: lines; each one counts.
checks_step() {
	local name=$1 log=$logs/$1.log
	shift
	"$@" 2>&1 | tee "$log"
	checks_log "$name" quiet
}

# Counts the PASS:/FAIL: lines of a step's log, $logs/NAME.log (and shows
# it, unless told it was shown already).
checks_log() {
	local name=$1 log=$logs/$1.log
	[ -n "${2:-}" ] || cat "$log"
	passed=$((passed + $(grep -c '^PASS: ' "$log")))
	failed=$((failed + $(grep -c '^FAIL: ' "$log")))
	grep -q '^\(PASS\|FAIL\): ' "$log" || count "$name (no result)" 1
}

# Debian's 6.12 kernel as users run it: DKMS builds the module from the
# wgc-dkms package (scripts/package-test.sh, into a scratch root), and the
# VM boots with it, the wgctl package's tools and both packages' files.
# Building the packages and the module takes a minute of CPU: it starts
# first, at nice 19, so that it takes only what the VM runs before it leave
# idle (a third of the CPUs, or more), and the 6.12 run waits for it.
packages_6_12_start() {
	local krel

	krel=$(scripts/kernel-version.sh debian-6.12) || return 0
	nice -n 19 scripts/package-test.sh "$krel" > $logs/dkms-6.12.log 2>&1 &
	packages_6_12_pid=$!
	packages_6_12_krel=$krel
}

debian_6_12() {
	local krel=${packages_6_12_krel:-} root=$PWD/build/deb/root

	if [ -z "$krel" ]; then
		scripts/kernel-version.sh debian-6.12
		count kernel/debian-6.12 1
		return
	fi
	wait "$packages_6_12_pid"
	checks_log dkms-6.12
	WGC_KO=$root/lib/modules/$krel/updates/dkms/wgc.ko.xz WGC_WGCTL=$root/usr/bin/wgctl \
		WGC_PKGROOT=$root vm_suite debian-6.12 "${tests:-$TESTS_6_12}" --kernel "$krel"
}

# The tests of the run on Debian's own kernel: all of them, or those named.
# When the run on Debian's 6.12 kernel comes too (as in .ci/run), this one
# leaves it the tests it runs (four minutes here; the kernel's WireGuard
# selftest is 6.12's, and the debug kernel runs them all again): every
# other test here carries traffic through the tunnel, and handshake-dos
# and wgctl-conf work with wireguard.ko.
debian_tests() {
	local f n list=""

	case " $kernels " in
	*" debian-6.12 "*) [ -z "$tests" ] || { echo "$tests"; return; } ;;
	*) echo "$tests"; return ;;
	esac
	for f in selftests/*.test.sh; do
		n=${f##*/}
		n=${n%.test.sh}
		case " $TESTS_6_12 " in *" $n "*) continue ;; esac
		list="$list $n"
	done
	echo "${list# }"
}

tests="$*"
# shellcheck disable=SC2086 # one word per kernel
scripts/deps.sh $kernels || { echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$logs"

# One job per CPU, unless `make -jN check` shares its job slots already.
jobs=(-j"$(nproc)")
case " ${MAKEFLAGS:-} " in
*jobserver* | *" -j"*) jobs=() ;;
esac
timed build-module build_step module make "${jobs[@]}" --no-print-directory module W=1
build_step wgctl make "${jobs[@]}" --no-print-directory wgctl
build_step selftest-tools make "${jobs[@]}" --no-print-directory -C selftests/tools

# checkpatch takes one CPU for half a minute: it runs beside the other
# host checks, and its result is counted once they are done.
checkpatch_start() {
	scripts/checkpatch.sh > $logs/checkpatch.log 2>&1 &
	checkpatch_pid=$!
}

checkpatch_count() {
	local status=0
	wait "$checkpatch_pid" || status=$?
	cat $logs/checkpatch.log
	count style/checkpatch $status
}

unit() {
	make --no-print-directory -C tools/wgctl unit 2>&1 | tee $logs/unit.log
	count_from_log unit $logs/unit.log
}

# The YNL spec against the uapi header, with Linux 6.12's generator
# (scripts/ynl-check.sh).
ynl() {
	checks_step ynl scripts/ynl-check.sh
}

# wgctl's parsers under libFuzzer, 10 s each (tools/wgctl/fuzz/run.sh).
fuzz() {
	tools/wgctl/fuzz/run.sh 2>&1 | tee $logs/fuzz.log
	count_from_log fuzz $logs/fuzz.log
}

# The checks on the host, in a shell of their own that prints its count
# last, as "host checks: N passed, N failed".
host_checks() {
	passed=0
	failed=0
	checkpatch_start
	timed install checks_step install scripts/install-test.sh
	# (the 6.12 run builds them again, with the module for its kernel)
	case " $kernels " in
	*" debian-6.12 "*) ;;
	*) timed packages checks_step packages scripts/package-test.sh ;;
	esac
	timed unit unit
	timed ynl ynl
	timed fuzz fuzz
	timed checkpatch checkpatch_count
	echo "host checks: $passed passed, $failed failed"
}

host_count() {
	local line

	line=$(tr -d '\r' < $logs/host.log | grep -a -E '^host checks: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$line" ]; then
		count "host checks (no result line)" 1
		return
	fi
	line=${line#host checks: }
	passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
	failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
}

# With VM runs to come, the host checks (two minutes of CPU) run beside
# them at nice 19, in the CPU time the VMs leave idle, and report at the
# end; alone, they run at once.
host_pid=""
if [ -z "$tests" ]; then
	case $kernels in
	*[a-z]*)
		(
			renice -n 19 -p "$BASHPID" >/dev/null
			host_checks
		) > $logs/host.log 2>&1 &
		host_pid=$!
		;;
	*)
		host_checks 2>&1 | tee $logs/host.log
		host_count
		;;
	esac
fi

case " $kernels " in
*" debian-6.12 "*) packages_6_12_start ;;
esac

for kernel in $kernels; do
	case $kernel in
	debian)
		timed module-debian selftest_module module-debian \
			KERNELRELEASE="$(scripts/kernel-version.sh)"
		timed vm-debian vm_suite debian "$(debian_tests)"
		;;
	debug)
		timed debug debug_kernel
		;;
	debian-6.12)
		timed debian-6.12 debian_6_12
		;;
	*)
		echo "unknown KERNEL '$kernel' (expected debian, debug and/or debian-6.12)"
		count "kernel/$kernel" 1
		;;
	esac
done

if [ -n "$host_pid" ]; then
	echo "=== the checks on the host"
	wait "$host_pid"
	cat $logs/host.log
	host_count
fi

echo "make check took $((SECONDS / 60)) min $((SECONDS % 60)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
