// SPDX-License-Identifier: GPL-2.0
/*
 * The transmit path.
 *
 * xmit finds the peer by destination and stages the packet with it. Staged
 * packets leave when the peer has a usable session: each gets the next
 * counter of the session as its nonce and goes in line for encryption (see
 * queueing.h); without a session a handshake is started and the packets
 * wait, up to WGC_MAX_STAGED_PACKETS. Encryption runs on all CPUs; the
 * peer's transmit work then sends the results in order.
 */

#include "send.h"
#include "allowedips.h"
#include "compat.h"
#include "cookie.h"
#include "device.h"
#include "events.h"
#include "keypair.h"
#include "messages.h"
#include "noise.h"
#include "peer.h"
#include "queueing.h"
#include "race.h"
#include "socket.h"
#include "timers.h"

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/module.h>
#include <net/dst_metadata.h>
#include <net/icmp.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>

/* AF41: handshakes are small and latency-sensitive. */
#define WGC_HANDSHAKE_DSCP 0x88

static void wgc_send_handshake_initiation(struct wgc_peer *peer)
{
	bool after_cookie = test_and_clear_bit(WGC_PEER_COOKIE_RETRY_PENDING,
					       &peer->handshake_flags);
	struct wgc_message_handshake_initiation packet;

	/*
	 * At most one initiation per REKEY_TIMEOUT, however it was asked,
	 * but for the one retry a cookie reply allows.
	 */
	if (!after_cookie &&
	    !wgc_birthdate_has_expired(atomic64_read(&peer->last_sent_handshake),
				       WGC_REKEY_TIMEOUT))
		return;
	atomic64_set(&peer->last_sent_handshake, ktime_get_coarse_boottime_ns());
	net_dbg_ratelimited("%s: sending handshake initiation to peer %llu%s\n",
			    peer->wgc->dev->name, peer->internal_id,
			    after_cookie ? " after a cookie reply" : "");

	if (!wgc_noise_handshake_create_initiation(&packet, &peer->handshake))
		return;
	wgc_cookie_add_mac_to_packet(&packet, sizeof(packet), peer);
	/* Before it leaves: its cookie reply may come back at once. */
	if (!after_cookie)
		set_bit(WGC_PEER_COOKIE_RETRY_ALLOWED, &peer->handshake_flags);
	wgc_timers_any_authenticated_packet_traversal(peer);
	wgc_timers_any_authenticated_packet_sent(peer);
	atomic64_set(&peer->last_sent_handshake, ktime_get_coarse_boottime_ns());
	if (!wgc_socket_send_buffer_to_peer(peer, &packet, sizeof(packet),
					    WGC_HANDSHAKE_DSCP))
		atomic64_inc(&peer->counts.initiations_sent);
	wgc_timers_handshake_initiated(peer);
	memzero_explicit(&packet, sizeof(packet));
}

void wgc_packet_handshake_send_worker(struct work_struct *work)
{
	struct wgc_peer *peer = container_of(work, struct wgc_peer,
					     transmit_handshake_work);

	wgc_send_handshake_initiation(peer);
	wgc_peer_put(peer);
}

/* Any context: the initiation itself is built in a work. */
void wgc_packet_send_queued_handshake_initiation(struct wgc_peer *peer,
						 bool is_retry)
{
	if (!is_retry)
		WRITE_ONCE(peer->timer_handshake_attempts, 0);

	rcu_read_lock_bh();
	if (!wgc_birthdate_has_expired(atomic64_read(&peer->last_sent_handshake),
				       WGC_REKEY_TIMEOUT) ||
	    unlikely(READ_ONCE(peer->is_dead)))
		goto out;
	wgc_peer_get(peer);
	if (!queue_work(peer->wgc->handshake_send_wq,
			&peer->transmit_handshake_work))
		wgc_peer_put(peer);
out:
	rcu_read_unlock_bh();
}

/*
 * Any context. A cookie reply to our initiation says the responder is
 * under load and dropped it: the next initiation, with MAC2, goes now
 * rather than when the retransmit timer fires. Only once for each
 * initiation the timers or the data path sent, so that cookie replies,
 * forged or replayed, add at most one initiation to each of those.
 */
void wgc_packet_send_initiation_after_cookie(struct wgc_peer *peer)
{
	if (!test_and_clear_bit(WGC_PEER_COOKIE_RETRY_ALLOWED,
				&peer->handshake_flags))
		return;
	set_bit(WGC_PEER_COOKIE_RETRY_PENDING, &peer->handshake_flags);

	rcu_read_lock_bh();
	if (likely(!READ_ONCE(peer->is_dead))) {
		wgc_peer_get(peer);
		if (!queue_work(peer->wgc->handshake_send_wq,
				&peer->transmit_handshake_work))
			wgc_peer_put(peer);
	}
	rcu_read_unlock_bh();
}

/* Process context: called from the handshake receive worker. */
void wgc_packet_send_handshake_response(struct wgc_peer *peer)
{
	struct wgc_message_handshake_response packet;
	struct wgc_session_keys keys;

	might_sleep();
	atomic64_set(&peer->last_sent_handshake, ktime_get_coarse_boottime_ns());
	net_dbg_ratelimited("%s: sending handshake response to peer %llu\n",
			    peer->wgc->dev->name, peer->internal_id);

	if (!wgc_noise_handshake_create_response(&packet, &peer->handshake))
		return;
	wgc_cookie_add_mac_to_packet(&packet, sizeof(packet), peer);
	if (!wgc_noise_handshake_begin_session(&peer->handshake,
					       &peer->keypairs, &keys))
		return;
	wgc_timers_session_derived(peer);
	wgc_timers_any_authenticated_packet_traversal(peer);
	wgc_timers_any_authenticated_packet_sent(peer);
	atomic64_set(&peer->last_sent_handshake, ktime_get_coarse_boottime_ns());
	if (!wgc_socket_send_buffer_to_peer(peer, &packet, sizeof(packet),
					    WGC_HANDSHAKE_DSCP))
		atomic64_inc(&peer->counts.responses_sent);
	memzero_explicit(&packet, sizeof(packet));
	/* After the response: the events must not delay it. */
	wgc_event_session_keys(peer, false, &keys);
	wgc_event_session_started(peer, false);
}

int wgc_packet_send_handshake_cookie(struct wgc_device *wgc,
				     struct sk_buff *initiating_skb,
				     __le32 sender_index)
{
	struct wgc_message_handshake_cookie packet;

	net_dbg_ratelimited("%s: sending cookie response for denied handshake message\n",
			    wgc->dev->name);
	wgc_cookie_message_create(&packet, initiating_skb, sender_index,
				  &wgc->cookie_checker);
	return wgc_socket_send_buffer_as_reply_to_skb(wgc, initiating_skb,
						      &packet, sizeof(packet));
}

#ifdef WGC_DEBUG
/*
 * A session goes on sending past the reject limit, as a broken or hostile
 * peer would: the selftests check that the receiving side refuses that.
 */
static bool send_past_reject_limit;
module_param(send_past_reject_limit, bool, 0644);
MODULE_PARM_DESC(send_past_reject_limit,
		 "send message counters the receiver must refuse (debug builds)");

static bool wgc_nonce_rejected(u64 nonce)
{
	return nonce >= WGC_REJECT_AFTER_MESSAGES &&
	       !READ_ONCE(send_past_reject_limit);
}
#else
static bool wgc_nonce_rejected(u64 nonce)
{
	return nonce >= WGC_REJECT_AFTER_MESSAGES;
}
#endif

/*
 * Starts a new handshake before the session gets old: after
 * REKEY_AFTER_MESSAGES, or REKEY_AFTER_TIME on the initiator's side (only
 * the initiator, so that both ends do not rekey at once).
 */
void wgc_packet_keep_key_fresh(struct wgc_peer *peer)
{
	struct wgc_keypair *keypair;
	bool send;

	rcu_read_lock_bh();
	keypair = rcu_dereference_bh(peer->keypairs.current_keypair);
	send = keypair && READ_ONCE(keypair->sending.is_valid) &&
	       (atomic64_read(&keypair->sending_counter) >
			WGC_REKEY_AFTER_MESSAGES ||
		(keypair->i_am_the_initiator &&
		 wgc_birthdate_has_expired(keypair->sending.birthdate,
					   WGC_REKEY_AFTER_TIME)));
	rcu_read_unlock_bh();

	if (unlikely(send))
		wgc_packet_send_queued_handshake_initiation(peer, false);
}

/*
 * The batch's packets go in line for encryption, unless the peer is being
 * removed: removal marks it dead, then waits a grace period before it
 * flushes the crypto workers and frees what is left in its queues, so a
 * packet queued in the same RCU read section as a negative check is one
 * that removal waits for, and none is queued after.
 */
static void wgc_queue_batch(struct wgc_peer *peer, struct sk_buff_head *packets)
{
	rcu_read_lock_bh();
	if (likely(!READ_ONCE(peer->is_dead)))
		wgc_queue_encrypt_list(peer->wgc, peer, packets);
	else
		wgc_drop_tx_packets(peer, packets);
	rcu_read_unlock_bh();
}

/*
 * Hands the staged packets to a session: a nonce each, references on the
 * keypair and the peer for the batch, and into line for encryption. Returns
 * false, leaving the packets to the caller, if the session cannot take them.
 */
static bool wgc_stage_into_session(struct wgc_peer *peer,
				   struct sk_buff_head *packets,
				   struct wgc_keypair *keypair)
{
	struct sk_buff *skb;

	if (unlikely(!READ_ONCE(keypair->sending.is_valid)))
		return false;
	if (unlikely(wgc_birthdate_has_expired(keypair->sending.birthdate,
					       WGC_REJECT_AFTER_TIME)))
		goto invalid;
	skb_queue_walk(packets, skb) {
		WGC_CB(skb)->nonce =
			atomic64_inc_return(&keypair->sending_counter) - 1;
		if (unlikely(wgc_nonce_rejected(WGC_CB(skb)->nonce)))
			goto invalid;
	}
	skb_queue_walk(packets, skb) {
		WGC_CB(skb)->keypair = keypair;
		WGC_CB(skb)->holds_refs = false;
	}
	/* The batch's references, held by its last packet (see queueing.h). */
	kref_get(&keypair->refcount);
	wgc_peer_get(peer);
	WGC_CB(skb_peek_tail(packets))->holds_refs = true;
	wgc_race_delay(WGC_RACE_STAGE_INTO_SESSION);
	wgc_queue_batch(peer, packets);
	return true;

invalid:
	WRITE_ONCE(keypair->sending.is_valid, false);
	return false;
}

void wgc_packet_send_staged_packets(struct wgc_peer *peer)
{
	struct wgc_keypair *keypair;
	struct sk_buff_head packets;
	struct sk_buff *skb;
	bool sent = false;

	__skb_queue_head_init(&packets);
	spin_lock_bh(&peer->staged_queue.lock);
	skb_queue_splice_init(&peer->staged_queue, &packets);
	spin_unlock_bh(&peer->staged_queue.lock);
	if (skb_queue_empty(&packets))
		return;

	rcu_read_lock_bh();
	keypair = wgc_keypair_get(rcu_dereference_bh(peer->keypairs.current_keypair));
	rcu_read_unlock_bh();
	if (keypair) {
		sent = wgc_stage_into_session(peer, &packets, keypair);
		wgc_keypair_put(keypair, false);
	}
	if (sent)
		return;

	/*
	 * No usable session: back in front of anything staged since. A
	 * handshake may take seconds, or never complete: the packets must not
	 * hold their sockets' send buffers meanwhile.
	 */
	skb_queue_walk(&packets, skb)
		skb_orphan(skb);
	spin_lock_bh(&peer->staged_queue.lock);
	skb_queue_splice(&packets, &peer->staged_queue);
	spin_unlock_bh(&peer->staged_queue.lock);
	wgc_packet_send_queued_handshake_initiation(peer, false);
}

void wgc_packet_purge_staged_packets(struct wgc_peer *peer)
{
	spin_lock_bh(&peer->staged_queue.lock);
	DEV_STATS_ADD(peer->wgc->dev, tx_dropped,
		      skb_queue_len(&peer->staged_queue));
	atomic64_add(skb_queue_len(&peer->staged_queue),
		     &peer->counts.tx_dropped_no_session);
	__skb_queue_purge(&peer->staged_queue);
	spin_unlock_bh(&peer->staged_queue.lock);
}

void wgc_packet_send_keepalive(struct wgc_peer *peer)
{
	struct sk_buff *skb;

	/* Anything staged will do as a keepalive. */
	if (skb_queue_empty_lockless(&peer->staged_queue)) {
		skb = alloc_skb(WGC_DATA_PACKET_HEAD_ROOM +
				WGC_MESSAGE_MINIMUM_LENGTH, GFP_ATOMIC);
		if (unlikely(!skb))
			return;
		skb_reserve(skb, WGC_DATA_PACKET_HEAD_ROOM);
		skb->dev = peer->wgc->dev;
		WGC_CB(skb)->mtu = skb->dev->mtu;
		WGC_CB(skb)->ds = 0;
		skb_queue_tail(&peer->staged_queue, skb);
		net_dbg_ratelimited("%s: sending keepalive packet to peer %llu\n",
				    peer->wgc->dev->name, peer->internal_id);
	}
	wgc_packet_send_staged_packets(peer);
}

static void wgc_xmit_error(struct sk_buff *skb, struct net_device *dev)
{
	DEV_STATS_INC(dev, tx_errors);
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	else if (skb->protocol == htons(ETH_P_IPV6))
		icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH,
				0);
	kfree_skb(skb);
}

/*
 * A packet (or a GSO packet's segment) longer than any the device's MTU
 * allows, which a route's locked MTU let through, would not fit in one UDP
 * datagram once encrypted. It is dropped; the sender learns the size that
 * fits, as from a router on the path, unless it let IPv4 fragment the
 * packet: that ICMP message says "fragmentation needed and DF set".
 */
static bool wgc_xmit_too_big(struct wgc_peer *peer, struct sk_buff *skb)
{
	if (likely(skb_is_gso(skb) ?
		   skb_gso_validate_network_len(skb, WGC_MAX_MTU) :
		   skb->len <= WGC_MAX_MTU))
		return false;
	atomic64_inc(&peer->counts.tx_dropped_too_big);
	DEV_STATS_INC(peer->wgc->dev, tx_dropped);
	if (skb->protocol == htons(ETH_P_IPV6))
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, WGC_MAX_MTU);
	else if (ip_hdr(skb)->frag_off & htons(IP_DF))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			      htonl(WGC_MAX_MTU));
	kfree_skb(skb);
	return true;
}

/* Cuts a GSO packet into MTU-sized packets, each with its cb set up. */
static int wgc_segment_into(struct sk_buff *skb, struct sk_buff_head *out,
			    unsigned int mtu)
{
	struct sk_buff *next;

	if (skb_is_gso(skb)) {
		struct sk_buff *segs = skb_gso_segment(skb, 0);

		if (IS_ERR(segs))
			return PTR_ERR(segs);
		dev_kfree_skb(skb);
		skb = segs;
	}
	skb_list_walk_safe(skb, skb, next) {
		skb_mark_not_on_list(skb);
		skb = skb_share_check(skb, GFP_ATOMIC);
		if (unlikely(!skb))
			continue;
		/* The inner route means nothing once encrypted. */
		skb_dst_drop(skb);
		memset(WGC_CB(skb), 0, sizeof(*WGC_CB(skb)));
		WGC_CB(skb)->mtu = mtu;
		WGC_CB(skb)->ds = ip_tunnel_ecn_encap(0, ip_hdr(skb), skb);
		__skb_queue_tail(out, skb);
	}
	return 0;
}

/*
 * Staging is bounded: the oldest packets give way, but only those already
 * waiting, so that a GSO packet cut into more segments than the bound
 * keeps all of its own.
 */
static void wgc_stage(struct wgc_peer *peer, struct sk_buff_head *packets)
{
	struct sk_buff_head *staged = &peer->staged_queue;

	spin_lock_bh(&staged->lock);
	while (skb_queue_len(staged) &&
	       skb_queue_len(staged) + skb_queue_len(packets) >
	       WGC_MAX_STAGED_PACKETS) {
		dev_kfree_skb(__skb_dequeue(staged));
		DEV_STATS_INC(peer->wgc->dev, tx_dropped);
		atomic64_inc(&peer->counts.tx_dropped_no_session);
	}
	skb_queue_splice_tail(packets, staged);
	spin_unlock_bh(&staged->lock);
}

/* Called with BH off and under rcu_read_lock_bh(), as ndo_start_xmit is. */
netdev_tx_t wgc_packet_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct wgc_device *wgc = netdev_priv(dev);
	struct sk_buff_head packets;
	struct wgc_peer *peer;
	unsigned int mtu;
	int ret;

	if (unlikely(!wgc_packet_protocol_ok(skb))) {
		net_dbg_ratelimited("%s: invalid IP packet\n", dev->name);
		goto err;
	}
	peer = wgc_allowedips_lookup_dst(&wgc->peer_allowedips, skb);
	if (unlikely(!peer)) {
		net_dbg_ratelimited("%s: no peer has allowed IPs matching the destination\n",
				    dev->name);
		goto err;
	}
	if (unlikely(READ_ONCE(peer->endpoint.addr.sa_family) != AF_INET &&
		     READ_ONCE(peer->endpoint.addr.sa_family) != AF_INET6)) {
		net_dbg_ratelimited("%s: peer %llu has no endpoint\n",
				    dev->name, peer->internal_id);
		goto err_peer;
	}

	if (unlikely(wgc_xmit_too_big(peer, skb))) {
		wgc_peer_put(peer);
		return NETDEV_TX_OK;
	}
	mtu = skb_valid_dst(skb) ? dst_mtu(skb_dst(skb)) : dev->mtu;
	__skb_queue_head_init(&packets);
	ret = wgc_segment_into(skb, &packets, mtu);
	if (unlikely(ret))
		goto err_peer;
	wgc_stage(peer, &packets);
	wgc_packet_send_staged_packets(peer);
	wgc_peer_put(peer);
	return NETDEV_TX_OK;

err_peer:
	wgc_peer_put(peer);
err:
	wgc_xmit_error(skb, dev);
	return NETDEV_TX_OK;
}
