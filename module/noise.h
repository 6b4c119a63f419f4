/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s handshake as WireGuard runs it.
 * Process context: every function here may sleep.
 */

#ifndef _WGC_NOISE_H
#define _WGC_NOISE_H

#include "index.h"
#include "messages.h"

#include <linux/rwsem.h>
#include <linux/types.h>
#include <uapi/linux/wgc.h>

struct wgc_device;
struct wgc_keypairs;
struct wgc_peer;
struct wgc_session_keys;

/* The device's long-term key pair, the "s" of Noise IK. */
struct wgc_static_identity {
	u8 private_key[WGC_NOISE_PUBLIC_KEY_LEN];
	u8 public_key[WGC_NOISE_PUBLIC_KEY_LEN];
	bool has_identity;
};

enum wgc_handshake_state {
	WGC_HANDSHAKE_ZEROED,
	WGC_HANDSHAKE_CREATED_INITIATION,
	WGC_HANDSHAKE_CONSUMED_INITIATION,
	WGC_HANDSHAKE_CREATED_RESPONSE,
	WGC_HANDSHAKE_CONSUMED_RESPONSE,
};

/*
 * The handshake state with one peer. @lock (a sleeping lock: handshakes run
 * in process context) protects everything but remote_static and the
 * precomputed static-static secret, which are fixed at creation (the latter
 * also changes with the device's identity, under the device's identity
 * lock held for writing).
 */
struct wgc_handshake {
	struct wgc_index_entry entry;
	enum wgc_handshake_state state;
	u64 last_initiation_consumption;	/* coarse boottime ns */

	u8 remote_static[WGC_NOISE_PUBLIC_KEY_LEN];
	u8 precomputed_static_static[WGC_NOISE_PUBLIC_KEY_LEN];
	u8 preshared_key[WGC_NOISE_SYMMETRIC_KEY_LEN];

	u8 ephemeral_private[WGC_NOISE_PUBLIC_KEY_LEN];
	u8 remote_ephemeral[WGC_NOISE_PUBLIC_KEY_LEN];
	u8 hash[WGC_NOISE_HASH_LEN];
	u8 chaining_key[WGC_NOISE_HASH_LEN];
	/* The newest initiation timestamp accepted from the peer. */
	u8 latest_timestamp[WGC_NOISE_TIMESTAMP_LEN];
	__le32 remote_index;

	struct rw_semaphore lock;
};

void wgc_noise_init(void);

int __must_check
wgc_noise_identity_from_private_key(struct wgc_static_identity *identity,
				    const u8 private_key[WGC_KEY_LEN]);
void wgc_noise_identity_replace(struct wgc_static_identity *dst,
				struct wgc_static_identity *src);

void wgc_noise_handshake_init(struct wgc_handshake *handshake,
			      struct wgc_peer *peer,
			      const u8 peer_public_key[WGC_NOISE_PUBLIC_KEY_LEN],
			      const u8 peer_preshared_key[WGC_NOISE_SYMMETRIC_KEY_LEN]);
void wgc_noise_handshake_clear(struct wgc_handshake *handshake);
/* Recomputes DH(s_local, s_remote) after the device's identity changed. */
void wgc_noise_precompute_static_static(struct wgc_peer *peer);
void wgc_noise_set_preshared_key(struct wgc_handshake *handshake,
				 const u8 key[WGC_NOISE_SYMMETRIC_KEY_LEN]);

bool __must_check
wgc_noise_handshake_create_initiation(struct wgc_message_handshake_initiation *dst,
				      struct wgc_handshake *handshake);
/*
 * The static key of an initiation that decrypted but that no peer has:
 * consume_initiation() fills it in, for the unknown-initiator event.
 */
struct wgc_stranger {
	u8 public_key[WGC_NOISE_PUBLIC_KEY_LEN];
	bool seen;
};

struct wgc_peer *
wgc_noise_handshake_consume_initiation(struct wgc_message_handshake_initiation *src,
				       struct wgc_device *wgc,
				       struct wgc_stranger *stranger);
bool __must_check
wgc_noise_handshake_create_response(struct wgc_message_handshake_response *dst,
				    struct wgc_handshake *handshake);
struct wgc_peer *
wgc_noise_handshake_consume_response(struct wgc_message_handshake_response *src,
				     struct wgc_device *wgc);
/*
 * Derives the session keys into a new keypair in @keypairs; returns false if
 * the handshake moved on. While the device's keylog switch is on, @keys
 * gets what decrypts the handshake (for wgc_event_session_keys(), which
 * the caller calls once the session began, and which zeroes them).
 */
bool wgc_noise_handshake_begin_session(struct wgc_handshake *handshake,
				       struct wgc_keypairs *keypairs,
				       struct wgc_session_keys *keys);
/*
 * After the device's identity changed: forgets the handshake in progress
 * and stops sending on the current sessions, so that a new one starts.
 */
void wgc_noise_expire_current_peer_keypairs(struct wgc_peer *peer);

#endif /* _WGC_NOISE_H */
