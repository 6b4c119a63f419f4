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
export WGC_KMOD_DIR=$REPO/build/kmod-debug

exec gdb -q -nx \
	-iex "add-auto-load-safe-path $dk" \
	-ex "set confirm off" \
	-ex "set breakpoint pending on" \
	-ex "file $dk/build/vmlinux" \
	-ex "directory $dk/src" \
	-ex "source $REPO/qemu/wgc-gdb.py" \
	-ex "target remote 127.0.0.1:${WGC_GDB_PORT:-1234}" \
	"$@"
