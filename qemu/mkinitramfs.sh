#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds the gzip'd cpio initramfs of the wgc test VM and prints its path.
#
# usage: qemu/mkinitramfs.sh [OPTION...]
#
# qemu/run.sh runs it, with the options its environment asks for (see
# qemu/run.sh --help); it reads no environment of its own.
#   --kver KVER        kernel release        (default scripts/kernel-version.sh)
#   --modroot DIR      root holding lib/modules/KVER (default /)
#   --module PATH      wgc.ko                (required, unless --allow-missing)
#   --wgctl PATH       wgctl binary          (default <repo>/build/wgctl/wgctl;
#                      wgctl-quick is taken from beside it, else the tree's)
#   --selftests DIR    selftests directory   (default <repo>/selftests)
#   --test-bin DIR     the tests' helper programs, /selftests/bin in the image
#                      (default <repo>/build/selftests/bin)
#   --pkgroot DIR      a tree copied to /pkgroot in the image: the files of
#                      the Debian packages (scripts/package-test.sh), which
#                      selftests/packages.test.sh installs; with it, the
#                      image has tshark too (Wireshark: 150 MB of libraries)
#   --allow-missing    build even if wgc.ko or wgctl do not exist (yet)
#   --force            build both archives anew
# The image goes into build/qemu/.
#
# The image is two gzip'd cpio archives, concatenated (the kernel unpacks them
# in turn): a base (busybox, real tools and their libraries, kernel modules,
# /etc), rebuilt only when the installed packages or this script change, and
# an overlay (/init, wgc.ko with the depmod output, wgctl and wgctl-quick,
# the selftests, /demo/demo.sh, /bench/bench.sh, the YNL spec of the family),
# rebuilt when one of those changes. Each is checked with a cheap stamp of
# names, sizes and mtimes; when nothing changed this just prints the path.
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
QEMU_DIR=$(dirname "$SELF")
REPO=$(dirname "$QEMU_DIR")

OUT=$REPO/build/qemu
KVER=""
MODROOT=/
KO=""
WGCTL=$REPO/build/wgctl/wgctl
SELFTESTS=$REPO/selftests
TEST_BIN=$REPO/build/selftests/bin
DEMO=$REPO/demo/demo.sh
BENCH=$REPO/bench/bench.sh
ALLOW_MISSING=0
PKGROOT=""
FORCE=0
# where the base image's copies of the kernel's WireGuard selftest and of its
# ynl CLI (tools/net/ynl/cli.py and the library it runs on) come from
REFERENCE_TARBALL=/usr/src/linux-source-6.12.tar.xz
REFERENCE_NETNS=linux-source-6.12/tools/testing/selftests/wireguard/netns.sh
REFERENCE_YNL=linux-source-6.12/tools/net/ynl
REFERENCE_YNL_FILES=(cli.py lib/__init__.py lib/nlspec.py lib/ynl.py)
# the family's YNL spec, which the ynl CLI reads (overlay: repository content)
SPEC=$REPO/Documentation/netlink/specs/wgc.yaml

die() {
	printf 'mkinitramfs: error: %s\n' "$*" >&2
	exit 1
}
note() { printf 'mkinitramfs: %s\n' "$*" >&2; }

while (($#)); do
	case $1 in
	--kver) KVER=$2; shift 2 ;;
	--modroot) MODROOT=$2; shift 2 ;;
	--module) KO=$2; shift 2 ;;
	--wgctl) WGCTL=$2; shift 2 ;;
	--selftests) SELFTESTS=$2; shift 2 ;;
	--test-bin) TEST_BIN=$2; shift 2 ;;
	--pkgroot) PKGROOT=$2; shift 2 ;;
	--allow-missing) ALLOW_MISSING=1; shift ;;
	--force) FORCE=1; shift ;;
	-h | --help) sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$SELF"; exit 0 ;;
	*) die "unknown argument: $1 (see --help)" ;;
	esac
done

[[ -n $KVER ]] || KVER=$("$REPO/scripts/kernel-version.sh")
# a packaged wgctl has its wgctl-quick next to it; a built one is in the tree
WGCTL_QUICK=$(dirname "$WGCTL")/wgctl-quick
[[ -f $WGCTL_QUICK ]] || WGCTL_QUICK=$REPO/tools/wgctl/wgctl-quick
MODDIR=${MODROOT%/}/lib/modules/$KVER
[[ -d $MODDIR ]] || die "kernel modules directory $MODDIR does not exist"
[[ -f $MODDIR/modules.dep ]] || die "$MODDIR/modules.dep is missing (run depmod $KVER)"
[[ -d $SELFTESTS ]] || die "selftests directory $SELFTESTS does not exist"

for f in KO WGCTL; do
	if [[ ! -f ${!f} ]]; then
		if [[ $ALLOW_MISSING == 1 ]]; then
			note "warning: ${!f} does not exist; building without it (--allow-missing)"
		elif [[ $f == KO ]]; then
			die "${KO:-no wgc.ko given (--module)}${KO:+ does not exist}: build the module first (make), or use --allow-missing"
		else
			die "$WGCTL does not exist: build wgctl first (make), or use --allow-missing"
		fi
	fi
done
if [[ -f $KO ]]; then
	vermagic=$(modinfo -F vermagic "$KO") || die "modinfo cannot read $KO"
	[[ ${vermagic%% *} == "$KVER" ]] ||
		die "$KO was built for kernel '${vermagic%% *}', but the VM runs $KVER: rebuild it against /lib/modules/$KVER/build"
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
IMG=$OUT/initramfs-$KVER.cpio.gz
STAMP=$OUT/initramfs-$KVER.stamp
BASE_IMG=$OUT/base-$KVER.cpio.gz
BASE_STAMP=$OUT/base-$KVER.stamp
BASE=$OUT/base-root-$KVER # staging tree of the base (kept: depmod runs on it)
OVL=$OUT/overlay-root

exec 9>"$OUT/.initramfs.lock"
flock 9

# ---------------------------------------------------------------- stamps
stamp_of() { # stamp_of LABEL FILE...: names, sizes, mtimes (missing ones too)
	local f present=()
	printf '%s\n' "$1"
	shift
	for f in "$@"; do
		if [[ -e $f ]]; then present+=("$f"); else printf '%s missing\n' "$f"; fi
	done
	((${#present[@]} == 0)) || stat -L -c '%n %s %.9Y' -- "${present[@]}"
}
BASE_NEW=$(stamp_of "kver=$KVER modroot=$MODROOT" \
	"$SELF" /var/lib/dpkg/status "$MODDIR/modules.dep")
shopt -s nullglob
OVL_INPUTS=("$QEMU_DIR/init" "$KO" "$WGCTL" "$WGCTL_QUICK" "$SPEC" "$SELFTESTS"/*.sh "$SELFTESTS"/*.ere
	"$DEMO" "$BENCH" "$REPO"/Documentation/site-to-site/*.conf
	"$REPO"/Documentation/site-to-site/quick/*/*.conf)
[[ -d $TEST_BIN ]] && OVL_INPUTS+=("$TEST_BIN"/*)
shopt -u nullglob
if [[ -n $PKGROOT ]]; then
	[[ -d $PKGROOT ]] || die "--pkgroot $PKGROOT is not a directory"
	PKGROOT=$(cd "$PKGROOT" && pwd)
	mapfile -t pkg_files < <(find "$PKGROOT" ! -type d | sort)
	OVL_INPUTS+=("${pkg_files[@]}")
fi
ALL_NEW=$(
	printf '%s\n' "$BASE_NEW"
	stamp_of "allow_missing=$ALLOW_MISSING pkgroot=$PKGROOT" "${OVL_INPUTS[@]}"
)
if ((!FORCE)) && [[ -f $IMG && -f $STAMP ]] && [[ $(<"$STAMP") == "$ALL_NEW" ]]; then
	printf '%s\n' "$IMG"
	exit 0
fi
T0=${EPOCHREALTIME/./}

# ---------------------------------------------------------------- helpers
# The image has a merged /usr like Debian 12: /bin /sbin /lib /lib64 are
# symlinks into /usr. Few forks on purpose: files are copied with one
# `cp --parents`, and symlinks (busybox applets, sonames, kmod's names) are
# written as entries of a hand-made cpio archive appended to the one cpio
# writes from the staging tree, as are the device nodes needed before
# devtmpfs is mounted (so no mknod, no root needed).
declare -A HAVE=()    # image paths already provided (files or symlinks)
declare -A BINNAME=() # names present in /usr/bin or /usr/sbin
FILES=()              # host files to copy to the same path in the image
SYMLINKS=()           # pairs: image path, symlink target

canon() { # canon VAR PATH: the path inside the image (merged /usr)
	local p=$2
	case $p in
	/bin/* | /sbin/* | /lib/* | /lib64/*) p=/usr$p ;;
	esac
	printf -v "$1" '%s' "$p"
}

note_binname() {
	case $1 in
	/usr/bin/* | /usr/sbin/*) BINNAME[${1##*/}]=1 ;;
	esac
}

add_symlink() { # add_symlink IMAGE_PATH TARGET
	[[ -n ${HAVE[$1]:-} ]] && return 0
	HAVE[$1]=1
	SYMLINKS+=("$1" "$2")
	note_binname "$1"
}

# add_resolved PATH REAL: the host file REAL, reachable in the image as PATH
# too. With SKIP_IN set, what that tree already has is left out (overlay).
add_resolved() {
	local c_path c_real
	canon c_real "$2"
	canon c_path "$1"
	if [[ -n ${SKIP_IN:-} && (-e $SKIP_IN$c_path || -L $SKIP_IN$c_path) ]]; then
		return 0
	fi
	if [[ -z ${HAVE[$c_real]:-} ]] && [[ -z ${SKIP_IN:-} || ! -e $SKIP_IN$c_real ]]; then
		HAVE[$c_real]=1
		FILES+=("$2")
		note_binname "$c_real"
	fi
	[[ $c_path == "$c_real" ]] || add_symlink "$c_path" "$c_real"
}

find_bin() { # find_bin VAR NAME
	local d
	for d in /usr/sbin /usr/bin /sbin /bin; do
		if [[ -x $d/$2 && ! -d $d/$2 ]]; then
			printf -v "$1" '%s' "$d/$2"
			return 0
		fi
	done
	return 1
}

# add_with_libs PATH...: the files and the libraries ldd finds for them.
add_with_libs() {
	local line lib missing=() all real i
	local -A seen=()
	local libs=()
	while IFS= read -r line; do
		lib=""
		case $line in
		*"=> not found"*) missing+=("${line%% =>*}") ;;
		*"=> /"*) lib=${line#*=> } lib=${lib%% (*} ;;
		[[:space:]]/*" ("*) lib=${line#"${line%%[![:space:]]*}"} lib=${lib%% (*} ;;
		esac
		if [[ -n $lib && -z ${seen[$lib]:-} ]]; then
			seen[$lib]=1
			libs+=("$lib")
		fi
	done < <(ldd "$@" 2>/dev/null || true)
	((${#missing[@]} == 0)) || die "libraries not found by ldd: ${missing[*]//[[:space:]]/}"
	all=("$@" "${libs[@]}")
	mapfile -t real < <(readlink -f -- "${all[@]}")
	((${#real[@]} == ${#all[@]})) || die "readlink -f failed on some of: ${all[*]}"
	for i in "${!all[@]}"; do
		add_resolved "${all[i]}" "${real[i]}"
	done
}

INO=$((0x00100000))
newc() { # newc NAME MODE(octal) RDEVMAJOR RDEVMINOR [SYMLINK_TARGET]
	local name=$1 mode=$((8#$2)) maj=$3 min=$4 data=${5:-}
	local namesize=$((${#name} + 1)) size=${#data}
	INO=$((INO + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
		"$INO" "$mode" 0 0 1 0 "$size" 0 0 "$maj" "$min" "$namesize" 0 "$name"
	pad $(((4 - (110 + namesize) % 4) % 4))
	if ((size)); then
		printf '%s' "$data"
		pad $(((4 - size % 4) % 4))
	fi
}
pad() {
	case $1 in
	1) printf '\0' ;;
	2) printf '\0\0' ;;
	3) printf '\0\0\0' ;;
	esac
}

# write_image TREE OUTPUT [dev]: TREE as cpio, then SYMLINKS (and the device
# nodes), gzip'd.
write_image() {
	local tree=$1 out=$2 tmp i
	tmp=$(mktemp "$OUT/.tmp.XXXXXX")
	{
		(cd "$tree" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
			cpio -o -H newc -R 0:0 --quiet)
		if [[ ${3:-} == dev ]]; then
			newc dev/console 020600 5 1
			newc dev/null 020666 1 3
			newc dev/ttyS0 020620 4 64
		fi
		for ((i = 0; i < ${#SYMLINKS[@]}; i += 2)); do
			newc "${SYMLINKS[i]#/}" 0120777 0 0 "${SYMLINKS[i + 1]}"
		done
		newc 'TRAILER!!!' 0 0 0
	} | gzip -n -1 >"$tmp" || { rm -f "$tmp"; die "writing $out failed"; }
	chmod 644 "$tmp"
	mv "$tmp" "$out"
}

# The few files the base takes from the kernel's source tarball, extracted
# once per tarball into the cache the debug kernel uses (a pass over the
# tarball costs a quarter of a minute, and every kernel's base, on every
# clone, needs the same files); prints their directory.
reference_files() {
	local home cache key dir tmp
	home=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
	cache=${WGC_CACHE_DIR:-${XDG_CACHE_HOME:-$home/.cache}/wgc}
	key=$({
		stat -L -c '%n %s %.9Y' -- "$REFERENCE_TARBALL" ||
			die "no $REFERENCE_TARBALL (run scripts/deps.sh)"
		printf '%s\n' "$REFERENCE_NETNS" "$REFERENCE_YNL" "${REFERENCE_YNL_FILES[@]}"
	} | sha256sum | cut -c1-16)
	dir=$cache/reference-$key
	if [[ ! -e $dir/done ]]; then
		mkdir -p "$cache"
		tmp=$(mktemp -d "$cache/.reference.XXXXXX")
		tar -xJf "$REFERENCE_TARBALL" -C "$tmp" "$REFERENCE_NETNS" \
			"${REFERENCE_YNL_FILES[@]/#/$REFERENCE_YNL/}" ||
			{ rm -rf "$tmp"; die "cannot extract $REFERENCE_NETNS and $REFERENCE_YNL from $REFERENCE_TARBALL (run scripts/deps.sh)"; }
		touch "$tmp/done"
		# a concurrent run may have won the race: its copy is as good
		mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
	fi
	echo "$dir"
}

# ================================================================ base
build_base() {
	local ROOT=$BASE b p f d t name applet dest out m
	HAVE=() BINNAME=() FILES=() SYMLINKS=()
	rm -rf "$ROOT"
	mkdir -p "$ROOT"
	for d in usr/bin usr/sbin usr/lib usr/lib64 usr/share dev proc sys tmp run root \
		etc mnt var selftests; do
		mkdir -p "$ROOT/$d"
	done
	ln -s usr/bin "$ROOT/bin"
	ln -s usr/sbin "$ROOT/sbin"
	ln -s usr/lib "$ROOT/lib"
	ln -s usr/lib64 "$ROOT/lib64"
	ln -s ../run "$ROOT/var/run"
	ln -s ../tmp "$ROOT/var/tmp"
	chmod 1777 "$ROOT/tmp"
	chmod 700 "$ROOT/root"

	# ---- real binaries; they shadow busybox's applets of the same name
	local BINS=(
		bash
		# iproute2, iputils, network tools
		ip ss tc bridge nstat ping iperf3 ncat nft wg tcpdump
		# ethtool: the offloads' private flags and counters (offload test)
		ethtool
		# netfilter's iptables (Debian's default, nf_tables-based): the
		# kernel's WireGuard selftest netns.sh uses it
		iptables
		# kmod
		kmod modprobe insmod rmmod lsmod depmod modinfo
		# util-linux
		setpriv setsid unshare nsenter flock taskset mount umount dmesg prlimit
		# coreutils
		timeout sha256sum sha1sum md5sum dd sleep sync uname hostname cat cp mv
		rm ln ls mkdir rmdir touch chmod chown head tail wc sort uniq cut tr tee
		seq stat date env printf basename dirname readlink realpath mktemp od
		stdbuf nproc df du truncate comm paste expr id yes true false nohup nice
		base64 cksum shuf split
		# grep, sed, findutils, procps, libc-bin
		grep sed find xargs ps pgrep pkill sysctl free getent
		# JSON: iperf3 -J, wgctl show --json (selftests/wgctl-json.test.sh)
		jq
		# the kernel's ynl CLI (selftests/ynl.test.sh); its standard library
		# follows below
		python3
	)
	# perf: make bench's WGC_BENCH_PROFILE=1
	local OPT_BINS=(strace tracepath ping6 mountpoint perf)
	local paths=()
	for b in "${BINS[@]}"; do
		find_bin p "$b" || die "binary '$b' not found on the build machine (run scripts/deps.sh)"
		paths+=("$p")
	done
	for b in "${OPT_BINS[@]}"; do
		if find_bin p "$b"; then paths+=("$p"); else note "note: optional binary '$b' not found, skipped"; fi
	done
	# Loaded with dlopen/LD_PRELOAD, so ldd does not see them: stdbuf's
	# library, OpenSSL's providers (ncat loads "legacy").
	[[ -e /usr/libexec/coreutils/libstdbuf.so ]] && paths+=(/usr/libexec/coreutils/libstdbuf.so)
	for f in /usr/lib/*-linux-gnu/ossl-modules/*.so /usr/lib/*-linux-gnu/xtables/*.so; do
		[[ -e $f ]] && paths+=("$f")
	done
	python_modules
	add_with_libs "${paths[@]}"
	cp --parents -t "$ROOT" -- "${FILES[@]}"
	add_symlink /usr/bin/nc /usr/bin/ncat
	python_stdlib

	# From the kernel's source, as the linux-source package ships them (one
	# pass over the tarball): its own WireGuard selftest, which
	# selftests/wireguard-netns.test.sh renames for wgc and runs, and its ynl
	# CLI, which selftests/ynl.test.sh runs. (A new package changes dpkg's
	# status file, which rebuilds the base.)
	local ref
	ref=$(reference_files)
	mkdir -p "$ROOT/usr/share/wgc/ynl/lib"
	cp "$ref/$REFERENCE_NETNS" "$ROOT/usr/share/wgc/netns.sh"
	for f in "${REFERENCE_YNL_FILES[@]}"; do
		cp "$ref/$REFERENCE_YNL/$f" "$ROOT/usr/share/wgc/ynl/$f"
	done

	# poweroff/reboot/halt: dump dmesg and power off via /init's shutdown path.
	for name in poweroff reboot halt; do
		printf '#!/bin/sh\nexec /bin/bash /init --shutdown 0\n' >"$ROOT/usr/sbin/$name"
		chmod 755 "$ROOT/usr/sbin/$name"
		BINNAME[$name]=1
	done
	BINNAME[wgctl]=1
	BINNAME[wgctl-quick]=1

	# ---- busybox for everything else
	find_bin p busybox || die "busybox not found (apt-get install busybox-static)"
	if ldd "$p" >/dev/null 2>&1; then
		die "$p is dynamically linked: install busybox-static"
	fi
	cp "$p" "$ROOT/usr/bin/busybox"
	BINNAME[busybox]=1
	while IFS= read -r applet; do
		name=${applet##*/}
		[[ $name == linuxrc || -n ${BINNAME[$name]:-} ]] && continue
		dest=""
		canon dest "/$applet"
		add_symlink "$dest" /usr/bin/busybox
	done < <("$p" --list-full)

	# ---- /etc and friends
	printf '%s\n' \
		'root:x:0:0:root:/root:/bin/bash' \
		'tcpdump:x:104:109::/nonexistent:/usr/sbin/nologin' \
		'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' >"$ROOT/etc/passwd"
	printf '%s\n' 'root:x:0:' 'tty:x:5:' 'tcpdump:x:109:' 'nogroup:x:65534:' >"$ROOT/etc/group"
	printf '%s: files\n' passwd group shadow hosts networks protocols services >"$ROOT/etc/nsswitch.conf"
	printf '%s\n' '127.0.0.1 localhost wgc-vm' '::1 localhost ip6-localhost ip6-loopback' >"$ROOT/etc/hosts"
	echo wgc-vm >"$ROOT/etc/hostname"
	mkdir -p "$ROOT/etc/modprobe.d"
	printf '%s\n' '# no automatic dummy0/ifb0/bond0: tests create what they need' \
		'options dummy numdummies=0' 'options ifb numifbs=0' 'options bonding max_bonds=0' \
		>"$ROOT/etc/modprobe.d/wgc-vm.conf"
	printf '%s\n' "PS1='\\h:\\w\\\$ '" 'export PATH=/usr/sbin:/usr/bin:/sbin:/bin' \
		"alias ll='ls -l'" >"$ROOT/root/.bashrc"
	local extra=()
	for f in /etc/services /etc/protocols /etc/ethertypes /usr/share/iproute2 /etc/iproute2; do
		[[ -e $f ]] && extra+=("$f")
	done
	for t in d/dumb l/linux v/vt100 v/vt102 v/vt220 x/xterm x/xterm-256color x/xterm-color \
		s/screen s/screen-256color t/tmux t/tmux-256color; do
		for d in /usr/share/terminfo /lib/terminfo; do
			if [[ -e $d/$t && ! -L $d/$t ]]; then
				extra+=("$d/$t")
				break
			fi
		done
	done
	cp -r --parents -t "$ROOT" -- "${extra[@]}"
	if [[ -d $ROOT/lib/terminfo ]]; then # one terminfo directory in the image
		cp -r "$ROOT/lib/terminfo" "$ROOT/usr/share/"
		rm -rf "$ROOT/lib/terminfo"
	fi

	# ---- kernel modules
	local MODS=(udp_tunnel ip6_udp_tunnel libchacha20poly1305 libcurve25519 veth dummy
		wireguard nf_tables nft_masq nft_nat nft_chain_nat nf_conntrack nf_nat
		nft_compat xt_length xt_mark xt_nat crc32c_generic libcrc32c)
	local OPT_MODS=(bridge ipip sit ip6_tunnel ip_gre ip6_gre vxlan macvlan ifb tun
		sch_netem sch_tbf sch_htb sch_fq sch_ingress cls_u32 cls_matchall act_mirred
		nft_ct nft_reject_inet nft_fib_inet nft_fib_ipv4 nft_fib_ipv6 nft_limit nft_log nft_redir nft_quota
		nf_conntrack_netlink chacha20poly1305 chacha_generic poly1305_generic
		curve25519_generic crypto_user)
	MOD_RELS=()
	out=$(modprobe_deps "${MODS[@]}" 2>&1) || die "cannot resolve kernel modules for $KVER: $out"
	collect_mods "$out"
	if out=$(modprobe_deps "${OPT_MODS[@]}" 2>&1); then
		collect_mods "$out"
	else
		for m in "${OPT_MODS[@]}"; do
			if out=$(modprobe_deps "$m" 2>&1); then
				collect_mods "$out"
			else
				note "note: optional module $m not available for $KVER, skipped"
			fi
		done
	fi
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[[ -f $MODDIR/$f ]] && MOD_RELS+=("$f")
	done
	mkdir -p "$ROOT/lib/modules/$KVER"
	(cd "$MODDIR" && cp --parents -t "$ROOT/lib/modules/$KVER" -- "${MOD_RELS[@]}")
	depmod -b "$ROOT" "$KVER" || die "depmod failed"

	write_image "$ROOT" "$BASE_IMG" dev
	printf '%s\n' "$BASE_NEW" >"$BASE_STAMP"
}

# Python for the ynl CLI: the interpreter is one of BINS; its standard
# library goes in without what ynl never imports (tests, GUIs, build and
# packaging tools, protocols, databases, the encodings of code pages; 30 of
# its 40 MiB are the static libpython in config-*), without byte code
# (compiled in the VM on first use), and PyYAML from Debian's python3-yaml.
# Compiled modules go through add_with_libs, for the libraries they need.
PYTHON_SKIP=(test idlelib tkinter turtledemo turtle.py ensurepip lib2to3
	pydoc_data pydoc.py doctest.py pdb.py distutils 'config-*' venv asyncio
	concurrent multiprocessing unittest email http xmlrpc xml html urllib
	wsgiref sqlite3 dbm curses ctypes zoneinfo tomllib _pydecimal.py
	sitecustomize.py 'encodings/cp[0-9]*' 'encodings/mac_*' 'encodings/iso8859_*'
	'encodings/big5*' 'encodings/euc_*' 'encodings/gb*' 'encodings/hz.py'
	'encodings/iso2022_*' 'encodings/johab.py' 'encodings/shift_jis*')
PYTHON_SKIP_SO=('_test*' '_ctypes*' '_sqlite3*' '_curses*' '_dbm*' '_gdbm*'
	'readline*' '_tkinter*' 'audioop*' 'ossaudiodev*' 'nis*' '_crypt*'
	'xx*' '_xx*' '_decimal*' '_ssl*' '_asyncio*' '_multiprocessing*'
	'_posixshmem*' '_zoneinfo*' '_lsprof*' '_codecs_*' '_multibytecodec*')
python_dirs() { # the directories of the standard library and of PyYAML
	local py
	py=$(readlink -f /usr/bin/python3) || die "python3 not found (run scripts/deps.sh)"
	PY_STDLIB=/usr/lib/${py##*/}
	PY_YAML=(/usr/lib/python3/dist-packages/yaml /usr/lib/python3/dist-packages/_yaml)
	[[ -f $PY_STDLIB/os.py ]] || die "no standard library of $py in $PY_STDLIB"
	[[ -d ${PY_YAML[0]} ]] || die "PyYAML is missing (apt-get install python3-yaml)"
}
python_modules() { # adds the compiled modules to paths
	local so skip keep
	python_dirs
	while IFS= read -r so; do
		keep=1
		for skip in "${PYTHON_SKIP_SO[@]}"; do
			# shellcheck disable=SC2053 # a glob on purpose
			[[ ${so##*/} == $skip ]] && keep=0
		done
		((keep)) && paths+=("$so")
	done < <(find "$PY_STDLIB/lib-dynload" "${PY_YAML[@]}" -name '*.so')
}
python_stdlib() { # copies the rest
	local x=() d
	for d in "${PYTHON_SKIP[@]}"; do
		x+=(--exclude="${PY_STDLIB#/}/$d")
	done
	tar -C / -cf - "${x[@]}" --exclude=__pycache__ --exclude='*.so' \
		"${PY_STDLIB#/}" "${PY_YAML[@]#/}" | tar -C "$ROOT" -xf - ||
		die "cannot copy Python's standard library"
}

modprobe_deps() {
	modprobe -a --show-depends --ignore-install -d "$MODROOT" -S "$KVER" "$@"
}
declare -A SEEN_MOD=()
MOD_RELS=()
collect_mods() { # adds the modules of `modprobe --show-depends` output
	local kind path rel
	while read -r kind path _; do
		[[ $kind == insmod ]] || continue
		rel=${path#*/lib/modules/"$KVER"/}
		[[ -n ${SEEN_MOD[$rel]:-} ]] && continue
		SEEN_MOD[$rel]=1
		MOD_RELS+=("$rel")
	done <<<"$1"
}

# ================================================================ overlay
build_overlay() {
	local ROOT=$OVL f magic rel m out
	local BMOD=$BASE/lib/modules/$KVER
	HAVE=() BINNAME=() FILES=() SYMLINKS=()
	rm -rf "$ROOT"
	mkdir -p "$ROOT/selftests" "$ROOT/usr/bin" "$ROOT/usr/lib/modules/$KVER"

	cp "$QEMU_DIR/init" "$ROOT/init"
	chmod 755 "$ROOT/init"

	# selftests: *.sh, the kernel splat pattern and the helper binaries in
	# selftests/bin/; the demo and the benchmark
	local st=() elfs=()
	shopt -s nullglob
	st=("$SELFTESTS"/*.sh "$SELFTESTS"/*.ere)
	shopt -u nullglob
	((${#st[@]} == 0)) || cp -- "${st[@]}" "$ROOT/selftests/"
	mkdir -p "$ROOT/demo" "$ROOT/bench"
	cp -- "$DEMO" "$ROOT/demo/"
	cp -- "$BENCH" "$ROOT/bench/"
	if [[ -d $TEST_BIN ]]; then
		mkdir -p "$ROOT/selftests/bin"
		for f in "$TEST_BIN"/*; do
			[[ -f $f ]] || continue
			cp -L --preserve=mode -- "$f" "$ROOT/selftests/bin/"
			magic=""
			IFS= read -r -n4 magic <"$f" || true
			[[ $magic == $'\x7f'ELF ]] && elfs+=("$f")
		done
	fi

	# the site-to-site example configurations (the plain ones and the
	# wgctl-quick ones in quick/), which a selftest runs as they are
	if [[ -d $REPO/Documentation/site-to-site ]]; then
		mkdir -p "$ROOT/selftests/site-to-site"
		(cd "$REPO/Documentation/site-to-site" &&
			find . -name '*.conf' -exec cp --parents -t "$ROOT/selftests/site-to-site/" {} +)
	fi

	# the family's YNL spec, for the kernel's ynl CLI in the base
	if [[ -f $SPEC ]]; then
		mkdir -p "$ROOT/usr/share/wgc/specs"
		cp -- "$SPEC" "$ROOT/usr/share/wgc/specs/"
	fi

	# wgctl, and the libraries (of it and of selftests/bin) the base lacks
	if [[ -f $WGCTL ]]; then
		cp --preserve=mode "$WGCTL" "$ROOT/usr/bin/wgctl"
		elfs+=("$WGCTL")
	fi
	# Wireshark's tshark, for the key log's round trip through its
	# WireGuard dissector (selftests/wireshark-keylog.test.sh): only in the
	# run that carries the packages, on Debian's 6.12 kernel, as its
	# libraries come to 150 MB. Its data files go with it.
	local tshark
	if [[ -n $PKGROOT ]] && find_bin tshark tshark; then
		elfs+=("$tshark")
		[[ -d /usr/share/wireshark ]] &&
			cp -a --parents -t "$ROOT" /usr/share/wireshark
	elif [[ -n $PKGROOT ]]; then
		note "note: tshark not found (scripts/deps.sh installs it): the Wireshark key log test will be skipped"
	fi
	# wgctl-quick is a bash script: every tool it runs is in the base
	if [[ -f $WGCTL_QUICK ]]; then
		cp --preserve=mode "$WGCTL_QUICK" "$ROOT/usr/bin/wgctl-quick"
	fi
	if ((${#elfs[@]})); then
		SKIP_IN=$BASE
		add_with_libs "${elfs[@]}"
		SKIP_IN=""
		local libs=()
		for f in "${FILES[@]}"; do
			case $f in "$WGCTL" | "$TEST_BIN"/*) ;; *) libs+=("$f") ;; esac
		done
		((${#libs[@]} == 0)) || cp --parents -t "$ROOT" -- "${libs[@]}"
		# symlinks to wgctl / the test binaries themselves are not wanted
		local keep=() i
		for ((i = 0; i < ${#SYMLINKS[@]}; i += 2)); do
			case ${SYMLINKS[i + 1]} in
			"$WGCTL" | "$TEST_BIN"/*) ;;
			*) keep+=("${SYMLINKS[i]}" "${SYMLINKS[i + 1]}") ;;
			esac
		done
		SYMLINKS=("${keep[@]}")
	fi

	# the packages' files, as dpkg would install them, for a test to install
	if [[ -n $PKGROOT ]]; then
		mkdir -p "$ROOT/pkgroot"
		cp -a "$PKGROOT/." "$ROOT/pkgroot/"
	fi

	# wgc.ko and what it needs, then depmod (on the base tree, which has the
	# other modules), and the resulting modules.* indexes. A module DKMS
	# compressed (wgc.ko.xz) goes in as extra/wgc.ko all the same, which
	# is where the harness looks for it.
	rm -rf "$BMOD/extra"
	if [[ -f $KO ]]; then
		mkdir -p "$BMOD/extra" "$ROOT/usr/lib/modules/$KVER/extra"
		case $KO in
		*.ko.xz) xz -dc "$KO" >"$BMOD/extra/wgc.ko" || die "cannot decompress $KO" ;;
		*) cp "$KO" "$BMOD/extra/wgc.ko" ;;
		esac
		cp "$BMOD/extra/wgc.ko" "$ROOT/usr/lib/modules/$KVER/extra/wgc.ko"
		# A build with self-tests runs them in selftests/module-selftests
		# (which asks for them), not in every one of the many loads of a
		# run; a release build has no such parameter to be told.
		local selftests
		selftests=$(modinfo -F selftests "$BMOD/extra/wgc.ko") ||
			die "modinfo cannot read $KO"
		if [[ $selftests == y ]]; then
			mkdir -p "$ROOT/etc/modprobe.d"
			echo 'options wgc run_selftests=0' >"$ROOT/etc/modprobe.d/wgc-selftests.conf"
		fi
		local deps=()
		IFS=, read -r -a deps <<<"$(modinfo -F depends "$KO")"
		if ((${#deps[@]})); then
			out=$(modprobe_deps "${deps[@]}" 2>&1) || die "cannot resolve the modules wgc.ko needs (${deps[*]}): $out"
			MOD_RELS=()
			SEEN_MOD=()
			collect_mods "$out"
			for rel in "${MOD_RELS[@]}"; do
				[[ -e $BMOD/$rel ]] && continue
				mkdir -p "$BMOD/extra/deps" "$ROOT/usr/lib/modules/$KVER/extra/deps"
				# outside extra/deps they would outlive a rebuild of the overlay
				cp "$MODDIR/$rel" "$BMOD/extra/deps/"
				cp "$MODDIR/$rel" "$ROOT/usr/lib/modules/$KVER/extra/deps/"
			done
		fi
	fi
	depmod -b "$BASE" "$KVER" || die "depmod failed"
	if [[ -f $KO ]]; then # wgc must resolve inside the image, with its dependencies
		modprobe --show-depends -d "$BASE" -S "$KVER" wgc >/dev/null ||
			die "modprobe cannot resolve wgc inside the image"
	fi
	for m in "$BMOD"/modules.*; do
		case ${m##*/} in modules.order | modules.builtin | modules.builtin.modinfo) continue ;; esac
		cp "$m" "$ROOT/usr/lib/modules/$KVER/"
	done

	local ovl_img=$OUT/overlay.cpio.gz
	write_image "$ROOT" "$ovl_img"
	cat "$BASE_IMG" "$ovl_img" >"$IMG.tmp"
	mv "$IMG.tmp" "$IMG"
}

# ================================================================ main
what=overlay
if ((FORCE)) || [[ ! -f $BASE_IMG || ! -f $BASE_STAMP || ! -d $BASE ]] ||
	[[ $(<"$BASE_STAMP") != "$BASE_NEW" ]]; then
	build_base
	what="base + overlay"
fi
build_overlay
printf '%s\n' "$ALL_NEW" >"$STAMP"

ms=$(((${EPOCHREALTIME/./} - T0) / 1000))
note "built $IMG ($what, $(du -h "$IMG" | cut -f1)) in ${ms} ms"
printf '%s\n' "$IMG"
