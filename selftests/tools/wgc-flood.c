// SPDX-License-Identifier: GPL-2.0
/*
 * wgc-flood: floods a WireGuard responder (wgc or wireguard.ko) with
 * handshake initiations, so VM selftests can watch it under load: cookie
 * replies, the MAC1 check, per-source rate limits.
 *
 *   wgc-flood --target ADDR --port PORT --public-key BASE64 --count N
 *             [--sources CIDR [--num-sources M]] [--source-port P]
 *             [--from ADDR] [--rate PPS] [--seconds S] [--bad-mac1]
 *   wgc-flood --self-test
 *
 * Every packet is a 148-byte initiation (type 1) whose sender index,
 * ephemeral key, encrypted static and encrypted timestamp are random; mac1
 * is valid for the responder's public key (spoilt by one bit with
 * --bad-mac1), mac2 is zero. The responder can never complete such a
 * handshake, but it has to check mac1 and, when under load, answer with a
 * cookie reply.
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
 * --sources):
 *   sent N packets from M sources in S.SSS s
 *   received C cookie replies, R responses
 * S is the time spent sending. Sending stops after --count packets or
 * --seconds (default 30), whichever comes first. Full send queues
 * (ENOBUFS, EAGAIN) are waited out and retried; how often is said on
 * standard error. Exit status: 0 done, 1 error, 2 usage or a refused target.
 *
 * Safety: this tool only ever targets test addresses. It refuses any target
 * (and any --sources prefix) outside the private and documentation ranges
 * 10/8, 172.16/12, 192.168/16, 127/8, 169.254/16, 192.0.2/24, 198.18/15,
 * 198.51.100/24, 203.0.113/24, 100.64/10, ::1, fc00::/7, fe80::/10 and
 * 2001:db8::/32, and caps --count at 10,000,000 and --seconds at 120. It is
 * meant for the network namespaces of the selftest VM.
 *
 * The BLAKE2s code is OpenSSL 3's; --self-test checks it against published
 * and independently computed answers.
 */

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
#define MAC1_OFF		116	/* mac1 covers the bytes before it */
#define MAC2_OFF		132
#define MAC_LEN			16
#define KEY_LEN			32
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

struct flood {
	/* what the command line asks for */
	struct addr target, from, prefix;
	int plen;
	bool spoof, have_from, bad_mac1;
	uint16_t port;
	int source_port;		/* -1: random per source */
	unsigned long long count, rate;
	unsigned int seconds, nsrc;
	uint8_t pubkey[KEY_LEN];

	/* while it runs */
	EVP_MAC_CTX *mac1;
	struct source *src;
	int fd;
	union sockaddr_any dst;
	socklen_t dstlen;
	uint64_t start, deadline, elapsed;
	unsigned long long sent, retries, cookies, responses;
};

/* --------------------------------------------------------------- errors */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: wgc-flood --target ADDR --port PORT --public-key BASE64 --count N [OPTION...]\n"
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
		"  --self-test        check the BLAKE2s code against known answers\n",
		MAX_COUNT, DEF_SECONDS, MAX_SECONDS);
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
	OPT_BAD_MAC1, OPT_SELF_TEST,
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
	const char *target, *pubkey, *sources, *from;
	bool have_port, have_count, have_nsrc, self_test;
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

/* Returns true for --self-test; exits on a usage error. */
static bool parse_args(struct flood *f, int argc, char **argv)
{
	struct args a = { 0 };

	read_options(f, &a, argc, argv);
	if (a.self_test)
		return true;
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

/* UDP header and initiation at udp; returns the UDP length. */
static size_t build_udp(const struct flood *f, const struct source *s, struct udphdr *udp)
{
	size_t len = sizeof(*udp) + MSG_INIT_LEN;
	uint16_t sum;

	build_init(f, (uint8_t *)(udp + 1));
	udp->source = htons(s->port);
	udp->dest = htons(f->port);
	udp->len = htons(len);
	udp->check = 0;
	sum = csum_fold(csum_add(pseudo_sum(&s->addr, &f->target, len), udp, len));
	/* 0 would mean "no checksum" (not allowed at all in IPv6): 0xffff is its twin */
	udp->check = htons(sum ? sum : 0xffff);
	return len;
}

static size_t build_ipv4(const struct flood *f, const struct source *s, uint8_t *pkt)
{
	struct iphdr *ip = (struct iphdr *)pkt;
	size_t len = sizeof(*ip) + build_udp(f, s, (struct udphdr *)(ip + 1));
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

static size_t build_ipv6(const struct flood *f, const struct source *s, uint8_t *pkt)
{
	struct ip6_hdr *ip6 = (struct ip6_hdr *)pkt;
	size_t udplen = build_udp(f, s, (struct udphdr *)(ip6 + 1));

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

static bool send_one(struct flood *f)
{
	union {
		uint8_t b[PKT_MAX];
		uint64_t align;
	} pkt;
	const struct source *s;
	size_t len;

	if (!f->spoof) {
		build_init(f, pkt.b);
		return send_packet(f, pkt.b, MSG_INIT_LEN);
	}
	s = &f->src[f->sent % f->nsrc];
	if (f->target.family == AF_INET)
		len = build_ipv4(f, s, pkt.b);
	else
		len = build_ipv6(f, s, pkt.b);
	return send_packet(f, pkt.b, len);
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
		ssize_t n = recvfrom(f->fd, buf, sizeof(buf), MSG_DONTWAIT, &from.sa, &flen);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			die("recvfrom: %s", strerror(errno));
		}
		if (n < 4 || !from_target(f, &from))
			continue;
		if (n == COOKIE_REPLY_LEN && le32(buf) == MSG_COOKIE)
			f->cookies++;
		else if (n == RESPONSE_LEN && le32(buf) == MSG_RESPONSE)
			f->responses++;
	}
}

/* After the last packet, until the replies have stopped (or at most 2 s). */
static void linger_replies(struct flood *f)
{
	uint64_t end = now_ns() + LINGER_MAX_MS * 1000000ULL;
	struct pollfd pfd = { .fd = f->fd, .events = POLLIN };

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
		if (!f->spoof)
			drain_replies(f);
	}
out:
	f->elapsed = now_ns() - f->start;
}

static void report(const struct flood *f)
{
	unsigned long long used = f->sent < f->nsrc ? f->sent : f->nsrc;

	printf("sent %llu packets from %llu sources in %.3f s\n", f->sent, used,
	       f->elapsed / 1e9);
	if (!f->spoof)
		printf("received %llu cookie replies, %llu responses\n", f->cookies,
		       f->responses);
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

static bool self_test(void)
{
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kats); i++)
		ok &= check_kat(&kats[i]);
	ok &= check_mac1();
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
	};

	if (parse_args(&f, argc, argv))
		return self_test() ? 0 : 1;
	f.mac1 = mac1_ctx(f.pubkey);
	if (f.spoof) {
		make_sources(&f);
		open_raw(&f);
	} else {
		open_udp(&f);
	}
	run(&f);
	if (!f.spoof)
		linger_replies(&f);
	report(&f);
	return 0;
}
