// SPDX-License-Identifier: GPL-2.0
/*
 * WGC_CMD_GET_DEVICE: a device's configuration, its peers and their allowed
 * IPs. Only for callers with CAP_NET_ADMIN over the device's namespace
 * (GENL_UNS_ADMIN_PERM, checked by genetlink before the dump starts): the
 * keys, but also the endpoints, allowed IPs and handshake times, are
 * nobody else's business.
 *
 * A dump sends the device and its peers over as many messages as it takes;
 * see struct wgc_dump_state for how it resumes.
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
 * Each pass fills one message under device_update_lock and drops the lock
 * before the next, so the configuration may change in between. The place
 * to resume is a peer, held by a reference so that it cannot be freed,
 * and a count of its allowed IPs already sent (a count rather than a node:
 * nodes are not reference counted and may be freed in between). If the
 * peer was removed meanwhile, or anything else changed, the counts no
 * longer mean the same thing; config_seq tells, and the rest of the dump
 * is marked NLM_F_DUMP_INTR so that userspace starts again.
 */
struct wgc_dump_state {
	struct wgc_device *wgc;		/* holds a reference on wgc->dev */
	struct wgc_peer *next_peer;	/* referenced; NULL: the first peer */
	u64 config_seq;			/* wgc->config_seq at the start */
	unsigned int allowedips_sent;	/* of next_peer */
	bool peer_started;		/* next_peer's attributes are out */
	bool device_sent;
};

static struct wgc_dump_state *wgc_dump_state(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct wgc_dump_state) > sizeof(cb->ctx));
	return (struct wgc_dump_state *)cb->ctx;
}

/*
 * The device is looked up on the first pass of the dump rather than in a
 * .start callback: before 6.2 .start has no extended ack to explain a
 * failed lookup with, while an error from a dump pass reaches userspace in
 * NLMSG_DONE together with its message.
 */
static int wgc_dump_lookup(struct netlink_callback *cb)
{
	struct wgc_dump_state *state = wgc_dump_state(cb);
	struct wgc_device *wgc;

	if (state->wgc)
		return 0;
	wgc = wgc_lookup(sock_net(cb->skb->sk), wgc_compat_dump_attrs(cb),
			 cb->extack);
	if (IS_ERR(wgc))
		return PTR_ERR(wgc);
	state->wgc = wgc;
	return 0;
}

int wgc_get_device_done(struct netlink_callback *cb)
{
	struct wgc_dump_state *state = wgc_dump_state(cb);

	if (state->next_peer)
		wgc_peer_put(state->next_peer);
	if (state->wgc)
		dev_put(state->wgc->dev);
	return 0;
}

/*
 * nl_dump_check_consistent() flags a message whose cb->seq differs from the
 * previous message's, and takes 0 to mean there was none. config_seq may
 * well be 0 and is wider than cb->seq, so it is not used directly: 1 says
 * the configuration is the one the dump started from, 2 that it changed.
 * Removing a peer bumps config_seq already; testing the resume peer too
 * makes sure a dump cut short by its removal can never pass as complete.
 */
static void wgc_dump_check_consistent(struct netlink_callback *cb, void *hdr)
{
	struct wgc_dump_state *state = wgc_dump_state(cb);
	bool changed = state->wgc->config_seq != state->config_seq ||
		       (state->next_peer && state->next_peer->is_dead);

	cb->seq = changed ? 2 : 1;
	genl_dump_check_consistent(cb, hdr);
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

/*
 * Caller holds wgc->device_update_lock. dev->name is read without RTNL: a
 * concurrent rename can at worst show a stale name in this one reply.
 */
static int wgc_fill_device(struct sk_buff *skb, struct wgc_device *wgc)
{
	const struct wgc_static_identity *identity = &wgc->static_identity;

	lockdep_assert_held(&wgc->device_update_lock);

	if (nla_put_u16(skb, WGC_DEVICE_A_LISTEN_PORT, wgc->listen_port) ||
	    nla_put_u32(skb, WGC_DEVICE_A_FWMARK, wgc->fwmark) ||
	    wgc_fill_handshake_stats(skb, wgc))
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

/* An endpoint that was never set or learnt is left out. */
static int wgc_put_endpoint(struct sk_buff *skb, struct wgc_peer *peer)
{
	struct wgc_endpoint endpoint;

	read_lock_bh(&peer->endpoint_lock);
	endpoint = peer->endpoint;
	read_unlock_bh(&peer->endpoint_lock);

	if (endpoint.addr.sa_family == AF_INET)
		return nla_put(skb, WGC_PEER_A_ENDPOINT,
			       sizeof(endpoint.addr4), &endpoint.addr4);
	if (endpoint.addr.sa_family == AF_INET6)
		return nla_put(skb, WGC_PEER_A_ENDPOINT,
			       sizeof(endpoint.addr6), &endpoint.addr6);
	return 0;
}

/* Everything about a peer but its key and allowed IPs. */
static int wgc_fill_peer_attrs(struct sk_buff *skb, struct wgc_peer *peer)
{
	struct timespec64 ts =
		ns_to_timespec64(atomic64_read(&peer->walltime_last_handshake));
	struct __kernel_timespec last_handshake = {
		.tv_sec = ts.tv_sec,
		.tv_nsec = ts.tv_nsec,
	};

	if (wgc_put_preshared_key(skb, peer) ||
	    wgc_put_endpoint(skb, peer) ||
	    nla_put(skb, WGC_PEER_A_LAST_HANDSHAKE_TIME,
		    sizeof(last_handshake), &last_handshake) ||
	    nla_put_u64_64bit(skb, WGC_PEER_A_RX_BYTES,
			      atomic64_read(&peer->rx_bytes),
			      WGC_PEER_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, WGC_PEER_A_TX_BYTES,
			      atomic64_read(&peer->tx_bytes),
			      WGC_PEER_A_UNSPEC) ||
	    nla_put_u16(skb, WGC_PEER_A_PERSISTENT_KEEPALIVE_INTERVAL,
			peer->persistent_keepalive_interval) ||
	    nla_put_u32(skb, WGC_PEER_A_PROTOCOL_VERSION, 1))
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
	if (!state->peer_started && wgc_fill_peer_attrs(skb, peer))
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
	if (state->next_peer)
		wgc_peer_put(state->next_peer);
	state->next_peer = peer ? wgc_peer_get(peer) : NULL;
	state->peer_started = false;
	state->allowedips_sent = 0;
}

/*
 * Sends peers from where the last message stopped. Returns 0 when none are
 * left, 1 when the message filled up, -EMSGSIZE when not even part of one
 * peer fitted. Caller holds device_update_lock.
 */
static int wgc_fill_peers(struct sk_buff *skb, struct wgc_dump_state *state)
{
	struct wgc_device *wgc = state->wgc;
	struct wgc_peer *peer = state->next_peer;
	struct nlattr *nest;
	int ret = 0;

	lockdep_assert_held(&wgc->device_update_lock);

	/* A removed peer ends the dump, which is flagged as interrupted. */
	if (peer && peer->is_dead)
		return 0;
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
 * Fills one message: the device's name, its attributes in the first
 * message only, then peers. Returns as wgc_fill_peers() does; a first
 * message that holds the device but no peer yet is progress too.
 */
static int wgc_fill_dump(struct sk_buff *skb, struct netlink_callback *cb,
			 void *hdr)
{
	struct wgc_dump_state *state = wgc_dump_state(cb);
	struct wgc_device *wgc = state->wgc;
	bool first = !state->device_sent;
	int ret;

	lockdep_assert_held(&wgc->device_update_lock);

	if (first)
		state->config_seq = wgc->config_seq;
	wgc_dump_check_consistent(cb, hdr);

	if (nla_put_u32(skb, WGC_DEVICE_A_IFINDEX, wgc->dev->ifindex) ||
	    nla_put_string(skb, WGC_DEVICE_A_IFNAME, wgc->dev->name))
		return -EMSGSIZE;
	if (first && wgc_fill_device(skb, wgc))
		return -EMSGSIZE;
	state->device_sent = true;
	ret = wgc_fill_peers(skb, state);
	return ret == -EMSGSIZE && first ? 1 : ret;
}

/*
 * One message per pass. Returning 0 with the last message still in @skb is
 * fine: netlink appends NLMSG_DONE to it, or sends that alone next time.
 */
int wgc_get_device_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct wgc_dump_state *state = wgc_dump_state(cb);
	struct wgc_device *wgc;
	void *hdr;
	int ret;

	ret = wgc_dump_lookup(cb);
	if (ret)
		return ret;
	wgc = state->wgc;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &wgc_genl_family, NLM_F_MULTI, WGC_CMD_GET_DEVICE);
	if (!hdr)
		return -EMSGSIZE;
	mutex_lock(&wgc->device_update_lock);
	ret = wgc_fill_dump(skb, cb, hdr);
	mutex_unlock(&wgc->device_update_lock);
	if (ret < 0) {
		genlmsg_cancel(skb, hdr);
		return ret;
	}
	genlmsg_end(skb, hdr);
	return ret ? skb->len : 0;
}
