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

extern struct genl_family wgc_genl_family;
extern const struct nla_policy wgc_allowedip_policy[WGC_ALLOWEDIP_A_MAX + 1];
extern const struct nla_policy wgc_peer_policy[WGC_PEER_A_MAX + 1];

/* Returns the device with a reference held on its net_device, or ERR_PTR. */
struct wgc_device *wgc_lookup(struct net *net, struct nlattr **attrs,
			      struct netlink_ext_ack *extack);

/* WGC_CMD_GET_DEVICE, in netlink_get.c */
int wgc_get_device_dump(struct sk_buff *skb, struct netlink_callback *cb);

/* WGC_CMD_SET_DEVICE, in netlink_set.c */
int wgc_set_device(struct sk_buff *skb, struct genl_info *info);

#endif /* _WGC_NETLINK_PRIV_H */
