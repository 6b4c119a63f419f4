/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wgc-flood: what its parts share. The message layout and the limits, the
 * state of a run (struct flood), and the few helpers of wgc-flood.c that
 * the others use. See wgc-flood.c for what the tool does.
 */
#ifndef FLOOD_H
#define FLOOD_H

#include <netinet/in.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __noreturn	__attribute__((noreturn))

/* WireGuard's message layout */
#define MSG_INIT_LEN		148
#define SENDER_OFF		4
#define EPHEMERAL_OFF		8
#define STATIC_OFF		40	/* the encrypted static key */
#define TIMESTAMP_OFF		88	/* the encrypted timestamp */
#define MAC1_OFF		116	/* mac1 covers the bytes before it */
#define MAC2_OFF		132
#define MAC_LEN			16
#define KEY_LEN			32
#define AEAD_TAG_LEN		16
#define TAI64N_LEN		12
#define MSG_INIT		1
#define MSG_RESPONSE		2
#define MSG_COOKIE		3
#define MSG_DATA		4
#define RESPONSE_LEN		92
#define COOKIE_REPLY_LEN	64

#define MAX_COUNT		10000000ULL
#define MAX_SECONDS		120
#define DEF_SECONDS		30
#define MAX_SOURCES		1048576
#define MAX_RATE		100000000ULL
#define MAX_BATCH		64
#define PKT_MAX			(40 + 8 + MSG_INIT_LEN)
#define NSEC			1000000000ULL
#define RETRY_SLEEP_NS		100000ULL
#define LINGER_QUIET_MS		250
#define LINGER_MAX_MS		2000
#define MAX_PEERS		100000
#define DEF_WINDOW		128
#define MAX_WINDOW		4096
#define PEER_GAP_NS		(NSEC / 10)	/* per peer: 10/s of the 50/s allowed */
#define ANSWER_TIMEOUT_NS	(2 * NSEC)
#define RING			65536	/* send times of the initiations in flight */
#define POOL			4096	/* random initiations made before sending */
#define MAX_JOBS		64

struct addr {
	int family;		/* AF_INET or AF_INET6 */
	uint32_t scope;		/* IPv6 link-local: the interface index */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t b[16];
	};
};

union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

struct source {
	struct addr addr;
	uint16_t port;
};

/* A peer of --valid-from: its initiation, all but the timestamp, made once. */
struct vpeer {
	uint8_t msg[MAC1_OFF];		/* type, ephemeral, encrypted static */
	uint8_t key[KEY_LEN];		/* encrypts the timestamp */
	uint8_t hash[KEY_LEN];		/* the transcript so far: its associated data */
	uint64_t last_ts;		/* of its last timestamp, ns since the epoch */
	uint64_t last_sent;		/* CLOCK_MONOTONIC */
};

/* --valid-from: the peers, and the initiations in flight */
struct valid {
	struct vpeer *peers;
	unsigned int npeers, next, window, inflight;
	uint64_t *sent_at;		/* by sequence number % RING; 0: settled */
	unsigned long long oldest;	/* everything before it is settled */
	unsigned long long answered;
	EVP_CIPHER_CTX *aead;
};

struct flood {
	/* what the command line asks for */
	struct addr target, from, prefix;
	int plen;
	bool spoof, have_from, bad_mac1, valid, data;
	uint16_t port;
	int source_port;		/* -1: random per source */
	unsigned long long count, rate;
	unsigned int seconds, nsrc;
	unsigned int jobs, job;		/* --jobs, and which of them this is */
	uint8_t pubkey[KEY_LEN];

	/* while it runs */
	EVP_MAC_CTX *mac1;
	uint8_t (*pool)[MSG_INIT_LEN];	/* the random initiations, sent in turn */
	struct valid v;
	struct source *src;
	int fd, rxfd;			/* rxfd: where replies are counted, or -1 */
	union sockaddr_any dst;
	socklen_t dstlen;
	uint64_t start, deadline, elapsed;
	unsigned long long sent, retries, cookies, responses;
	unsigned long long responses_sending;	/* those while sending */
	double cpu;				/* own user + system seconds */
};

/* wgc-flood.c */
void __printf(1, 2) __noreturn die(const char *fmt, ...);
uint64_t now_ns(void);
void sleep_until(uint64_t ns);

#endif /* FLOOD_H */
