// SPDX-License-Identifier: GPL-2.0
/*
 * Trains received whole.
 *
 * The sockets have UDP GRO on (UDP_GRO, unless the private flag rx-udp-gro
 * is off), which also lets UDP GSO packets reach them: where the device a
 * flow arrives on does GRO (a NIC; a veth with GRO on), the stack merges
 * its equally long datagrams (the last one may be shorter, 64 at most)
 * into one UDP GSO packet, a train, which crosses IP, netfilter and the
 * socket lookup once. A plain UDP GRO packet would be cut up again before
 * the encap hook all the same: udp_unexpected_gso() lets a GSO packet reach
 * an encapsulating socket only if it is a UDP tunnel's. So the sockets also
 * have a gro_complete callback, which makes udp_gro_complete() mark the
 * trains for them as tunnel packets; wgc_gro_complete() finishes them as UDP
 * GRO finishes its own, and the encap hook receives each train whole. It
 * cuts the train into its datagrams (wgc_gro_segment()), and the receive
 * path takes them together.
 *
 * The merging is UDP GRO's own, which a module cannot do itself (the core's
 * skb_gro_receive() is not exported): it holds no message longer than the
 * others, and a short one (a handshake message after data) ends the train
 * it follows, which then goes up at once.
 *
 * A train is otherwise an ordinary UDP GSO packet: encapsulation cleared,
 * no inner headers. GRO finds the socket by port, whatever the destination
 * address (the sockets are bound to any), so a flow this host forwards to
 * another's port of the same number is merged too: such a train is left a
 * plain UDP GRO packet, which every device segments as such, not marked as
 * a tunnel's, which a NIC's tunnel offload would take for one with inner
 * headers.
 */

#include "gro.h"
#include "compat.h"

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/addrconf.h>
#include <net/gro.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/udp.h>

/* Whether the train's destination is an address of this host. */
static bool wgc_gro_for_us(struct sock *sk, struct sk_buff *skb)
{
	const void *nh = wgc_compat_gro_network_header(skb);
	struct net *net = dev_net(skb->dev);

	if (sk->sk_family == AF_INET)
		return inet_addr_type_dev_table(net, skb->dev,
						((const struct iphdr *)nh)->daddr) ==
		       RTN_LOCAL;
	return ipv6_chk_addr(net, &((const struct ipv6hdr *)nh)->daddr,
			     NULL, 0);
}

/*
 * Called by udp_gro_complete() for a train of two datagrams or more, with
 * the tunnel GSO type set and @nhoff at the first message. The rest is
 * what udp_gro_complete_segment() sets on other UDP GRO packets: the outer
 * checksum left to offload (GRO validated every datagram's).
 */
int wgc_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff)
{
	struct udphdr *uh = (struct udphdr *)(skb->data + nhoff) - 1;

	/* udp_gro_complete() set the tunnel type; a train not for us drops it */
	if (!wgc_gro_for_us(sk, skb))
		skb_shinfo(skb)->gso_type = 0;
	skb->encapsulation = 0;
	skb_shinfo(skb)->gso_type |= SKB_GSO_UDP_L4;
	skb_shinfo(skb)->gso_segs = NAPI_GRO_CB(skb)->count;
	skb->csum_start = (unsigned char *)uh - skb->head;
	skb->csum_offset = offsetof(struct udphdr, check);
	skb->ip_summed = CHECKSUM_PARTIAL;
	return 0;
}

/*
 * Cuts a train into its datagrams, as the UDP layer cuts a GRO packet for a
 * socket that does not take one whole (udp_rcv_segment()), and returns them
 * as a list, each with data at its UDP header. Unlike there, the checksums
 * stay offloaded: GRO validated them, and the segments go nowhere but to
 * decryption, which a forged byte fails anyway. The UDP layer counted the
 * train as one datagram received: the others are added. NULL if segmenting
 * failed: the train is freed and counted as the UDP layer counts that.
 */
struct sk_buff *wgc_gro_segment(struct sock *sk, struct sk_buff *skb)
{
	bool ipv4 = sk->sk_family == AF_INET;
	unsigned int segs = skb_shinfo(skb)->gso_segs;
	struct sk_buff *list, *seg, *next;

	__skb_push(skb, -skb_mac_offset(skb));
	list = __skb_gso_segment(skb, NETIF_F_SG | NETIF_F_IP_CSUM |
				 NETIF_F_IPV6_CSUM, false);
	if (IS_ERR_OR_NULL(list)) {
		atomic_add(segs, &sk->sk_drops);
		__SNMP_ADD_STATS(__UDPX_MIB(sk, ipv4), UDP_MIB_INERRORS, segs);
		kfree_skb(skb);
		return NULL;
	}
	consume_skb(skb);
	__SNMP_ADD_STATS(__UDPX_MIB(sk, ipv4), UDP_MIB_INDATAGRAMS, segs - 1);
	skb_list_walk_safe(list, seg, next)
		__skb_pull(seg, skb_transport_offset(seg));
	return list;
}
