// SPDX-License-Identifier: GPL-2.0
/*
 * Events: one generic netlink message per thing that happened to a peer,
 * multicast to the family's "events" group in the device's namespace.
 *
 * Nothing is built unless someone listens, so a device nobody watches pays
 * one bitmap test per event. Events from the packet path and the handshake
 * workers are built from copies, after the locks of what they report are
 * released; configuration events go out under the configuration's own
 * locks, in the order of its changes. None waits for a listener: netlink
 * drops an event for a listener whose receive buffer is full (that
 * listener's next read fails with ENOBUFS). The packet path only sends the
 * rare ones (an endpoint that moved; a handshake given up, from a timer),
 * with GFP_ATOMIC, under a per-device rate limit.
 */

#include "events.h"
#include "device.h"
#include "netlink_priv.h"
#include "peer.h"
#include "socket.h"

#include <net/genetlink.h>
#include <uapi/linux/wgc.h>

/*
 * What strangers can cause is rate limited per device: a flood of
 * initiations from keys nobody configured, each of which got through MAC1
 * and the token bucket, makes at most this many events.
 */
#define WGC_UNKNOWN_INITIATOR_EVENTS_PER_SEC 10

/*
 * A genuine peer's packets can also flap between sources (a NAT with
 * several public addresses, or a rewriter on the path): endpoint changes
 * are rate limited too, per device, generously enough for many peers
 * moving at once (a NAT that restarted).
 */
#define WGC_ENDPOINT_EVENTS_PER_SEC 100

/*
 * The largest event of its kind, sized exactly: a listener's receive buffer
 * is charged the whole allocation, and NLMSG_GOODSIZE would fit a tenth as
 * many.
 */
static size_t wgc_event_size(u8 cmd)
{
	size_t size = nla_total_size(sizeof(u32)) +	/* ifindex */
		      nla_total_size(IFNAMSIZ) +	/* ifname */
		      nla_total_size(WGC_KEY_LEN) +	/* public key */
		      nla_total_size(sizeof(u8));	/* role */

	if (cmd == WGC_CMD_SESSION_KEYS)
		return size + 3 * nla_total_size(WGC_KEY_LEN);
	return size + 2 * nla_total_size(sizeof(struct sockaddr_in6));
}

/* It limits events, not messages: ___ratelimit() must not print. */
static void wgc_event_limit_init(struct ratelimit_state *limit, int per_sec)
{
	ratelimit_state_init(limit, HZ, per_sec);
	ratelimit_set_flags(limit, RATELIMIT_MSG_ON_RELEASE);
}

void wgc_events_init(struct wgc_device *wgc)
{
	wgc_event_limit_init(&wgc->events.unknown_initiator_limit,
			     WGC_UNKNOWN_INITIATOR_EVENTS_PER_SEC);
	wgc_event_limit_init(&wgc->events.endpoint_limit,
			     WGC_ENDPOINT_EVENTS_PER_SEC);
}

/*
 * Whether an event under @limit may go out; the rest count as suppressed.
 * (___ratelimit() also says no when another CPU holds its lock: under
 * contention a few count as suppressed below the limit.)
 */
static bool wgc_event_allowed(struct wgc_device *wgc,
			      struct ratelimit_state *limit)
{
	if (__ratelimit(limit))
		return true;
	atomic64_inc(&wgc->events.suppressed);
	return false;
}

static struct net *wgc_events_net(const struct wgc_device *wgc)
{
	return dev_net(wgc->dev);
}

/* The group an event goes to: session keys have their own. */
static unsigned int wgc_event_group(u8 cmd)
{
	return cmd == WGC_CMD_SESSION_KEYS ? WGC_MCGRP_KEYLOG_ID :
					     WGC_MCGRP_EVENTS_ID;
}

static bool wgc_group_wanted(const struct wgc_device *wgc, unsigned int group)
{
	return genl_has_listeners(&wgc_genl_family, wgc_events_net(wgc), group);
}

static bool wgc_events_wanted(const struct wgc_device *wgc)
{
	return wgc_group_wanted(wgc, WGC_MCGRP_EVENTS_ID);
}

/*
 * Starts an event naming the device. dev->name is read without RTNL, into
 * a copy that is a string whatever a concurrent rename does: at worst the
 * event shows the old name, or a mix.
 */
static struct sk_buff *wgc_event_start(struct wgc_device *wgc, u8 cmd,
				       gfp_t gfp)
{
	struct sk_buff *skb = genlmsg_new(wgc_event_size(cmd), gfp);
	char name[IFNAMSIZ];

	if (!skb)
		return NULL;
	strscpy(name, wgc->dev->name, sizeof(name));
	if (!genlmsg_put(skb, 0, 0, &wgc_genl_family, 0, cmd) ||
	    nla_put_u32(skb, WGC_EVENT_A_IFINDEX, wgc->dev->ifindex) ||
	    nla_put_string(skb, WGC_EVENT_A_IFNAME, name)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static void wgc_event_send(struct wgc_device *wgc, struct sk_buff *skb,
			   gfp_t gfp)
{
	u8 cmd = ((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(skb)))->cmd;

	nlmsg_end(skb, nlmsg_hdr(skb));
	/*
	 * Success means some listener got it. A listener whose buffer is full
	 * just misses it (and reads ENOBUFS next): when that was every
	 * listener, netlink says -ESRCH, as it does when the last one left
	 * since wgc_events_wanted(), which is rare enough to count the same.
	 */
	if (!genlmsg_multicast_netns(&wgc_genl_family, wgc_events_net(wgc),
				     skb, 0, wgc_event_group(cmd), gfp))
		atomic64_inc(&wgc->events.sent);
	else
		atomic64_inc(&wgc->events.dropped);
}

static void wgc_event_failed(struct wgc_device *wgc, struct sk_buff *skb)
{
	nlmsg_free(skb);
	atomic64_inc(&wgc->events.dropped);
}

/* An event about a peer, with its public key (set once, at creation). */
static struct sk_buff *wgc_peer_event_start(struct wgc_peer *peer, u8 cmd,
					    gfp_t gfp)
{
	struct wgc_device *wgc = peer->wgc;
	struct sk_buff *skb;

	/*
	 * Once removal began, the only event left to send about the peer is
	 * its removal, which comes after everything else in flight.
	 */
	if (READ_ONCE(peer->is_dead) && cmd != WGC_CMD_PEER_REMOVED)
		return NULL;
	if (!wgc_group_wanted(wgc, wgc_event_group(cmd)))
		return NULL;
	skb = wgc_event_start(wgc, cmd, gfp);
	if (!skb) {
		atomic64_inc(&wgc->events.dropped);
		return NULL;
	}
	if (nla_put(skb, WGC_EVENT_A_PUBLIC_KEY, WGC_KEY_LEN,
		    peer->handshake.remote_static)) {
		wgc_event_failed(wgc, skb);
		return NULL;
	}
	return skb;
}

void wgc_event_peer(struct wgc_peer *peer, u8 cmd, gfp_t gfp)
{
	struct sk_buff *skb = wgc_peer_event_start(peer, cmd, gfp);

	if (skb)
		wgc_event_send(peer->wgc, skb, gfp);
}

/* Process context: the handshake works. */
void wgc_event_session_started(struct wgc_peer *peer, bool initiator)
{
	struct wgc_endpoint endpoint;
	struct sk_buff *skb;

	might_sleep();
	skb = wgc_peer_event_start(peer, WGC_CMD_SESSION_STARTED, GFP_KERNEL);
	if (!skb)
		return;
	wgc_peer_read_endpoint(peer, &endpoint);
	if (nla_put_u8(skb, WGC_EVENT_A_ROLE,
		       initiator ? WGC_SESSION_ROLE_INITIATOR :
				   WGC_SESSION_ROLE_RESPONDER) ||
	    wgc_nla_put_endpoint(skb, WGC_EVENT_A_ENDPOINT, &endpoint)) {
		wgc_event_failed(peer->wgc, skb);
		return;
	}
	wgc_event_send(peer->wgc, skb, GFP_KERNEL);
}

/* The session-keys event's attributes, then the event itself. */
static void wgc_event_put_keys(struct wgc_peer *peer, struct sk_buff *skb,
			       bool initiator,
			       const struct wgc_session_keys *keys)
{
	if (nla_put_u8(skb, WGC_EVENT_A_ROLE,
		       initiator ? WGC_SESSION_ROLE_INITIATOR :
				   WGC_SESSION_ROLE_RESPONDER) ||
	    nla_put(skb, WGC_EVENT_A_LOCAL_PRIVATE_KEY, WGC_KEY_LEN,
		    keys->local_private) ||
	    nla_put(skb, WGC_EVENT_A_EPHEMERAL_PRIVATE_KEY, WGC_KEY_LEN,
		    keys->ephemeral_private) ||
	    nla_put(skb, WGC_EVENT_A_PRESHARED_KEY, WGC_KEY_LEN,
		    keys->preshared)) {
		wgc_event_failed(peer->wgc, skb);
		return;
	}
	wgc_event_send(peer->wgc, skb, GFP_KERNEL);
}

/*
 * Process context: the handshake works, once the session began (after the
 * responder's response: the event must not delay it).
 */
void wgc_event_session_keys(struct wgc_peer *peer, bool initiator,
			    struct wgc_session_keys *keys)
{
	struct sk_buff *skb;

	might_sleep();
	if (!keys->copied)
		return;
	skb = wgc_peer_event_start(peer, WGC_CMD_SESSION_KEYS, GFP_KERNEL);
	if (skb)
		wgc_event_put_keys(peer, skb, initiator, keys);
	memzero_explicit(keys, sizeof(*keys));
}

/* From the packet path: the caller holds no lock. */
void wgc_event_endpoint_changed(struct wgc_peer *peer,
				const struct wgc_endpoint *old,
				const struct wgc_endpoint *new)
{
	struct sk_buff *skb;

	if (!wgc_events_wanted(peer->wgc) ||
	    !wgc_event_allowed(peer->wgc, &peer->wgc->events.endpoint_limit))
		return;
	skb = wgc_peer_event_start(peer, WGC_CMD_ENDPOINT_CHANGED, GFP_ATOMIC);
	if (!skb)
		return;
	if (wgc_nla_put_endpoint(skb, WGC_EVENT_A_ENDPOINT, new) ||
	    wgc_nla_put_endpoint(skb, WGC_EVENT_A_OLD_ENDPOINT, old)) {
		wgc_event_failed(peer->wgc, skb);
		return;
	}
	wgc_event_send(peer->wgc, skb, GFP_ATOMIC);
}

/* Process context: the handshake receive workers. */
void wgc_event_unknown_initiator(struct wgc_device *wgc, const u8 *public_key,
				 const struct sk_buff *in_skb)
{
	struct wgc_endpoint source;
	struct sk_buff *skb;

	might_sleep();
	if (!wgc_events_wanted(wgc) ||
	    !wgc_event_allowed(wgc, &wgc->events.unknown_initiator_limit))
		return;
	skb = wgc_event_start(wgc, WGC_CMD_UNKNOWN_INITIATOR, GFP_KERNEL);
	if (!skb) {
		atomic64_inc(&wgc->events.dropped);
		return;
	}
	if (nla_put(skb, WGC_EVENT_A_PUBLIC_KEY, WGC_KEY_LEN, public_key) ||
	    wgc_socket_endpoint_from_skb(&source, in_skb) ||
	    wgc_nla_put_endpoint(skb, WGC_EVENT_A_ENDPOINT, &source)) {
		wgc_event_failed(wgc, skb);
		return;
	}
	wgc_event_send(wgc, skb, GFP_KERNEL);
}
