/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Moving packets through encryption and decryption.
 *
 * Crypto is spread over all CPUs through a device-wide ring that per-CPU
 * workers drain, while every packet also waits in its peer's serial queue in
 * the order it arrived. Whoever drains a serial queue (the peer's transmit
 * work, the peer's NAPI poll) only takes packets from its head once their
 * crypto is done, so each peer's packets leave and arrive in order however
 * the CPUs finish.
 */

#ifndef _WGC_QUEUEING_H
#define _WGC_QUEUEING_H

#include "compat.h"

#include <linux/ipv6.h>
#include <linux/kthread.h>
#include <linux/ptr_ring.h>
#include <linux/udp.h>
#include <linux/skbuff.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <net/ip_tunnels.h>

struct wgc_device;
struct wgc_keypair;
struct wgc_peer;

enum wgc_packet_state {
	WGC_PACKET_UNCRYPTED,
	WGC_PACKET_CRYPTED,
	/* The crypto failed: counted as an error by the serial side. */
	WGC_PACKET_DEAD,
	/*
	 * Received on a session that could no longer be used (expired,
	 * retired, at its message limit): counted as DEAD is, and for the
	 * peer as dropped for want of a session.
	 */
	WGC_PACKET_EXPIRED,
	/*
	 * Refused by the full crypto ring: counted as dropped at once, by
	 * wgc_line_up()'s caller, and freed in order, without a second count,
	 * by the serial side.
	 */
	WGC_PACKET_DROPPED,
};

/* Room in front of a data message for its header and the outer headers. */
#define WGC_DATA_PACKET_HEAD_ROOM \
	ALIGN(16 + sizeof(struct ipv6hdr) + sizeof(struct udphdr) + \
	      NET_SKB_PAD, 4)

/* Private data of an skb while wgc owns it. */
struct wgc_skb_cb {
	struct wgc_keypair *keypair;
	u64 nonce;
	atomic_t state;			/* enum wgc_packet_state */
	unsigned int mtu;
	__be16 protocol;		/* the inner packet's */
	u8 ds;				/* the inner packet's DS field */
	/*
	 * This packet holds a reference on its keypair and one on its peer.
	 * A received packet always does. Of a batch sent together only the
	 * last does, for all of them: the serial queue releases it last,
	 * and nothing touches the batch's packets after that.
	 */
	bool holds_refs;
};

static inline struct wgc_skb_cb *WGC_CB(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct wgc_skb_cb) > sizeof(skb->cb));
	return (struct wgc_skb_cb *)skb->cb;
}

/*
 * Crossing the tunnel makes a new packet of the old one's memory: the
 * outer packet once encrypted, the inner one once decrypted. Nothing the
 * stack noted about the old packet applies (priority, mark, traffic
 * control and checksum state, header offsets, the flow hash the receive
 * side computed over the outer headers), so all of it is cleared. On the
 * way out two things are kept: the flow hash, which the transmit side took
 * over the inner packet before encrypting it, so that queues and steering
 * keep one tunnel's flows apart; and the clock of its departure time, which
 * pacing set for the inner flow. Leaves the headers at skb->data.
 */
static inline void wgc_packet_reset(struct sk_buff *skb, bool outer)
{
	u8 tstamp_type = wgc_compat_tstamp_type(skb);
	bool l4_hash = skb->l4_hash;
	bool sw_hash = skb->sw_hash;
	u32 hash = skb->hash;

	skb_scrub_packet(skb, true);
	memset(&skb->headers, 0, sizeof(skb->headers));
	if (outer) {
		__skb_set_hash(skb, hash, sw_hash, l4_hash);
		wgc_compat_set_tstamp_type(skb, tstamp_type);
	}
	skb->queue_mapping = 0;
	skb->nohdr = 0;
	skb->peeked = 0;
	skb->mac_len = 0;
	skb->dev = NULL;
	skb->hdr_len = skb_headroom(skb);
	skb_reset_mac_header(skb);
	skb_reset_network_header(skb);
	skb_reset_transport_header(skb);
	skb_reset_inner_headers(skb);
}

/* Whether skb->protocol says what the packet really is: IPv4 or IPv6. */
static inline bool wgc_packet_protocol_ok(struct sk_buff *skb)
{
	__be16 real = ip_tunnel_parse_protocol(skb);

	return real && skb->protocol == real;
}

/* A peer's packets in submission order. */
struct wgc_serial_queue {
	struct sk_buff_head packets;
};

/* How many packets a crypto worker takes off its ring at a time. */
#define WGC_CRYPT_BATCH 16

struct wgc_crypt_worker {
	struct work_struct work;
	struct wgc_device *wgc;
};

/* A bounded multi-producer multi-consumer ring with a worker per CPU. */
struct wgc_crypt_queue {
	struct ptr_ring ring;
	struct wgc_crypt_worker __percpu *workers;
	int last_cpu;
};

int wgc_crypt_queue_init(struct wgc_crypt_queue *queue, struct wgc_device *wgc,
			 work_func_t function, unsigned int len);
/* Frees the ring; it must be empty (callers drain it first). */
void wgc_crypt_queue_uninit(struct wgc_crypt_queue *queue);
/* Wakes the worker on the next CPU, round robin. */
void wgc_crypt_queue_kick(struct wgc_crypt_queue *queue,
			  struct workqueue_struct *wq);
/* Picks the next online CPU, round robin, for spreading work. */
int wgc_cpumask_next_online(int *last_cpu);
/* The CPU that runs @peer's serial work: the same one while it is online. */
int wgc_peer_serial_cpu(struct wgc_peer *peer);
/* Drops the references @skb's cb holds, if it holds them. */
void wgc_packet_put_refs(struct wgc_peer *peer, struct sk_buff *skb);

void wgc_serial_queue_init(struct wgc_serial_queue *queue);
/* Frees every packet left (with its references). */
void wgc_serial_queue_purge(struct wgc_serial_queue *queue);
/*
 * Moves up to @max packets whose crypto is done from the head of @queue to
 * @done, stopping at the first that is not; returns how many. One hold of
 * the queue's lock for the lot.
 */
unsigned int wgc_serial_queue_dequeue_done(struct wgc_serial_queue *queue,
					   struct sk_buff_head *done,
					   unsigned int max);

/*
 * Puts packets (their cb filled, the references they need held) in line:
 * the peer's serial queue, then the device's crypto ring. A peer's queue
 * holds at most WGC_MAX_QUEUED_PACKETS: what does not fit is dropped (and
 * counted) at once. A packet the full ring refuses is counted as dropped
 * too, and freed in order (WGC_PACKET_DROPPED). The list is left empty.
 */
void wgc_queue_encrypt_list(struct wgc_device *wgc, struct wgc_peer *peer,
			    struct sk_buff_head *packets);
/*
 * Frees packets of @peer's that will not be sent, counting them in
 * tx_dropped, with the references their batch holds. The list is left
 * empty.
 */
void wgc_drop_tx_packets(struct wgc_peer *peer, struct sk_buff_head *packets);
/*
 * The same for received packets of one peer, to be decrypted, each holding
 * its references; softirq, in an RCU-bh section (which peer removal waits
 * out before it takes the poll away). What does not fit the peer's queue
 * is dropped and counted at once; one the full ring refuses is counted
 * at once and freed in order (WGC_PACKET_DROPPED).
 */
void wgc_queue_decrypt_list(struct wgc_device *wgc, struct wgc_peer *peer,
			    struct sk_buff_head *packets);
/*
 * Received handshake messages wait in a device-wide ring for the handshake
 * workers: kernel threads that every device shares, as many as CPUs were
 * online when the module was loaded, at the nice value of the module
 * parameter handshake_nice (19 by default: see queueing.c).
 */
struct wgc_handshake_work {
	struct kthread_work work;
	struct kthread_worker *worker;	/* the one it always runs on */
	struct wgc_device *wgc;
};

/* Messages a handshake work takes before letting other works run. */
#define WGC_HANDSHAKE_BATCH 16

struct wgc_handshake_queue {
	struct ptr_ring ring;
	struct wgc_handshake_work *works;	/* one for each worker */
	/* The worker kicked last; racy, as wgc_crypt_queue's last_cpu. */
	unsigned int last;
};

int wgc_handshake_workers_init(void);
/* After every device is gone. */
void wgc_handshake_workers_uninit(void);
int wgc_handshake_queue_init(struct wgc_handshake_queue *queue,
			     struct wgc_device *wgc, kthread_work_func_t fn,
			     unsigned int len);
/*
 * Frees the ring; it must be empty, and no work pending or running
 * (wgc_handshake_queue_stop()).
 */
void wgc_handshake_queue_uninit(struct wgc_handshake_queue *queue);
/* Wakes the next worker, round robin, for the messages in the ring. */
void wgc_handshake_queue_kick(struct wgc_handshake_queue *queue);
/* Puts @work in its worker's line (again, when it runs already). */
static inline void wgc_handshake_work_queue(struct wgc_handshake_work *work)
{
	kthread_queue_work(work->worker, &work->work);
}

/*
 * Once nothing can add to the ring any more: waits for a work that runs,
 * and cancels those that wait; what is left in the ring stays there.
 */
void wgc_handshake_queue_stop(struct wgc_handshake_queue *queue);

#endif /* _WGC_QUEUEING_H */
