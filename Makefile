# SPDX-License-Identifier: GPL-2.0
#
#   make                 build wgc.ko (into build/module/KERNELRELEASE/) and
#                        wgctl (into build/wgctl/)
#   make module-selftests
#                        wgc.ko with its self-tests, which run at every load
#                        (WGC_DEBUG=y), into build/module/KERNELRELEASE-selftests/:
#                        the module the VM tests
#   make install         install them: the module into
#                        /lib/modules/KERNELRELEASE/updates (then depmod),
#                        wgctl, wgctl-quick, man pages, bash completion,
#                        systemd units, /etc/wgc (DESTDIR, PREFIX: see
#                        tools/wgctl/Makefile)
#   make uninstall       remove what install placed (/etc/wgc only if empty)
#   make dkms-install    the module's source into /usr/src/wgc-VERSION and
#                        DKMS, which builds it for every installed kernel
#                        with headers, and for each one installed later
#   make dkms-uninstall  take it out of DKMS and /usr/src again
#   make check [T=name] [KERNEL="debian debug debian-6.12"]
#                        every test: build checks, packages, unit tests, VM
#                        selftests on Debian's kernel, the debug (sanitizer)
#                        kernel and/or Debian's 6.12 kernel
#   make deb             the Debian packages wgc-dkms and wgctl, in build/deb
#   make demo            the main job: two NATed LANs and two workers joined
#                        through a relay, narrated, in the VM
#   make bench           throughput and latency: veth, wireguard.ko, wgc (VM)
#   make -C qemu shell   an interactive shell in the VM
#
# Nothing is built in the source tree: everything goes into build/.
# The module is built for KERNELRELEASE (default: the running kernel), from
# KDIR (default: /lib/modules/KERNELRELEASE/build). When the running kernel
# has no headers (the build box), plain `make` builds for the test VM's
# kernel, Debian's linux-image-amd64, and says so.
#
# IMPL=wireguard runs the tunnel tests, the
# demo's network and the bench's wgc row on the kernel's wireguard.ko and
# wg(8) instead of wgc and wgctl: `make check T=tunnel IMPL=wireguard`.

VERSION := $(shell cat VERSION)

ifeq ($(origin KDIR)$(origin KERNELRELEASE),undefinedundefined)
running_kernel := $(shell uname -r)
KERNELRELEASE := $(running_kernel)
ifeq ($(wildcard /lib/modules/$(running_kernel)/build/Makefile),)
test_kernel := $(shell scripts/kernel-version.sh 2>/dev/null)
ifneq ($(test_kernel),)
kernel_note = $(info note: no headers for the running kernel $(running_kernel) \
	(apt install linux-headers-$(running_kernel)); wgc.ko is for the test \
	VM's kernel $(test_kernel))
KERNELRELEASE := $(test_kernel)
endif
endif
endif
ifdef KDIR
KERNELRELEASE ?= $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
else
KDIR := /lib/modules/$(KERNELRELEASE)/build
endif
# Said only by the targets that need the kernel's headers.
need_kdir = $(kernel_note)$(if $(wildcard $(KDIR)/Makefile),,$(error no kernel \
	headers in $(KDIR): install linux-headers-$(KERNELRELEASE), or name a \
	kernel tree with KDIR=))

all: module wgctl

# The module is built in a mirror of its sources in build/module/, one
# directory per kernel and kind, so that builds for several kernels (and
# with or without self-tests) keep their own objects.
MODULE_OUT := build/module/$(KERNELRELEASE)
build_module = scripts/build-module.sh $(KDIR) $(1)

module:
	$(need_kdir)
	+$(call build_module,$(MODULE_OUT))

module-selftests:
	$(need_kdir)
	+$(call build_module,$(MODULE_OUT)-selftests) WGC_DEBUG=y

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

# the kernel release the module is built for
kernelrelease:
	@echo $(KERNELRELEASE)

# ---- installing
MODULE_DIR = $(DESTDIR)/lib/modules/$(KERNELRELEASE)/updates
# depmod only for the running system: a package or an image runs its own.
depmod = $(if $(DESTDIR),,depmod -a $(KERNELRELEASE))

install: install-module install-tools

# Not kbuild's modules_install: on a distribution's headers it tries to sign
# with the distribution's key, which is not there, and cannot run depmod.
install-module: module
	install -D -m 0644 $(MODULE_OUT)/wgc.ko $(MODULE_DIR)/wgc.ko
	$(depmod)

install-tools: wgctl
	$(MAKE) -C tools/wgctl install

uninstall:
	$(need_kdir)
	rm -f $(MODULE_DIR)/wgc.ko $(MODULE_DIR)/wgc.ko.*
	$(depmod)
	$(MAKE) -C tools/wgctl uninstall

# What DKMS builds from: the module's sources and this version.
DKMS_DIR = $(DESTDIR)/usr/src/wgc-$(VERSION)
DKMS_FILES := VERSION Kbuild $(wildcard module/*.[ch] include/uapi/linux/*.h)

dkms-source:
	rm -rf $(DKMS_DIR)
	for f in $(DKMS_FILES); do install -D -m 0644 $$f $(DKMS_DIR)/$$f || exit; done
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf > $(DKMS_DIR)/dkms.conf

# Into the running system: DKMS builds for every kernel with headers.
dkms-install: dkms-source
	$(if $(DESTDIR),$(error dkms-install works on the running system: without DESTDIR))
	dkms add -m wgc -v $(VERSION)
	@# 77: a kernel outside dkms.conf's BUILD_EXCLUSIVE_KERNEL (DKMS says so)
	for k in $(notdir $(patsubst %/build/,%,$(wildcard /lib/modules/*/build/))); do \
		dkms install -m wgc -v $(VERSION) -k $$k; \
		s=$$?; [ $$s -eq 0 ] || [ $$s -eq 77 ] || exit $$s; \
	done

dkms-uninstall:
	-dkms remove -m wgc -v $(VERSION) --all
	rm -rf $(DKMS_DIR)

# ---- Debian packages (scripts/deb.sh: in build/deb, from the files git
# tracks, so that a dirty tree cannot leak into them)
deb:
	scripts/deb.sh

clean:
	rm -rf build

.PHONY: all module module-selftests wgctl deps check demo bench clean install install-module \
	install-tools uninstall dkms-source dkms-install dkms-uninstall deb \
	kernelrelease
