#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The scripted GDB test: boots the debug kernel paused under QEMU's GDB stub
# with the gdb-target selftest, attaches GDB in batch mode, breaks in
# wgc_packet_xmit when the test's ping reaches it, checks that the backtrace names
# wgc's source file and line, and lets the VM finish its test. Prints KTAP,
# a result per check.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
logs=$REPO/build/check
mkdir -p "$logs"
vm_log=$logs/gdb-vm.log
gdb_log=$logs/gdb.log
# shellcheck source=../selftests/ktap.sh
source "$REPO/selftests/ktap.sh"

result() { # result NAME OK [detail]
	if [[ $2 == 0 ]]; then
		ktap_result "gdb/$1" ok
	else
		ktap_result "gdb/$1" fail "${3:-}"
	fi
}
ktap_begin 5

# A port of our own, so that a developer's session on 1234 is left alone.
port=$((20000 + RANDOM % 20000))
export WGC_GDB_PORT=$port

WGC_SKIP_DEPS=1 "$REPO/qemu/run.sh" --kernel debug --gdb --tests gdb-target \
	--timeout 1200 >"$vm_log" 2>&1 &
vm=$!

# Wait for the stub to listen. Not by connecting: QEMU resumes the guest
# when a GDB client disconnects.
for ((i = 0; i < 600; i++)); do
	ss -Hltn "sport = :$port" 2>/dev/null | grep -q . && break
	kill -0 "$vm" 2>/dev/null || break
	sleep 0.5
done

timeout 900 "$REPO/qemu/gdb.sh" -batch \
	-ex "wgc-symbols" \
	-ex "break wgc_packet_xmit" \
	-ex "continue" \
	-ex "bt" \
	-ex "print dev->name" \
	-ex 'print $wgc_dev(dev)->dev == dev' \
	-ex "delete" \
	-ex "continue" >"$gdb_log" 2>&1
wait "$vm"
vm_status=$?

grep -Eq '^(Thread [0-9]+ hit )?Breakpoint [0-9]+, wgc_packet_xmit ' "$gdb_log"
result breakpoint-hit $? "see $gdb_log"
grep -Eq '^#0 +wgc_packet_xmit \(.*\) at .*module/send\.c:[0-9]+' "$gdb_log"
result backtrace-source-line $? "see $gdb_log"
grep -Eq '^\$1 = "wg0' "$gdb_log"
result inspect-device $? "see $gdb_log"
grep -Eq '^\$2 = 1$' "$gdb_log"
result wgc-dev-helper $? "see $gdb_log"
[[ $vm_status == 0 ]] && grep -Eq '^[1-9][0-9]* passed, 0 failed$' "$vm_log"
result vm-resumed-and-passed $? "status $vm_status, see $vm_log"
ktap_end
