#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# usage: scripts/deps.sh [KERNEL...]
#
# Installs, only when missing, every Debian package that building wgc, its
# packages, the QEMU test VM and the selftests need, and the test kernels
# named (debian, always; debian-6.12: Debian 12's 6.12 kernel and its
# headers, for `make check KERNEL=debian-6.12`). Silent and fast (a single
# dpkg-query) when everything is present; `apt-get update` runs at most
# once, and only when something has to be installed.
#
# The kernels come as meta packages (linux-image-amd64,
# linux-image-6.12-amd64, and their headers): this also makes sure the
# concrete image of each meta package's version and the headers of that
# very same kernel release are installed.
set -euo pipefail

PKGS=(
	# test kernel and module build
	linux-image-amd64 linux-headers-amd64 gcc make kmod
	# checkpatch.pl for make check
	linux-source-6.1 perl
	# the debug kernel (qemu/debug-kernel.sh) and GDB
	linux-source-6.12 bc flex bison libelf-dev gdb
	# wgctl build
	libmnl-dev libsodium-dev pkg-config
	# the Debian packages (scripts/deb.sh) and their DKMS build
	dpkg-dev debhelper dh-dkms dkms lintian
	# selftests/tools: wgc-flood's BLAKE2s (OpenSSL 3's libcrypto)
	libssl-dev
	# scripts/ynl-check.sh: Linux 6.12's YNL generator (from linux-source-6.12)
	# runs on Debian's python3, validating the spec with jsonschema; the VM's
	# ynl CLI needs python3-yaml too
	python3 python3-yaml python3-jsonschema
	# wgctl's unit tests check --openmetrics with the Prometheus client
	# library's OpenMetrics parser
	python3-prometheus-client
	# tools/wgctl/fuzz: clang, and libFuzzer's runtime (libclang_rt.fuzzer,
	# with the sanitizers', is in libclang-rt-14-dev, not libfuzzer-14-dev)
	clang-14 libclang-rt-14-dev
	# VM and initramfs
	qemu-system-x86 busybox-static bash cpio gzip coreutils grep sed findutils
	util-linux procps libc-bin ncurses-base xz-utils binutils
	# tools used by the selftests inside the VM
	iproute2 iperf3 iputils-ping ncat nftables iptables wireguard-tools tcpdump
	ethtool strace jq
	# Wireshark's tshark, in the image of the run on Debian's 6.12 kernel only
	tshark
)

# linux-image-amd64 is Debian's test kernel; each KERNEL named adds its own.
METAS=(linux-image-amd64)
for k in "$@"; do
	case $k in
	debian | debug) ;;
	debian-6.12)
		PKGS+=(linux-image-6.12-amd64 linux-headers-6.12-amd64)
		METAS+=(linux-image-6.12-amd64)
		;;
	*) echo "deps.sh: unknown kernel '$k' (debian, debug or debian-6.12)" >&2; exit 1 ;;
	esac
done

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
	SUDO=(sudo)
fi

MISSING=()

# check: fills MISSING with what is not installed. One dpkg-query call.
check() {
	local -A inst=() dep=()
	local pkg st deps line
	MISSING=()
	while IFS=$'\t' read -r pkg st deps; do
		# db:Status-Abbrev: 2nd char 'i' = installed, 3rd char ' ' = no error.
		if [[ $st == ?i\ * || $st == ?i ]]; then
			inst[$pkg]=1
			dep[$pkg]=$deps
		fi
	done < <(dpkg-query -W -f='${Package}\t${db:Status-Abbrev}\t${Depends}\n' \
		"${PKGS[@]}" 'linux-image-[0-9]*' 'linux-headers-[0-9]*' 2>/dev/null || true)

	for pkg in "${PKGS[@]}"; do
		[[ -n ${inst[$pkg]:-} ]] || MISSING+=("$pkg")
	done

	# Concrete kernel image + headers of the same release, for each meta.
	local meta kver
	for meta in "${METAS[@]}"; do
		[[ -n ${inst[$meta]:-} ]] || continue
		line=$(printf '%s\n' "${dep[$meta]//[,|]/$'\n'}" |
			sed -nE 's/^[[:space:]]*linux-image-([0-9][^[:space:]]*)([[:space:]].*)?$/\1/p' |
			head -n1)
		kver=${line%-unsigned}
		if [[ -z $kver ]]; then
			echo "deps.sh: cannot parse the dependencies of $meta: ${dep[$meta]}" >&2
			exit 1
		fi
		if [[ -z ${inst[linux-image-$kver]:-} && -z ${inst[linux-image-$kver-unsigned]:-} ]]; then
			MISSING+=("linux-image-$kver")
		fi
		[[ -n ${inst[linux-headers-$kver]:-} ]] || MISSING+=("linux-headers-$kver")
	done
}

apt_install() {
	echo "deps.sh: installing: $*" >&2
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "$@" >&2
}

check
((${#MISSING[@]})) || exit 0

echo "deps.sh: missing packages: ${MISSING[*]}" >&2
"${SUDO[@]}" apt-get update -qq >&2
apt_install "${MISSING[@]}"

# A second round covers what only the first one revealed (e.g. the concrete
# headers matching a freshly installed linux-image-amd64).
check
if ((${#MISSING[@]})); then
	apt_install "${MISSING[@]}"
	check
fi
if ((${#MISSING[@]})); then
	echo "deps.sh: still missing after apt-get install: ${MISSING[*]}" >&2
	exit 1
fi
echo "deps.sh: all dependencies installed" >&2
