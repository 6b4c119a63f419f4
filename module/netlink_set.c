// SPDX-License-Identifier: GPL-2.0
/*
 * WGC_CMD_SET_DEVICE: change a device's configuration, its peers and their
 * allowed IPs.
 *
 * A set request is checked whole before anything changes: the policies in
 * netlink.c check each attribute, then one pass over every peer and allowed
 * IP checks what the policies cannot (flag bits and the protocol version,
 * attributes that only make sense together, bytes after the last entry of
 * a list, the peer limit), and every resource the device part needs (a new
 * listen port) is acquired. Only then is the request applied. Applying
 * the device part cannot fail; applying the peers can, but only when memory
 * runs out (creating a peer, inserting an allowed IP), and that leaves the
 * request half done: the peers before the failing one are changed, the rest
 * are not. Any other error leaves the device exactly as it was.
 */

#include "netlink_priv.h"
#include "device.h"
#include "events.h"
#include "messages.h"
#include "noise.h"
#include "peer.h"
#include "socket.h"

#include <crypto/algapi.h>
#include <linux/capability.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <uapi/linux/wgc.h>

static u32 wgc_get_flags(const struct nlattr *attr)
{
	return attr ? nla_get_u32(attr) : 0;
}

/*
 * Unknown flags are refused: silently ignoring one would change meaning.
 * EOPNOTSUPP tells a client that this kernel does not know the flag. (The
 * policies cannot check integers with a function; see netlink.c.)
 */
static int wgc_check_device_flags(const struct nlattr *attr,
				  struct netlink_ext_ack *extack)
{
	if (!(wgc_get_flags(attr) & ~__WGC_DEVICE_F_ALL))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "unknown device flags");
	return -EOPNOTSUPP;
}

static int wgc_check_peer_flags(const struct nlattr *attr,
				struct netlink_ext_ack *extack)
{
	if (!(wgc_get_flags(attr) & ~__WGC_PEER_F_ALL))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "unknown peer flags");
	return -EOPNOTSUPP;
}

static int wgc_check_allowedip_flags(const struct nlattr *attr,
				     struct netlink_ext_ack *extack)
{
	if (!(wgc_get_flags(attr) & ~__WGC_ALLOWEDIP_F_ALL))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "unknown allowed IP flags");
	return -EOPNOTSUPP;
}

/* 0 asks for the current version, which is 1. */
static int wgc_check_protocol_version(const struct nlattr *attr,
				      struct netlink_ext_ack *extack)
{
	if (!attr || nla_get_u32(attr) <= 1)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "protocol version must be 0 or 1");
	return -EPFNOSUPPORT;
}

/* Caller holds device_update_lock, which serialises identity changes. */
static bool wgc_is_own_key(const struct wgc_static_identity *identity,
			   const u8 key[WGC_NOISE_PUBLIC_KEY_LEN])
{
	return identity->has_identity &&
	       !crypto_memneq(identity->public_key, key,
			      WGC_NOISE_PUBLIC_KEY_LEN);
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
			       void *unused, struct netlink_ext_ack *extack)
{
	struct nlattr *family = attrs[WGC_ALLOWEDIP_A_FAMILY];
	struct nlattr *addr = attrs[WGC_ALLOWEDIP_A_IPADDR];
	struct nlattr *cidr = attrs[WGC_ALLOWEDIP_A_CIDR_MASK];
	int len, ret;

	ret = wgc_check_allowedip_flags(attrs[WGC_ALLOWEDIP_A_FLAGS], extack);
	if (ret)
		return ret;
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

/* What to do with each allowed IP of a peer: check it, or apply it. */
struct wgc_allowedip_action {
	int (*fn)(struct nlattr *nest, struct nlattr **attrs, void *arg,
		  struct netlink_ext_ack *extack);
	void *arg;
};

/*
 * Parses each allowed-IP nest of @list and hands it to @action, stopping at
 * the first error: the checking pass and the applying pass walk alike.
 */
static int wgc_walk_allowedips(struct nlattr *list,
			       const struct wgc_allowedip_action *action,
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
			ret = action->fn(nest, attrs, action->arg, extack);
		if (ret)
			return ret;
	}
	/* See wgc_check_peers(). */
	if (rem > 0) {
		NL_SET_ERR_MSG_ATTR(extack, list,
				    "bytes left over after the last allowed IP");
		return -EINVAL;
	}
	return 0;
}

static int wgc_check_allowedips(struct nlattr *list,
				struct netlink_ext_ack *extack)
{
	const struct wgc_allowedip_action check = {
		.fn = wgc_check_allowedip,
	};

	return wgc_walk_allowedips(list, &check, extack);
}

/* What the policy cannot check of one peer, its allowed IPs included. */
static int wgc_check_peer(struct nlattr *nest, struct nlattr **attrs,
			  struct netlink_ext_ack *extack)
{
	int ret;

	if (!attrs[WGC_PEER_A_PUBLIC_KEY]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "peer has no public key");
		return -EINVAL;
	}
	ret = wgc_check_peer_flags(attrs[WGC_PEER_A_FLAGS], extack);
	if (!ret)
		ret = wgc_check_protocol_version(attrs[WGC_PEER_A_PROTOCOL_VERSION],
						 extack);
	if (!ret)
		ret = wgc_check_allowedips(attrs[WGC_PEER_A_ALLOWEDIPS], extack);
	return ret;
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

	lockdep_assert_held(&wgc->device_update_lock);
	nla_for_each_nested(nest, list, rem) {
		ret = nla_parse_nested(attrs, WGC_PEER_A_MAX, nest,
				       wgc_peer_policy, extack);
		if (ret)
			return ret;
		ret = wgc_check_peer(nest, attrs, extack);
		if (ret)
			return ret;
		if (wgc_may_create_peer(wgc, identity, attrs, replace_peers))
			peers++;
	}
	/*
	 * The policy's check of a nested array stops, as this walk does, at
	 * the first entry that does not fit what is left: a truncated peer,
	 * or bytes after the last one, which would then go unnoticed.
	 */
	if (rem > 0) {
		NL_SET_ERR_MSG_ATTR(extack, list,
				    "bytes left over after the last peer");
		return -EINVAL;
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

/*
 * The sockets live in the namespace that created the device, which may not
 * be the one it is in now: root in a container that was handed the device
 * may change its peers, but not rebind or re-mark sockets in the host's
 * namespace. That takes CAP_NET_ADMIN over the creating namespace too, as
 * in WireGuard. Called under RTNL, which keeps creating_net alive.
 */
static int wgc_may_change_sockets(struct wgc_device *wgc,
				  struct genl_info *info)
{
	struct nlattr *attr = info->attrs[WGC_DEVICE_A_LISTEN_PORT] ?:
			      info->attrs[WGC_DEVICE_A_FWMARK];

	ASSERT_RTNL();
	if (!attr || ns_capable(wgc->creating_net->user_ns, CAP_NET_ADMIN))
		return 0;
	NL_SET_ERR_MSG_ATTR(info->extack, attr,
			    "changing the listen port or fwmark needs CAP_NET_ADMIN in the namespace that created the device");
	return -EPERM;
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

	ret = wgc_may_change_sockets(wgc, info);
	if (ret)
		return ret;
	if (public_key) {
		NL_SET_ERR_MSG_ATTR(info->extack, public_key,
				    "the public key follows from the private key and cannot be set");
		return -EINVAL;
	}
	if (info->attrs[WGC_DEVICE_A_HANDSHAKE_STATS]) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[WGC_DEVICE_A_HANDSHAKE_STATS],
				    "handshake statistics are read-only");
		return -EINVAL;
	}
	if (info->attrs[WGC_DEVICE_A_EVENT_STATS]) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[WGC_DEVICE_A_EVENT_STATS],
				    "event statistics are read-only");
		return -EINVAL;
	}
	ret = wgc_check_device_flags(info->attrs[WGC_DEVICE_A_FLAGS],
				     info->extack);
	if (ret)
		return ret;
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

/* Logged both ways: on, it hands session keys to whoever listens. */
static void wgc_set_keylog(struct wgc_device *wgc, bool on)
{
	if (wgc->keylog == on)
		return;
	WRITE_ONCE(wgc->keylog, on);
	if (on)
		netdev_notice(wgc->dev,
			      "keylog on: new sessions' keys go to event listeners (for debugging)\n");
	else
		netdev_notice(wgc->dev, "keylog off\n");
}

/* The device part of the request. Nothing in here may fail. */
static void wgc_commit_update(struct wgc_device *wgc,
			      struct wgc_device_update *update,
			      struct nlattr **attrs)
{
	wgc->config_seq++;
	if (attrs[WGC_DEVICE_A_FWMARK] || attrs[WGC_DEVICE_A_LISTEN_PORT])
		wgc_forget_peer_sources(wgc);
	if (update->flags & WGC_DEVICE_F_REPLACE_PEERS)
		wgc_peer_remove_all(wgc, true);
	if (attrs[WGC_DEVICE_A_PRIVATE_KEY])
		wgc_commit_identity(wgc, &update->identity);
	if (attrs[WGC_DEVICE_A_FWMARK])
		wgc->fwmark = nla_get_u32(attrs[WGC_DEVICE_A_FWMARK]);
	if (attrs[WGC_DEVICE_A_KEYLOG])
		wgc_set_keylog(wgc, nla_get_u8(attrs[WGC_DEVICE_A_KEYLOG]));
	if (update->rebind)
		wgc_socket_install(wgc, &update->sockets);
	else if (attrs[WGC_DEVICE_A_LISTEN_PORT] && !netif_running(wgc->dev))
		wgc->listen_port = nla_get_u16(attrs[WGC_DEVICE_A_LISTEN_PORT]);
}

/*
 * Adds the prefix to the peer, or takes it away with
 * WGC_ALLOWEDIP_F_REMOVE_ME. Checked already: an AF_INET or AF_INET6
 * address of the right length, known flags.
 */
static int wgc_apply_allowedip(struct nlattr *nest, struct nlattr **attrs,
			       void *arg, struct netlink_ext_ack *extack)
{
	struct wgc_peer *peer = arg;
	struct wgc_allowedips *table = &peer->wgc->peer_allowedips;
	struct mutex *lock = &peer->wgc->device_update_lock;
	void *addr = nla_data(attrs[WGC_ALLOWEDIP_A_IPADDR]);
	u8 cidr = nla_get_u8(attrs[WGC_ALLOWEDIP_A_CIDR_MASK]);
	bool v4 = nla_get_u16(attrs[WGC_ALLOWEDIP_A_FAMILY]) == AF_INET;
	u32 flags = 0;

	if (attrs[WGC_ALLOWEDIP_A_FLAGS])
		flags = nla_get_u32(attrs[WGC_ALLOWEDIP_A_FLAGS]);
	if (flags & WGC_ALLOWEDIP_F_REMOVE_ME)
		return v4 ? wgc_allowedips_remove_v4(table, addr, cidr, peer, lock) :
			    wgc_allowedips_remove_v6(table, addr, cidr, peer, lock);
	return v4 ? wgc_allowedips_insert_v4(table, addr, cidr, peer, lock) :
		    wgc_allowedips_insert_v6(table, addr, cidr, peer, lock);
}

static int wgc_apply_allowedips(struct wgc_peer *peer, struct nlattr *list)
{
	const struct wgc_allowedip_action apply = {
		.fn = wgc_apply_allowedip,
		.arg = peer,
	};

	return wgc_walk_allowedips(list, &apply, NULL);
}

static void wgc_set_endpoint(struct wgc_peer *peer, const struct nlattr *attr)
{
	struct wgc_endpoint endpoint = {};

	/* Checked already: a whole sockaddr_in or sockaddr_in6. */
	if (nla_len(attr) == sizeof(endpoint.addr6))
		memcpy(&endpoint.addr6, nla_data(attr), sizeof(endpoint.addr6));
	else
		memcpy(&endpoint.addr4, nla_data(attr), sizeof(endpoint.addr4));
	wgc_peer_set_endpoint(peer, &endpoint, NULL);
}

/*
 * Finds the peer a nest names, creating it unless told not to, and says
 * which event applying the nest makes: WGC_CMD_PEER_ADDED for a new peer,
 * WGC_CMD_PEER_CHANGED for one the nest has settings for, else none (0).
 */
static struct wgc_peer *wgc_get_peer(struct wgc_device *wgc,
				     struct nlattr **attrs, u32 flags,
				     u8 *event)
{
	static const u8 no_preshared_key[WGC_NOISE_SYMMETRIC_KEY_LEN];
	struct nlattr *preshared_key = attrs[WGC_PEER_A_PRESHARED_KEY];
	const u8 *public_key = nla_data(attrs[WGC_PEER_A_PUBLIC_KEY]);
	struct wgc_peer *peer;

	peer = wgc_peer_lookup(wgc, public_key);
	if (peer) {
		bool settings = preshared_key || attrs[WGC_PEER_A_ENDPOINT] ||
			attrs[WGC_PEER_A_PERSISTENT_KEEPALIVE_INTERVAL] ||
			attrs[WGC_PEER_A_ALLOWEDIPS] ||
			(flags & WGC_PEER_F_REPLACE_ALLOWEDIPS);

		*event = settings ? WGC_CMD_PEER_CHANGED : 0;
		return peer;
	}
	if (flags & WGC_PEER_F_UPDATE_ONLY)
		return NULL;
	*event = WGC_CMD_PEER_ADDED;
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
	u8 event = 0;
	int ret;

	lockdep_assert_held(&wgc->device_update_lock);
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
	peer = wgc_get_peer(wgc, attrs, flags, &event);
	if (IS_ERR_OR_NULL(peer))
		return PTR_ERR_OR_ZERO(peer);

	if (preshared_key)
		wgc_peer_set_preshared_key(peer, nla_data(preshared_key));
	if (attrs[WGC_PEER_A_ENDPOINT])
		wgc_set_endpoint(peer, attrs[WGC_PEER_A_ENDPOINT]);
	if (flags & WGC_PEER_F_REPLACE_ALLOWEDIPS)
		wgc_allowedips_remove_by_peer(&wgc->peer_allowedips, peer,
					      &wgc->device_update_lock);
	ret = wgc_apply_allowedips(peer, attrs[WGC_PEER_A_ALLOWEDIPS]);
	if (!ret && keepalive)
		wgc_peer_set_persistent_keepalive(peer, nla_get_u16(keepalive));
	wgc_peer_config_done(peer);
	/* Even after a failure: the peer is there, as far as it got. */
	if (event)
		wgc_event_peer(peer, event, GFP_KERNEL);
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

int wgc_set_device(struct sk_buff *skb, struct genl_info *info)
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
