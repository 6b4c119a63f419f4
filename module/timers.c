// SPDX-License-Identifier: GPL-2.0
/*
 * The protocol's timers, with WireGuard's values.
 *
 * - retransmit_handshake: an initiation got no response within
 *   REKEY_TIMEOUT (plus jitter, so that two peers do not keep colliding):
 *   send another, until REKEY_ATTEMPT_TIME has passed; then give up, drop
 *   what was waiting and schedule the keys' destruction.
 * - send_keepalive: we received data and sent nothing back for
 *   KEEPALIVE_TIMEOUT: send an empty packet so the peer knows we are alive.
 * - new_handshake: we sent data and heard nothing back for KEEPALIVE_TIMEOUT
 *   + REKEY_TIMEOUT: the session may be dead; start a new handshake.
 * - zero_key_material: no new session for three times REJECT_AFTER_TIME:
 *   erase every key of the peer.
 * - persistent_keepalive: the configured interval passed without any
 *   authenticated packet sent or received: send a keepalive (for NATs).
 *
 * Timers are armed only while the device is up and the peer alive; the
 * checks run under RCU, paired with the grace period that device stop and
 * peer removal wait for before stopping the timers.
 */

#include "timers.h"
#include "compat.h"
#include "device.h"
#include "events.h"
#include "peer.h"
#include "send.h"
#include "socket.h"

#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/module.h>

/*
 * Ages here are seconds long, so the tick-old coarse clock does, as
 * WireGuard's does. The keypair of every data message is checked, and
 * reading the clocksource for each (HPET, in a VM without a usable TSC)
 * showed in profiles of the data path; the coarse clock reads no device.
 */
bool wgc_birthdate_has_expired(u64 birthdate, u64 seconds)
{
	return (s64)(birthdate + seconds * NSEC_PER_SEC) <=
	       (s64)ktime_get_coarse_boottime_ns();
}

static void wgc_mod_peer_timer(struct wgc_peer *peer, struct timer_list *timer,
			       unsigned long expires)
{
	rcu_read_lock_bh();
	if (likely(netif_running(peer->wgc->dev) &&
		   !READ_ONCE(peer->is_dead)))
		mod_timer(timer, expires);
	rcu_read_unlock_bh();
}

static unsigned long wgc_jitter(void)
{
	return wgc_compat_random_below(WGC_REKEY_TIMEOUT_JITTER_MAX_JIFFIES);
}

#ifdef WGC_DEBUG
/*
 * Retransmissions before a handshake is given up: REKEY_ATTEMPT_TIME /
 * REKEY_TIMEOUT, that is 90 s of trying. The selftests lower it, to see
 * the giving up without waiting for it.
 */
static unsigned int max_timer_handshakes = WGC_MAX_TIMER_HANDSHAKES;
module_param(max_timer_handshakes, uint, 0644);
MODULE_PARM_DESC(max_timer_handshakes,
		 "handshake retransmissions before giving up (debug builds)");

static unsigned int wgc_max_timer_handshakes(void)
{
	return READ_ONCE(max_timer_handshakes);
}

/*
 * Keys are zeroed three times REJECT_AFTER_TIME (9 minutes) after the
 * last session began. The selftests shorten it, to see it happen.
 */
static unsigned int zero_keys_after = WGC_REJECT_AFTER_TIME * 3;
module_param(zero_keys_after, uint, 0644);
MODULE_PARM_DESC(zero_keys_after,
		 "seconds without a new session before a peer's keys are zeroed (debug builds)");

static unsigned long wgc_zero_keys_after(void)
{
	return (unsigned long)max(READ_ONCE(zero_keys_after), 1U) * HZ;
}
#else
static unsigned int wgc_max_timer_handshakes(void)
{
	return WGC_MAX_TIMER_HANDSHAKES;
}

static unsigned long wgc_zero_keys_after(void)
{
	return WGC_REJECT_AFTER_TIME * 3 * HZ;
}
#endif

static void wgc_expired_retransmit_handshake(struct timer_list *timer)
{
	struct wgc_peer *peer = from_timer(peer, timer,
					  timer_retransmit_handshake);
	unsigned int attempts = READ_ONCE(peer->timer_handshake_attempts);
	unsigned int max_attempts = wgc_max_timer_handshakes();

	if (attempts > max_attempts) {
		net_dbg_ratelimited("%s: handshake for peer %llu did not complete after %u attempts, giving up\n",
				    peer->wgc->dev->name, peer->internal_id,
				    max_attempts + 2);
		del_timer(&peer->timer_send_keepalive);
		/* Nothing will carry these packets any time soon. */
		wgc_packet_purge_staged_packets(peer);
		if (!timer_pending(&peer->timer_zero_key_material))
			wgc_mod_peer_timer(peer, &peer->timer_zero_key_material,
					   jiffies + wgc_zero_keys_after());
		atomic64_inc(&peer->counts.given_up);
		wgc_event_peer(peer, WGC_CMD_HANDSHAKE_GIVEN_UP, GFP_ATOMIC);
		return;
	}
	WRITE_ONCE(peer->timer_handshake_attempts, ++attempts);
	net_dbg_ratelimited("%s: handshake for peer %llu did not complete after %d seconds, retrying (try %d)\n",
			    peer->wgc->dev->name, peer->internal_id,
			    WGC_REKEY_TIMEOUT, attempts + 1);
	/* The peer may have moved: let routing pick a fresh source address. */
	wgc_socket_clear_peer_endpoint_src(peer);
	wgc_packet_send_queued_handshake_initiation(peer, true);
}

static void wgc_expired_send_keepalive(struct timer_list *timer)
{
	struct wgc_peer *peer = from_timer(peer, timer, timer_send_keepalive);

	wgc_packet_send_keepalive(peer);
	if (READ_ONCE(peer->timer_need_another_keepalive)) {
		WRITE_ONCE(peer->timer_need_another_keepalive, false);
		wgc_mod_peer_timer(peer, &peer->timer_send_keepalive,
				   jiffies + WGC_KEEPALIVE_TIMEOUT * HZ);
	}
}

static void wgc_expired_new_handshake(struct timer_list *timer)
{
	struct wgc_peer *peer = from_timer(peer, timer, timer_new_handshake);

	net_dbg_ratelimited("%s: no reply from peer %llu after %d seconds, starting a new handshake\n",
			    peer->wgc->dev->name, peer->internal_id,
			    WGC_KEEPALIVE_TIMEOUT + WGC_REKEY_TIMEOUT);
	wgc_socket_clear_peer_endpoint_src(peer);
	wgc_packet_send_queued_handshake_initiation(peer, false);
}

static void wgc_expired_zero_key_material(struct timer_list *timer)
{
	struct wgc_peer *peer = from_timer(peer, timer,
					  timer_zero_key_material);

	/* Clearing the handshake takes a sleeping lock: do it in a work. */
	rcu_read_lock_bh();
	if (!READ_ONCE(peer->is_dead)) {
		wgc_peer_get(peer);
		if (!queue_work(peer->wgc->handshake_send_wq,
				&peer->clear_peer_work))
			wgc_peer_put(peer);
	}
	rcu_read_unlock_bh();
}

void wgc_timers_clear_peer_worker(struct work_struct *work)
{
	struct wgc_peer *peer = container_of(work, struct wgc_peer,
					     clear_peer_work);

	net_dbg_ratelimited("%s: zeroing out the keys of peer %llu, no new handshake for %lu seconds\n",
			    peer->wgc->dev->name, peer->internal_id,
			    wgc_zero_keys_after() / HZ);
	wgc_noise_handshake_clear(&peer->handshake);
	wgc_keypairs_clear(&peer->keypairs);
	wgc_event_peer(peer, WGC_CMD_KEYS_ZEROED, GFP_KERNEL);
	wgc_peer_put(peer);
}

static void wgc_expired_persistent_keepalive(struct timer_list *timer)
{
	struct wgc_peer *peer = from_timer(peer, timer,
					  timer_persistent_keepalive);

	if (likely(READ_ONCE(peer->persistent_keepalive_interval)))
		wgc_packet_send_keepalive(peer);
}

void wgc_timers_data_sent(struct wgc_peer *peer)
{
	if (!timer_pending(&peer->timer_new_handshake))
		wgc_mod_peer_timer(peer, &peer->timer_new_handshake,
				   jiffies + (WGC_KEEPALIVE_TIMEOUT +
					      WGC_REKEY_TIMEOUT) * HZ +
				   wgc_jitter());
}

void wgc_timers_data_received(struct wgc_peer *peer)
{
	if (likely(netif_running(peer->wgc->dev))) {
		if (!timer_pending(&peer->timer_send_keepalive))
			wgc_mod_peer_timer(peer, &peer->timer_send_keepalive,
					   jiffies + WGC_KEEPALIVE_TIMEOUT * HZ);
		else
			WRITE_ONCE(peer->timer_need_another_keepalive, true);
	}
}

/* Any authenticated packet out is as good as a keepalive. */
void wgc_timers_any_authenticated_packet_sent(struct wgc_peer *peer)
{
	del_timer(&peer->timer_send_keepalive);
}

/* Any authenticated packet in shows the session is alive. */
void wgc_timers_any_authenticated_packet_received(struct wgc_peer *peer)
{
	del_timer(&peer->timer_new_handshake);
}

void wgc_timers_handshake_initiated(struct wgc_peer *peer)
{
	wgc_mod_peer_timer(peer, &peer->timer_retransmit_handshake,
			   jiffies + WGC_REKEY_TIMEOUT * HZ + wgc_jitter());
}

void wgc_timers_handshake_complete(struct wgc_peer *peer)
{
	del_timer(&peer->timer_retransmit_handshake);
	WRITE_ONCE(peer->timer_handshake_attempts, 0);
	WRITE_ONCE(peer->sent_lastminute_handshake, false);
	atomic64_set(&peer->walltime_last_handshake, ktime_get_real_ns());
}

void wgc_timers_session_derived(struct wgc_peer *peer)
{
	wgc_mod_peer_timer(peer, &peer->timer_zero_key_material,
			   jiffies + wgc_zero_keys_after());
}

void wgc_timers_any_authenticated_packet_traversal(struct wgc_peer *peer)
{
	u16 interval = READ_ONCE(peer->persistent_keepalive_interval);

	if (interval)
		wgc_mod_peer_timer(peer, &peer->timer_persistent_keepalive,
				   jiffies + interval * HZ);
}

void wgc_timers_init(struct wgc_peer *peer)
{
	timer_setup(&peer->timer_retransmit_handshake,
		    wgc_expired_retransmit_handshake, 0);
	timer_setup(&peer->timer_send_keepalive, wgc_expired_send_keepalive, 0);
	timer_setup(&peer->timer_new_handshake, wgc_expired_new_handshake, 0);
	timer_setup(&peer->timer_zero_key_material,
		    wgc_expired_zero_key_material, 0);
	timer_setup(&peer->timer_persistent_keepalive,
		    wgc_expired_persistent_keepalive, 0);
}

void wgc_timers_stop(struct wgc_peer *peer)
{
	del_timer_sync(&peer->timer_retransmit_handshake);
	del_timer_sync(&peer->timer_send_keepalive);
	del_timer_sync(&peer->timer_new_handshake);
	del_timer_sync(&peer->timer_zero_key_material);
	del_timer_sync(&peer->timer_persistent_keepalive);
	flush_work(&peer->clear_peer_work);
}
