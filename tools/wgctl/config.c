// SPDX-License-Identifier: GPL-2.0
/*
 * Value parsers for "wgctl set". They are strict on purpose: wg(8) wraps a
 * port of 65536 to 0 and strtoul() happily takes "-1", and a tunnel quietly
 * listening somewhere other than where the admin asked is worse than an
 * error message.
 */
/* For EAI_NODATA, one of the lookup failures not worth retrying. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"
#include "encoding.h"
#include "wgctl.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal 0..65535 and nothing else: no sign, no spaces, no hex. */
bool config_parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (!is_digit(*s))
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
		/* Stop before v can overflow on a very long string. */
		if (v > UINT16_MAX)
			return false;
	}
	*port = (uint16_t)v;
	return true;
}

/*
 * As wg(8) reads a mark: "off" in any case, "0x" and hex digits, or decimal
 * digits (a leading 0 does not mean octal), fitting 32 bits. strtoul()
 * itself skips leading spaces and negates "-1" into a huge value, so insist
 * on a leading digit.
 */
bool config_parse_fwmark(const char *s, uint32_t *fwmark)
{
	unsigned long v;
	int base = 10;
	char *end;

	if (!strcasecmp(s, "off")) {
		*fwmark = 0;
		return true;
	}
	if (!is_digit(*s))
		return false;
	if (s[0] == '0' && s[1] == 'x' && s[2])
		base = 16;

	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*fwmark = (uint32_t)v;
	return true;
}

/*
 * Read everything from fd into buf. Returns the byte count, -EFBIG if
 * there is more than size bytes, or another -errno on a read error.
 */
ssize_t config_read_fd(int fd, char *buf, size_t size)
{
	size_t len = 0;
	char extra;
	ssize_t n;

	for (;;) {
		/* Once buf is full, probe for one more byte to spot overflow. */
		if (len < size)
			n = read(fd, buf + len, size - len);
		else
			n = read(fd, &extra, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return (ssize_t)len;
		if (len == size)
			return -EFBIG;
		len += (size_t)n;
	}
}

/*
 * Read a private key file: a base64 key and optional trailing whitespace.
 * A completely empty file (e.g. /dev/null) yields the all-zero key, which
 * the kernel takes as "remove the key"; a file holding only a newline is
 * NOT empty, so that a forgotten shell variable cannot wipe the identity.
 *
 * Returns 0, -EBADMSG if the content is not a key, or -errno if the file
 * could not be read. *exposed (if given) tells whether it is a regular
 * file that group or others may read.
 */
int config_read_key_file(const char *path, uint8_t key[WGC_KEY_LEN],
			 bool *exposed)
{
	char text[KEY_TEXT_MAX];
	struct stat st;
	ssize_t len;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;

	if (exposed)
		/* 0044: readable by group or by others. */
		*exposed = !fstat(fd, &st) && S_ISREG(st.st_mode) &&
			   (st.st_mode & 0044);

	len = config_read_fd(fd, text, sizeof(text));
	close(fd);

	if (len == -EFBIG)
		ret = -EBADMSG;
	else if (len < 0)
		ret = (int)len;
	else if (len == 0)
		memset(key, 0, WGC_KEY_LEN);
	else if (!key_from_text(key, text, (size_t)len))
		ret = -EBADMSG;

	sodium_memzero(text, sizeof(text));
	return ret;
}

/* ---- Peers ---- */

/* Write a reason into why (if given) and return false, for one-line exits. */
__attribute__((format(printf, 3, 4)))
static bool why_not(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (why && size) {
		va_start(ap, fmt);
		vsnprintf(why, size, fmt, ap);
		va_end(ap);
	}
	return false;
}

/*
 * A decimal number of at most max, as wg(8) reads them: a leading digit
 * (so no sign or space), base 10 whatever the leading zeros, nothing after.
 */
static bool parse_decimal(const char *s, unsigned long max,
			  unsigned long *value)
{
	unsigned long v;
	char *end;

	if (!is_digit(*s))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*value = v;
	return true;
}

/* "off" in any case, or 0..65535 seconds; 0 is off too. */
bool config_parse_keepalive(const char *s, uint16_t *interval)
{
	unsigned long v;

	if (!strcasecmp(s, "off")) {
		*interval = 0;
		return true;
	}
	if (!parse_decimal(s, UINT16_MAX, &v))
		return false;
	*interval = (uint16_t)v;
	return true;
}

/*
 * The address part of an allowed IP. As in wg(8), a colon makes it IPv6;
 * inet_pton() then takes only the plain forms, so no "10.1" shorthands.
 */
static bool parse_allowedip_addr(const char *s, struct wgctl_allowedip *aip,
				 char *why, size_t why_size)
{
	if (strchr(s, '%'))
		return why_not(why, why_size,
			       "`%s': IPv6 zone ids are not supported", s);
	if (strchr(s, ':')) {
		aip->family = AF_INET6;
		if (inet_pton(AF_INET6, s, &aip->ip6) == 1)
			return true;
	} else {
		aip->family = AF_INET;
		if (inet_pton(AF_INET, s, &aip->ip4) == 1)
			return true;
	}
	return why_not(why, why_size, "`%s': not an IPv4 or IPv6 address", s);
}

/*
 * One "<ip>[/<cidr>]" with no spaces. Without a prefix length the address
 * stands alone (/32 or /128). why gets the reason on failure.
 */
bool config_parse_allowedip(const char *s, struct wgctl_allowedip *aip,
			    char *why, size_t why_size)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long max, cidr;

	memset(aip, 0, sizeof(*aip));
	if (!len)
		return why_not(why, why_size, "`%s': missing address", s);
	/* Longer than any address: it cannot be one. */
	if (len >= sizeof(addr))
		return why_not(why, why_size,
			       "`%s': not an IPv4 or IPv6 address", s);
	memcpy(addr, s, len);
	addr[len] = '\0';
	if (!parse_allowedip_addr(addr, aip, why, why_size))
		return false;

	max = aip->family == AF_INET ? 32 : 128;
	cidr = max;
	if (slash && !parse_decimal(slash + 1, max, &cidr))
		return why_not(why, why_size,
			       "`%s': prefix length must be 0 to %lu", s, max);
	aip->cidr = (uint8_t)cidr;
	return true;
}

/* Copy s without any whitespace, as wg(8) reads "10.0.0.0/8, fd00::/8". */
static char *strip_spaces(const char *s)
{
	char *out = malloc(strlen(s) + 1), *p = out;

	if (!out)
		return NULL;
	for (; *s; s++)
		if (!char_is_space(*s))
			*p++ = *s;
	*p = '\0';
	return out;
}

/*
 * Whether the lists parsed for peer so far change its allowed IPs entry by
 * entry rather than replace them. Only a list with a `+' or `-' entry
 * clears WGC_PEER_F_REPLACE_ALLOWEDIPS while leaving an entry behind: a
 * peer given no list yet has neither the flag nor entries.
 */
bool config_allowedips_incremental(const struct wgctl_peer *peer)
{
	return !(peer->flags & WGC_PEER_F_REPLACE_ALLOWEDIPS) &&
	       peer->num_allowedips;
}

/*
 * One entry of a list, spaces stripped: an allowed IP, perhaps marked
 * `+' (add it) or `-' (take it away). *marked tells whether it was.
 */
static bool parse_entry(const char *entry, struct wgctl_allowedip *aip,
			bool *marked, char *why, size_t why_size)
{
	const char *prefix = entry;

	*marked = *entry == '+' || *entry == '-';
	if (*marked) {
		prefix++;
		if (!*prefix)
			return why_not(why, why_size,
				       "`%s': no address after `%c'", entry,
				       *entry);
		if (*prefix == '+' || *prefix == '-')
			return why_not(why, why_size,
				       "`%s': more than one `+' or `-'", entry);
	}
	if (!config_parse_allowedip(prefix, aip, why, why_size))
		return false;
	if (*entry == '-')
		aip->flags = WGC_ALLOWEDIP_F_REMOVE_ME;
	return true;
}

/*
 * Append the comma-separated allowed IPs of value to peer, and set what
 * they do to its list, as wg(8) does since 1.0.20250521:
 *   - a list of bare entries replaces the peer's allowed IPs
 *     (WGC_PEER_F_REPLACE_ALLOWEDIPS; an empty list leaves it none), and
 *     several such lists for one peer add up;
 *   - a list with any entry marked `+' (add) or `-' (remove) changes them
 *     entry by entry: the flag is cleared for the peer, bare entries are
 *     added as `+' ones are, and `-' ones carry WGC_ALLOWEDIP_F_REMOVE_ME.
 *     The kernel applies them in order.
 * Once a peer has a list with marks, a bare list after it is refused:
 * wg(8) decides by the last list alone, so it would set the flag again
 * and replace the peer's whole list after all, which the marks before it
 * suggest was not meant. An empty entry ("a,,b", a trailing comma) is an
 * error, as it is for wg(8).
 */
bool config_parse_allowedips(const char *value, struct wgctl_peer *peer,
			     char *why, size_t why_size)
{
	bool was_incremental = config_allowedips_incremental(peer);
	char *list = strip_spaces(value), *entry, *rest;
	bool incremental = false, marked = false, ok = true;
	struct wgctl_allowedip aip, *slot;

	if (!list)
		return why_not(why, why_size, "out of memory");
	rest = *list ? list : NULL;
	while (ok && (entry = strsep(&rest, ","))) {
		if (!*entry)
			ok = why_not(why, why_size,
				     "`%s': empty entry in the list", value);
		else if (!parse_entry(entry, &aip, &marked, why, why_size))
			ok = false;
		else if (!(slot = wgctl_peer_add_allowedip(peer)))
			ok = why_not(why, why_size, "out of memory");
		else
			*slot = aip;
		incremental |= ok && marked;
	}
	if (ok && incremental)
		peer->flags &= ~(uint32_t)WGC_PEER_F_REPLACE_ALLOWEDIPS;
	else if (ok && !was_incremental)
		peer->flags |= WGC_PEER_F_REPLACE_ALLOWEDIPS;
	else if (ok && !*list)
		ok = why_not(why, why_size,
			     "an empty list removes all of the peer's allowed IPs, so it may not follow one with `+' or `-' entries");
	else if (ok)
		ok = why_not(why, why_size,
			     "a list with no `+' or `-' entry replaces the peer's allowed IPs, so it may not follow one with such entries (mark entries to add with `+')");
	free(list);
	return ok;
}

/* Whether bits beyond the prefix length are set, as in 10.1.2.3/8. */
bool config_allowedip_has_host_bits(const struct wgctl_allowedip *aip)
{
	const uint8_t *b = aip->family == AF_INET ?
			   (const uint8_t *)&aip->ip4 :
			   (const uint8_t *)&aip->ip6;
	unsigned int bytes = aip->family == AF_INET ? 4 : 16;
	unsigned int i;

	for (i = 0; i < bytes; i++) {
		unsigned int first = i * 8;
		uint8_t mask;

		if (first + 8 <= aip->cidr)
			continue;
		mask = first >= aip->cidr ? 0xff :
		       (uint8_t)(0xff >> (aip->cidr - first));
		if (b[i] & mask)
			return true;
	}
	return false;
}

/* ---- Endpoints ---- */

static int default_resolve(const char *host, const char *port,
			   const struct addrinfo *hints, struct addrinfo **res)
{
	return getaddrinfo(host, port, hints, res);
}

static void default_pause(unsigned int usec)
{
	usleep(usec);
}

void config_resolver_init(struct config_resolver *r)
{
	r->resolve = default_resolve;
	r->release = freeaddrinfo;
	r->pause = default_pause;
	r->retries = CONFIG_RESOLVE_RETRIES;
}

/*
 * The resolver for real use, with WG_ENDPOINT_RESOLUTION_RETRIES from the
 * environment. Returns 0, or -1 after saying what is wrong with it.
 */
int config_resolver_from_env(struct config_resolver *r)
{
	const char *env = getenv("WG_ENDPOINT_RESOLUTION_RETRIES");

	config_resolver_init(r);
	if (config_parse_retries(env, &r->retries))
		return 0;
	fprintf(stderr,
		"%s: Invalid WG_ENDPOINT_RESOLUTION_RETRIES: `%s' (expected a number or `infinity')\n",
		PROG_NAME, env);
	return -1;
}

/*
 * WG_ENDPOINT_RESOLUTION_RETRIES, as wg(8) reads it: a count, or
 * "infinity" (-1). Unset means the default.
 */
bool config_parse_retries(const char *s, int *retries)
{
	unsigned long v;

	if (!s) {
		*retries = CONFIG_RESOLVE_RETRIES;
		return true;
	}
	if (!strcmp(s, "infinity")) {
		*retries = -1;
		return true;
	}
	if (!parse_decimal(s, INT_MAX, &v))
		return false;
	*retries = (int)v;
	return true;
}

/*
 * Split "host:port" or "[host]:port" in place into *host and *port. As in
 * wg(8), without brackets the port follows the last colon, so "::1:51820"
 * means [::1]:51820.
 */
static bool split_endpoint(char *s, char **host, char **port, char *why,
			   size_t why_size)
{
	char *colon;

	if (s[0] == '[') {
		colon = strchr(s, ']');
		if (!colon)
			return why_not(why, why_size, "missing `]'");
		*colon++ = '\0';
		*host = s + 1;
		if (*colon != ':' || !colon[1])
			return why_not(why, why_size,
				       "missing `:<port>' after `]'");
	} else {
		colon = strrchr(s, ':');
		if (!colon || !colon[1])
			return why_not(why, why_size,
				       "missing `:<port>' (write IPv6 addresses as [<ip>]:<port>)");
		*host = s;
	}
	*colon = '\0';
	*port = colon + 1;
	if (!**host)
		return why_not(why, why_size, "missing host");
	return true;
}

/* Permanent lookup failures: retrying cannot help (glibc's own advice). */
static bool lookup_failed_for_good(int ret)
{
	return ret == EAI_NONAME || ret == EAI_FAIL || ret == EAI_NODATA;
}

static const char *lookup_error(int ret)
{
	return ret == EAI_SYSTEM ? strerror(errno) : gai_strerror(ret);
}

/*
 * getaddrinfo() with wg(8)'s patience for transient failures (no network
 * yet at boot, say): retry, waiting a second and then 20% longer each
 * time, up to 20 seconds between tries.
 */
static int lookup(const char *value, const char *host, const char *port,
		  const struct config_resolver *r, struct addrinfo **res)
{
	const struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_DGRAM,
		.ai_protocol = IPPROTO_UDP,
	};
	unsigned int delay = 1000000;
	int retries = r->retries, ret;

	for (;;) {
		ret = r->resolve(host, port, &hints, res);
		if (!ret || lookup_failed_for_good(ret) || !retries)
			return ret;
		if (retries > 0)
			retries--;
		fprintf(stderr,
			"%s: %s: `%s'. Trying again in %.2f seconds...\n",
			PROG_NAME, lookup_error(ret), value,
			delay / 1000000.0);
		r->pause(delay);
		delay = delay * 6 / 5;
		if (delay > 20000000)
			delay = 20000000;
	}
}

/* Take the first address found, refusing one that needs a zone id. */
static bool take_address(const struct addrinfo *ai, union wgctl_endpoint *ep,
			 char *why, size_t why_size)
{
	if (ai->ai_family == AF_INET &&
	    ai->ai_addrlen == sizeof(ep->addr4)) {
		memcpy(&ep->addr4, ai->ai_addr, sizeof(ep->addr4));
		return true;
	}
	if (ai->ai_family == AF_INET6 &&
	    ai->ai_addrlen == sizeof(ep->addr6)) {
		memcpy(&ep->addr6, ai->ai_addr, sizeof(ep->addr6));
		if (!ep->addr6.sin6_scope_id)
			return true;
		memset(ep, 0, sizeof(*ep));
		return why_not(why, why_size,
			       "IPv6 zone ids are not supported");
	}
	return why_not(why, why_size, "neither an IPv4 nor an IPv6 address");
}

/* Split copy (value, ours to cut up) and check all but the host's lookup. */
static bool check_endpoint(char *copy, char **host, char **port, char *why,
			   size_t why_size)
{
	uint16_t num;

	if (!*copy)
		return why_not(why, why_size, "empty endpoint");
	if (!split_endpoint(copy, host, port, why, why_size))
		return false;
	if (!config_parse_port(*port, &num))
		return why_not(why, why_size,
			       "port `%s' is not a number from 0 to 65535",
			       *port);
	if (strchr(*host, '%'))
		return why_not(why, why_size,
			       "IPv6 zone ids are not supported");
	return true;
}

/*
 * Whether value is well-formed as an endpoint, without looking its host
 * up: a configuration file is checked whole before any (slow) lookup.
 */
bool config_endpoint_syntax(const char *value, char *why, size_t why_size)
{
	char *copy = strdup(value), *host, *port;
	bool ok;

	if (!copy)
		return why_not(why, why_size, "out of memory");
	ok = check_endpoint(copy, &host, &port, why, why_size);
	free(copy);
	return ok;
}

/* Everything but the copying: copy is value, ours to cut up. */
static enum config_endpoint_result
parse_endpoint(const char *value, char *copy, union wgctl_endpoint *ep,
	       const struct config_resolver *r, char *why, size_t why_size)
{
	struct addrinfo *res;
	char *host = NULL, *port = NULL;
	bool ok;
	int ret;

	if (!check_endpoint(copy, &host, &port, why, why_size))
		return ENDPOINT_INVALID;
	ret = lookup(value, host, port, r, &res);
	if (ret) {
		why_not(why, why_size, "%s", lookup_error(ret));
		return ENDPOINT_UNRESOLVED;
	}
	ok = take_address(res, ep, why, why_size);
	r->release(res);
	return ok ? ENDPOINT_OK : ENDPOINT_INVALID;
}

/*
 * "<host>:<port>" or "[<IPv6>]:<port>", host an address or a name looked
 * up with getaddrinfo(). Unlike wg(8), the port must be a number from 0
 * to 65535 (no wrapping, no service names), and IPv6 zone ids
 * ("fe80::1%eth0") are refused: a zone names an interface of the caller's
 * namespace, which need not be the one the tunnel's socket lives in.
 */
enum config_endpoint_result
config_parse_endpoint(const char *value, union wgctl_endpoint *ep,
		      const struct config_resolver *r, char *why,
		      size_t why_size)
{
	enum config_endpoint_result result;
	char *copy;

	memset(ep, 0, sizeof(*ep));
	copy = strdup(value);
	if (!copy) {
		why_not(why, why_size, "out of memory");
		return ENDPOINT_INVALID;
	}
	result = parse_endpoint(value, copy, ep, r, why, why_size);
	free(copy);
	return result;
}
