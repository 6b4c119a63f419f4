// SPDX-License-Identifier: GPL-2.0
/*
 * The wgc link type: creation, teardown and namespace handling.
 */

#include "device.h"
#include "compat.h"
#include "messages.h"
#include "socket.h"

#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/ip_tunnels.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

static unsigned int wgc_net_id __read_mostly;

/* Per-namespace state: the wgc devices whose sockets live here. */
struct wgc_net {
	struct list_head devices;	/* protected by RTNL */
};

static struct wgc_net *wgc_net(struct net *net)
{
	return net_generic(net, wgc_net_id);
}

static int wgc_open(struct net_device *dev)
{
	struct wgc_device *wgc = netdev_priv(dev);
	struct inet6_dev *idev = __in6_dev_get(dev);
	struct wgc_socket_pair sockets;
	int ret;

	/*
	 * Before NETDEV_UP reaches addrconf: a link-local address would only
	 * make the stack send router and multicast chatter into the tunnel.
	 */
	if (idev)
		idev->cnf.addr_gen_mode = IN6_ADDR_GEN_MODE_NONE;

	mutex_lock(&wgc->device_update_lock);
	ret = wgc_socket_bind(wgc, wgc->listen_port, &sockets);
	if (!ret)
		wgc_socket_install(wgc, &sockets);
	mutex_unlock(&wgc->device_update_lock);
	return ret;
}

static int wgc_stop(struct net_device *dev)
{
	struct wgc_device *wgc = netdev_priv(dev);

	mutex_lock(&wgc->device_update_lock);
	wgc_socket_close(wgc);
	mutex_unlock(&wgc->device_update_lock);
	return 0;
}

/* With no peers configured there is nowhere to send a packet. */
static netdev_tx_t wgc_xmit(struct sk_buff *skb, struct net_device *dev)
{
	DEV_STATS_INC(dev, tx_dropped);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops wgc_netdev_ops = {
	.ndo_open		= wgc_open,
	.ndo_stop		= wgc_stop,
	.ndo_start_xmit		= wgc_xmit,
};

static const struct device_type wgc_device_type = {
	.name = KBUILD_MODNAME,
};

/* Runs after unregistration, once the last reference is gone. */
static void wgc_destruct(struct net_device *dev)
{
	struct wgc_device *wgc = netdev_priv(dev);

	memzero_explicit(&wgc->static_identity, sizeof(wgc->static_identity));
	mutex_destroy(&wgc->device_update_lock);
	netdev_dbg(dev, "device destroyed\n");
}

static void wgc_setup(struct net_device *dev)
{
	struct wgc_device *wgc = netdev_priv(dev);

	dev->netdev_ops = &wgc_netdev_ops;
	/* Lets packet sockets sending on the device name the protocol. */
	dev->header_ops = &ip_tunnel_header_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->priv_flags |= IFF_NO_QUEUE;
	wgc_compat_set_lltx(dev);
	dev->mtu = WGC_DEFAULT_MTU;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = WGC_MAX_MTU;
	dev->needs_free_netdev = true;
	SET_NETDEV_DEVTYPE(dev, &wgc_device_type);

	memset(wgc, 0, sizeof(*wgc));
	wgc->dev = dev;
	INIT_LIST_HEAD(&wgc->creating_net_node);
}

/*
 * @src_net is the namespace the request came from, even when the device is
 * created straight into another one: it is the namespace the sockets use.
 */
static int wgc_newlink(struct net *src_net, struct net_device *dev,
		       struct nlattr *tb[], struct nlattr *data[],
		       struct netlink_ext_ack *extack)
{
	struct wgc_device *wgc = netdev_priv(dev);
	int ret;

	wgc->creating_net = src_net;
	mutex_init(&wgc->device_update_lock);

	ret = register_netdevice(dev);
	if (ret < 0) {
		mutex_destroy(&wgc->device_update_lock);
		return ret;
	}
	list_add(&wgc->creating_net_node, &wgc_net(src_net)->devices);
	/* Set only now: a failed registration must not run it. */
	dev->priv_destructor = wgc_destruct;
	netdev_dbg(dev, "device created\n");
	return 0;
}

/* Every deletion comes here: ip link del, module unload, namespace exit. */
static void wgc_dellink(struct net_device *dev, struct list_head *head)
{
	struct wgc_device *wgc = netdev_priv(dev);

	ASSERT_RTNL();
	list_del_init(&wgc->creating_net_node);
	unregister_netdevice_queue(dev, head);
}

static struct rtnl_link_ops wgc_link_ops __read_mostly = {
	.kind		= KBUILD_MODNAME,
	.priv_size	= sizeof(struct wgc_device),
	.setup		= wgc_setup,
	.newlink	= wgc_newlink,
	.dellink	= wgc_dellink,
};

bool wgc_device_is_wgc(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &wgc_link_ops;
}

static int __net_init wgc_net_init(struct net *net)
{
	INIT_LIST_HEAD(&wgc_net(net)->devices);
	return 0;
}

/*
 * A device whose sockets live in a dying namespace has nothing to send with,
 * wherever the device itself is: delete it. The core deletes the devices that
 * sit in the dying namespace only after this, as device pernet operations
 * exit in the reverse order of registration.
 */
static void __net_exit wgc_net_exit_batch(struct list_head *net_list)
{
	struct wgc_device *wgc, *next;
	LIST_HEAD(kill_list);
	struct net *net;

	rtnl_lock();
	list_for_each_entry(net, net_list, exit_list) {
		list_for_each_entry_safe(wgc, next, &wgc_net(net)->devices,
					 creating_net_node)
			wgc_dellink(wgc->dev, &kill_list);
	}
	unregister_netdevice_many(&kill_list);
	rtnl_unlock();
}

static struct pernet_operations wgc_net_ops = {
	.init		= wgc_net_init,
	.exit_batch	= wgc_net_exit_batch,
	.id		= &wgc_net_id,
	.size		= sizeof(struct wgc_net),
};

int __init wgc_device_init(void)
{
	int ret;

	ret = register_pernet_device(&wgc_net_ops);
	if (ret)
		return ret;
	ret = rtnl_link_register(&wgc_link_ops);
	if (ret)
		goto err_pernet;
	return 0;

err_pernet:
	unregister_pernet_device(&wgc_net_ops);
	return ret;
}

void wgc_device_uninit(void)
{
	rtnl_link_unregister(&wgc_link_ops);
	unregister_pernet_device(&wgc_net_ops);
}
