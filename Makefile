# SPDX-License-Identifier: GPL-2.0
#
#   make                 build wgc.ko (for Debian's test kernel) and wgctl
#   make KDIR=<tree>     build the module for another kernel tree
#   make check [T=name] [KERNEL="debian debug"]
#                        every test: build checks, unit tests, VM selftests on
#                        Debian's kernel and/or the debug (sanitizer) kernel
#   make demo            the main job: two NATed LANs and two workers joined
#                        through a relay, narrated, in the VM
#   make bench           throughput and latency: veth, wireguard.ko, wgc (VM)
#   make -C qemu shell   an interactive shell in the VM
#
# IMPL=wireguard (or WGC_TEST_IMPL=wireguard) runs the tunnel tests, the
# demo's network and the bench's wgc row on the kernel's wireguard.ko and
# wg(8) instead of wgc and wgctl: `make check T=tunnel IMPL=wireguard`.

KVER ?= $(shell scripts/kernel-version.sh)
KDIR ?= /lib/modules/$(KVER)/build
ifdef IMPL
export WGC_TEST_IMPL := $(IMPL)
endif

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

# the module as `make` builds it (no debug options), on Debian's kernel
bench: deps
	$(MAKE) all
	$(MAKE) -C selftests/tools
	WGC_SKIP_DEPS=1 qemu/run.sh --mode bench

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools/wgctl clean
	rm -rf build

.PHONY: all module wgctl deps check demo bench clean
