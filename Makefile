# SPDX-License-Identifier: GPL-2.0
#
#   make                 build wgc.ko (for Debian's test kernel) and wgctl
#   make KDIR=<tree>     build the module for another kernel tree
#   make check [T=name] [KERNEL="debian debug"]
#                        every test: build checks, unit tests, VM selftests on
#                        Debian's kernel and/or the debug (sanitizer) kernel
#   make demo            the main job: a wgc demo in the VM
#   make -C qemu shell   an interactive shell in the VM

KVER ?= $(shell scripts/kernel-version.sh)
KDIR ?= /lib/modules/$(KVER)/build

all: module wgctl

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

wgctl:
	$(MAKE) -C tools/wgctl

deps:
	scripts/deps.sh

check:
	KERNEL="$(KERNEL)" scripts/check.sh $(T)

demo: deps
	$(MAKE) all
	qemu/run.sh --mode demo

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools/wgctl clean
	rm -rf build

.PHONY: all module wgctl deps check demo clean
