// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzing what wgctl makes of the kernel's netlink replies
 * (tools/wgctl/netlink.c, reply.c). The input is one receive buffer of
 * netlink messages, run through wgctl_nl_process() as wgctl runs what it
 * recv()s: three times, once as a WGC_CMD_GET_DEVICE dump
 * (wgctl_parse_device(), which merges a peer continued from one message
 * into the next), once as an rtnetlink link dump (wgctl_parse_link()) and
 * once as events (wgctl_parse_event(), each printed as "wgctl monitor"
 * prints it, as text and as JSON). The family id, sequence
 * number and port id expected are those of fuzz.h;
 * tools/wgctl/fuzz/mkreply.c makes the seeds.
 *
 * A dump that parses must give a device that holds together (no two
 * consecutive peers with one key: that is a continuation, merged; allowed
 * IPs within their family's prefix length; a terminated name), that
 * every form of "show", "showconf" and the JSON output can print, and
 * that, sent back as a set request split into the smallest messages and
 * read back, is the same configuration. An error must leave a message fit
 * for one line of a terminal.
 */
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <sodium.h>

#include "fuzz.h"
#include "json.h"
#include "metrics.h"
#include "monitor.h"
#include "netlink.h"
#include "show.h"
#include "showconf.h"

/* "now" for the printers: a fixed time, so a crash can be replayed. */
#define FUZZ_NOW 1700000000

static void check_error(const struct wgctl_nl_error *e)
{
	size_t i, len = strnlen(e->msg, sizeof(e->msg));

	FUZZ_CHECK(len < sizeof(e->msg));
	for (i = 0; i < len; i++)
		FUZZ_CHECK((unsigned char)e->msg[i] >= ' ' &&
			   e->msg[i] != 0x7f);
	FUZZ_CHECK(wgctl_nl_strerror(e));
}

static void check_shape(const struct wgctl_device *dev)
{
	const struct wgctl_peer *peer;
	const struct wgctl_allowedip *aip;
	size_t i, j;

	FUZZ_CHECK(strnlen(dev->name, IFNAMSIZ) < IFNAMSIZ);
	for (i = 0; i < dev->peers.count; i++) {
		peer = &dev->peers.peers[i];
		FUZZ_CHECK(!i || memcmp(peer[-1].public_key, peer->public_key,
					WGC_KEY_LEN));
		for (j = 0; j < peer->num_allowedips; j++) {
			aip = &peer->allowedips[j];
			FUZZ_CHECK((aip->family == AF_INET && aip->cidr <= 32) ||
				   (aip->family == AF_INET6 &&
				    aip->cidr <= 128));
		}
	}
}

static void print_all(const struct wgctl_device *dev)
{
	const struct show_style plain = { .hide_keys = true };
	const struct show_style color = { .color = true };
	FILE *out = fuzz_null_stream();
	struct json_writer w;
	int field;

	show_pretty(out, dev, &plain, FUZZ_NOW);
	show_pretty(out, dev, &color, FUZZ_NOW);
	for (field = SHOW_PRETTY; field <= SHOW_DUMP; field++)
		show_field(out, dev, field, field & 1);
	json_show_begin(&w, out);
	json_show_device(&w, dev, FUZZ_NOW);
	json_show_end(&w);
	json_print_config(out, dev);
	showconf_print(out, dev);
	metrics_write(out, METRICS_OPENMETRICS, dev, 1);
	metrics_write(out, METRICS_PROMETHEUS, dev, 1);
}

/*
 * A set request of dev's configuration reads back the same. The change
 * borrows dev's peers, which a set sends only the keepalive of when
 * has_keepalive says so; a device read back never uses that flag.
 */
static void check_request(struct wgctl_device *dev)
{
	struct wgctl_device change = {
		.set_private_key = dev->has_private_key,
		.set_listen_port = true,
		.set_fwmark = true,
		.listen_port = dev->listen_port,
		.fwmark = dev->fwmark,
		.peers = dev->peers,
	};
	struct wgctl_device back;
	size_t i;

	memcpy(change.name, dev->name, sizeof(change.name));
	memcpy(change.private_key, dev->private_key, WGC_KEY_LEN);
	for (i = 0; i < dev->peers.count; i++)
		dev->peers.peers[i].has_keepalive = true;
	fuzz_request_roundtrip(&change, &back);
	FUZZ_CHECK(!strcmp(back.name, dev->name));
	FUZZ_CHECK(fuzz_same_config(dev, &back));
	wgctl_device_free(&back);
	sodium_memzero(&change, sizeof(change));
}

static void parse_device(const void *buf, size_t len)
{
	struct wgctl_device dev = { 0 };
	struct wgctl_device_parse p = { .dev = &dev, .family = FUZZ_FAMILY };
	struct wgctl_nl_error e = { 0 };

	if (wgctl_nl_process(buf, len, FUZZ_SEQ, FUZZ_PORTID,
			     wgctl_parse_device, &p, &e) < 0) {
		check_error(&e);
	} else if (p.messages) {
		check_shape(&dev);
		print_all(&dev);
		check_request(&dev);
	}
	wgctl_device_free(&dev);
}

static void parse_links(const void *buf, size_t len)
{
	struct wgctl_iface_list list = { 0 };
	struct wgctl_link_parse p = { .list = &list };
	struct wgctl_nl_error e = { 0 };
	size_t i;

	if (wgctl_nl_process(buf, len, FUZZ_SEQ, FUZZ_PORTID, wgctl_parse_link,
			     &p, &e) < 0)
		check_error(&e);
	wgctl_iface_list_sort(&list);
	for (i = 0; i < list.count; i++)
		FUZZ_CHECK(strnlen(list.names[i], IFNAMSIZ) < IFNAMSIZ);
	wgctl_iface_list_free(&list);
}

static int print_event(const struct wgctl_event *ev, void *arg)
{
	FILE *out = fuzz_null_stream();

	(void)arg;
	FUZZ_CHECK(strnlen(ev->ifname, IFNAMSIZ) < IFNAMSIZ);
	monitor_print_event(out, ev, false);
	monitor_print_event(out, ev, true);
	return MNL_CB_OK;
}

/* Events come with sequence number and port id 0, as the kernel sends them. */
static void parse_events(const void *buf, size_t len)
{
	struct wgctl_event_parse p = {
		.family = FUZZ_FAMILY, .handle = print_event,
	};
	struct wgctl_nl_error e = { 0 };

	if (wgctl_nl_process(buf, len, 0, 0, wgctl_parse_event, &p, &e) < 0)
		check_error(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of just the right size, so that reading past it shows. */
	void *buf = malloc(size ? size : 1);

	FUZZ_CHECK(buf);
	memcpy(buf, data, size);
	parse_device(buf, size);
	parse_links(buf, size);
	parse_events(buf, size);
	/* A dump may carry the private key. */
	sodium_memzero(buf, size);
	free(buf);
	return 0;
}
