#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check [T="name ..."] [KERNEL="debian debug debian-6.12"]
#
# Installs what is missing, builds, and runs every test. Prints KTAP
# (selftests/ktap.sh): a result per step, with the results of a step that
# has its own nested in it (a VM run's tests, a test's sub-cases, the unit
# tests' cases), and ends with the Totals of the leaves and one
# "N passed, N failed" line over everything. KERNEL names the kernels the
# VM selftests run on: "debian" (the default: Debian's linux-image-amd64),
# "debug" (qemu/debug-kernel.sh: Linux 6.12 with KASAN, kmemleak, lockdep
# and UBSAN, built once into a cache; its run adds the scripted GDB test)
# and "debian-6.12" (Debian 12's linux-image-6.12-amd64, as users install
# it: the module is the one DKMS builds from the wgc-dkms package, the
# tools are the wgctl package's, and the tests are TESTS_6_12 below, with
# packages, which installs the packages in the VM). With test names, only
# those VM selftests run, after the build checks.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
# shellcheck source=../selftests/ktap.sh
source selftests/ktap.sh

kernels=${KERNEL:-debian}
# On Debian's 6.12 kernel: the tunnel, WireGuard interop, the kernel's own
# WireGuard selftest, the packages installed, and the key log through
# Wireshark (only that run's image has tshark).
TESTS_6_12="tunnel interop wireguard-netns packages wireshark-keylog"
logs=build/check
tests="$*"

count() { # count NAME STATUS: a step that is one result
	if [ "$2" -eq 0 ]; then
		ktap_result "$1" ok
	else
		ktap_result "$1" fail
	fi
}

# step NAME CMD...: a step printing KTAP of its own, shown nested as it
# runs and kept in $logs/NAME.log.
step() {
	local name=$1 status
	shift
	"$@" 2>&1 | tee "$logs/$name.log" | sed -u 's/^/  /'
	status=${PIPESTATUS[0]}
	step_result "$name" "$status"
}

# step_result NAME STATUS: the result of a step whose output is
# $logs/NAME.log; its Totals count, and a step that died before printing
# them is one failure.
step_result() {
	local totals
	totals=$(ktap_totals "$logs/$1.log")
	if [ -z "$totals" ]; then
		ktap_result "$1" fail "no Totals: it died (exit status $2), see $logs/$1.log"
	elif [ "$2" -eq 0 ]; then
		ktap_parent "$1" ok "$totals"
	else
		ktap_parent "$1" fail "$totals" "exit status $2"
	fi
}

# timed NAME CMD...: runs CMD in this shell (it may count), then prints how
# long it took, to see where the minutes of a run go.
timed() {
	local name=$1 start=$SECONDS
	shift
	"$@"
	echo "# $name: $((SECONDS - start)) s"
}

# A build passes when it succeeds with no compiler warning; its log is
# shown only when it does not.
build_step() {
	local name=$1 log=$logs/$1.log
	shift
	"$@" > "$log" 2>&1
	local status=$?
	if [ $status -ne 0 ] || grep -q 'warning:' "$log"; then
		sed 's/^/# /' "$log"
		status=1
	fi
	count "build/$name" $status
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

vm_suite() { # vm_suite KERNEL-NAME TESTS run.sh-arguments...
	local name=$1 list=$2
	shift 2
	echo "# VM selftests on the $name kernel"
	step "vm-$name" env WGC_SKIP_DEPS=1 qemu/run.sh --mode test --tests "$list" "$@"
}

# The debug kernel's steps (the plan counts them); without the kernel, the
# others fail.
debug_steps() {
	echo build/debug-kernel build/module-debug vm-debug
	[ -n "$tests" ] || echo gdb-test splat-test
}

debug_kernel() {
	local dir s

	echo "# the debug kernel (built once, then cached)"
	dir=$(qemu/debug-kernel.sh 2> >(tee $logs/debug-kernel.log >&2))
	count build/debug-kernel $?
	if [ -z "$dir" ]; then
		for s in $(debug_steps); do
			[ "$s" = build/debug-kernel ] || ktap_result "$s" fail "not run: no debug kernel"
		done
		return 0
	fi
	echo "# debug kernel $(cat "$dir/kernelrelease"), built in $(cat "$dir/build-seconds") s: $dir"
	timed module-debug selftest_module module-debug KDIR="$dir/build"
	timed vm-debug vm_suite debug "$tests" --kernel debug
	# Not beside the suite: two more VMs, even at nice 19, slowed it by
	# nearly as much as they would have saved.
	if [ -z "$tests" ]; then
		timed gdb-test step gdb-test qemu/gdb-test.sh
		timed splat-test step splat-test qemu/splat-test.sh
	fi
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
	local krel=${packages_6_12_krel:-} root=$PWD/build/deb/root status=0

	if [ -z "$krel" ]; then
		scripts/kernel-version.sh debian-6.12 | sed 's/^/# /'
		count kernel/debian-6.12 1
		ktap_result vm-debian-6.12 fail "not run: no Debian 6.12 kernel"
		return
	fi
	wait "$packages_6_12_pid" || status=$?
	sed 's/^/  /' $logs/dkms-6.12.log
	step_result dkms-6.12 $status
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

# The checks on the host, a step of their own: KTAP, a result per check.
host_checks() {
	# checkpatch takes one CPU for half a minute: it runs beside the other
	# host checks, and its result is counted once they are done.
	scripts/checkpatch.sh > $logs/checkpatch.log 2>&1 &
	local checkpatch_pid=$! status=0

	ktap_begin "$(host_steps | wc -w)"
	timed install step install scripts/install-test.sh
	# (the 6.12 run builds them again, with the module for its kernel)
	case " $kernels " in
	*" debian-6.12 "*) ;;
	*) timed packages step packages scripts/package-test.sh ;;
	esac
	timed unit step unit make --no-print-directory -C tools/wgctl unit
	# the YNL spec against the uapi header, with Linux 6.12's generator
	timed ynl step ynl scripts/ynl-check.sh
	# wgctl's parsers under libFuzzer, 10 s each
	timed fuzz step fuzz tools/wgctl/fuzz/run.sh
	# the harness's own host side: the files a VM run hands over
	timed vm-files step vm-files qemu/vm-files-test.sh
	wait "$checkpatch_pid" || status=$?
	sed 's/^/# /' $logs/checkpatch.log
	count style/checkpatch $status
	ktap_end
}
host_steps() {
	echo install unit ynl fuzz vm-files style/checkpatch
	case " $kernels " in *" debian-6.12 "*) ;; *) echo packages ;; esac
}

# The plan: every step this run will report.
plan() {
	local k n=3
	[ -n "$tests" ] || n=$((n + 1))
	for k in $kernels; do
		case $k in
		debian | debian-6.12) n=$((n + 2)) ;;
		debug) [ -n "$debug_beside" ] || n=$((n + $(debug_steps | wc -w))) ;;
		*) n=$((n + 1)) ;;
		esac
	done
	# (one step, however often KERNEL names it)
	[ -z "$debug_beside" ] || n=$((n + 1))
	echo $n
}

# With another kernel to run on, the debug kernel's steps run beside that
# kernel's, as one step of this run, "debug", with theirs nested in it.
# The VMs on Debian's kernels leave about half of two CPUs idle (their
# tests wait on timers and handshakes, and run one process at a time);
# the debug kernel's VM, busy on both, takes it. It runs at nice
# DEBUG_NICE, so that the other VMs run as fast as they would alone, and
# catches up once they are done. Not at nice 19: there it would all but
# stop whenever the other VM is busy on both CPUs, and its kernel's
# lockup and RCU stall detectors see that as a hung CPU.
# WGC_CHECK_SERIAL=1 runs the kernels one after another.
DEBUG_NICE=10
debug_beside=""
case " $kernels " in
*" debug "*)
	[ -z "$(tr ' ' '\n' <<<"$kernels" | grep -v -x -e debug -e '')" ] ||
		[ "${WGC_CHECK_SERIAL:-}" = 1 ] || debug_beside=1
	;;
esac

debug_beside_start() {
	(
		# bash leaves SIGINT ignored in a background job: without
		# this, ^C would stop the run but not this leg's next steps.
		trap 'exit 130' INT TERM
		renice -n "$DEBUG_NICE" -p "$BASHPID" >/dev/null
		ktap_begin "$(debug_steps | wc -w)"
		timed debug debug_kernel
		ktap_end
	) > $logs/debug.log 2>&1 &
	debug_pid=$!
}

debug_beside_end() {
	local status=0

	echo "# the debug kernel's steps, which ran beside the others"
	wait "$debug_pid" || status=$?
	sed 's/^/  /' $logs/debug.log
	step_result debug $status
}

mkdir -p "$logs"
# shellcheck disable=SC2086 # one word per kernel
if ! scripts/deps.sh $kernels 2>&1 | sed 's/^/# /'; then
	ktap_begin 1
	ktap_result deps fail "scripts/deps.sh failed"
	ktap_end
	ktap_summary
	exit 1
fi

ktap_begin "$(plan)"
# One job per CPU, unless `make -jN check` shares its job slots already.
jobs=(-j"$(nproc)")
case " ${MAKEFLAGS:-} " in
*jobserver* | *" -j"*) jobs=() ;;
esac
timed build-module build_step module make "${jobs[@]}" --no-print-directory module W=1
build_step wgctl make "${jobs[@]}" --no-print-directory wgctl
build_step selftest-tools make "${jobs[@]}" --no-print-directory -C selftests/tools

# With VM runs to come, the host checks (two minutes of CPU) run beside
# them at nice 19, in the CPU time the VMs leave idle, and report at the
# end; alone, they run at once.
host_pid=""
if [ -z "$tests" ]; then
	case $kernels in
	*[a-z]*)
		(
			trap 'exit 130' INT TERM # (as debug_beside_start's)
			renice -n 19 -p "$BASHPID" >/dev/null
			host_checks
		) > $logs/host.log 2>&1 &
		host_pid=$!
		;;
	*)
		step host host_checks
		;;
	esac
fi

case " $kernels " in
*" debian-6.12 "*) packages_6_12_start ;;
esac
[ -z "$debug_beside" ] || debug_beside_start

for kernel in $kernels; do
	case $kernel in
	debian)
		timed module-debian selftest_module module-debian \
			KERNELRELEASE="$(scripts/kernel-version.sh)"
		timed vm-debian vm_suite debian "$(debian_tests)"
		;;
	debug)
		[ -n "$debug_beside" ] || timed debug debug_kernel
		;;
	debian-6.12)
		timed debian-6.12 debian_6_12
		;;
	*)
		echo "# unknown KERNEL '$kernel' (expected debian, debug and/or debian-6.12)"
		count "kernel/$kernel" 1
		;;
	esac
done

[ -z "$debug_beside" ] || debug_beside_end

if [ -n "$host_pid" ]; then
	echo "# the checks on the host"
	status=0
	wait "$host_pid" || status=$?
	sed 's/^/  /' $logs/host.log
	step_result host $status
fi

echo "# make check took $((SECONDS / 60)) min $((SECONDS % 60)) s"
ktap_end
status=$?
ktap_summary
exit $status
