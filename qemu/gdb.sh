#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# usage: qemu/gdb.sh [gdb options...]
#
# Attaches GDB to a VM waiting for it (make -C qemu gdb-vm, that is
# qemu/run.sh --kernel debug --gdb) with the debug kernel's vmlinux, its
# sources, the kernel's GDB scripts (the lx-* commands) and wgc's own
# (qemu/wgc-gdb.py: wgc-symbols loads wgc.ko's symbols). Extra options are
# passed on after the set-up, e.g. -ex 'break wgc_xmit'.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
dk=$("$REPO/qemu/debug-kernel.sh")
port=${WGC_GDB_PORT:-1234}
# the module the VM waiting for GDB loads (qemu/run.sh --gdb)
WGC_KMOD_DIR=$REPO/build/module/$(<"$dk/kernelrelease")-selftests
export WGC_KMOD_DIR

# Started beside `make -C qemu gdb-vm`, this may come first: wait for the
# stub to listen (up to 10 minutes: the VM's image may be building). Not
# by connecting to it: QEMU resumes the guest when a GDB client leaves.
listening() { ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; }
if ! listening; then
	echo "gdb.sh: waiting for the VM's GDB stub on 127.0.0.1:$port (make -C qemu gdb-vm)..." >&2
	for ((i = 0; i < 1200; i++)); do
		listening && break
		sleep 0.5
	done
	listening || { echo "gdb.sh: no GDB stub on 127.0.0.1:$port after 10 minutes" >&2; exit 1; }
fi

exec gdb -q -nx \
	-iex "add-auto-load-safe-path $dk" \
	-ex "set confirm off" \
	-ex "set breakpoint pending on" \
	-ex "file $dk/build/vmlinux" \
	-ex "directory $dk/src" \
	-ex "source $REPO/qemu/wgc-gdb.py" \
	-ex "target remote 127.0.0.1:$port" \
	"$@"
