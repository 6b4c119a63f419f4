// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "wgc": get and set a device's configuration, its
 * peers and their allowed IPs.
 *
 * This file holds the family, its policies and the device lookup; the
 * commands live in netlink_get.c (WGC_CMD_GET_DEVICE) and netlink_set.c
 * (WGC_CMD_SET_DEVICE).
 */

#include "netlink.h"
#include "netlink_priv.h"
#include "compat.h"
#include "device.h"
#include "events.h"
#include "peer.h"

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/netdevice.h>
#include <linux/socket.h>
#include <net/genetlink.h>
#include <uapi/linux/wgc.h>

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

/*
 * Integer attributes get no validate function (NLA_POLICY_VALIDATE_FN is
 * for NLA_BINARY): the function pointer shares a union with the integer's
 * range, which dumping the policy reads, and WARNs about. Anyone may dump
 * a family's policies (CTRL_CMD_GETPOLICY), and an extended ack includes
 * the policy of an attribute of the wrong length. Flags and the protocol
 * version are checked by the set command instead, before it changes
 * anything; see netlink_set.c.
 *
 * Address lengths and mask limits are checked with the family they need.
 */
const struct nla_policy wgc_allowedip_policy[WGC_ALLOWEDIP_A_MAX + 1] = {
	[WGC_ALLOWEDIP_A_FAMILY]	= { .type = NLA_U16 },
	[WGC_ALLOWEDIP_A_IPADDR]	= { .type = NLA_BINARY },
	[WGC_ALLOWEDIP_A_CIDR_MASK]	= { .type = NLA_U8 },
	[WGC_ALLOWEDIP_A_FLAGS]		= { .type = NLA_U32 },
};

const struct nla_policy wgc_peer_policy[WGC_PEER_A_MAX + 1] = {
	[WGC_PEER_A_PUBLIC_KEY]		= NLA_POLICY_EXACT_LEN(WGC_KEY_LEN),
	[WGC_PEER_A_PRESHARED_KEY]	= NLA_POLICY_EXACT_LEN(WGC_KEY_LEN),
	[WGC_PEER_A_FLAGS]		= { .type = NLA_U32 },
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
	[WGC_PEER_A_PROTOCOL_VERSION]	= { .type = NLA_U32 },
	[WGC_PEER_A_STATS]		= {
		.type = NLA_REJECT,
		.reject_message = "peer statistics are read-only",
	},
};

/*
 * Genetlink validates a set request against this whole tree, nested arrays
 * included, before the command sees it.
 */
static const struct nla_policy wgc_set_policy[WGC_DEVICE_A_MAX + 1] = {
	[WGC_DEVICE_A_IFINDEX]		= { .type = NLA_U32 },
	[WGC_DEVICE_A_IFNAME]		= { .type = NLA_NUL_STRING,
					    .len = IFNAMSIZ - 1 },
	[WGC_DEVICE_A_PRIVATE_KEY]	= NLA_POLICY_EXACT_LEN(WGC_KEY_LEN),
	[WGC_DEVICE_A_PUBLIC_KEY]	= NLA_POLICY_EXACT_LEN(WGC_KEY_LEN),
	[WGC_DEVICE_A_LISTEN_PORT]	= { .type = NLA_U16 },
	[WGC_DEVICE_A_FWMARK]		= { .type = NLA_U32 },
	[WGC_DEVICE_A_FLAGS]		= { .type = NLA_U32 },
	[WGC_DEVICE_A_PEERS]		= NLA_POLICY_NESTED_ARRAY(wgc_peer_policy),
	[WGC_DEVICE_A_HANDSHAKE_STATS]	= { .type = NLA_NESTED },
	[WGC_DEVICE_A_EVENT_STATS]	= { .type = NLA_NESTED },
	[WGC_DEVICE_A_GET_FLAGS]	= {
		.type = NLA_REJECT,
		.reject_message = "get flags are for a get request",
	},
	[WGC_DEVICE_A_KEYLOG]		= NLA_POLICY_MAX(NLA_U8, 1),
};

/*
 * A get names the device, and may ask for more with its flags; whatever
 * else it carried would be ignored, so it is refused. The attributes only a set takes are
 * refused by name. The two nests are left unset instead, which strict
 * validation refuses as an unsupported attribute: the core checks
 * NLA_F_NESTED before it would show a reject message, so a well-formed
 * nest would never see one.
 */
#define WGC_NOT_IN_GET(what) {						\
	.type = NLA_REJECT,						\
	.reject_message = "a get request takes only ifindex, ifname or get flags, not " what, \
}

static const struct nla_policy wgc_get_policy[WGC_DEVICE_A_MAX + 1] = {
	[WGC_DEVICE_A_IFINDEX]		= { .type = NLA_U32 },
	[WGC_DEVICE_A_IFNAME]		= { .type = NLA_NUL_STRING,
					    .len = IFNAMSIZ - 1 },
	[WGC_DEVICE_A_PRIVATE_KEY]	= WGC_NOT_IN_GET("a private key"),
	[WGC_DEVICE_A_PUBLIC_KEY]	= WGC_NOT_IN_GET("a public key"),
	[WGC_DEVICE_A_LISTEN_PORT]	= WGC_NOT_IN_GET("a listen port"),
	[WGC_DEVICE_A_FWMARK]		= WGC_NOT_IN_GET("a fwmark"),
	[WGC_DEVICE_A_FLAGS]		= WGC_NOT_IN_GET("flags"),
	[WGC_DEVICE_A_GET_FLAGS]	= NLA_POLICY_MASK(NLA_U32,
							  __WGC_GET_F_ALL),
	[WGC_DEVICE_A_KEYLOG]		= WGC_NOT_IN_GET("the keylog switch"),
};

/* An endpoint that was never set or learnt is left out. */
int wgc_nla_put_endpoint(struct sk_buff *skb, int type,
			 const struct wgc_endpoint *endpoint)
{
	if (endpoint->addr.sa_family == AF_INET)
		return nla_put(skb, type, sizeof(endpoint->addr4),
			       &endpoint->addr4);
	if (endpoint->addr.sa_family == AF_INET6)
		return nla_put(skb, type, sizeof(endpoint->addr6),
			       &endpoint->addr6);
	return 0;
}

/*
 * Finds the device a request names, in the requester's namespace, and
 * returns it with a reference held on its net_device.
 */
struct wgc_device *wgc_lookup(struct net *net, struct nlattr **attrs,
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
 * Both commands need CAP_NET_ADMIN over the namespace of the requesting
 * socket, which is where the device is looked up: reading shows the keys,
 * and also where each peer is, what it may send and when it was last
 * heard from, as in WireGuard. Each has its own policy; genetlink
 * validates a dump's request too, before the dump starts.
 */
static const struct genl_ops wgc_genl_ops[] = {
	{
		.cmd		= WGC_CMD_GET_DEVICE,
		.dumpit		= wgc_get_device_dump,
		.policy		= wgc_get_policy,
		.maxattr	= WGC_DEVICE_A_MAX,
		.flags		= GENL_UNS_ADMIN_PERM,
	}, {
		.cmd		= WGC_CMD_SET_DEVICE,
		.doit		= wgc_set_device,
		.policy		= wgc_set_policy,
		.maxattr	= WGC_DEVICE_A_MAX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
};

/* Indexed by enum wgc_mcgrp. */
static const struct genl_multicast_group wgc_genl_mcgrps[] = {
	[WGC_MCGRP_EVENTS_ID] = {
		.name	= WGC_MCGRP_EVENTS,
		/* Events say where peers are and when they talk. */
		.flags	= GENL_MCAST_CAP_NET_ADMIN,
	},
	/* Session keys: apart, so that no events reader gets them unasked. */
	[WGC_MCGRP_KEYLOG_ID] = {
		.name	= WGC_MCGRP_KEYLOG,
		.flags	= GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family wgc_genl_family __ro_after_init = {
	.name		= WGC_GENL_NAME,
	.version	= WGC_GENL_VERSION,
	/* Only reported to userspace: each command has its own policy. */
	.maxattr	= WGC_DEVICE_A_MAX,
	.ops		= wgc_genl_ops,
	.n_ops		= ARRAY_SIZE(wgc_genl_ops),
	.mcgrps		= wgc_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(wgc_genl_mcgrps),
	/*
	 * No resv_start_op: no command is exempt from genetlink's header
	 * checks, which refuse a non-zero genlmsghdr.reserved and unknown
	 * nlmsg_flags. Attributes are validated strictly too (no command asks
	 * otherwise): unknown ones, wrong lengths and bytes left over are
	 * refused at every level (after the last entry of a list by the set
	 * command itself).
	 */
	.netnsok	= true,
	.module		= THIS_MODULE,
};

int __init wgc_genetlink_init(void)
{
	int ret;

	ret = genl_register_family(&wgc_genl_family);
	if (ret)
		return ret;
	ret = wgc_wg_genetlink_init();
	if (ret)
		genl_unregister_family(&wgc_genl_family);
	return ret;
}

void wgc_genetlink_uninit(void)
{
	wgc_wg_genetlink_uninit();
	genl_unregister_family(&wgc_genl_family);
}
