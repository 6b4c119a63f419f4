// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "wgc": get and set a device's configuration, its
 * peers and their allowed IPs.
 *
 * A set request is checked whole before anything changes: the policies
 * below check each attribute, then one pass over every peer and allowed IP
 * checks what the policies cannot (attributes that only make sense
 * together, the peer limit), and every resource the device part needs (a
 * new listen port) is acquired. Only then is the request applied. Applying
 * the device part cannot fail; applying the peers can, but only when memory
 * runs out (creating a peer, inserting an allowed IP), and that leaves the
 * request half done: the peers before the failing one are changed, the rest
 * are not. Any other error leaves the device exactly as it was.
 *
 * A dump sends the device and its peers over as many messages as it takes;
 * see struct wgc_dump_state for how it resumes.
 */

#include "netlink.h"
#include "compat.h"
#include "device.h"
#include "messages.h"
#include "noise.h"
#include "peer.h"
#include "socket.h"

#include <crypto/algapi.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/time64.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <uapi/linux/wgc.h>

static struct genl_family wgc_genl_family;

/*
 * Keys get their own length checks, rather than NLA_POLICY_EXACT_LEN, so that
 * the error message says which key was wrong.
 */
static int wgc_validate_private_key(const struct nlattr *attr,
				    struct netlink_ext_ack *extack)
{
	if (nla_len(attr) == WGC_KEY_LEN)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "private key must be exactly 32 bytes");
	return -EINVAL;
}

static int wgc_validate_public_key(const struct nlattr *attr,
				   struct netlink_ext_ack *extack)
{
	if (nla_len(attr) == WGC_KEY_LEN)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "public key must be exactly 32 bytes");
	return -EINVAL;
}

static int wgc_validate_peer_public_key(const struct nlattr *attr,
					struct netlink_ext_ack *extack)
{
	if (nla_len(attr) == WGC_KEY_LEN)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "peer public key must be exactly 32 bytes");
	return -EINVAL;
}

static int wgc_validate_preshared_key(const struct nlattr *attr,
				      struct netlink_ext_ack *extack)
{
	if (nla_len(attr) == WGC_KEY_LEN)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "preshared key must be exactly 32 bytes");
	return -EINVAL;
}

/* Unknown flags are refused: silently ignoring one would change meaning. */
static int wgc_validate_device_flags(const struct nlattr *attr,
				     struct netlink_ext_ack *extack)
{
	if (!(nla_get_u32(attr) & ~__WGC_DEVICE_F_ALL))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "unknown device flags");
	return -EOPNOTSUPP;
}

static int wgc_validate_peer_flags(const struct nlattr *attr,
				   struct netlink_ext_ack *extack)
{
	if (!(nla_get_u32(attr) & ~__WGC_PEER_F_ALL))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "unknown peer flags");
	return -EOPNOTSUPP;
}

/* The length is checked first, so the family is only read when present. */
static int wgc_validate_endpoint(const struct nlattr *attr,
				 struct netlink_ext_ack *extack)
{
	const struct sockaddr *addr = nla_data(attr);
	int len = nla_len(attr);

	if ((len == sizeof(struct sockaddr_in) && addr->sa_family == AF_INET) ||
	    (len == sizeof(struct sockaddr_in6) && addr->sa_family == AF_INET6))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "endpoint must be a sockaddr_in or sockaddr_in6 of exactly its size");
	return -EINVAL;
}

/* 0 asks for the current version, which is 1. */
static int wgc_validate_protocol_version(const struct nlattr *attr,
					 struct netlink_ext_ack *extack)
{
	if (nla_get_u32(attr) <= 1)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "protocol version must be 0 or 1");
	return -EPFNOSUPPORT;
}

/* Address lengths and mask limits are checked with the family they need. */
static const struct nla_policy wgc_allowedip_policy[WGC_ALLOWEDIP_A_MAX + 1] = {
	[WGC_ALLOWEDIP_A_FAMILY]	= { .type = NLA_U16 },
	[WGC_ALLOWEDIP_A_IPADDR]	= { .type = NLA_BINARY },
	[WGC_ALLOWEDIP_A_CIDR_MASK]	= { .type = NLA_U8 },
};

static const struct nla_policy wgc_peer_policy[WGC_PEER_A_MAX + 1] = {
	[WGC_PEER_A_PUBLIC_KEY]		=
		NLA_POLICY_VALIDATE_FN(NLA_BINARY, wgc_validate_peer_public_key),
	[WGC_PEER_A_PRESHARED_KEY]	=
		NLA_POLICY_VALIDATE_FN(NLA_BINARY, wgc_validate_preshared_key),
	[WGC_PEER_A_FLAGS]		=
		NLA_POLICY_VALIDATE_FN(NLA_U32, wgc_validate_peer_flags),
	[WGC_PEER_A_ENDPOINT]		=
		NLA_POLICY_VALIDATE_FN(NLA_BINARY, wgc_validate_endpoint),
	[WGC_PEER_A_PERSISTENT_KEEPALIVE_INTERVAL] = { .type = NLA_U16 },
	/* Statistics only the kernel can know. */
	[WGC_PEER_A_LAST_HANDSHAKE_TIME] = {
		.type = NLA_REJECT,
		.reject_message = "last handshake time is read-only",
	},
	[WGC_PEER_A_RX_BYTES]		= {
		.type = NLA_REJECT,
		.reject_message = "received bytes are read-only",
	},
	[WGC_PEER_A_TX_BYTES]		= {
		.type = NLA_REJECT,
		.reject_message = "transmitted bytes are read-only",
	},
	[WGC_PEER_A_ALLOWEDIPS]		=
		NLA_POLICY_NESTED_ARRAY(wgc_allowedip_policy),
	[WGC_PEER_A_PROTOCOL_VERSION]	=
		NLA_POLICY_VALIDATE_FN(NLA_U32, wgc_validate_protocol_version),
};

/*
 * Genetlink validates a request against this whole tree, nested arrays
 * included, before a command sees it.
 */
static const struct nla_policy wgc_device_policy[WGC_DEVICE_A_MAX + 1] = {
	[WGC_DEVICE_A_IFINDEX]		= { .type = NLA_U32 },
	[WGC_DEVICE_A_IFNAME]		= { .type = NLA_NUL_STRING,
					    .len = IFNAMSIZ - 1 },
	[WGC_DEVICE_A_PRIVATE_KEY]	=
		NLA_POLICY_VALIDATE_FN(NLA_BINARY, wgc_validate_private_key),
	[WGC_DEVICE_A_PUBLIC_KEY]	=
		NLA_POLICY_VALIDATE_FN(NLA_BINARY, wgc_validate_public_key),
	[WGC_DEVICE_A_LISTEN_PORT]	= { .type = NLA_U16 },
	[WGC_DEVICE_A_FWMARK]		= { .type = NLA_U32 },
	[WGC_DEVICE_A_FLAGS]		=
		NLA_POLICY_VALIDATE_FN(NLA_U32, wgc_validate_device_flags),
	[WGC_DEVICE_A_PEERS]		= NLA_POLICY_NESTED_ARRAY(wgc_peer_policy),
};

static u32 wgc_get_flags(const struct nlattr *attr)
{
	return attr ? nla_get_u32(attr) : 0;
}

/* Caller holds device_update_lock, which serialises identity changes. */
static bool wgc_is_own_key(const struct wgc_static_identity *identity,
			   const u8 key[WGC_NOISE_PUBLIC_KEY_LEN])
{
	return identity->has_identity &&
	       !crypto_memneq(identity->public_key, key,
			      WGC_NOISE_PUBLIC_KEY_LEN);
}

/*
 * Finds the device a request names, in the requester's namespace, and
 * returns it with a reference held on its net_device.
 */
static struct wgc_device *wgc_lookup(struct net *net, struct nlattr **attrs,
				     struct netlink_ext_ack *extack)
{
	struct nlattr *ifindex = attrs[WGC_DEVICE_A_IFINDEX];
	struct nlattr *ifname = attrs[WGC_DEVICE_A_IFNAME];
	struct net_device *dev;

	if (!ifindex == !ifname) {
		NL_SET_ERR_MSG(extack,
			       "exactly one of ifindex and ifname names the device");
		return ERR_PTR(-EINVAL);
	}
	if (ifindex)
		dev = dev_get_by_index(net, nla_get_u32(ifindex));
	else
		dev = dev_get_by_name(net, nla_data(ifname));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, ifindex ?: ifname, "no such device");
		return ERR_PTR(-ENODEV);
	}
	if (!wgc_device_is_wgc(dev)) {
		dev_put(dev);
		NL_SET_ERR_MSG_ATTR(extack, ifindex ?: ifname,
				    "not a wgc device");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return netdev_priv(dev);
}

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

static int wgc_get_device_done(struct netlink_callback *cb)
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

/*
 * Caller holds wgc->device_update_lock. dev->name is read without RTNL: a
 * concurrent rename can at worst show a stale name in this one reply.
 */
static int wgc_fill_device(struct sk_buff *skb, struct wgc_device *wgc,
			   bool with_private_key)
{
	const struct wgc_static_identity *identity = &wgc->static_identity;

	lockdep_assert_held(&wgc->device_update_lock);

	if (nla_put_u16(skb, WGC_DEVICE_A_LISTEN_PORT, wgc->listen_port) ||
	    nla_put_u32(skb, WGC_DEVICE_A_FWMARK, wgc->fwmark))
		return -EMSGSIZE;
	if (!identity->has_identity)
		return 0;
	if (nla_put(skb, WGC_DEVICE_A_PUBLIC_KEY, WGC_KEY_LEN,
		    identity->public_key))
		return -EMSGSIZE;
	if (with_private_key &&
	    nla_put(skb, WGC_DEVICE_A_PRIVATE_KEY, WGC_KEY_LEN,
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
static int wgc_fill_peer_attrs(struct sk_buff *skb, struct wgc_peer *peer,
			       bool with_preshared_key)
{
	struct timespec64 ts =
		ns_to_timespec64(atomic64_read(&peer->walltime_last_handshake));
	struct __kernel_timespec last_handshake = {
		.tv_sec = ts.tv_sec,
		.tv_nsec = ts.tv_nsec,
	};

	if (with_preshared_key && wgc_put_preshared_key(skb, peer))
		return -EMSGSIZE;
	if (wgc_put_endpoint(skb, peer) ||
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
			 struct wgc_dump_state *state, bool with_preshared_key)
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
	    wgc_fill_peer_attrs(skb, peer, with_preshared_key))
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
static int wgc_fill_peers(struct sk_buff *skb, struct wgc_dump_state *state,
			  bool with_preshared_key)
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
		ret = wgc_fill_peer(skb, peer, state, with_preshared_key);
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
	bool with_keys;
	int ret;

	lockdep_assert_held(&wgc->device_update_lock);

	if (first)
		state->config_seq = wgc->config_seq;
	wgc_dump_check_consistent(cb, hdr);

	/* Only those who could set the keys may read them back. */
	with_keys = netlink_ns_capable(cb->skb, dev_net(wgc->dev)->user_ns,
				       CAP_NET_ADMIN);
	if (nla_put_u32(skb, WGC_DEVICE_A_IFINDEX, wgc->dev->ifindex) ||
	    nla_put_string(skb, WGC_DEVICE_A_IFNAME, wgc->dev->name))
		return -EMSGSIZE;
	if (first && wgc_fill_device(skb, wgc, with_keys))
		return -EMSGSIZE;
	state->device_sent = true;
	ret = wgc_fill_peers(skb, state, with_keys);
	return ret == -EMSGSIZE && first ? 1 : ret;
}

/*
 * One message per pass. Returning 0 with the last message still in @skb is
 * fine: netlink appends NLMSG_DONE to it, or sends that alone next time.
 */
static int wgc_get_device_dump(struct sk_buff *skb, struct netlink_callback *cb)
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

/* Everything a set request will change, prepared before committing. */
struct wgc_device_update {
	struct wgc_static_identity identity;
	struct wgc_socket_pair sockets;
	u32 flags;
	bool rebind;
};

/* Which key the device will have once the request is applied. */
static const struct wgc_static_identity *
wgc_next_identity(struct wgc_device *wgc, struct wgc_device_update *update,
		  struct nlattr **attrs)
{
	if (attrs[WGC_DEVICE_A_PRIVATE_KEY])
		return &update->identity;
	return &wgc->static_identity;
}

/* Sizes follow the family; returns 0 for an unknown family. */
static int wgc_allowedip_len(u16 family)
{
	if (family == AF_INET)
		return sizeof(struct in_addr);
	if (family == AF_INET6)
		return sizeof(struct in6_addr);
	return 0;
}

static int wgc_check_allowedip(struct nlattr *nest, struct nlattr **attrs,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *family = attrs[WGC_ALLOWEDIP_A_FAMILY];
	struct nlattr *addr = attrs[WGC_ALLOWEDIP_A_IPADDR];
	struct nlattr *cidr = attrs[WGC_ALLOWEDIP_A_CIDR_MASK];
	int len;

	if (!family || !addr || !cidr) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "allowed IP needs a family, an address and a cidr mask");
		return -EINVAL;
	}
	len = wgc_allowedip_len(nla_get_u16(family));
	if (!len) {
		NL_SET_ERR_MSG_ATTR(extack, family,
				    "allowed IP family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	if (nla_len(addr) != len) {
		NL_SET_ERR_MSG_ATTR(extack, addr,
				    "allowed IP address length does not match its family");
		return -EINVAL;
	}
	if (nla_get_u8(cidr) > len * BITS_PER_BYTE) {
		NL_SET_ERR_MSG_ATTR(extack, cidr,
				    "allowed IP cidr mask is longer than its address");
		return -EINVAL;
	}
	return 0;
}

static int wgc_check_allowedips(struct nlattr *list,
				struct netlink_ext_ack *extack)
{
	struct nlattr *attrs[WGC_ALLOWEDIP_A_MAX + 1];
	struct nlattr *nest;
	int rem, ret;

	if (!list)
		return 0;
	nla_for_each_nested(nest, list, rem) {
		ret = nla_parse_nested(attrs, WGC_ALLOWEDIP_A_MAX, nest,
				       wgc_allowedip_policy, extack);
		if (!ret)
			ret = wgc_check_allowedip(nest, attrs, extack);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Whether applying a peer may add one to the device. An upper bound: a key
 * named twice, or removed earlier in the request, counts as new.
 */
static bool wgc_may_create_peer(struct wgc_device *wgc,
				const struct wgc_static_identity *identity,
				struct nlattr **attrs, bool replace_peers)
{
	const u8 *key = nla_data(attrs[WGC_PEER_A_PUBLIC_KEY]);
	u32 flags = wgc_get_flags(attrs[WGC_PEER_A_FLAGS]);

	if (flags & (WGC_PEER_F_REMOVE_ME | WGC_PEER_F_UPDATE_ONLY))
		return false;
	if (wgc_is_own_key(identity, key))
		return false;
	return replace_peers || !wgc_peer_lookup(wgc, key);
}

/*
 * The pass over every peer and allowed IP that builds nothing: what the
 * policies could not check, and that the device stays within its peer
 * limit. Caller holds device_update_lock.
 */
static int wgc_check_peers(struct wgc_device *wgc,
			   const struct wgc_static_identity *identity,
			   struct nlattr *list, bool replace_peers,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *attrs[WGC_PEER_A_MAX + 1];
	size_t peers = replace_peers ? 0 : wgc->num_peers;
	struct nlattr *nest;
	int rem, ret;

	nla_for_each_nested(nest, list, rem) {
		ret = nla_parse_nested(attrs, WGC_PEER_A_MAX, nest,
				       wgc_peer_policy, extack);
		if (ret)
			return ret;
		if (!attrs[WGC_PEER_A_PUBLIC_KEY]) {
			NL_SET_ERR_MSG_ATTR(extack, nest, "peer has no public key");
			return -EINVAL;
		}
		ret = wgc_check_allowedips(attrs[WGC_PEER_A_ALLOWEDIPS], extack);
		if (ret)
			return ret;
		if (wgc_may_create_peer(wgc, identity, attrs, replace_peers))
			peers++;
	}
	if (peers > WGC_MAX_PEERS_PER_DEVICE) {
		NL_SET_ERR_MSG_ATTR(extack, list, "too many peers for one device");
		return -ENOSPC;
	}
	return 0;
}

static int wgc_prepare_listen_port(struct wgc_device *wgc,
				   struct wgc_device_update *update,
				   struct nlattr *attr,
				   struct netlink_ext_ack *extack)
{
	u16 port = nla_get_u16(attr);
	int ret;

	/* A down device binds at open; the same port is already bound. */
	if (!netif_running(wgc->dev) || port == wgc->listen_port)
		return 0;
	ret = wgc_socket_bind(wgc, port, &update->sockets);
	if (ret == -EADDRINUSE)
		NL_SET_ERR_MSG_ATTR(extack, attr, "listen port is already in use");
	else if (ret)
		NL_SET_ERR_MSG_ATTR(extack, attr, "cannot bind the listen port");
	else
		update->rebind = true;
	return ret;
}

static int wgc_prepare_update(struct wgc_device *wgc,
			      struct wgc_device_update *update,
			      struct genl_info *info)
{
	struct nlattr *private_key = info->attrs[WGC_DEVICE_A_PRIVATE_KEY];
	struct nlattr *public_key = info->attrs[WGC_DEVICE_A_PUBLIC_KEY];
	struct nlattr *listen_port = info->attrs[WGC_DEVICE_A_LISTEN_PORT];
	struct nlattr *peers = info->attrs[WGC_DEVICE_A_PEERS];
	bool replace_peers;
	int ret;

	if (public_key) {
		NL_SET_ERR_MSG_ATTR(info->extack, public_key,
				    "the public key follows from the private key and cannot be set");
		return -EINVAL;
	}
	update->flags = wgc_get_flags(info->attrs[WGC_DEVICE_A_FLAGS]);
	replace_peers = update->flags & WGC_DEVICE_F_REPLACE_PEERS;
	if (private_key) {
		ret = wgc_noise_identity_from_private_key(&update->identity,
							  nla_data(private_key));
		if (ret) {
			NL_SET_ERR_MSG_ATTR(info->extack, private_key,
					    "private key is not a usable Curve25519 key");
			return ret;
		}
	}
	/* After the key: a peer with the device's next key is ignored. */
	if (peers) {
		ret = wgc_check_peers(wgc,
				      wgc_next_identity(wgc, update, info->attrs),
				      peers, replace_peers, info->extack);
		if (ret)
			return ret;
	}
	/* Last: it is the one step that acquires something. */
	if (listen_port)
		return wgc_prepare_listen_port(wgc, update, listen_port,
					       info->extack);
	return 0;
}

/*
 * Setting the key the device already has is a no-op, as in WireGuard: it
 * must not retire the sessions made with it (configuration tools send the
 * whole configuration, key included, to change any part of it).
 */
static void wgc_commit_identity(struct wgc_device *wgc,
				struct wgc_static_identity *identity)
{
	if (!crypto_memneq(wgc->static_identity.private_key,
			   identity->private_key, WGC_NOISE_PUBLIC_KEY_LEN))
		return;
	wgc_device_install_identity(wgc, identity);
}

/* The device part of the request. Nothing in here may fail. */
/*
 * A new port or mark changes which local address and route reach each
 * peer: let routing choose afresh rather than reuse a cached source.
 */
static void wgc_forget_peer_sources(struct wgc_device *wgc)
{
	struct wgc_peer *peer;

	list_for_each_entry(peer, &wgc->peer_list, peer_list)
		wgc_socket_clear_peer_endpoint_src(peer);
}

static void wgc_commit_update(struct wgc_device *wgc,
			      struct wgc_device_update *update,
			      struct nlattr **attrs)
{
	wgc->config_seq++;
	if (attrs[WGC_DEVICE_A_FWMARK] || attrs[WGC_DEVICE_A_LISTEN_PORT])
		wgc_forget_peer_sources(wgc);
	if (update->flags & WGC_DEVICE_F_REPLACE_PEERS)
		wgc_peer_remove_all(wgc);
	if (attrs[WGC_DEVICE_A_PRIVATE_KEY])
		wgc_commit_identity(wgc, &update->identity);
	if (attrs[WGC_DEVICE_A_FWMARK])
		wgc->fwmark = nla_get_u32(attrs[WGC_DEVICE_A_FWMARK]);
	if (update->rebind)
		wgc_socket_install(wgc, &update->sockets);
	else if (attrs[WGC_DEVICE_A_LISTEN_PORT] && !netif_running(wgc->dev))
		wgc->listen_port = nla_get_u16(attrs[WGC_DEVICE_A_LISTEN_PORT]);
}

/* Checked already: an AF_INET or AF_INET6 address of the right length. */
static int wgc_add_allowedip(struct wgc_peer *peer, struct nlattr **attrs)
{
	struct wgc_device *wgc = peer->wgc;
	void *addr = nla_data(attrs[WGC_ALLOWEDIP_A_IPADDR]);
	u8 cidr = nla_get_u8(attrs[WGC_ALLOWEDIP_A_CIDR_MASK]);

	if (nla_get_u16(attrs[WGC_ALLOWEDIP_A_FAMILY]) == AF_INET)
		return wgc_allowedips_insert_v4(&wgc->peer_allowedips, addr,
						cidr, peer,
						&wgc->device_update_lock);
	return wgc_allowedips_insert_v6(&wgc->peer_allowedips, addr, cidr,
					peer, &wgc->device_update_lock);
}

static int wgc_add_allowedips(struct wgc_peer *peer, struct nlattr *list)
{
	struct nlattr *attrs[WGC_ALLOWEDIP_A_MAX + 1];
	struct nlattr *nest;
	int rem, ret;

	if (!list)
		return 0;
	nla_for_each_nested(nest, list, rem) {
		ret = nla_parse_nested(attrs, WGC_ALLOWEDIP_A_MAX, nest,
				       wgc_allowedip_policy, NULL);
		if (!ret)
			ret = wgc_add_allowedip(peer, attrs);
		if (ret)
			return ret;
	}
	return 0;
}

static void wgc_set_endpoint(struct wgc_peer *peer, const struct nlattr *attr)
{
	struct wgc_endpoint endpoint = {};

	/* Checked already: a whole sockaddr_in or sockaddr_in6. */
	if (nla_len(attr) == sizeof(endpoint.addr6))
		memcpy(&endpoint.addr6, nla_data(attr), sizeof(endpoint.addr6));
	else
		memcpy(&endpoint.addr4, nla_data(attr), sizeof(endpoint.addr4));
	wgc_peer_set_endpoint(peer, &endpoint);
}

/* Finds the peer a nest names, creating it unless told not to. */
static struct wgc_peer *wgc_get_peer(struct wgc_device *wgc,
				     struct nlattr **attrs, u32 flags)
{
	static const u8 no_preshared_key[WGC_NOISE_SYMMETRIC_KEY_LEN];
	struct nlattr *preshared_key = attrs[WGC_PEER_A_PRESHARED_KEY];
	const u8 *public_key = nla_data(attrs[WGC_PEER_A_PUBLIC_KEY]);
	struct wgc_peer *peer;

	peer = wgc_peer_lookup(wgc, public_key);
	if (peer || (flags & WGC_PEER_F_UPDATE_ONLY))
		return peer;
	return wgc_peer_create(wgc, public_key,
			       preshared_key ? nla_data(preshared_key) :
					       no_preshared_key);
}

/*
 * Applies one checked peer nest. Fails only for want of memory, leaving
 * the peer partly configured. Caller holds device_update_lock, which keeps
 * a looked-up peer in the list, and so alive, without a reference.
 */
static int wgc_apply_peer(struct wgc_device *wgc, struct nlattr **attrs)
{
	struct nlattr *preshared_key = attrs[WGC_PEER_A_PRESHARED_KEY];
	struct nlattr *keepalive =
		attrs[WGC_PEER_A_PERSISTENT_KEEPALIVE_INTERVAL];
	u32 flags = wgc_get_flags(attrs[WGC_PEER_A_FLAGS]);
	struct wgc_peer *peer;
	int ret;

	/* The device cannot be its own peer; WireGuard ignores it too. */
	if (wgc_is_own_key(&wgc->static_identity,
			   nla_data(attrs[WGC_PEER_A_PUBLIC_KEY])))
		return 0;
	if (flags & WGC_PEER_F_REMOVE_ME) {
		peer = wgc_peer_lookup(wgc,
				       nla_data(attrs[WGC_PEER_A_PUBLIC_KEY]));
		if (peer)
			wgc_peer_remove(peer);
		return 0;
	}
	peer = wgc_get_peer(wgc, attrs, flags);
	if (IS_ERR_OR_NULL(peer))
		return PTR_ERR_OR_ZERO(peer);

	if (preshared_key)
		wgc_peer_set_preshared_key(peer, nla_data(preshared_key));
	if (attrs[WGC_PEER_A_ENDPOINT])
		wgc_set_endpoint(peer, attrs[WGC_PEER_A_ENDPOINT]);
	if (flags & WGC_PEER_F_REPLACE_ALLOWEDIPS)
		wgc_allowedips_remove_by_peer(&wgc->peer_allowedips, peer,
					      &wgc->device_update_lock);
	ret = wgc_add_allowedips(peer, attrs[WGC_PEER_A_ALLOWEDIPS]);
	if (!ret && keepalive)
		wgc_peer_set_persistent_keepalive(peer, nla_get_u16(keepalive));
	wgc_peer_config_done(peer);
	return ret;
}

/* The peers before the one that fails stay applied; see the top comment. */
static int wgc_apply_peers(struct wgc_device *wgc, struct nlattr *list,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *attrs[WGC_PEER_A_MAX + 1];
	struct nlattr *nest;
	int rem, ret;

	lockdep_assert_held(&wgc->device_update_lock);

	nla_for_each_nested(nest, list, rem) {
		ret = nla_parse_nested(attrs, WGC_PEER_A_MAX, nest,
				       wgc_peer_policy, NULL);
		if (!ret)
			ret = wgc_apply_peer(wgc, attrs);
		if (ret) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "could not apply this peer: the request is only partly applied");
			return ret;
		}
	}
	return 0;
}

/*
 * Zeroes every preshared key in the request once it is no longer needed.
 * Walks the raw nests, so it also copes with a request that failed its
 * checks half way.
 */
static void wgc_scrub_preshared_keys(struct nlattr *list)
{
	struct nlattr *nest, *attr;
	int rem, rem_peer;

	if (!list)
		return;
	nla_for_each_nested(nest, list, rem)
		nla_for_each_nested(attr, nest, rem_peer)
			if (nla_type(attr) == WGC_PEER_A_PRESHARED_KEY)
				memzero_explicit(nla_data(attr), nla_len(attr));
}

static int wgc_set_device_locked(struct wgc_device *wgc,
				 struct wgc_device_update *update,
				 struct genl_info *info)
{
	int ret;

	ret = wgc_prepare_update(wgc, update, info);
	if (ret)
		return ret;
	wgc_commit_update(wgc, update, info->attrs);
	if (!info->attrs[WGC_DEVICE_A_PEERS])
		return 0;
	return wgc_apply_peers(wgc, info->attrs[WGC_DEVICE_A_PEERS],
			       info->extack);
}

static int wgc_set_device(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *private_key = info->attrs[WGC_DEVICE_A_PRIVATE_KEY];
	struct wgc_device_update update = {};
	struct wgc_device *wgc;
	int ret;

	wgc = wgc_lookup(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(wgc)) {
		ret = PTR_ERR(wgc);
		goto out;
	}

	/* RTNL keeps the device from going up or down under us. */
	rtnl_lock();
	mutex_lock(&wgc->device_update_lock);
	ret = wgc_set_device_locked(wgc, &update, info);
	mutex_unlock(&wgc->device_update_lock);
	rtnl_unlock();
	dev_put(wgc->dev);

out:
	memzero_explicit(&update.identity, sizeof(update.identity));
	/* The request buffer is ours to scrub before it is freed. */
	if (private_key)
		memzero_explicit(nla_data(private_key), nla_len(private_key));
	wgc_scrub_preshared_keys(info->attrs[WGC_DEVICE_A_PEERS]);
	return ret;
}

static const struct genl_ops wgc_genl_ops[] = {
	{
		.cmd	= WGC_CMD_GET_DEVICE,
		.dumpit	= wgc_get_device_dump,
		.done	= wgc_get_device_done,
	}, {
		.cmd	= WGC_CMD_SET_DEVICE,
		.doit	= wgc_set_device,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family wgc_genl_family __ro_after_init = {
	.name		= WGC_GENL_NAME,
	.version	= WGC_GENL_VERSION,
	.maxattr	= WGC_DEVICE_A_MAX,
	.policy		= wgc_device_policy,
	.ops		= wgc_genl_ops,
	.n_ops		= ARRAY_SIZE(wgc_genl_ops),
	/* Every command gets strict validation of header and attributes. */
	.resv_start_op	= WGC_CMD_SET_DEVICE + 1,
	.netnsok	= true,
	.module		= THIS_MODULE,
};

int __init wgc_genetlink_init(void)
{
	return genl_register_family(&wgc_genl_family);
}

void wgc_genetlink_uninit(void)
{
	genl_unregister_family(&wgc_genl_family);
}
