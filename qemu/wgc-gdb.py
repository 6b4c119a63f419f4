# SPDX-License-Identifier: GPL-2.0
#
# GDB commands for debugging wgc in the test VM; qemu/gdb.sh loads this after
# the kernel's own scripts (vmlinux-gdb.py, the lx-* commands).

import os

import gdb


class WgcSymbols(gdb.Command):
    """Load wgc.ko's symbols, now and whenever modules load.

Usage: wgc-symbols [MODULE-DIR]

GDB attaches while the VM is still at its first instruction, before the
kernel has a module list that lx-symbols could read. This runs the kernel up
to its first module load (a hardware breakpoint: the kernel's text is not
mapped yet), then runs lx-symbols on MODULE-DIR (default: $WGC_KMOD_DIR,
the build/module/KERNELRELEASE-selftests directory qemu/gdb.sh names), which loads the symbols
of the modules loaded so far and keeps loading those of every module that
loads later. Breakpoints in the module may be set before it loads."""

    def __init__(self):
        super().__init__("wgc-symbols", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        module_dir = arg.strip() or os.environ.get("WGC_KMOD_DIR", "")
        if not module_dir:
            raise gdb.GdbError("wgc-symbols: no module directory given")
        if not self._kernel_has_modules():
            gdb.Breakpoint("do_init_module", type=gdb.BP_HARDWARE_BREAKPOINT,
                           internal=True, temporary=True)
            gdb.execute("continue", from_tty)
        gdb.execute("lx-symbols " + module_dir, from_tty)

    @staticmethod
    def _kernel_has_modules():
        try:
            head = gdb.parse_and_eval("modules")
            return int(head["next"]) != int(head.address)
        except gdb.error:
            return False


WgcSymbols()


class WgcDev(gdb.Function):
    """Return the struct wgc_device of a wgc net_device.

Usage: $wgc_dev(DEV), e.g. print *$wgc_dev(dev)

netdev_priv() is an inline function GDB cannot call: the private area sits
right after struct net_device, aligned to NETDEV_ALIGN (32) bytes."""

    NETDEV_ALIGN = 32

    def __init__(self):
        super().__init__("wgc_dev")

    def invoke(self, dev):
        net_device = gdb.lookup_type("struct net_device")
        offset = -(-net_device.sizeof // self.NETDEV_ALIGN) * self.NETDEV_ALIGN
        address = int(dev.cast(gdb.lookup_type("unsigned long"))) + offset
        wgc_device = gdb.lookup_type("struct wgc_device").pointer()
        return gdb.Value(address).cast(wgc_device)


WgcDev()
