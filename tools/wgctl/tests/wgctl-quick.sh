#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of wgctl-quick that change nothing: the parsing and checking of
# its configuration keys (through `strip', which needs neither root nor a
# kernel module), the file:line error messages, the naming of files and the
# command line. Run by "make -C tools/wgctl unit", or anywhere with
# WGCTL_QUICK=/path/to/wgctl-quick.
#
# Every command it could run to change the system (ip, wgctl, nft, sysctl,
# resolvconf, modprobe) is shadowed on PATH by a stand-in that only records
# the call and fails, so a bug cannot reach the host's network.
#
# Prints KTAP: a result per
# case; exits non-zero if any failed.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../../selftests/ktap.sh
source "$here/../../../selftests/ktap.sh"
ktap_begin
QUICK=${WGCTL_QUICK:-$here/../wgctl-quick}

PRIV=dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=
PUB=3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08=

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wgctl-quick-unit.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"
mkdir "$tmp/guard" "$tmp/etc"
for b in ip wgctl nft sysctl resolvconf modprobe insmod; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/guard.log"\nexit 99\n' "$b" "$tmp" >"$tmp/guard/$b"
	chmod 755 "$tmp/guard/$b"
done
: >"$tmp/guard.log"

pass() { ktap_result "quick/$1" ok; }
fail() { ktap_result "quick/$1" fail "$2"; }

# run ARGS...: wgctl-quick with the guard first on PATH; sets out, err, rc
run() {
	out=$(PATH="$tmp/guard:$PATH" WGCTL_QUICK_CONFIG_DIR="$tmp/etc" "$QUICK" "$@" </dev/null 2>"$tmp/stderr")
	rc=$?
	err=$(<"$tmp/stderr")
}

# conf NAME: writes stdin to $tmp/NAME.conf (mode 600), prints the path
conf() {
	(umask 077 && cat >"$tmp/$1.conf")
	printf '%s\n' "$tmp/$1.conf"
}

# expect_error NAME WANT_STDERR: status 1, nothing on stdout, stderr exactly
expect_error() {
	if ((rc != 1)); then
		fail "$1" "exit status $rc, wanted 1 (stderr: $err)"
	elif [[ -n $out ]]; then
		fail "$1" "unexpected stdout: $out"
	elif [[ $err != "$2" ]]; then
		fail "$1" "stderr '$err', wanted '$2'"
	else
		pass "$1"
	fi
}

# bad_value NAME LINE_TEXT MESSAGE: the line, as line 3 of an [Interface]
# section, is refused with MESSAGE, naming the file and line 3
bad_value() {
	local c
	c=$(printf '[Interface]\nPrivateKey = %s\n%s\n' "$PRIV" "$2" | conf bad)
	run strip "$c"
	expect_error "bad/$1" "wgctl-quick: $c:3: $3"
}

good_value() {
	local c
	c=$(printf '[Interface]\nPrivateKey = %s\n%s\n' "$PRIV" "$2" | conf good)
	run strip "$c"
	if ((rc != 0)); then
		fail "good/$1" "'$2' refused (status $rc): $err"
	elif [[ $out != "[Interface]"$'\n'"PrivateKey = $PRIV" ]]; then
		fail "good/$1" "'$2': strip printed '$out'"
	else
		pass "good/$1"
	fi
}

# ---- strip: our keys go, in [Interface] only, whatever their case and
# spacing; everything else stays as written
c=$(conf wg0 <<EOF
# top comment
[Interface]
PrivateKey = $PRIV
Address = 10.0.0.1/24, fd00::1/64
  address=10.9.0.1 # indented, lower case
ListenPort = 51820
DNS = 10.0.0.53, example.com
M T U = 1400
Table = off
PreUp = echo %i up
PostUp = echo two words
PreDown = echo a
PostDown = echo b
SaveConfig = TRUE

[Peer]
PublicKey = $PUB
AllowedIPs = 0.0.0.0/0
Address = 10.1.1.1
EOF
)
want="# top comment
[Interface]
PrivateKey = $PRIV
ListenPort = 51820

[Peer]
PublicKey = $PUB
AllowedIPs = 0.0.0.0/0
Address = 10.1.1.1"
run strip "$c"
if ((rc == 0)) && [[ $out == "$want" && -z $err ]]; then
	pass strip
else
	fail strip "status $rc, stdout '$out', stderr '$err'"
fi

# by name, from WGCTL_QUICK_CONFIG_DIR
cp -p "$c" "$tmp/etc/wgq1.conf"
run strip wgq1
if ((rc == 0)) && [[ $out == "$want" ]]; then pass strip-by-name; else fail strip-by-name "status $rc: $err"; fi

# CRLF line ends and a last line without a newline
printf '[Interface]\r\nAddress = 10.0.0.1/24\r\nPrivateKey = %s' "$PRIV" | conf crlf >/dev/null
run strip "$tmp/crlf.conf"
if ((rc == 0)) && [[ $out == "[Interface]"$'\n'"PrivateKey = $PRIV" ]]; then
	pass strip-crlf
else
	fail strip-crlf "status $rc, stdout '$out', stderr '$err'"
fi

# ---- bad values: the file and the line are named
bad_value address-octet "Address = 10.0.0.256/24" "Address: \`10.0.0.256/24' is not an IPv4 or IPv6 address with an optional /prefix length"
bad_value address-len4 "Address = 10.0.0.1/33" "Address: \`10.0.0.1/33' is not an IPv4 or IPv6 address with an optional /prefix length"
bad_value address-len6 "Address = fd00::1/129" "Address: \`fd00::1/129' is not an IPv4 or IPv6 address with an optional /prefix length"
bad_value address-two-gaps "Address = fd00::1::2" "Address: \`fd00::1::2' is not an IPv4 or IPv6 address with an optional /prefix length"
bad_value address-nine-groups "Address = 1:2:3:4:5:6:7:8:9" "Address: \`1:2:3:4:5:6:7:8:9' is not an IPv4 or IPv6 address with an optional /prefix length"
bad_value address-leading-zero "Address = 010.0.0.1" "Address: \`010.0.0.1' is not an IPv4 or IPv6 address with an optional /prefix length"
bad_value address-name "Address = example.com" "Address: \`example.com' is not an IPv4 or IPv6 address with an optional /prefix length"
bad_value address-empty-item "Address = 10.0.0.1,,10.0.0.2" "Address: empty item in \`10.0.0.1,,10.0.0.2'"
bad_value address-empty "Address =" "Address needs a value"
bad_value mtu-low "MTU = 67" "MTU must be a number from 68 to 65440, not \`67'"
bad_value mtu-high "MTU = 65441" "MTU must be a number from 68 to 65440, not \`65441'"
bad_value mtu-word "MTU = auto" "MTU must be a number from 68 to 65440, not \`auto'"
bad_value table-zero "Table = 0" "Table: \`0' is not a table number from 1 to 4294967295"
bad_value table-big "Table = 4294967296" "Table: \`4294967296' is not a table number from 1 to 4294967295"
bad_value table-name "Table = nosuchtable" "Table: \`nosuchtable' is not off, auto, a number or a table name from rt_tables"
bad_value saveconfig "SaveConfig = yes" "SaveConfig must be true or false, not \`yes'"
bad_value dns-addr "DNS = 10.0.0" "DNS: \`10.0.0' is not a valid IPv4 or IPv6 address"
bad_value dns-word "DNS = -x" "DNS: \`-x' is neither an address nor a search domain"
bad_value hook-empty "PostUp =   " "PostUp needs a value"

# MTU under 1280 with an IPv6 address, whichever line comes first
c=$(printf '[Interface]\nMTU = 1200\nAddress = 10.0.0.1/24, fd00::1/64\n' | conf mtu6)
run strip "$c"
expect_error mtu-ipv6 "wgctl-quick: $c:2: MTU 1200 is below 1280, the least IPv6 works with, and an Address is IPv6"

# ---- good values
good_value ipv6-compressed "Address = fd00::1/64"
good_value ipv6-full "Address = 2001:db8:0:0:0:0:0:1/128"
good_value ipv6-v4-tail "Address = ::ffff:192.0.2.1/128"
good_value ipv6-gap-end "Address = 1:2:3:4:5:6:7::"
good_value address-list "Address = 10.0.0.1 , 10.0.0.2/32,fd00::2"
good_value mtu-ipv4-low "MTU = 576"
good_value table-num "Table = 1234"
good_value table-main "Table = main"
good_value table-case "Table = OFF"
good_value dns-mixed "DNS = 10.0.0.53, fd00::53, corp.example"
good_value saveconfig "SaveConfig = False"
good_value hook-quotes "PreUp = echo 'a = b' \"%i\""
good_value hook-only-comment "PostUp = # for bash, a command that does nothing"

# ---- files and names
c=$(printf '[Interface]\nPrivateKey = %s\n' "$PRIV" | conf open)
chmod 644 "$c"
run strip "$c"
if ((rc == 0)) && [[ $err == "wgctl-quick: warning: \`$c' can be read by users other than its owner (mode 644), and it may hold a private key: chmod 600 it" ]]; then
	pass world-readable-warning
else
	fail world-readable-warning "status $rc, stderr '$err'"
fi

run strip nosuch
expect_error missing-by-name "wgctl-quick: \`$tmp/etc/nosuch.conf' does not exist"
run strip "$tmp/nosuch.conf"
expect_error missing-path "wgctl-quick: \`$tmp/nosuch.conf' does not exist"
run strip 'wg 0'
expect_error bad-name "wgctl-quick: \`wg 0' is neither an interface name (1 to 15 of a-z A-Z 0-9 _ = + . -) nor a path ending in .conf"
run strip "$tmp/sixteen-chars-xx.conf"
expect_error long-name "wgctl-quick: \`$tmp/sixteen-chars-xx.conf': \`sixteen-chars-xx' cannot be an interface name (1 to 15 of a-z A-Z 0-9 _ = + . -)"
run strip "$tmp/wg0.txt"
expect_error not-conf "wgctl-quick: \`$tmp/wg0.txt': the file's name must be the interface name followed by .conf"

# ---- command line
run --help
if ((rc == 0)) && [[ $out == Usage:* ]]; then pass help; else fail help "status $rc"; fi
run
if ((rc == 1)) && [[ $err == Usage:* && -z $out ]]; then pass no-arguments; else fail no-arguments "status $rc, stderr '$err'"; fi
run sideways wg0
if ((rc == 1)) && [[ $err == "wgctl-quick: unknown command \`sideways'"$'\n'Usage:* ]]; then
	pass unknown-command
else
	fail unknown-command "status $rc, stderr '$err'"
fi

# not root: up, down and save refuse before reading anything
if ((EUID == 0)) && command -v setpriv >/dev/null; then
	for cmd in up down save; do
		out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
			env PATH="$tmp/guard:$PATH" "$QUICK" "$cmd" "$tmp/wg0.conf" 2>&1 </dev/null)
		rc=$?
		if ((rc == 1)) && [[ $out == "wgctl-quick: \`$cmd' needs root"* ]]; then
			pass "needs-root/$cmd"
		else
			fail "needs-root/$cmd" "status $rc: $out"
		fi
	done
fi

# ---- up, as far as configuring the new interface, with stand-ins that
# record each command: ip pretends that `link add' worked (and knows of no
# link), everything else fails as the guard does, so that up goes on until
# wgctl fails and then undoes what it did. Shows the order of the steps, the
# commands as given and what the hooks get. Run in a network namespace of
# its own (as root there) besides, so nothing could reach the host's.
fake=$tmp/fake
mkdir "$fake"
for b in ip wgctl nft sysctl resolvconf modprobe insmod; do
	cat >"$fake/$b" <<EOF
#!/bin/sh
echo "$b \$*" >>"$tmp/fake.log"
[ "$b \$1 \$2" = "ip link add" ] && exit 0
exit 99
EOF
	chmod 755 "$fake/$b"
done
in_netns() {
	if ((EUID == 0)); then
		unshare -n "$@"
	else
		unshare -rn "$@"
	fi
}
# fake_up CONF: sets rc, err, and log (the commands run, in order)
fake_up() {
	: >"$tmp/fake.log"
	in_netns env PATH="$fake:$PATH" "$QUICK" up "$1" </dev/null >/dev/null 2>"$tmp/stderr"
	rc=$?
	err=$(<"$tmp/stderr")
	log=$(<"$tmp/fake.log")
}
# expect_log NAME WANT: up failed (wgctl did) and ran WANT, in that order
expect_log() {
	if ((rc != 1)); then
		fail "$1" "exit status $rc, wanted 1 (stderr: $err)"
	elif [[ $log != "$2" ]]; then
		fail "$1" "ran '${log//$'\n'/; }', wanted '${2//$'\n'/; }'"
	else
		pass "$1"
	fi
}

if in_netns true 2>/dev/null; then
	# an interface named after an ip keyword; PreUp once it exists
	c=$(conf dev <<EOF
[Interface]
PrivateKey = $PRIV
PreUp = echo "preup %i" >>$tmp/fake.log
EOF
	)
	fake_up "$c"
	expect_log up/steps "ip link show dev dev
ip link add dev dev type wgc
preup dev
wgctl addconf dev /dev/stdin
wgctl show dev fwmark
nft list tables
ip link delete dev dev"

	# a hook is passed to bash whole: a # in quotes or inside a word is
	# no comment, one that starts a word is bash's
	c=$(conf hash <<EOF
[Interface]
PrivateKey = $PRIV
PreUp = echo 'a#b' "c # d" e#f >>$tmp/fake.log # bash's comment
EOF
	)
	fake_up "$c"
	expect_log up/hook-hash "ip link show dev hash
ip link add dev hash type wgc
a#b c # d e#f
wgctl addconf hash /dev/stdin
wgctl show hash fwmark
nft list tables
ip link delete dev hash"
fi

# nothing above may have got as far as the system
if [[ -s $tmp/guard.log ]]; then
	fail no-system-changes "wgctl-quick ran: $(tr '\n' ';' <"$tmp/guard.log")"
else
	pass no-system-changes
fi

ktap_end
