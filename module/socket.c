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
#include "events.h"
#include "gro.h"
#include "messages.h"
#include "peer.h"
#include "receive.h"

#include <linux/inetdevice.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/net_namespace.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

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
 * or train (gro.c) on the device's port, with the UDP header still in
 * front of the data.
 */
static int wgc_socket_receive(struct sock *sk, struct sk_buff *skb)
{
	struct wgc_device *wgc = rcu_dereference_sk_user_data(sk);
	unsigned int segs;

	if (unlikely(!wgc)) {
		kfree_skb(skb);
		return 0;
	}
	skb_mark_not_on_list(skb);
	if (skb_is_gso(skb)) {
		segs = skb_shinfo(skb)->gso_segs;
		skb = wgc_gro_segment(sk, skb);
		if (!skb)
			return 0;
	} else {
		segs = 1;
	}
	wgc_device_count_rx(wgc, segs);
	wgc_packet_receive_list(wgc, skb);
	return 0;
}

/* Every socket here was made by wgc_socket_create(), memalloc set. */
static void wgc_socket_release(struct sock *sk)
{
	if (!sk)
		return;
	/* sk_set_memalloc() counts in a system-wide key: give it back. */
	sk_clear_memalloc(sk);
	udp_tunnel_sock_release(sk->sk_socket);
}

/*
 * UDP GRO on a socket, set as a program sets it (UDP_GRO): where the
 * receiving device does GRO, the stack merges a flow's equally long
 * datagrams into one UDP GSO packet, a train, and the socket accepts such
 * packets whole (see gro.c). Off, trains still in flight are cut up by the
 * UDP layer before the encap hook.
 */
static void wgc_socket_set_gro(struct sock *sk, bool on)
{
	int val = on;

	if (sk)
		udp_lib_setsockopt(sk, SOL_UDP, UDP_GRO, KERNEL_SOCKPTR(&val),
				   sizeof(val), NULL);
}

static int wgc_socket_create(struct wgc_device *wgc, struct net *net,
			     struct udp_port_cfg *port_cfg, struct sock **skp)
{
	struct udp_tunnel_sock_cfg tunnel_cfg = {
		.sk_user_data = wgc,
		.encap_type = UDP_ENCAP_WGC,
		.encap_rcv = wgc_socket_receive,
		.gro_complete = wgc_gro_complete,
	};
	struct socket *sock;
	int ret;

	ret = udp_sock_create(net, port_cfg, &sock);
	if (ret < 0)
		return ret;
	/* Sends happen from softirq and workqueues that must not sleep. */
	sock->sk->sk_allocation = GFP_ATOMIC;
	/*
	 * Every peer's packets leave through this one socket: its send
	 * buffer must not be what limits them (each peer's queue is bounded
	 * already), and under memory pressure the tunnel may be what carries
	 * the traffic that frees memory (swap over a network filesystem).
	 */
	sock->sk->sk_sndbuf = INT_MAX;
	sk_set_memalloc(sock->sk);
	setup_udp_tunnel_sock(net, sock, &tunnel_cfg);
	/*
	 * That asks for checksum conversion, which serves tunnels whose inner
	 * packets can reuse the outer checksum. Ours are ciphertext, which
	 * Poly1305 authenticates; and with it, the UDP layer sums every
	 * datagram of a GSO packet in software as it cuts one up (a train that
	 * crossed a veth whole: udp_rcv_segment()).
	 */
	inet_dec_convert_csum(sock->sk);
	wgc_socket_set_gro(sock->sk, wgc_device_rx_gro(wgc));
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

/*
 * Applies the rx-udp-gro flag to the sockets in use. Caller holds
 * wgc->device_update_lock; sockets bound later apply it themselves.
 */
void wgc_socket_apply_offloads(struct wgc_device *wgc)
{
	bool gro = wgc_device_rx_gro(wgc);
	struct sock *sk4, *sk6;

	sk4 = rcu_dereference_protected(wgc->sock4,
					lockdep_is_held(&wgc->device_update_lock));
	sk6 = rcu_dereference_protected(wgc->sock6,
					lockdep_is_held(&wgc->device_update_lock));
	wgc_socket_set_gro(sk4, gro);
	wgc_socket_set_gro(sk6, gro);
}

/* Caller holds wgc->device_update_lock. */
void wgc_socket_close(struct wgc_device *wgc)
{
	wgc_socket_swap(wgc, NULL, NULL);
}

/* ---- sending ---- */

/*
 * What one send needs from an endpoint. The source address is a hint: if
 * it no longer works, the route lookup drops it (@src_stale tells the
 * caller to forget it in the peer too).
 */
struct wgc_send_target {
	struct wgc_endpoint endpoint;
	bool src_stale;
};

static struct rtable *wgc_route4(struct wgc_device *wgc, struct sock *sock,
				 struct wgc_send_target *target,
				 struct flowi4 *fl, struct dst_cache *cache)
{
	struct wgc_endpoint *endpoint = &target->endpoint;
	struct net *net = sock_net(sock);
	struct rtable *rt = NULL;

	if (cache)
		rt = dst_cache_get_ip4(cache, &fl->saddr);
	if (rt)
		return rt;

	security_sk_classify_flow(sock, flowi4_to_flowi_common(fl));
	if (fl->saddr && !inet_confirm_addr(net, NULL, 0, fl->saddr,
					    RT_SCOPE_HOST))
		target->src_stale = true;
	if (!target->src_stale) {
		rt = ip_route_output_flow(net, fl, sock);
		/* The address moved to another interface: route afresh. */
		if (endpoint->src_if4 &&
		    (PTR_ERR_OR_ZERO(rt) == -EINVAL ||
		     (!IS_ERR(rt) && rt->dst.dev->ifindex != endpoint->src_if4))) {
			if (!IS_ERR(rt))
				ip_rt_put(rt);
			target->src_stale = true;
		}
	}
	if (target->src_stale) {
		fl->saddr = 0;
		if (cache)
			dst_cache_reset(cache);
		rt = ip_route_output_flow(net, fl, sock);
	}
	if (IS_ERR(rt))
		return rt;
	if (cache)
		dst_cache_set_ip4(cache, &rt->dst, fl->saddr);
	return rt;
}

static int wgc_drop_unroutable(struct wgc_device *wgc, struct sk_buff *skb,
			       const struct wgc_endpoint *endpoint, int err)
{
	net_dbg_ratelimited("%s: no route to %pISpfsc, error %d\n",
			    wgc->dev->name, &endpoint->addr, err);
	kfree_skb(skb);
	return err;
}

static int wgc_send4(struct wgc_device *wgc, struct sk_buff *skb,
		     struct wgc_send_target *target, u8 ds,
		     struct dst_cache *cache)
{
	struct wgc_endpoint *endpoint = &target->endpoint;
	struct flowi4 fl = {
		.saddr = endpoint->src4.s_addr,
		.daddr = endpoint->addr4.sin_addr.s_addr,
		.fl4_dport = endpoint->addr4.sin_port,
		.flowi4_mark = wgc->fwmark,
		.flowi4_proto = IPPROTO_UDP,
	};
	struct rtable *rt;
	struct sock *sock;

	sock = rcu_dereference_bh(wgc->sock4);
	if (unlikely(!sock)) {
		kfree_skb(skb);
		return -ENONET;
	}
	fl.fl4_sport = inet_sk(sock)->inet_sport;
	rt = wgc_route4(wgc, sock, target, &fl, cache);
	if (IS_ERR(rt))
		return wgc_drop_unroutable(wgc, skb, endpoint, PTR_ERR(rt));
	skb->ignore_df = 1;
	udp_tunnel_xmit_skb(rt, sock, skb, fl.saddr, fl.daddr, ds,
			    ip4_dst_hoplimit(&rt->dst), 0, fl.fl4_sport,
			    fl.fl4_dport, false, false);
	return 0;
}

#if IS_ENABLED(CONFIG_IPV6)
static struct dst_entry *wgc_route6(struct wgc_device *wgc, struct sock *sock,
				    struct wgc_send_target *target,
				    struct flowi6 *fl, struct dst_cache *cache)
{
	struct net *net = sock_net(sock);
	struct dst_entry *dst = NULL;

	if (cache)
		dst = dst_cache_get_ip6(cache, &fl->saddr);
	if (dst)
		return dst;

	security_sk_classify_flow(sock, flowi6_to_flowi_common(fl));
	if (!ipv6_addr_any(&fl->saddr) &&
	    !ipv6_chk_addr(net, &fl->saddr, NULL, 0)) {
		target->src_stale = true;
		fl->saddr = in6addr_any;
		if (cache)
			dst_cache_reset(cache);
	}
	dst = ipv6_stub->ipv6_dst_lookup_flow(net, sock, fl, NULL);
	if (IS_ERR(dst))
		return dst;
	if (cache)
		dst_cache_set_ip6(cache, dst, &fl->saddr);
	return dst;
}

static int wgc_send6(struct wgc_device *wgc, struct sk_buff *skb,
		     struct wgc_send_target *target, u8 ds,
		     struct dst_cache *cache)
{
	struct wgc_endpoint *endpoint = &target->endpoint;
	struct flowi6 fl = {
		.saddr = endpoint->src6,
		.daddr = endpoint->addr6.sin6_addr,
		.fl6_dport = endpoint->addr6.sin6_port,
		.flowi6_mark = wgc->fwmark,
		.flowi6_oif = endpoint->addr6.sin6_scope_id,
		.flowi6_proto = IPPROTO_UDP,
	};
	struct dst_entry *dst;
	struct sock *sock;

	sock = rcu_dereference_bh(wgc->sock6);
	if (unlikely(!sock)) {
		kfree_skb(skb);
		return -ENONET;
	}
	fl.fl6_sport = inet_sk(sock)->inet_sport;
	dst = wgc_route6(wgc, sock, target, &fl, cache);
	if (IS_ERR(dst))
		return wgc_drop_unroutable(wgc, skb, endpoint, PTR_ERR(dst));
	skb->ignore_df = 1;
	udp_tunnel6_xmit_skb(dst, sock, skb, skb->dev, &fl.saddr, &fl.daddr,
			     ds, ip6_dst_hoplimit(dst), 0, fl.fl6_sport,
			     fl.fl6_dport, false);
	return 0;
}
#endif

/* Sends @skb to @target. Caller holds rcu_read_lock_bh(). */
static int wgc_send(struct wgc_device *wgc, struct sk_buff *skb,
		    struct wgc_send_target *target, u8 ds,
		    struct dst_cache *cache)
{
	skb_mark_not_on_list(skb);
	skb->dev = wgc->dev;
	skb->mark = wgc->fwmark;

	if (target->endpoint.addr.sa_family == AF_INET)
		return wgc_send4(wgc, skb, target, ds, cache);
#if IS_ENABLED(CONFIG_IPV6)
	if (target->endpoint.addr.sa_family == AF_INET6)
		return wgc_send6(wgc, skb, target, ds, cache);
#endif
	kfree_skb(skb);
	return -EAFNOSUPPORT;
}

/* Whether @a and @b are the same remote address and port. */
static bool wgc_endpoint_remote_eq(const struct wgc_endpoint *a,
				   const struct wgc_endpoint *b)
{
	if (a->addr.sa_family != b->addr.sa_family)
		return false;
	if (a->addr.sa_family == AF_INET)
		return a->addr4.sin_port == b->addr4.sin_port &&
		       a->addr4.sin_addr.s_addr == b->addr4.sin_addr.s_addr;
	if (a->addr.sa_family == AF_INET6)
		return a->addr6.sin6_port == b->addr6.sin6_port &&
		       ipv6_addr_equal(&a->addr6.sin6_addr,
				       &b->addr6.sin6_addr) &&
		       a->addr6.sin6_scope_id == b->addr6.sin6_scope_id;
	return true;
}

/* The same remote end, reached from the same local source. */
static bool wgc_endpoint_eq(const struct wgc_endpoint *a,
			    const struct wgc_endpoint *b)
{
	if (!wgc_endpoint_remote_eq(a, b))
		return false;
	if (a->addr.sa_family == AF_INET)
		return a->src4.s_addr == b->src4.s_addr &&
		       a->src_if4 == b->src_if4;
	if (a->addr.sa_family == AF_INET6)
		return ipv6_addr_equal(&a->src6, &b->src6);
	return true;
}

/*
 * Forgets the peer's local source address and the routes cached with it, so
 * that routing picks both afresh. @release_now drops the cached routes at
 * once (dst_cache_reset_now(), a walk over every CPU's entry), for the rare
 * callers: timers and configuration. The packet path only marks them stale.
 */
static void wgc_clear_src(struct wgc_peer *peer, bool release_now)
{
	lockdep_assert_held_write(&peer->endpoint_lock);
	memset(&peer->endpoint.src6, 0, sizeof(peer->endpoint.src6));
	peer->endpoint.src4.s_addr = 0;
	peer->endpoint.src_if4 = 0;
	if (release_now)
		dst_cache_reset_now(&peer->endpoint_cache);
	else
		dst_cache_reset(&peer->endpoint_cache);
}

/* Forgets a source address that stopped working, unless the peer moved. */
static void wgc_forget_stale_src(struct wgc_peer *peer,
				 const struct wgc_endpoint *used)
{
	write_lock_bh(&peer->endpoint_lock);
	if (wgc_endpoint_eq(&peer->endpoint, used))
		wgc_clear_src(peer, false);
	write_unlock_bh(&peer->endpoint_lock);
}

int wgc_socket_send_skb_to_peer(struct wgc_peer *peer, struct sk_buff *skb,
				u8 ds)
{
	struct wgc_send_target target = {};
	int ret;

	/*
	 * The read lock keeps the endpoint and its route cache in step: the
	 * writer empties the cache (dst_cache_reset_now()) under the write
	 * lock; a reader may only mark it stale (dst_cache_reset()).
	 */
	read_lock_bh(&peer->endpoint_lock);
	target.endpoint = peer->endpoint;
	rcu_read_lock_bh();
	ret = wgc_send(peer->wgc, skb, &target, ds, &peer->endpoint_cache);
	rcu_read_unlock_bh();
	read_unlock_bh(&peer->endpoint_lock);

	if (unlikely(target.src_stale))
		wgc_forget_stale_src(peer, &target.endpoint);
	return ret;
}

/* Builds a datagram around a handshake message. */
static struct sk_buff *wgc_buffer_skb(const void *buffer, size_t len)
{
	struct sk_buff *skb = alloc_skb(len + WGC_SKB_HEADER_LEN, GFP_ATOMIC);

	if (unlikely(!skb))
		return NULL;
	skb_reserve(skb, WGC_SKB_HEADER_LEN);
	skb_set_inner_network_header(skb, 0);
	skb_put_data(skb, buffer, len);
	return skb;
}

int wgc_socket_send_buffer_to_peer(struct wgc_peer *peer, const void *buffer,
				   size_t len, u8 ds)
{
	struct sk_buff *skb = wgc_buffer_skb(buffer, len);

	if (unlikely(!skb))
		return -ENOMEM;
	return wgc_socket_send_skb_to_peer(peer, skb, ds);
}

int wgc_socket_send_buffer_as_reply_to_skb(struct wgc_device *wgc,
					   struct sk_buff *in_skb,
					   const void *buffer, size_t len)
{
	struct wgc_send_target target = {};
	struct sk_buff *skb;
	int ret;

	ret = wgc_socket_endpoint_from_skb(&target.endpoint, in_skb);
	if (unlikely(ret))
		return ret;
	skb = wgc_buffer_skb(buffer, len);
	if (unlikely(!skb))
		return -ENOMEM;
	rcu_read_lock_bh();
	/* No route cache: a reply goes to whoever asked, once. */
	ret = wgc_send(wgc, skb, &target, 0, NULL);
	rcu_read_unlock_bh();
	return ret;
}

int wgc_socket_endpoint_from_skb(struct wgc_endpoint *endpoint,
				 const struct sk_buff *skb)
{
	memset(endpoint, 0, sizeof(*endpoint));
	if (skb->protocol == htons(ETH_P_IP)) {
		endpoint->addr4.sin_family = AF_INET;
		endpoint->addr4.sin_port = udp_hdr(skb)->source;
		endpoint->addr4.sin_addr.s_addr = ip_hdr(skb)->saddr;
		endpoint->src4.s_addr = ip_hdr(skb)->daddr;
		endpoint->src_if4 = skb->skb_iif;
		return 0;
	}
	if (IS_ENABLED(CONFIG_IPV6) && skb->protocol == htons(ETH_P_IPV6)) {
		endpoint->addr6.sin6_family = AF_INET6;
		endpoint->addr6.sin6_port = udp_hdr(skb)->source;
		endpoint->addr6.sin6_addr = ipv6_hdr(skb)->saddr;
		endpoint->addr6.sin6_scope_id =
			ipv6_iface_scope_id(&ipv6_hdr(skb)->saddr,
					    skb->skb_iif);
		endpoint->src6 = ipv6_hdr(skb)->daddr;
		return 0;
	}
	return -EINVAL;
}

/*
 * Roaming: the endpoint follows the source of the latest authenticated
 * packet. Checked under the read lock first, as it rarely changes. Only a
 * new remote address or port is an event: a new local source is routing's
 * business, and follows every time the source is forgotten.
 */
void wgc_socket_set_peer_endpoint(struct wgc_peer *peer,
				  const struct wgc_endpoint *endpoint)
{
	struct wgc_endpoint old;
	bool same;

	read_lock_bh(&peer->endpoint_lock);
	same = wgc_endpoint_eq(endpoint, &peer->endpoint);
	read_unlock_bh(&peer->endpoint_lock);
	if (likely(same))
		return;
	wgc_peer_set_endpoint(peer, endpoint, &old);
	if (!wgc_endpoint_remote_eq(&old, endpoint))
		wgc_event_endpoint_changed(peer, &old, endpoint);
}

void wgc_socket_set_peer_endpoint_from_skb(struct wgc_peer *peer,
					   const struct sk_buff *skb)
{
	struct wgc_endpoint endpoint;

	if (!wgc_socket_endpoint_from_skb(&endpoint, skb))
		wgc_socket_set_peer_endpoint(peer, &endpoint);
}

void wgc_socket_clear_peer_endpoint_src(struct wgc_peer *peer)
{
	write_lock_bh(&peer->endpoint_lock);
	wgc_clear_src(peer, true);
	write_unlock_bh(&peer->endpoint_lock);
}
