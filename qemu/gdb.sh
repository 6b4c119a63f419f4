#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# usage: qemu/gdb.sh [gdb options...]
#
# Attaches GDB to a VM waiting for it (make -C qemu gdb-vm, that is
# qemu/run.sh --kernel debug --gdb) with the debug kernel's vmlinux and the
# kernel's GDB scripts (the lx-* commands) loaded. Extra options are passed
# on, after the set-up, e.g. -ex 'break wgc_xmit'.
#
# wgc.ko's symbols: the VM is still at its first instruction when GDB
# attaches, before there is a module list to read. `wgc-symbols` (defined
# below) runs the kernel up to its first module load and then lx-symbols,
# which loads the symbols of every module as it loads from then on, wgc.ko
# from build/kmod-debug included.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
dk=$("$REPO/qemu/debug-kernel.sh")
port=${WGC_GDB_PORT:-1234}

exec gdb -q -nx \
	-ex "set confirm off" \
	-ex "set breakpoint pending on" \
	-ex "file $dk/build/vmlinux" \
	-ex "source $dk/build/vmlinux-gdb.py" \
	-ex "directory $dk/src" \
	-ex "define wgc-symbols
hbreak do_init_module
continue
delete
lx-symbols $REPO/build/kmod-debug
end" \
	-ex "document wgc-symbols
Run the kernel to its first module load, then load module symbols (wgc.ko's
included) with lx-symbols, now and whenever a module loads later.
end" \
	-ex "target remote 127.0.0.1:$port" \
	"$@"
