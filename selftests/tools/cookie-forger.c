// SPDX-License-Identifier: GPL-2.0
/*
 * cookie-forger: plays a WireGuard responder under load that answers every
 * handshake initiation with a cookie reply, so selftests can see what an
 * initiator does with cookie replies: whether it retries at once, with a
 * MAC2, and whether replies it did not expect make it send more.
 *
 *   cookie-forger --listen ADDR --port PORT --public-key BASE64
 *                 [--seconds S] [--copies N]
 *
 * It binds a UDP socket to ADDR:PORT and, for S seconds (default 10),
 * answers each 148-byte initiation (type 1) with N (default 1) cookie
 * replies, each with its own random cookie and nonce. A reply is what a
 * responder whose public key is BASE64 would send: the cookie sealed with
 * XChaCha20-Poly1305 under BLAKE2s("cookie--" || public key), with the
 * initiation's MAC1 as associated data, addressed to its sender index. So
 * it is valid for the initiator, yet anyone who saw the initiation and
 * knows the public key can make it: a forgery.
 *
 * Output, on standard output, a line per initiation, then a summary:
 *   initiation I at T.TTT s: mac2 yes|no, D.DDD s after the last reply
 *   initiations I, with a mac2 M, replies R
 * (the first initiation says "first" instead of the time after a reply).
 * Exit status: 0 done, 1 error, 2 usage.
 *
 * Cryptography: BLAKE2s from OpenSSL 3's libcrypto, XChaCha20-Poly1305,
 * random bytes and base64 from libsodium.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define INIT_LEN	148
#define SENDER_OFF	4
#define MAC1_OFF	116
#define MAC2_OFF	132
#define MAC_LEN		16
#define KEY_LEN		32
#define COOKIE_LEN	16
#define NONCE_LEN	24
#define REPLY_LEN	(8 + NONCE_LEN + COOKIE_LEN + 16)
#define MAX_SECONDS	120
#define MAX_COPIES	100

static const char label_cookie[] = "cookie--";

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cookie-forger: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static void __attribute__((noreturn)) usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: cookie-forger --listen ADDR --port PORT --public-key BASE64\n"
		"                     [--seconds S] [--copies N]\n"
		"Answers each handshake initiation at ADDR:PORT with N cookie replies\n"
		"valid for the responder key BASE64, for S seconds (default 10).\n");
	exit(status);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) + (now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The key a responder seals its cookies with: BLAKE2s("cookie--" || key). */
static void cookie_key(uint8_t out[KEY_LEN], const uint8_t pub[KEY_LEN])
{
	uint8_t msg[sizeof(label_cookie) - 1 + KEY_LEN];
	unsigned int len = KEY_LEN;
	EVP_MD *md = EVP_MD_fetch(NULL, "BLAKE2S-256", NULL);

	if (!md)
		die("OpenSSL has no BLAKE2S-256");
	memcpy(msg, label_cookie, sizeof(label_cookie) - 1);
	memcpy(msg + sizeof(label_cookie) - 1, pub, KEY_LEN);
	if (!EVP_Digest(msg, sizeof(msg), out, &len, md, NULL) || len != KEY_LEN)
		die("BLAKE2S-256 failed");
	EVP_MD_free(md);
}

static void make_reply(uint8_t reply[REPLY_LEN], const uint8_t *init,
		       const uint8_t key[KEY_LEN])
{
	uint8_t cookie[COOKIE_LEN];
	unsigned long long clen;

	memset(reply, 0, 8);
	reply[0] = 3;
	memcpy(reply + 4, init + SENDER_OFF, 4);
	randombytes_buf(reply + 8, NONCE_LEN);
	randombytes_buf(cookie, sizeof(cookie));
	crypto_aead_xchacha20poly1305_ietf_encrypt(reply + 8 + NONCE_LEN, &clen,
						   cookie, sizeof(cookie),
						   init + MAC1_OFF, MAC_LEN, NULL,
						   reply + 8, key);
	if (clen != COOKIE_LEN + 16)
		die("XChaCha20-Poly1305 gave %llu bytes", clen);
}

static bool has_mac2(const uint8_t *init)
{
	int i;

	for (i = 0; i < MAC_LEN; i++)
		if (init[MAC2_OFF + i])
			return true;
	return false;
}

static int open_socket(const char *addr, unsigned int port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd;

	if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		len = sizeof(*v4);
	} else if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		len = sizeof(*v6);
	} else {
		fprintf(stderr, "cookie-forger: --listen: '%s' is not an address\n", addr);
		usage(2);
	}
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len))
		die("binding %s port %u: %s", addr, port, strerror(errno));
	return fd;
}

struct run {
	int fd;
	unsigned int copies, seconds;
	uint8_t key[KEY_LEN];
	unsigned long initiations, with_mac2, replies;
	double last_reply;	/* seconds since the start; < 0: none yet */
};

static void answer(struct run *r, const uint8_t *init,
		   const struct sockaddr_storage *from, socklen_t fromlen,
		   double at)
{
	uint8_t reply[REPLY_LEN];
	unsigned int i;

	r->initiations++;
	r->with_mac2 += has_mac2(init);
	printf("initiation %lu at %.3f s: mac2 %s, ", r->initiations, at,
	       has_mac2(init) ? "yes" : "no");
	if (r->last_reply < 0)
		printf("first\n");
	else
		printf("%.3f s after the last reply\n", at - r->last_reply);
	fflush(stdout);
	for (i = 0; i < r->copies; i++) {
		make_reply(reply, init, r->key);
		if (sendto(r->fd, reply, sizeof(reply), 0,
			   (const struct sockaddr *)from, fromlen) != sizeof(reply))
			die("sending a cookie reply: %s", strerror(errno));
		r->replies++;
	}
	r->last_reply = at;
}

static void serve(struct run *r)
{
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
	uint8_t buf[2048];
	struct sockaddr_storage from;
	struct timespec t0;
	socklen_t fromlen;
	double at;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((at = seconds_since(&t0)) < r->seconds) {
		int ms = (int)((r->seconds - at) * 1000) + 1;

		if (poll(&pfd, 1, ms) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (!(pfd.revents & POLLIN))
			continue;
		fromlen = sizeof(from);
		n = recvfrom(r->fd, buf, sizeof(buf), 0,
			     (struct sockaddr *)&from, &fromlen);
		if (n < 0)
			die("recvfrom: %s", strerror(errno));
		if (n != INIT_LEN || buf[0] != 1 || buf[1] || buf[2] || buf[3])
			continue;
		answer(r, buf, &from, fromlen, seconds_since(&t0));
	}
}

static unsigned long number(const char *opt, const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || errno || *end || v < 1 || v > max) {
		fprintf(stderr, "cookie-forger: %s: '%s' is not a number from 1 to %lu\n",
			opt, s, max);
		usage(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "public-key", required_argument, NULL, 'k' },
		{ "seconds", required_argument, NULL, 's' },
		{ "copies", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run r = { .copies = 1, .seconds = 10, .last_reply = -1 };
	const char *listen = NULL, *pubkey = NULL;
	uint8_t pub[KEY_LEN];
	unsigned long port = 0;
	size_t publen;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			listen = optarg;
			break;
		case 'p':
			port = number("--port", optarg, 65535);
			break;
		case 'k':
			pubkey = optarg;
			break;
		case 's':
			r.seconds = number("--seconds", optarg, MAX_SECONDS);
			break;
		case 'n':
			r.copies = number("--copies", optarg, MAX_COPIES);
			break;
		case 'h':
			usage(0);
		default:
			usage(2);
		}
	}
	if (optind < argc || !listen || !port || !pubkey)
		usage(2);
	if (sodium_init() < 0)
		die("libsodium failed to initialise");
	if (sodium_base642bin(pub, sizeof(pub), pubkey, strlen(pubkey), NULL,
			      &publen, NULL, sodium_base64_VARIANT_ORIGINAL) ||
	    publen != KEY_LEN) {
		fprintf(stderr, "cookie-forger: --public-key: '%s' is not 32 bytes in base64\n",
			pubkey);
		usage(2);
	}
	cookie_key(r.key, pub);
	r.fd = open_socket(listen, port);
	serve(&r);
	printf("initiations %lu, with a mac2 %lu, replies %lu\n",
	       r.initiations, r.with_mac2, r.replies);
	sodium_memzero(r.key, sizeof(r.key));
	return 0;
}
