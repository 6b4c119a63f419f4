// SPDX-License-Identifier: GPL-2.0
/*
 * The transmit data path once packets have their nonces: the encryption
 * workers, on every CPU, and each peer's transmit work, which sends what
 * they finished in order.
 *
 * Trains. The transmit work gathers runs of consecutive messages that are
 * equally long (the last may be shorter) into one UDP GSO super-packet: the
 * first message's skb heads it, the others hang off its frag_list, each one
 * a complete datagram payload with its own header, counter, padding and
 * tag. The route, the outer headers, netfilter and the trip down to the
 * device then happen once per train instead of once per message. A veth
 * passes the train across whole; before any other device (a NIC's UDP
 * segmentation offload would also need NETIF_F_FRAGLIST, which NICs lack)
 * the stack cuts it in software, cheaply, as the messages lie on exact
 * segment boundaries. What reaches the wire is the same datagrams either
 * way, which any WireGuard peer receives as usual. The private flag tx-udp-gso (ethtool
 * --set-priv-flags) turns trains off; ethtool -S counts which way each
 * message left.
 */

#include "encrypt.h"
#include "device.h"
#include "keypair.h"
#include "messages.h"
#include "noise.h"
#include "peer.h"
#include "queueing.h"
#include "race.h"
#include "send.h"
#include "socket.h"
#include "timers.h"

#include <crypto/chacha20poly1305.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <linux/udp.h>

/*
 * Padding to a multiple of 16 hides the exact length of the inner packet,
 * but never beyond the MTU, which would only cost fragmentation.
 */
static unsigned int wgc_padding_len(struct sk_buff *skb)
{
	unsigned int mtu = WGC_CB(skb)->mtu;
	unsigned int last_unit = skb->len;
	unsigned int padded;

	if (unlikely(!mtu))
		return ALIGN(last_unit, WGC_MESSAGE_PADDING_MULTIPLE) -
		       last_unit;
	/* A GSO packet is cut into MTU-sized units: pad the last one. */
	if (unlikely(last_unit > mtu))
		last_unit %= mtu;
	padded = min(mtu, ALIGN(last_unit, WGC_MESSAGE_PADDING_MULTIPLE));
	return padded - last_unit;
}

/*
 * Turns the inner packet in @skb into a data message, in place: header in
 * front, zero padding and the tag behind, all encrypted through a
 * scatterlist over the skb's own memory.
 */
static bool wgc_encrypt_packet(struct sk_buff *skb,
			       struct wgc_keypair *keypair)
{
	struct scatterlist sg[MAX_SKB_FRAGS + 8];
	unsigned int padding_len, plaintext_len, trailer_len;
	struct wgc_message_data *header;
	struct sk_buff *trailer;
	int num_frags;

	/* The inner flow's hash, while its headers can still be read. */
	skb_get_hash(skb);
	if (unlikely(skb->ip_summed == CHECKSUM_PARTIAL &&
		     skb_checksum_help(skb)))
		return false;
	/* Headroom first: expanding the head later would lose the padding. */
	if (unlikely(skb_cow_head(skb, WGC_DATA_PACKET_HEAD_ROOM) < 0))
		return false;

	padding_len = wgc_padding_len(skb);
	trailer_len = padding_len + WGC_NOISE_AUTHTAG_LEN;
	plaintext_len = skb->len + padding_len;
	num_frags = skb_cow_data(skb, trailer_len, &trailer);
	if (unlikely(num_frags < 0 || num_frags > ARRAY_SIZE(sg)))
		return false;
	memset(skb_tail_pointer(trailer), 0, padding_len);

	header = skb_push(skb, sizeof(*header));
	header->header.type = cpu_to_le32(WGC_MESSAGE_DATA);
	header->key_idx = keypair->remote_index;
	header->counter = cpu_to_le64(WGC_CB(skb)->nonce);
	pskb_put(skb, trailer, trailer_len);

	sg_init_table(sg, num_frags);
	if (skb_to_sgvec(skb, sg, sizeof(*header),
			 wgc_noise_encrypted_len(plaintext_len)) <= 0)
		return false;
	if (!chacha20poly1305_encrypt_sg_inplace(sg, plaintext_len, NULL, 0,
						 WGC_CB(skb)->nonce,
						 keypair->sending.key))
		return false;
	wgc_packet_reset(skb, true);
	return true;
}

static void wgc_kick_tx(struct wgc_peer *peer)
{
	queue_work_on(wgc_peer_serial_cpu(peer), peer->wgc->packet_crypt_wq,
		      &peer->transmit_packet_work);
}

/*
 * Encrypts what the device's ring holds, on this CPU, a batch at a time.
 * A peer's transmit work is woken once for each run of its packets in the
 * batch rather than for each packet: it then finds them all done, and
 * sends them as one train. The peer outlives this work, which its removal
 * flushes.
 */
void wgc_packet_encrypt_worker(struct work_struct *work)
{
	struct wgc_crypt_worker *worker =
		container_of(work, struct wgc_crypt_worker, work);
	struct ptr_ring *ring = &worker->wgc->encrypt_queue.ring;
	void *batch[WGC_CRYPT_BATCH];
	int n, i;

	wgc_race_delay(WGC_RACE_ENCRYPT_WORKER);
	while ((n = ptr_ring_consume_batched_bh(ring, batch,
						ARRAY_SIZE(batch))) > 0) {
		struct wgc_peer *waiting = NULL;

		for (i = 0; i < n; i++) {
			struct sk_buff *skb = batch[i];
			struct wgc_keypair *keypair = WGC_CB(skb)->keypair;
			struct wgc_peer *peer = keypair->entry.peer;
			enum wgc_packet_state state = WGC_PACKET_DEAD;

			if (waiting && waiting != peer)
				wgc_kick_tx(waiting);
			waiting = peer;
			if (likely(wgc_encrypt_packet(skb, keypair)))
				state = WGC_PACKET_CRYPTED;
			atomic_set_release(&WGC_CB(skb)->state, state);
		}
		wgc_kick_tx(waiting);
		cond_resched();
	}
}

/* The most messages in one train: what the stack lets a UDP socket send. */
#define WGC_TRAIN_MAX_SEGS UDP_MAX_SEGMENTS
/* Its payload, so that the outer IPv4 or IPv6 length field holds it all. */
#define WGC_TRAIN_MAX_LEN \
	(U16_MAX - sizeof(struct iphdr) - sizeof(struct udphdr))

/*
 * A train being gathered. Every message in it is a linear skb that is not
 * a clone (encryption leaves them so): the stack segments a frag_list of
 * linear members on their own boundaries only, and wgc_train_link() hands
 * their headroom over. The stack gives every datagram of a train the
 * first message's socket, flow hash and departure time (pacing), so a
 * train holds only messages that share them: one flow's.
 */
struct wgc_train {
	struct sk_buff_head packets;
	unsigned int len;		/* of all messages */
	unsigned int segment_len;	/* of the first, and all but the last */
	u8 ds;
	/* A shorter message ended it, or trains are off. */
	bool closed;
	unsigned int keepalives;	/* of its messages */
};

static bool wgc_is_keepalive(const struct sk_buff *skb)
{
	return skb->len == wgc_message_data_len(0);
}

static void wgc_train_start(struct wgc_train *train, struct sk_buff *skb,
			    bool gso)
{
	__skb_queue_tail(&train->packets, skb);
	train->len = skb->len;
	train->segment_len = skb->len;
	train->ds = WGC_CB(skb)->ds;
	train->closed = !gso || skb_is_nonlinear(skb) || skb_cloned(skb);
	train->keepalives = wgc_is_keepalive(skb);
}

static bool wgc_same_flow(const struct sk_buff *a, const struct sk_buff *b)
{
	return a->sk == b->sk && a->hash == b->hash &&
	       a->l4_hash == b->l4_hash && a->tstamp == b->tstamp;
}

/* Adds @skb to the train if it fits there; false if it does not. */
static bool wgc_train_add(struct wgc_train *train, struct sk_buff *skb)
{
	if (train->closed || skb->len > train->segment_len ||
	    WGC_CB(skb)->ds != train->ds || skb_is_nonlinear(skb) ||
	    skb_cloned(skb) ||
	    !wgc_same_flow(skb, skb_peek(&train->packets)) ||
	    skb_queue_len(&train->packets) >= WGC_TRAIN_MAX_SEGS ||
	    train->len + skb->len > WGC_TRAIN_MAX_LEN)
		return false;
	__skb_queue_tail(&train->packets, skb);
	train->len += skb->len;
	train->closed = skb->len < train->segment_len;
	train->keepalives += wgc_is_keepalive(skb);
	return true;
}

/*
 * Links the train's messages into one GSO skb: the first is the head, the
 * rest its frag_list. Each member keeps its own truesize and destructor,
 * unlike the frag_list members the IP layer builds (__ip_make_skb()): a
 * destructor may do more than give back send buffer space (a packet
 * socket's completes a ring frame), so each must run for its own skb; the
 * head's truesize stays its own to match. Only the IP fragmenter relies on
 * members having no socket, and a GSO packet is segmented before it is
 * fragmented. A member's headroom is released to whoever clones it
 * (__skb_header_release()): the segmentation pushes each datagram's
 * headers there instead of copying the message.
 */
static struct sk_buff *wgc_train_link(struct wgc_train *train)
{
	unsigned int segs = skb_queue_len(&train->packets);
	struct sk_buff *head = __skb_dequeue(&train->packets);
	struct sk_buff **next = &skb_shinfo(head)->frag_list;
	struct sk_buff *skb;

	if (segs == 1)
		return head;
	while ((skb = __skb_dequeue(&train->packets)) != NULL) {
		__skb_header_release(skb);
		head->len += skb->len;
		head->data_len += skb->len;
		*next = skb;
		next = &skb->next;
	}
	skb_shinfo(head)->gso_type = SKB_GSO_UDP_L4;
	skb_shinfo(head)->gso_size = train->segment_len;
	skb_shinfo(head)->gso_segs = segs;
	/*
	 * UDP segmentation finishes each datagram's checksum from the
	 * pseudo-header sum that udp_set_csum() will put in the header,
	 * which goes in just in front of the message.
	 */
	head->ip_summed = CHECKSUM_PARTIAL;
	head->csum_start = skb_headroom(head) - sizeof(struct udphdr);
	head->csum_offset = offsetof(struct udphdr, check);
	return head;
}

/*
 * Sends the train, if any; true if it left with data in it. The UDP tunnel
 * layer cannot say whether the IP layer dropped it: a dropped train still
 * counts its datagrams in tx_packets (and one tx_error, from that layer).
 */
static bool wgc_train_send(struct wgc_peer *peer, struct wgc_train *train)
{
	unsigned int segs = skb_queue_len(&train->packets);
	unsigned int len = train->len, keepalives = train->keepalives;

	if (!segs)
		return false;
	if (wgc_socket_send_skb_to_peer(peer, wgc_train_link(train),
					train->ds))
		return false;
	local_bh_disable();
	wgc_device_count_tx(peer->wgc, segs);
	wgc_stats_tx(&peer->tx_stats, segs, len, keepalives);
	local_bh_enable();
	return keepalives < segs;
}

/*
 * Sends what one pass took off the serial queue, timers updated once. The
 * references a batch holds are dropped as its last packet leaves the queue:
 * nothing reads its keypair after encryption, and the peer is not freed
 * before this work has been flushed (the device's list holds it; see
 * peer.c).
 */
static void wgc_send_done_packets(struct wgc_peer *peer,
				  struct sk_buff_head *packets)
{
	bool gso = wgc_device_tx_gso(peer->wgc);
	bool data_sent = false, authenticated_sent = false;
	struct wgc_train train;
	struct sk_buff *skb;

	__skb_queue_head_init(&train.packets);
	while ((skb = __skb_dequeue(packets)) != NULL) {
		enum wgc_packet_state state =
			atomic_read_acquire(&WGC_CB(skb)->state);

		wgc_packet_put_refs(peer, skb);
		if (unlikely(state != WGC_PACKET_CRYPTED)) {
			/* a dropped one was counted when it was marked */
			if (state != WGC_PACKET_DROPPED)
				DEV_STATS_INC(peer->wgc->dev, tx_errors);
			kfree_skb(skb);
			continue;
		}
		authenticated_sent = true;
		if (wgc_train_add(&train, skb))
			continue;
		data_sent |= wgc_train_send(peer, &train);
		wgc_train_start(&train, skb, gso);
	}
	data_sent |= wgc_train_send(peer, &train);
	if (!authenticated_sent)
		return;
	wgc_timers_any_authenticated_packet_traversal(peer);
	wgc_timers_any_authenticated_packet_sent(peer);
	if (data_sent)
		wgc_timers_data_sent(peer);
	wgc_packet_keep_key_fresh(peer);
}

/* How many packets the transmit work takes off the queue at a time. */
#define WGC_TX_BATCH 64

/* The peer's serial side: sends what is encrypted, in order. */
void wgc_packet_tx_worker(struct work_struct *work)
{
	struct wgc_peer *peer = container_of(work, struct wgc_peer,
					     transmit_packet_work);
	struct sk_buff_head packets;

	__skb_queue_head_init(&packets);
	while (wgc_serial_queue_dequeue_done(&peer->tx_queue, &packets,
					     WGC_TX_BATCH)) {
		wgc_send_done_packets(peer, &packets);
		cond_resched();
	}
}
