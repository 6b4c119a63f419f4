// SPDX-License-Identifier: GPL-2.0
/*
 * MAC1, MAC2 and cookie replies.
 *
 * Every handshake message ends in two MACs. MAC1 is keyed by a hash of the
 * receiver's public key: only someone who knows whom they talk to can make
 * a message the receiver will spend Curve25519 work on. MAC2 is keyed by a
 * cookie, a MAC of the sender's address under a secret the receiver rotates
 * every two minutes; a responder under load answers a message without a
 * valid MAC2 with a cookie reply instead of processing it, so an attacker
 * must receive at the address it claims. The cookie travels encrypted with
 * XChaCha20-Poly1305, bound to the MAC1 of the message it answers.
 */

#include "cookie.h"
#include "device.h"
#include "peer.h"
#include "timers.h"

#include <crypto/algapi.h>
#include <crypto/blake2s.h>
#include <crypto/chacha20poly1305.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/udp.h>

static const u8 wgc_mac1_label[] = "mac1----";
static const u8 wgc_cookie_label[] = "cookie--";

/* HASH(label || public key): the MAC1 key or the cookie encryption key. */
static void wgc_derive_key(u8 key[WGC_NOISE_SYMMETRIC_KEY_LEN],
			   const u8 public_key[WGC_NOISE_PUBLIC_KEY_LEN],
			   const u8 *label, size_t label_len)
{
	struct blake2s_state state;

	blake2s_init(&state, WGC_NOISE_SYMMETRIC_KEY_LEN);
	blake2s_update(&state, label, label_len);
	blake2s_update(&state, public_key, WGC_NOISE_PUBLIC_KEY_LEN);
	blake2s_final(&state, key);
}

/* The keyed BLAKE2s MAC, 16 bytes, over @len bytes of a message. */
static void wgc_mac(u8 out[WGC_COOKIE_LEN], const void *message, size_t len,
		    const u8 *key, size_t key_len)
{
	blake2s(out, message, key, WGC_COOKIE_LEN, len, key_len);
}

/*
 * The secret is random from the start: one that is known (all zeros, say,
 * until the first rotation) would let anyone compute the cookie of any
 * address, and so send MAC2 for addresses it cannot receive at.
 */
void wgc_cookie_checker_init(struct wgc_cookie_checker *checker,
			     struct wgc_device *wgc)
{
	memset(checker, 0, sizeof(*checker));
	init_rwsem(&checker->secret_lock);
	checker->wgc = wgc;
	get_random_bytes(checker->secret, WGC_NOISE_HASH_LEN);
	checker->secret_birthdate = ktime_get_coarse_boottime_ns();
}

void wgc_cookie_checker_precompute_device_keys(struct wgc_cookie_checker *checker)
{
	const struct wgc_static_identity *identity =
		&checker->wgc->static_identity;

	if (identity->has_identity) {
		wgc_derive_key(checker->cookie_encryption_key,
			       identity->public_key, wgc_cookie_label,
			       sizeof(wgc_cookie_label) - 1);
		wgc_derive_key(checker->message_mac1_key, identity->public_key,
			       wgc_mac1_label, sizeof(wgc_mac1_label) - 1);
	} else {
		memzero_explicit(checker->cookie_encryption_key,
				 WGC_NOISE_SYMMETRIC_KEY_LEN);
		memzero_explicit(checker->message_mac1_key,
				 WGC_NOISE_SYMMETRIC_KEY_LEN);
	}
}

void wgc_cookie_init(struct wgc_cookie *cookie,
		     const u8 peer_public_key[WGC_NOISE_PUBLIC_KEY_LEN])
{
	memset(cookie, 0, sizeof(*cookie));
	init_rwsem(&cookie->lock);
	wgc_derive_key(cookie->cookie_decryption_key, peer_public_key,
		       wgc_cookie_label, sizeof(wgc_cookie_label) - 1);
	wgc_derive_key(cookie->message_mac1_key, peer_public_key,
		       wgc_mac1_label, sizeof(wgc_mac1_label) - 1);
}

/* The cookie for the sender of @skb: a MAC of its address and port. */
static void wgc_make_cookie(u8 cookie[WGC_COOKIE_LEN], struct sk_buff *skb,
			    struct wgc_cookie_checker *checker)
{
	struct blake2s_state state;

	if (wgc_birthdate_has_expired(checker->secret_birthdate,
				      WGC_COOKIE_SECRET_MAX_AGE)) {
		down_write(&checker->secret_lock);
		/* Someone else may have rotated it while we waited. */
		if (wgc_birthdate_has_expired(checker->secret_birthdate,
					      WGC_COOKIE_SECRET_MAX_AGE)) {
			checker->secret_birthdate = ktime_get_coarse_boottime_ns();
			get_random_bytes(checker->secret, WGC_NOISE_HASH_LEN);
		}
		up_write(&checker->secret_lock);
	}

	down_read(&checker->secret_lock);
	blake2s_init_key(&state, WGC_COOKIE_LEN, checker->secret,
			 WGC_NOISE_HASH_LEN);
	if (skb->protocol == htons(ETH_P_IP))
		blake2s_update(&state, (u8 *)&ip_hdr(skb)->saddr,
			       sizeof(struct in_addr));
	else
		blake2s_update(&state, (u8 *)&ipv6_hdr(skb)->saddr,
			       sizeof(struct in6_addr));
	blake2s_update(&state, (u8 *)&udp_hdr(skb)->source, sizeof(__be16));
	blake2s_final(&state, cookie);
	up_read(&checker->secret_lock);
}

static struct wgc_message_macs *wgc_macs_of(void *message, size_t len)
{
	return message + len - sizeof(struct wgc_message_macs);
}

/*
 * Whether the MAC2 of the handshake message in @skb (its data is the whole
 * message, linear, with a MAC1 found valid) was made with the cookie of
 * its source address and port. Process context.
 */
bool wgc_cookie_mac2_valid(struct wgc_cookie_checker *checker,
			   struct sk_buff *skb)
{
	struct wgc_message_macs *macs = wgc_macs_of(skb->data, skb->len);
	size_t mac2_len = (u8 *)macs->mac2 - skb->data;
	u8 computed[WGC_COOKIE_LEN];
	u8 cookie[WGC_COOKIE_LEN];
	bool valid;

	/*
	 * A sender without a cookie leaves MAC2 zero: such a message, the
	 * whole of a flood, costs no cookie and no MAC2 to tell apart. (A
	 * computed MAC2 of all zeros is as likely as guessing it.)
	 */
	if (!memchr_inv(macs->mac2, 0, WGC_COOKIE_LEN))
		return false;
	wgc_make_cookie(cookie, skb, checker);
	wgc_mac(computed, skb->data, mac2_len, cookie, WGC_COOKIE_LEN);
	valid = !crypto_memneq(computed, macs->mac2, WGC_COOKIE_LEN);
	memzero_explicit(cookie, sizeof(cookie));
	return valid;
}

/*
 * Checks the MACs of a handshake message in @skb (its data is the whole
 * message, linear). MAC2 is only looked at when @check_cookie, that is
 * under load. Process context.
 */
enum wgc_cookie_mac_state
wgc_cookie_validate_packet(struct wgc_cookie_checker *checker,
			   struct sk_buff *skb, bool check_cookie)
{
	struct wgc_message_macs *macs = wgc_macs_of(skb->data, skb->len);
	size_t mac1_len = (u8 *)macs->mac1 - skb->data;
	u8 computed[WGC_COOKIE_LEN];

	down_read(&checker->wgc->identity_lock);
	wgc_mac(computed, skb->data, mac1_len, checker->message_mac1_key,
		WGC_NOISE_SYMMETRIC_KEY_LEN);
	up_read(&checker->wgc->identity_lock);
	if (crypto_memneq(computed, macs->mac1, WGC_COOKIE_LEN))
		return WGC_COOKIE_INVALID_MAC;
	if (check_cookie && wgc_cookie_mac2_valid(checker, skb))
		return WGC_COOKIE_VALID_MAC_WITH_COOKIE;
	return WGC_COOKIE_VALID_MAC_BUT_NO_COOKIE;
}

/*
 * Fills in the MACs of a handshake message to @peer: MAC1 always, MAC2 if a
 * cookie from the peer is fresh enough to still be valid on arrival.
 */
void wgc_cookie_add_mac_to_packet(void *message, size_t len,
				  struct wgc_peer *peer)
{
	struct wgc_message_macs *macs = wgc_macs_of(message, len);
	struct wgc_cookie *cookie = &peer->latest_cookie;
	size_t mac1_len = (u8 *)macs->mac1 - (u8 *)message;
	size_t mac2_len = (u8 *)macs->mac2 - (u8 *)message;

	down_write(&cookie->lock);
	wgc_mac(macs->mac1, message, mac1_len, cookie->message_mac1_key,
		WGC_NOISE_SYMMETRIC_KEY_LEN);
	memcpy(cookie->last_mac1_sent, macs->mac1, WGC_COOKIE_LEN);
	cookie->have_sent_mac1 = true;

	if (cookie->is_valid &&
	    !wgc_birthdate_has_expired(cookie->birthdate,
				       WGC_COOKIE_SECRET_MAX_AGE -
				       WGC_COOKIE_SECRET_LATENCY))
		wgc_mac(macs->mac2, message, mac2_len, cookie->cookie,
			WGC_COOKIE_LEN);
	else
		memset(macs->mac2, 0, WGC_COOKIE_LEN);
	up_write(&cookie->lock);
}

/* A cookie reply to the handshake message in @skb, sent with @index. */
void wgc_cookie_message_create(struct wgc_message_handshake_cookie *dst,
			       struct sk_buff *skb, __le32 index,
			       struct wgc_cookie_checker *checker)
{
	struct wgc_message_macs *macs = wgc_macs_of(skb->data, skb->len);
	u8 cookie[WGC_COOKIE_LEN];

	dst->header.type = cpu_to_le32(WGC_MESSAGE_HANDSHAKE_COOKIE);
	dst->receiver_index = index;
	get_random_bytes(dst->nonce, WGC_COOKIE_NONCE_LEN);

	wgc_make_cookie(cookie, skb, checker);
	down_read(&checker->wgc->identity_lock);
	xchacha20poly1305_encrypt(dst->encrypted_cookie, cookie,
				  WGC_COOKIE_LEN, macs->mac1, WGC_COOKIE_LEN,
				  dst->nonce, checker->cookie_encryption_key);
	up_read(&checker->wgc->identity_lock);
	memzero_explicit(cookie, sizeof(cookie));
}

/* Stores the cookie a responder under load sent us. Process context. */
struct wgc_peer *
wgc_cookie_message_consume(struct wgc_message_handshake_cookie *src,
			   struct wgc_device *wgc, bool *answers_initiation)
{
	struct wgc_index_entry *entry;
	struct wgc_peer *peer = NULL;
	struct wgc_cookie *cookie;
	u8 value[WGC_COOKIE_LEN];
	bool ok = false;

	rcu_read_lock_bh();
	entry = wgc_index_lookup(wgc->index_table,
				 WGC_INDEX_HANDSHAKE | WGC_INDEX_KEYPAIR,
				 src->receiver_index, &peer);
	if (entry)
		*answers_initiation = entry->type == WGC_INDEX_HANDSHAKE;
	rcu_read_unlock_bh();
	if (!entry)
		return NULL;
	cookie = &peer->latest_cookie;

	down_read(&cookie->lock);
	if (cookie->have_sent_mac1)
		ok = xchacha20poly1305_decrypt(value, src->encrypted_cookie,
					       sizeof(src->encrypted_cookie),
					       cookie->last_mac1_sent,
					       WGC_COOKIE_LEN, src->nonce,
					       cookie->cookie_decryption_key);
	up_read(&cookie->lock);

	if (ok) {
		down_write(&cookie->lock);
		memcpy(cookie->cookie, value, WGC_COOKIE_LEN);
		cookie->birthdate = ktime_get_coarse_boottime_ns();
		cookie->is_valid = true;
		/* One cookie per message we sent: a second reply is stale. */
		cookie->have_sent_mac1 = false;
		up_write(&cookie->lock);
	} else {
		net_dbg_ratelimited("%s: could not decrypt an invalid cookie response\n",
				    wgc->dev->name);
	}
	memzero_explicit(value, sizeof(value));
	if (ok)
		return peer;
	wgc_peer_put(peer);
	return NULL;
}

#ifdef WGC_DEBUG
#include "tests/cookie.c"
#endif
