// SPDX-License-Identifier: GPL-2.0
/*
 * wgc-flood: floods a WireGuard responder (wgc or wireguard.ko) with
 * handshake initiations, so VM selftests can watch it under load: cookie
 * replies, the MAC1 check, per-source rate limits.
 *
 *   wgc-flood --target ADDR --port PORT --public-key BASE64 --count N
 *             [--sources CIDR [--num-sources M]] [--source-port P]
 *             [--from ADDR] [--rate PPS] [--seconds S] [--bad-mac1]
 *             [--valid-from KEYFILE [--window W]]
 *   wgc-flood --make-keys N
 *   wgc-flood --self-test
 *
 * Every packet is a 148-byte initiation (type 1) whose sender index,
 * ephemeral key, encrypted static and encrypted timestamp are random; mac1
 * is valid for the responder's public key (spoilt by one bit with
 * --bad-mac1), mac2 is zero. The responder can never complete such a
 * handshake, but it has to check mac1 and, when under load, answer with a
 * cookie reply.
 *
 * With --valid-from the initiations are real ones instead (Noise_IKpsk2, no
 * preshared key), from the peers whose private keys KEYFILE holds (base64,
 * the first field of each line, as --make-keys writes them), in turn: a
 * responder that has them as peers answers each with a handshake response.
 * So that the generator stays cheap next to the responder, each peer's
 * ephemeral key and everything up to the encrypted timestamp are computed
 * once (a responder does not refuse a reused ephemeral key); a packet costs
 * one ChaCha20-Poly1305 of the timestamp and the mac1. The timestamp is the
 * wall clock, strictly increasing per peer, and a peer sends at most one
 * initiation per 100 ms, well below the 50 per second a responder accepts
 * per peer. Sending is closed-loop: at most --window W (default 128)
 * initiations are unanswered at a time (one unanswered for 2 s is given
 * up on), so a responder slower than the offered rate gets a standing queue
 * of W, which keeps it busy but below the 512 queued handshakes at which
 * it would be "under load" and answer with cookie replies instead. Replies
 * are matched to initiations by index. Peer i sends from source i modulo
 * the number of sources; with --sources the replies go to the spoofed
 * addresses, so the sender's namespace must take them as local (a "local"
 * route for the prefix) and --source-port is required: they are received
 * on a UDP socket bound to that port.
 *
 * With --sources the packets go out through a raw socket (root or
 * CAP_NET_RAW) with spoofed source addresses: prefix base + 1 .. + M,
 * round-robin (a /32 or /128 prefix is that one address; the base, and for
 * IPv4 the broadcast address, are never used). Otherwise an ordinary UDP
 * socket sends them, bound to --from ADDR and --source-port P if given, and
 * the replies from ADDR:PORT are counted while sending and until they have
 * stopped for 250 ms (at most 2 s more).
 *
 * Output, on standard output, one line (and the second only without
 * --sources, or with --valid-from; the third only with --valid-from):
 *   sent N packets from M sources in S.SSS s
 *   received C cookie replies, R responses
 *   answered A in S.SSS s: X.X per second; U unanswered; own CPU T.TTT s
 * S is the time spent sending. Sending stops after --count packets or
 * --seconds (default 30), whichever comes first. A counts the responses
 * that arrived while sending, U the initiations never answered, T is the
 * generator's user and system time over the run. Full send queues
 * (ENOBUFS, EAGAIN) are waited out and retried; how often is said on
 * standard error. Exit status: 0 done, 1 error, 2 usage or a refused target.
 *
 * --make-keys N writes N new key pairs, one a line: private public (base64).
 *
 * Safety: this tool only ever targets test addresses. It refuses any target
 * (and any --sources prefix) outside the private and documentation ranges
 * 10/8, 172.16/12, 192.168/16, 127/8, 169.254/16, 192.0.2/24, 198.18/15,
 * 198.51.100/24, 203.0.113/24, 100.64/10, ::1, fc00::/7, fe80::/10 and
 * 2001:db8::/32, and caps --count at 10,000,000 and --seconds at 120. It is
 * meant for the network namespaces of the selftest VM.
 *
 * All cryptography is OpenSSL 3's libcrypto (X25519, BLAKE2s, HMAC,
 * ChaCha20-Poly1305); --self-test checks it, and the initiation built from
 * it, against published and independently computed answers.
 */

#define _GNU_SOURCE	/* ppoll() */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IPV6_HDRINCL
#define IPV6_HDRINCL 36
#endif

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
	bool spoof, have_from, bad_mac1, valid;
	uint16_t port;
	int source_port;		/* -1: random per source */
	unsigned long long count, rate;
	unsigned int seconds, nsrc;
	uint8_t pubkey[KEY_LEN];

	/* while it runs */
	EVP_MAC_CTX *mac1;
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

/* --------------------------------------------------------------- errors */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: wgc-flood --target ADDR --port PORT --public-key BASE64 --count N [OPTION...]\n"
		"       wgc-flood --make-keys N\n"
		"       wgc-flood --self-test\n"
		"Floods the WireGuard responder at ADDR:PORT (private or test addresses only)\n"
		"with handshake initiations carrying a valid mac1 for its public key.\n"
		"  --count N          packets to send (1 to %llu)\n"
		"  --sources CIDR     spoof source addresses from CIDR (raw socket: root)\n"
		"  --num-sources M    use M of them, prefix base + 1 .. + M (default 1)\n"
		"  --source-port P    UDP source port (default: random per source)\n"
		"  --from ADDR        send from a UDP socket bound to ADDR and count the\n"
		"                     replies (the default without --sources)\n"
		"  --rate PPS         packets per second (default 0: as fast as possible)\n"
		"  --seconds S        stop after S seconds (default %d, at most %d)\n"
		"  --bad-mac1         spoil mac1 in every packet\n"
		"  --valid-from FILE  real initiations from the peers whose private keys\n"
		"                     FILE holds, replies matched and counted\n"
		"  --window W         with --valid-from: at most W unanswered (default %d)\n"
		"  --make-keys N      print N key pairs: private public (base64)\n"
		"  --self-test        check the cryptography against known answers\n",
		MAX_COUNT, DEF_SECONDS, MAX_SECONDS, DEF_WINDOW);
}

static void __printf(1, 2) __noreturn usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "wgc-flood: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	usage(stderr);
	exit(2);
}

static void __printf(1, 2) __noreturn die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "wgc-flood: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static void __noreturn crypto_fail(const char *what)
{
	fprintf(stderr, "wgc-flood: OpenSSL: %s failed\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

/* ---------------------------------------------------------------- time */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

/* Absolute deadlines, so that late wake-ups do not add up over a run. */
static void sleep_until(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / NSEC, .tv_nsec = ns % NSEC };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* -------------------------------------------------------------- random */

static void fill_random(uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = getrandom(buf, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("getrandom: %s", strerror(errno));
		}
		buf += n;
		len -= n;
	}
}

/* Takes from a pool: one getrandom() per packet would cost a syscall each. */
static void rand_bytes(void *out, size_t len)
{
	static uint8_t pool[4096];
	static size_t avail;

	if (avail < len) {
		fill_random(pool, sizeof(pool));
		avail = sizeof(pool);
	}
	memcpy(out, pool + sizeof(pool) - avail, len);
	avail -= len;
}

/* Above the ports of system services, and never 0. */
static uint16_t random_port(void)
{
	uint16_t r;

	rand_bytes(&r, sizeof(r));
	return 1024 + r % (65536 - 1024);
}

/* ------------------------------------------------------------- BLAKE2s */

static void blake2s256(uint8_t out[32], const void *msg, size_t len)
{
	static EVP_MD *md;
	unsigned int outlen = 0;

	if (!md)
		md = EVP_MD_fetch(NULL, "BLAKE2S-256", NULL);
	if (!md)
		crypto_fail("fetching BLAKE2S-256");
	if (!EVP_Digest(msg, len, out, &outlen, md, NULL) || outlen != 32)
		crypto_fail("BLAKE2s-256");
}

/*
 * A keyed BLAKE2s context making outlen-byte tags. The key stays in it, so
 * a tag needs only a re-initialisation (mac_tag), not a new context.
 */
static EVP_MAC_CTX *mac_new(const uint8_t *key, size_t keylen, size_t outlen)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "BLAKE2SMAC", NULL);
	EVP_MAC_CTX *ctx;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, (void *)key, keylen),
		OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &outlen),
		OSSL_PARAM_construct_end(),
	};

	if (!mac)
		crypto_fail("fetching BLAKE2SMAC");
	ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);	/* the context holds its own reference */
	if (!ctx || !EVP_MAC_CTX_set_params(ctx, params))
		crypto_fail("setting up BLAKE2SMAC");
	return ctx;
}

static void mac_tag(EVP_MAC_CTX *ctx, const void *msg, size_t len, uint8_t *out, size_t outlen)
{
	size_t n = 0;

	if (!EVP_MAC_init(ctx, NULL, 0, NULL) || !EVP_MAC_update(ctx, msg, len) ||
	    !EVP_MAC_final(ctx, out, &n, outlen) || n != outlen)
		crypto_fail("BLAKE2SMAC");
}

/* K1 = BLAKE2s-256("mac1----" || the responder's public key) */
static void mac1_key(const uint8_t pubkey[KEY_LEN], uint8_t k1[KEY_LEN])
{
	uint8_t buf[8 + KEY_LEN];

	memcpy(buf, "mac1----", 8);
	memcpy(buf + 8, pubkey, KEY_LEN);
	blake2s256(k1, buf, sizeof(buf));
}

static EVP_MAC_CTX *mac1_ctx(const uint8_t pubkey[KEY_LEN])
{
	uint8_t k1[KEY_LEN];

	mac1_key(pubkey, k1);
	return mac_new(k1, sizeof(k1), MAC_LEN);
}

/* --------------------------------------------------------------- Noise */

static const char construction[] = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
static const char identifier[] = "WireGuard v1 zx2c4 Jason@zx2c4.com";

/* HMAC-BLAKE2s, which WireGuard's HKDF is made of */
static void hmac_blake2s(uint8_t out[KEY_LEN], const uint8_t *key, size_t keylen,
			 const uint8_t *msg, size_t len)
{
	static EVP_MAC_CTX *ctx;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "BLAKE2S-256", 0),
		OSSL_PARAM_construct_end(),
	};
	size_t n = 0;

	if (!ctx) {
		EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);

		if (!mac)
			crypto_fail("fetching HMAC");
		ctx = EVP_MAC_CTX_new(mac);
		EVP_MAC_free(mac);
		if (!ctx)
			crypto_fail("setting up HMAC");
	}
	if (!EVP_MAC_init(ctx, key, keylen, params) || !EVP_MAC_update(ctx, msg, len) ||
	    !EVP_MAC_final(ctx, out, &n, KEY_LEN) || n != KEY_LEN)
		crypto_fail("HMAC-BLAKE2s");
}

/*
 * WireGuard's KDF: HKDF over HMAC-BLAKE2s with the chaining key as salt,
 * two outputs (the chaining key in place, and key unless NULL).
 */
static void kdf(uint8_t ck[KEY_LEN], uint8_t *key, const uint8_t *in, size_t len)
{
	uint8_t prk[KEY_LEN], t[KEY_LEN + 1];

	hmac_blake2s(prk, ck, KEY_LEN, in, len);
	t[0] = 1;
	hmac_blake2s(t, prk, KEY_LEN, t, 1);
	if (key) {
		t[KEY_LEN] = 2;
		hmac_blake2s(key, prk, KEY_LEN, t, KEY_LEN + 1);
	}
	memcpy(ck, t, KEY_LEN);
}

/* h = BLAKE2s-256(h || data) */
static void mix_hash(uint8_t h[KEY_LEN], const uint8_t *data, size_t len)
{
	uint8_t buf[KEY_LEN + 64];

	if (len > sizeof(buf) - KEY_LEN)
		abort();
	memcpy(buf, h, KEY_LEN);
	memcpy(buf + KEY_LEN, data, len);
	blake2s256(h, buf, KEY_LEN + len);
}

/* ChaCha20-Poly1305 with nonce 0 (each handshake key seals one message) */
static void seal(EVP_CIPHER_CTX *ctx, uint8_t *out, const uint8_t *in, size_t len,
		 const uint8_t key[KEY_LEN], const uint8_t ad[KEY_LEN])
{
	static const uint8_t nonce[12];
	int n;

	if (!EVP_EncryptInit_ex(ctx, EVP_chacha20_poly1305(), NULL, key, nonce) ||
	    !EVP_EncryptUpdate(ctx, NULL, &n, ad, KEY_LEN) ||
	    !EVP_EncryptUpdate(ctx, out, &n, in, len) || n != (int)len ||
	    !EVP_EncryptFinal_ex(ctx, out + len, &n) ||
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, AEAD_TAG_LEN, out + len))
		crypto_fail("ChaCha20-Poly1305");
}

static EVP_PKEY *x25519_private(const uint8_t priv[KEY_LEN])
{
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, KEY_LEN);

	if (!k)
		crypto_fail("loading an X25519 private key");
	return k;
}

static void x25519_public(EVP_PKEY *k, uint8_t pub[KEY_LEN])
{
	size_t len = KEY_LEN;

	if (!EVP_PKEY_get_raw_public_key(k, pub, &len) || len != KEY_LEN)
		crypto_fail("X25519 public key");
}

static void x25519(uint8_t out[KEY_LEN], EVP_PKEY *priv, const uint8_t pub[KEY_LEN])
{
	EVP_PKEY *peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, pub, KEY_LEN);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(priv, NULL);
	size_t len = KEY_LEN;

	if (!peer || !ctx || EVP_PKEY_derive_init(ctx) <= 0 ||
	    EVP_PKEY_derive_set_peer(ctx, peer) <= 0 ||
	    EVP_PKEY_derive(ctx, out, &len) <= 0 || len != KEY_LEN)
		crypto_fail("X25519");
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
}

/*
 * Everything of peer s's initiation to the responder with public key rpub
 * that does not depend on the timestamp, with ephemeral key e: the message
 * up to the encrypted static key, and the key and hash that seal the
 * timestamp. The psk step comes after the timestamp, so needs no key here.
 */
static void vpeer_init(struct vpeer *p, EVP_CIPHER_CTX *aead, EVP_PKEY *s, EVP_PKEY *e,
		       const uint8_t rpub[KEY_LEN])
{
	uint8_t ck[KEY_LEN], h[KEY_LEN], key[KEY_LEN], dh[KEY_LEN], spub[KEY_LEN];
	uint8_t *epub = p->msg + EPHEMERAL_OFF, *sealed = p->msg + STATIC_OFF;

	memset(p, 0, sizeof(*p));
	p->msg[0] = MSG_INIT;
	blake2s256(ck, construction, strlen(construction));
	memcpy(h, ck, KEY_LEN);
	mix_hash(h, (const uint8_t *)identifier, strlen(identifier));
	mix_hash(h, rpub, KEY_LEN);
	/* e */
	x25519_public(e, epub);
	mix_hash(h, epub, KEY_LEN);
	kdf(ck, NULL, epub, KEY_LEN);
	/* es, then s */
	x25519(dh, e, rpub);
	kdf(ck, key, dh, KEY_LEN);
	x25519_public(s, spub);
	seal(aead, sealed, spub, KEY_LEN, key, h);
	mix_hash(h, sealed, KEY_LEN + AEAD_TAG_LEN);
	/* ss: its key seals the timestamp, under the hash as it is now */
	x25519(dh, s, rpub);
	kdf(ck, p->key, dh, KEY_LEN);
	memcpy(p->hash, h, KEY_LEN);
}

/* TAI64N: 2^62 + 10 + the Unix seconds, then nanoseconds, big endian */
static void tai64n(uint8_t out[TAI64N_LEN], uint64_t unix_ns)
{
	uint64_t sec = 0x400000000000000aULL + unix_ns / NSEC;
	uint32_t ns = unix_ns % NSEC;
	int i;

	for (i = 0; i < 8; i++)
		out[i] = sec >> (56 - 8 * i);
	for (i = 0; i < 4; i++)
		out[8 + i] = ns >> (24 - 8 * i);
}

/* The initiation of peer p with sender index idx and timestamp unix_ns. */
static void vpeer_build(const struct flood *f, const struct vpeer *p, uint32_t idx,
			uint64_t unix_ns, uint8_t *msg)
{
	uint8_t ts[TAI64N_LEN];
	int i;

	memcpy(msg, p->msg, MAC1_OFF);
	for (i = 0; i < 4; i++)
		msg[SENDER_OFF + i] = idx >> (8 * i);
	tai64n(ts, unix_ns);
	seal(f->v.aead, msg + TIMESTAMP_OFF, ts, sizeof(ts), p->key, p->hash);
	mac_tag(f->mac1, msg, MAC1_OFF, msg + MAC1_OFF, MAC_LEN);
	memset(msg + MAC2_OFF, 0, MAC_LEN);
}

/* ------------------------------------------------------------- parsing */

static unsigned long long parse_num(const char *opt, const char *s,
				    unsigned long long min, unsigned long long max)
{
	unsigned long long v;
	char *end;

	/* strtoull() would take "-1" as a huge number */
	if (*s < '0' || *s > '9')
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	return v;
bad:
	usage_error("%s: '%s' is not a number from %llu to %llu", opt, s, min, max);
}

static int addr_bits(const struct addr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

/* An IPv4 or IPv6 address; IPv6 may name its scope: fe80::1%eth0. */
static bool parse_addr(const char *s, struct addr *a)
{
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 1], *scope;

	memset(a, 0, sizeof(*a));
	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	scope = strchr(buf, '%');
	if (scope)
		*scope++ = '\0';
	if (inet_pton(AF_INET, buf, &a->v4) == 1) {
		a->family = AF_INET;
		return !scope;
	}
	if (inet_pton(AF_INET6, buf, &a->v6) != 1)
		return false;
	a->family = AF_INET6;
	if (scope)
		a->scope = if_nametoindex(scope);
	return !scope || a->scope;
}

/* ADDR/LEN, or ADDR alone for a single address; host bits are cleared. */
static bool parse_prefix(const char *s, struct addr *a, int *plen)
{
	char buf[INET6_ADDRSTRLEN + 5], *slash, *end;
	long len;
	int i;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (!parse_addr(buf, a) || a->scope)
		return false;
	*plen = addr_bits(a);
	if (slash) {
		if (*slash < '0' || *slash > '9')
			return false;
		len = strtol(slash, &end, 10);
		if (*end || len > addr_bits(a))
			return false;
		*plen = len;
	}
	for (i = 0; i < addr_bits(a) / 8; i++) {
		int keep = *plen - 8 * i;

		if (keep <= 0)
			a->b[i] = 0;
		else if (keep < 8)
			a->b[i] &= (uint8_t)(0xff << (8 - keep));
	}
	return true;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Padded standard base64; returns the number of bytes, -1 if malformed. */
static int base64_decode(const char *in, uint8_t *out, size_t max)
{
	size_t len = strlen(in), pad, total, n = 0, i;

	if (!len || len % 4)
		return -1;
	pad = (in[len - 1] == '=') + (in[len - 1] == '=' && in[len - 2] == '=');
	total = len / 4 * 3 - pad;
	if (total > max)
		return -1;
	for (i = 0; i < len; i += 4) {
		uint32_t v = 0;
		int j;

		for (j = 0; j < 4; j++) {
			int d = i + j < len - pad ? b64_value(in[i + j]) : 0;

			if (d < 0)
				return -1;
			v = v << 6 | d;
		}
		for (j = 0; j < 3 && n < total; j++)
			out[n++] = v >> (16 - 8 * j);
	}
	return n;
}

/* ------------------------------------------------------------ key files */

static EVP_PKEY *x25519_generate(void)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");

	if (!k)
		crypto_fail("generating an X25519 key");
	return k;
}

static void print_base64(const uint8_t key[KEY_LEN], char end)
{
	char b64[4 * ((KEY_LEN + 2) / 3) + 1];

	EVP_EncodeBlock((unsigned char *)b64, key, KEY_LEN);
	printf("%s%c", b64, end);
}

/* --make-keys: N lines "private public", base64 */
static void make_keys(unsigned long long n)
{
	uint8_t priv[KEY_LEN], pub[KEY_LEN];
	size_t len;

	while (n--) {
		EVP_PKEY *k = x25519_generate();

		len = sizeof(priv);
		if (!EVP_PKEY_get_raw_private_key(k, priv, &len) || len != KEY_LEN)
			crypto_fail("X25519 private key");
		x25519_public(k, pub);
		print_base64(priv, ' ');
		print_base64(pub, '\n');
		EVP_PKEY_free(k);
	}
	if (fflush(stdout) || ferror(stdout))
		die("writing the keys: %s", strerror(errno));
}

/* One peer per line of the key file: its private key, the first field. */
static void load_peers(struct flood *f, const char *file)
{
	char line[256], *field;
	uint8_t priv[KEY_LEN];
	unsigned int lineno = 0, room = 0;
	FILE *in = fopen(file, "r");

	if (!in)
		die("%s: %s", file, strerror(errno));
	f->v.aead = EVP_CIPHER_CTX_new();
	if (!f->v.aead)
		crypto_fail("EVP_CIPHER_CTX_new");
	while (fgets(line, sizeof(line), in)) {
		EVP_PKEY *s, *e;

		lineno++;
		field = strtok(line, " \t\r\n");
		if (!field)
			continue;
		if (base64_decode(field, priv, sizeof(priv)) != KEY_LEN)
			die("%s:%u: not a private key in base64", file, lineno);
		if (f->v.npeers == MAX_PEERS)
			die("%s: more than %u keys", file, MAX_PEERS);
		if (f->v.npeers == room) {
			room = room ? 2 * room : 256;
			f->v.peers = realloc(f->v.peers, room * sizeof(*f->v.peers));
			if (!f->v.peers)
				die("out of memory for %u peers", room);
		}
		s = x25519_private(priv);
		e = x25519_generate();
		vpeer_init(&f->v.peers[f->v.npeers++], f->v.aead, s, e, f->pubkey);
		EVP_PKEY_free(e);
		EVP_PKEY_free(s);
	}
	fclose(in);
	if (!f->v.npeers)
		die("%s: no keys", file);
	f->v.sent_at = calloc(RING, sizeof(*f->v.sent_at));
	if (!f->v.sent_at)
		die("out of memory");
}

/* ------------------------------------------------------ address ranges */

static const struct {
	int family;
	const char *net;
	int len;
} test_nets[] = {
	{ AF_INET, "10.0.0.0", 8 },
	{ AF_INET, "172.16.0.0", 12 },
	{ AF_INET, "192.168.0.0", 16 },
	{ AF_INET, "127.0.0.0", 8 },
	{ AF_INET, "169.254.0.0", 16 },
	{ AF_INET, "192.0.2.0", 24 },
	{ AF_INET, "198.18.0.0", 15 },
	{ AF_INET, "198.51.100.0", 24 },
	{ AF_INET, "203.0.113.0", 24 },
	{ AF_INET, "100.64.0.0", 10 },
	{ AF_INET6, "::1", 128 },
	{ AF_INET6, "fc00::", 7 },
	{ AF_INET6, "fe80::", 10 },
	{ AF_INET6, "2001:db8::", 32 },
};

static bool prefix_equal(const uint8_t *a, const uint8_t *b, int bits)
{
	int full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full))
		return false;
	return !rest || !((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest)));
}

/* Whether all of a/plen lies inside one of the test ranges. */
static bool is_test_net(const struct addr *a, int plen)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(test_nets); i++) {
		uint8_t net[16];

		if (test_nets[i].family != a->family || test_nets[i].len > plen)
			continue;
		if (inet_pton(a->family, test_nets[i].net, net) != 1)
			abort();
		if (prefix_equal(a->b, net, test_nets[i].len))
			return true;
	}
	return false;
}

static void addr_add(struct addr *a, uint32_t n)
{
	uint64_t carry = n;
	int i;

	for (i = addr_bits(a) / 8 - 1; i >= 0 && carry; i--) {
		carry += a->b[i];
		a->b[i] = carry & 0xff;
		carry >>= 8;
	}
}

/* How many sources base + 1 .. the prefix holds (see the header comment). */
static uint64_t prefix_sources(const struct addr *prefix, int plen)
{
	int host = addr_bits(prefix) - plen;

	if (!host)
		return 1;
	if (host >= 32)
		return UINT64_MAX;
	return (1ULL << host) - 1 - (prefix->family == AF_INET && host >= 2);
}

/* ------------------------------------------------------- command line */

enum {
	OPT_TARGET = 256, OPT_PORT, OPT_PUBKEY, OPT_COUNT, OPT_SOURCES,
	OPT_NUM_SOURCES, OPT_SOURCE_PORT, OPT_FROM, OPT_RATE, OPT_SECONDS,
	OPT_BAD_MAC1, OPT_SELF_TEST, OPT_VALID_FROM, OPT_WINDOW, OPT_MAKE_KEYS,
};

static const struct option long_opts[] = {
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "public-key", required_argument, NULL, OPT_PUBKEY },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "sources", required_argument, NULL, OPT_SOURCES },
	{ "num-sources", required_argument, NULL, OPT_NUM_SOURCES },
	{ "source-port", required_argument, NULL, OPT_SOURCE_PORT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "seconds", required_argument, NULL, OPT_SECONDS },
	{ "bad-mac1", no_argument, NULL, OPT_BAD_MAC1 },
	{ "self-test", no_argument, NULL, OPT_SELF_TEST },
	{ "valid-from", required_argument, NULL, OPT_VALID_FROM },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "make-keys", required_argument, NULL, OPT_MAKE_KEYS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void __noreturn refuse(const char *what, const char *s)
{
	size_t i;

	fprintf(stderr, "wgc-flood: refusing %s %s: it is in none of the test ranges", what, s);
	for (i = 0; i < ARRAY_SIZE(test_nets); i++)
		fprintf(stderr, " %s/%d", test_nets[i].net, test_nets[i].len);
	fprintf(stderr, "\n");
	exit(2);
}

struct args {
	const char *target, *pubkey, *sources, *from, *keyfile;
	unsigned long long make_keys;
	bool have_port, have_count, have_nsrc, have_window, self_test;
};

static void read_options(struct flood *f, struct args *a, int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_TARGET:
			a->target = optarg;
			break;
		case OPT_PORT:
			f->port = parse_num("--port", optarg, 1, 65535);
			a->have_port = true;
			break;
		case OPT_PUBKEY:
			a->pubkey = optarg;
			break;
		case OPT_COUNT:
			f->count = parse_num("--count", optarg, 1, MAX_COUNT);
			a->have_count = true;
			break;
		case OPT_SOURCES:
			a->sources = optarg;
			break;
		case OPT_NUM_SOURCES:
			f->nsrc = parse_num("--num-sources", optarg, 1, MAX_SOURCES);
			a->have_nsrc = true;
			break;
		case OPT_SOURCE_PORT:
			f->source_port = parse_num("--source-port", optarg, 1, 65535);
			break;
		case OPT_FROM:
			a->from = optarg;
			break;
		case OPT_RATE:
			f->rate = parse_num("--rate", optarg, 0, MAX_RATE);
			break;
		case OPT_SECONDS:
			f->seconds = parse_num("--seconds", optarg, 1, MAX_SECONDS);
			break;
		case OPT_BAD_MAC1:
			f->bad_mac1 = true;
			break;
		case OPT_SELF_TEST:
			a->self_test = true;
			break;
		case OPT_VALID_FROM:
			a->keyfile = optarg;
			break;
		case OPT_WINDOW:
			f->v.window = parse_num("--window", optarg, 1, MAX_WINDOW);
			a->have_window = true;
			break;
		case OPT_MAKE_KEYS:
			a->make_keys = parse_num("--make-keys", optarg, 1, MAX_PEERS);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			/* getopt_long() has said what is wrong */
			usage(stderr);
			exit(2);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
}

static void check_sources(struct flood *f, const struct args *a)
{
	if (a->from)
		usage_error("--sources and --from exclude each other");
	if (!parse_prefix(a->sources, &f->prefix, &f->plen))
		usage_error("--sources: '%s' is not an address prefix", a->sources);
	if (f->prefix.family != f->target.family)
		usage_error("--sources: '%s' is not of the family of --target", a->sources);
	/* spoofed sources get the replies: keep those inside test ranges too */
	if (!is_test_net(&f->prefix, f->plen))
		refuse("--sources", a->sources);
	if (f->nsrc > prefix_sources(&f->prefix, f->plen))
		usage_error("--num-sources %u: %s holds only %llu source addresses", f->nsrc,
			    a->sources, (unsigned long long)prefix_sources(&f->prefix, f->plen));
	f->spoof = true;
}

static void check_valid(struct flood *f, const struct args *a)
{
	if (f->bad_mac1)
		usage_error("--valid-from and --bad-mac1 exclude each other");
	/* the replies go to the spoofed addresses: received on that port */
	if (f->spoof && f->source_port < 0)
		usage_error("--valid-from with --sources needs --source-port");
	f->valid = true;
	load_peers(f, a->keyfile);
}

/*
 * Returns true for --self-test; exits on a usage error, and after doing
 * --make-keys.
 */
static bool parse_args(struct flood *f, int argc, char **argv)
{
	struct args a = { 0 };

	read_options(f, &a, argc, argv);
	if (a.self_test)
		return true;
	if (a.make_keys) {
		make_keys(a.make_keys);
		exit(0);
	}
	if (!a.target || !a.have_port || !a.pubkey || !a.have_count)
		usage_error("--target, --port, --public-key and --count are required");
	if (!parse_addr(a.target, &f->target))
		usage_error("--target: '%s' is not an IPv4 or IPv6 address", a.target);
	if (!is_test_net(&f->target, addr_bits(&f->target)))
		refuse("target", a.target);
	if (base64_decode(a.pubkey, f->pubkey, sizeof(f->pubkey)) != KEY_LEN)
		usage_error("--public-key: '%s' is not 32 bytes in base64", a.pubkey);
	if (a.have_nsrc && !a.sources)
		usage_error("--num-sources needs --sources");
	if (a.sources)
		check_sources(f, &a);
	if (a.from) {
		if (!parse_addr(a.from, &f->from))
			usage_error("--from: '%s' is not an IPv4 or IPv6 address", a.from);
		if (f->from.family != f->target.family)
			usage_error("--from: '%s' is not of the family of --target", a.from);
		f->have_from = true;
	}
	if (a.keyfile)
		check_valid(f, &a);
	else if (a.have_window)
		usage_error("--window needs --valid-from");
	return false;
}

/* ------------------------------------------------------------- packets */

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += p[0] << 8 | p[1];
	if (len)
		sum += p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* The IPv4 and IPv6 pseudo-headers add up the same way for UDP. */
static uint32_t pseudo_sum(const struct addr *src, const struct addr *dst, size_t udplen)
{
	uint32_t sum;

	sum = csum_add(0, src->b, addr_bits(src) / 8);
	sum = csum_add(sum, dst->b, addr_bits(dst) / 8);
	return sum + IPPROTO_UDP + udplen;
}

/* One initiation: random but for the type, mac1 and the empty mac2. */
static void build_init(const struct flood *f, uint8_t *msg)
{
	msg[0] = MSG_INIT;
	memset(msg + 1, 0, 3);	/* reserved */
	rand_bytes(msg + 4, MAC1_OFF - 4);
	mac_tag(f->mac1, msg, MAC1_OFF, msg + MAC1_OFF, MAC_LEN);
	/* the last bit, so that a check comparing only a prefix lets it pass */
	if (f->bad_mac1)
		msg[MAC2_OFF - 1] ^= 1;
	memset(msg + MAC2_OFF, 0, MAC_LEN);
}

/* UDP header and the initiation msg at udp; returns the UDP length. */
static size_t build_udp(const struct flood *f, const struct source *s, const uint8_t *msg,
			struct udphdr *udp)
{
	size_t len = sizeof(*udp) + MSG_INIT_LEN;
	uint16_t sum;

	memcpy(udp + 1, msg, MSG_INIT_LEN);
	udp->source = htons(s->port);
	udp->dest = htons(f->port);
	udp->len = htons(len);
	udp->check = 0;
	sum = csum_fold(csum_add(pseudo_sum(&s->addr, &f->target, len), udp, len));
	/* 0 would mean "no checksum" (not allowed at all in IPv6): 0xffff is its twin */
	udp->check = htons(sum ? sum : 0xffff);
	return len;
}

static size_t build_ipv4(const struct flood *f, const struct source *s, const uint8_t *msg,
			 uint8_t *pkt)
{
	struct iphdr *ip = (struct iphdr *)pkt;
	size_t len = sizeof(*ip) + build_udp(f, s, msg, (struct udphdr *)(ip + 1));
	uint16_t id;

	rand_bytes(&id, sizeof(id));
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = sizeof(*ip) / 4;
	ip->tot_len = htons(len);
	ip->id = id;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = s->addr.v4.s_addr;
	ip->daddr = f->target.v4.s_addr;
	/* ip->check stays 0: the kernel always computes it for IP_HDRINCL */
	return len;
}

static size_t build_ipv6(const struct flood *f, const struct source *s, const uint8_t *msg,
			 uint8_t *pkt)
{
	struct ip6_hdr *ip6 = (struct ip6_hdr *)pkt;
	size_t udplen = build_udp(f, s, msg, (struct udphdr *)(ip6 + 1));

	memset(ip6, 0, sizeof(*ip6));
	ip6->ip6_flow = htonl(6U << 28);
	ip6->ip6_plen = htons(udplen);
	ip6->ip6_nxt = IPPROTO_UDP;
	ip6->ip6_hlim = 64;
	ip6->ip6_src = s->addr.v6;
	ip6->ip6_dst = f->target.v6;
	return sizeof(*ip6) + udplen;
}

/* -------------------------------------------------------------- sockets */

static socklen_t make_sockaddr(union sockaddr_any *sa, const struct addr *a, uint16_t port)
{
	memset(sa, 0, sizeof(*sa));
	if (a->family == AF_INET) {
		sa->v4.sin_family = AF_INET;
		sa->v4.sin_port = htons(port);
		sa->v4.sin_addr = a->v4;
		return sizeof(sa->v4);
	}
	sa->v6.sin6_family = AF_INET6;
	sa->v6.sin6_port = htons(port);
	sa->v6.sin6_addr = a->v6;
	sa->v6.sin6_scope_id = a->scope;
	return sizeof(sa->v6);
}

static void make_sources(struct flood *f)
{
	unsigned int i;

	f->src = calloc(f->nsrc, sizeof(*f->src));
	if (!f->src)
		die("out of memory for %u sources", f->nsrc);
	for (i = 0; i < f->nsrc; i++) {
		struct source *s = &f->src[i];

		s->addr = f->prefix;
		if (f->plen < addr_bits(&f->prefix))
			addr_add(&s->addr, i + 1);
		s->port = f->source_port >= 0 ? f->source_port : random_port();
	}
}

static void open_raw(struct flood *f)
{
	int one = 1, ret;

	f->fd = socket(f->target.family, SOCK_RAW, IPPROTO_RAW);
	if (f->fd < 0)
		die("raw socket (--sources needs root or CAP_NET_RAW): %s", strerror(errno));
	/* IPPROTO_RAW implies it (for IPv6 since Linux 4.5); say it anyway */
	if (f->target.family == AF_INET) {
		ret = setsockopt(f->fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one));
	} else {
		ret = setsockopt(f->fd, IPPROTO_IPV6, IPV6_HDRINCL, &one, sizeof(one));
		if (ret < 0 && errno == ENOPROTOOPT)
			ret = 0;
	}
	if (ret < 0)
		die("setsockopt HDRINCL: %s", strerror(errno));
	/* a raw socket wants no port, or its own protocol, there */
	f->dstlen = make_sockaddr(&f->dst, &f->target, 0);
}

/* Replies arrive in bursts while we send: room for many is worth asking. */
static void grow_rcvbuf(int fd)
{
	int size = 4 << 20;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static void open_udp(struct flood *f)
{
	struct addr any = { .family = f->target.family };
	union sockaddr_any local;
	socklen_t len;

	f->fd = socket(f->target.family, SOCK_DGRAM, IPPROTO_UDP);
	if (f->fd < 0)
		die("UDP socket: %s", strerror(errno));
	grow_rcvbuf(f->fd);
	if (f->have_from || f->source_port >= 0) {
		len = make_sockaddr(&local, f->have_from ? &f->from : &any,
				    f->source_port >= 0 ? f->source_port : 0);
		if (bind(f->fd, &local.sa, len) < 0)
			die("bind to the --from address: %s", strerror(errno));
	}
	/* not connect()ed: ICMP errors then do not fail the sends */
	f->dstlen = make_sockaddr(&f->dst, &f->target, f->port);
	f->rxfd = f->fd;
}

/*
 * --valid-from with --sources: the replies to the spoofed addresses, which
 * the namespace takes as local, arrive at --source-port.
 */
static void open_reply_socket(struct flood *f)
{
	struct addr any = { .family = f->target.family };
	union sockaddr_any local;
	socklen_t len = make_sockaddr(&local, &any, f->source_port);

	f->rxfd = socket(f->target.family, SOCK_DGRAM, IPPROTO_UDP);
	if (f->rxfd < 0)
		die("UDP socket: %s", strerror(errno));
	grow_rcvbuf(f->rxfd);
	if (bind(f->rxfd, &local.sa, len) < 0)
		die("bind to port %d for the replies: %s", f->source_port, strerror(errno));
}

/* ------------------------------------------------------------- sending */

/*
 * A full queue (ENOBUFS from the qdisc, EAGAIN) is waited out, as a real
 * flood would just keep going. Returns false if the deadline came first.
 */
static bool send_packet(struct flood *f, const void *buf, size_t len)
{
	for (;;) {
		ssize_t n = sendto(f->fd, buf, len, 0, &f->dst.sa, f->dstlen);

		if (n == (ssize_t)len)
			return true;
		if (n >= 0)
			die("sendto: sent %zd of %zu bytes", n, len);
		if (errno == EINTR)
			continue;
		if (errno != ENOBUFS && errno != EAGAIN)
			die("sendto: %s", strerror(errno));
		f->retries++;
		if (now_ns() >= f->deadline)
			return false;
		sleep_until(now_ns() + RETRY_SLEEP_NS);
	}
}

/* The initiation msg, from source s if spoofing. */
static bool send_msg(struct flood *f, const struct source *s, const uint8_t *msg)
{
	union {
		uint8_t b[PKT_MAX];
		uint64_t align;
	} pkt;
	size_t len;

	if (!f->spoof)
		return send_packet(f, msg, MSG_INIT_LEN);
	if (f->target.family == AF_INET)
		len = build_ipv4(f, s, msg, pkt.b);
	else
		len = build_ipv6(f, s, msg, pkt.b);
	return send_packet(f, pkt.b, len);
}

static bool send_one(struct flood *f)
{
	uint8_t msg[MSG_INIT_LEN];

	build_init(f, msg);
	return send_msg(f, f->spoof ? &f->src[f->sent % f->nsrc] : NULL, msg);
}

/* ------------------------------------------------- initiations in flight */

/*
 * A reply names the initiation by our sender index, the sequence number + 1
 * (mod 2^32); those in flight are never more than RING apart. Returns
 * whether it settled one still in flight.
 */
static bool valid_reply(struct flood *f, uint32_t idx)
{
	struct valid *v = &f->v;
	unsigned long long seq = v->oldest + (uint32_t)(idx - 1 - (uint32_t)v->oldest);
	uint64_t *at;

	if (seq >= f->sent)
		return false;
	at = &v->sent_at[seq % RING];
	if (!*at)
		return false;	/* answered before, or given up */
	*at = 0;
	v->inflight--;
	v->answered++;
	return true;
}

/* Gives up on initiations unanswered too long, and moves oldest past the settled. */
static void expire(struct flood *f, uint64_t now)
{
	struct valid *v = &f->v;

	for (; v->oldest < f->sent; v->oldest++) {
		uint64_t *at = &v->sent_at[v->oldest % RING];

		if (!*at)
			continue;
		/* the ring must keep room for the next one */
		if (now - *at < ANSWER_TIMEOUT_NS && f->sent - v->oldest < RING)
			return;
		*at = 0;
		v->inflight--;
	}
}

/* ------------------------------------------------------------- replies */

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool from_target(const struct flood *f, const union sockaddr_any *sa)
{
	if (sa->sa.sa_family != f->target.family)
		return false;
	if (f->target.family == AF_INET)
		return sa->v4.sin_port == htons(f->port) &&
		       sa->v4.sin_addr.s_addr == f->target.v4.s_addr;
	return sa->v6.sin6_port == htons(f->port) &&
	       !memcmp(&sa->v6.sin6_addr, &f->target.v6, sizeof(f->target.v6));
}

static void drain_replies(struct flood *f)
{
	uint8_t buf[256];
	union sockaddr_any from;

	for (;;) {
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(f->rxfd, buf, sizeof(buf), MSG_DONTWAIT, &from.sa, &flen);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			die("recvfrom: %s", strerror(errno));
		}
		if (n < 4 || !from_target(f, &from))
			continue;
		if (n == COOKIE_REPLY_LEN && le32(buf) == MSG_COOKIE) {
			f->cookies++;
			if (f->valid)
				valid_reply(f, le32(buf + 4));
		} else if (n == RESPONSE_LEN && le32(buf) == MSG_RESPONSE) {
			f->responses++;
			if (f->valid)
				valid_reply(f, le32(buf + 8));
		}
	}
}

/* After the last packet, until the replies have stopped (or at most 2 s). */
static void linger_replies(struct flood *f)
{
	uint64_t end = now_ns() + LINGER_MAX_MS * 1000000ULL;
	struct pollfd pfd = { .fd = f->rxfd, .events = POLLIN };

	for (;;) {
		uint64_t now = now_ns();
		int wait, n;

		if (now >= end)
			return;
		wait = (end - now) / 1000000 + 1;
		if (wait > LINGER_QUIET_MS)
			wait = LINGER_QUIET_MS;
		n = poll(&pfd, 1, wait);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("poll: %s", strerror(errno));
		if (!n)
			return;
		drain_replies(f);
	}
}

/* ---------------------------------------------------------------- flood */

/*
 * About a batch per millisecond: smooth at the time scale of a responder's
 * rate limits, yet one sleep per batch is cheap at high rates too.
 */
static unsigned int batch_size(unsigned long long rate)
{
	if (!rate || rate / 1000 >= MAX_BATCH)
		return MAX_BATCH;
	return rate < 1000 ? 1 : rate / 1000;
}

/* Packet n is due at start + n / rate; never sleeps past the deadline. */
static void pace(const struct flood *f)
{
	uint64_t due = f->start + f->sent * NSEC / f->rate;

	sleep_until(due < f->deadline ? due : f->deadline);
}

static void run(struct flood *f)
{
	unsigned int batch = batch_size(f->rate), i;

	f->start = now_ns();
	f->deadline = f->start + f->seconds * NSEC;
	while (f->sent < f->count) {
		if (f->rate)
			pace(f);
		if (now_ns() >= f->deadline)
			break;
		for (i = 0; i < batch && f->sent < f->count; i++) {
			if (!send_one(f))
				goto out;
			f->sent++;
		}
		/* the receive queue would overflow if left until the end */
		if (f->rxfd >= 0)
			drain_replies(f);
	}
out:
	f->elapsed = now_ns() - f->start;
}

/* ------------------------------------------------------ valid initiations */

static uint64_t unix_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The next peer's initiation, with a timestamp newer than its last one. */
static bool send_valid(struct flood *f)
{
	struct valid *v = &f->v;
	unsigned int i = v->next;
	struct vpeer *p = &v->peers[i];
	uint8_t msg[MSG_INIT_LEN];
	uint64_t ts = unix_ns();

	if (ts <= p->last_ts)
		ts = p->last_ts + 1;
	p->last_ts = ts;
	vpeer_build(f, p, f->sent + 1, ts, msg);
	if (!send_msg(f, f->spoof ? &f->src[i % f->nsrc] : NULL, msg))
		return false;
	p->last_sent = now_ns();
	v->sent_at[f->sent % RING] = p->last_sent;
	v->inflight++;
	v->next = (i + 1) % v->npeers;
	f->sent++;
	return true;
}

/* When the next initiation may go: --rate, and the next peer's pace. */
static uint64_t next_due(const struct flood *f)
{
	const struct vpeer *p = &f->v.peers[f->v.next];
	uint64_t due = p->last_sent ? p->last_sent + PEER_GAP_NS : 0;

	if (f->rate && f->start + f->sent * NSEC / f->rate > due)
		due = f->start + f->sent * NSEC / f->rate;
	return due;
}

/*
 * Sends what the window, the rate and the peers' pace allow. Returns when
 * to look again (at the latest, when the oldest in flight times out), or
 * 0 if the deadline came while sending.
 */
static uint64_t send_allowed(struct flood *f)
{
	struct valid *v = &f->v;
	uint64_t wake = f->deadline, due, timeout;

	while (f->sent < f->count && v->inflight < v->window && f->sent - v->oldest < RING) {
		due = next_due(f);
		if (due > now_ns())
			return due < wake ? due : wake;
		if (!send_valid(f))
			return 0;
	}
	if (v->inflight) {
		timeout = v->sent_at[v->oldest % RING] + ANSWER_TIMEOUT_NS;
		if (timeout < wake)
			wake = timeout;
	}
	return wake;
}

/* Until a reply arrives or the time comes; then takes in what arrived. */
static void wait_replies(struct flood *f, uint64_t until)
{
	struct pollfd pfd = { .fd = f->rxfd, .events = POLLIN };
	uint64_t now = now_ns(), left = until > now ? until - now : 0;
	struct timespec ts = { .tv_sec = left / NSEC, .tv_nsec = left % NSEC };

	if (ppoll(&pfd, 1, &ts, NULL) < 0 && errno != EINTR)
		die("ppoll: %s", strerror(errno));
	drain_replies(f);
}

/* Closed loop: keeps up to --window initiations unanswered (see the top). */
static void run_valid(struct flood *f)
{
	double cpu0 = cpu_seconds();
	uint64_t wake;

	f->start = now_ns();
	f->deadline = f->start + f->seconds * NSEC;
	while (f->sent < f->count && now_ns() < f->deadline) {
		expire(f, now_ns());
		wake = send_allowed(f);
		/* the deadline, or all sent: linger_replies() takes the rest */
		if (!wake || f->sent >= f->count)
			break;
		wait_replies(f, wake);
	}
	f->elapsed = now_ns() - f->start;
	f->responses_sending = f->responses;
	f->cpu = cpu_seconds() - cpu0;
}

static void report(const struct flood *f)
{
	unsigned long long used = f->sent < f->nsrc ? f->sent : f->nsrc;

	printf("sent %llu packets from %llu sources in %.3f s\n", f->sent, used,
	       f->elapsed / 1e9);
	if (f->rxfd >= 0)
		printf("received %llu cookie replies, %llu responses\n", f->cookies,
		       f->responses);
	if (f->valid)
		printf("answered %llu in %.3f s: %.1f per second; %llu unanswered; own CPU %.3f s\n",
		       f->responses_sending, f->elapsed / 1e9,
		       f->elapsed ? f->responses_sending * 1e9 / f->elapsed : 0.0,
		       f->sent - f->v.answered, f->cpu);
	if (f->retries)
		fprintf(stderr, "wgc-flood: %llu sends retried after ENOBUFS/EAGAIN\n",
			f->retries);
}

/* ------------------------------------------------------------ self-test */

static bool check(const char *name, const uint8_t *got, size_t len, const char *want)
{
	char hex[2 * 64 + 1];
	size_t i;

	for (i = 0; i < len && i < 64; i++)
		sprintf(hex + 2 * i, "%02x", got[i]);
	hex[2 * i] = '\0';
	if (!strcmp(hex, want)) {
		printf("ok   %s\n", name);
		return true;
	}
	printf("FAIL %s\n     got  %s\n     want %s\n", name, hex, want);
	return false;
}

static const struct kat {
	const char *name;
	bool keyed;		/* key 00 01 .. 1f, as in the BLAKE2 KAT files */
	const char *text;	/* the message, or NULL for: */
	size_t seq_len;		/* the bytes 00 01 02 .. seq_len - 1 */
	size_t outlen;
	const char *hex;
} kats[] = {
	{ "RFC 7693 appendix B: BLAKE2s-256(\"abc\")", false, "abc", 0, 32,
	  "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982" },
	{ "BLAKE2s-256(\"\")", false, "", 0, 32,
	  "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9" },
	/* blake2s-kat.txt of the BLAKE2 reference code: keyed, 0, 1, 255 bytes */
	{ "blake2s-kat keyed, empty message", true, NULL, 0, 32,
	  "48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49" },
	{ "blake2s-kat keyed, 1-byte message", true, NULL, 1, 32,
	  "40d15fee7c328830166ac3f918650f807e7e01e177258cdc0a39b11f598066f1" },
	{ "blake2s-kat keyed, 255-byte message", true, NULL, 255, 32,
	  "3fb735061abc519dfe979e54c1ee5bfad0a9d858b3315bad34bde999efd724dd" },
	/* not published: computed with Python's hashlib (the reference code) */
	{ "keyed, 16-byte tag of \"abc\"", true, "abc", 0, 16,
	  "61ba5f165c194692e09d12520cc4c74a" },
};

static bool check_kat(const struct kat *k)
{
	uint8_t key[KEY_LEN], msg[256], out[32];
	size_t len = k->text ? strlen(k->text) : k->seq_len, i;
	EVP_MAC_CTX *ctx;
	bool ok;

	for (i = 0; i < sizeof(key); i++)
		key[i] = i;
	for (i = 0; i < len; i++)
		msg[i] = k->text ? (uint8_t)k->text[i] : i;
	if (!k->keyed) {
		blake2s256(out, msg, len);
		return check(k->name, out, 32, k->hex);
	}
	ctx = mac_new(key, sizeof(key), k->outlen);
	mac_tag(ctx, msg, len, out, k->outlen);
	ok = check(k->name, out, k->outlen, k->hex);
	/* again, as every packet after the first re-initialises the context */
	mac_tag(ctx, msg, len, out, k->outlen);
	ok &= check("  ... and again with the same context", out, k->outlen, k->hex);
	EVP_MAC_CTX_free(ctx);
	return ok;
}

/*
 * The whole mac1 path with public key 00 01 .. 1f (given in base64) and the
 * message 01 00 00 00 04 05 .. 73; the answers are from Python's hashlib:
 *   k1 = blake2s(b"mac1----" + pub).digest()
 *   blake2s(msg, key=k1, digest_size=16).hexdigest()
 */
static bool check_mac1(void)
{
	struct flood f = { .bad_mac1 = false };
	uint8_t k1[KEY_LEN], msg[MAC1_OFF], tag[MAC_LEN];
	bool ok;
	int i;

	ok = base64_decode("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", f.pubkey,
			   sizeof(f.pubkey)) == KEY_LEN;
	for (i = 0; ok && i < KEY_LEN; i++)
		ok = f.pubkey[i] == i;
	printf("%s base64 public key\n", ok ? "ok  " : "FAIL");
	mac1_key(f.pubkey, k1);
	ok &= check("mac1 key", k1, KEY_LEN,
		    "4fb2527ac956001553dc1ad9b55171b7d9daa3de1cdbcd71451830170c7e6cac");
	for (i = 0; i < MAC1_OFF; i++)
		msg[i] = i < 4 ? (i == 0) : i;
	f.mac1 = mac1_ctx(f.pubkey);
	mac_tag(f.mac1, msg, sizeof(msg), tag, sizeof(tag));
	ok &= check("mac1", tag, sizeof(tag), "44a5276c0c75b37d5cfede7eaeb9cf59");
	EVP_MAC_CTX_free(f.mac1);
	return ok;
}

/*
 * HMAC-BLAKE2s, and a whole initiation from fixed keys: initiator static
 * 01 02 .. 20, ephemeral 41 42 .. 60, responder static 81 82 .. a0, sender
 * index 0x01020304, timestamp 1700000000.123456789 (Unix). The answers are
 * from an independent Python implementation (hashlib, hmac and the
 * "cryptography" package's X25519 and ChaCha20-Poly1305).
 */
static bool check_initiation(void)
{
	uint8_t key[KEY_LEN], priv[KEY_LEN], msg[MSG_INIT_LEN], out[KEY_LEN];
	struct flood f = { .v.aead = EVP_CIPHER_CTX_new() };
	EVP_PKEY *s, *e, *r;
	struct vpeer p;
	bool ok;
	int i;

	for (i = 0; i < KEY_LEN; i++)
		key[i] = i;
	hmac_blake2s(out, key, sizeof(key), (const uint8_t *)"abc", 3);
	ok = check("HMAC-BLAKE2s, key 00 01 .. 1f, \"abc\"", out, KEY_LEN,
		   "82623be5bc0a391b24dce53e67d028eff92d586de0485ac37822e597d049c74f");
	for (i = 0; i < KEY_LEN; i++)
		priv[i] = 0x81 + i;
	r = x25519_private(priv);
	x25519_public(r, f.pubkey);
	for (i = 0; i < KEY_LEN; i++)
		priv[i] = 0x01 + i;
	s = x25519_private(priv);
	for (i = 0; i < KEY_LEN; i++)
		priv[i] = 0x41 + i;
	e = x25519_private(priv);
	if (!f.v.aead)
		crypto_fail("EVP_CIPHER_CTX_new");
	f.mac1 = mac1_ctx(f.pubkey);
	vpeer_init(&p, f.v.aead, s, e, f.pubkey);
	vpeer_build(&f, &p, 0x01020304, 1700000000 * NSEC + 123456789, msg);
	ok &= check("initiation: its mac1", msg + MAC1_OFF, MAC_LEN,
		    "82da1b70aa8f47fb860ccdf6420c437d");
	blake2s256(out, msg, sizeof(msg));
	ok &= check("initiation: BLAKE2s-256 of all of it", out, KEY_LEN,
		    "8d387ebd45e9cda5503644313bca8d0226271d213a7ea7fb924c9c7e66b14ecc");
	EVP_PKEY_free(r);
	EVP_PKEY_free(s);
	EVP_PKEY_free(e);
	EVP_MAC_CTX_free(f.mac1);
	EVP_CIPHER_CTX_free(f.v.aead);
	return ok;
}

static bool self_test(void)
{
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kats); i++)
		ok &= check_kat(&kats[i]);
	ok &= check_mac1();
	ok &= check_initiation();
	printf("self-test %s\n", ok ? "passed" : "FAILED");
	return ok;
}

int main(int argc, char **argv)
{
	struct flood f = {
		.source_port = -1,
		.seconds = DEF_SECONDS,
		.nsrc = 1,
		.fd = -1,
		.rxfd = -1,
		.v.window = DEF_WINDOW,
	};

	if (parse_args(&f, argc, argv))
		return self_test() ? 0 : 1;
	f.mac1 = mac1_ctx(f.pubkey);
	if (f.spoof) {
		make_sources(&f);
		open_raw(&f);
		if (f.valid)
			open_reply_socket(&f);
	} else {
		open_udp(&f);
	}
	if (f.valid)
		run_valid(&f);
	else
		run(&f);
	if (f.rxfd >= 0)
		linger_replies(&f);
	report(&f);
	return 0;
}
