// SPDX-License-Identifier: GPL-2.0
/*
 * pcap-replay: sends an IP packet from a capture file again, byte for byte,
 * so selftests can replay what an attacker on the path would have recorded.
 *
 *   pcap-replay [-u TYPE] [-n N] [-c COUNT] [-g] [-x] FILE
 *
 * FILE is a classic pcap file as `tcpdump -w` writes it (Ethernet, Linux
 * cooked v1/v2 or raw IP link types). The packet sent is the Nth (default
 * the first) IPv4 or IPv6 packet of the file; with -u, only UDP packets whose
 * payload begins with byte TYPE count (4: a WireGuard data message). It goes
 * out COUNT times (default 1) through a raw socket that takes the whole IP
 * header from us (IPPROTO_RAW, IP_HDRINCL / IPV6_HDRINCL), routed by its
 * destination address from the namespace the tool runs in. One line says
 * what was sent; -x prints the packet in hex instead of sending it. Exit
 * status: 0 sent, 1 no such packet or an error, 2 usage.
 *
 * With -g (a UDP packet; COUNT at most 64), the COUNT copies of its UDP
 * payload go to its destination address and port in one send of a UDP
 * socket, as a UDP GSO packet (UDP_SEGMENT), from an ephemeral port of
 * the namespace's own address: the stack (or a NIC) cuts it into COUNT
 * back-to-back datagrams, which a receiver doing GRO merges into one
 * again. A WireGuard receiver looks at a data message's index, not at the
 * address it came from.
 *
 * The one thing changed is a UDP checksum left to offload: a capture taken
 * on a veth (or before a NIC) holds only the pseudo-header sum there, which
 * the receiver would reject before any tunnel code saw the packet. It is
 * replaced by the checksum the datagram carries on a real wire (an IPv4
 * checksum of zero, "none", is left alone).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IPV6_HDRINCL
#define IPV6_HDRINCL 36
#endif

enum {
	LINKTYPE_NULL = 0,
	LINKTYPE_ETHERNET = 1,
	LINKTYPE_RAW_OLD1 = 12,
	LINKTYPE_RAW_OLD2 = 14,
	LINKTYPE_RAW = 101,
	LINKTYPE_LINUX_SLL = 113,
	LINKTYPE_IPV4 = 228,
	LINKTYPE_IPV6 = 229,
	LINKTYPE_LINUX_SLL2 = 276,
};

struct capture {
	FILE *f;
	bool swapped;
	uint32_t linktype;
};

static uint32_t get32(const struct capture *c, const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return c->swapped ? __builtin_bswap32(v) : v;
}

static uint16_t be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int open_capture(struct capture *c, const char *path)
{
	unsigned char hdr[24];
	uint32_t magic;

	c->f = fopen(path, "rb");
	if (!c->f) {
		fprintf(stderr, "pcap-replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fread(hdr, sizeof(hdr), 1, c->f) != 1) {
		fprintf(stderr, "pcap-replay: %s: too short for a pcap file\n", path);
		return -1;
	}
	memcpy(&magic, hdr, sizeof(magic));
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
		c->swapped = false;
	} else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
		c->swapped = true;
	} else {
		fprintf(stderr, "pcap-replay: %s: not a pcap file (pcapng is not supported)\n", path);
		return -1;
	}
	c->linktype = get32(c, hdr + 20) & 0x0fffffff;
	return 0;
}

/*
 * Reads the next record; returns its length (0 at the end of the file, -1
 * on a truncated file) and leaves the bytes in buf.
 */
static int next_record(struct capture *c, unsigned char *buf, size_t size)
{
	unsigned char rec[16];
	uint32_t len;

	if (fread(rec, sizeof(rec), 1, c->f) != 1)
		return 0;
	len = get32(c, rec + 8);
	if (len > size || (len && fread(buf, len, 1, c->f) != 1)) {
		fprintf(stderr, "pcap-replay: truncated or oversized record (%u bytes)\n", len);
		return -1;
	}
	return (int)len;
}

/* Where the IP header starts in a frame of the capture's link type, or -1. */
static int ip_offset(const struct capture *c, const unsigned char *p, int len)
{
	int off;
	uint16_t proto;

	switch (c->linktype) {
	case LINKTYPE_ETHERNET:
		off = 14;
		if (len < off)
			return -1;
		proto = be16(p + 12);
		while ((proto == 0x8100 || proto == 0x88a8) && len >= off + 4) {
			proto = be16(p + off + 2);
			off += 4;
		}
		return proto == 0x0800 || proto == 0x86dd ? off : -1;
	case LINKTYPE_LINUX_SLL:
		return len >= 16 && (be16(p + 14) == 0x0800 || be16(p + 14) == 0x86dd) ? 16 : -1;
	case LINKTYPE_LINUX_SLL2:
		return len >= 20 && (be16(p) == 0x0800 || be16(p) == 0x86dd) ? 20 : -1;
	case LINKTYPE_NULL:
		return 4;
	case LINKTYPE_RAW:
	case LINKTYPE_RAW_OLD1:
	case LINKTYPE_RAW_OLD2:
	case LINKTYPE_IPV4:
	case LINKTYPE_IPV6:
		return 0;
	default:
		return -1;
	}
}

/*
 * Checks an IP packet; returns its IP version (4 or 6) if it is whole and,
 * with want_type >= 0, a UDP packet whose payload starts with that byte.
 * *udp_off gets the offset of the UDP header (or 0).
 */
static int classify(const unsigned char *ip, int len, int want_type, int *udp_off)
{
	int version, hlen, proto, total;

	*udp_off = 0;
	if (len < 1)
		return 0;
	version = ip[0] >> 4;
	if (version == 4) {
		if (len < 20)
			return 0;
		hlen = (ip[0] & 0x0f) * 4;
		total = be16(ip + 2);
		proto = ip[9];
		/* a later fragment carries no UDP header */
		if (hlen < 20 || total < hlen || total > len || (be16(ip + 6) & 0x1fff))
			proto = -1;
	} else if (version == 6) {
		if (len < 40)
			return 0;
		hlen = 40;
		total = 40 + be16(ip + 4);
		proto = ip[6];
		if (total > len)
			return 0;
	} else {
		return 0;
	}
	if (proto == IPPROTO_UDP && total >= hlen + 8)
		*udp_off = hlen;
	if (want_type < 0)
		return version;
	if (!*udp_off || total < hlen + 9 || ip[hlen + 8] != want_type)
		return 0;
	return version;
}

static uint32_t sum16(uint32_t sum, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += be16(p + i);
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

/* Writes the correct UDP checksum; returns whether it changed. */
static bool fix_udp_checksum(unsigned char *ip, int version, int udp_off)
{
	unsigned char *udp = ip + udp_off, pseudo[40] = { 0 };
	uint16_t ulen = be16(udp + 4), old = be16(udp + 6), sum;
	uint32_t acc;

	if (ulen < 8 || (version == 4 && !old))
		return false;
	if (version == 4) {
		memcpy(pseudo, ip + 12, 8);
		pseudo[9] = IPPROTO_UDP;
		pseudo[10] = ulen >> 8;
		pseudo[11] = ulen & 0xff;
		acc = sum16(0, pseudo, 12);
	} else {
		memcpy(pseudo, ip + 8, 32);
		pseudo[34] = ulen >> 8;
		pseudo[35] = ulen & 0xff;
		pseudo[39] = IPPROTO_UDP;
		acc = sum16(0, pseudo, 40);
	}
	udp[6] = udp[7] = 0;
	acc = sum16(acc, udp, ulen);
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	sum = ~acc & 0xffff;
	if (!sum)
		sum = 0xffff;
	udp[6] = sum >> 8;
	udp[7] = sum & 0xff;
	return sum != old;
}

/* The packet's destination address, and port if @port (network order). */
static socklen_t destination(const unsigned char *ip, int version, const unsigned char *port,
			     struct sockaddr_storage *dst)
{
	memset(dst, 0, sizeof(*dst));
	if (version == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)dst;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, ip + 16, 4);
		if (port)
			memcpy(&sin->sin_port, port, 2);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)dst;

	sin6->sin6_family = AF_INET6;
	memcpy(&sin6->sin6_addr, ip + 24, 16);
	if (port)
		memcpy(&sin6->sin6_port, port, 2);
	return sizeof(*sin6);
}

static int send_packet(const unsigned char *ip, int len, int version, int count)
{
	struct sockaddr_storage dst;
	socklen_t dlen = destination(ip, version, NULL, &dst);
	int fd, one = 1, i;

	if (version == 4) {
		fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
		if (fd >= 0 && setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0)
			goto sockopt_err;
	} else {
		fd = socket(AF_INET6, SOCK_RAW, IPPROTO_RAW);
		/* IPPROTO_RAW implies it since Linux 4.5; say it anyway */
		if (fd >= 0 && setsockopt(fd, IPPROTO_IPV6, IPV6_HDRINCL, &one, sizeof(one)) < 0 &&
		    errno != ENOPROTOOPT)
			goto sockopt_err;
	}
	if (fd < 0) {
		fprintf(stderr, "pcap-replay: raw socket: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < count; i++) {
		if (sendto(fd, ip, len, 0, (struct sockaddr *)&dst, dlen) != len) {
			fprintf(stderr, "pcap-replay: sendto: %s\n", strerror(errno));
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;

sockopt_err:
	fprintf(stderr, "pcap-replay: setsockopt: %s\n", strerror(errno));
	close(fd);
	return -1;
}

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif

/* -g: COUNT copies of the UDP payload, as one UDP GSO send. */
static int send_train(const unsigned char *ip, int len, int version, int udp_off, int count)
{
	const unsigned char *payload = ip + udp_off + 8;
	int fd, plen = be16(ip + udp_off + 4) - 8, size, i;
	static unsigned char train[65536];
	struct sockaddr_storage dst;
	socklen_t dlen;

	if (!udp_off || plen <= 0 || udp_off + 8 + plen > len || count > 64 ||
	    (size_t)plen * count > sizeof(train) - 8) {
		fprintf(stderr, "pcap-replay: -g needs a UDP packet, at most 64 copies of at most 64 KiB\n");
		return -1;
	}
	dlen = destination(ip, version, ip + udp_off + 2, &dst);
	for (i = 0; i < count; i++)
		memcpy(train + i * plen, payload, plen);
	size = plen * count;
	fd = socket(dst.ss_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		fprintf(stderr, "pcap-replay: UDP socket: %s\n", strerror(errno));
		return -1;
	}
	if (count > 1 && setsockopt(fd, SOL_UDP, UDP_SEGMENT, &plen, sizeof(plen)) < 0) {
		fprintf(stderr, "pcap-replay: UDP_SEGMENT: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	if (sendto(fd, train, size, 0, (struct sockaddr *)&dst, dlen) != size) {
		fprintf(stderr, "pcap-replay: sendto: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static void describe(const unsigned char *ip, int len, int version, int udp_off, int count,
		     bool fixed)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	int af = version == 4 ? AF_INET : AF_INET6;

	inet_ntop(af, ip + (version == 4 ? 12 : 8), src, sizeof(src));
	inet_ntop(af, ip + (version == 4 ? 16 : 24), dst, sizeof(dst));
	if (udp_off && len > udp_off + 8)
		printf("sent %d x IPv%d UDP %s:%u -> %s:%u, %d bytes, payload type %u%s\n", count,
		       version, src, be16(ip + udp_off), dst, be16(ip + udp_off + 2), len,
		       ip[udp_off + 8], fixed ? " (offloaded UDP checksum filled in)" : "");
	else
		printf("sent %d x IPv%d %s -> %s, %d bytes\n", count, version, src, dst, len);
}

static void usage(void)
{
	fprintf(stderr, "usage: pcap-replay [-u TYPE] [-n N] [-c COUNT] [-g] [-x] FILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static unsigned char buf[262144];
	int want_type = -1, nth = 1, count = 1, opt, len, off, version, udp_off;
	bool fixed = false, dry_run = false, train = false;
	struct capture c;

	while ((opt = getopt(argc, argv, "u:n:c:gx")) != -1) {
		switch (opt) {
		case 'u':
			want_type = atoi(optarg);
			if (want_type < 0 || want_type > 255)
				usage();
			break;
		case 'n':
			nth = atoi(optarg);
			break;
		case 'c':
			count = atoi(optarg);
			break;
		case 'g':
			train = true;
			break;
		case 'x':
			dry_run = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || nth < 1 || count < 1)
		usage();
	if (open_capture(&c, argv[optind]))
		return 1;

	while ((len = next_record(&c, buf, sizeof(buf))) > 0) {
		off = ip_offset(&c, buf, len);
		if (off < 0)
			continue;
		version = classify(buf + off, len - off, want_type, &udp_off);
		if (!version || --nth)
			continue;
		/* the IP packet's own length: link layers may pad the frame */
		len = version == 4 ? be16(buf + off + 2) : 40 + be16(buf + off + 4);
		if (udp_off && be16(buf + off + udp_off + 4) <= len - udp_off)
			fixed = fix_udp_checksum(buf + off, version, udp_off);
		if (dry_run) {
			for (opt = 0; opt < len; opt++)
				printf("%02x", buf[off + opt]);
			printf("\n");
			return 0;
		}
		if (train) {
			if (send_train(buf + off, len, version, udp_off, count))
				return 1;
			printf("sent %d x the UDP payload (type %u) as one UDP GSO packet\n", count,
			       udp_off && len > udp_off + 8 ? buf[off + udp_off + 8] : 0);
			return 0;
		}
		if (send_packet(buf + off, len, version, count))
			return 1;
		describe(buf + off, len, version, udp_off, count, fixed);
		return 0;
	}
	if (len == 0)
		fprintf(stderr, "pcap-replay: %s: no matching IP packet (link type %u)\n",
			argv[optind], c.linktype);
	return 1;
}
