#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boots the wgc test VM (QEMU, Debian's kernel, an initramfs with wgc.ko,
# wgctl and the selftests) and, in test mode, judges the run.
#
# usage: qemu/run.sh [--mode test|demo|bench|shell] [--tests "a b"]
#                    [--kernel VERSION_OR_PATH] [--timeout SECONDS]
#                    [--test-timeout SECONDS] [--append "KERNEL ARGS"] [--gdb]
#                    [--impl wgc|wireguard] [--env NAME=VALUE]...
#
#   --mode          test (default): run selftests/*.test.sh (or --tests) and
#                   fail on any failed test, a missing result (crash, hang,
#                   timeout) or a kernel splat anywhere in the console output;
#                   demo: run demo/demo.sh; bench: run bench/bench.sh
#                   (the `make bench` throughput and latency table); shell:
#                   interactive bash (leave with `exit` or `poweroff`; Ctrl-A x
#                   kills QEMU)
#   --tests         test names (space or comma separated; default: all)
#   --kernel        kernel release (/boot/vmlinuz-VERSION, modules from
#                   /lib/modules/VERSION), a bzImage or vmlinux path (its
#                   release is read from the image; modules from
#                   $WGC_MODROOT/lib/modules), or "debug": the sanitizer kernel
#                   of qemu/debug-kernel.sh, built on first use
#   --timeout       whole-run limit: default 3600 s in test mode (the whole
#                   suite on the debug kernel takes about 25 min under TCG;
#                   a hung test is stopped by its own limit inside the VM,
#                   this one stops a VM that hangs whole), 1500 s in demo and
#                   bench mode, none in shell mode or with --gdb
#   --test-timeout  per-test limit inside the VM, for every test (default: the
#                   test's "# timeout: N" line, else 300 s)
#   --append        extra kernel command line (e.g. wgc.<param>=... for the
#                   module, dyndbg=...)
#   --gdb           QEMU waits for gdb on 127.0.0.1:$WGC_GDB_PORT (default
#                   1234; like -s -S), kernel
#                   gets nokaslr; no whole-run timeout unless --timeout
#   --impl          what the tunnel tests (tunnel, interop, allowedips,
#                   roaming, replay, keepalive), the demo's network and the
#                   bench's "wgc" row run on: wgc (default: link kind wgc,
#                   wgctl) or wireguard (the kernel's wireguard.ko and wg(8),
#                   to prove a test right before wgc can pass it). Same as
#                   --env WGC_TEST_IMPL=...; also taken from $WGC_TEST_IMPL
#   --env           exports NAME=VALUE to the VM's test, demo or bench run
#                   (kernel command line wgc.env=NAME=VALUE, read by
#                   qemu/init); VALUE without blanks. Repeatable
#
# The module: the one `make check` tests, built for the VM's kernel with its
# self-tests (make module-selftests: build/module/KERNELRELEASE-selftests/)
# in test mode and with --gdb, the one `make` builds
# (build/module/KERNELRELEASE/) otherwise; WGC_KO names another. Nothing is built here: a missing module
# is an error that says how to build it.
#
# Environment: WGC_TEST_IMPL (see --impl) and WGC_BENCH_* (see
# bench/bench.sh) are passed on to the VM as if given with --env.
# WGC_ALLOW_MISSING=1 boots without wgc.ko/wgctl (the default when
# WGC_TEST_IMPL=wireguard); WGC_NO_KVM=1
# never uses KVM; WGC_SKIP_DEPS=1 skips scripts/deps.sh; WGC_BUILD_DIR,
# WGC_KO, WGC_WGCTL, WGC_MODROOT, WGC_EXTRA_MODULES: see qemu/mkinitramfs.sh.
#
# Test mode prints the console (also saved to build/qemu/console.log) and
# ends with the line "N passed, N failed"; exit status 0 only if all passed.
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
QEMU_DIR=$(dirname "$SELF")
REPO=$(dirname "$QEMU_DIR")

MODE="test"
TESTS=""
KERNEL=""
TIMEOUT=""
TEST_TIMEOUT=""
APPEND=""
GDB=0
IMPL=${WGC_TEST_IMPL:-}
VM_ENV=()

die() {
	printf 'qemu/run.sh: error: %s\n' "$*" >&2
	exit 2
}
usage() { sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$SELF"; }

while (($#)); do
	case $1 in
	--mode) MODE=${2:?}; shift 2 ;;
	--mode=*) MODE=${1#*=}; shift ;;
	--tests) TESTS=${2?}; shift 2 ;;
	--tests=*) TESTS=${1#*=}; shift ;;
	--kernel) KERNEL=${2:?}; shift 2 ;;
	--kernel=*) KERNEL=${1#*=}; shift ;;
	--timeout) TIMEOUT=${2:?}; shift 2 ;;
	--timeout=*) TIMEOUT=${1#*=}; shift ;;
	--test-timeout) TEST_TIMEOUT=${2:?}; shift 2 ;;
	--test-timeout=*) TEST_TIMEOUT=${1#*=}; shift ;;
	--append) APPEND=${2?}; shift 2 ;;
	--append=*) APPEND=${1#*=}; shift ;;
	--gdb) GDB=1; shift ;;
	--impl) IMPL=${2:?}; shift 2 ;;
	--impl=*) IMPL=${1#*=}; shift ;;
	--env) VM_ENV+=("${2:?}"); shift 2 ;;
	--env=*) VM_ENV+=("${1#*=}"); shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument: $1" ;;
	esac
done

case $MODE in test | demo | bench | shell) ;; *) die "--mode must be test, demo, bench or shell (got '$MODE')" ;; esac
[[ -z $TIMEOUT || $TIMEOUT =~ ^[0-9]+$ ]] || die "--timeout takes seconds (got '$TIMEOUT')"
[[ -z $TEST_TIMEOUT || $TEST_TIMEOUT =~ ^[0-9]+$ ]] || die "--test-timeout takes seconds (got '$TEST_TIMEOUT')"
if [[ -z $TIMEOUT ]] && [[ $MODE != shell ]] && ((!GDB)); then
	if [[ $MODE == test ]]; then TIMEOUT=3600; else TIMEOUT=1500; fi
fi

# Test names: checked here, so that a typo fails at once and clearly.
SELFTESTS=${WGC_SELFTESTS:-$REPO/selftests}
TEST_LIST=()
read -r -a TEST_LIST <<<"${TESTS//,/ }"
for t in "${TEST_LIST[@]}"; do
	t=${t%.test.sh}
	[[ $t =~ ^[A-Za-z0-9_.+-]+$ ]] || die "bad test name '$t'"
	[[ -f $SELFTESTS/$t.test.sh ]] || die "no such test: $SELFTESTS/$t.test.sh"
done
TESTS_ARG=$(
	IFS=,
	echo "${TEST_LIST[*]%.test.sh}"
)

# Environment for the VM (wgc.env=NAME=VALUE on the kernel command line).
case $IMPL in
"" | wgc) ;;
wireguard)
	# nothing of wgc is needed to prove the tests on wireguard.ko
	export WGC_ALLOW_MISSING=${WGC_ALLOW_MISSING:-1}
	;;
*) die "--impl / WGC_TEST_IMPL must be wgc or wireguard (got '$IMPL')" ;;
esac
[[ -n $IMPL ]] && VM_ENV=("WGC_TEST_IMPL=$IMPL" "${VM_ENV[@]}")
while IFS='=' read -r name _; do
	[[ $name == WGC_BENCH_* ]] && VM_ENV+=("$name=${!name}")
done < <(env)
for e in "${VM_ENV[@]}"; do
	[[ $e =~ ^[A-Za-z_][A-Za-z0-9_]*=[^[:space:]]*$ ]] ||
		die "--env takes NAME=VALUE, VALUE without blanks (got '$e')"
done

[[ ${WGC_SKIP_DEPS:-0} == 1 ]] || "$REPO/scripts/deps.sh"

# ---- kernel
# bzImage: the release string sits at 0x200 + the 16-bit value at 0x20e.
bzimage_release() {
	local off
	off=$(od -An -tu2 -j $((0x20e)) -N2 "$1" | tr -d ' ') || return 1
	dd if="$1" bs=1 skip=$((off + 0x200)) count=128 status=none | tr '\0' '\n' | head -n1 | cut -d' ' -f1
}
is_elf() { [[ $(head -c4 "$1" | tr -d '\0') == $'\x7fELF' ]]; }
MEM=${WGC_VM_MEM:-1G}
GDB_PORT=${WGC_GDB_PORT:-1234}
# "debug": the sanitizer kernel of qemu/debug-kernel.sh (built on first
# use); KASAN's shadow and quarantine want more memory.
KDIR_HINT=""
if [[ $KERNEL == debug ]]; then
	dk=$("$QEMU_DIR/debug-kernel.sh") || die "building the debug kernel failed"
	export WGC_MODROOT=$dk/modroot
	KERNEL=$dk/build/vmlinux
	KDIR_HINT=" KDIR=$dk/build"
	MEM=${WGC_VM_MEM:-2G}
fi
if [[ -z $KERNEL ]]; then
	KVER=$("$REPO/scripts/kernel-version.sh")
	KIMG=/boot/vmlinuz-$KVER
elif [[ -f $KERNEL ]]; then
	KIMG=$KERNEL
	if is_elf "$KIMG"; then # an uncompressed vmlinux (booted through PVH)
		KVER=$(grep -a -o -m1 'Linux version [^ ]*' "$KIMG" | head -n1 | cut -d' ' -f3) || KVER=""
	else
		KVER=$(bzimage_release "$KIMG") || KVER=""
	fi
	[[ -n $KVER ]] || die "cannot read the kernel release from $KIMG (neither a bzImage nor a vmlinux?)"
else
	KVER=$KERNEL
	KIMG=/boot/vmlinuz-$KVER
fi
[[ -r $KIMG ]] || die "kernel image $KIMG is missing or unreadable"

if [[ -z ${WGC_KO:-} ]]; then
	[[ -n $KDIR_HINT ]] || KDIR_HINT=" KERNELRELEASE=$KVER"
	if [[ $MODE == test ]] || ((GDB)); then
		WGC_KO=$REPO/build/module/$KVER-selftests/wgc.ko
		build_it="make module-selftests$KDIR_HINT"
	else
		WGC_KO=$REPO/build/module/$KVER/wgc.ko
		build_it="make module$KDIR_HINT"
	fi
	[[ -f $WGC_KO || ${WGC_ALLOW_MISSING:-0} == 1 ]] ||
		die "no wgc.ko for $KVER in ${WGC_KO%/wgc.ko}: build it with '$build_it'"
	export WGC_KO
fi

# ---- initramfs
INITRD=$(WGC_KVER=$KVER "$QEMU_DIR/mkinitramfs.sh") || die "building the initramfs failed"
BUILD=$(dirname "$INITRD")

# ---- PVH boot
# QEMU boots an uncompressed ELF vmlinux directly through PVH when the kernel
# has CONFIG_PVH (Debian's has): no firmware loading a bzImage in real mode,
# no decompressor. Under TCG that saves ~4 s per boot. The vmlinux is pulled
# out of the bzImage once and cached; WGC_NO_PVH=1 boots the bzImage itself.
extract_vmlinux() { # extract_vmlinux BZIMAGE OUT: 0 if OUT is a PVH vmlinux
	local img=$1 out=$2 magic cmd off
	for magic in $'\xfd7zXZ:xz' $'\x28\xb5\x2f\xfd:zstd' $'\x1f\x8b\x08:gzip'; do
		cmd=${magic##*:}
		magic=${magic%:*}
		command -v "$cmd" >/dev/null || continue
		off=$(LC_ALL=C grep -abo -m1 "$magic" "$img" | head -n1 | cut -d: -f1) || continue
		[[ -n $off ]] || continue
		tail -c +$((off + 1)) "$img" | "$cmd" -dc >"$out" 2>/dev/null || true
		if [[ -s $out ]] && is_elf "$out" &&
			readelf -n "$out" 2>/dev/null | grep -q -E 'PHYS32_ENTRY|\(0x00000012\)'; then
			return 0
		fi
	done
	rm -f "$out"
	return 1
}
BOOT_IMG=$KIMG
if [[ ${WGC_NO_PVH:-0} != 1 ]] && command -v readelf >/dev/null; then
	if is_elf "$KIMG"; then
		BOOT_IMG=$KIMG
	else
		pvh=$BUILD/vmlinux-$KVER
		want=$(stat -L -c '%n %s %Y' "$KIMG")
		if [[ -f $pvh && -f $pvh.stamp && $(<"$pvh.stamp") == "$want" ]]; then
			BOOT_IMG=$pvh
		elif tmp=$(mktemp "$BUILD/.vmlinux.XXXXXX") && extract_vmlinux "$KIMG" "$tmp"; then
			mv "$tmp" "$pvh"
			printf '%s\n' "$want" >"$pvh.stamp"
			BOOT_IMG=$pvh
		else
			rm -f "${tmp:-}"
			echo "qemu/run.sh: note: no PVH-capable vmlinux in $KIMG; booting the bzImage (slower)" >&2
		fi
	fi
fi

# ---- QEMU command line
if [[ ${WGC_NO_KVM:-0} != 1 && -e /dev/kvm ]] && (exec 3<>/dev/kvm) 2>/dev/null; then
	ACCEL=kvm
else
	ACCEL=tcg
fi
[[ $MODE == bench ]] && VM_ENV+=("WGC_VM_ACCEL=$ACCEL")
# A kernel log large enough that a test's marks in it (lib.sh's kmsg_mark)
# are still there when it reads what followed them.
CMDLINE="console=ttyS0 panic=-1 oops=panic loglevel=5 log_buf_len=8M wgc.mode=$MODE"
[[ -n $TESTS_ARG ]] && CMDLINE+=" wgc.tests=$TESTS_ARG"
[[ -n $TEST_TIMEOUT ]] && CMDLINE+=" wgc.test_timeout=$TEST_TIMEOUT"
for e in "${VM_ENV[@]}"; do CMDLINE+=" wgc.env=$e"; done
if [[ $MODE == shell && -t 0 ]]; then
	read -r rows cols < <(stty size 2>/dev/null) || true
	[[ -n ${rows:-} ]] && CMDLINE+=" wgc.rows=$rows wgc.cols=$cols"
	[[ ${TERM:-} =~ ^[A-Za-z0-9_.+-]+$ ]] && CMDLINE+=" wgc.term=$TERM"
fi
((GDB)) && CMDLINE+=" nokaslr"
[[ -n $APPEND ]] && CMDLINE+=" $APPEND"

QEMU=(qemu-system-x86_64 -nographic -no-reboot -nodefaults -no-user-config
	-m "$MEM" -smp 2 -nic none -kernel "$BOOT_IMG" -initrd "$INITRD" -append "$CMDLINE")
if [[ $ACCEL == kvm ]]; then
	QEMU+=(-enable-kvm -cpu host)
else
	QEMU+=(-cpu max)
fi
if ((GDB)); then
	# = -s -S, but the gdb stub listens on the loopback interface only
	QEMU+=(-gdb "tcp:127.0.0.1:$GDB_PORT" -S)
	echo "qemu/run.sh: QEMU waits for gdb on 127.0.0.1:$GDB_PORT (attach: make -C qemu gdb)" >&2
fi

LOG=""
case $MODE in
shell)
	QEMU+=(-serial mon:stdio)
	;;
*)
	# One log per run (runs in the same tree may overlap); build/qemu/console.log
	# (demo.log) points to the latest. The 20 newest of each mode are kept.
	case $MODE in test) name=console ;; *) name=$MODE ;; esac
	mkdir -p "$BUILD/logs"
	LOG=$BUILD/logs/$name-$(date +%Y%m%d-%H%M%S)-$$.log
	: >"$LOG"
	ln -sfn "logs/${LOG##*/}" "$BUILD/$name.log"
	logs=("$BUILD/logs/$name"-*.log) # named by time: oldest first
	for ((i = 0; i < ${#logs[@]} - 20; i++)); do rm -f "${logs[i]}" "${logs[i]}.txt"; done
	# stdin stays out of it (CI has none); the chardev also writes the log.
	QEMU+=(-chardev "stdio,id=con,logfile=$LOG,signal=on" -serial chardev:con -monitor none)
	;;
esac

hide_dmesg_dump() { sed -u '/=== dmesg begin ===/,/=== dmesg end ===/d'; }

echo "qemu/run.sh: booting $BOOT_IMG ($ACCEL), mode=$MODE${TESTS_ARG:+, tests=$TESTS_ARG}${IMPL:+, impl=$IMPL}${TIMEOUT:+, timeout ${TIMEOUT}s}" >&2
T0=${EPOCHREALTIME/./}
rc=0
if [[ $MODE == shell ]]; then
	if [[ -n $TIMEOUT ]]; then
		timeout --foreground -k 10 "$TIMEOUT" "${QEMU[@]}" || rc=$?
	else
		"${QEMU[@]}" || rc=$?
	fi
else
	# The closing dmesg dump is for the judge below, which reads it from the
	# log; on the terminal it would only bury the results.
	if [[ -n $TIMEOUT ]]; then
		timeout -k 10 "$TIMEOUT" "${QEMU[@]}" </dev/null | hide_dmesg_dump || rc=$?
	else
		"${QEMU[@]}" </dev/null | hide_dmesg_dump || rc=$?
	fi
fi
SECS=$(((${EPOCHREALTIME/./} - T0) / 1000))
SECS=$((SECS / 1000)).$(printf '%03d' $((SECS % 1000)))
if [[ $MODE == shell && -t 0 ]]; then stty sane 2>/dev/null || true; fi
echo
echo "qemu/run.sh: QEMU exited with status $rc after ${SECS}s" >&2

TIMED_OUT=0
((rc == 124 || rc == 137)) && [[ -n $TIMEOUT ]] && TIMED_OUT=1

[[ $MODE == shell ]] && exit "$rc"

# ---- judge the console output
CLEAN=$LOG.txt
tr -d '\r' <"$LOG" >"$CLEAN"

# Kernel splats, anywhere (the console and the dmesg dump at the end).
# Report formats only: boot banners such as "RCU lockdep checking is enabled"
# or "kmemleak: Kernel memory leak detector initialized" are not failures.
# The tests inside the VM judge a sub-case's own kernel log with the same
# pattern (lib.sh's assert_kmsg_clean).
SPLAT_RE=$(<"$REPO/selftests/kernel-splat.ere")
SPLATS=$(grep -a -n -E "$SPLAT_RE" "$CLEAN" | head -n 20 || true)

echo
echo "==== qemu/run.sh: result (console log: $LOG)"
BAD=0
if [[ -n $SPLATS ]]; then
	BAD=1
	echo "kernel log problems (console line: text):"
	while IFS= read -r line; do echo "  $line"; done <<<"$SPLATS"
fi
if ((TIMED_OUT)); then
	echo "the whole run exceeded its limit of ${TIMEOUT}s: QEMU was killed"
fi

if [[ $MODE == demo || $MODE == bench ]]; then
	status=$(sed -nE "s/^WGC-VM-EXIT: mode=$MODE status=([0-9]+).*/\\1/p" "$CLEAN" | tail -n1)
	if [[ -z $status ]]; then
		echo "FAIL: $MODE (no exit status from the VM: crash, hang or timeout)"
	elif [[ $status != 0 ]]; then
		echo "FAIL: $MODE ($MODE.sh exited with status $status)"
	elif ((BAD)); then
		echo "FAIL: $MODE (kernel log problems)"
	else
		echo "PASS: $MODE"
		exit 0
	fi
	exit 1
fi

# test mode
PASSED=0
FAILED=0
RESULT=$(grep -a -E '^VMRESULT: [0-9]+ passed, [0-9]+ failed' "$CLEAN" | tail -n1 || true)
if [[ -n $RESULT ]]; then
	read -r _ PASSED _ FAILED _ <<<"${RESULT//,/}"
	if ((FAILED)); then
		grep -a -E '^FAIL: ' "$CLEAN" || true
	fi
else
	# The VM died (or hung) on the way: each expected test counts, as passed,
	# failed, killed with the VM, or not run.
	echo "the VM did not finish the tests (no VMRESULT line): kernel crash, hang or timeout"
	expected=("${TEST_LIST[@]%.test.sh}")
	if ((${#expected[@]} == 0)); then
		for f in "$SELFTESTS"/*.test.sh; do
			[[ -e $f ]] || continue
			f=${f##*/}
			expected+=("${f%.test.sh}")
		done
	fi
	for t in "${expected[@]}"; do
		if grep -a -q -x -F "PASS: $t" "$CLEAN"; then
			PASSED=$((PASSED + 1))
			continue
		fi
		grep -a -q -F "SKIP: $t (" "$CLEAN" && continue
		FAILED=$((FAILED + 1))
		if grep -a -E "^FAIL: $t( |\$)" "$CLEAN"; then
			:
		elif grep -a -q -F "=== RUN: $t (" "$CLEAN"; then
			echo "FAIL: $t (the VM crashed, hung or timed out during this test)"
		else
			echo "FAIL: $t (not run: the VM died before)"
		fi
	done
	if ((${#expected[@]} == 0)); then
		echo "FAIL: vm (no result)"
		FAILED=$((FAILED + 1))
	fi
fi
if [[ -n $SPLATS ]]; then
	echo "FAIL: kernel-log (first: ${SPLATS%%$'\n'*})"
	FAILED=$((FAILED + 1))
fi
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
