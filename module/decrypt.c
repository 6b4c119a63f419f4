// SPDX-License-Identifier: GPL-2.0
/*
 * The decryption workers: what the receive path put in line for
 * decryption (see receive.c and queueing.h), on every CPU. Each run of a
 * peer's packets, once done, wakes its NAPI poll, which delivers in order.
 */

#include "decrypt.h"
#include "device.h"
#include "keypair.h"
#include "messages.h"
#include "noise.h"
#include "peer.h"
#include "queueing.h"
#include "race.h"
#include "timers.h"

#include <crypto/chacha20poly1305.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>

/*
 * Decrypts in place, and says how it went: CRYPTED, EXPIRED or DEAD. The
 * outer headers are kept in the skb (data is pushed back to them around
 * skb_cow_data and the trim), because the sender's address is read from
 * them once the packet proved authentic.
 */
static enum wgc_packet_state wgc_decrypt_packet(struct sk_buff *skb,
						struct wgc_keypair *keypair)
{
	struct scatterlist sg[MAX_SKB_FRAGS + 8];
	unsigned int headers_len;
	struct sk_buff *trailer;
	int num_frags;

	if (unlikely(!READ_ONCE(keypair->receiving.is_valid) ||
		     wgc_birthdate_has_expired(keypair->receiving.birthdate,
					       WGC_REJECT_AFTER_TIME) ||
		     READ_ONCE(keypair->receiving_counter.counter) >=
			WGC_REJECT_AFTER_MESSAGES)) {
		WRITE_ONCE(keypair->receiving.is_valid, false);
		return WGC_PACKET_EXPIRED;
	}

	headers_len = skb->data - skb_network_header(skb);
	skb_push(skb, headers_len);
	num_frags = skb_cow_data(skb, 0, &trailer);
	headers_len += sizeof(struct wgc_message_data);
	skb_pull(skb, headers_len);
	if (unlikely(num_frags < 0 || num_frags > ARRAY_SIZE(sg)))
		return WGC_PACKET_DEAD;

	sg_init_table(sg, num_frags);
	if (skb_to_sgvec(skb, sg, 0, skb->len) <= 0)
		return WGC_PACKET_DEAD;
	if (!chacha20poly1305_decrypt_sg_inplace(sg, skb->len, NULL, 0,
						 WGC_CB(skb)->nonce,
						 keypair->receiving.key))
		return WGC_PACKET_DEAD;

	skb_push(skb, headers_len);
	if (pskb_trim(skb, skb->len - WGC_NOISE_AUTHTAG_LEN))
		return WGC_PACKET_DEAD;
	skb_pull(skb, headers_len);
	return WGC_PACKET_CRYPTED;
}

/* Process context (the decrypt workers) or softirq. */
static void wgc_kick_rx(struct wgc_peer *peer)
{
	local_bh_disable();
	napi_schedule(&peer->napi);
	local_bh_enable();
}

/*
 * Decrypts what the device's ring holds, on this CPU, a batch at a time,
 * and schedules a peer's NAPI poll once for each run of its packets in the
 * batch. The peer outlives this work, which its removal flushes.
 */
void wgc_packet_decrypt_worker(struct work_struct *work)
{
	struct wgc_crypt_worker *worker =
		container_of(work, struct wgc_crypt_worker, work);
	struct ptr_ring *ring = &worker->wgc->decrypt_queue.ring;
	void *batch[WGC_CRYPT_BATCH];
	int n, i;

	wgc_race_delay(WGC_RACE_DECRYPT_WORKER);
	while ((n = ptr_ring_consume_batched_bh(ring, batch,
						ARRAY_SIZE(batch))) > 0) {
		struct wgc_peer *waiting = NULL;

		for (i = 0; i < n; i++) {
			struct sk_buff *skb = batch[i];
			struct wgc_keypair *keypair = WGC_CB(skb)->keypair;
			struct wgc_peer *peer = keypair->entry.peer;
			enum wgc_packet_state state;

			if (waiting && waiting != peer)
				wgc_kick_rx(waiting);
			waiting = peer;
			state = wgc_decrypt_packet(skb, keypair);
			atomic_set_release(&WGC_CB(skb)->state, state);
		}
		wgc_kick_rx(waiting);
		cond_resched();
	}
}
