/* SPDX-License-Identifier: GPL-2.0 */
/*
 * WireGuard's wire format and protocol constants. Every layout here is fixed
 * by the protocol: a wgc peer and a wireguard.ko peer exchange these bytes.
 * Multi-byte fields are little endian on the wire.
 */

#ifndef _WGC_MESSAGES_H
#define _WGC_MESSAGES_H

#include <crypto/blake2s.h>
#include <crypto/chacha20poly1305.h>
#include <crypto/curve25519.h>
#include <linux/bits.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/kernel.h>
#include <linux/param.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <uapi/linux/wgc.h>

enum wgc_noise_lengths {
	WGC_NOISE_PUBLIC_KEY_LEN = CURVE25519_KEY_SIZE,
	WGC_NOISE_SYMMETRIC_KEY_LEN = CHACHA20POLY1305_KEY_SIZE,
	WGC_NOISE_TIMESTAMP_LEN = sizeof(u64) + sizeof(u32),	/* TAI64N */
	WGC_NOISE_AUTHTAG_LEN = CHACHA20POLY1305_AUTHTAG_SIZE,
	WGC_NOISE_HASH_LEN = BLAKE2S_HASH_SIZE,
};

#define wgc_noise_encrypted_len(plain_len) \
	((plain_len) + WGC_NOISE_AUTHTAG_LEN)

enum wgc_cookie_lengths {
	WGC_COOKIE_SECRET_MAX_AGE = 2 * 60,		/* seconds */
	WGC_COOKIE_SECRET_LATENCY = 5,			/* seconds */
	WGC_COOKIE_NONCE_LEN = XCHACHA20POLY1305_NONCE_SIZE,
	WGC_COOKIE_LEN = 16,
};

/* Protocol timing, in seconds unless named otherwise. */
enum wgc_protocol_limits {
	WGC_REKEY_AFTER_TIME = 120,
	WGC_REJECT_AFTER_TIME = 180,
	WGC_REKEY_TIMEOUT = 5,
	WGC_REKEY_ATTEMPT_TIME = 90,
	WGC_KEEPALIVE_TIMEOUT = 10,
	WGC_INITIATIONS_PER_SECOND = 50,
	WGC_MAX_PEERS_PER_DEVICE = 1U << 20,
	WGC_MAX_TIMER_HANDSHAKES = WGC_REKEY_ATTEMPT_TIME / WGC_REKEY_TIMEOUT,
	/* Retransmissions wait a random extra delay of up to a third of a second. */
	WGC_REKEY_TIMEOUT_JITTER_MAX_JIFFIES = HZ / 3,
};

/* The replay window: a bitmap of this many bits, one word kept spare. */
enum wgc_replay_window {
	WGC_COUNTER_BITS_TOTAL = 8192,
	WGC_COUNTER_REDUNDANT_BITS = BITS_PER_LONG,
	WGC_COUNTER_WINDOW_SIZE = WGC_COUNTER_BITS_TOTAL -
				  WGC_COUNTER_REDUNDANT_BITS,
};

#define WGC_REKEY_AFTER_MESSAGES BIT_ULL(60)
#define WGC_REJECT_AFTER_MESSAGES (U64_MAX - WGC_COUNTER_WINDOW_SIZE - 1)

/* Queue bounds, in packets. */
enum wgc_queue_limits {
	WGC_MAX_STAGED_PACKETS = 128,
	WGC_MAX_QUEUED_PACKETS = 1024,
	WGC_MAX_QUEUED_INCOMING_HANDSHAKES = 4096,
	/*
	 * This many handshake messages waiting means the device is under
	 * load (and stays so for a second): only messages with a valid MAC2
	 * are processed then.
	 */
	WGC_HANDSHAKES_UNDER_LOAD = WGC_MAX_QUEUED_INCOMING_HANDSHAKES / 8,
};

enum wgc_message_type {
	WGC_MESSAGE_INVALID = 0,
	WGC_MESSAGE_HANDSHAKE_INITIATION = 1,
	WGC_MESSAGE_HANDSHAKE_RESPONSE = 2,
	WGC_MESSAGE_HANDSHAKE_COOKIE = 3,
	WGC_MESSAGE_DATA = 4,
};

/* The type byte followed by three reserved zero bytes: one le32. */
struct wgc_message_header {
	__le32 type;
} __packed;

struct wgc_message_macs {
	u8 mac1[WGC_COOKIE_LEN];
	u8 mac2[WGC_COOKIE_LEN];
} __packed;

struct wgc_message_handshake_initiation {
	struct wgc_message_header header;
	__le32 sender_index;
	u8 unencrypted_ephemeral[WGC_NOISE_PUBLIC_KEY_LEN];
	u8 encrypted_static[wgc_noise_encrypted_len(WGC_NOISE_PUBLIC_KEY_LEN)];
	u8 encrypted_timestamp[wgc_noise_encrypted_len(WGC_NOISE_TIMESTAMP_LEN)];
	struct wgc_message_macs macs;
} __packed;

struct wgc_message_handshake_response {
	struct wgc_message_header header;
	__le32 sender_index;
	__le32 receiver_index;
	u8 unencrypted_ephemeral[WGC_NOISE_PUBLIC_KEY_LEN];
	u8 encrypted_nothing[wgc_noise_encrypted_len(0)];
	struct wgc_message_macs macs;
} __packed;

struct wgc_message_handshake_cookie {
	struct wgc_message_header header;
	__le32 receiver_index;
	u8 nonce[WGC_COOKIE_NONCE_LEN];
	u8 encrypted_cookie[wgc_noise_encrypted_len(WGC_COOKIE_LEN)];
} __packed;

struct wgc_message_data {
	struct wgc_message_header header;
	__le32 key_idx;
	__le64 counter;
	u8 encrypted_data[];
} __packed;

static_assert(sizeof(struct wgc_message_handshake_initiation) == 148);
static_assert(sizeof(struct wgc_message_handshake_response) == 92);
static_assert(sizeof(struct wgc_message_handshake_cookie) == 64);
static_assert(sizeof(struct wgc_message_data) == 16);

#define wgc_message_data_len(plain_len) \
	(wgc_noise_encrypted_len(plain_len) + sizeof(struct wgc_message_data))

enum wgc_message_sizes {
	WGC_MESSAGE_DATA_HEADER_LEN = sizeof(struct wgc_message_data),
	WGC_MESSAGE_AUTHTAG_LEN = WGC_NOISE_AUTHTAG_LEN,
	/* plaintext is padded to a multiple of this before encryption */
	WGC_MESSAGE_PADDING_MULTIPLE = 16,
	WGC_MESSAGE_MINIMUM_LENGTH = wgc_message_data_len(0),
};

enum wgc_device_geometry {
	/* What a data message adds around an inner packet, over IPv6. */
	WGC_TUNNEL_OVERHEAD = sizeof(struct ipv6hdr) + sizeof(struct udphdr) +
			      WGC_MESSAGE_DATA_HEADER_LEN +
			      WGC_MESSAGE_AUTHTAG_LEN,
	/* 1500-byte path: 1420, as WireGuard picks. */
	WGC_DEFAULT_MTU = ETH_DATA_LEN - WGC_TUNNEL_OVERHEAD,
	/* The outer IP packet still has to fit in 64 KiB. */
	WGC_MAX_MTU = round_down(IP_MAX_MTU - WGC_TUNNEL_OVERHEAD,
				 WGC_MESSAGE_PADDING_MULTIPLE),
};

#endif /* _WGC_MESSAGES_H */
