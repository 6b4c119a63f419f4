// SPDX-License-Identifier: GPL-2.0
/*
 * WGC_CMD_GET_DEVICE: a device's configuration, its peers and their allowed
 * IPs. Only for callers with CAP_NET_ADMIN over the device's namespace
 * (GENL_UNS_ADMIN_PERM, checked by genetlink before the dump starts): the
 * keys, but also the endpoints, allowed IPs and handshake times, are
 * nobody else's business.
 *
 * A dump sends the device and its peers over as many messages as it takes,
 * one per pass, and holds nothing between passes: a reader that stops half
 * way must not keep the device from being deleted, nor a removed peer from
 * being freed. See struct wgc_dump_state for how a pass finds its place.
 */

#include "netlink_priv.h"
#include "compat.h"
#include "device.h"
#include "noise.h"
#include "peer.h"
#include "ratelimiter.h"

#include <linux/netdevice.h>
#include <linux/time64.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <uapi/linux/wgc.h>

/*
 * State of one WGC_CMD_GET_DEVICE dump, kept in the callback's scratch.
 *
 * Each pass looks the device up again by ifindex in the reader's namespace,
 * holds it only while it fills one message under device_update_lock, and
 * keeps no reference on the device or on a peer once done. Between passes
 * the device may be deleted or leave the namespace, and another may take
 * its ifindex or even its memory, so the device found must also have the
 * id of the first one, which no other device is ever given. If none does,
 * the dump ends with -ENODEV.
 *
 * The place to resume is a peer and a count of its allowed IPs already
 * sent (a count rather than a node, as nodes may be freed meanwhile). The
 * peer pointer holds no reference either: it is good only while the
 * configuration is the one the dump started from, which config_seq tells.
 * Every change, a peer's removal included, bumps config_seq under
 * device_update_lock before anything is freed; so the value the dump
 * started with means the peer is still on the list, with the allowed IPs
 * that were counted. Any other means the dump cannot go on: it ends with a
 * message marked NLM_F_DUMP_INTR, and userspace starts again.
 */
struct wgc_dump_state {
	struct wgc_peer *next_peer;	/* NULL: the first peer; see above */
	u64 device_id;			/* wgc->id; 0: not looked up yet */
	u64 config_seq;			/* wgc->config_seq at the start */
	int ifindex;
	unsigned int allowedips_sent;	/* of next_peer */
	bool peer_started;		/* next_peer's attributes are out */
	bool device_sent;
	bool peer_stats;		/* WGC_GET_F_PEER_STATS */
	const struct wgc_nl_dialect *dialect;	/* set again at each pass */
};

const struct wgc_nl_dialect wgc_nl_native = {
	.family			= &wgc_genl_family,
	.attr_listen_port	= WGC_DEVICE_A_LISTEN_PORT,
	.attr_fwmark		= WGC_DEVICE_A_FWMARK,
	.wgc_stats		= true,
};

static struct wgc_dump_state *wgc_dump_state(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct wgc_dump_state) > sizeof(cb->ctx));
	return (struct wgc_dump_state *)cb->ctx;
}

/*
 * Finds the device for this pass and returns it with a reference held on
 * its net_device, for the pass only.
 *
 * The first pass looks it up as the request names it. That is not done in
 * a .start callback: before 6.2 .start has no extended ack to explain a
 * failed lookup with, while an error from a dump pass reaches userspace in
 * NLMSG_DONE together with its message. Later passes look up the ifindex
 * the first one found, and accept only the device it found.
 */
static struct wgc_device *wgc_dump_lookup(struct netlink_callback *cb)
{
	struct wgc_dump_state *state = wgc_dump_state(cb);
	struct net *net = sock_net(cb->skb->sk);
	struct net_device *dev;
	struct wgc_device *wgc;

	if (!state->device_id) {
		struct nlattr **attrs = wgc_compat_dump_attrs(cb);

		wgc = wgc_lookup(net, attrs, cb->extack);
		if (IS_ERR(wgc))
			return wgc;
		/*
		 * The wireguard family's attrs end before the get flags, and
		 * its dumps carry none of wgc's statistics; the wgc family's
		 * policy checked the flags.
		 */
		state->peer_stats = state->dialect->wgc_stats &&
				    attrs[WGC_DEVICE_A_GET_FLAGS] &&
				    (nla_get_u32(attrs[WGC_DEVICE_A_GET_FLAGS]) &
				     WGC_GET_F_PEER_STATS);
		state->device_id = wgc->id;
		state->ifindex = wgc->dev->ifindex;
		return wgc;
	}
	dev = dev_get_by_index(net, state->ifindex);
	if (dev && wgc_device_is_wgc(dev)) {
		wgc = netdev_priv(dev);
		if (wgc->id == state->device_id)
			return wgc;
	}
	dev_put(dev);
	NL_SET_ERR_MSG(cb->extack,
		       "device was deleted or moved to another namespace during the dump");
	return ERR_PTR(-ENODEV);
}

/* Ends @nest, or takes it out again if nothing went into it. */
static bool wgc_nest_end_or_cancel(struct sk_buff *skb, struct nlattr *nest)
{
	if (skb_tail_pointer(skb) == (unsigned char *)nla_data(nest)) {
		nla_nest_cancel(skb, nest);
		return false;
	}
	nla_nest_end(skb, nest);
	return true;
}

static int wgc_put_counter(struct sk_buff *skb, int type, atomic64_t *counter)
{
	return nla_put_u64_64bit(skb, type, atomic64_read(counter),
				 WGC_HANDSHAKE_STATS_A_UNSPEC);
}

/* The counters are read one by one: a snapshot of each, not of all. */
static int wgc_fill_handshake_stats(struct sk_buff *skb,
				    struct wgc_device *wgc)
{
	struct wgc_handshake_stats *stats = &wgc->handshake_stats;
	bool under_load = wgc_device_was_under_load(wgc,
						    ktime_get_coarse_boottime_ns());
	struct nlattr *nest;

	nest = nla_nest_start(skb, WGC_DEVICE_A_HANDSHAKE_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (wgc_put_counter(skb, WGC_HANDSHAKE_STATS_A_PROCESSED,
			    &stats->processed) ||
	    wgc_put_counter(skb, WGC_HANDSHAKE_STATS_A_INVALID,
			    &stats->invalid) ||
	    wgc_put_counter(skb, WGC_HANDSHAKE_STATS_A_RATELIMITED,
			    &stats->ratelimited) ||
	    wgc_put_counter(skb, WGC_HANDSHAKE_STATS_A_INVALID_MAC1,
			    &stats->invalid_mac1) ||
	    wgc_put_counter(skb, WGC_HANDSHAKE_STATS_A_MISSING_COOKIE,
			    &stats->missing_cookie) ||
	    wgc_put_counter(skb, WGC_HANDSHAKE_STATS_A_COOKIE_REPLIES_SENT,
			    &stats->cookie_replies_sent) ||
	    wgc_put_counter(skb, WGC_HANDSHAKE_STATS_A_COOKIES_RECEIVED,
			    &stats->cookies_received) ||
	    wgc_put_counter(skb, WGC_HANDSHAKE_STATS_A_QUEUE_FULL,
			    &stats->queue_full) ||
	    nla_put_u8(skb, WGC_HANDSHAKE_STATS_A_UNDER_LOAD, under_load) ||
	    nla_put_u32(skb, WGC_HANDSHAKE_STATS_A_RATELIMITER_ENTRIES,
			wgc_ratelimiter_entries(wgc->ratelimiter))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int wgc_fill_event_stats(struct sk_buff *skb, struct wgc_device *wgc)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, WGC_DEVICE_A_EVENT_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, WGC_EVENT_STATS_A_SENT,
			      atomic64_read(&wgc->events.sent),
			      WGC_EVENT_STATS_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, WGC_EVENT_STATS_A_DROPPED,
			      atomic64_read(&wgc->events.dropped),
			      WGC_EVENT_STATS_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, WGC_EVENT_STATS_A_SUPPRESSED,
			      atomic64_read(&wgc->events.suppressed),
			      WGC_EVENT_STATS_A_UNSPEC)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Caller holds wgc->device_update_lock. dev->name is read without RTNL: a
 * concurrent rename can at worst show a stale name in this one reply.
 */
static int wgc_fill_device(struct sk_buff *skb, struct wgc_device *wgc,
			   const struct wgc_nl_dialect *dialect)
{
	const struct wgc_static_identity *identity = &wgc->static_identity;

	lockdep_assert_held(&wgc->device_update_lock);

	if (nla_put_u16(skb, dialect->attr_listen_port, wgc->listen_port) ||
	    nla_put_u32(skb, dialect->attr_fwmark, wgc->fwmark))
		return -EMSGSIZE;
	if (dialect->wgc_stats && (wgc_fill_handshake_stats(skb, wgc) ||
				   wgc_fill_event_stats(skb, wgc) ||
				   nla_put_u8(skb, WGC_DEVICE_A_KEYLOG,
					      READ_ONCE(wgc->keylog))))
		return -EMSGSIZE;
	if (!identity->has_identity)
		return 0;
	if (nla_put(skb, WGC_DEVICE_A_PUBLIC_KEY, WGC_KEY_LEN,
		    identity->public_key))
		return -EMSGSIZE;
	if (nla_put(skb, WGC_DEVICE_A_PRIVATE_KEY, WGC_KEY_LEN,
		    identity->private_key))
		return -EMSGSIZE;
	return 0;
}

static int wgc_fill_allowedip(struct sk_buff *skb,
			      struct wgc_allowedips_node *node)
{
	u8 ip[16] __aligned(__alignof__(u64));
	struct nlattr *nest;
	int family;
	u8 cidr;

	family = wgc_allowedips_read_node(node, ip, &cidr);
	nest = nla_nest_start(skb, 0);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, WGC_ALLOWEDIP_A_FAMILY, family) ||
	    nla_put(skb, WGC_ALLOWEDIP_A_IPADDR,
		    family == AF_INET6 ? sizeof(struct in6_addr) :
					 sizeof(struct in_addr), ip) ||
	    nla_put_u8(skb, WGC_ALLOWEDIP_A_CIDR_MASK, cidr)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Sends @peer's allowed IPs after the first *@sent, as many as fit,
 * counting them in *@sent. Caller holds device_update_lock, which keeps the
 * list still.
 */
static int wgc_fill_allowedips(struct sk_buff *skb, struct wgc_peer *peer,
			       unsigned int *sent)
{
	struct wgc_allowedips_node *node;
	unsigned int skip = *sent;
	struct nlattr *nest;
	int ret = 0;

	lockdep_assert_held(&peer->wgc->device_update_lock);
	if (list_empty(&peer->allowedips_list))
		return 0;
	nest = nla_nest_start(skb, WGC_PEER_A_ALLOWEDIPS);
	if (!nest)
		return -EMSGSIZE;
	list_for_each_entry(node, &peer->allowedips_list, peer_list) {
		if (skip) {
			skip--;
			continue;
		}
		ret = wgc_fill_allowedip(skb, node);
		if (ret)
			break;
		++*sent;
	}
	wgc_nest_end_or_cancel(skb, nest);
	return ret;
}

static int wgc_put_preshared_key(struct sk_buff *skb, struct wgc_peer *peer)
{
	int ret;

	down_read(&peer->handshake.lock);
	ret = nla_put(skb, WGC_PEER_A_PRESHARED_KEY, WGC_KEY_LEN,
		      peer->handshake.preshared_key);
	up_read(&peer->handshake.lock);
	return ret;
}

static int wgc_put_endpoint(struct sk_buff *skb, struct wgc_peer *peer)
{
	struct wgc_endpoint endpoint;

	wgc_peer_read_endpoint(peer, &endpoint);
	return wgc_nla_put_endpoint(skb, WGC_PEER_A_ENDPOINT, &endpoint);
}

/* A wall-clock time in ns as a struct __kernel_timespec. */
static int wgc_put_walltime(struct sk_buff *skb, int type, u64 ns)
{
	struct timespec64 ts = ns_to_timespec64(ns);
	struct __kernel_timespec kts = {
		.tv_sec = ts.tv_sec,
		.tv_nsec = ts.tv_nsec,
	};

	return nla_put(skb, type, sizeof(kts), &kts);
}

static int wgc_put_peer_stat(struct sk_buff *skb, int type, u64 value)
{
	return nla_put_u64_64bit(skb, type, value, WGC_PEER_STATS_A_UNSPEC);
}

static int wgc_put_peer_stats(struct sk_buff *skb,
			      const struct wgc_peer_stats *s)
{
	struct nlattr *nest = nla_nest_start(skb, WGC_PEER_A_STATS);

	if (!nest)
		return -EMSGSIZE;
	if (wgc_put_peer_stat(skb, WGC_PEER_STATS_A_RX_PACKETS, s->rx_packets) ||
	    wgc_put_peer_stat(skb, WGC_PEER_STATS_A_TX_PACKETS, s->tx_packets) ||
	    wgc_put_peer_stat(skb, WGC_PEER_STATS_A_RX_KEEPALIVES,
			      s->rx_keepalives) ||
	    wgc_put_peer_stat(skb, WGC_PEER_STATS_A_TX_KEEPALIVES,
			      s->tx_keepalives) ||
	    wgc_put_peer_stat(skb, WGC_PEER_STATS_A_RX_DROPPED_REPLAY,
			      s->rx_dropped_replay) ||
	    wgc_put_peer_stat(skb, WGC_PEER_STATS_A_RX_DROPPED_AUTH,
			      s->rx_dropped_auth) ||
	    wgc_put_peer_stat(skb, WGC_PEER_STATS_A_RX_DROPPED_SOURCE,
			      s->rx_dropped_source) ||
	    wgc_put_peer_stat(skb, WGC_PEER_STATS_A_RX_DROPPED_NO_SESSION,
			      s->rx_dropped_no_session) ||
	    wgc_put_peer_stat(skb, WGC_PEER_STATS_A_TX_DROPPED_NO_SESSION,
			      s->tx_dropped_no_session) ||
	    wgc_put_peer_stat(skb, WGC_PEER_STATS_A_TX_DROPPED_TOO_BIG,
			      s->tx_dropped_too_big) ||
	    wgc_put_peer_stat(skb, WGC_PEER_STATS_A_INITIATIONS_SENT,
			      s->initiations_sent) ||
	    wgc_put_peer_stat(skb, WGC_PEER_STATS_A_INITIATIONS_RECEIVED,
			      s->initiations_received) ||
	    wgc_put_peer_stat(skb, WGC_PEER_STATS_A_RESPONSES_SENT,
			      s->responses_sent) ||
	    wgc_put_peer_stat(skb, WGC_PEER_STATS_A_RESPONSES_RECEIVED,
			      s->responses_received) ||
	    wgc_put_peer_stat(skb, WGC_PEER_STATS_A_COOKIES_SENT,
			      s->cookies_sent) ||
	    wgc_put_peer_stat(skb, WGC_PEER_STATS_A_COOKIES_RECEIVED,
			      s->cookies_received) ||
	    wgc_put_peer_stat(skb, WGC_PEER_STATS_A_HANDSHAKES_GIVEN_UP,
			      s->handshakes_given_up) ||
	    wgc_put_peer_stat(skb, WGC_PEER_STATS_A_REKEYS, s->rekeys) ||
	    wgc_put_walltime(skb, WGC_PEER_STATS_A_LAST_REKEY_TIME,
			     s->walltime_last_rekey)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Everything about a peer but its key and allowed IPs. */
static int wgc_fill_peer_attrs(struct sk_buff *skb, struct wgc_peer *peer,
			       bool with_stats)
{
	struct wgc_peer_stats stats;

	wgc_peer_read_stats(peer, &stats);
	if (wgc_put_preshared_key(skb, peer) ||
	    wgc_put_endpoint(skb, peer) ||
	    wgc_put_walltime(skb, WGC_PEER_A_LAST_HANDSHAKE_TIME,
			     atomic64_read(&peer->walltime_last_handshake)) ||
	    nla_put_u64_64bit(skb, WGC_PEER_A_RX_BYTES, stats.rx_bytes,
			      WGC_PEER_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, WGC_PEER_A_TX_BYTES, stats.tx_bytes,
			      WGC_PEER_A_UNSPEC) ||
	    nla_put_u16(skb, WGC_PEER_A_PERSISTENT_KEEPALIVE_INTERVAL,
			peer->persistent_keepalive_interval) ||
	    nla_put_u32(skb, WGC_PEER_A_PROTOCOL_VERSION, 1))
		return -EMSGSIZE;
	if (with_stats && wgc_put_peer_stats(skb, &stats))
		return -EMSGSIZE;
	return 0;
}

/*
 * Sends what is left of @peer, whose place in the dump is in @state: its
 * public key always (it names the peer), its other attributes unless an
 * earlier message had them, then as many of the remaining allowed IPs as
 * fit. Returns 0 when the peer is complete, -EMSGSIZE when the message is
 * full; the peer's nest stays if it made progress, and @state says how far.
 */
static int wgc_fill_peer(struct sk_buff *skb, struct wgc_peer *peer,
			 struct wgc_dump_state *state)
{
	unsigned int sent = state->allowedips_sent;
	struct nlattr *nest;
	int ret;

	nest = nla_nest_start(skb, 0);
	if (!nest)
		return -EMSGSIZE;
	/* remote_static is fixed at creation: no lock needed. */
	if (nla_put(skb, WGC_PEER_A_PUBLIC_KEY, WGC_KEY_LEN,
		    peer->handshake.remote_static))
		goto cancel;
	if (!state->peer_started &&
	    wgc_fill_peer_attrs(skb, peer, state->peer_stats))
		goto cancel;
	ret = wgc_fill_allowedips(skb, peer, &sent);
	if (ret && state->peer_started && sent == state->allowedips_sent)
		goto cancel;
	nla_nest_end(skb, nest);
	state->peer_started = true;
	state->allowedips_sent = sent;
	return ret;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* Makes @peer, of which nothing is sent yet, the place to resume at. */
static void wgc_dump_move_to(struct wgc_dump_state *state,
			     struct wgc_peer *peer)
{
	if (state->next_peer == peer)
		return;
	state->next_peer = peer;
	state->peer_started = false;
	state->allowedips_sent = 0;
}

/*
 * Sends peers from where the last message stopped. Returns 0 when none are
 * left, 1 when the message filled up, -EMSGSIZE when not even part of one
 * peer fitted. Caller holds device_update_lock, and has checked that the
 * configuration is still the one the dump started from: the resume peer is
 * on the list.
 */
static int wgc_fill_peers(struct sk_buff *skb, struct wgc_device *wgc,
			  struct wgc_dump_state *state)
{
	struct wgc_peer *peer = state->next_peer;
	struct nlattr *nest;
	int ret = 0;

	lockdep_assert_held(&wgc->device_update_lock);

	if (!peer)
		peer = list_first_entry_or_null(&wgc->peer_list,
						struct wgc_peer, peer_list);
	if (!peer)
		return 0;
	nest = nla_nest_start(skb, WGC_DEVICE_A_PEERS);
	if (!nest)
		return -EMSGSIZE;
	list_for_each_entry_from(peer, &wgc->peer_list, peer_list) {
		wgc_dump_move_to(state, peer);
		ret = wgc_fill_peer(skb, peer, state);
		if (ret)
			break;
	}
	if (!wgc_nest_end_or_cancel(skb, nest))
		return -EMSGSIZE;
	if (ret)
		return 1;
	wgc_dump_move_to(state, NULL);
	return 0;
}

/*
 * Whether the configuration is still the one the dump started from, and
 * says so in the message's header: nl_dump_check_consistent() marks a
 * message NLM_F_DUMP_INTR when its cb->seq differs from the previous
 * message's, 0 meaning there was none. config_seq itself is wider than
 * cb->seq (and could be 0), so 1 stands for unchanged and 2 for changed.
 */
static bool wgc_dump_unchanged(struct netlink_callback *cb,
			       struct wgc_device *wgc, void *hdr)
{
	struct wgc_dump_state *state = wgc_dump_state(cb);
	bool unchanged = wgc->config_seq == state->config_seq;

	cb->seq = unchanged ? 1 : 2;
	genl_dump_check_consistent(cb, hdr);
	return unchanged;
}

/*
 * Fills one message: the device's name, its attributes in the first
 * message only, then peers. Returns as wgc_fill_peers() does; a first
 * message that holds the device but no peer yet is progress too. If the
 * configuration changed since the first message, the message names the
 * device and ends the dump, marked as interrupted.
 */
static int wgc_fill_dump(struct sk_buff *skb, struct netlink_callback *cb,
			 struct wgc_device *wgc, void *hdr)
{
	struct wgc_dump_state *state = wgc_dump_state(cb);
	bool first = !state->device_sent;
	int ret;

	lockdep_assert_held(&wgc->device_update_lock);

	if (first)
		state->config_seq = wgc->config_seq;
	if (nla_put_u32(skb, WGC_DEVICE_A_IFINDEX, wgc->dev->ifindex) ||
	    nla_put_string(skb, WGC_DEVICE_A_IFNAME, wgc->dev->name))
		return -EMSGSIZE;
	if (!wgc_dump_unchanged(cb, wgc, hdr))
		return 0;
	if (first && wgc_fill_device(skb, wgc, state->dialect))
		return -EMSGSIZE;
	state->device_sent = true;
	ret = wgc_fill_peers(skb, wgc, state);
	return ret == -EMSGSIZE && first ? 1 : ret;
}

/*
 * One message per pass, in @dialect's numbering. Returning 0 with the last
 * message still in @skb is fine: netlink appends NLMSG_DONE to it, or sends
 * that alone next time.
 */
int wgc_dump_device(struct sk_buff *skb, struct netlink_callback *cb,
		    const struct wgc_nl_dialect *dialect)
{
	struct wgc_device *wgc;
	void *hdr;
	int ret;

	wgc_dump_state(cb)->dialect = dialect;
	wgc = wgc_dump_lookup(cb);
	if (IS_ERR(wgc))
		return PTR_ERR(wgc);

	/* Both families number it alike (netlink_wg.c checks). */
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  dialect->family, NLM_F_MULTI, WGC_CMD_GET_DEVICE);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto out;
	}
	mutex_lock(&wgc->device_update_lock);
	ret = wgc_fill_dump(skb, cb, wgc, hdr);
	mutex_unlock(&wgc->device_update_lock);
	if (ret < 0)
		genlmsg_cancel(skb, hdr);
	else
		genlmsg_end(skb, hdr);
out:
	dev_put(wgc->dev);
	if (ret < 0)
		return ret;
	return ret ? skb->len : 0;
}

int wgc_get_device_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return wgc_dump_device(skb, cb, &wgc_nl_native);
}
