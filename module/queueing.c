// SPDX-License-Identifier: GPL-2.0
/*
 * The queues between the packet path and the crypto workers.
 */

#include "queueing.h"
#include "device.h"
#include "noise.h"
#include "peer.h"

#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/slab.h>

int wgc_crypt_queue_init(struct wgc_crypt_queue *queue, struct wgc_device *wgc,
			 work_func_t function, unsigned int len)
{
	int cpu, ret;

	memset(queue, 0, sizeof(*queue));
	queue->last_cpu = -1;
	ret = ptr_ring_init(&queue->ring, len, GFP_KERNEL);
	if (ret)
		return ret;
	queue->workers = alloc_percpu(struct wgc_crypt_worker);
	if (!queue->workers) {
		ptr_ring_cleanup(&queue->ring, NULL);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		struct wgc_crypt_worker *worker = per_cpu_ptr(queue->workers,
							      cpu);

		INIT_WORK(&worker->work, function);
		worker->wgc = wgc;
	}
	return 0;
}

void wgc_crypt_queue_uninit(struct wgc_crypt_queue *queue)
{
	free_percpu(queue->workers);
	WARN_ON(!__ptr_ring_empty(&queue->ring));
	ptr_ring_cleanup(&queue->ring, NULL);
}

/*
 * Round robin over the online CPUs. The shared cursor is updated without a
 * lock: two racing callers may pick the same CPU, which only costs balance.
 */
int wgc_cpumask_next_online(int *last_cpu)
{
	int cpu = cpumask_next(READ_ONCE(*last_cpu), cpu_online_mask);

	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	WRITE_ONCE(*last_cpu, cpu);
	return cpu;
}

bool wgc_crypt_queue_push(struct wgc_crypt_queue *queue, void *ptr,
			  struct workqueue_struct *wq)
{
	int cpu;

	if (unlikely(ptr_ring_produce_bh(&queue->ring, ptr)))
		return false;
	cpu = wgc_cpumask_next_online(&queue->last_cpu);
	queue_work_on(cpu, wq, &per_cpu_ptr(queue->workers, cpu)->work);
	return true;
}

void wgc_serial_queue_init(struct wgc_serial_queue *queue)
{
	skb_queue_head_init(&queue->packets);
}

/* Drops what is left, with the references each packet holds. */
void wgc_packet_put_refs(struct wgc_peer *peer, struct sk_buff *skb)
{
	if (!WGC_CB(skb)->holds_refs)
		return;
	wgc_noise_keypair_put(WGC_CB(skb)->keypair, false);
	wgc_peer_put(peer);
}

void wgc_serial_queue_purge(struct wgc_serial_queue *queue)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&queue->packets)) != NULL) {
		struct wgc_peer *peer = WGC_CB(skb)->keypair->entry.peer;

		wgc_packet_put_refs(peer, skb);
		kfree_skb(skb);
	}
}

/*
 * Spreading one peer's serial work over CPUs would only move its queue's
 * cache lines around: peers are spread instead, by their number.
 */
int wgc_peer_serial_cpu(struct wgc_peer *peer)
{
	int cpu = READ_ONCE(peer->serial_work_cpu);
	unsigned int n;

	if (likely(cpu < nr_cpu_ids && cpu_online(cpu)))
		return cpu;
	n = peer->internal_id % num_online_cpus();
	for_each_online_cpu(cpu) {
		if (!n--)
			break;
	}
	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	WRITE_ONCE(peer->serial_work_cpu, cpu);
	return cpu;
}

unsigned int wgc_serial_queue_dequeue_done(struct wgc_serial_queue *queue,
					   struct sk_buff_head *done,
					   unsigned int max)
{
	struct sk_buff_head *list = &queue->packets;
	unsigned int n = 0;
	struct sk_buff *skb;

	spin_lock_bh(&list->lock);
	/* Pairs with the release in wgc_queue_*_done(). */
	while (n < max && (skb = skb_peek(list)) &&
	       atomic_read_acquire(&WGC_CB(skb)->state) !=
	       WGC_PACKET_UNCRYPTED) {
		__skb_unlink(skb, list);
		__skb_queue_tail(done, skb);
		n++;
	}
	spin_unlock_bh(&list->lock);
	return n;
}

static void wgc_queue_in_line(struct wgc_device *wgc, struct wgc_peer *peer,
			      struct sk_buff *skb,
			      struct wgc_serial_queue *serial,
			      struct wgc_crypt_queue *crypt,
			      void (*done)(struct wgc_peer *, struct sk_buff *,
					   enum wgc_packet_state))
{
	atomic_set(&WGC_CB(skb)->state, WGC_PACKET_UNCRYPTED);
	/* In line first, so that order is fixed before any CPU finishes. */
	skb_queue_tail(&serial->packets, skb);
	if (unlikely(!wgc_crypt_queue_push(crypt, skb, wgc->packet_crypt_wq)))
		done(peer, skb, WGC_PACKET_DEAD);
}

/*
 * A batch (a GSO packet's segments, say) goes in line under one hold of the
 * ring's producer lock and the serial queue's lock, which nest in that
 * order only here, and one worker is woken for it: its packets are
 * encrypted on one CPU while the next batch goes to the next CPU.
 */
void wgc_queue_encrypt_list(struct wgc_device *wgc, struct wgc_peer *peer,
			    struct sk_buff_head *packets)
{
	struct wgc_crypt_queue *queue = &wgc->encrypt_queue;
	struct sk_buff_head *serial = &peer->tx_queue.packets;
	bool overflow = false;
	struct sk_buff *skb;
	int cpu;

	spin_lock_bh(&queue->ring.producer_lock);
	spin_lock(&serial->lock);
	while ((skb = __skb_dequeue(packets)) != NULL) {
		atomic_set(&WGC_CB(skb)->state, WGC_PACKET_UNCRYPTED);
		__skb_queue_tail(serial, skb);
		if (unlikely(__ptr_ring_produce(&queue->ring, skb))) {
			/* Dropped in order, by the serial side. */
			atomic_set_release(&WGC_CB(skb)->state,
					   WGC_PACKET_DEAD);
			overflow = true;
		}
	}
	spin_unlock(&serial->lock);
	spin_unlock_bh(&queue->ring.producer_lock);

	cpu = wgc_cpumask_next_online(&queue->last_cpu);
	queue_work_on(cpu, wgc->packet_crypt_wq,
		      &per_cpu_ptr(queue->workers, cpu)->work);
	if (unlikely(overflow))
		queue_work_on(wgc_peer_serial_cpu(peer), wgc->packet_crypt_wq,
			      &peer->transmit_packet_work);
}

void wgc_queue_decrypt(struct wgc_device *wgc, struct wgc_peer *peer,
		       struct sk_buff *skb)
{
	wgc_queue_in_line(wgc, peer, skb, &peer->rx_queue, &wgc->decrypt_queue,
			  wgc_queue_rx_done);
}

void wgc_queue_tx_done(struct wgc_peer *peer, struct sk_buff *skb,
		       enum wgc_packet_state state)
{
	atomic_set_release(&WGC_CB(skb)->state, state);
	queue_work_on(wgc_peer_serial_cpu(peer), peer->wgc->packet_crypt_wq,
		      &peer->transmit_packet_work);
}

/* Called from process context (the decrypt workers) or softirq. */
void wgc_queue_rx_done(struct wgc_peer *peer, struct sk_buff *skb,
		       enum wgc_packet_state state)
{
	atomic_set_release(&WGC_CB(skb)->state, state);
	local_bh_disable();
	napi_schedule(&peer->napi);
	local_bh_enable();
}

/*
 * The body of every crypto worker: packets come off @ring in batches, @crypt
 * runs on each, and @done marks it and wakes its peer's serial side.
 * Encryption and decryption differ only in those two.
 */
void wgc_crypt_queue_drain(struct ptr_ring *ring,
			   bool (*crypt)(struct sk_buff *skb,
					 struct wgc_keypair *keypair),
			   void (*done)(struct wgc_peer *peer,
					struct sk_buff *skb,
					enum wgc_packet_state state))
{
	void *batch[WGC_CRYPT_BATCH];
	int n, i;

	while ((n = ptr_ring_consume_batched_bh(ring, batch,
						ARRAY_SIZE(batch))) > 0) {
		for (i = 0; i < n; i++) {
			struct sk_buff *skb = batch[i];
			struct wgc_keypair *keypair = WGC_CB(skb)->keypair;
			/* Read now: once marked, the packet may be gone. */
			struct wgc_peer *peer = keypair->entry.peer;

			done(peer, skb, crypt(skb, keypair) ?
					WGC_PACKET_CRYPTED : WGC_PACKET_DEAD);
		}
		cond_resched();
	}
}
