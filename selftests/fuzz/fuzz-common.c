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

static bool same_endpoint(const union wgc_endpoint *a,
			  const union wgc_endpoint *b)
{
	if (a->addr.sa_family != b->addr.sa_family)
		return false;
	if (a->addr.sa_family == AF_INET)
		return !memcmp(&a->addr4, &b->addr4, sizeof(a->addr4));
	if (a->addr.sa_family == AF_INET6)
		return !memcmp(&a->addr6, &b->addr6, sizeof(a->addr6));
	return true;
}

static bool same_allowedip(const struct wgc_allowedip *a,
			   const struct wgc_allowedip *b)
{
	size_t len = a->family == AF_INET ? sizeof(a->ip4) : sizeof(a->ip6);

	return a->family == b->family && a->cidr == b->cidr &&
	       !memcmp(&a->ip6, &b->ip6, len);
}

static bool same_peer(const struct wgc_peer *a, const struct wgc_peer *b)
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

bool fuzz_same_config(const struct wgc_device_info *a,
		      const struct wgc_device_info *b)
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

void fuzz_request_roundtrip(const struct wgc_device_change *change,
			    struct wgc_device_info *back)
{
	struct wgc_device_parse p = { .dev = back, .family = FUZZ_FAMILY };
	struct wgc_set_batch batch;
	struct wgc_nl_error e;
	size_t i, len;

	memset(back, 0, sizeof(*back));
	FUZZ_CHECK(!wgc_set_batch_build(change, FUZZ_FAMILY, WGC_SET_MSG_MIN,
					&batch));
	for (i = 0; i < batch.count; i++) {
		len = batch.msgs[i]->nlmsg_len;
		FUZZ_CHECK(len <= batch.bound);
		/* Not the end of a dump: 1, more to come. */
		FUZZ_CHECK(wgc_nl_process(batch.msgs[i], len, 0, 0,
					  wgc_parse_device, &p, &e) == 1);
	}
	FUZZ_CHECK(p.messages == batch.count);
	wgc_set_batch_free(&batch);
}
