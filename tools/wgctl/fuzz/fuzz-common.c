// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the harnesses; see fuzz.h.
 */
#define _GNU_SOURCE
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "fuzz.h"
#include "netlink.h"
#include "request.h"

void fuzz_fail(const char *file, int line, const char *what)
{
	/* Straight to the descriptor: stderr may be the null stream. */
	dprintf(STDERR_FILENO, "fuzz: %s:%d: invariant broken: %s\n", file,
		line, what);
	abort();
}

static ssize_t discard(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	(void)buf;
	return (ssize_t)size;
}

FILE *fuzz_null_stream(void)
{
	static const cookie_io_functions_t io = { .write = discard };
	static FILE *null;

	if (!null)
		null = fopencookie(NULL, "w", io);
	FUZZ_CHECK(null);
	return null;
}

static FILE *saved_stderr;

/* glibc's stderr is a plain variable, there to be reassigned. */
void fuzz_quiet_begin(void)
{
	saved_stderr = stderr;
	stderr = fuzz_null_stream();
}

void fuzz_quiet_end(void)
{
	stderr = saved_stderr;
}

static int numeric_resolve(const char *host, const char *port,
			   const struct addrinfo *hints, struct addrinfo **res)
{
	struct addrinfo numeric = *hints;

	numeric.ai_flags |= AI_NUMERICHOST | AI_NUMERICSERV;
	return getaddrinfo(host, port, &numeric, res);
}

static void no_pause(unsigned int usec)
{
	(void)usec;
}

const struct config_resolver fuzz_resolver = {
	.resolve = numeric_resolve,
	.release = freeaddrinfo,
	.pause = no_pause,
	.retries = 0,
};

/* ---- Comparing configurations ---- */

static bool same_endpoint(const union wgctl_endpoint *a,
			  const union wgctl_endpoint *b)
{
	if (a->addr.sa_family != b->addr.sa_family)
		return false;
	if (a->addr.sa_family == AF_INET)
		return !memcmp(&a->addr4, &b->addr4, sizeof(a->addr4));
	if (a->addr.sa_family == AF_INET6)
		return !memcmp(&a->addr6, &b->addr6, sizeof(a->addr6));
	return true;
}

static bool same_allowedip(const struct wgctl_allowedip *a,
			   const struct wgctl_allowedip *b)
{
	size_t len = a->family == AF_INET ? sizeof(a->ip4) : sizeof(a->ip6);

	return a->family == b->family && a->cidr == b->cidr &&
	       !memcmp(&a->ip6, &b->ip6, len);
}

static bool same_peer(const struct wgctl_peer *a, const struct wgctl_peer *b)
{
	size_t i;

	if (memcmp(a->public_key, b->public_key, WGC_KEY_LEN) ||
	    a->has_preshared_key != b->has_preshared_key ||
	    memcmp(a->preshared_key, b->preshared_key, WGC_KEY_LEN) ||
	    !same_endpoint(&a->endpoint, &b->endpoint) ||
	    a->persistent_keepalive != b->persistent_keepalive ||
	    a->num_allowedips != b->num_allowedips)
		return false;
	for (i = 0; i < a->num_allowedips; i++)
		if (!same_allowedip(&a->allowedips[i], &b->allowedips[i]))
			return false;
	return true;
}

bool fuzz_same_config(const struct wgctl_device *a,
		      const struct wgctl_device *b)
{
	size_t i;

	if (a->has_private_key != b->has_private_key ||
	    (a->has_private_key &&
	     memcmp(a->private_key, b->private_key, WGC_KEY_LEN)) ||
	    a->listen_port != b->listen_port || a->fwmark != b->fwmark ||
	    a->peers.count != b->peers.count)
		return false;
	for (i = 0; i < a->peers.count; i++)
		if (!same_peer(&a->peers.peers[i], &b->peers.peers[i]))
			return false;
	return true;
}

/* ---- The set request, read back ---- */

/*
 * The dump parser has no use for WGC_ALLOWEDIP_A_FLAGS (the kernel never
 * dumps it), so the flags are read here: one entry of flags per allowed
 * IP nest of the message, in order, 0 where the attribute is absent. It
 * must never be sent as 0, nor with a flag the uapi does not know.
 */
struct sent_flags {
	uint32_t *flags;
	size_t count;
	size_t capacity;
};

static void note_flags(struct sent_flags *sent, const struct nlattr *aip)
{
	const struct nlattr *a;
	uint32_t flags = 0, *grown;

	mnl_attr_for_each_nested(a, aip) {
		if (mnl_attr_get_type(a) != WGC_ALLOWEDIP_A_FLAGS)
			continue;
		FUZZ_CHECK(mnl_attr_get_payload_len(a) == sizeof(flags));
		flags = mnl_attr_get_u32(a);
		FUZZ_CHECK(flags && !(flags & ~(uint32_t)__WGC_ALLOWEDIP_F_ALL));
	}
	if (sent->count == sent->capacity) {
		sent->capacity = sent->capacity ? sent->capacity * 2 : 64;
		grown = reallocarray(sent->flags, sent->capacity,
				     sizeof(*grown));
		FUZZ_CHECK(grown);
		sent->flags = grown;
	}
	sent->flags[sent->count++] = flags;
}

static void note_message_flags(struct sent_flags *sent,
			       const struct nlmsghdr *nlh)
{
	const struct nlattr *attr, *peer, *pa, *aip;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) != WGC_DEVICE_A_PEERS)
			continue;
		mnl_attr_for_each_nested(peer, attr)
			mnl_attr_for_each_nested(pa, peer)
				if (mnl_attr_get_type(pa) ==
				    WGC_PEER_A_ALLOWEDIPS)
					mnl_attr_for_each_nested(aip, pa)
						note_flags(sent, aip);
	}
}

/* The flags sent are change's, allowed IP by allowed IP. */
static void check_flags(const struct wgctl_device *change,
			const struct sent_flags *sent)
{
	const struct wgctl_peer *peer;
	size_t i, j, n = 0;

	for (i = 0; i < change->peers.count; i++) {
		peer = &change->peers.peers[i];
		/* A peer being removed is sent without its allowed IPs. */
		if (peer->flags & WGC_PEER_F_REMOVE_ME)
			continue;
		for (j = 0; j < peer->num_allowedips; j++, n++) {
			FUZZ_CHECK(n < sent->count);
			FUZZ_CHECK(sent->flags[n] ==
				   peer->allowedips[j].flags);
		}
	}
	FUZZ_CHECK(n == sent->count);
}

void fuzz_request_roundtrip(const struct wgctl_device *change,
			    struct wgctl_device *back)
{
	struct wgctl_device_parse p = { .dev = back, .family = FUZZ_FAMILY };
	struct sent_flags sent = { 0 };
	struct wgctl_set_batch batch;
	struct wgctl_nl_error e;
	size_t i, len;

	memset(back, 0, sizeof(*back));
	FUZZ_CHECK(!wgctl_set_batch_build(change, FUZZ_FAMILY, WGC_SET_MSG_MIN,
					  &batch));
	for (i = 0; i < batch.count; i++) {
		len = batch.msgs[i]->nlmsg_len;
		FUZZ_CHECK(len <= batch.bound);
		/* Not the end of a dump: 1, more to come. */
		FUZZ_CHECK(wgctl_nl_process(batch.msgs[i], len, 0, 0,
					    wgctl_parse_device, &p, &e) == 1);
		note_message_flags(&sent, batch.msgs[i]);
	}
	FUZZ_CHECK(p.messages == batch.count);
	check_flags(change, &sent);
	free(sent.flags);
	wgctl_set_batch_free(&batch);
}
