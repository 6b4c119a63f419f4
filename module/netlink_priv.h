/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the generic netlink family (netlink.c) shares with its commands:
 * netlink_get.c dumps a device, netlink_set.c configures one.
 */

#ifndef _WGC_NETLINK_PRIV_H
#define _WGC_NETLINK_PRIV_H

#include <net/genetlink.h>
#include <uapi/linux/wgc.h>

struct wgc_device;
struct wgc_endpoint;

extern struct genl_family wgc_genl_family;
extern const struct nla_policy wgc_allowedip_policy[WGC_ALLOWEDIP_A_MAX + 1];
extern const struct nla_policy wgc_peer_policy[WGC_PEER_A_MAX + 1];

/* The endpoint's sockaddr as attribute @type; nothing if it has none. */
int wgc_nla_put_endpoint(struct sk_buff *skb, int type,
			 const struct wgc_endpoint *endpoint);

/* Returns the device with a reference held on its net_device, or ERR_PTR. */
struct wgc_device *wgc_lookup(struct net *net, struct nlattr **attrs,
			      struct netlink_ext_ack *extack);

/*
 * How a family numbers what a get dumps, where WireGuard's family
 * (netlink_wg.c) differs from wgc's: its own family and command header,
 * and the device's listen port and fwmark; WireGuard has no handshake or
 * event statistics.
 */
struct wgc_nl_dialect {
	const struct genl_family *family;
	u16 attr_listen_port;
	u16 attr_fwmark;
	bool wgc_stats;
};

extern const struct wgc_nl_dialect wgc_nl_native;
extern const struct wgc_nl_dialect wgc_nl_wireguard;

/* WGC_CMD_GET_DEVICE, in netlink_get.c */
int wgc_get_device_dump(struct sk_buff *skb, struct netlink_callback *cb);
int wgc_dump_device(struct sk_buff *skb, struct netlink_callback *cb,
		    const struct wgc_nl_dialect *dialect);

/* WGC_CMD_SET_DEVICE, in netlink_set.c */
int wgc_set_device(struct sk_buff *skb, struct genl_info *info);

/* The "wireguard" family, in netlink_wg.c: registered only on request. */
int wgc_wg_genetlink_init(void);
void wgc_wg_genetlink_uninit(void);

#endif /* _WGC_NETLINK_PRIV_H */
