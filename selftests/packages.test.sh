#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages, installed as dpkg would: /pkgroot holds the files of
# wgctl and wgc-dkms, with the module DKMS built and installed from the
# latter for this kernel (scripts/package-test.sh, the run on Debian's 6.12
# kernel). The test copies them into the VM's root and then
#   - finds the module where DKMS put it: depmod and modprobe pick it, and
#     `ip link add ... type wgc` alone loads it;
#   - checks that wgctl --version, the module's modinfo and the loaded
#     module tell the same version;
#   - runs what the unit wgctl-quick@wg0.service runs (its ExecStart,
#     ExecReload and ExecStop lines, with %i and its Environment) in a
#     client namespace "c", against a server "s" set up with plain wgctl:
#
#   c [wg0 from /etc/wgc/wg0.conf]  v1 192.0.2.1 ---- v2 192.0.2.2  s [wg0 10.0.0.2/24]
#
# Everything it installs it removes again, for the tests after it.
# needs: /pkgroot the packages' files (the debian-6.12 run puts them there)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

PKG=/pkgroot
UNIT=/lib/systemd/system/wgctl-quick@.service
[[ -d $PKG ]] || fail "no $PKG: run this test through make check KERNEL=debian-6.12"
read -r KREL </proc/sys/kernel/osrelease
VERSION=$(wgctl --version | awk '{ print $2 }')

# ------------------------------------------------------------- install
# The image has the package's wgctl and wgctl-quick in /usr/bin already (the
# harness put them there); the package brings everything else.
mapfile -t PKG_FILES < <(cd "$PKG" && find . ! -type d | sed 's|^\./|/|' | sort)
NEW_FILES=()
for f in "${PKG_FILES[@]}"; do
	if [[ ! -e $f ]]; then
		NEW_FILES+=("$f")
	elif ! cmp -s "$f" "$PKG$f"; then
		fail "$f in the VM image is not the package's"
	fi
done
uninstall_pkg() {
	rm -f "${NEW_FILES[@]}"
	rmdir /etc/wgc 2>/dev/null
	depmod -a
	return 0
}
defer uninstall_pkg
# Files only: /lib may be a symbolic link here, which copying the
# directories themselves would replace.
(cd "$PKG" && cp -a --parents -t / "${NEW_FILES[@]/#/.}")
mkdir -p /etc/wgc
chmod "$(stat -c %a "$PKG/etc/wgc")" /etc/wgc
depmod -a

installed() {
	local f
	for f in /usr/bin/wgctl /usr/bin/wgctl-quick "$UNIT" \
		/lib/systemd/system/wgctl-quick.target \
		/usr/share/man/man8/wgctl.8.gz /usr/share/man/man8/wgctl-quick.8.gz \
		/usr/share/bash-completion/completions/wgctl \
		/usr/share/bash-completion/completions/wgctl-quick; do
		[[ -f $f ]] || fail "the wgctl package has no $f"
	done
	assert_eq "$(stat -c %a /etc/wgc)" 700 "mode of /etc/wgc"
	expect_ok bash -c 'source /usr/share/bash-completion/completions/wgctl && complete -p wgctl'
	assert_match "$OUT" "wgctl$" "bash completion of wgctl"
	assert_line "$(zcat /usr/share/man/man8/wgctl.8.gz | head -n 5)" '^\.TH WGCTL 8 ' "man page"
}
subtest installed installed

# ---------------------------------------------------------------- module
module_from_dkms() {
	local path
	[[ ! -d /sys/module/wgc ]] || unload_wgc
	expect_ok modinfo -n wgc
	path=$OUT
	assert_eq "$path" "/lib/modules/$KREL/updates/dkms/wgc.ko.xz" "the module modprobe picks"
	assert_eq "$(modinfo -F version wgc)" "$VERSION" "modinfo's version (wgctl --version: $VERSION)"
	assert_eq "$(modinfo -F vermagic wgc | cut -d' ' -f1)" "$KREL" "vermagic"
	# the rtnl-link-wgc alias: nothing loads wgc but the link's kind
	expect_ok ip link add wgauto type wgc
	ip link del wgauto
	[[ -d /sys/module/wgc ]] || fail "ip link add type wgc did not load wgc"
	assert_eq "$(cat /sys/module/wgc/version)" "$VERSION" "the loaded module's version"
}
subtest module-from-dkms module_from_dkms

# ------------------------------------------------------ wgctl-quick@wg0
load_wgc
netns_add c s
veth_pair c v1 s v2
outer_addrs c v1 192.0.2.1/24 2001:db8::1/64
outer_addrs s v2 192.0.2.2/24 2001:db8::2/64
node_add s
wgx s set wg0 listen-port 51820
tun_addr s 10.0.0.2/24 fd00::2/64
C_PRIV=$(wgctl genkey)
C_PUB=$(wgctl pubkey <<<"$C_PRIV")
wgx s set wg0 peer "$C_PUB" allowed-ips 10.0.0.1/32
OTHER_PUB=$(wgctl genkey | wgctl pubkey)

# unit_cmd KEY: the unit's KEY= line, %i replaced by wg0, as words
unit_cmd() {
	local line
	line=$(sed -n "s/^$1=//p" "$UNIT")
	[[ -n $line ]] || FAIL_DEPTH=2 fail "$UNIT has no $1= line"
	line=${line//%i/wg0}
	line=${line//%I/wg0}
	# systemd's quoting of these lines is the shell's
	eval "CMD=($line)"
}

# unit KEY: runs the unit's KEY= command in c, with its Environment=
unit() {
	local env=()
	mapfile -t env < <(sed -n 's/^Environment=//p' "$UNIT")
	unit_cmd "$1"
	log "$1: ${CMD[*]}"
	expect_ok ip netns exec c env "${env[@]}" "${CMD[@]}"
}

write_conf() { # write_conf [EXTRA PEER LINES]
	(
		umask 077
		cat >/etc/wgc/wg0.conf <<-EOF
			[Interface]
			PrivateKey = $C_PRIV
			Address = 10.0.0.1/24
			MTU = 1380

			[Peer]
			PublicKey = $(pubkey_of s)
			Endpoint = 192.0.2.2:51820
			AllowedIPs = 10.0.0.2/32
			${1:-}
		EOF
	)
}

quick_unit() {
	local ifindex
	defer rm -f /etc/wgc/wg0.conf
	defer ip -n c link del wg0
	write_conf
	assert_eq "$(grep -c '^Environment=WG_ENDPOINT_RESOLUTION_RETRIES=infinity$' "$UNIT")" 1 \
		"the unit's endpoint resolution retries"
	unit ExecStart
	assert_match "$(ip -n c -o link show dev wg0)" "<([^>]*,)?UP(,[^>]*)?> mtu 1380 " "wg0 up"
	ping_ok -w 15 c 10.0.0.2
	ifindex=$(ip -n c -o link show dev wg0 | cut -d: -f1)
	# a peer added to the file reaches the device on reload, which keeps it
	write_conf "$(printf '[Peer]\nPublicKey = %s\nAllowedIPs = 10.0.9.0/24' "$OTHER_PUB")"
	unit ExecReload
	expect_ok nsexec c wgctl show wg0 allowed-ips
	assert_line "$OUT" "^${OTHER_PUB//+/\\+}"$'\t''10\.0\.9\.0/24$' "the new peer after reload"
	assert_eq "$(ip -n c -o link show dev wg0 | cut -d: -f1)" "$ifindex" "wg0's ifindex after reload"
	ping_ok c 10.0.0.2
	unit ExecStop
	! ip -n c link show dev wg0 >/dev/null 2>&1 || fail "wg0 still exists after ExecStop"
}
subtest wgctl-quick-unit quick_unit
