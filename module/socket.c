// SPDX-License-Identifier: GPL-2.0
/*
 * UDP sockets of a wgc device.
 *
 * Both sockets live in the device's creating namespace, whichever namespace
 * the device itself has moved to: that is what lets a tunnel carry one
 * namespace's traffic across another. They exist only while the device is
 * up. Binding and installing are separate steps so that a configuration
 * change can acquire its new port before it commits to anything else.
 */

#include "socket.h"
#include "device.h"

#include <linux/net.h>
#include <linux/netdevice.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/udp_tunnel.h>
#include <net/ipv6.h>

/*
 * How often to retry a kernel-chosen port whose IPv6 twin is taken. Each try
 * draws a new random port, so running out means the port space is full.
 */
#define WGC_EPHEMERAL_PORT_TRIES 100

/*
 * Any non-zero encapsulation type switches the UDP encap hook on; 1 is what
 * the tunnels without a type number of their own (vxlan, geneve) pass.
 */
#define UDP_ENCAP_WGC 1

/*
 * Encapsulation receive hook, called in softirq context for every datagram
 * on the device's port. Until the protocol's receive path exists every
 * message is dropped here, and counted so that it is visible.
 */
static int wgc_socket_receive(struct sock *sk, struct sk_buff *skb)
{
	struct wgc_device *wgc = rcu_dereference_sk_user_data(sk);

	if (likely(wgc))
		DEV_STATS_INC(wgc->dev, rx_dropped);
	kfree_skb(skb);
	return 0;
}

static void wgc_socket_release(struct sock *sk)
{
	if (sk)
		udp_tunnel_sock_release(sk->sk_socket);
}

static int wgc_socket_create(struct wgc_device *wgc, struct net *net,
			     struct udp_port_cfg *port_cfg, struct sock **skp)
{
	struct udp_tunnel_sock_cfg tunnel_cfg = {
		.sk_user_data = wgc,
		.encap_type = UDP_ENCAP_WGC,
		.encap_rcv = wgc_socket_receive,
	};
	struct socket *sock;
	int ret;

	ret = udp_sock_create(net, port_cfg, &sock);
	if (ret < 0)
		return ret;
	/* Sends happen from softirq and workqueues that must not sleep. */
	sock->sk->sk_allocation = GFP_ATOMIC;
	setup_udp_tunnel_sock(net, sock, &tunnel_cfg);
	*skp = sock->sk;
	return 0;
}

static int wgc_socket_bind_in(struct wgc_device *wgc, struct net *net,
			      u16 port, struct wgc_socket_pair *pair)
{
	struct udp_port_cfg cfg4 = {
		.family = AF_INET,
		.local_ip.s_addr = htonl(INADDR_ANY),
		.local_udp_port = htons(port),
		.use_udp_checksums = true,
	};
	struct udp_port_cfg cfg6 = {
		.family = AF_INET6,
		.local_ip6 = IN6ADDR_ANY_INIT,
		.use_udp6_tx_checksums = true,
		.use_udp6_rx_checksums = true,
		.ipv6_v6only = true,
	};
	int tries = 0;
	int ret;

again:
	pair->sk6 = NULL;
	ret = wgc_socket_create(wgc, net, &cfg4, &pair->sk4);
	if (ret < 0)
		return ret;
	if (!IS_ENABLED(CONFIG_IPV6) || !ipv6_mod_enabled())
		return 0;

	/* Both families share one port number, which IPv4 picked if asked. */
	cfg6.local_udp_port = inet_sk(pair->sk4)->inet_sport;
	ret = wgc_socket_create(wgc, net, &cfg6, &pair->sk6);
	if (ret < 0) {
		wgc_socket_release(pair->sk4);
		pair->sk4 = NULL;
		if (ret == -EADDRINUSE && !port &&
		    ++tries < WGC_EPHEMERAL_PORT_TRIES)
			goto again;
		return ret;
	}
	return 0;
}

/*
 * Binds a new socket pair on @port (0: any free port) in the creating
 * namespace. Caller holds wgc->device_update_lock.
 */
int wgc_socket_bind(struct wgc_device *wgc, u16 port,
		    struct wgc_socket_pair *pair)
{
	struct net *net;
	int ret;

	lockdep_assert_held(&wgc->device_update_lock);

	/*
	 * Between the creating namespace's pre_exit and the exit that deletes
	 * this device, its refcount is already zero: a socket created then
	 * would outlive the namespace's UDP state.
	 */
	net = maybe_get_net(wgc->creating_net);
	if (!net)
		return -ENONET;
	ret = wgc_socket_bind_in(wgc, net, port, pair);
	put_net(net);
	return ret;
}

static void wgc_socket_swap(struct wgc_device *wgc, struct sock *sk4,
			    struct sock *sk6)
{
	struct sock *old4, *old6;

	lockdep_assert_held(&wgc->device_update_lock);

	old4 = rcu_replace_pointer(wgc->sock4, sk4,
				   lockdep_is_held(&wgc->device_update_lock));
	old6 = rcu_replace_pointer(wgc->sock6, sk6,
				   lockdep_is_held(&wgc->device_update_lock));
	/* Let senders that picked up the old sockets finish with them. */
	synchronize_net();
	wgc_socket_release(old4);
	wgc_socket_release(old6);
}

/*
 * Publishes @pair as the device's sockets, closing the ones it had, and
 * records the bound port so that "0" reads back as the port in use.
 * Caller holds wgc->device_update_lock.
 */
void wgc_socket_install(struct wgc_device *wgc, struct wgc_socket_pair *pair)
{
	wgc->listen_port = ntohs(inet_sk(pair->sk4)->inet_sport);
	wgc_socket_swap(wgc, pair->sk4, pair->sk6);
}

/* Caller holds wgc->device_update_lock. */
void wgc_socket_close(struct wgc_device *wgc)
{
	wgc_socket_swap(wgc, NULL, NULL);
}
