# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers for the selftests that carry traffic through tunnels (peers,
# handshake, data path). Source it after lib.sh:
#
#   source "$(dirname "$0")/lib.sh"
#   source "$(dirname "$0")/tunnel-lib.sh"
#
# The implementation under test is picked by IMPL:
#   wgc (default)  link kind "wgc", configured with wgctl
#   wireguard      the kernel's wireguard.ko and wg(8): the very same test run
#                  against the reference, which proves the test itself right
# From the host: `make check T=tunnel IMPL=wireguard` (or IMPL=wireguard
# qemu/run.sh); qemu/init exports it from the kernel command line.
#
# TUN_SLOW is 1 on a kernel with sanitizers (WGC_SANITIZERS, which
# qemu/run.sh reads from the kernel's configuration: the debug kernel's
# KASAN, kmemleak, lockdep), which moves data far more slowly than Debian's
# under emulation: tests move less data there, since that run is about
# memory and locking bugs, not speed.
#
# Nodes: a node is a namespace holding one tunnel device, wg0.
#   node_add NS [IMPL] [CREATE_NS]  makes namespace NS (if needed) and its wg0
#                       of IMPL (default: the one under test), created in
#                       CREATE_NS (default NS) and then moved to NS, so that its
#                       UDP sockets live in CREATE_NS; sets a fresh private key
#                       made with the implementation's own genkey/pubkey
#   wgx NS ARGS...      NS's tool (wgctl or wg) run in NS; fails the test,
#                       quoting the tool's error, if the tool fails
#   pubkey_of NS        the public key of NS's wg0
#   peer_set NS PEER_NS ARGS...   wgx NS set wg0 peer <PEER_NS's key> ARGS...
#   psk_file            path of a preshared key (made on first use)
#   tun_addr NS V4/LEN V6/LEN     addresses on NS's wg0, which goes up
#   pair_setup [IMPL1 [IMPL2]]    the two-node topology most tests use (below)
# Looking at a node:
#   peer_field NS PEER_NS FIELD   one `show wg0 FIELD` value for that peer
#                       (latest-handshakes, endpoints, transfer,
#                       persistent-keepalive, allowed-ips...)
#   wait_handshake [-t S] NS PEER_NS   until latest-handshake is non-zero
#   counter NS DEV NAME     /sys/class/net/DEV/statistics/NAME in NS
# The outer network:
#   veth_pair NS1 IF1 NS2 IF2    a veth between two namespaces, up
#   outer_addrs NS IF V4/LEN V6/LEN   addresses (IPv6 without DAD)
#   netns_del_quiet NS...        delete namespaces, if they exist
# Traffic (each fails the test clearly, and in bounded time, when it fails):
#   ping_ok [-c N] [-w S] NS DST   N (3) replies within S (5) seconds
#   ping_none [-c N] NS DST [ARGS...]   no reply at all to N (2) echoes
#   iperf_server NS ADDR [PORT]   iperf3 -s -1 in the background, listening
#   iperf_tcp NS ADDR SECONDS [IPERF_ARGS...]    prints Mbit/s received;
#                       fails if nothing arrived
#   iperf_udp NS ADDR SECONDS RATE [IPERF_ARGS...]   prints "sent lost"
#   transfer_file NS_FROM NS_TO ADDR FILE   ncat FILE across; fails unless
#                       the sha256 on the receiving side matches
#   kill_quiet PID...   kill, whether or not they still run (for defer)
# Captures (tcpdump):
#   capture_start NAME NS IF FILTER...   writes $TMPDIR/NAME.pcap
#   capture_stop NAME                    stops it, writes everything out
#   capture_read NAME [ARGS...]          the packets as text (-n -tt)
#   capture_count NAME [FILTER...]       how many packets so far (matching)
#   capture_has NAME N [FILTER...]       true once it holds N or more

TUN_IMPL=${IMPL:-wgc}
case $TUN_IMPL in
wgc | wireguard) ;;
*) fail "IMPL must be wgc or wireguard, not '$TUN_IMPL'" ;;
esac
TUN_SLOW=0
[[ -z ${WGC_SANITIZERS:-} ]] || TUN_SLOW=1
log "implementation under test: $TUN_IMPL (IMPL)$( ((TUN_SLOW)) && echo "; a kernel with sanitizers ($WGC_SANITIZERS): less data")"

declare -A _TUN_NODE_IMPL=()
_TUN_KEYS=$TMPDIR/keys
mkdir -p "$_TUN_KEYS"
chmod 700 "$_TUN_KEYS"

kill_quiet() { kill "$@" 2>/dev/null || true; }
netns_del_quiet() {
	local ns
	for ns in "$@"; do ip netns del "$ns" 2>/dev/null || true; done
}

impl_kind() { case $1 in wgc) echo wgc ;; wireguard) echo wireguard ;; esac; }
impl_tool() { case $1 in wgc) echo wgctl ;; wireguard) echo wg ;; esac; }

# impl_load IMPL...: the kernel modules the implementations need
impl_load() {
	local i
	for i in "$@"; do
		case $i in
		wgc) FAIL_DEPTH=2 load_wgc ;;
		wireguard) FAIL_DEPTH=2 need_modules wireguard ;;
		*) FAIL_DEPTH=2 fail "unknown implementation '$i'" ;;
		esac
	done
}

node_add() {
	local ns=$1 impl=${2:-$TUN_IMPL} create=${3:-$1} tool
	tool=$(impl_tool "$impl")
	[[ -n $tool ]] || FAIL_DEPTH=2 fail "unknown implementation '$impl'"
	[[ -e /run/netns/$ns ]] || netns_add "$ns"
	[[ -e /run/netns/$create ]] || netns_add "$create"
	impl_load "$impl"
	ip -n "$create" link add wg0 type "$(impl_kind "$impl")"
	[[ $create == "$ns" ]] || ip -n "$create" link set wg0 netns "$ns"
	_TUN_NODE_IMPL[$ns]=$impl
	(umask 077 && "$tool" genkey >"$_TUN_KEYS/$ns.key")
	"$tool" pubkey <"$_TUN_KEYS/$ns.key" >"$_TUN_KEYS/$ns.pub"
	wgx "$ns" set wg0 private-key "$_TUN_KEYS/$ns.key"
}

# wgx fails the test, naming the command and quoting its error, if the tool
# fails; _wgx_try just returns the tool's status.
wgx() {
	local ns=$1 tool rc=0 err=$TMPDIR/wgx.err.$BASHPID
	shift
	tool=$(_tun_tool_of "$ns")
	ip netns exec "$ns" "$tool" "$@" 2>"$err" || rc=$?
	if ((rc)); then
		FAIL_DEPTH=2 fail "'$tool $*' in $ns failed with status $rc: $(head -c 300 "$err")"
	fi
	[[ ! -s $err ]] || cat "$err" >&2
	rm -f "$err"
}

_wgx_try() {
	local ns=$1
	shift
	ip netns exec "$ns" "$(_tun_tool_of "$ns")" "$@"
}

_tun_tool_of() {
	local impl=${_TUN_NODE_IMPL[$1]:-}
	[[ -n $impl ]] || FAIL_DEPTH=3 fail "no node '$1' (node_add first)"
	impl_tool "$impl"
}

pubkey_of() {
	[[ -s $_TUN_KEYS/$1.pub ]] || FAIL_DEPTH=2 fail "no key for node '$1'"
	printf '%s\n' "$(<"$_TUN_KEYS/$1.pub")"
}

peer_set() {
	local ns=$1 peer=$2
	shift 2
	wgx "$ns" set wg0 peer "$(pubkey_of "$peer")" "$@"
}

psk_file() {
	local f=$_TUN_KEYS/psk
	[[ -s $f ]] || (umask 077 && "$(impl_tool "$TUN_IMPL")" genpsk >"$f")
	printf '%s\n' "$f"
}

tun_addr() {
	local ns=$1
	ip -n "$ns" addr add "$2" dev wg0
	ip -n "$ns" addr add "$3" dev wg0 nodad
	ip -n "$ns" link set wg0 up
}

# peer_field NS PEER_NS FIELD: FIELD of `show wg0 FIELD` for that peer
# (several values, as for allowed-ips, come space separated); fails the test
# if there is no such peer. _peer_field_try just returns 1 then.
peer_field() {
	_peer_field_try "$@" ||
		FAIL_DEPTH=2 fail "'show wg0 $3' in $1 has no line for peer $2: '$(_wgx_try "$1" show wg0 "$3" 2>&1 | head -c 300)'"
}

_peer_field_try() {
	local ns=$1 key line
	key=$(pubkey_of "$2")
	while IFS= read -r line; do
		if [[ $line == "$key"$'\t'* ]]; then
			printf '%s\n' "${line#*$'\t'}"
			return 0
		fi
	done < <(_wgx_try "$ns" show wg0 "$3" 2>/dev/null)
	return 1
}

_tun_handshake_done() {
	local t
	t=$(_peer_field_try "$1" "$2" latest-handshakes) || return 1
	[[ $t =~ ^[0-9]+$ ]] && ((t > 0))
}

wait_handshake() {
	local t=10
	if [[ $1 == -t ]]; then
		t=$2
		shift 2
	fi
	local deadline=$((SECONDS + t))
	until _tun_handshake_done "$1" "$2"; do
		((SECONDS < deadline)) ||
			FAIL_DEPTH=2 fail "no handshake between $1 and $2 within ${t}s ($1 shows latest-handshakes '$(_peer_field_try "$1" "$2" latest-handshakes || echo "no such peer")')"
		sleep 0.2
	done
}

counter() {
	local v
	v=$(ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3") ||
		FAIL_DEPTH=2 fail "cannot read $3 of $2 in $1"
	printf '%s\n' "$v"
}

veth_pair() {
	need_modules veth
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

outer_addrs() {
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$1" addr add "$4" dev "$2" nodad
}

ping_ok() {
	local c=3 w=5
	while (($#)); do
		case $1 in
		-c) c=$2; shift 2 ;;
		-w) w=$2; shift 2 ;;
		*) break ;;
		esac
	done
	local ns=$1 dst=$2 out
	shift 2
	if ! out=$(ip netns exec "$ns" ping -n -c "$c" -i 0.2 -w "$w" "$dst" "$@" 2>&1); then
		out=$(grep -E 'transmitted|nreachable|rror' <<<"$out" | head -n 3 | tr '\n' ' ' || true)
		FAIL_DEPTH=2 fail "ping $dst from $ns: not $c replies within ${w}s through the tunnel (${out% })"
	fi
}

ping_none() {
	local c=2
	if [[ $1 == -c ]]; then
		c=$2
		shift 2
	fi
	local ns=$1 dst=$2 out
	shift 2
	if out=$(ip netns exec "$ns" ping -n -c "$c" -i 0.2 -W 1 "$dst" "$@" 2>&1); then
		FAIL_DEPTH=2 fail "ping $dst from $ns $*: got replies that must not come ($(grep transmitted <<<"$out" || true))"
	fi
	printf '%s\n' "$out"
}

iperf_server() {
	local ns=$1 addr=$2 port=${3:-5201} pid
	ip netns exec "$ns" iperf3 -s -1 -B "$addr" -p "$port" >"$TMPDIR/iperf-server-$ns-$port.log" 2>&1 &
	pid=$!
	defer kill_quiet "$pid"
	FAIL_DEPTH=2 wait_for -t 10 _tun_listening "$ns" tcp "$port"
}

_tun_listening() { # NS tcp|udp PORT
	local opt=-Htln
	[[ $2 == udp ]] && opt=-Huln
	[[ -n $(ip netns exec "$1" ss "$opt" "sport = :$3") ]]
}

# _tun_iperf NS ADDR SECONDS ARGS...: runs the client, JSON in $TMPDIR/iperf.json
_tun_iperf() {
	local ns=$1 addr=$2 secs=$3 rc=0 err
	shift 3
	timeout -k 5 $((secs + 30)) ip netns exec "$ns" iperf3 -c "$addr" -t "$secs" \
		--connect-timeout 3000 -J "$@" >"$TMPDIR/iperf.json" 2>"$TMPDIR/iperf.err" || rc=$?
	if ((rc)); then
		err=$(jq -r '.error // empty' "$TMPDIR/iperf.json" 2>/dev/null || true)
		[[ -n $err ]] || err=$(head -c 200 "$TMPDIR/iperf.err")
		((rc != 124)) || err="killed after $((secs + 30))s${err:+: $err}"
		FAIL_DEPTH=3 fail "iperf3 $* from $ns to $addr failed (status $rc): ${err:-no message}"
	fi
}

iperf_tcp() {
	local ns=$1 addr=$2 secs=$3 bytes
	shift 3
	_tun_iperf "$ns" "$addr" "$secs" "$@"
	bytes=$(jq -r '.end.sum_received.bytes' "$TMPDIR/iperf.json")
	[[ $bytes =~ ^[0-9]+$ ]] && ((bytes > 0)) ||
		FAIL_DEPTH=2 fail "iperf3 TCP from $ns to $addr moved nothing (bytes received: '$bytes')"
	jq -r '.end.sum_received.bits_per_second / 1e6 * 10 | floor / 10' "$TMPDIR/iperf.json"
}

iperf_udp() {
	local ns=$1 addr=$2 secs=$3 rate=$4
	shift 4
	_tun_iperf "$ns" "$addr" "$secs" -u -b "$rate" "$@"
	# the receiver's count (iperf3 3.12 has sum_received; older ones only sum)
	jq -r '(.end.sum_received // .end.sum) | "\(.packets) \(.lost_packets)"' "$TMPDIR/iperf.json"
}

transfer_file() {
	local from=$1 to=$2 addr=$3 file=$4 port=4444 pid rc=0 want got t=60
	local out=$TMPDIR/received.$BASHPID
	((TUN_SLOW)) && t=180
	ip netns exec "$to" timeout "$t" ncat -l -p "$port" --recv-only >"$out" 2>"$out.err" &
	pid=$!
	FAIL_DEPTH=2 wait_for -t 10 _tun_listening "$to" tcp "$port"
	timeout -k 5 "$t" ip netns exec "$from" ncat -w 5 --send-only "$addr" "$port" <"$file" 2>"$TMPDIR/ncat.err" || rc=$?
	if ((rc)); then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		((rc != 124)) || echo "killed after ${t}s" >>"$TMPDIR/ncat.err"
		FAIL_DEPTH=2 fail "ncat from $from to $addr:$port failed (status $rc): $(head -c 200 "$TMPDIR/ncat.err" | tr '\n' ' ')"
	fi
	wait "$pid" || FAIL_DEPTH=2 fail "the receiving ncat in $to failed: $(head -c 200 "$out.err")"
	read -r want _ < <(sha256sum "$file")
	read -r got _ < <(sha256sum "$out")
	[[ $got == "$want" ]] ||
		FAIL_DEPTH=2 fail "$(stat -c %s "$out") of $(stat -c %s "$file") bytes arrived, sha256 $got instead of $want"
	rm -f "$out" "$out.err"
}

capture_start() {
	local name=$1 ns=$2 ifc=$3 pid
	shift 3
	# immediate mode: each packet reaches the file at once, none waits in a
	# ring buffer block that SIGINT would throw away
	ip netns exec "$ns" tcpdump -Z root -i "$ifc" -n -U --immediate-mode -s 0 \
		-w "$TMPDIR/$name.pcap" "$@" \
		2>"$TMPDIR/$name.err" &
	pid=$!
	printf '%s\n' "$pid" >"$TMPDIR/$name.pid"
	defer kill_quiet "$pid"
	FAIL_DEPTH=2 wait_for -t 10 grep -q 'listening on' "$TMPDIR/$name.err"
}

capture_stop() {
	local pid
	pid=$(<"$TMPDIR/$1.pid")
	sleep 0.3 # what was just sent is still on its way through the stack
	kill -INT "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

capture_read() {
	local name=$1
	shift
	tcpdump -r "$TMPDIR/$name.pcap" -n -tt "$@" 2>/dev/null
}

# pair_setup [IMPL1 [IMPL2]]: two nodes over a veth "internet", each the
# other's peer for its own tunnel addresses; no endpoints are set (each test
# decides who knows whom). IMPLs default to the implementation under test.
#
#   n1 [wg0 10.0.0.1/24 fd00::1/64, port 51821]
#      v1 192.0.2.1/24 2001:db8::1/64
#       |
#      v2 192.0.2.2/24 2001:db8::2/64
#   n2 [wg0 10.0.0.2/24 fd00::2/64, port 51822]
N1_OUT4=192.0.2.1 N2_OUT4=192.0.2.2 N1_OUT6=2001:db8::1 N2_OUT6=2001:db8::2
N1_IN4=10.0.0.1 N2_IN4=10.0.0.2 N1_IN6=fd00::1 N2_IN6=fd00::2
N1_PORT=51821 N2_PORT=51822
# shellcheck disable=SC2120 # the arguments are optional
pair_setup() {
	local i1=${1:-$TUN_IMPL} i2=${2:-$TUN_IMPL}
	netns_add n1 n2
	veth_pair n1 v1 n2 v2
	outer_addrs n1 v1 "$N1_OUT4/24" "$N1_OUT6/64"
	outer_addrs n2 v2 "$N2_OUT4/24" "$N2_OUT6/64"
	node_add n1 "$i1"
	node_add n2 "$i2"
	wgx n1 set wg0 listen-port "$N1_PORT"
	wgx n2 set wg0 listen-port "$N2_PORT"
	peer_set n1 n2 allowed-ips "$N2_IN4/32,$N2_IN6/128"
	peer_set n2 n1 allowed-ips "$N1_IN4/32,$N1_IN6/128"
	tun_addr n1 "$N1_IN4/24" "$N1_IN6/64"
	tun_addr n2 "$N2_IN4/24" "$N2_IN6/64"
}

capture_count() { capture_read "$@" | wc -l; }
capture_has() {
	local name=$1 n=$2
	shift 2
	(($(capture_count "$name" "$@") >= n))
}
