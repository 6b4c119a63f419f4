// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "wgc": get and set a device's configuration.
 *
 * A set request is validated and every resource it needs (a new listen port)
 * acquired before anything is changed, so a request that fails leaves the
 * device exactly as it was.
 */

#include "netlink.h"
#include "compat.h"
#include "device.h"
#include "noise.h"
#include "socket.h"

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
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
};

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

/* State of one WGC_CMD_GET_DEVICE dump, kept in the callback's scratch. */
struct wgc_dump_state {
	struct wgc_device *wgc;		/* holds a reference on wgc->dev */
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
	struct wgc_device *wgc = wgc_dump_state(cb)->wgc;

	if (wgc)
		dev_put(wgc->dev);
	return 0;
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

	if (nla_put_u32(skb, WGC_DEVICE_A_IFINDEX, wgc->dev->ifindex) ||
	    nla_put_string(skb, WGC_DEVICE_A_IFNAME, wgc->dev->name) ||
	    nla_put_u16(skb, WGC_DEVICE_A_LISTEN_PORT, wgc->listen_port) ||
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

static int wgc_get_device_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct wgc_dump_state *state = wgc_dump_state(cb);
	struct wgc_device *wgc;
	bool with_private_key;
	void *hdr;
	int ret;

	if (state->device_sent)
		return 0;
	ret = wgc_dump_lookup(cb);
	if (ret)
		return ret;
	wgc = state->wgc;

	/* Only those who could set the private key may read it back. */
	with_private_key = netlink_ns_capable(cb->skb,
					      dev_net(wgc->dev)->user_ns,
					      CAP_NET_ADMIN);

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &wgc_genl_family, NLM_F_MULTI, WGC_CMD_GET_DEVICE);
	if (!hdr)
		return -EMSGSIZE;
	mutex_lock(&wgc->device_update_lock);
	ret = wgc_fill_device(skb, wgc, with_private_key);
	mutex_unlock(&wgc->device_update_lock);
	if (ret) {
		genlmsg_cancel(skb, hdr);
		return ret;
	}
	genlmsg_end(skb, hdr);
	state->device_sent = true;
	return skb->len;
}

/* Everything a set request will change, prepared before committing. */
struct wgc_device_update {
	struct wgc_static_identity identity;
	struct wgc_socket_pair sockets;
	bool rebind;
};

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
	int ret;

	if (public_key) {
		NL_SET_ERR_MSG_ATTR(info->extack, public_key,
				    "the public key follows from the private key and cannot be set");
		return -EINVAL;
	}
	if (private_key) {
		ret = wgc_noise_identity_from_private_key(&update->identity,
							  nla_data(private_key));
		if (ret) {
			NL_SET_ERR_MSG_ATTR(info->extack, private_key,
					    "private key is not a usable Curve25519 key");
			return ret;
		}
	}
	/* Last: it is the one step that acquires something. */
	if (listen_port)
		return wgc_prepare_listen_port(wgc, update, listen_port,
					       info->extack);
	return 0;
}

/* Nothing in here may fail. */
static void wgc_commit_update(struct wgc_device *wgc,
			      struct wgc_device_update *update,
			      struct nlattr **attrs)
{
	if (attrs[WGC_DEVICE_A_PRIVATE_KEY])
		wgc_noise_identity_replace(&wgc->static_identity,
					   &update->identity);
	if (attrs[WGC_DEVICE_A_FWMARK])
		wgc->fwmark = nla_get_u32(attrs[WGC_DEVICE_A_FWMARK]);
	if (update->rebind)
		wgc_socket_install(wgc, &update->sockets);
	else if (attrs[WGC_DEVICE_A_LISTEN_PORT] && !netif_running(wgc->dev))
		wgc->listen_port = nla_get_u16(attrs[WGC_DEVICE_A_LISTEN_PORT]);
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
	ret = wgc_prepare_update(wgc, &update, info);
	if (!ret)
		wgc_commit_update(wgc, &update, info->attrs);
	mutex_unlock(&wgc->device_update_lock);
	rtnl_unlock();
	dev_put(wgc->dev);

out:
	memzero_explicit(&update.identity, sizeof(update.identity));
	/* The request buffer is ours to scrub before it is freed. */
	if (private_key)
		memzero_explicit(nla_data(private_key), nla_len(private_key));
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
