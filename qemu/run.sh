#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boots the wgc test VM (QEMU, Debian's kernel, an initramfs with wgc.ko,
# wgctl and the selftests) and, in test mode, judges the run.
#
# usage: qemu/run.sh [--mode test|demo|bench|shell] [--tests "a b"]
#                    [--kernel VERSION_OR_PATH] [--timeout SECONDS]
#                    [--test-timeout SECONDS] [--append "KERNEL ARGS"] [--gdb]
#                    [--env NAME=VALUE]...
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
#                   $WGC_MODROOT/lib/modules/), or "debug": the sanitizer kernel
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
#   --gdb           QEMU waits for gdb on 127.0.0.1:$WGC_GDB_PORT (like
#                   -s -S), kernel gets nokaslr; no whole-run timeout unless
#                   --timeout
#   --env           exports NAME=VALUE to the VM's test, demo or bench run
#                   (kernel command line wgc.env=NAME=VALUE, read by
#                   qemu/init); VALUE without blanks. Repeatable
#
# The module: the one `make check` tests, built for the VM's kernel with its
# self-tests (make module-selftests: build/module/KERNELRELEASE-selftests/)
# in test mode and with --gdb, the one `make` builds
# (build/module/KERNELRELEASE/) otherwise. Nothing is built here: a missing
# module is an error that says how to build it.
#
# Environment: every knob of the harness, in one place (`make` passes its
# command line's on: `make check T=tunnel IMPL=wireguard`).
#   IMPL=wgc|wireguard   what the tunnel tests, the demo's network and the
#                        bench's "wgc" row run on: wgc (the default) or the
#                        kernel's wireguard.ko and wg(8), to prove a test
#                        right before wgc can pass it; passed to the VM
#   WGC_KO=PATH          the module (default: as said above)
#   WGC_WGCTL=PATH       wgctl (default build/wgctl/wgctl; wgctl-quick is
#                        taken from beside it, else tools/wgctl/)
#   WGC_ALLOW_MISSING=1  boot without wgc.ko and wgctl (the default with
#                        IMPL=wireguard)
#   WGC_MODROOT=DIR      where a --kernel image's lib/modules/KVER is
#                        (default /)
#   WGC_PKGROOT=DIR      the Debian packages' files, /pkgroot in the VM
#                        (selftests/packages.test.sh installs them)
#   WGC_SELFTESTS=DIR    the selftests (default selftests/)
#   WGC_TEST_BIN=DIR     their helper programs (default build/selftests/bin)
#   WGC_SKIP_DEPS=1      do not run scripts/deps.sh first
#   WGC_NO_KVM=1         emulate (TCG) even where /dev/kvm works
#   WGC_VM_MEM=SIZE      the VM's memory (default 1G; 2G on the debug kernel)
#   WGC_GDB_PORT=PORT    the GDB stub's port (default 1234)
#   WGC_CACHE_DIR=DIR    where qemu/debug-kernel.sh keeps the debug kernel
#                        (default ~/.cache/wgc)
#   WGC_BENCH_*          make bench's settings (bench/bench.sh); passed to
#                        the VM
# The VM also tells its tests what they may need to know of the kernel:
# WGC_SANITIZERS, the sanitizers in its configuration (kasan, kmemleak,
# lockdep, ubsan; empty for none).
#
# Test, demo and bench modes print KTAP (selftests/ktap.sh): a document of
# two results, the VM's own (its console, also saved to
# build/qemu/console.log, nested in it: its selftests, demo or bench) and
# the kernel log's (no oops, WARN, KASAN, lockdep, leak... report anywhere
# in the console); then the Totals and "N passed, N failed" (sub-cases and
# tests without any). Exit status 0 only if all passed.
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
IMPL=${IMPL:-}
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
# shellcheck source=../selftests/ktap.sh
source "$REPO/selftests/ktap.sh"
# what the VM's own result is called in this run's
if [[ $MODE == test ]]; then VM_RESULT=selftests; else VM_RESULT=$MODE; fi
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
	WGC_ALLOW_MISSING=${WGC_ALLOW_MISSING:-1}
	;;
*) die "IMPL must be wgc or wireguard (got '$IMPL')" ;;
esac
[[ -n $IMPL ]] && VM_ENV=("IMPL=$IMPL" "${VM_ENV[@]}")
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
	WGC_MODROOT=$dk/modroot
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

# The sanitizers of the kernel, from its configuration (a kernel tree's
# .config next to its image, else /boot/config-KVER), for the tests, which
# move less data under them: WGC_SANITIZERS in the VM, a comma-separated
# list of kasan, kmemleak, lockdep and ubsan, empty for none.
KCONFIG=$(dirname "$KIMG")/.config
[[ -r $KCONFIG ]] || KCONFIG=/boot/config-$KVER
SANITIZERS=""
if [[ -r $KCONFIG ]]; then
	while IFS='=' read -r opt val; do
		case $opt in
		CONFIG_KASAN) s=kasan ;;
		CONFIG_DEBUG_KMEMLEAK) s=kmemleak ;;
		CONFIG_PROVE_LOCKING) s=lockdep ;;
		CONFIG_UBSAN) s=ubsan ;;
		*) continue ;;
		esac
		[[ $val == y ]] && SANITIZERS+=${SANITIZERS:+,}$s
	done <"$KCONFIG"
else
	echo "qemu/run.sh: note: no configuration of $KVER found: the tests are told it has no sanitizers" >&2
fi
VM_ENV+=("WGC_SANITIZERS=$SANITIZERS")

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
fi

# ---- initramfs
MKINITRAMFS=("$QEMU_DIR/mkinitramfs.sh" --kver "$KVER" --modroot "${WGC_MODROOT:-/}"
	--module "$WGC_KO" --selftests "$SELFTESTS")
[[ -z ${WGC_WGCTL:-} ]] || MKINITRAMFS+=(--wgctl "$WGC_WGCTL")
[[ -z ${WGC_TEST_BIN:-} ]] || MKINITRAMFS+=(--test-bin "$WGC_TEST_BIN")
[[ -z ${WGC_PKGROOT:-} ]] || MKINITRAMFS+=(--pkgroot "$WGC_PKGROOT")
[[ ${WGC_ALLOW_MISSING:-0} != 1 ]] || MKINITRAMFS+=(--allow-missing)
INITRD=$("${MKINITRAMFS[@]}") || die "building the initramfs failed"
BUILD=$(dirname "$INITRD")

# ---- PVH boot
# QEMU boots an uncompressed ELF vmlinux directly through PVH when the kernel
# has CONFIG_PVH (Debian's has): no firmware loading a bzImage in real mode,
# no decompressor. Under TCG that saves ~4 s per boot. The vmlinux is pulled
# out of the bzImage once and cached.
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
if command -v readelf >/dev/null; then
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
# KVM's CPU model. Without arch-capabilities: nested under some hypervisors
# (an AMD EPYC host, seen here) KVM refuses that MSR and QEMU aborts.
KVM_CPU=host,-arch-capabilities

# /dev/kvm can open and still not run a guest: nested under some
# hypervisors the guest hangs before its first line (seen here). So the
# kernel is booted once without an initramfs, to see it print; the answer
# holds until the host reboots (build/qemu/kvm-probe).
kvm_runs_guests() {
	local probe=$BUILD/kvm-probe boot_id answer=no
	boot_id=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)
	if [[ -f $probe && $(head -n 1 "$probe") == "$boot_id" ]]; then
		[[ $(sed -n 2p "$probe") == yes ]]
		return
	fi
	if timeout -k 5 20 qemu-system-x86_64 -enable-kvm -cpu "$KVM_CPU" \
		-nographic -no-reboot -nodefaults -no-user-config -m 256 \
		-serial stdio -kernel "$BOOT_IMG" -append "console=ttyS0 panic=-1" \
		</dev/null 2>/dev/null | grep -a -q -m 1 'Linux version'; then
		answer=yes
	else
		echo "qemu/run.sh: note: /dev/kvm opens, but a guest does not boot under KVM here: emulating (TCG)" >&2
	fi
	printf '%s\n%s\n' "$boot_id" "$answer" >"$probe"
	[[ $answer == yes ]]
}

if [[ ${WGC_NO_KVM:-0} != 1 && -e /dev/kvm ]] && (exec 3<>/dev/kvm) 2>/dev/null &&
	kvm_runs_guests; then
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
	QEMU+=(-enable-kvm -cpu "$KVM_CPU")
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
	for ((i = 0; i < ${#logs[@]} - 20; i++)); do
		rm -rf "${logs[i]}" "${logs[i]}.txt" "${logs[i]%.log}.files"
	done
	# stdin stays out of it (CI has none); the chardev also writes the log.
	QEMU+=(-chardev "stdio,id=con,logfile=$LOG,signal=on" -serial chardev:con -monitor none)
	;;
esac

# The console, nested in this run's KTAP document, without the closing
# dmesg dump: it is for the judge below, which reads it from the log; on the
# terminal it would only bury the results. Nor the files the VM hands over
# (bench.sh's vm_export: a line of base64 after a marker), which are written
# out below.
console() {
	sed -u -e '/=== dmesg begin ===/,/=== dmesg end ===/d' -e 's/^/  /' \
		-e '/^ *=== wgc-vm file: /{n;/^ *[A-Za-z0-9+\/=]*\r\?$/d;s/^/  /}'
}

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
	ktap_begin 2
	if [[ -n $TIMEOUT ]]; then
		timeout -k 10 "$TIMEOUT" "${QEMU[@]}" </dev/null | console || rc=$?
	else
		"${QEMU[@]}" </dev/null | console || rc=$?
	fi
fi
SECS=$(((${EPOCHREALTIME/./} - T0) / 1000))
SECS=$((SECS / 1000)).$(printf '%03d' $((SECS % 1000)))
if [[ $MODE == shell && -t 0 ]]; then stty sane 2>/dev/null || true; fi
echo "# QEMU exited with status $rc after ${SECS}s"

TIMED_OUT=0
((rc == 124 || rc == 137)) && [[ -n $TIMEOUT ]] && TIMED_OUT=1

[[ $MODE == shell ]] && exit "$rc"

# ---- judge the console output
CLEAN=$LOG.txt
tr -d '\r' <"$LOG" >"$CLEAN"

# What the VM handed over (bench.sh's vm_export), next to the log, and
# then out of the text judged below. A file that did not arrive whole is
# named in the output; the run's verdict is its tests' and its kernel's.
"$REPO/qemu/vm-files.sh" "$CLEAN" "${LOG%.log}.files" || true

# Kernel splats, anywhere (the console and the dmesg dump at the end).
# Report formats only: boot banners such as "RCU lockdep checking is enabled"
# or "kmemleak: Kernel memory leak detector initialized" are not failures.
# The tests inside the VM judge a sub-case's own kernel log with the same
# pattern (lib.sh's assert_kmsg_clean).
SPLAT_RE=$(<"$REPO/selftests/kernel-splat.ere")
SPLATS=$(grep -a -n -E "$SPLAT_RE" "$CLEAN" | head -n 20 || true)

# The run's KTAP document: the VM's own (its console, nested), then the
# kernel log's verdict.
echo "# console log: $LOG"
if [[ -n $SPLATS ]]; then
	echo "# kernel log problems (console line: text):"
	while IFS= read -r line; do echo "#   $line"; done <<<"$SPLATS"
fi
if ((TIMED_OUT)); then
	echo "# the whole run exceeded its limit of ${TIMEOUT}s: QEMU was killed"
fi

# The VM's result: its Totals; without them, it died (or hung) on the way,
# in the test it had started last, if any.
vm_result() {
	local totals last

	totals=$(ktap_totals "$CLEAN")
	if [[ -z $totals ]]; then
		last=$(grep -a -o -E '^# === RUN: [^ ]+' "$CLEAN" | tail -n 1 || true)
		ktap_result "$VM_RESULT" fail \
			"the VM did not finish: kernel crash, hang or timeout${last:+, in ${last#\# === RUN: }}"
		return
	fi
	grep -a -E '^not ok [0-9]+ ' "$CLEAN" | sed 's/^/# /' || true
	if [[ $totals == *" fail:0 "* ]]; then
		ktap_parent "$VM_RESULT" ok "$totals"
	else
		ktap_parent "$VM_RESULT" fail "$totals"
	fi
}

vm_result
if [[ -n $SPLATS ]]; then
	ktap_result kernel-log fail "first: ${SPLATS%%$'\n'*}"
else
	ktap_result kernel-log ok
fi
status=0
ktap_end || status=1
ktap_summary
exit $status
