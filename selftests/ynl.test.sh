#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The family's YNL spec (Documentation/netlink/specs/wgc.yaml) against a
# client nobody here wrote: the kernel's own ynl CLI, Linux 6.12's
# tools/net/ynl/cli.py in the image, knows the family only from the spec.
# What it reads from live devices must be what wgctl shows, field by field:
# a tunnel with a handshake made and traffic sent, a second peer with an
# IPv6 endpoint and allowed IPs of both families, both ways of naming the
# device, and a dump of many messages with a peer split across them. What it
# writes (key, port, mark, the replace-peers flag) wgctl must read back, and
# what the kernel refuses it reports with the attribute the spec names. And
# the events group, subscribed to by name: an event it decodes by the spec
# is the one wgctl's change made.
# 6.12's CLI cannot encode indexed arrays (peers, allowed IPs) in requests,
# so those are only read through it.
# timeout: 300
# debug kernel: skip: a userspace client; config and netlink-peers make its requests
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel-lib.sh"

YNL_CLI=/usr/share/wgc/ynl/cli.py
YNL_SPEC=/usr/share/wgc/specs/wgc.yaml
[[ -f $YNL_CLI && -f $YNL_SPEC ]] || fail "the ynl CLI or the spec is not in the image"

# ynl NS ARGS...: the CLI in namespace NS ("-": this one), JSON out. The
# schema was checked on the host (scripts/ynl-check.sh).
ynl() {
	local ns=$1 in=()
	shift
	[[ $ns == - ]] || in=(ip netns exec "$ns")
	"${in[@]}" python3 "$YNL_CLI" --spec "$YNL_SPEC" --no-schema --output-json "$@"
}

# What the CLI decoded of a dump (its JSON on stdin), printed as `wgctl show
# IF dump` prints it, then "handshake-stats" and the lines of `wgctl show IF
# handshake-stats`, "event-stats" and the lines of `wgctl show IF
# event-stats`, then "ifindex N", "ifname NAME", and last "messages N"
# and "split N" (how many peers continued in a next message). Only
# decoded fields are formatted (keys to base64, sockaddrs to text): any
# attribute it did not expect, or a nest index other than the 0 the spec
# promises, fails it.
cat >"$TMPDIR/as-wgctl.py" <<'EOF'
import base64, ipaddress, json, socket, struct, sys

def die(msg):
    sys.exit(f'as-wgctl: {msg}')

def key(h):
    if h is None or bytes.fromhex(h) == bytes(32):
        return '(none)'
    return base64.b64encode(bytes.fromhex(h)).decode()

def entries(array, what):
    for item in array:
        (index, value), = item.items()
        if index != '0':
            die(f'{what} nest with index {index}')
        yield value

def endpoint(h):
    if h is None:
        return '(none)'
    sa = bytes.fromhex(h)
    family, = struct.unpack_from('=H', sa, 0)
    port, = struct.unpack_from('!H', sa, 2)
    if family == socket.AF_INET and len(sa) == 16:
        return f'{ipaddress.IPv4Address(sa[4:8])}:{port}'
    if family == socket.AF_INET6 and len(sa) == 28:
        return f'[{ipaddress.IPv6Address(sa[8:24])}]:{port}'
    die(f'endpoint {h}')

def allowedip(a):
    if set(a) != {'family', 'ipaddr', 'cidr-mask'}:
        die(f'allowed IP {a}')
    ip = bytes.fromhex(a['ipaddr'])
    if (a['family'], len(ip)) not in ((socket.AF_INET, 4), (socket.AF_INET6, 16)):
        die(f'allowed IP {a}')
    return f"{ipaddress.ip_address(ip)}/{a['cidr-mask']}"

PEER = {'public-key', 'preshared-key', 'endpoint',
        'persistent-keepalive-interval', 'last-handshake-time', 'rx-bytes',
        'tx-bytes', 'allowedips', 'protocol-version'}
DEVICE = {'ifindex', 'ifname', 'private-key', 'public-key', 'listen-port',
          'fwmark', 'handshake-stats', 'event-stats', 'keylog', 'peers'}
# the spec's names, in the order and with the names of wgctl's lines
STATS = [('processed', 'processed'), ('invalid', 'invalid'),
         ('ratelimited', 'rate-limited'), ('invalid-mac1', 'invalid-mac1'),
         ('missing-cookie', 'missing-cookie'),
         ('cookie-replies-sent', 'cookie-replies-sent'),
         ('cookies-received', 'cookies-received'),
         ('queue-full', 'queue-full'), ('under-load', 'under-load'),
         ('ratelimiter-entries', 'ratelimiter-entries')]

msgs = json.load(sys.stdin)
dev, peers, split = {}, [], 0
for msg in msgs:
    if not set(msg) <= DEVICE:
        die(f'device attributes {sorted(set(msg) - DEVICE)}')
    for name in ('ifindex', 'ifname'):
        if dev.setdefault(name, msg[name]) != msg[name]:
            die(f'{name} changed between messages')
    dev.update((k, v) for k, v in msg.items() if k != 'peers')
    for peer in entries(msg.get('peers', []), 'peer'):
        if not set(peer) <= PEER:
            die(f'peer attributes {sorted(set(peer) - PEER)}')
        ips = [allowedip(a) for a in entries(peer.get('allowedips', []), 'allowed IP')]
        if peers and peers[-1]['public-key'] == peer['public-key']:
            # the rest of the peer of the message before
            if set(peer) - {'public-key', 'allowedips'}:
                die('a continued peer repeats more than its allowed IPs')
            peers[-1]['ips'] += ips
            split += 1
        else:
            peer['ips'] = ips
            peers.append(peer)

fwmark = dev['fwmark']
print(key(dev.get('private-key')), key(dev.get('public-key')),
      dev['listen-port'], f'0x{fwmark:x}' if fwmark else 'off', sep='\t')
for p in peers:
    if p['protocol-version'] != 1:
        die(f"protocol version {p['protocol-version']}")
    keepalive = p['persistent-keepalive-interval']
    print(key(p['public-key']), key(p.get('preshared-key')),
          endpoint(p.get('endpoint')), ','.join(p['ips']) or '(none)',
          p['last-handshake-time']['sec'], p['rx-bytes'], p['tx-bytes'],
          keepalive or 'off', sep='\t')
print('handshake-stats')
stats = dev['handshake-stats']
if set(stats) != {s for s, _ in STATS}:
    die(f'handshake statistics {sorted(stats)}')
for spec_name, wgctl_name in STATS:
    print(wgctl_name, stats[spec_name], sep='\t')
print('event-stats')
events = dev['event-stats']
if list(events) != ['sent', 'dropped', 'suppressed']:
    die(f'event statistics {list(events)}')
for name, value in events.items():
    print(name, value, sep='\t')
print('ifindex', dev['ifindex'])
print('ifname', dev['ifname'])
print('messages', len(msgs))
print('split', split)
EOF

# as_wgctl NS IFNAME: what wgctl shows of the device, in as-wgctl.py's form.
as_wgctl() {
	local in=()
	[[ $1 == - ]] || in=(ip netns exec "$1")
	"${in[@]}" wgctl show "$2" dump
	echo handshake-stats
	"${in[@]}" wgctl show "$2" handshake-stats
	echo event-stats
	"${in[@]}" wgctl show "$2" event-stats
	echo "ifindex $("${in[@]}" cat "/sys/class/net/$2/ifindex")"
	echo "ifname $2"
}

# same_as_wgctl NS IFNAME REQUEST-JSON [CLI-OPTION...]: the CLI's dump of
# the device must read as wgctl's, fields that move (counters, a handshake)
# taken between two equal reads of wgctl's. Sets MESSAGES and SPLIT.
same_as_wgctl() {
	local ns=$1 dev=$2 json=$3 before after decoded i
	shift 3
	for ((i = 0; i < 5; i++)); do
		before=$(as_wgctl "$ns" "$dev")
		ynl "$ns" "$@" --dump get-device --json "$json" \
			>"$TMPDIR/dump.json" 2>"$TMPDIR/dump.err" ||
			fail "ynl's dump of $dev failed: $(cat "$TMPDIR/dump.json" "$TMPDIR/dump.err" | tail -n 4)"
		decoded=$(python3 "$TMPDIR/as-wgctl.py" <"$TMPDIR/dump.json")
		after=$(as_wgctl "$ns" "$dev")
		[[ $before == "$after" ]] || continue
		SPLIT=${decoded##*$'\n'split }
		decoded=${decoded%$'\n'split *}
		MESSAGES=${decoded##*$'\n'messages }
		assert_eq "${decoded%$'\n'messages *}" "$before" "ynl's dump of $dev, as wgctl shows it"
		return 0
	done
	fail "$dev kept changing under the reads"
}

dump() {
	same_as_wgctl n1 wg0 '{"ifname": "wg0"}'
	assert_eq "$MESSAGES" 1 "messages of the dump"
	# wgctl shows none of these: the decoded values themselves
	python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))[0]
p = [e["0"] for e in m["peers"]]
print(len(p), p[0]["last-handshake-time"]["sec"] > 0,
      p[0]["last-handshake-time"]["nsec"] < 10**9, p[0]["rx-bytes"] > 0)
' "$TMPDIR/dump.json" >"$TMPDIR/facts"
	assert_eq "$(<"$TMPDIR/facts")" "2 True True True" "peers, handshake time (struct __kernel_timespec), rx bytes"
}

dump_by_ifindex() {
	local ifindex
	ifindex=$(n1 cat /sys/class/net/wg0/ifindex)
	same_as_wgctl n1 wg0 "{\"ifindex\": $ifindex}"
}

# Many messages (the CLI's --dbg-small-recv reads 4000 bytes at a time, so
# the kernel fills messages no larger), and a peer whose allowed IPs span
# several of them.
many_messages() {
	local npeers=200 nips=1000
	if ((TUN_SLOW)); then
		npeers=100 nips=600
	fi
	ip link add wg1 type wgc
	python3 - "$npeers" "$nips" >"$TMPDIR/many.conf" <<-'EOF'
		import base64, sys
		npeers, nips = map(int, sys.argv[1:])
		key = lambda n: base64.b64encode(b'ynl-peer' + n.to_bytes(24, 'big')).decode()
		print('[Interface]\nListenPort = 51990')
		for n in range(npeers):
		    print(f'[Peer]\nPublicKey = {key(n)}\nEndpoint = 192.0.2.{n % 250 + 1}:{1000 + n}')
		    print(f'AllowedIPs = 10.{n // 256}.{n % 256}.0/24, fd00:{n:x}::/64')
		print(f'[Peer]\nPublicKey = {key(npeers)}\nPersistentKeepalive = 0')
		print('AllowedIPs = ' + ', '.join(f'fd01::{i:x}/128' for i in range(nips)))
	EOF
	wgctl setconf wg1 "$TMPDIR/many.conf"
	same_as_wgctl - wg1 '{"ifname": "wg1"}' --dbg-small-recv
	((MESSAGES >= 6 && SPLIT >= 2)) ||
		fail "the dump took $MESSAGES messages, $SPLIT peers continued: too few to test joining them"
	log "dump of $((npeers + 1)) peers in $MESSAGES messages, $SPLIT peers continued in the next"
}

hex_of() { base64 -d | od -An -v -tx1 | tr -d ' \n'; }

set_device() {
	local priv pub
	ip link add wg2 type wgc
	priv=$(wgctl genkey)
	pub=$(wgctl pubkey <<<"$priv")
	expect_ok ynl - --do set-device --json "{\"ifname\": \"wg2\",
		\"private-key\": \"$(hex_of <<<"$priv")\",
		\"listen-port\": 51999, \"fwmark\": 305419896}"
	assert_eq "$OUT" null "the reply to set-device"
	assert_eq "$(wgctl show wg2 private-key)" "$priv" "private key"
	assert_eq "$(wgctl show wg2 public-key)" "$pub" "public key"
	assert_eq "$(wgctl show wg2 listen-port)" 51999 "listen port"
	assert_eq "$(wgctl show wg2 fwmark)" 0x12345678 "fwmark"

	# Flags by the names of the spec's enum: replace-peers, and no peers.
	wgctl set wg2 peer "$(wgctl genkey | wgctl pubkey)" allowed-ips 10.1.0.0/16 \
		peer "$(wgctl genkey | wgctl pubkey)" allowed-ips fd01::/64
	assert_eq "$(wgctl show wg2 peers | wc -l)" 2 "peers before"
	expect_ok ynl - --do set-device --json \
		"{\"ifindex\": $(</sys/class/net/wg2/ifindex), \"flags\": [\"replace-peers\"]}"
	assert_eq "$(wgctl show wg2 peers)" "" "peers after replace-peers"
	assert_eq "$(wgctl show wg2 listen-port)" 51999 "listen port after replace-peers"

	# Refusals: the extended ack names the attribute by the spec's name.
	expect_fail ynl - --do set-device --json \
		"{\"ifname\": \"wg2\", \"private-key\": \"$(printf '11%.0s' {1..31})\"}"
	assert_match "$OUT" "'bad-attr': '\.private-key'" "the refusal of a 31-byte key"
	expect_fail ynl - --do set-device --json '{"ifname": "wg2", "flags": 2}'
	assert_match "$OUT" "'bad-attr': '\.flags'" "the refusal of an unknown flag"
	assert_eq "$(wgctl show wg2 private-key)" "$priv" "private key after the refusals"
}

# A tunnel between n1 and n2 with a handshake made and traffic sent; n1's
# wg0 also has a peer that is never reached.
pair_setup wgc wgc
peer_set n1 n2 endpoint "$N2_OUT4:$N2_PORT" preshared-key "$(psk_file)" \
	persistent-keepalive 25
peer_set n2 n1 preshared-key "$(psk_file)"
wgx n1 set wg0 fwmark 0x2a
ping_ok n1 "$N2_IN4"
ping_ok n1 "$N2_IN6"
wgx n1 set wg0 peer "$(wgctl genkey | wgctl pubkey)" endpoint "[2001:db8::7]:4500" \
	allowed-ips 10.7.0.0/16,192.168.7.1/32,fd07::/48,2001:db8:7::1/128

events() {
	local key pid
	ip link add wg3 type wgc
	key=$(wgctl genkey | wgctl pubkey)
	# not through ynl(): $! must be the CLI's own process
	python3 "$YNL_CLI" --spec "$YNL_SPEC" --no-schema --output-json \
		--subscribe events --sleep 6 >"$TMPDIR/events.json" 2>"$TMPDIR/events.err" &
	pid=$!
	defer kill_quiet "$pid"
	wait_for -t 30 netlink_joined "$pid"
	wgctl set wg3 peer "$key" allowed-ips 10.3.0.1/32
	wait "$pid" || fail "ynl --subscribe events failed: $(tail -n 4 "$TMPDIR/events.err")"
	assert_eq "$(jq -c '[.[] | [.name, .msg.ifname, .msg["public-key"]]]' "$TMPDIR/events.json")" \
		"[[\"peer-added\",\"wg3\",\"$(hex_of <<<"$key")\"]]" "the events ynl decoded"
}

subtest dump dump
subtest dump-by-ifindex dump_by_ifindex
subtest many-messages many_messages
subtest set-device set_device
subtest events events
