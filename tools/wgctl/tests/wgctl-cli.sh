#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Command-line tests of wgctl that need no wgc module and change nothing:
# key commands, argument checking, and error reporting. Run on the build
# host by "make -C tools/wgctl unit", or anywhere with WGCTL=/path/to/wgctl.
#
# Prints KTAP, a result per
# case; exits non-zero if any failed.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../../selftests/ktap.sh
source "$here/../../../selftests/ktap.sh"
ktap_begin
WGCTL=${WGCTL:-$here/../../../build/wgctl/wgctl}
# An interface name that cannot exist (the test never creates one).
NOSUCH=wgcnosuch0

ALICE_PRIV=dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=
ALICE_PUB=hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=
BOB_PRIV=XasIfmJKikt54X+Lg4AO5m87sSkmGLb9HC+LJ/+I4Os=
BOB_PUB=3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08=

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wgctl-cli.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

pass() { ktap_result "cli/$1" ok; }
fail() { ktap_result "cli/$1" fail "$2"; }

# run ARGS...: run wgctl with stdin from /dev/null; sets out, err, rc.
run() {
	out=$("$WGCTL" "$@" </dev/null 2>"$tmp/stderr")
	rc=$?
	err=$(<"$tmp/stderr")
}

# run_in INPUT ARGS...: the same with INPUT on stdin.
run_in() {
	local input=$1
	shift
	out=$(printf '%s' "$input" | "$WGCTL" "$@" 2>"$tmp/stderr")
	rc=$?
	err=$(<"$tmp/stderr")
}

lines() {
	[[ -z $1 ]] && echo 0 && return
	printf '%s\n' "$1" | wc -l
}

# expect_error NAME PATTERN: failed with exactly one stderr line matching
# the extended regex PATTERN and nothing on stdout.
expect_error() {
	if ((rc != 1)); then
		fail "$1" "exit status $rc, wanted 1"
	elif [[ -n $out ]]; then
		fail "$1" "unexpected stdout: $out"
	elif (($(lines "$err") != 1)); then
		fail "$1" "wanted one stderr line, got: $err"
	elif ! grep -Eq -- "$2" <<<"$err"; then
		fail "$1" "stderr \"$err\" does not match /$2/"
	else
		pass "$1"
	fi
}

# expect_early_error NAME PATTERN: as above, and the kernel was never
# asked: no "Unable to modify" and no "module is not loaded".
expect_early_error() {
	if grep -Eq 'Unable to modify|module is not loaded' <<<"$err"; then
		fail "$1" "reached the kernel: $err"
	else
		expect_error "$1" "$2"
	fi
}

is_key() {
	[[ $1 =~ ^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$ ]]
}

# --- genkey, genpsk, pubkey ---

run genkey
if ((rc == 0)) && is_key "$out" && ((${#out} == 44)) && [[ -z $err ]]; then
	pass genkey-format
else
	fail genkey-format "rc=$rc out=\"$out\" err=\"$err\""
fi

run genpsk
if ((rc == 0)) && is_key "$out" && [[ -z $err ]]; then
	pass genpsk-format
else
	fail genpsk-format "rc=$rc out=\"$out\""
fi

run genkey
k1=$out
run genkey
if [[ $k1 != "$out" ]]; then
	pass genkey-differs
else
	fail genkey-differs "two runs gave $out"
fi

bad=
for i in $(seq 20); do
	key=$("$WGCTL" genkey)
	bytes=($(base64 -d <<<"$key" | od -An -tu1))
	first=${bytes[0]} last=${bytes[31]}
	if ((first % 8 != 0 || last < 64 || last > 127)); then
		bad="$key: first byte $first, last byte $last"
		break
	fi
done
if [[ -z $bad ]]; then
	pass genkey-clamped
else
	fail genkey-clamped "$bad"
fi

key=$("$WGCTL" genkey)
run_in "$key" pubkey
pub1=$out
run_in "$key" pubkey
if ((rc == 0)) && is_key "$pub1" && [[ $pub1 == "$out" && $pub1 != "$key" ]]; then
	pass genkey-pubkey-consistent
else
	fail genkey-pubkey-consistent "key $key gave \"$pub1\" then \"$out\""
fi

if command -v wg >/dev/null; then
	theirs=$(printf '%s\n' "$key" | wg pubkey)
	if [[ $theirs == "$pub1" ]]; then
		pass pubkey-matches-wg
	else
		fail pubkey-matches-wg "wg says $theirs, wgctl $pub1"
	fi
fi

run_in "$ALICE_PRIV"$'\n' pubkey
if ((rc == 0)) && [[ $out == "$ALICE_PUB" && -z $err ]]; then
	pass pubkey-rfc7748-alice
else
	fail pubkey-rfc7748-alice "rc=$rc out=\"$out\" err=\"$err\""
fi

run_in "$BOB_PRIV"$' \t\r\n\n' pubkey
if ((rc == 0)) && [[ $out == "$BOB_PUB" ]]; then
	pass pubkey-rfc7748-bob-trailing-whitespace
else
	fail pubkey-rfc7748-bob-trailing-whitespace "rc=$rc out=\"$out\""
fi

KEYERR='^wgctl: Key is not the correct length or format$'
run_in "garbage" pubkey
expect_error pubkey-garbage "$KEYERR"
run_in "" pubkey
expect_error pubkey-empty "$KEYERR"
run_in "${ALICE_PRIV:0:43}" pubkey
expect_error pubkey-43-chars "$KEYERR"
run_in "${ALICE_PRIV}A" pubkey
expect_error pubkey-45-chars "$KEYERR"
run_in " $ALICE_PRIV" pubkey
expect_error pubkey-leading-space "$KEYERR"
run_in "${ALICE_PRIV:0:42}p=" pubkey
expect_error pubkey-non-canonical "$KEYERR"
run_in "$(head -c 100000 /dev/zero | tr '\0' 'A')" pubkey
expect_error pubkey-huge-input "$KEYERR"

run genkey extra
expect_error genkey-extra-argument '^Usage: wgctl genkey$'

# World-accessible output file: a warning, and the key is still written.
(umask 022 && "$WGCTL" genkey >"$tmp/key-022" 2>"$tmp/warn-022")
(umask 077 && "$WGCTL" genkey >"$tmp/key-077" 2>"$tmp/warn-077")
if grep -q '^Warning: writing to world accessible file\.$' "$tmp/warn-022" &&
   grep -q '^Consider setting the umask to 077 and trying again\.$' "$tmp/warn-022" &&
   is_key "$(<"$tmp/key-022")" && [[ ! -s $tmp/warn-077 ]] &&
   is_key "$(<"$tmp/key-077")"; then
	pass genkey-world-accessible-warning
else
	fail genkey-world-accessible-warning "$(cat "$tmp/warn-022" "$tmp/warn-077")"
fi

# --- set: everything is checked before the kernel is asked ---

umask 077
printf '%s\n' "$ALICE_PRIV" >"$tmp/good.key"
printf 'not a key\n' >"$tmp/junk.key"
: >"$tmp/empty.key"

for port in 65536 -1 '' 12a 0x10 99999999999; do
	run set "$NOSUCH" listen-port "$port"
	expect_early_error "set-bad-port-\"$port\"" \
		"^wgctl: Invalid listen port: \`$port'"
done

for mark in -1 0x100000000 12a '' 0X10 0x; do
	run set "$NOSUCH" fwmark "$mark"
	expect_early_error "set-bad-fwmark-\"$mark\"" \
		"^wgctl: Invalid fwmark: \`$mark'"
done

run set "$NOSUCH" private-key "$tmp/junk.key"
expect_early_error set-bad-keyfile \
	"^wgctl: Key is not the correct length or format: \`$tmp/junk.key'\$"

run set "$NOSUCH" private-key "$tmp/missing.key"
expect_early_error set-missing-keyfile \
	"^wgctl: Unable to read private key file \`$tmp/missing.key': No such file or directory\$"

run set "$NOSUCH" private-key "$tmp"
expect_early_error set-keyfile-is-directory "\`$tmp': Is a directory\$"

# bash process substitution hands over /dev/fd/N.
out=$("$WGCTL" set "$NOSUCH" private-key <(echo junk) 2>"$tmp/stderr")
rc=$?
err=$(<"$tmp/stderr")
expect_early_error set-bad-keyfile-process-substitution \
	"^wgctl: Key is not the correct length or format: \`/dev/fd/[0-9]+'\$"

# A good key, then a bad option later on: still refused up front.
out=$("$WGCTL" set "$NOSUCH" private-key <(echo "$ALICE_PRIV") \
	listen-port 70000 2>"$tmp/stderr")
rc=$?
err=$(<"$tmp/stderr")
expect_early_error set-good-key-then-bad-port "Invalid listen port: \`70000'"

run set "$NOSUCH" listen-port 1 fwmark 0x1 fwmark nope
expect_early_error set-last-option-checked "Invalid fwmark: \`nope'"

# The permissions warning waits until the command line is known good.
chmod 0644 "$tmp/good.key"
run set "$NOSUCH" private-key "$tmp/good.key" listen-port x
expect_early_error set-no-warning-before-error "Invalid listen port"
chmod 0600 "$tmp/good.key"

run set "$NOSUCH" bogus 1
if ((rc == 1)) && [[ $(head -n1 <<<"$err") == "wgctl: Invalid argument: \`bogus'" ]] &&
   grep -q '^Usage: wgctl set ' <<<"$err"; then
	pass set-unknown-option
else
	fail set-unknown-option "rc=$rc err=\"$err\""
fi

run set "$NOSUCH" listen-port
if ((rc == 1)) && grep -q "^wgctl: Missing value for \`listen-port'" <<<"$err"; then
	pass set-missing-value
else
	fail set-missing-value "rc=$rc err=\"$err\""
fi

run set
if ((rc == 1)) && grep -q '^Usage: wgctl set ' <<<"$err"; then
	pass set-no-interface
else
	fail set-no-interface "rc=$rc err=\"$err\""
fi

run set abcdefghijklmnopq listen-port 1
expect_early_error set-long-name "^wgctl: Invalid interface name: "

run set "$NOSUCH"
if ((rc == 1)) && [[ -z $out ]] && grep -q '^Usage: wgctl set ' <<<"$err" &&
   ! grep -Eq 'Unable to modify|module is not loaded' <<<"$err"; then
	pass set-nothing-to-set
else
	fail set-nothing-to-set "rc=$rc err=\"$err\""
fi

# --- set: peers, every option checked before the kernel is asked ---

printf 'not a key\n' >"$tmp/junk.psk"

# expect_early_usage NAME PATTERN: as expect_early_error, but the error
# line is followed by the usage.
expect_early_usage() {
	if ((rc == 1)) && [[ -z $out ]] &&
	   grep -Eq -- "$2" <<<"$(head -n1 <<<"$err")" &&
	   grep -q '^Usage: wgctl set ' <<<"$err" &&
	   ! grep -Eq 'Unable to modify|module is not loaded' <<<"$err"; then
		pass "$1"
	else
		fail "$1" "rc=$rc out=\"$out\" err=\"$err\""
	fi
}

run set "$NOSUCH" peer AAAA
expect_early_error set-peer-bad-key "^wgctl: Invalid peer public key: \`AAAA'"
run set "$NOSUCH" peer
expect_early_usage set-peer-missing-key "^wgctl: Missing value for \`peer'\$"
run set "$NOSUCH" remove
expect_early_usage set-remove-before-peer "^wgctl: Invalid argument: \`remove' \\(peer options must follow"
run set "$NOSUCH" peer "$ALICE_PUB" listen-port 1
expect_early_usage set-interface-option-after-peer "^wgctl: Invalid argument: \`listen-port' \\(interface options must come before"
run set "$NOSUCH" peer "$ALICE_PUB" update-only
expect_early_usage set-update-only-unknown "^wgctl: Invalid argument: \`update-only'\$"
run set "$NOSUCH" peer "$ALICE_PUB" endpoint 192.0.2.1:65536
expect_early_error set-endpoint-port-65536 "^wgctl: Invalid endpoint: \`192.0.2.1:65536': port"
run set "$NOSUCH" peer "$ALICE_PUB" endpoint '[fe80::1%lo]:51820'
expect_early_error set-endpoint-zone-id "^wgctl: Invalid endpoint: .*IPv6 zone ids are not supported\$"
run set "$NOSUCH" peer "$ALICE_PUB" endpoint 192.0.2.1
expect_early_error set-endpoint-no-port "^wgctl: Invalid endpoint: \`192.0.2.1': missing"
run set "$NOSUCH" peer "$ALICE_PUB" allowed-ips 10.0.0.0/33
expect_early_error set-allowed-ips-cidr-33 "^wgctl: Invalid allowed IPs: \`10.0.0.0/33': prefix length must be 0 to 32\$"
run set "$NOSUCH" peer "$ALICE_PUB" allowed-ips ::/129
expect_early_error set-allowed-ips-cidr-129 "prefix length must be 0 to 128\$"
run set "$NOSUCH" peer "$ALICE_PUB" allowed-ips 'fe80::1%lo/64'
expect_early_error set-allowed-ips-zone-id "IPv6 zone ids are not supported\$"
run set "$NOSUCH" peer "$ALICE_PUB" allowed-ips '10.0.0.0/8,'
expect_early_error set-allowed-ips-trailing-comma "empty entry in the list\$"
run set "$NOSUCH" peer "$ALICE_PUB" allowed-ips '+10.0.0.0/8, -'
expect_early_error set-allowed-ips-lone-minus "^wgctl: Invalid allowed IPs: \`-': no address after \`-'\$"
run set "$NOSUCH" peer "$ALICE_PUB" allowed-ips '--10.0.0.0/8'
expect_early_error set-allowed-ips-double-minus "^wgctl: Invalid allowed IPs: \`--10.0.0.0/8': more than one \`\+' or \`-'\$"
run set "$NOSUCH" peer "$ALICE_PUB" allowed-ips -10.0.0.0/8 allowed-ips 10.1.0.0/16
expect_early_error set-allowed-ips-bare-after-marked "^wgctl: Invalid allowed IPs: a list with no \`\+' or \`-' entry replaces"
run set "$NOSUCH" peer "$ALICE_PUB" persistent-keepalive 65536
expect_early_error set-keepalive-65536 "^wgctl: Invalid persistent keepalive interval: \`65536'"
run set "$NOSUCH" peer "$ALICE_PUB" preshared-key "$tmp/junk.psk"
expect_early_error set-psk-junk "^wgctl: Key is not the correct length or format: \`$tmp/junk.psk'\$"
run set "$NOSUCH" peer "$ALICE_PUB" preshared-key "$tmp/missing.psk"
expect_early_error set-psk-missing "^wgctl: Unable to read preshared key file \`$tmp/missing.psk': No such file or directory\$"

# Good peers and a good key file first, a bad value last: nothing sent.
chmod 0644 "$tmp/good.key"
run set "$NOSUCH" private-key "$tmp/good.key" peer "$ALICE_PUB" \
	allowed-ips 10.1.2.3/8 endpoint 192.0.2.1:1 peer "$BOB_PUB" \
	persistent-keepalive off allowed-ips nope
expect_early_error set-peers-then-bad-value "^wgctl: Invalid allowed IPs: \`nope'"
chmod 0600 "$tmp/good.key"

out=$(WG_ENDPOINT_RESOLUTION_RETRIES=lots "$WGCTL" set "$NOSUCH" peer \
	"$ALICE_PUB" endpoint 192.0.2.1:1 2>"$tmp/stderr")
rc=$?
err=$(<"$tmp/stderr")
expect_early_error set-bad-resolution-retries "^wgctl: Invalid WG_ENDPOINT_RESOLUTION_RETRIES: \`lots'"

run set --help
if ((rc == 0)) && [[ $out == *'[peer <base64 public key> [remove] [preshared-key <file path>] [endpoint <ip>:<port>] [persistent-keepalive <interval seconds>] [allowed-ips [+|-]<ip1>/<cidr1>[,[+|-]<ip2>/<cidr2>]...] ]...'* ]]; then
	pass set-help-lists-peer-options
else
	fail set-help-lists-peer-options "rc=$rc out=\"$out\""
fi

# Nothing here reaches generic netlink: looking up the "wgc" family on the
# build machine would make its kernel try to autoload a module. What the
# kernel answers is tested in the VM (selftests/config.test.sh).

# --- show and the rest ---

run show "$NOSUCH" bogus
if ((rc == 1)) && [[ -z $out ]] && grep -q '^Usage: wgctl show ' <<<"$err"; then
	pass show-bad-field
else
	fail show-bad-field "rc=$rc err=\"$err\""
fi

run show all peer
if ((rc == 1)) && grep -q '^Usage: wgctl show ' <<<"$err"; then
	pass show-all-bad-field
else
	fail show-all-bad-field "rc=$rc err=\"$err\""
fi

run show interfaces public-key
if ((rc == 1)) && grep -q '^Usage: wgctl show ' <<<"$err"; then
	pass show-interfaces-extra-argument
else
	fail show-interfaces-extra-argument "rc=$rc err=\"$err\""
fi

run show --help
if ((rc == 0)) && [[ -z $err ]] &&
   grep -q '^Usage: wgctl show .* | handshake-stats | event-stats | stats | dump\]$' <<<"$out"; then
	pass show-usage-lists-handshake-stats
else
	fail show-usage-lists-handshake-stats "rc=$rc out=\"$out\" err=\"$err\""
fi

# --json: anywhere among show's arguments, never with a field or
# "interfaces". All refused before anything is asked of the kernel.
JSONFIELD="^wgctl: --json shows every field; it cannot be combined with \`"
run show --json "$NOSUCH" dump
expect_error show-json-with-field "${JSONFIELD}dump'\$"
run show "$NOSUCH" dump --json
expect_error show-json-after-field "${JSONFIELD}dump'\$"
run show "$NOSUCH" --json peers
expect_error show-json-between "${JSONFIELD}peers'\$"
run show all --json handshake-stats
expect_error show-json-all-with-field "${JSONFIELD}handshake-stats'\$"
run show --json "$NOSUCH" bogus
expect_error show-json-with-unknown-field "${JSONFIELD}bogus'\$"
run show --json interfaces
expect_error show-json-interfaces "^wgctl: --json cannot be combined with \`interfaces': .*\\.interfaces\\[\\]\\.name\$"
run show interfaces --json
expect_error show-interfaces-json "^wgctl: --json cannot be combined with \`interfaces'"

# --openmetrics: the same rules, and not with --json.
OMFIELD="^wgctl: --openmetrics shows every peer's counters; it cannot be combined with \`"
run show --openmetrics "$NOSUCH" stats
expect_error show-openmetrics-with-field "${OMFIELD}stats'\$"
run show all transfer --openmetrics
expect_error show-openmetrics-all-with-field "${OMFIELD}transfer'\$"
run show --openmetrics interfaces
expect_error show-openmetrics-interfaces "^wgctl: --openmetrics cannot be combined with \`interfaces'\$"
run show --json --openmetrics
expect_error show-openmetrics-and-json "^wgctl: --json and --openmetrics are two forms of one output: choose one\$"
run show --openmetrics --prometheus
expect_error show-openmetrics-and-prometheus "^wgctl: --openmetrics and --prometheus are two forms of one output: choose one\$"
run show wg0 --prometheus dump
expect_error show-prometheus-with-field "^wgctl: --prometheus shows every peer's counters; it cannot be combined with \`dump'\$"

# Without wgc links, an exposition with no samples: the families, and
# its end.
run show --openmetrics
if ((rc == 0)) && [[ -z $err ]] && [[ $(tail -n1 <<<"$out") == "# EOF" ]] &&
   ! grep -qv '^#' <<<"$out" && grep -q '^# TYPE wgc_peer_received_bytes counter$' <<<"$out"; then
	pass show-openmetrics-no-interfaces
else
	fail show-openmetrics-no-interfaces "rc=$rc out=\"$out\" err=\"$err\""
fi
run show --prometheus
if ((rc == 0)) && [[ -z $err ]] && ! grep -q '^# EOF' <<<"$out" &&
   ! grep -qv '^#' <<<"$out" && grep -q '^# TYPE wgc_peer_received_bytes_total counter$' <<<"$out"; then
	pass show-prometheus-no-interfaces
else
	fail show-prometheus-no-interfaces "rc=$rc out=\"$out\" err=\"$err\""
fi

run show --json "$NOSUCH" dump extra
if ((rc == 1)) && [[ -z $out ]] && grep -q '^Usage: wgctl show ' <<<"$err"; then
	pass show-json-too-many-arguments
else
	fail show-json-too-many-arguments "rc=$rc out=\"$out\" err=\"$err\""
fi

# Without wgc links (the build host has none), the empty document; only
# rtnetlink is asked, as for "show interfaces".
EMPTY_JSON=$'{\n  "version": 1,\n  "interfaces": []\n}'
for args in "--json" "all --json" "--json all" "--json --json"; do
	# shellcheck disable=SC2086 # split on purpose
	run show $args
	if ((rc == 0)) && [[ -z $err && $out == "$EMPTY_JSON" ]]; then
		pass "show-json-no-interfaces-\"$args\""
	else
		fail "show-json-no-interfaces-\"$args\"" "rc=$rc out=\"$out\" err=\"$err\""
	fi
done

run show --help
if ((rc == 0)) && grep -q '^Usage: wgctl show \[--json | --openmetrics | --prometheus\] { <interface> | all | interfaces } ' <<<"$out"; then
	pass show-usage-lists-json
else
	fail show-usage-lists-json "rc=$rc out=\"$out\""
fi

run show interfaces
if ((rc == 0)) && [[ -z $err ]]; then
	pass show-interfaces
else
	fail show-interfaces "rc=$rc err=\"$err\""
fi

run bogus
if ((rc == 1)) && [[ -z $out ]] &&
   [[ $(head -n1 <<<"$err") == "wgctl: Invalid subcommand: \`bogus'" ]] &&
   grep -q '^Usage: wgctl <cmd>' <<<"$err"; then
	pass unknown-command
else
	fail unknown-command "rc=$rc err=\"$err\""
fi

run --help
if ((rc == 0)) && [[ -z $err ]]; then
	missing=
	for cmd in show showconf set setconf addconf syncconf genkey genpsk pubkey; do
		grep -q "^  $cmd: " <<<"$out" || missing+=" $cmd"
	done
	if [[ -z $missing ]]; then
		pass help-lists-commands
	else
		fail help-lists-commands "missing:$missing"
	fi
else
	fail help-lists-commands "rc=$rc err=\"$err\""
fi

run --version
if ((rc == 0)) && [[ $out =~ ^wgctl\ [0-9] ]]; then
	pass version
else
	fail version "rc=$rc out=\"$out\""
fi

# ---- setconf, addconf, syncconf, showconf: checked before the kernel ----

for cmd in setconf addconf syncconf; do
	run "$cmd" "$NOSUCH"
	expect_error "$cmd-usage" "^Usage: wgctl $cmd <interface> <configuration filename>$"
	run "$cmd" "$NOSUCH" "$tmp/missing.conf"
	expect_early_error "$cmd-missing-file" \
		"^wgctl: Unable to read configuration file \`$tmp/missing.conf': No such file or directory$"
done
run showconf
expect_error showconf-usage '^Usage: wgctl showconf \[--json\] <interface>$'
run showconf "$NOSUCH" extra
expect_error showconf-usage-extra '^Usage: wgctl showconf \[--json\] <interface>$'
run setconf 0123456789abcdefghij "$tmp/missing.conf"
expect_early_error setconf-long-name "^wgctl: Invalid interface name: \`0123456789abcdefghij'$"

printf '[Interface]\nListenPort = 51820\n\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.0.0.0/8\nEndpoint = 192.0.2.1:70000\n' \
	"$BOB_PUB" >"$tmp/bad-port.conf"
for cmd in setconf addconf syncconf; do
	run "$cmd" "$NOSUCH" "$tmp/bad-port.conf"
	expect_early_error "$cmd-bad-line-named" \
		"^wgctl: $tmp/bad-port.conf:7: Endpoint \`192.0.2.1:70000': port \`70000' is not a number from 0 to 65535$"
done
# Entries marked `+' or `-': syncconf refuses them, the others take them.
printf '[Peer]\nPublicKey = %s\nAllowedIPs = 10.0.0.0/8\nAllowedIPs = +10.1.0.0/16, -10.2.0.0/16\n' \
	"$BOB_PUB" >"$tmp/marked.conf"
run syncconf "$NOSUCH" "$tmp/marked.conf"
expect_early_error syncconf-refuses-marks \
	"^wgctl: $tmp/marked.conf:4: AllowedIPs: syncconf takes the file as the peer's whole list, so entries may not be marked with \`\\+' or \`-' \\(use addconf to change a list\\)$"
for cmd in setconf addconf; do
	run "$cmd" "$NOSUCH" "$tmp/marked.conf"
	if ((rc == 1)) && grep -Eq 'Unable to modify|module is not loaded' <<<"$err"; then
		pass "$cmd-takes-marks"
	else
		fail "$cmd-takes-marks" "rc=$rc err=\"$err\""
	fi
done
printf '[Peer]\nPublicKey = %s\nAllowedIPs = -10.2.0.0/16\nAllowedIPs = 10.0.0.0/8\n' \
	"$BOB_PUB" >"$tmp/marked-then-bare.conf"
run addconf "$NOSUCH" "$tmp/marked-then-bare.conf"
expect_early_error addconf-bare-after-marked \
	"^wgctl: $tmp/marked-then-bare.conf:4: AllowedIPs: a list with no \`\\+' or \`-' entry replaces the peer's allowed IPs"
printf '[Interface]\nListenPort = 65536\n' >"$tmp/wrap.conf"
run setconf "$NOSUCH" "$tmp/wrap.conf"
expect_early_error setconf-port-does-not-wrap \
	"^wgctl: $tmp/wrap.conf:2: ListenPort \`65536' is not a number from 0 to 65535$"
out=$(WGCTL_CONFIG_NAME=/etc/wgc/wg0.conf "$WGCTL" setconf "$NOSUCH" /dev/stdin \
	<"$tmp/wrap.conf" 2>"$tmp/stderr")
rc=$? err=$(<"$tmp/stderr")
expect_early_error setconf-config-name-from-env \
	"^wgctl: /etc/wgc/wg0.conf:2: ListenPort \`65536' is not a number from 0 to 65535$"

# A good file reaches the kernel (and fails there, on a host without the
# module): the warnings come first, once the whole file was read.
printf '[Interface]\nPrivateKey = %s\nListenPort = 1\nListenPort = 2\n' \
	"$ALICE_PRIV" >"$tmp/exposed.conf"
chmod 644 "$tmp/exposed.conf"
run setconf "$NOSUCH" "$tmp/exposed.conf"
if ((rc == 1)) && grep -q "^Warning: $tmp/exposed.conf:4: ListenPort given again (first on line 3); the last value counts$" <<<"$err" &&
	grep -q "^Warning: \`$tmp/exposed.conf' holds keys and is readable by group or others$" <<<"$err" &&
	! grep -q "$ALICE_PRIV" <<<"$err"; then
	pass setconf-warnings
else
	fail setconf-warnings "rc=$rc err=\"$err\""
fi
chmod 600 "$tmp/exposed.conf"
run setconf "$NOSUCH" "$tmp/exposed.conf"
if grep -q "readable by group" <<<"$err"; then
	fail setconf-private-file-no-warning "err=\"$err\""
else
	pass setconf-private-file-no-warning
fi

if "$WGCTL" genkey >/dev/full 2>"$tmp/stderr"; then
	fail write-error "genkey to /dev/full succeeded"
else
	err=$(<"$tmp/stderr")
	rc=1 out=
	expect_error write-error '^wgctl: Unable to write key: No space left on device$'
fi

ktap_end
