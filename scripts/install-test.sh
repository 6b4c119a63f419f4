#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# usage: scripts/install-test.sh
#
# `make install` and `make uninstall` into scratch roots (DESTDIR), for make
# check: install places exactly the files it should, with the modes it
# should, for the kernel the module was built for; uninstall removes every
# one of them and keeps /etc/wgc while it holds a configuration; PREFIX
# moves the tools; a kernel without headers is refused with the package to
# install, and one older than 6.1 by Kbuild; dkms-source places what
# dkms.conf needs. Prints KTAP, a result per check.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
VERSION=$(cat "$REPO/VERSION")
scratch=$(mktemp -d)
# shellcheck source=../selftests/ktap.sh
source "$REPO/selftests/ktap.sh"
ktap_begin
# the count, however the script ends
trap 'ktap_end; rm -rf "$scratch"' EXIT

pass() { ktap_result "install/$1" ok; }
fail() { ktap_result "install/$1" fail "$2"; }

mk() { make -s -C "$REPO" --no-print-directory "$@" 2>&1; }

# tree DIR: "MODE PATH" of its files and of etc/wgc, sorted
tree() {
	(cd "$1" && find . \( ! -type d -o -path ./etc/wgc \) -printf '%M %P\n' | sort -k2)
}

same() { # same NAME WANT GOT
	if [[ $2 == "$3" ]]; then
		pass "$1"
	else
		fail "$1" "$(diff <(echo "$2") <(echo "$3") | grep '^[<>]' | tr '\n' ';')"
	fi
}

KREL=$(mk kernelrelease | tail -n 1)
[[ -n $KREL ]] || { fail kernelrelease "make kernelrelease printed nothing"; exit 1; }

# ---------------------------------------------------------------- install
want() { # want PREFIX UNITDIR
	cat <<-EOF | sort -k2
		drwx------ etc/wgc
		-rw-r--r-- lib/modules/$KREL/updates/wgc.ko
		-rw-r--r-- ${2#/}/wgctl-quick.target
		-rw-r--r-- ${2#/}/wgctl-quick@.service
		-rwxr-xr-x ${1#/}/bin/wgctl
		-rwxr-xr-x ${1#/}/bin/wgctl-quick
		-rw-r--r-- ${1#/}/share/bash-completion/completions/wgctl
		-rw-r--r-- ${1#/}/share/bash-completion/completions/wgctl-quick
		-rw-r--r-- ${1#/}/share/man/man8/wgctl-quick.8
		-rw-r--r-- ${1#/}/share/man/man8/wgctl.8
	EOF
}
d=$scratch/usr
if ! log=$(mk install DESTDIR="$d"); then
	fail "make install" "$log"
	exit 1
fi
same "make install places" "$(want /usr /lib/systemd/system)" "$(tree "$d")"

ko=$d/lib/modules/$KREL/updates/wgc.ko
got="$("$d/usr/bin/wgctl" --version) $(modinfo -F version "$ko") $(modinfo -F vermagic "$ko" | cut -d' ' -f1)"
same "installed versions" "wgctl $VERSION $VERSION $KREL" "$got"

# ---------------------------------------------------------------- uninstall
# A configuration in /etc/wgc outlives the tools, and only it.
echo "[Interface]" > "$d/etc/wgc/wg0.conf"
mk uninstall DESTDIR="$d" >/dev/null
same "make uninstall keeps a configuration" "-rw-r--r-- etc/wgc/wg0.conf" \
	"$(cd "$d" && find . ! -type d -printf '%M %P\n')"
rm "$d/etc/wgc/wg0.conf"
mk install DESTDIR="$d" >/dev/null
mk uninstall DESTDIR="$d" >/dev/null
same "make uninstall removes everything" "" "$(cd "$d" && find . ! -type d -o -path ./etc/wgc)"

# ---------------------------------------------------------------- PREFIX
d=$scratch/local
mk install DESTDIR="$d" PREFIX=/usr/local >/dev/null
same "make install PREFIX=/usr/local" "$(want /usr/local /usr/local/lib/systemd/system)" "$(tree "$d")"

# ---------------------------------------------------------------- no headers
log=$(mk module KERNELRELEASE=0.0.0-none)
rc=$?
if [[ $rc -ne 0 && $log == *"install linux-headers-0.0.0-none"* ]]; then
	pass "a kernel without headers is named"
else
	fail "a kernel without headers is named" "status $rc: $log"
fi

# ---------------------------------------------------------------- too old
# Kbuild stops at once on a kernel before 6.1 (here the test kernel's
# headers, told they are 5.10's).
kdir=/lib/modules/$KREL/build
log=$("$REPO/scripts/build-module.sh" "$kdir" "$scratch/old" VERSION=5 PATCHLEVEL=10 2>&1)
rc=$?
if [[ $rc -ne 0 && $log == *"wgc needs Linux 6.1 or newer, not 5.10 "* ]]; then
	pass "Linux 5.10 is refused"
else
	fail "Linux 5.10 is refused" "status $rc: $(tail -n 3 <<<"$log" | tr '\n' ';')"
fi

# ---------------------------------------------------------------- DKMS source
d=$scratch/dkms
mk dkms-source DESTDIR="$d" >/dev/null
src=$d/usr/src/wgc-$VERSION
want_src=$(cd "$REPO" && printf '%s\n' Kbuild VERSION dkms.conf module/*.[ch] include/uapi/linux/*.h | sort)
same "make dkms-source places" "$want_src" "$(cd "$src" && find . -type f -printf '%P\n' | sort)"
same "dkms.conf's version" "PACKAGE_VERSION=\"$VERSION\"" "$(grep '^PACKAGE_VERSION=' "$src/dkms.conf")"

exit $((KTAP_FAIL > 0))
