// SPDX-License-Identifier: GPL-2.0
/*
 * wgc-flood's network side: addresses, the test ranges it keeps to, the
 * spoofed sources, raw IPv4 and IPv6 packets, the sockets, sending, and
 * the replies: received, counted and matched to the initiations.
 */

#define _GNU_SOURCE	/* sendmmsg() */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "flood.h"
#include "flood-crypto.h"
#include "flood-net.h"

#ifndef IPV6_HDRINCL
#define IPV6_HDRINCL 36
#endif

/* ------------------------------------------------------------ addresses */

int addr_bits(const struct addr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

/* An IPv4 or IPv6 address; IPv6 may name its scope: fe80::1%eth0. */
bool parse_addr(const char *s, struct addr *a)
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
bool parse_prefix(const char *s, struct addr *a, int *plen)
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
bool is_test_net(const struct addr *a, int plen)
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
uint64_t prefix_sources(const struct addr *prefix, int plen)
{
	int host = addr_bits(prefix) - plen;

	if (!host)
		return 1;
	if (host >= 32)
		return UINT64_MAX;
	return (1ULL << host) - 1 - (prefix->family == AF_INET && host >= 2);
}

void __noreturn refuse(const char *what, const char *s)
{
	size_t i;

	fprintf(stderr, "wgc-flood: refusing %s %s: it is in none of the test ranges", what, s);
	for (i = 0; i < ARRAY_SIZE(test_nets); i++)
		fprintf(stderr, " %s/%d", test_nets[i].net, test_nets[i].len);
	fprintf(stderr, "\n");
	exit(2);
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
	static uint16_t id;

	if (!id)
		rand_bytes(&id, sizeof(id));
	id++;
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = sizeof(*ip) / 4;
	ip->tot_len = htons(len);
	ip->id = htons(id);
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

/* Above the ports of system services, and never 0. */
static uint16_t random_port(void)
{
	uint16_t r;

	rand_bytes(&r, sizeof(r));
	return 1024 + r % (65536 - 1024);
}

void make_sources(struct flood *f)
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

void open_raw(struct flood *f)
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

void open_udp(struct flood *f)
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
void open_reply_socket(struct flood *f)
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
 * After a send failed (errno): a full queue (ENOBUFS from the qdisc,
 * EAGAIN) is waited out, as a real flood would just keep going, and an
 * interrupted call tried again. Returns false if the deadline came first;
 * any other error ends the run.
 */
static bool send_again(struct flood *f, const char *call)
{
	if (errno == EINTR)
		return true;
	if (errno != ENOBUFS && errno != EAGAIN)
		die("%s: %s", call, strerror(errno));
	f->retries++;
	if (now_ns() >= f->deadline)
		return false;
	sleep_until(now_ns() + RETRY_SLEEP_NS);
	return true;
}

static bool send_packet(struct flood *f, const void *buf, size_t len)
{
	for (;;) {
		ssize_t n = sendto(f->fd, buf, len, 0, &f->dst.sa, f->dstlen);

		if (n == (ssize_t)len)
			return true;
		if (n >= 0)
			die("sendto: sent %zd of %zu bytes", n, len);
		if (!send_again(f, "sendto"))
			return false;
	}
}

/* The initiation msg, from source s if spoofing. */
bool send_msg(struct flood *f, const struct source *s, const uint8_t *msg)
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

/* Packet seq of this job: its number among all the jobs' packets. */
static unsigned long long global_number(const struct flood *f, unsigned long long seq)
{
	return seq * f->jobs + f->job;
}

/*
 * The n initiations from this job's packet seq on, with one sendmmsg() as
 * far as the kernel takes them; a full queue is waited out (send_again()).
 * Packet g (global_number()) is pool[g % POOL] from source
 * g % nsrc. Returns how many went, fewer than n only if the deadline came.
 */
unsigned int send_batch(struct flood *f, unsigned long long seq, unsigned int n)
{
	static union {
		uint8_t b[PKT_MAX];
		uint64_t align;
	} pkt[MAX_BATCH];
	struct mmsghdr mm[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	unsigned int i, done = 0;
	int ret;

	for (i = 0; i < n; i++) {
		unsigned long long g = global_number(f, seq + i);
		const uint8_t *msg = f->pool[g % POOL];
		const struct source *s = f->spoof ? &f->src[g % f->nsrc] : NULL;

		if (!s) {
			iov[i].iov_base = (void *)msg;
			iov[i].iov_len = MSG_INIT_LEN;
		} else {
			iov[i].iov_base = pkt[i].b;
			iov[i].iov_len = f->target.family == AF_INET ?
					 build_ipv4(f, s, msg, pkt[i].b) :
					 build_ipv6(f, s, msg, pkt[i].b);
		}
		memset(&mm[i], 0, sizeof(mm[i]));
		mm[i].msg_hdr.msg_name = &f->dst.sa;
		mm[i].msg_hdr.msg_namelen = f->dstlen;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	while (done < n) {
		ret = sendmmsg(f->fd, mm + done, n - done, 0);
		if (ret > 0) {
			done += ret;
			continue;
		}
		if (ret == 0)
			die("sendmmsg sent nothing");
		if (!send_again(f, "sendmmsg"))
			break;
	}
	return done;
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
void expire(struct flood *f, uint64_t now)
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

void drain_replies(struct flood *f)
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
void linger_replies(struct flood *f)
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
