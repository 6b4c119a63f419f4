// SPDX-License-Identifier: GPL-2.0
/*
 * Trains received whole.
 *
 * The sockets have UDP GRO on (UDP_GRO, unless the private flag rx-udp-gro
 * is off): where the device a flow arrives on does GRO (a NIC; a veth with
 * GRO on), the stack merges its equally long datagrams (the last one may be
 * shorter, 64 at most) into one UDP GSO packet, a train, which crosses IP,
 * netfilter and the socket lookup once. A plain UDP GRO packet would then be
 * cut up again before the encap hook: udp_unexpected_gso() lets a GSO packet
 * reach an encapsulating socket only if it is a UDP tunnel's. So the
 * sockets also have a gro_complete callback, which makes udp_gro_complete()
 * mark the trains for them as tunnel packets; wgc_gro_complete() finishes
 * them as UDP GRO finishes its own, and the encap hook, which accepts GSO
 * packets (udp_allow_gso()), receives each train whole. It cuts the train
 * into its datagrams (wgc_gro_segment()) and the receive path takes them
 * together.
 *
 * The merging is UDP GRO's own, which a module cannot do itself (the core's
 * skb_gro_receive() is not exported): it holds no message longer than any
 * other datagram, and a short one (a handshake message after data) ends
 * the train it follows, which then goes up at once.
 *
 * A train is otherwise an ordinary UDP GSO packet (encapsulation cleared,
 * no inner headers): if something sends it elsewhere instead of to the
 * socket (a DNAT rule applied after GRO), the stack segments it into the
 * datagrams it was made of, as it would any UDP GRO packet.
 */

#include "gro.h"

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/gro.h>
#include <net/sock.h>
#include <net/udp.h>

/*
 * Called by udp_gro_complete() for a train of two datagrams or more, with
 * the tunnel GSO type set and @nhoff at the first message: what
 * udp_gro_complete_segment() sets on other UDP GRO packets. The outer
 * checksum is left to offload (GRO validated every datagram's).
 */
int wgc_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff)
{
	struct udphdr *uh = (struct udphdr *)(skb->data + nhoff) - 1;

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
 * socket that does not take one whole, and returns them as a list, each
 * with data at its UDP header. NULL if that failed: the train is freed and
 * counted as the UDP layer counts such a loss.
 */
struct sk_buff *wgc_gro_segment(struct sock *sk, struct sk_buff *skb)
{
	struct sk_buff *segs, *seg, *next;

	skb_shinfo(skb)->gso_type &= ~(SKB_GSO_UDP_TUNNEL |
					SKB_GSO_UDP_TUNNEL_CSUM);
	skb->encapsulation = 0;
	__skb_push(skb, -skb_mac_offset(skb));
	segs = udp_rcv_segment(sk, skb, skb->protocol == htons(ETH_P_IP));
	skb_list_walk_safe(segs, seg, next)
		__skb_pull(seg, skb_transport_offset(seg));
	return segs;
}
