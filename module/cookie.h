/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MAC1 and MAC2 on handshake messages, and cookies: what lets a responder
 * under load make an initiator prove it owns its source address.
 */

#ifndef _WGC_COOKIE_H
#define _WGC_COOKIE_H

#include "messages.h"

#include <linux/rwsem.h>
#include <linux/types.h>

struct sk_buff;
struct wgc_device;
struct wgc_peer;

/* The receiving side: the device's own MAC1 key and cookie secret. */
struct wgc_cookie_checker {
	u8 secret[WGC_NOISE_HASH_LEN];
	u8 cookie_encryption_key[WGC_NOISE_SYMMETRIC_KEY_LEN];
	u8 message_mac1_key[WGC_NOISE_SYMMETRIC_KEY_LEN];
	u64 secret_birthdate;		/* coarse boottime ns */
	struct rw_semaphore secret_lock;	/* protects secret and its date */
	struct wgc_device *wgc;
};

/* The sending side, per peer: the peer's MAC1 key and its latest cookie. */
struct wgc_cookie {
	u64 birthdate;			/* coarse boottime ns */
	bool is_valid;
	u8 cookie[WGC_COOKIE_LEN];
	bool have_sent_mac1;
	u8 last_mac1_sent[WGC_COOKIE_LEN];
	u8 cookie_decryption_key[WGC_NOISE_SYMMETRIC_KEY_LEN];
	u8 message_mac1_key[WGC_NOISE_SYMMETRIC_KEY_LEN];
	struct rw_semaphore lock;	/* protects all of the above */
};

enum wgc_cookie_mac_state {
	WGC_COOKIE_INVALID_MAC,
	WGC_COOKIE_VALID_MAC_BUT_NO_COOKIE,
	WGC_COOKIE_VALID_MAC_WITH_COOKIE,
};

void wgc_cookie_checker_init(struct wgc_cookie_checker *checker,
			     struct wgc_device *wgc);
/* After the device's identity changed; caller holds the identity lock. */
void wgc_cookie_checker_precompute_device_keys(struct wgc_cookie_checker *checker);
void wgc_cookie_init(struct wgc_cookie *cookie,
		     const u8 peer_public_key[WGC_NOISE_PUBLIC_KEY_LEN]);

enum wgc_cookie_mac_state
wgc_cookie_validate_packet(struct wgc_cookie_checker *checker,
			   struct sk_buff *skb, bool check_cookie);
bool wgc_cookie_mac2_valid(struct wgc_cookie_checker *checker,
			   struct sk_buff *skb);
void wgc_cookie_add_mac_to_packet(void *message, size_t len,
				  struct wgc_peer *peer);
void wgc_cookie_message_create(struct wgc_message_handshake_cookie *dst,
			       struct sk_buff *skb, __le32 index,
			       struct wgc_cookie_checker *checker);
/*
 * Stores the cookie of a reply to the last message we sent a peer, for
 * MAC2. Returns that peer with a reference, or NULL if the reply does not
 * decrypt. *@answers_initiation: the reply is to an initiation of ours
 * still waiting for its response.
 */
struct wgc_peer *
wgc_cookie_message_consume(struct wgc_message_handshake_cookie *src,
			   struct wgc_device *wgc, bool *answers_initiation);

#ifdef WGC_DEBUG
bool wgc_cookie_selftest(void);
#endif

#endif /* _WGC_COOKIE_H */
