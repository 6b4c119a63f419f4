// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzing conf_parse() (tools/wgctl/conf.c), which reads a whole
 * configuration file. Endpoints go to fuzz_resolver: numeric hosts only,
 * no DNS.
 *
 * A file that parses is then held to two promises, on the device the
 * kernel would make of it (private key clamped, a zero preshared key
 * meaning none):
 *   - showconf's printer (conf_print()) writes it as a file that parses
 *     back to the same configuration;
 *   - syncconf towards the very configuration the device already has
 *     (conf_sync_change()) changes nothing.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "conf.h"
#include "encoding.h"
#include "fuzz.h"
#include "keys.h"

static int parse(const char *data, size_t len, FILE *err,
		 struct wgc_device_change *change)
{
	const struct conf_text text = {
		.name = "fuzz.conf", .data = data, .len = len,
	};

	change->name = "wgc0";
	return conf_parse(&text, CONF_REPLACE, &fuzz_resolver, err, change,
			  NULL);
}

static void view_peer(struct wgc_peer *to, const struct wgc_peer *from)
{
	struct wgc_allowedip *slot;
	size_t i;

	memcpy(to->public_key, from->public_key, WGC_KEY_LEN);
	memcpy(to->preshared_key, from->preshared_key, WGC_KEY_LEN);
	to->has_preshared_key = from->has_preshared_key &&
				!key_is_zero(from->preshared_key);
	to->endpoint = from->endpoint;
	to->persistent_keepalive = from->has_keepalive ?
				   from->persistent_keepalive : 0;
	for (i = 0; i < from->num_allowedips; i++) {
		slot = wgc_peer_add_allowedip(to);
		FUZZ_CHECK(slot);
		*slot = from->allowedips[i];
	}
}

/* The device as the kernel would show it once set from change. */
static void device_view(const struct wgc_device_change *change,
			struct wgc_device_info *dev)
{
	struct wgc_peer *peer;
	size_t i;

	memset(dev, 0, sizeof(*dev));
	memcpy(dev->private_key, change->private_key, WGC_KEY_LEN);
	keys_clamp(dev->private_key);
	dev->has_private_key = !key_is_zero(change->private_key);
	dev->listen_port = change->listen_port;
	dev->fwmark = change->fwmark;
	for (i = 0; i < change->peers.count; i++) {
		peer = wgc_peers_add(&dev->peers);
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

/* conf_print() writes dev as a file that parses back to dev. */
static void check_showconf(const struct wgc_device_info *dev)
{
	struct wgc_device_change again = { 0 };
	struct wgc_device_info back;
	char *text = NULL, *err = NULL;
	size_t text_len = 0, err_len = 0;
	FILE *out, *errs;
	int ret;

	out = open_memstream(&text, &text_len);
	errs = open_memstream(&err, &err_len);
	FUZZ_CHECK(out && errs);
	conf_print(out, dev);
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

	wgc_device_info_free(&back);
	wgc_device_change_free(&again);
	/* The printed file holds the private key. */
	sodium_memzero(text, text_len);
	free(text);
	free(err);
}

/* Syncing a device to the configuration it has sends nothing. */
static void check_sync(const struct wgc_device_info *dev,
		       const struct wgc_device_change *want)
{
	struct wgc_device_change out;

	FUZZ_CHECK(!conf_sync_change(dev, want, &out));
	FUZZ_CHECK(!out.set_private_key && !out.set_listen_port &&
		   !out.set_fwmark && !out.replace_peers && !out.peers.count);
	wgc_device_change_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wgc_device_change change = { 0 };
	struct wgc_device_info dev;

	if (!parse((const char *)data, size, fuzz_null_stream(), &change)) {
		device_view(&change, &dev);
		check_showconf(&dev);
		check_sync(&dev, &change);
		wgc_device_info_free(&dev);
	}
	wgc_device_change_free(&change);
	return 0;
}
