// SPDX-License-Identifier: GPL-2.0
/*
 * The receive path. The UDP encap hook hands every datagram here in softirq.
 * Handshake messages wait in a bounded device-wide queue for the handshake
 * workers, which run below the data path's priority (see queueing.c) and
 * spend Curve25519 work only on what wgc_handshake_admitted() lets through.
 * A data message finds its keypair and peer by the receiver index and goes
 * in line for decryption; the peer's NAPI poll then checks its counter
 * against replays and its inner source against the peer's allowed IPs, and
 * delivers it, in order.
 *
 * Accounting: malformed or unknown messages, full queues (a peer's, the
 * handshake queue, the decryption ring), handshake messages with an invalid
 * MAC1 or with a valid MAC2 above their source's rate, and replayed or
 * stale data messages count as rx_dropped; data that fails authentication
 * as rx_errors and rx_crc_errors; an authenticated packet that is not a
 * valid IP packet, or whose source the peer may not use, as rx_errors and
 * rx_frame_errors (rx_length_errors for a bad length).
 */

#include "receive.h"
#include "allowedips.h"
#include "cookie.h"
#include "device.h"
#include "events.h"
#include "keypair.h"
#include "messages.h"
#include "noise.h"
#include "peer.h"
#include "queueing.h"
#include "ratelimiter.h"
#include "send.h"
#include "socket.h"
#include "timers.h"

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/udp.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>

/*
 * What a peer and the device count as received is what came off the wire for
 * the tunnel: each authentic message, handshakes and keepalives included, by
 * its length as a UDP payload. WireGuard counts so, and tools read the device
 * counters as the tunnel's traffic. The device's per-CPU counters need BHs
 * off: the data path runs in softirq, the handshake path disables them. The
 * peer's own counters are its NAPI poll's (data) and atomics (handshakes):
 * see stats.h.
 */
static void wgc_rx_stats_data(struct wgc_peer *peer, unsigned int len)
{
	dev_sw_netstats_rx_add(peer->wgc->dev, len);
	wgc_stats_rx_data(&peer->rx_stats, len);
}

static void wgc_rx_stats_handshake(struct wgc_peer *peer, atomic64_t *counter,
				   unsigned int len)
{
	local_bh_disable();
	dev_sw_netstats_rx_add(peer->wgc->dev, len);
	local_bh_enable();
	atomic64_inc(counter);
}

static u32 wgc_message_type(struct sk_buff *skb)
{
	return le32_to_cpu(((struct wgc_message_header *)skb->data)->type);
}

/* How long a message of this type must be; 0 for an unknown type. */
static size_t wgc_message_len(struct sk_buff *skb, size_t *minimum)
{
	*minimum = 0;
	switch (wgc_message_type(skb)) {
	case WGC_MESSAGE_HANDSHAKE_INITIATION:
		return sizeof(struct wgc_message_handshake_initiation);
	case WGC_MESSAGE_HANDSHAKE_RESPONSE:
		return sizeof(struct wgc_message_handshake_response);
	case WGC_MESSAGE_HANDSHAKE_COOKIE:
		return sizeof(struct wgc_message_handshake_cookie);
	case WGC_MESSAGE_DATA:
		*minimum = WGC_MESSAGE_MINIMUM_LENGTH;
		return sizeof(struct wgc_message_data);
	}
	return 0;
}

/*
 * Leaves skb->data at the WireGuard message, the datagram trimmed to the
 * UDP length, and the message's fixed part linear. The IP and UDP headers
 * stay where they are: the sender's address is read from them later.
 */
static int wgc_prepare_message(struct sk_buff *skb)
{
	unsigned int udp_offset, msg_offset, msg_len;
	size_t fixed_len, minimum;
	struct udphdr *udp;

	if (unlikely(skb_transport_header(skb) < skb->data ||
		     skb_transport_header(skb) + sizeof(*udp) >
		     skb_tail_pointer(skb)))
		return -EINVAL;
	udp = udp_hdr(skb);
	udp_offset = (u8 *)udp - skb->data;
	msg_len = ntohs(udp->len);
	if (unlikely(msg_len < sizeof(*udp) ||
		     msg_len > skb->len - udp_offset))
		return -EINVAL;
	msg_len -= sizeof(*udp);
	msg_offset = udp_offset + sizeof(*udp);
	if (unlikely(pskb_trim(skb, msg_offset + msg_len) < 0 ||
		     msg_len < sizeof(struct wgc_message_header) ||
		     !pskb_may_pull(skb, msg_offset +
				    sizeof(struct wgc_message_header))))
		return -EINVAL;
	__skb_pull(skb, msg_offset);

	fixed_len = wgc_message_len(skb, &minimum);
	if (unlikely(!fixed_len ||
		     (minimum ? skb->len < minimum : skb->len != fixed_len)))
		return -EINVAL;
	__skb_push(skb, msg_offset);
	if (unlikely(!pskb_may_pull(skb, msg_offset + fixed_len)))
		return -EINVAL;
	__skb_pull(skb, msg_offset);
	return 0;
}

/* ---- handshakes ---- */

static void wgc_receive_initiation(struct wgc_device *wgc,
				   struct sk_buff *skb)
{
	struct wgc_stranger stranger = {};
	struct wgc_peer *peer;

	peer = wgc_noise_handshake_consume_initiation((void *)skb->data, wgc,
						      &stranger);
	if (unlikely(!peer)) {
		atomic64_inc(&wgc->handshake_stats.invalid);
		net_dbg_ratelimited("%s: invalid handshake initiation\n",
				    wgc->dev->name);
		if (stranger.seen)
			wgc_event_unknown_initiator(wgc, stranger.public_key,
						    skb);
		return;
	}
	wgc_socket_set_peer_endpoint_from_skb(peer, skb);
	net_dbg_ratelimited("%s: received handshake initiation from peer %llu\n",
			    wgc->dev->name, peer->internal_id);
	wgc_packet_send_handshake_response(peer);

	wgc_rx_stats_handshake(peer, &peer->counts.initiations_received,
			       skb->len);
	wgc_timers_any_authenticated_packet_received(peer);
	wgc_timers_any_authenticated_packet_traversal(peer);
	wgc_peer_put(peer);
}

static void wgc_receive_response(struct wgc_device *wgc, struct sk_buff *skb)
{
	struct wgc_session_keys keys;
	struct wgc_peer *peer;

	peer = wgc_noise_handshake_consume_response((void *)skb->data, wgc);
	if (unlikely(!peer)) {
		atomic64_inc(&wgc->handshake_stats.invalid);
		net_dbg_ratelimited("%s: invalid handshake response\n",
				    wgc->dev->name);
		return;
	}
	wgc_socket_set_peer_endpoint_from_skb(peer, skb);
	net_dbg_ratelimited("%s: received handshake response from peer %llu\n",
			    wgc->dev->name, peer->internal_id);
	if (wgc_noise_handshake_begin_session(&peer->handshake,
					      &peer->keypairs, &keys)) {
		wgc_event_session_keys(peer, true, &keys);
		wgc_event_session_started(peer, true);
		wgc_timers_session_derived(peer);
		wgc_timers_handshake_complete(peer);
		/*
		 * The responder may only send on the new session once it has
		 * heard on it: staged packets do that, or else a keepalive.
		 */
		wgc_packet_send_keepalive(peer);
	}

	wgc_rx_stats_handshake(peer, &peer->counts.responses_received,
			       skb->len);
	wgc_timers_any_authenticated_packet_received(peer);
	wgc_timers_any_authenticated_packet_traversal(peer);
	wgc_peer_put(peer);
}

#ifdef WGC_DEBUG
/*
 * Under emulation, a debug kernel's packet path costs more than Curve25519
 * does, so no flood can fill the handshake queue there; the selftests
 * lower the mark instead to put the cookie code under KASAN and lockdep.
 */
static unsigned int handshake_load_mark = WGC_HANDSHAKES_UNDER_LOAD;
module_param(handshake_load_mark, uint, 0644);
MODULE_PARM_DESC(handshake_load_mark,
		 "queued handshake messages that mean under load (debug builds)");

static unsigned int wgc_handshake_load_mark(void)
{
	return READ_ONCE(handshake_load_mark);
}
#else
static unsigned int wgc_handshake_load_mark(void)
{
	return WGC_HANDSHAKES_UNDER_LOAD;
}
#endif

/*
 * Under load while enough handshake messages wait, and for a second after
 * the queue last looked like that: a flood that comes in waves must not
 * get a free pass between them.
 */
static bool wgc_handshakes_under_load(struct wgc_device *wgc)
{
	u64 now = ktime_get_coarse_boottime_ns();

	if (atomic_read(&wgc->handshake_queue_len) >=
	    wgc_handshake_load_mark()) {
		WRITE_ONCE(wgc->last_under_load, now);
		return true;
	}
	return wgc_device_was_under_load(wgc, now);
}

/*
 * Counts a cookie reply for the peer it went to, when that is cheap to
 * tell: a response names one of our handshakes by its receiver index. Who
 * sent an initiation is known only after the Curve25519 work that a cookie
 * reply is there to spare; the device's count has those.
 */
static void wgc_count_cookie_sent(struct wgc_device *wgc, struct sk_buff *skb)
{
	struct wgc_message_handshake_response *response = (void *)skb->data;
	struct wgc_peer *peer = NULL;

	if (wgc_message_type(skb) != WGC_MESSAGE_HANDSHAKE_RESPONSE)
		return;
	rcu_read_lock_bh();
	if (wgc_index_lookup(wgc->index_table, WGC_INDEX_HANDSHAKE,
			     response->receiver_index, &peer)) {
		atomic64_inc(&peer->counts.cookies_sent);
		wgc_peer_put(peer);
	}
	rcu_read_unlock_bh();
}

static void wgc_send_cookie(struct wgc_device *wgc, struct sk_buff *skb)
{
	/* Both initiations and responses carry it right after the type. */
	__le32 sender_index =
		((struct wgc_message_handshake_initiation *)skb->data)->sender_index;

	atomic64_inc(&wgc->handshake_stats.missing_cookie);
	if (wgc_packet_send_handshake_cookie(wgc, skb, sender_index))
		return;
	atomic64_inc(&wgc->handshake_stats.cookie_replies_sent);
	wgc_count_cookie_sent(wgc, skb);
}

/*
 * Whether the source of @skb is within its rate. @proven: MAC2 was found
 * valid. An unproven message the ratelimiter refuses (its address above
 * its rate, or no room for one more unproven source) is asked to prove
 * its address and port, with a cookie reply, as under load: then it
 * counts on its own port. So peers behind one NAT address are not held to
 * one address's rate, and spoofed sources filling the table cannot keep
 * out one that receives at its address.
 */
static bool wgc_handshake_within_rate(struct wgc_device *wgc,
				      struct sk_buff *skb, bool proven)
{
	if (wgc_ratelimiter_allow(wgc->ratelimiter, skb, proven))
		return true;
	if (!proven) {
		/* Not under load, MAC2 was not looked at yet. */
		if (!wgc_cookie_mac2_valid(&wgc->cookie_checker, skb)) {
			wgc_send_cookie(wgc, skb);
			return false;
		}
		if (wgc_ratelimiter_allow(wgc->ratelimiter, skb, true))
			return true;
	}
	atomic64_inc(&wgc->handshake_stats.ratelimited);
	DEV_STATS_INC(wgc->dev, rx_dropped);
	net_dbg_ratelimited("%s: handshake message above its source's rate, dropped\n",
			    wgc->dev->name);
	return false;
}

/*
 * The defences come in order of cost, cheapest first: MAC1 proves the
 * sender knows our public key; under load, MAC2 proves it receives at the
 * address it sends from (or it gets a cookie to prove that next time);
 * then its source must be within its rate. Only then the Curve25519 work.
 *
 * Initiations are held to their source's rate always, unlike WireGuard,
 * which limits rates only under load: one source must not keep the CPUs
 * busy with handshakes just because it alone does not fill the queue.
 * A response costs Curve25519 work only if its receiver index names an
 * initiation of ours still waiting for its answer (a hash lookup finds out
 * first), which only someone on the path to that peer has seen: responses
 * are held to the rate only under load, as in WireGuard. So the responses
 * of one server to many devices of one host do not share one source's
 * rate.
 */
static bool wgc_handshake_admitted(struct wgc_device *wgc,
				   struct sk_buff *skb, u32 type)
{
	bool under_load = wgc_handshakes_under_load(wgc);
	bool proven = false;

	switch (wgc_cookie_validate_packet(&wgc->cookie_checker, skb,
					   under_load)) {
	case WGC_COOKIE_INVALID_MAC:
		atomic64_inc(&wgc->handshake_stats.invalid_mac1);
		DEV_STATS_INC(wgc->dev, rx_dropped);
		net_dbg_ratelimited("%s: handshake message with an invalid MAC1, dropped\n",
				    wgc->dev->name);
		return false;
	case WGC_COOKIE_VALID_MAC_BUT_NO_COOKIE:
		if (!under_load)
			break;
		wgc_send_cookie(wgc, skb);
		return false;
	case WGC_COOKIE_VALID_MAC_WITH_COOKIE:
		proven = true;
		break;
	}
	if ((type == WGC_MESSAGE_HANDSHAKE_INITIATION || under_load) &&
	    !wgc_handshake_within_rate(wgc, skb, proven))
		return false;
	atomic64_inc(&wgc->handshake_stats.processed);
	return true;
}

static void wgc_receive_cookie(struct wgc_device *wgc, struct sk_buff *skb)
{
	bool answers_initiation = false;
	struct wgc_peer *peer;

	peer = wgc_cookie_message_consume((void *)skb->data, wgc,
					  &answers_initiation);
	if (!peer)
		return;
	atomic64_inc(&wgc->handshake_stats.cookies_received);
	atomic64_inc(&peer->counts.cookies_received);
	if (answers_initiation)
		wgc_packet_send_initiation_after_cookie(peer);
	wgc_peer_put(peer);
}

static void wgc_receive_handshake(struct wgc_device *wgc, struct sk_buff *skb)
{
	u32 type = wgc_message_type(skb);

	if (type == WGC_MESSAGE_HANDSHAKE_COOKIE) {
		wgc_receive_cookie(wgc, skb);
		return;
	}
	if (!wgc_handshake_admitted(wgc, skb, type))
		return;
	if (type == WGC_MESSAGE_HANDSHAKE_INITIATION)
		wgc_receive_initiation(wgc, skb);
	else
		wgc_receive_response(wgc, skb);
}

/*
 * The workers serve every device: a work takes at most a batch of its
 * device's messages, then goes to the back of its worker's line if more
 * wait, so that a flooded device cannot keep the others' works waiting.
 */
void wgc_packet_handshake_receive_worker(struct kthread_work *work)
{
	struct wgc_handshake_work *hs_work =
		container_of(work, struct wgc_handshake_work, work);
	struct wgc_device *wgc = hs_work->wgc;
	struct sk_buff *skb;
	unsigned int n;

	for (n = 0; n < WGC_HANDSHAKE_BATCH; n++) {
		skb = ptr_ring_consume_bh(&wgc->handshake_queue.ring);
		if (!skb)
			return;
		wgc_receive_handshake(wgc, skb);
		dev_kfree_skb(skb);
		atomic_dec(&wgc->handshake_queue_len);
		cond_resched();
	}
	if (!ptr_ring_empty_bh(&wgc->handshake_queue.ring))
		wgc_handshake_work_queue(hs_work);
}

/* ---- data ---- */

/*
 * Data messages in line to be queued: consecutive ones of one session
 * (in a train, all of them, as a rule) share one index lookup and, for the
 * decrypt queue, one hold of its locks and one wakeup. Each message still
 * holds its own references to the keypair and the peer.
 */
struct wgc_rx_run {
	struct sk_buff_head packets;
	struct wgc_keypair *keypair;	/* the run's session; NULL: no run */
	__le32 key_idx;
};

static void wgc_rx_run_init(struct wgc_rx_run *run)
{
	__skb_queue_head_init(&run->packets);
	run->keypair = NULL;
}

/*
 * Puts the run in line. The peer's dead mark was checked and the run is
 * queued in one RCU read section, which peer removal waits out before it
 * flushes the queues (see send.c's wgc_queue_batch()).
 */
static void wgc_rx_run_end(struct wgc_device *wgc, struct wgc_rx_run *run)
{
	if (!run->keypair)
		return;
	wgc_queue_decrypt_list(wgc, run->keypair->entry.peer, &run->packets);
	run->keypair = NULL;
}

/*
 * Starts a run with @message's session, found by index: the lookup's
 * references are its first message's. False if there is no such session.
 */
static bool wgc_rx_run_start(struct wgc_device *wgc, struct wgc_rx_run *run,
			     const struct wgc_message_data *message)
{
	struct wgc_keypair *keypair = NULL;
	struct wgc_index_entry *entry;
	struct wgc_peer *peer;

	entry = wgc_index_lookup(wgc->index_table, WGC_INDEX_KEYPAIR,
				 message->key_idx, &peer);
	if (entry)
		keypair = wgc_keypair_get(container_of(entry,
						       struct wgc_keypair, entry));
	if (unlikely(!keypair || READ_ONCE(peer->is_dead))) {
		wgc_keypair_put(keypair, false);
		wgc_peer_put(peer);
		return false;
	}
	run->keypair = keypair;
	run->key_idx = message->key_idx;
	return true;
}

/*
 * Softirq, in an RCU-bh section: adds a data message to the run of its
 * session, ending the current run first if it is another session's.
 */
static void wgc_rx_run_add(struct wgc_device *wgc, struct wgc_rx_run *run,
			   struct sk_buff *skb)
{
	struct wgc_message_data *message = (void *)skb->data;

	if (!run->keypair || run->key_idx != message->key_idx) {
		wgc_rx_run_end(wgc, run);
		if (unlikely(!wgc_rx_run_start(wgc, run, message))) {
			DEV_STATS_INC(wgc->dev, rx_dropped);
			kfree_skb(skb);
			return;
		}
	} else {
		/* The run's first message holds these already. */
		wgc_keypair_get(run->keypair);
		wgc_peer_get(run->keypair->entry.peer);
	}
	memset(WGC_CB(skb), 0, sizeof(*WGC_CB(skb)));
	WGC_CB(skb)->keypair = run->keypair;
	WGC_CB(skb)->holds_refs = true;
	WGC_CB(skb)->nonce = le64_to_cpu(message->counter);
	WGC_CB(skb)->ds = ip_tunnel_get_dsfield(ip_hdr(skb), skb);
	__skb_queue_tail(&run->packets, skb);
}

/*
 * Every CPU receiving a flood would contend for the ring's producer lock;
 * once the queue is half full, a CPU that finds the lock taken drops its
 * message instead of waiting in softirq for a queue that is being filled.
 */
static bool wgc_queue_handshake(struct wgc_device *wgc, struct sk_buff *skb)
{
	int len = atomic_inc_return(&wgc->handshake_queue_len);
	struct wgc_handshake_queue *queue = &wgc->handshake_queue;
	bool queued = false;

	if (len <= WGC_MAX_QUEUED_INCOMING_HANDSHAKES / 2) {
		queued = !ptr_ring_produce_bh(&queue->ring, skb);
	} else if (len <= WGC_MAX_QUEUED_INCOMING_HANDSHAKES &&
		   spin_trylock_bh(&queue->ring.producer_lock)) {
		queued = !__ptr_ring_produce(&queue->ring, skb);
		spin_unlock_bh(&queue->ring.producer_lock);
	}
	if (unlikely(!queued)) {
		atomic_dec(&wgc->handshake_queue_len);
		atomic64_inc(&wgc->handshake_stats.queue_full);
		net_dbg_ratelimited("%s: dropping handshake message, queue full\n",
				    wgc->dev->name);
		return false;
	}
	wgc_handshake_queue_kick(queue);
	return true;
}

/*
 * Checks a datagram and leaves skb->data at its message (see
 * wgc_prepare_message()); false if it was dropped.
 */
static bool wgc_receive_prepare(struct wgc_device *wgc, struct sk_buff *skb)
{
	if (unlikely(!wgc_packet_protocol_ok(skb) || wgc_prepare_message(skb))) {
		DEV_STATS_INC(wgc->dev, rx_dropped);
		kfree_skb(skb);
		return false;
	}
	/*
	 * The message waits in a queue beyond this softirq, where a route
	 * the stack lent it without a reference would not stay valid; and
	 * nothing here needs the route it came in on.
	 */
	skb_dst_drop(skb);
	return true;
}

/* A prepared handshake or cookie message: to the handshake workers. */
static void wgc_receive_handshake_message(struct wgc_device *wgc,
					  struct sk_buff *skb)
{
	switch (wgc_message_type(skb)) {
	case WGC_MESSAGE_HANDSHAKE_INITIATION:
	case WGC_MESSAGE_HANDSHAKE_RESPONSE:
	case WGC_MESSAGE_HANDSHAKE_COOKIE:
		/* Ephemeral keys and cookie nonces need a seeded RNG. */
		if (likely(rng_is_initialized()) &&
		    wgc_queue_handshake(wgc, skb))
			return;
	}
	DEV_STATS_INC(wgc->dev, rx_dropped);
	kfree_skb(skb);
}

/*
 * The datagrams of a train (gro.c), in order, or a single one: a list,
 * NULL for none. Data messages go in line by runs of one session; a
 * handshake message ends the run before it.
 */
void wgc_packet_receive_list(struct wgc_device *wgc, struct sk_buff *segs)
{
	struct sk_buff *skb, *next;
	struct wgc_rx_run run;

	wgc_rx_run_init(&run);
	rcu_read_lock_bh();
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		if (!wgc_receive_prepare(wgc, skb))
			continue;
		if (wgc_message_type(skb) == WGC_MESSAGE_DATA) {
			wgc_rx_run_add(wgc, &run, skb);
			continue;
		}
		wgc_rx_run_end(wgc, &run);
		wgc_receive_handshake_message(wgc, skb);
	}
	wgc_rx_run_end(wgc, &run);
	rcu_read_unlock_bh();
}

/* ---- delivery, in order, from the peer's NAPI poll ---- */

/*
 * Near the end of a session the initiator rekeys; if it is idle, a last
 * chance comes when it hears from the peer, before the session expires.
 */
static void wgc_keep_key_fresh_on_receive(struct wgc_peer *peer)
{
	struct wgc_keypair *keypair;
	bool send;

	if (READ_ONCE(peer->sent_lastminute_handshake))
		return;
	rcu_read_lock_bh();
	keypair = rcu_dereference_bh(peer->keypairs.current_keypair);
	send = keypair && READ_ONCE(keypair->sending.is_valid) &&
	       keypair->i_am_the_initiator &&
	       wgc_birthdate_has_expired(keypair->sending.birthdate,
					 WGC_REJECT_AFTER_TIME -
					 WGC_KEEPALIVE_TIMEOUT -
					 WGC_REKEY_TIMEOUT);
	rcu_read_unlock_bh();
	if (send) {
		WRITE_ONCE(peer->sent_lastminute_handshake, true);
		wgc_packet_send_queued_handshake_initiation(peer, false);
	}
}

/*
 * Forgets the outer packet's state: the skb now is the inner packet, which
 * arrives on our device. The device the outer one arrived on is not looked
 * at (it may be gone by now).
 */
static void wgc_reset_to_inner(struct sk_buff *skb, struct net_device *dev)
{
	wgc_packet_reset(skb, false);
	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
}

/* The inner packet's length from its IP header, or 0 if it is not IP. */
static unsigned int wgc_inner_ip_len(struct sk_buff *skb, u8 outer_ds)
{
	unsigned int len;

	if (!pskb_network_may_pull(skb, sizeof(struct iphdr)))
		return 0;
	if (ip_hdr(skb)->version == 4) {
		skb->protocol = htons(ETH_P_IP);
		len = ntohs(ip_hdr(skb)->tot_len);
		if (unlikely(len < sizeof(struct iphdr)))
			return 0;
		INET_ECN_decapsulate(skb, outer_ds, ip_hdr(skb)->tos);
		return len;
	}
	if (ip_hdr(skb)->version == 6 &&
	    pskb_network_may_pull(skb, sizeof(struct ipv6hdr))) {
		skb->protocol = htons(ETH_P_IPV6);
		len = ntohs(ipv6_hdr(skb)->payload_len) +
		      sizeof(struct ipv6hdr);
		INET_ECN_decapsulate(skb, outer_ds,
				     ipv6_get_dsfield(ipv6_hdr(skb)));
		return len;
	}
	return 0;
}

/* Returns true if @skb was passed on (and is no longer ours). */
static bool wgc_deliver(struct wgc_peer *peer, struct sk_buff *skb)
{
	struct net_device *dev = peer->wgc->dev;
	unsigned int len, len_before_trim = skb->len;
	u8 outer_ds = WGC_CB(skb)->ds;
	struct wgc_peer *routed_peer;

	wgc_reset_to_inner(skb, dev);
	len = wgc_inner_ip_len(skb, outer_ds);
	if (unlikely(!len)) {
		net_dbg_ratelimited("%s: packet from peer %llu is not IP\n",
				    dev->name, peer->internal_id);
		DEV_STATS_INC(dev, rx_errors);
		DEV_STATS_INC(dev, rx_frame_errors);
		return false;
	}
	if (unlikely(len > skb->len || pskb_trim(skb, len))) {
		DEV_STATS_INC(dev, rx_errors);
		DEV_STATS_INC(dev, rx_length_errors);
		return false;
	}

	routed_peer = wgc_allowedips_lookup_src(&peer->wgc->peer_allowedips,
						skb);
	/* Only the identity is compared; the reference is not needed. */
	wgc_peer_put(routed_peer);
	if (unlikely(routed_peer != peer)) {
		net_dbg_ratelimited("%s: packet from peer %llu has a source it may not use\n",
				    dev->name, peer->internal_id);
		DEV_STATS_INC(dev, rx_errors);
		DEV_STATS_INC(dev, rx_frame_errors);
		wgc_stats_rx_drop(&peer->rx_stats,
				  &peer->rx_stats.dropped_source);
		return false;
	}

	/* Poly1305 vouched for every byte: no checksum needs checking. */
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	skb->csum_level = ~0;
	wgc_rx_stats_data(peer, wgc_message_data_len(len_before_trim));
	napi_gro_receive(&peer->napi, skb);
	return true;
}

/* An authentic, fresh data message: the session is confirmed alive. */
static bool wgc_consume_data(struct wgc_peer *peer, struct sk_buff *skb,
			     struct wgc_keypair *keypair)
{
	struct wgc_endpoint endpoint;
	bool rekey;

	if (unlikely(wgc_socket_endpoint_from_skb(&endpoint, skb)))
		return false;
	wgc_socket_set_peer_endpoint(peer, &endpoint);

	if (unlikely(wgc_keypairs_received_with(&peer->keypairs, keypair,
						&rekey))) {
		if (rekey)
			wgc_stats_count_rekey(&peer->counts);
		wgc_timers_handshake_complete(peer);
		wgc_packet_send_staged_packets(peer);
	}
	wgc_keep_key_fresh_on_receive(peer);
	wgc_timers_any_authenticated_packet_received(peer);
	wgc_timers_any_authenticated_packet_traversal(peer);

	if (unlikely(!skb->len)) {
		/* A keepalive: all it carried was its arrival. */
		wgc_rx_stats_data(peer, wgc_message_data_len(0));
		return false;
	}
	wgc_timers_data_received(peer);
	return wgc_deliver(peer, skb);
}

/* One packet off the peer's serial queue: deliver it or drop it. */
static void wgc_receive_one(struct wgc_peer *peer, struct sk_buff *skb)
{
	enum wgc_packet_state state = atomic_read_acquire(&WGC_CB(skb)->state);
	struct wgc_keypair *keypair = WGC_CB(skb)->keypair;
	struct net_device *dev = peer->wgc->dev;
	bool consumed = false;

	if (unlikely(state != WGC_PACKET_CRYPTED)) {
		/* (a dropped one was counted when it was marked) */
		if (state != WGC_PACKET_DROPPED) {
			DEV_STATS_INC(dev, rx_errors);
			DEV_STATS_INC(dev, rx_crc_errors);
			wgc_stats_rx_drop(&peer->rx_stats,
					  state == WGC_PACKET_EXPIRED ?
					  &peer->rx_stats.dropped_no_session :
					  &peer->rx_stats.dropped_auth);
		}
	} else if (unlikely(!wgc_replay_counter_validate(&keypair->receiving_counter,
							 WGC_CB(skb)->nonce,
							 WGC_REJECT_AFTER_MESSAGES))) {
		net_dbg_ratelimited("%s: replayed or stale counter %llu from peer %llu\n",
				    dev->name, WGC_CB(skb)->nonce,
				    peer->internal_id);
		DEV_STATS_INC(dev, rx_dropped);
		wgc_stats_rx_drop(&peer->rx_stats,
				  &peer->rx_stats.dropped_replay);
	} else {
		consumed = wgc_consume_data(peer, skb, keypair);
	}
	if (!consumed)
		kfree_skb(skb);
	/* A received packet always holds both; not the peer's last one. */
	wgc_keypair_put(keypair, false);
	wgc_peer_put(peer);
}

int wgc_packet_rx_poll(struct napi_struct *napi, int budget)
{
	struct wgc_peer *peer = container_of(napi, struct wgc_peer, napi);
	struct sk_buff_head packets;
	struct sk_buff *skb;
	int work_done = 0;

	if (unlikely(budget <= 0))
		return 0;

	__skb_queue_head_init(&packets);
	while (work_done < budget &&
	       wgc_serial_queue_dequeue_done(&peer->rx_queue, &packets,
					     budget - work_done)) {
		while ((skb = __skb_dequeue(&packets)) != NULL) {
			wgc_receive_one(peer, skb);
			++work_done;
		}
	}

	if (work_done < budget)
		napi_complete_done(napi, work_done);
	return work_done;
}
