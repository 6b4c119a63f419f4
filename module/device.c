// SPDX-License-Identifier: GPL-2.0
/*
 * The wgc link type: creation, teardown and namespace handling.
 */

#include "device.h"
#include "compat.h"
#include "decrypt.h"
#include "encrypt.h"
#include "index.h"
#include "messages.h"
#include "peer.h"
#include "queueing.h"
#include "race.h"
#include "ratelimiter.h"
#include "receive.h"
#include "send.h"
#include "socket.h"
#include "timers.h"

#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/ip_tunnels.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

static unsigned int wgc_net_id __read_mostly;

/* The last wgc_device.id given out. */
static atomic64_t wgc_device_ids = ATOMIC64_INIT(0);

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
	struct wgc_peer *peer;
	int ret;

	/*
	 * Before NETDEV_UP reaches addrconf: a link-local address would only
	 * make the stack send router and multicast chatter into the tunnel.
	 */
	if (idev)
		idev->cnf.addr_gen_mode = IN6_ADDR_GEN_MODE_NONE;

	mutex_lock(&wgc->device_update_lock);
	ret = wgc_socket_bind(wgc, wgc->listen_port, &sockets);
	if (ret)
		goto out;
	wgc_socket_install(wgc, &sockets);
	/* The core marks the device running before calling us: timers arm. */
	list_for_each_entry(peer, &wgc->peer_list, peer_list) {
		wgc_packet_send_staged_packets(peer);
		if (peer->persistent_keepalive_interval)
			wgc_packet_send_keepalive(peer);
	}
out:
	mutex_unlock(&wgc->device_update_lock);
	return ret;
}

/*
 * Down means no sessions: every peer forgets its keys and handshake, and
 * what was waiting to be sent. Configuration stays.
 */
static int wgc_stop(struct net_device *dev)
{
	struct wgc_device *wgc = netdev_priv(dev);
	struct wgc_peer *peer;

	mutex_lock(&wgc->device_update_lock);
	list_for_each_entry(peer, &wgc->peer_list, peer_list) {
		wgc_packet_purge_staged_packets(peer);
		wgc_timers_stop(peer);
		wgc_noise_handshake_clear(&peer->handshake);
		wgc_keypairs_clear(&peer->keypairs);
		atomic64_set(&peer->last_sent_handshake,
			     ktime_get_coarse_boottime_ns() -
			     (u64)(WGC_REKEY_TIMEOUT + 1) * NSEC_PER_SEC);
	}
	wgc_socket_close(wgc);
	mutex_unlock(&wgc->device_update_lock);
	return 0;
}

static const struct net_device_ops wgc_netdev_ops = {
	.ndo_open		= wgc_open,
	.ndo_stop		= wgc_stop,
	.ndo_start_xmit		= wgc_packet_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
};

static const struct device_type wgc_device_type = {
	.name = KBUILD_MODNAME,
};

/* Handshake messages still queued hold nothing but their memory. */
static void wgc_drain_handshakes(struct wgc_device *wgc)
{
	struct sk_buff *skb;

	while ((skb = ptr_ring_consume(&wgc->handshake_queue.ring)) != NULL) {
		atomic_dec(&wgc->handshake_queue_len);
		kfree_skb(skb);
	}
}

/* The works that used the queues are gone (wgc_free_workqueues()). */
static void wgc_free_queues(struct wgc_device *wgc)
{
	wgc_drain_handshakes(wgc);
	wgc_handshake_queue_uninit(&wgc->handshake_queue);
	wgc_crypt_queue_uninit(&wgc->decrypt_queue);
	wgc_crypt_queue_uninit(&wgc->encrypt_queue);
}

/*
 * Each work still queued runs to its end first, dropping the references it
 * holds; but handshake receive works, which hold none, are cancelled (the
 * messages they would have taken are freed with the queue). They go first,
 * as they queue the others; the crypto workqueue goes last, as its works
 * queue only onto it.
 */
static void wgc_free_workqueues(struct wgc_device *wgc)
{
	wgc_handshake_queue_stop(&wgc->handshake_queue);
	destroy_workqueue(wgc->handshake_send_wq);
	destroy_workqueue(wgc->packet_crypt_wq);
}

/*
 * Frees what wgc_alloc_state() allocated, in reverse order: the works go
 * before the queues and per-CPU workers they use, and before the index
 * table their last references to peers and keypairs remove entries from.
 */
static void wgc_free_state(struct wgc_device *wgc)
{
	wgc_free_workqueues(wgc);
	wgc_free_queues(wgc);
	wgc_index_table_free(wgc->index_table);
	wgc_peer_table_uninit(wgc);
	wgc_ratelimiter_put(wgc->ratelimiter);
	free_percpu(wgc->offload_stats);
	wgc_compat_free_tstats(wgc->dev);
}

/*
 * Runs after unregistration, once the last reference is gone. The device
 * went down on the way, which closed its sockets: nothing new arrives.
 */
static void wgc_destruct(struct net_device *dev)
{
	struct wgc_device *wgc = netdev_priv(dev);

	wgc_race_delay(WGC_RACE_DESTRUCT);
	mutex_lock(&wgc->device_update_lock);
	wgc_peer_remove_all(wgc, false);
	wgc_allowedips_free(&wgc->peer_allowedips, &wgc->device_update_lock);
	mutex_unlock(&wgc->device_update_lock);
	wgc_free_state(wgc);
	/* The peers are freed after a grace period: wait for that too. */
	rcu_barrier();
	memzero_explicit(&wgc->static_identity, sizeof(wgc->static_identity));
	memzero_explicit(&wgc->cookie_checker, sizeof(wgc->cookie_checker));
	mutex_destroy(&wgc->device_update_lock);
	netdev_dbg(dev, "device destroyed\n");
}

/* Packets are built with room for their header and padding in place. */
#define WGC_NETDEV_FEATURES (NETIF_F_HW_CSUM | NETIF_F_RXCSUM | NETIF_F_SG | \
			     NETIF_F_GSO | NETIF_F_GSO_SOFTWARE | \
			     NETIF_F_HIGHDMA)

static void wgc_setup(struct net_device *dev)
{
	struct wgc_device *wgc = netdev_priv(dev);

	dev->netdev_ops = &wgc_netdev_ops;
	dev->ethtool_ops = &wgc_ethtool_ops;
	/* Lets packet sockets sending on the device name the protocol. */
	dev->header_ops = &ip_tunnel_header_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->needed_headroom = WGC_DATA_PACKET_HEAD_ROOM;
	dev->needed_tailroom =
		wgc_noise_encrypted_len(WGC_MESSAGE_PADDING_MULTIPLE);
	dev->features |= WGC_NETDEV_FEATURES;
	dev->hw_features |= WGC_NETDEV_FEATURES;
	dev->hw_enc_features |= WGC_NETDEV_FEATURES;
	dev->priv_flags |= IFF_NO_QUEUE;
	/*
	 * xmit needs the route the stack picked: its MTU sizes the padding,
	 * and an ICMP error for an unroutable packet is sent along it.
	 */
	netif_keep_dst(dev);
	wgc_compat_set_lltx(dev);
	wgc_compat_setup_tstats(dev);
	dev->mtu = WGC_DEFAULT_MTU;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = WGC_MAX_MTU;
	dev->needs_free_netdev = true;
	SET_NETDEV_DEVTYPE(dev, &wgc_device_type);

	memset(wgc, 0, sizeof(*wgc));
	wgc->dev = dev;
	wgc->offload_flags = WGC_OFFLOADS_DEFAULT;
	INIT_LIST_HEAD(&wgc->creating_net_node);
	INIT_LIST_HEAD(&wgc->peer_list);
	wgc_events_init(wgc);
}

static int wgc_alloc_workqueues(struct wgc_device *wgc)
{
	const char *name = wgc->dev->name;

	wgc->packet_crypt_wq = alloc_workqueue("wgc-crypt-%s",
					       WQ_CPU_INTENSIVE | WQ_MEM_RECLAIM,
					       0, name);
	if (!wgc->packet_crypt_wq)
		goto err;
	wgc->handshake_send_wq = alloc_workqueue("wgc-hs-tx-%s",
						 WQ_UNBOUND | WQ_FREEZABLE, 0,
						 name);
	if (!wgc->handshake_send_wq)
		goto err_crypt;
	return 0;

err_crypt:
	destroy_workqueue(wgc->packet_crypt_wq);
err:
	return -ENOMEM;
}

static int wgc_alloc_queues(struct wgc_device *wgc)
{
	int ret;

	ret = wgc_crypt_queue_init(&wgc->encrypt_queue, wgc,
				   wgc_packet_encrypt_worker,
				   WGC_MAX_QUEUED_PACKETS);
	if (ret)
		return ret;
	ret = wgc_crypt_queue_init(&wgc->decrypt_queue, wgc,
				   wgc_packet_decrypt_worker,
				   WGC_MAX_QUEUED_PACKETS);
	if (ret)
		goto err_encrypt;
	ret = wgc_handshake_queue_init(&wgc->handshake_queue, wgc,
				       wgc_packet_handshake_receive_worker,
				       WGC_MAX_QUEUED_INCOMING_HANDSHAKES);
	if (ret)
		goto err_decrypt;
	return 0;

err_decrypt:
	wgc_crypt_queue_uninit(&wgc->decrypt_queue);
err_encrypt:
	wgc_crypt_queue_uninit(&wgc->encrypt_queue);
	return ret;
}

/* Everything the packet path needs, before the device is visible. */
static int wgc_alloc_state(struct wgc_device *wgc)
{
	int ret;

	ret = wgc_compat_alloc_tstats(wgc->dev);
	if (ret)
		return ret;
	wgc->offload_stats = wgc_offload_stats_alloc();
	if (!wgc->offload_stats) {
		ret = -ENOMEM;
		goto err_stats;
	}
	wgc->ratelimiter = wgc_ratelimiter_get(wgc->creating_net);
	if (!wgc->ratelimiter) {
		ret = -ENOMEM;
		goto err_offload_stats;
	}
	ret = wgc_peer_table_init(wgc);
	if (ret)
		goto err_ratelimiter;
	wgc->index_table = wgc_index_table_alloc();
	if (!wgc->index_table) {
		ret = -ENOMEM;
		goto err_peer_table;
	}
	ret = wgc_alloc_queues(wgc);
	if (ret)
		goto err_index;
	ret = wgc_alloc_workqueues(wgc);
	if (ret)
		goto err_queues;
	return 0;

err_queues:
	wgc_free_queues(wgc);
err_index:
	wgc_index_table_free(wgc->index_table);
err_peer_table:
	wgc_peer_table_uninit(wgc);
err_ratelimiter:
	wgc_ratelimiter_put(wgc->ratelimiter);
err_offload_stats:
	free_percpu(wgc->offload_stats);
err_stats:
	wgc_compat_free_tstats(wgc->dev);
	return ret;
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

	wgc->id = atomic64_inc_return(&wgc_device_ids);
	wgc->creating_net = src_net;
	mutex_init(&wgc->device_update_lock);
	init_rwsem(&wgc->identity_lock);
	wgc_cookie_checker_init(&wgc->cookie_checker, wgc);
	wgc_allowedips_init(&wgc->peer_allowedips);
	ret = wgc_alloc_state(wgc);
	if (ret)
		goto err_mutex;

	ret = register_netdevice(dev);
	if (ret < 0)
		goto err_state;
	list_add(&wgc->creating_net_node, &wgc_net(src_net)->devices);
	/* Set only now: a failed registration must not run it. */
	dev->priv_destructor = wgc_destruct;
	netdev_dbg(dev, "device created\n");
	return 0;

err_state:
	wgc_free_state(wgc);
err_mutex:
	mutex_destroy(&wgc->device_update_lock);
	return ret;
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

void wgc_device_install_identity(struct wgc_device *wgc,
				 struct wgc_static_identity *identity)
{
	struct wgc_peer *peer, *next;
	bool first_identity;

	lockdep_assert_held(&wgc->device_update_lock);

	/* A device does not talk to itself. */
	if (identity->has_identity) {
		peer = wgc_peer_lookup(wgc, identity->public_key);
		if (peer)
			wgc_peer_remove(peer);
	}

	first_identity = !wgc->static_identity.has_identity &&
			 identity->has_identity;
	down_write(&wgc->identity_lock);
	wgc_noise_identity_replace(&wgc->static_identity, identity);
	list_for_each_entry_safe(peer, next, &wgc->peer_list, peer_list) {
		wgc_noise_precompute_static_static(peer);
		wgc_noise_expire_current_peer_keypairs(peer);
	}
	wgc_cookie_checker_precompute_device_keys(&wgc->cookie_checker);
	up_write(&wgc->identity_lock);
	wgc->config_seq++;

	/*
	 * Without a key, nothing could start a handshake: what a running
	 * device staged meanwhile (a persistent keepalive's first packet, say)
	 * has waited for this moment.
	 */
	if (first_identity && netif_running(wgc->dev))
		list_for_each_entry(peer, &wgc->peer_list, peer_list)
			wgc_packet_send_staged_packets(peer);
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
