// SPDX-License-Identifier: GPL-2.0
/*
 * The "wireguard" generic netlink family, answered for wgc devices when the
 * module is loaded with wg_genl_compat=1, so that wg(8) and other programs
 * written against WireGuard's uapi (exporters, wgctrl) configure and read
 * the wgc devices they name. (Those that list devices find them by the link
 * kind "wireguard", which a wgc device does not have.)
 *
 * Peers and allowed IPs are numbered as in the wgc family (checked below at
 * build time), so their policies and code are shared. Of the device's
 * attributes, WireGuard numbers flags, listen port and fwmark 5, 6 and 7
 * where wgc has 7, 5 and 6: a set is validated in WireGuard's numbering and
 * handed to the wgc command renumbered; a get is dumped in WireGuard's
 * numbering, without the handshake statistics, which WireGuard lacks.
 *
 * Only one module can own the family name: registering it fails while
 * wireguard.ko is loaded, and so does loading wireguard.ko afterwards.
 */

#include "netlink.h"
#include "netlink_priv.h"

#include <linux/if.h>
#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/wgc.h>
#include <uapi/linux/wireguard.h>

static bool wg_genl_compat;
module_param(wg_genl_compat, bool, 0444);
MODULE_PARM_DESC(wg_genl_compat,
		 "Also answer the \"wireguard\" generic netlink family, for wg(8) and WireGuard's tools (default: off; fails while wireguard.ko is loaded)");

/* What the two families share must be numbered alike. */
#define WGC_SAME(wg, wgc) BUILD_BUG_ON((int)(wg) != (int)(wgc))

static void wgc_wg_check_layout(void)
{
	WGC_SAME(WG_KEY_LEN, WGC_KEY_LEN);
	WGC_SAME(WG_CMD_GET_DEVICE, WGC_CMD_GET_DEVICE);
	WGC_SAME(WGDEVICE_A_IFINDEX, WGC_DEVICE_A_IFINDEX);
	WGC_SAME(WGDEVICE_A_IFNAME, WGC_DEVICE_A_IFNAME);
	WGC_SAME(WGDEVICE_A_PRIVATE_KEY, WGC_DEVICE_A_PRIVATE_KEY);
	WGC_SAME(WGDEVICE_A_PUBLIC_KEY, WGC_DEVICE_A_PUBLIC_KEY);
	WGC_SAME(WGDEVICE_A_PEERS, WGC_DEVICE_A_PEERS);
	WGC_SAME(WGDEVICE_F_REPLACE_PEERS, WGC_DEVICE_F_REPLACE_PEERS);
	/* wgc's peers have attributes after WireGuard's last. */
	BUILD_BUG_ON(WGPEER_A_MAX > WGC_PEER_A_MAX);
	WGC_SAME(WGPEER_A_PUBLIC_KEY, WGC_PEER_A_PUBLIC_KEY);
	WGC_SAME(WGPEER_A_PRESHARED_KEY, WGC_PEER_A_PRESHARED_KEY);
	WGC_SAME(WGPEER_A_FLAGS, WGC_PEER_A_FLAGS);
	WGC_SAME(WGPEER_A_ENDPOINT, WGC_PEER_A_ENDPOINT);
	WGC_SAME(WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL,
		 WGC_PEER_A_PERSISTENT_KEEPALIVE_INTERVAL);
	WGC_SAME(WGPEER_A_LAST_HANDSHAKE_TIME, WGC_PEER_A_LAST_HANDSHAKE_TIME);
	WGC_SAME(WGPEER_A_RX_BYTES, WGC_PEER_A_RX_BYTES);
	WGC_SAME(WGPEER_A_TX_BYTES, WGC_PEER_A_TX_BYTES);
	WGC_SAME(WGPEER_A_ALLOWEDIPS, WGC_PEER_A_ALLOWEDIPS);
	WGC_SAME(WGPEER_A_PROTOCOL_VERSION, WGC_PEER_A_PROTOCOL_VERSION);
	WGC_SAME(WGPEER_F_REMOVE_ME, WGC_PEER_F_REMOVE_ME);
	WGC_SAME(WGPEER_F_REPLACE_ALLOWEDIPS, WGC_PEER_F_REPLACE_ALLOWEDIPS);
	WGC_SAME(WGPEER_F_UPDATE_ONLY, WGC_PEER_F_UPDATE_ONLY);
	WGC_SAME(WGALLOWEDIP_A_FAMILY, WGC_ALLOWEDIP_A_FAMILY);
	WGC_SAME(WGALLOWEDIP_A_IPADDR, WGC_ALLOWEDIP_A_IPADDR);
	WGC_SAME(WGALLOWEDIP_A_CIDR_MASK, WGC_ALLOWEDIP_A_CIDR_MASK);
}

static const struct nla_policy wgc_wg_set_policy[WGDEVICE_A_MAX + 1] = {
	[WGDEVICE_A_IFINDEX]		= { .type = NLA_U32 },
	[WGDEVICE_A_IFNAME]		= { .type = NLA_NUL_STRING,
					    .len = IFNAMSIZ - 1 },
	[WGDEVICE_A_PRIVATE_KEY]	= NLA_POLICY_EXACT_LEN(WG_KEY_LEN),
	[WGDEVICE_A_PUBLIC_KEY]		= NLA_POLICY_EXACT_LEN(WG_KEY_LEN),
	[WGDEVICE_A_FLAGS]		= { .type = NLA_U32 },
	[WGDEVICE_A_LISTEN_PORT]	= { .type = NLA_U16 },
	[WGDEVICE_A_FWMARK]		= { .type = NLA_U32 },
	/* Only WireGuard's peer attributes: the rest are unknown here. */
	[WGDEVICE_A_PEERS]		=
		_NLA_POLICY_NESTED_ARRAY(WGPEER_A_MAX, wgc_peer_policy),
};

/* A get names the device, as in the wgc family, and nothing else. */
static const struct nla_policy wgc_wg_get_policy[WGDEVICE_A_MAX + 1] = {
	[WGDEVICE_A_IFINDEX]		= { .type = NLA_U32 },
	[WGDEVICE_A_IFNAME]		= { .type = NLA_NUL_STRING,
					    .len = IFNAMSIZ - 1 },
};

static struct genl_family wgc_wg_genl_family;

const struct wgc_nl_dialect wgc_nl_wireguard = {
	.family			= &wgc_wg_genl_family,
	.attr_listen_port	= WGDEVICE_A_LISTEN_PORT,
	.attr_fwmark		= WGDEVICE_A_FWMARK,
	.wgc_stats		= false,
};

static int wgc_wg_get_device_dump(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	return wgc_dump_device(skb, cb, &wgc_nl_wireguard);
}

/*
 * The wgc command reads the request through info->attrs: it gets a copy of
 * @info whose attributes are in wgc's numbering. They still point into the
 * request, which it scrubs of keys as usual.
 */
static int wgc_wg_set_device(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attrs[WGC_DEVICE_A_MAX + 1] = {};
	struct genl_info native = *info;

	attrs[WGC_DEVICE_A_IFINDEX] = info->attrs[WGDEVICE_A_IFINDEX];
	attrs[WGC_DEVICE_A_IFNAME] = info->attrs[WGDEVICE_A_IFNAME];
	attrs[WGC_DEVICE_A_PRIVATE_KEY] = info->attrs[WGDEVICE_A_PRIVATE_KEY];
	attrs[WGC_DEVICE_A_PUBLIC_KEY] = info->attrs[WGDEVICE_A_PUBLIC_KEY];
	attrs[WGC_DEVICE_A_FLAGS] = info->attrs[WGDEVICE_A_FLAGS];
	attrs[WGC_DEVICE_A_LISTEN_PORT] = info->attrs[WGDEVICE_A_LISTEN_PORT];
	attrs[WGC_DEVICE_A_FWMARK] = info->attrs[WGDEVICE_A_FWMARK];
	attrs[WGC_DEVICE_A_PEERS] = info->attrs[WGDEVICE_A_PEERS];
	native.attrs = attrs;
	return wgc_set_device(skb, &native);
}

/* The permissions are the wgc family's, which are WireGuard's. */
static const struct genl_ops wgc_wg_genl_ops[] = {
	{
		.cmd		= WG_CMD_GET_DEVICE,
		.dumpit		= wgc_wg_get_device_dump,
		.policy		= wgc_wg_get_policy,
		.maxattr	= WGDEVICE_A_MAX,
		.flags		= GENL_UNS_ADMIN_PERM,
	}, {
		.cmd		= WG_CMD_SET_DEVICE,
		.doit		= wgc_wg_set_device,
		.policy		= wgc_wg_set_policy,
		.maxattr	= WGDEVICE_A_MAX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family wgc_wg_genl_family __ro_after_init = {
	.name		= WG_GENL_NAME,
	.version	= WG_GENL_VERSION,
	.maxattr	= WGDEVICE_A_MAX,
	.ops		= wgc_wg_genl_ops,
	.n_ops		= ARRAY_SIZE(wgc_wg_genl_ops),
	.netnsok	= true,
	.module		= THIS_MODULE,
};

int __init wgc_wg_genetlink_init(void)
{
	int ret;

	wgc_wg_check_layout();
	if (!wg_genl_compat)
		return 0;
	ret = genl_register_family(&wgc_wg_genl_family);
	if (ret == -EEXIST) {
		pr_err("wg_genl_compat: the \"wireguard\" generic netlink family is taken (is wireguard.ko loaded?); unload it first, or load wgc without wg_genl_compat\n");
		/* modprobe would take EEXIST for "already loaded", and say nothing */
		return -EBUSY;
	}
	if (!ret)
		pr_info("wg_genl_compat: wgc devices answer the \"wireguard\" generic netlink family too\n");
	return ret;
}

void wgc_wg_genetlink_uninit(void)
{
	if (wg_genl_compat)
		genl_unregister_family(&wgc_wg_genl_family);
}
