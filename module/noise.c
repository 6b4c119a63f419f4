// SPDX-License-Identifier: GPL-2.0
/*
 * The Noise IKpsk2 handshake (Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s) exactly
 * as WireGuard uses it.
 *
 * Both sides run the same transcript: a chaining key ("ck") from which keys
 * are derived with HKDF over HMAC-BLAKE2s, and a running hash ("h") of
 * everything said so far, which authenticates each encrypted field as
 * associated data. The initiation carries the initiator's ephemeral key,
 * its encrypted static key and an encrypted timestamp; the response the
 * responder's ephemeral key and an empty encrypted payload that proves it
 * derived the same keys (including the preshared key).
 *
 * Handshakes run in process context (workers and configuration) under the
 * device's identity_lock and the peer's handshake lock, both sleeping
 * locks: every exported function here may sleep. The keypairs a handshake
 * yields live on in keypair.c, which the packet path uses.
 */

#include "noise.h"
#include "compat.h"
#include "device.h"
#include "events.h"
#include "keypair.h"
#include "peer.h"
#include "race.h"
#include "timers.h"

#include <crypto/algapi.h>
#include <crypto/blake2s.h>
#include <crypto/chacha20poly1305.h>
#include <crypto/curve25519.h>
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

static const u8 wgc_handshake_name[] = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
static const u8 wgc_identifier_name[] = "WireGuard v1 zx2c4 Jason@zx2c4.com";

/* The transcript's starting point, the same for every handshake. */
static u8 wgc_initial_chaining_key[WGC_NOISE_HASH_LEN] __ro_after_init;
static u8 wgc_initial_hash[WGC_NOISE_HASH_LEN] __ro_after_init;

void __init wgc_noise_init(void)
{
	struct blake2s_state state;

	blake2s(wgc_initial_chaining_key, wgc_handshake_name, NULL,
		WGC_NOISE_HASH_LEN, sizeof(wgc_handshake_name) - 1, 0);
	blake2s_init(&state, WGC_NOISE_HASH_LEN);
	blake2s_update(&state, wgc_initial_chaining_key, WGC_NOISE_HASH_LEN);
	blake2s_update(&state, wgc_identifier_name,
		       sizeof(wgc_identifier_name) - 1);
	blake2s_final(&state, wgc_initial_hash);
}

/*
 * Builds an identity from a private key as userspace gave it: the key is
 * clamped, and an all-zero key yields an empty identity (how userspace removes
 * a device's key). Nothing is published, so a caller can validate a whole
 * configuration request before it changes anything.
 */
int wgc_noise_identity_from_private_key(struct wgc_static_identity *identity,
					const u8 private_key[WGC_KEY_LEN])
{
	memset(identity, 0, sizeof(*identity));
	if (!memchr_inv(private_key, 0, WGC_KEY_LEN))
		return 0;

	memcpy(identity->private_key, private_key, WGC_KEY_LEN);
	curve25519_clamp_secret(identity->private_key);
	/*
	 * A clamped non-zero scalar never maps the base point to the identity
	 * element, so this only fails if the arithmetic is broken.
	 */
	if (!curve25519_generate_public(identity->public_key,
					identity->private_key)) {
		memzero_explicit(identity, sizeof(*identity));
		return -EINVAL;
	}
	identity->has_identity = true;
	return 0;
}

/* Moves @src into @dst, leaving no copy of the secret behind in @src. */
void wgc_noise_identity_replace(struct wgc_static_identity *dst,
				struct wgc_static_identity *src)
{
	memcpy(dst, src, sizeof(*dst));
	memzero_explicit(src, sizeof(*src));
}

/* ---- the symmetric primitives of the transcript ---- */

/*
 * HMAC (RFC 2104) over BLAKE2s, which HKDF needs; the kernel offers BLAKE2s
 * but not this construction around it. Output is always a full hash.
 */
static void wgc_hmac(u8 out[BLAKE2S_HASH_SIZE], const u8 *in, size_t in_len,
		     const u8 *key, size_t key_len)
{
	u8 block[BLAKE2S_BLOCK_SIZE] __aligned(__alignof__(u32));
	u8 inner[BLAKE2S_HASH_SIZE];
	struct blake2s_state state;
	int i;

	memset(block, 0, sizeof(block));
	if (key_len > BLAKE2S_BLOCK_SIZE)
		blake2s(block, key, NULL, BLAKE2S_HASH_SIZE, key_len, 0);
	else
		memcpy(block, key, key_len);

	for (i = 0; i < BLAKE2S_BLOCK_SIZE; i++)
		block[i] ^= 0x36;
	blake2s_init(&state, BLAKE2S_HASH_SIZE);
	blake2s_update(&state, block, BLAKE2S_BLOCK_SIZE);
	blake2s_update(&state, in, in_len);
	blake2s_final(&state, inner);

	/* 0x36 ^ 0x5c turns the inner pad into the outer one. */
	for (i = 0; i < BLAKE2S_BLOCK_SIZE; i++)
		block[i] ^= 0x36 ^ 0x5c;
	blake2s_init(&state, BLAKE2S_HASH_SIZE);
	blake2s_update(&state, block, BLAKE2S_BLOCK_SIZE);
	blake2s_update(&state, inner, BLAKE2S_HASH_SIZE);
	blake2s_final(&state, out);

	memzero_explicit(block, sizeof(block));
	memzero_explicit(inner, sizeof(inner));
}

/*
 * HKDF with up to three 32-byte outputs: the extract step keys an HMAC with
 * the chaining key, each expand step chains the previous output and a
 * counter byte. Outputs not wanted are NULL; later ones then are too.
 */
static void wgc_kdf(u8 *out1, u8 *out2, u8 *out3, const u8 *data,
		    size_t data_len, const u8 chaining_key[WGC_NOISE_HASH_LEN])
{
	u8 prk[BLAKE2S_HASH_SIZE];
	u8 t[BLAKE2S_HASH_SIZE + 1];
	u8 *outs[] = { out1, out2, out3 };
	size_t t_len = 0;
	int i;

	wgc_hmac(prk, data, data_len, chaining_key, WGC_NOISE_HASH_LEN);
	for (i = 0; i < ARRAY_SIZE(outs) && outs[i]; i++) {
		/* T(i) = HMAC(PRK, T(i-1) || i), with T(0) empty. */
		t[t_len] = i + 1;
		wgc_hmac(t, t, t_len + 1, prk, BLAKE2S_HASH_SIZE);
		memcpy(outs[i], t, BLAKE2S_HASH_SIZE);
		t_len = BLAKE2S_HASH_SIZE;
	}
	memzero_explicit(prk, sizeof(prk));
	memzero_explicit(t, sizeof(t));
}

/* h = HASH(h || data) */
static void wgc_mix_hash(u8 hash[WGC_NOISE_HASH_LEN], const u8 *data,
			 size_t len)
{
	struct blake2s_state state;

	blake2s_init(&state, WGC_NOISE_HASH_LEN);
	blake2s_update(&state, hash, WGC_NOISE_HASH_LEN);
	blake2s_update(&state, data, len);
	blake2s_final(&state, hash);
}

/*
 * ck, key = HKDF(ck, DH(private, public)); @key may be NULL when the step
 * only advances the chaining key. Fails if the peer's public value is a low
 * order point, which would make the shared secret all zeros.
 */
static bool __must_check wgc_mix_dh(u8 chaining_key[WGC_NOISE_HASH_LEN],
				    u8 key[WGC_NOISE_SYMMETRIC_KEY_LEN],
				    const u8 private[WGC_NOISE_PUBLIC_KEY_LEN],
				    const u8 public[WGC_NOISE_PUBLIC_KEY_LEN])
{
	u8 shared[WGC_NOISE_PUBLIC_KEY_LEN];

	if (unlikely(!curve25519(shared, private, public)))
		return false;
	wgc_kdf(chaining_key, key, NULL, shared, sizeof(shared), chaining_key);
	memzero_explicit(shared, sizeof(shared));
	return true;
}

/* The same with the static-static secret computed ahead of time. */
static bool __must_check
wgc_mix_precomputed_dh(u8 chaining_key[WGC_NOISE_HASH_LEN],
		       u8 key[WGC_NOISE_SYMMETRIC_KEY_LEN],
		       const u8 precomputed[WGC_NOISE_PUBLIC_KEY_LEN])
{
	static const u8 zero[WGC_NOISE_PUBLIC_KEY_LEN];

	if (unlikely(!crypto_memneq(precomputed, zero,
				    WGC_NOISE_PUBLIC_KEY_LEN)))
		return false;
	wgc_kdf(chaining_key, key, NULL, precomputed, WGC_NOISE_PUBLIC_KEY_LEN,
		chaining_key);
	return true;
}

/* ck, tau, key = HKDF(ck, psk); h = HASH(h || tau) */
static void wgc_mix_psk(u8 chaining_key[WGC_NOISE_HASH_LEN],
			u8 hash[WGC_NOISE_HASH_LEN],
			u8 key[WGC_NOISE_SYMMETRIC_KEY_LEN],
			const u8 psk[WGC_NOISE_SYMMETRIC_KEY_LEN])
{
	u8 tau[WGC_NOISE_HASH_LEN];

	wgc_kdf(chaining_key, tau, key, psk, WGC_NOISE_SYMMETRIC_KEY_LEN,
		chaining_key);
	wgc_mix_hash(hash, tau, sizeof(tau));
	memzero_explicit(tau, sizeof(tau));
}

/* An ephemeral public key goes into both the hash and the chaining key. */
static void wgc_mix_ephemeral(u8 chaining_key[WGC_NOISE_HASH_LEN],
			      u8 hash[WGC_NOISE_HASH_LEN],
			      const u8 ephemeral[WGC_NOISE_PUBLIC_KEY_LEN])
{
	wgc_mix_hash(hash, ephemeral, WGC_NOISE_PUBLIC_KEY_LEN);
	wgc_kdf(chaining_key, NULL, NULL, ephemeral, WGC_NOISE_PUBLIC_KEY_LEN,
		chaining_key);
}

/* Each handshake key encrypts exactly one message, so its nonce is 0. */
static void wgc_encrypt_and_hash(u8 *dst, const u8 *src, size_t src_len,
				 const u8 key[WGC_NOISE_SYMMETRIC_KEY_LEN],
				 u8 hash[WGC_NOISE_HASH_LEN])
{
	chacha20poly1305_encrypt(dst, src, src_len, hash, WGC_NOISE_HASH_LEN,
				 0, key);
	wgc_mix_hash(hash, dst, wgc_noise_encrypted_len(src_len));
}

static bool __must_check
wgc_decrypt_and_hash(u8 *dst, const u8 *src, size_t src_len,
		     const u8 key[WGC_NOISE_SYMMETRIC_KEY_LEN],
		     u8 hash[WGC_NOISE_HASH_LEN])
{
	if (!chacha20poly1305_decrypt(dst, src, src_len, hash,
				      WGC_NOISE_HASH_LEN, 0, key))
		return false;
	wgc_mix_hash(hash, src, src_len);
	return true;
}

/* The transcript for a handshake whose responder has @responder_static. */
static void wgc_transcript_start(u8 chaining_key[WGC_NOISE_HASH_LEN],
				 u8 hash[WGC_NOISE_HASH_LEN],
				 const u8 responder_static[WGC_NOISE_PUBLIC_KEY_LEN])
{
	memcpy(chaining_key, wgc_initial_chaining_key, WGC_NOISE_HASH_LEN);
	memcpy(hash, wgc_initial_hash, WGC_NOISE_HASH_LEN);
	wgc_mix_hash(hash, responder_static, WGC_NOISE_PUBLIC_KEY_LEN);
}

/*
 * TAI64N of the wall clock, big endian so that bytewise comparison orders
 * it. The nanoseconds are rounded down to the rate at which initiations are
 * accepted anyway, so the timestamp reveals no finer timing of the host.
 */
static void wgc_tai64n_now(u8 out[WGC_NOISE_TIMESTAMP_LEN])
{
	const long granule = rounddown_pow_of_two(NSEC_PER_SEC /
						  WGC_INITIATIONS_PER_SECOND);
	struct timespec64 now;

	ktime_get_real_ts64(&now);
	now.tv_nsec = ALIGN_DOWN(now.tv_nsec, granule);
	/* TAI64 labels second 0 of 1970 2^62, plus the 10 s TAI offset. */
	put_unaligned_be64(0x400000000000000aULL + now.tv_sec, out);
	put_unaligned_be32(now.tv_nsec, out + sizeof(u64));
}

/* ---- per-peer handshake state ---- */

static struct wgc_device *wgc_handshake_device(struct wgc_handshake *handshake)
{
	return handshake->entry.peer->wgc;
}

/*
 * Removal marks the peer dead before it clears the handshake under its
 * lock: whoever takes the lock after that sees the mark, so a handshake
 * cleared for removal never enters the index table again.
 */
static bool wgc_handshake_peer_is_dead(struct wgc_handshake *handshake)
{
	lockdep_assert_held(&handshake->lock);
	return READ_ONCE(handshake->entry.peer->is_dead);
}

/* Forgets the transcript in progress. */
static void wgc_handshake_zero(struct wgc_handshake *handshake)
{
	lockdep_assert_held_write(&handshake->lock);
	memzero_explicit(handshake->ephemeral_private, WGC_NOISE_PUBLIC_KEY_LEN);
	memzero_explicit(handshake->remote_ephemeral, WGC_NOISE_PUBLIC_KEY_LEN);
	memzero_explicit(handshake->hash, WGC_NOISE_HASH_LEN);
	memzero_explicit(handshake->chaining_key, WGC_NOISE_HASH_LEN);
	handshake->remote_index = 0;
	handshake->state = WGC_HANDSHAKE_ZEROED;
}

/*
 * Caller holds the device's identity_lock for writing, or owns a peer nobody
 * else can see yet.
 */
static void wgc_precompute_ss(struct wgc_handshake *handshake,
			      const struct wgc_static_identity *identity)
{
	if (!identity->has_identity ||
	    !curve25519(handshake->precomputed_static_static,
			identity->private_key, handshake->remote_static))
		memset(handshake->precomputed_static_static, 0,
		       WGC_NOISE_PUBLIC_KEY_LEN);
}

void wgc_noise_handshake_init(struct wgc_handshake *handshake,
			      struct wgc_peer *peer,
			      const u8 peer_public_key[WGC_NOISE_PUBLIC_KEY_LEN],
			      const u8 peer_preshared_key[WGC_NOISE_SYMMETRIC_KEY_LEN])
{
	memset(handshake, 0, sizeof(*handshake));
	init_rwsem(&handshake->lock);
	handshake->entry.type = WGC_INDEX_HANDSHAKE;
	handshake->entry.peer = peer;
	memcpy(handshake->remote_static, peer_public_key,
	       WGC_NOISE_PUBLIC_KEY_LEN);
	if (peer_preshared_key)
		memcpy(handshake->preshared_key, peer_preshared_key,
		       WGC_NOISE_SYMMETRIC_KEY_LEN);
	wgc_precompute_ss(handshake, &peer->wgc->static_identity);
}

void wgc_noise_precompute_static_static(struct wgc_peer *peer)
{
	struct wgc_handshake *handshake = &peer->handshake;

	might_sleep();
	lockdep_assert_held_write(&peer->wgc->identity_lock);
	down_write(&handshake->lock);
	wgc_precompute_ss(handshake, &peer->wgc->static_identity);
	up_write(&handshake->lock);
}

void wgc_noise_set_preshared_key(struct wgc_handshake *handshake,
				 const u8 key[WGC_NOISE_SYMMETRIC_KEY_LEN])
{
	might_sleep();
	down_write(&handshake->lock);
	memcpy(handshake->preshared_key, key, WGC_NOISE_SYMMETRIC_KEY_LEN);
	up_write(&handshake->lock);
}

void wgc_noise_handshake_clear(struct wgc_handshake *handshake)
{
	might_sleep();
	down_write(&handshake->lock);
	wgc_index_remove(wgc_handshake_device(handshake)->index_table,
			 &handshake->entry);
	wgc_handshake_zero(handshake);
	up_write(&handshake->lock);
}

/* ---- the messages ---- */

/* e: a fresh ephemeral key pair, its public half into the transcript. */
static bool __must_check
wgc_new_ephemeral(struct wgc_handshake *handshake,
		  u8 public[WGC_NOISE_PUBLIC_KEY_LEN])
{
	curve25519_generate_secret(handshake->ephemeral_private);
	if (!curve25519_generate_public(public, handshake->ephemeral_private))
		return false;
	wgc_mix_ephemeral(handshake->chaining_key, handshake->hash, public);
	return true;
}

bool wgc_noise_handshake_create_initiation(struct wgc_message_handshake_initiation *dst,
					   struct wgc_handshake *handshake)
{
	struct wgc_device *wgc = wgc_handshake_device(handshake);
	const struct wgc_static_identity *identity = &wgc->static_identity;
	u8 timestamp[WGC_NOISE_TIMESTAMP_LEN];
	u8 key[WGC_NOISE_SYMMETRIC_KEY_LEN];
	bool ret = false;

	might_sleep();
	down_read(&wgc->identity_lock);
	down_write(&handshake->lock);
	if (unlikely(!identity->has_identity ||
		     wgc_handshake_peer_is_dead(handshake)))
		goto out;

	dst->header.type = cpu_to_le32(WGC_MESSAGE_HANDSHAKE_INITIATION);
	wgc_transcript_start(handshake->chaining_key, handshake->hash,
			     handshake->remote_static);

	/* e */
	if (!wgc_new_ephemeral(handshake, dst->unencrypted_ephemeral))
		goto out;

	/* es, then s */
	if (!wgc_mix_dh(handshake->chaining_key, key,
			handshake->ephemeral_private, handshake->remote_static))
		goto out;
	wgc_encrypt_and_hash(dst->encrypted_static, identity->public_key,
			     WGC_NOISE_PUBLIC_KEY_LEN, key, handshake->hash);

	/* ss, then the timestamp as the payload */
	if (!wgc_mix_precomputed_dh(handshake->chaining_key, key,
				    handshake->precomputed_static_static))
		goto out;
	wgc_tai64n_now(timestamp);
	wgc_encrypt_and_hash(dst->encrypted_timestamp, timestamp,
			     WGC_NOISE_TIMESTAMP_LEN, key, handshake->hash);

	dst->sender_index = wgc_index_insert(wgc->index_table,
					     &handshake->entry);
	handshake->state = WGC_HANDSHAKE_CREATED_INITIATION;
	ret = true;

out:
	up_write(&handshake->lock);
	up_read(&wgc->identity_lock);
	memzero_explicit(key, sizeof(key));
	memzero_explicit(timestamp, sizeof(timestamp));
	return ret;
}

/*
 * Whether an initiation that decrypted should be acted on: its timestamp
 * must be newer than any accepted before (else it is a replay), and
 * initiations are taken at a bounded rate per peer. Caller holds
 * handshake->lock, for reading or writing.
 */
static bool wgc_initiation_is_fresh(struct wgc_handshake *handshake,
				    const u8 timestamp[WGC_NOISE_TIMESTAMP_LEN])
{
	u64 earliest_next = handshake->last_initiation_consumption +
			    NSEC_PER_SEC / WGC_INITIATIONS_PER_SECOND;
	bool replay, flood;

	lockdep_assert_held(&handshake->lock);
	replay = memcmp(timestamp, handshake->latest_timestamp,
			WGC_NOISE_TIMESTAMP_LEN) <= 0;
	flood = handshake->last_initiation_consumption &&
		time_before64(ktime_get_coarse_boottime_ns(), earliest_next);
	return !replay && !flood;
}

/* The transcript state a consumed initiation leaves, before it is stored. */
struct wgc_initiation_result {
	u8 chaining_key[WGC_NOISE_HASH_LEN];
	u8 hash[WGC_NOISE_HASH_LEN];
	u8 ephemeral[WGC_NOISE_PUBLIC_KEY_LEN];
	u8 static_key[WGC_NOISE_PUBLIC_KEY_LEN];
	u8 timestamp[WGC_NOISE_TIMESTAMP_LEN];
	u8 key[WGC_NOISE_SYMMETRIC_KEY_LEN];
};

/*
 * Freshness is checked again under the write lock: two workers may have
 * decrypted the same initiation (a replay racing the original), and only
 * one of them may store it.
 */
static bool wgc_store_initiation(struct wgc_handshake *handshake,
				 const struct wgc_initiation_result *r,
				 __le32 sender_index)
{
	down_write(&handshake->lock);
	if (!wgc_initiation_is_fresh(handshake, r->timestamp)) {
		up_write(&handshake->lock);
		return false;
	}
	memcpy(handshake->remote_ephemeral, r->ephemeral,
	       WGC_NOISE_PUBLIC_KEY_LEN);
	memcpy(handshake->latest_timestamp, r->timestamp,
	       WGC_NOISE_TIMESTAMP_LEN);
	memcpy(handshake->hash, r->hash, WGC_NOISE_HASH_LEN);
	memcpy(handshake->chaining_key, r->chaining_key, WGC_NOISE_HASH_LEN);
	handshake->remote_index = sender_index;
	handshake->last_initiation_consumption = ktime_get_coarse_boottime_ns();
	handshake->state = WGC_HANDSHAKE_CONSUMED_INITIATION;
	up_write(&handshake->lock);
	return true;
}

struct wgc_peer *
wgc_noise_handshake_consume_initiation(struct wgc_message_handshake_initiation *src,
				       struct wgc_device *wgc,
				       struct wgc_stranger *stranger)
{
	const struct wgc_static_identity *identity = &wgc->static_identity;
	struct wgc_peer *peer = NULL, *ret_peer = NULL;
	struct wgc_initiation_result *r;
	bool fresh;

	might_sleep();
	r = kmalloc(sizeof(*r), GFP_KERNEL);
	if (unlikely(!r))
		return NULL;

	down_read(&wgc->identity_lock);
	if (unlikely(!identity->has_identity))
		goto out;

	wgc_transcript_start(r->chaining_key, r->hash, identity->public_key);

	/* e */
	memcpy(r->ephemeral, src->unencrypted_ephemeral,
	       WGC_NOISE_PUBLIC_KEY_LEN);
	wgc_mix_ephemeral(r->chaining_key, r->hash, r->ephemeral);

	/* es, then s: who is this? */
	if (!wgc_mix_dh(r->chaining_key, r->key, identity->private_key,
			r->ephemeral))
		goto out;
	if (!wgc_decrypt_and_hash(r->static_key, src->encrypted_static,
				  sizeof(src->encrypted_static), r->key,
				  r->hash))
		goto out;
	peer = wgc_peer_lookup_rcu(wgc, r->static_key);
	if (!peer) {
		memcpy(stranger->public_key, r->static_key,
		       sizeof(stranger->public_key));
		stranger->seen = true;
		goto out;
	}

	/* ss, then the timestamp */
	if (!wgc_mix_precomputed_dh(r->chaining_key, r->key,
				    peer->handshake.precomputed_static_static))
		goto out;
	if (!wgc_decrypt_and_hash(r->timestamp, src->encrypted_timestamp,
				  sizeof(src->encrypted_timestamp), r->key,
				  r->hash))
		goto out;
	/* A cheap early look; wgc_store_initiation() decides. */
	down_read(&peer->handshake.lock);
	fresh = wgc_initiation_is_fresh(&peer->handshake, r->timestamp);
	up_read(&peer->handshake.lock);
	if (!fresh)
		goto out;
	wgc_race_delay(WGC_RACE_CONSUME_INITIATION);

	if (!wgc_store_initiation(&peer->handshake, r, src->sender_index))
		goto out;
	ret_peer = peer;

out:
	up_read(&wgc->identity_lock);
	kfree_sensitive(r);
	if (!ret_peer && peer)
		wgc_peer_put(peer);
	return ret_peer;
}

bool wgc_noise_handshake_create_response(struct wgc_message_handshake_response *dst,
					 struct wgc_handshake *handshake)
{
	struct wgc_device *wgc = wgc_handshake_device(handshake);
	u8 key[WGC_NOISE_SYMMETRIC_KEY_LEN];
	bool ret = false;

	might_sleep();
	down_read(&wgc->identity_lock);
	down_write(&handshake->lock);
	if (handshake->state != WGC_HANDSHAKE_CONSUMED_INITIATION ||
	    unlikely(wgc_handshake_peer_is_dead(handshake)))
		goto out;

	dst->header.type = cpu_to_le32(WGC_MESSAGE_HANDSHAKE_RESPONSE);
	dst->receiver_index = handshake->remote_index;

	/* e */
	if (!wgc_new_ephemeral(handshake, dst->unencrypted_ephemeral))
		goto out;

	/* ee, se */
	if (!wgc_mix_dh(handshake->chaining_key, NULL,
			handshake->ephemeral_private,
			handshake->remote_ephemeral))
		goto out;
	if (!wgc_mix_dh(handshake->chaining_key, NULL,
			handshake->ephemeral_private, handshake->remote_static))
		goto out;

	/* psk, then the empty payload that proves we got here */
	wgc_mix_psk(handshake->chaining_key, handshake->hash, key,
		    handshake->preshared_key);
	wgc_encrypt_and_hash(dst->encrypted_nothing, NULL, 0, key,
			     handshake->hash);

	dst->sender_index = wgc_index_insert(wgc->index_table,
					     &handshake->entry);
	handshake->state = WGC_HANDSHAKE_CREATED_RESPONSE;
	ret = true;

out:
	up_write(&handshake->lock);
	up_read(&wgc->identity_lock);
	memzero_explicit(key, sizeof(key));
	return ret;
}

/* What the initiator needs from its own state to check a response. */
struct wgc_response_work {
	u8 chaining_key[WGC_NOISE_HASH_LEN];
	u8 hash[WGC_NOISE_HASH_LEN];
	u8 ephemeral_private[WGC_NOISE_PUBLIC_KEY_LEN];
	u8 preshared_key[WGC_NOISE_SYMMETRIC_KEY_LEN];
	u8 remote_ephemeral[WGC_NOISE_PUBLIC_KEY_LEN];
	u8 key[WGC_NOISE_SYMMETRIC_KEY_LEN];
};

/* Runs the responder's steps on a copy; the handshake is not changed. */
static bool wgc_check_response(struct wgc_response_work *w,
			       const struct wgc_message_handshake_response *src,
			       const struct wgc_static_identity *identity)
{
	memcpy(w->remote_ephemeral, src->unencrypted_ephemeral,
	       WGC_NOISE_PUBLIC_KEY_LEN);
	wgc_mix_ephemeral(w->chaining_key, w->hash, w->remote_ephemeral);
	if (!wgc_mix_dh(w->chaining_key, NULL, w->ephemeral_private,
			w->remote_ephemeral))
		return false;
	if (!wgc_mix_dh(w->chaining_key, NULL, identity->private_key,
			w->remote_ephemeral))
		return false;
	wgc_mix_psk(w->chaining_key, w->hash, w->key, w->preshared_key);
	return wgc_decrypt_and_hash(NULL, src->encrypted_nothing,
				    sizeof(src->encrypted_nothing), w->key,
				    w->hash);
}

/* Finds the handshake a response answers, with a reference on its peer. */
static struct wgc_handshake *
wgc_response_handshake(struct wgc_device *wgc, __le32 index,
		       struct wgc_peer **peer)
{
	struct wgc_index_entry *entry;

	rcu_read_lock_bh();
	entry = wgc_index_lookup(wgc->index_table, WGC_INDEX_HANDSHAKE, index,
				 peer);
	rcu_read_unlock_bh();
	/* The handshake lives inside the peer we now hold. */
	return entry ? container_of(entry, struct wgc_handshake, entry) : NULL;
}

struct wgc_peer *
wgc_noise_handshake_consume_response(struct wgc_message_handshake_response *src,
				     struct wgc_device *wgc)
{
	const struct wgc_static_identity *identity = &wgc->static_identity;
	struct wgc_peer *peer = NULL, *ret_peer = NULL;
	struct wgc_response_work *w = NULL;
	struct wgc_handshake *handshake;
	enum wgc_handshake_state state;

	might_sleep();
	down_read(&wgc->identity_lock);
	if (unlikely(!identity->has_identity))
		goto out;
	handshake = wgc_response_handshake(wgc, src->receiver_index, &peer);
	if (!handshake)
		goto out;
	/* Only now: a response to no initiation of ours costs a lookup. */
	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (unlikely(!w))
		goto out;

	down_read(&handshake->lock);
	state = handshake->state;
	memcpy(w->chaining_key, handshake->chaining_key, WGC_NOISE_HASH_LEN);
	memcpy(w->hash, handshake->hash, WGC_NOISE_HASH_LEN);
	memcpy(w->ephemeral_private, handshake->ephemeral_private,
	       WGC_NOISE_PUBLIC_KEY_LEN);
	memcpy(w->preshared_key, handshake->preshared_key,
	       WGC_NOISE_SYMMETRIC_KEY_LEN);
	up_read(&handshake->lock);

	if (state != WGC_HANDSHAKE_CREATED_INITIATION ||
	    !wgc_check_response(w, src, identity))
		goto out;

	down_write(&handshake->lock);
	/* Another response, or a new initiation, may have got here first. */
	if (handshake->state != state ||
	    handshake->entry.index != src->receiver_index) {
		up_write(&handshake->lock);
		goto out;
	}
	memcpy(handshake->remote_ephemeral, w->remote_ephemeral,
	       WGC_NOISE_PUBLIC_KEY_LEN);
	memcpy(handshake->hash, w->hash, WGC_NOISE_HASH_LEN);
	memcpy(handshake->chaining_key, w->chaining_key, WGC_NOISE_HASH_LEN);
	handshake->remote_index = src->sender_index;
	handshake->state = WGC_HANDSHAKE_CONSUMED_RESPONSE;
	up_write(&handshake->lock);
	ret_peer = peer;

out:
	up_read(&wgc->identity_lock);
	kfree_sensitive(w);
	if (!ret_peer && peer)
		wgc_peer_put(peer);
	return ret_peer;
}

/* ---- sessions ---- */

void wgc_noise_expire_current_peer_keypairs(struct wgc_peer *peer)
{
	might_sleep();
	wgc_noise_handshake_clear(&peer->handshake);
	/* Allow a new handshake at once rather than after the rekey timeout. */
	atomic64_set(&peer->last_sent_handshake, ktime_get_coarse_boottime_ns() -
		     (u64)(WGC_REKEY_TIMEOUT + 1) * NSEC_PER_SEC);
	wgc_keypairs_stop_sending(&peer->keypairs);
}

/* The two transport keys: the initiator sends with the first. */
static void wgc_derive_keys(struct wgc_keypair *keypair,
			    const u8 chaining_key[WGC_NOISE_HASH_LEN])
{
	struct wgc_symmetric_key *first, *second;
	u64 now = ktime_get_coarse_boottime_ns();

	if (keypair->i_am_the_initiator) {
		first = &keypair->sending;
		second = &keypair->receiving;
	} else {
		first = &keypair->receiving;
		second = &keypair->sending;
	}
	wgc_kdf(first->key, second->key, NULL, NULL, 0, chaining_key);
	first->birthdate = now;
	second->birthdate = now;
	first->is_valid = true;
	second->is_valid = true;
}

/*
 * The keys that decrypt this handshake (a Wireshark key log), before it is
 * zeroed. Caller holds the identity lock for reading and the handshake's.
 */
static void wgc_copy_session_keys(struct wgc_session_keys *keys,
				  const struct wgc_handshake *handshake,
				  const struct wgc_static_identity *identity)
{
	memcpy(keys->local_private, identity->private_key, WGC_KEY_LEN);
	memcpy(keys->ephemeral_private, handshake->ephemeral_private,
	       WGC_KEY_LEN);
	memcpy(keys->preshared, handshake->preshared_key, WGC_KEY_LEN);
	keys->copied = true;
}

bool wgc_noise_handshake_begin_session(struct wgc_handshake *handshake,
				       struct wgc_keypairs *keypairs,
				       struct wgc_session_keys *keys)
{
	struct wgc_peer *peer = handshake->entry.peer;
	struct wgc_device *wgc = peer->wgc;
	/* The identity lock is only for the key log's copy of the key. */
	bool keylog = READ_ONCE(wgc->keylog);
	struct wgc_keypair *keypair;
	bool ret = false;

	might_sleep();
	keys->copied = false;
	if (unlikely(keylog))
		down_read(&wgc->identity_lock);
	down_write(&handshake->lock);
	if (handshake->state != WGC_HANDSHAKE_CREATED_RESPONSE &&
	    handshake->state != WGC_HANDSHAKE_CONSUMED_RESPONSE)
		goto out;

	keypair = wgc_keypair_create(peer);
	if (!keypair)
		goto out;
	keypair->i_am_the_initiator =
		handshake->state == WGC_HANDSHAKE_CONSUMED_RESPONSE;
	keypair->remote_index = handshake->remote_index;
	wgc_derive_keys(keypair, handshake->chaining_key);
	if (unlikely(keylog))
		wgc_copy_session_keys(keys, handshake, &wgc->static_identity);
	wgc_handshake_zero(handshake);

	rcu_read_lock_bh();
	if (likely(!READ_ONCE(peer->is_dead))) {
		if (wgc_keypairs_add(keypairs, keypair))
			wgc_stats_count_rekey(&peer->counts);
		/* Data will arrive under the index the handshake announced. */
		wgc_index_replace(wgc->index_table, &handshake->entry,
				  &keypair->entry);
		net_dbg_ratelimited("%s: keypair %llu created for peer %llu\n",
				    wgc->dev->name, keypair->internal_id,
				    peer->internal_id);
		ret = true;
	} else {
		kfree_sensitive(keypair);
	}
	rcu_read_unlock_bh();

out:
	up_write(&handshake->lock);
	if (unlikely(keylog))
		up_read(&wgc->identity_lock);
	if (!ret && keys->copied)
		memzero_explicit(keys, sizeof(*keys));
	return ret;
}
