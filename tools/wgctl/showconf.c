// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl showconf [--json] <interface>
 *
 * A device's configuration as a file that setconf takes back, laid out as
 * wg(8)'s showconf lays it out; with --json, as show --json's document
 * without the state (json.c).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "encoding.h"
#include "json.h"
#include "netlink.h"
#include "show.h"
#include "showconf.h"
#include "wgctl.h"

static void print_key_line(FILE *out, const char *name,
			   const uint8_t key[WGC_KEY_LEN])
{
	char b64[WGC_KEY_B64_LEN + 1];

	key_to_base64(b64, key);
	fprintf(out, "%s = %s\n", name, b64);
	sodium_memzero(b64, sizeof(b64));
}

static void print_peer(FILE *out, const struct wgctl_peer *peer)
{
	char buf[SHOW_BUF_SIZE];
	size_t i;

	fputs("[Peer]\n", out);
	print_key_line(out, "PublicKey", peer->public_key);
	if (peer->has_preshared_key)
		print_key_line(out, "PresharedKey", peer->preshared_key);
	for (i = 0; i < peer->num_allowedips; i++) {
		show_format_allowedip(buf, sizeof(buf), &peer->allowedips[i],
				      false);
		fprintf(out, "%s%s", i ? ", " : "AllowedIPs = ", buf);
	}
	if (peer->num_allowedips)
		fputc('\n', out);
	if (peer->endpoint.addr.sa_family == AF_INET ||
	    peer->endpoint.addr.sa_family == AF_INET6) {
		show_format_endpoint(buf, sizeof(buf), &peer->endpoint);
		fprintf(out, "Endpoint = %s\n", buf);
	}
	if (peer->persistent_keepalive)
		fprintf(out, "PersistentKeepalive = %u\n",
			peer->persistent_keepalive);
}

/*
 * The layout of wg(8)'s showconf, byte for byte: what is unset is left
 * out, a blank line follows [Interface], and one separates peers, which
 * come in the kernel's order.
 */
void showconf_print(FILE *out, const struct wgctl_device *dev)
{
	size_t i;

	fputs("[Interface]\n", out);
	if (dev->listen_port)
		fprintf(out, "ListenPort = %u\n", dev->listen_port);
	if (dev->fwmark)
		fprintf(out, "FwMark = 0x%x\n", dev->fwmark);
	if (dev->has_private_key)
		print_key_line(out, "PrivateKey", dev->private_key);
	fputc('\n', out);
	for (i = 0; i < dev->peers.count; i++) {
		if (i)
			fputc('\n', out);
		print_peer(out, &dev->peers.peers[i]);
	}
}

static int usage(FILE *out)
{
	fprintf(out, "Usage: %s showconf [--json] <interface>\n", PROG_NAME);
	return out == stdout ? 0 : 1;
}

/* --json may come before or after the interface, as for show. */
int showconf_main(int argc, char *argv[])
{
	struct wgctl_device dev;
	const char *name = NULL;
	struct wgctl_nl_error e;
	bool json = false;
	int i;

	if (argc == 2 && is_help_arg(argv[1]))
		return usage(stdout);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && !json)
			json = true;
		else if (!name)
			name = argv[i];
		else
			return usage(stderr);
	}
	if (!name)
		return usage(stderr);
	if (!valid_ifname(name))
		return 1;
	if (wgctl_get_device(name, 0, &dev, &e) < 0) {
		wgctl_nl_perror("Unable to access interface", &e);
		return 1;
	}
	if (json)
		json_print_config(stdout, &dev);
	else
		showconf_print(stdout, &dev);
	wgctl_device_free(&dev);
	return 0;
}
