#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# usage: scripts/package-test.sh [KERNELRELEASE]
#
# The Debian packages, for make check: builds them (scripts/deb.sh, which
# runs lintian), checks what each one holds and that every place that tells
# the version agrees, and unpacks both into a scratch root, build/deb/root.
# With a kernel release (one whose headers are installed), DKMS then builds
# the module from the source wgc-dkms installed, and installs it into the
# scratch root, as the package's postinst would on a real machine; the VM
# run on that kernel boots with that module and the root's files
# (selftests/packages.test.sh). Prints KTAP, a result per check.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=$REPO/build/deb
ROOT=$OUT/root
KREL=${1:-}
VERSION=$(cat "$REPO/VERSION")

# shellcheck source=../selftests/ktap.sh
source "$REPO/selftests/ktap.sh"
ktap_begin
# the count, however the script ends
trap ktap_end EXIT

pass() { ktap_result "packages/$1" ok; }
fail() { ktap_result "packages/$1" fail "$2"; }

# contents DEB: its files (and /etc/wgc), one "MODE PATH" per line
contents() {
	dpkg-deb -c "$1" | awk '$1 !~ /^d/ || $6 == "./etc/wgc/" {
		sub(/^\./, "", $6); print substr($1, 2), $6 }' | sort
}

# ---------------------------------------------------------------- build
if ! DEB_BUILD_OPTIONS=nocheck "$REPO/scripts/deb.sh" "$OUT" >/dev/null; then
	fail build "scripts/deb.sh failed (above)"
	exit 1
fi
if [[ -f $OUT/lintian.log ]]; then
	pass "build and lintian"
else
	fail "build and lintian" "lintian did not run (is it installed?)"
fi
WGCTL_DEB=$OUT/wgctl_${VERSION}_amd64.deb
DKMS_DEB=$OUT/wgc-dkms_${VERSION}_all.deb

# ---------------------------------------------------------------- contents
want_wgctl="rwx------ /etc/wgc/
rw-r--r-- /lib/systemd/system/wgctl-quick.target
rw-r--r-- /lib/systemd/system/wgctl-quick@.service
rwxr-xr-x /usr/bin/wgctl
rwxr-xr-x /usr/bin/wgctl-quick
rw-r--r-- /usr/share/bash-completion/completions/wgctl
rw-r--r-- /usr/share/bash-completion/completions/wgctl-quick
rw-r--r-- /usr/share/doc/wgctl/changelog.gz
rw-r--r-- /usr/share/doc/wgctl/copyright
rw-r--r-- /usr/share/lintian/overrides/wgctl
rw-r--r-- /usr/share/man/man8/wgctl-quick.8.gz
rw-r--r-- /usr/share/man/man8/wgctl.8.gz"
want_wgctl=$(sort <<<"$want_wgctl")
# wgc-dkms: the module's sources as the tree has them, and dkms.conf
want_dkms=$(
	cd "$REPO" || exit
	for f in Kbuild VERSION dkms.conf module/*.[ch] include/uapi/linux/*.h; do
		echo "rw-r--r-- /usr/src/wgc-$VERSION/$f"
	done
	echo "rw-r--r-- /usr/share/doc/wgc-dkms/changelog.gz"
	echo "rw-r--r-- /usr/share/doc/wgc-dkms/copyright"
)
want_dkms=$(sort <<<"$want_dkms")
for p in wgctl:WGCTL_DEB:want_wgctl wgc-dkms:DKMS_DEB:want_dkms; do
	IFS=: read -r name deb want <<<"$p"
	got=$(contents "${!deb}")
	if [[ $got == "${!want}" ]]; then
		pass "contents of $name"
	else
		fail "contents of $name" "$(diff <(echo "${!want}") <(echo "$got") | grep '^[<>]' | tr '\n' ';')"
	fi
done

# Installing or upgrading starts, stops or enables no tunnel; installing
# wgc-dkms hands its source, with the right version, to DKMS.
scripts=$(mktemp -d)
trap 'rm -rf "$scripts"; ktap_end' EXIT
dpkg-deb -e "$WGCTL_DEB" "$scripts/wgctl"
dpkg-deb -e "$DKMS_DEB" "$scripts/dkms"
if grep -q -E 'deb-systemd-invoke (start|restart)|deb-systemd-helper enable' "$scripts"/wgctl/* 2>/dev/null; then
	fail "maintainer scripts" "wgctl's start or enable a unit: $(grep -h -E 'deb-systemd' "$scripts"/wgctl/* | tr '\n' ';')"
elif ! grep -q -x 'DKMS_NAME=wgc' "$scripts/dkms/postinst" 2>/dev/null ||
	! grep -q -x "DKMS_VERSION=$VERSION" "$scripts/dkms/postinst"; then
	fail "maintainer scripts" "wgc-dkms's postinst does not add wgc $VERSION to DKMS"
else
	pass "maintainer scripts"
fi

# ---------------------------------------------------------------- unpack
rm -rf "$ROOT"
mkdir -p "$ROOT"
dpkg-deb -x "$WGCTL_DEB" "$ROOT" && dpkg-deb -x "$DKMS_DEB" "$ROOT" ||
	{ fail unpack "dpkg-deb -x failed"; exit 1; }

# ---------------------------------------------------------------- version
versions="VERSION=$VERSION"
versions+=" changelog=$(cd "$REPO" && dpkg-parsechangelog -S Version)"
versions+=" wgctl.deb=$(dpkg-deb -f "$WGCTL_DEB" Version)"
versions+=" wgc-dkms.deb=$(dpkg-deb -f "$DKMS_DEB" Version)"
versions+=" wgctl--version=$("$ROOT/usr/bin/wgctl" --version | awk '{ print $2 }')"
versions+=" dkms.conf=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$ROOT/usr/src/wgc-$VERSION/dkms.conf")"
if [[ $(tr ' ' '\n' <<<"$versions" | cut -d= -f2 | sort -u) == "$VERSION" ]]; then
	pass version
else
	fail version "they differ: $versions"
fi

[[ -n $KREL ]] || exit $((KTAP_FAIL > 0))

# ---------------------------------------------------------------- DKMS
# dkms on scratch trees: its state in build/deb/dkms, the source and the
# installed module in the scratch root. It signs the module with its own
# key (/var/lib/dkms/mok.key, made on first use), as on a real machine.
dkms_() {
	dkms "$@" --sourcetree "$ROOT/usr/src" --dkmstree "$OUT/dkms" \
		--installtree "$ROOT/lib/modules" -m wgc -v "$VERSION"
}
rm -rf "$OUT/dkms"
mkdir -p "$OUT/dkms" "$ROOT/lib/modules/$KREL"
ko=$ROOT/lib/modules/$KREL/updates/dkms/wgc.ko.xz
if ! log=$(dkms_ add 2>&1 && dkms_ build -k "$KREL" 2>&1 && dkms_ install --no-depmod -k "$KREL" 2>&1); then
	fail "dkms for $KREL" "$(tail -n 20 <<<"$log")"
elif [[ ! -f $ko ]]; then
	fail "dkms for $KREL" "no $ko after dkms install"
elif [[ $(modinfo -F version "$ko") != "$VERSION" ||
	$(modinfo -F vermagic "$ko" | cut -d' ' -f1) != "$KREL" ]]; then
	fail "dkms for $KREL" "$ko: version $(modinfo -F version "$ko"), vermagic $(modinfo -F vermagic "$ko")"
else
	pass "dkms for $KREL"
fi

# A kernel older than 6.1 is refused by name (exit 77, DKMS's "skipped"),
# before anything is compiled: its headers are not even looked at.
log=$(dkms_ build -k 5.10.0-30-amd64 --kernelsourcedir "/lib/modules/$KREL/build" 2>&1)
rc=$?
if [[ $rc -eq 77 && $log == *"BUILD_EXCLUSIVE directive which does not match this kernel"* ]]; then
	pass "dkms refuses Linux 5.10"
else
	fail "dkms refuses Linux 5.10" "status $rc: $(tail -n 5 <<<"$log" | tr '\n' ';')"
fi
exit $((KTAP_FAIL > 0))
