// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzing conf_parse() (tools/wgctl/conffile.c), which reads a whole
 * configuration file. Endpoints go to fuzz_resolver: numeric hosts only,
 * no DNS.
 *
 * A file that parses (for setconf) is then held to these promises, on
 * the device the kernel would make of it (private key clamped, a zero
 * preshared key meaning none, each `-' allowed IP taking back what its
 * peer's earlier entries added):
 *   - showconf's printer (showconf_print()) writes it as a file that
 *     parses back to the same configuration;
 *   - syncconf takes the file too, the same way, unless an AllowedIPs
 *     entry is marked `+' or `-', and then refuses it;
 *   - syncconf towards the very configuration the device already has
 *     (syncconf_change()) changes nothing.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "conffile.h"
#include "encoding.h"
#include "fuzz.h"
#include "keys.h"
#include "showconf.h"
#include "syncconf.h"

static int parse_mode(const char *data, size_t len, enum conf_mode mode,
		      FILE *err, struct wgctl_device *change)
{
	const struct conf_text text = {
		.name = "fuzz.conf", .data = data, .len = len,
	};

	strcpy(change->name, "wgc0");
	return conf_parse(&text, mode, &fuzz_resolver, err, change, NULL);
}

static int parse(const char *data, size_t len, FILE *err,
		 struct wgctl_device *change)
{
	return parse_mode(data, len, CONF_REPLACE, err, change);
}

/* Whether a and b are the same prefix once the kernel masks them. */
static bool same_prefix(const struct wgctl_allowedip *a,
			const struct wgctl_allowedip *b)
{
	const uint8_t *x = (const uint8_t *)&a->ip6;
	const uint8_t *y = (const uint8_t *)&b->ip6;
	unsigned int bytes = a->family == AF_INET ? 4 : 16, i, bits;

	if (a->family != b->family || a->cidr != b->cidr)
		return false;
	for (i = 0; i < bytes; i++) {
		bits = a->cidr > i * 8 ? a->cidr - i * 8 : 0;
		if (bits >= 8 ? x[i] != y[i] :
		    (x[i] ^ y[i]) & (uint8_t)(0xff00 >> bits))
			return false;
	}
	return true;
}

/* A `-' entry takes its prefix back from what came before it. */
static void view_remove(struct wgctl_peer *peer,
			const struct wgctl_allowedip *aip)
{
	size_t i, n = 0;

	for (i = 0; i < peer->num_allowedips; i++)
		if (!same_prefix(&peer->allowedips[i], aip))
			peer->allowedips[n++] = peer->allowedips[i];
	peer->num_allowedips = n;
}

static void view_peer(struct wgctl_peer *to, const struct wgctl_peer *from)
{
	struct wgctl_allowedip *slot;
	size_t i;

	memcpy(to->public_key, from->public_key, WGC_KEY_LEN);
	memcpy(to->preshared_key, from->preshared_key, WGC_KEY_LEN);
	to->has_preshared_key = from->has_preshared_key &&
				!key_is_zero(from->preshared_key);
	to->endpoint = from->endpoint;
	to->persistent_keepalive = from->has_keepalive ?
				   from->persistent_keepalive : 0;
	for (i = 0; i < from->num_allowedips; i++) {
		if (from->allowedips[i].flags & WGC_ALLOWEDIP_F_REMOVE_ME) {
			view_remove(to, &from->allowedips[i]);
			continue;
		}
		slot = wgctl_peer_add_allowedip(to);
		FUZZ_CHECK(slot);
		*slot = from->allowedips[i];
		/* The kernel keeps the prefix, not the flags. */
		slot->flags = 0;
	}
}

/* Whether any AllowedIPs line of change marked an entry `+' or `-'. */
static bool any_incremental(const struct wgctl_device *change)
{
	size_t i;

	for (i = 0; i < change->peers.count; i++)
		if (config_allowedips_incremental(&change->peers.peers[i]))
			return true;
	return false;
}

/* The device as the kernel would show it once set from change. */
static void device_view(const struct wgctl_device *change,
			struct wgctl_device *dev)
{
	struct wgctl_peer *peer;
	size_t i;

	memset(dev, 0, sizeof(*dev));
	memcpy(dev->private_key, change->private_key, WGC_KEY_LEN);
	keys_clamp(dev->private_key);
	dev->has_private_key = !key_is_zero(change->private_key);
	dev->listen_port = change->listen_port;
	dev->fwmark = change->fwmark;
	for (i = 0; i < change->peers.count; i++) {
		peer = wgctl_peers_add(&dev->peers);
		FUZZ_CHECK(peer);
		view_peer(peer, &change->peers.peers[i]);
	}
}

/* Show what went wrong before the abort: the printed file and the error. */
static void report_reparse(const char *text, const char *err)
{
	fprintf(stderr, "showconf printed:\n%s\nwhich parses as:\n%s\n", text,
		err);
}

/* showconf_print() writes dev as a file that parses back to dev. */
static void check_showconf(const struct wgctl_device *dev)
{
	struct wgctl_device again = { 0 };
	struct wgctl_device back;
	char *text = NULL, *err = NULL;
	size_t text_len = 0, err_len = 0;
	FILE *out, *errs;
	int ret;

	out = open_memstream(&text, &text_len);
	errs = open_memstream(&err, &err_len);
	FUZZ_CHECK(out && errs);
	showconf_print(out, dev);
	FUZZ_CHECK(!fclose(out));

	ret = parse(text, text_len, errs, &again);
	FUZZ_CHECK(!fclose(errs));
	if (ret)
		report_reparse(text, err);
	FUZZ_CHECK(!ret);
	device_view(&again, &back);
	if (!fuzz_same_config(dev, &back))
		report_reparse(text, "a different configuration");
	FUZZ_CHECK(fuzz_same_config(dev, &back));

	wgctl_device_free(&back);
	wgctl_device_free(&again);
	/* The printed file holds the private key. */
	sodium_memzero(text, text_len);
	free(text);
	free(err);
}

/* Syncing a device to the configuration it has sends nothing. */
static void check_sync(const struct wgctl_device *dev,
		       const struct wgctl_device *want)
{
	struct wgctl_device out;

	FUZZ_CHECK(!syncconf_change(dev, want, &out));
	FUZZ_CHECK(!out.set_private_key && !out.set_listen_port &&
		   !out.set_fwmark && !out.replace_peers && !out.peers.count);
	wgctl_device_free(&out);
}

/*
 * syncconf reads the file as setconf does, or refuses it for its marks;
 * what it reads, it reads the same.
 */
static void check_sync_parse(const char *data, size_t size, bool parsed,
			     const struct wgctl_device *change,
			     const struct wgctl_device *dev,
			     struct wgctl_device *sync)
{
	struct wgctl_device sync_dev;
	int ret;

	ret = parse_mode(data, size, CONF_SYNC, fuzz_null_stream(), sync);
	FUZZ_CHECK(!ret == (parsed && !any_incremental(change)));
	if (ret)
		return;
	device_view(sync, &sync_dev);
	FUZZ_CHECK(fuzz_same_config(dev, &sync_dev));
	wgctl_device_free(&sync_dev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wgctl_device change = { 0 }, sync = { 0 };
	struct wgctl_device dev = { 0 };
	bool parsed;

	parsed = !parse((const char *)data, size, fuzz_null_stream(),
			&change);
	if (parsed) {
		device_view(&change, &dev);
		check_showconf(&dev);
	}
	check_sync_parse((const char *)data, size, parsed, &change, &dev,
			 &sync);
	if (parsed && !any_incremental(&change))
		check_sync(&dev, &sync);
	wgctl_device_free(&dev);
	wgctl_device_free(&sync);
	wgctl_device_free(&change);
	return 0;
}
