// SPDX-License-Identifier: GPL-2.0
/*
 * The queues between the packet path and the crypto workers.
 */

#include "queueing.h"
#include "device.h"
#include "messages.h"
#include "keypair.h"
#include "peer.h"

#include <linux/cpumask.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/sched.h>
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

void wgc_crypt_queue_kick(struct wgc_crypt_queue *queue,
			  struct workqueue_struct *wq)
{
	int cpu = wgc_cpumask_next_online(&queue->last_cpu);

	queue_work_on(cpu, wq, &per_cpu_ptr(queue->workers, cpu)->work);
}

/*
 * The handshake workers. A flood of handshake messages, which anyone who
 * knows our public key can send, must not take CPU time from the tunnels'
 * data: so unlike the crypto workers, the threads that check MACs, send
 * cookie replies and do the Curve25519 work run at the lowest priority by
 * default, on what the data path leaves. Under CPU pressure from the data
 * path they get a small share (a nice-19 thread against a nice-0 one gets
 * about 1.5% of a CPU), which still holds many handshakes of honest peers
 * per second; an administrator who prefers new handshakes to established
 * tunnels' throughput can raise their priority (handshake_nice).
 *
 * They are kthread workers, not a workqueue: a module cannot set the
 * priority of a workqueue's threads. Unbound, so that they follow the
 * CPUs online; shared by every device, so that a host with many devices
 * has no more of them than CPUs.
 */
static int handshake_nice = MAX_NICE;
module_param(handshake_nice, int, 0444);
MODULE_PARM_DESC(handshake_nice,
		 "nice value of the handshake workers (-20 to 19; default 19, below the data path)");

static struct kthread_worker **wgc_handshake_workers;
static unsigned int wgc_nr_handshake_workers;

int __init wgc_handshake_workers_init(void)
{
	unsigned int i, n = max(num_online_cpus(), 1U);
	struct kthread_worker *worker;

	if (handshake_nice < MIN_NICE || handshake_nice > MAX_NICE) {
		pr_err("handshake_nice=%d is not a nice value (%d to %d)\n",
		       handshake_nice, MIN_NICE, MAX_NICE);
		return -EINVAL;
	}
	wgc_handshake_workers = kcalloc(n, sizeof(*wgc_handshake_workers),
					GFP_KERNEL);
	if (!wgc_handshake_workers)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		worker = kthread_run_worker(KTW_FREEZABLE, "wgc-hs/%u", i);
		if (IS_ERR(worker)) {
			wgc_nr_handshake_workers = i;
			wgc_handshake_workers_uninit();
			return PTR_ERR(worker);
		}
		sched_set_normal(worker->task, handshake_nice);
		wgc_handshake_workers[i] = worker;
	}
	wgc_nr_handshake_workers = n;
	return 0;
}

void wgc_handshake_workers_uninit(void)
{
	unsigned int i;

	for (i = 0; i < wgc_nr_handshake_workers; i++)
		kthread_destroy_worker(wgc_handshake_workers[i]);
	kfree(wgc_handshake_workers);
	wgc_handshake_workers = NULL;
	wgc_nr_handshake_workers = 0;
}

int wgc_handshake_queue_init(struct wgc_handshake_queue *queue,
			     struct wgc_device *wgc, kthread_work_func_t fn,
			     unsigned int len)
{
	unsigned int i;
	int ret;

	memset(queue, 0, sizeof(*queue));
	ret = ptr_ring_init(&queue->ring, len, GFP_KERNEL);
	if (ret)
		return ret;
	queue->works = kcalloc(wgc_nr_handshake_workers, sizeof(*queue->works),
			       GFP_KERNEL);
	if (!queue->works) {
		ptr_ring_cleanup(&queue->ring, NULL);
		return -ENOMEM;
	}
	for (i = 0; i < wgc_nr_handshake_workers; i++) {
		kthread_init_work(&queue->works[i].work, fn);
		queue->works[i].worker = wgc_handshake_workers[i];
		queue->works[i].wgc = wgc;
	}
	return 0;
}

void wgc_handshake_queue_uninit(struct wgc_handshake_queue *queue)
{
	kfree(queue->works);
	WARN_ON(!__ptr_ring_empty(&queue->ring));
	ptr_ring_cleanup(&queue->ring, NULL);
}

void wgc_handshake_queue_kick(struct wgc_handshake_queue *queue)
{
	unsigned int i = READ_ONCE(queue->last) + 1;

	if (i >= wgc_nr_handshake_workers)
		i = 0;
	WRITE_ONCE(queue->last, i);
	wgc_handshake_work_queue(&queue->works[i]);
}

void wgc_handshake_queue_stop(struct wgc_handshake_queue *queue)
{
	unsigned int i;

	for (i = 0; i < wgc_nr_handshake_workers; i++)
		kthread_cancel_work_sync(&queue->works[i].work);
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
	wgc_keypair_put(WGC_CB(skb)->keypair, false);
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
	/*
	 * Pairs with the release that marks a packet done: the crypto
	 * workers', or wgc_line_up()'s for one the ring refused (made under
	 * this lock, which is then enough on its own).
	 */
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

/* Frees packets of @peer's, with the references they hold. */
static void wgc_free_packets(struct wgc_peer *peer,
			     struct sk_buff_head *packets)
{
	struct sk_buff *skb;

	/* Each holding a peer reference, @peer lives until the last. */
	while ((skb = __skb_dequeue(packets)) != NULL) {
		wgc_packet_put_refs(peer, skb);
		kfree_skb(skb);
	}
}

void wgc_drop_tx_packets(struct wgc_peer *peer, struct sk_buff_head *packets)
{
	DEV_STATS_ADD(peer->wgc->dev, tx_dropped, skb_queue_len(packets));
	wgc_free_packets(peer, packets);
}

static void wgc_drop_rx_packets(struct wgc_peer *peer,
				struct sk_buff_head *packets)
{
	DEV_STATS_ADD(peer->wgc->dev, rx_dropped, skb_queue_len(packets));
	wgc_free_packets(peer, packets);
}

/*
 * Under the crypto ring's producer lock and then the serial queue's lock
 * (the two nest only here, in that order): each packet goes into @serial,
 * in order, then onto @ring, so that its place is fixed before any CPU
 * finishes it. One the full ring refuses is marked refused in place, to be
 * freed in order by the serial side. Returns how many were refused;
 * *@queued says whether any is on the ring.
 */
static unsigned int wgc_line_up(struct ptr_ring *ring,
				struct sk_buff_head *serial,
				struct sk_buff_head *packets, bool *queued)
{
	unsigned int refused = 0;
	struct sk_buff *skb;

	*queued = false;
	while ((skb = __skb_dequeue(packets)) != NULL) {
		atomic_set(&WGC_CB(skb)->state, WGC_PACKET_UNCRYPTED);
		__skb_queue_tail(serial, skb);
		if (likely(!__ptr_ring_produce(ring, skb))) {
			*queued = true;
		} else {
			atomic_set_release(&WGC_CB(skb)->state,
					   WGC_PACKET_DROPPED);
			refused++;
		}
	}
	return refused;
}

void wgc_queue_decrypt_list(struct wgc_device *wgc, struct wgc_peer *peer,
			    struct sk_buff_head *packets)
{
	struct wgc_crypt_queue *queue = &wgc->decrypt_queue;
	struct sk_buff_head *serial = &peer->rx_queue.packets;
	struct sk_buff_head excess;
	unsigned int refused;
	bool queued;
	u32 room;

	__skb_queue_head_init(&excess);
	spin_lock_bh(&queue->ring.producer_lock);
	spin_lock(&serial->lock);
	room = WGC_MAX_QUEUED_PACKETS -
	       min_t(u32, skb_queue_len(serial), WGC_MAX_QUEUED_PACKETS);
	/* (every received packet holds its own references) */
	while (skb_queue_len(packets) > room)
		__skb_queue_head(&excess, __skb_dequeue_tail(packets));
	refused = wgc_line_up(&queue->ring, serial, packets, &queued);
	spin_unlock(&serial->lock);
	spin_unlock_bh(&queue->ring.producer_lock);

	if (likely(queued))
		wgc_crypt_queue_kick(queue, wgc->packet_crypt_wq);
	if (unlikely(refused)) {
		DEV_STATS_ADD(wgc->dev, rx_dropped, refused);
		napi_schedule(&peer->napi);
	}
	if (unlikely(!skb_queue_empty(&excess)))
		wgc_drop_rx_packets(peer, &excess);
}

/*
 * Moves the newest packets of @packets to @excess until at most @room are
 * left. The batch's references go with its last packet (see queueing.h):
 * they move to the new last one, or into @excess with the whole batch.
 */
static void wgc_trim_to_room(struct sk_buff_head *packets,
			     struct sk_buff_head *excess, unsigned int room)
{
	struct sk_buff *skb;

	while (skb_queue_len(packets) > room) {
		skb = __skb_dequeue_tail(packets);
		__skb_queue_head(excess, skb);
		if (WGC_CB(skb)->holds_refs && !skb_queue_empty(packets)) {
			WGC_CB(skb)->holds_refs = false;
			WGC_CB(skb_peek_tail(packets))->holds_refs = true;
		}
	}
}

/*
 * A batch (a GSO packet's segments, say) goes in line under one hold of the
 * ring's producer lock and the serial queue's lock (wgc_line_up()), and
 * one worker is woken for it: its packets are encrypted on one CPU while
 * the next batch goes to the next CPU. What does not fit in the peer's
 * queue is dropped, newest first.
 */
void wgc_queue_encrypt_list(struct wgc_device *wgc, struct wgc_peer *peer,
			    struct sk_buff_head *packets)
{
	struct wgc_crypt_queue *queue = &wgc->encrypt_queue;
	struct sk_buff_head *serial = &peer->tx_queue.packets;
	struct sk_buff_head excess;
	unsigned int refused;
	bool queued;

	__skb_queue_head_init(&excess);
	spin_lock_bh(&queue->ring.producer_lock);
	spin_lock(&serial->lock);
	wgc_trim_to_room(packets, &excess, WGC_MAX_QUEUED_PACKETS -
			 min_t(u32, skb_queue_len(serial),
			       WGC_MAX_QUEUED_PACKETS));
	refused = wgc_line_up(&queue->ring, serial, packets, &queued);
	spin_unlock(&serial->lock);
	spin_unlock_bh(&queue->ring.producer_lock);
	if (unlikely(!skb_queue_empty(&excess)))
		wgc_drop_tx_packets(peer, &excess);

	if (likely(queued))
		wgc_crypt_queue_kick(queue, wgc->packet_crypt_wq);
	if (unlikely(refused)) {
		DEV_STATS_ADD(wgc->dev, tx_dropped, refused);
		queue_work_on(wgc_peer_serial_cpu(peer), wgc->packet_crypt_wq,
			      &peer->transmit_packet_work);
	}
}
