// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for "wgctl monitor" (monitor.c, and the event parser in
 * reply.c), fed with hand-built event messages: each event's text and JSON
 * line, IPv4 and IPv6 endpoints, an event newer than the tool, an interface
 * name that needs escaping, and malformed events refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "monitor.h"
#include "netlink.h"
#include "unit.h"

#define FAMILY 0x23

static uint32_t buf_words[1024];
static char *const buf = (char *)buf_words;

static const uint8_t key[WGC_KEY_LEN] = { 1, 2, 3, [31] = 0x99 };
/* base64 of key */
#define KEY_B64 "AQIDAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJk="

static struct nlmsghdr *event_begin(uint8_t cmd, const char *ifname)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(buf_words, 0, sizeof(buf_words));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = FAMILY;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = WGC_GENL_VERSION;
	mnl_attr_put_u32(nlh, WGC_EVENT_A_IFINDEX, 4);
	mnl_attr_put_strz(nlh, WGC_EVENT_A_IFNAME, ifname);
	mnl_attr_put(nlh, WGC_EVENT_A_PUBLIC_KEY, WGC_KEY_LEN, key);
	return nlh;
}

static void put_v4(struct nlmsghdr *nlh, uint16_t type, const char *ip,
		   uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };

	inet_pton(AF_INET, ip, &sin.sin_addr);
	mnl_attr_put(nlh, type, sizeof(sin), &sin);
}

static void put_v6(struct nlmsghdr *nlh, uint16_t type, const char *ip,
		   uint16_t port)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_port = htons(port) };

	inet_pton(AF_INET6, ip, &sin6.sin6_addr);
	mnl_attr_put(nlh, type, sizeof(sin6), &sin6);
}

/* What the monitor prints for the event in buf, text and JSON. */
struct printed {
	char text[512];
	char json[512];
	int calls;
};

static int print_both(const struct wgctl_event *ev, void *arg)
{
	struct printed *p = arg;
	FILE *f;

	f = fmemopen(p->text, sizeof(p->text), "w");
	monitor_print_event(f, ev, false);
	fclose(f);
	f = fmemopen(p->json, sizeof(p->json), "w");
	monitor_print_event(f, ev, true);
	fclose(f);
	p->calls++;
	return MNL_CB_OK;
}

/* Runs buf's message through the parser; 0 or -1 (with errno). */
static int parse(struct nlmsghdr *nlh, struct printed *p)
{
	struct wgctl_event_parse parse = {
		.family = FAMILY, .handle = print_both, .arg = p,
	};

	memset(p, 0, sizeof(*p));
	return wgctl_parse_event(nlh, &parse) == MNL_CB_OK ? 0 : -1;
}

static void check_event(const char *name, struct nlmsghdr *nlh,
			const char *text, const char *json)
{
	struct printed p;

	if (!unit_check(name, parse(nlh, &p) == 0 && p.calls == 1,
			"parse failed: %s", strerror(errno)))
		return;
	unit_check(name, !strcmp(p.text, text), "text:\n%s\nwant:\n%s",
		   p.text, text);
	unit_check(name, !strcmp(p.json, json), "json:\n%s\nwant:\n%s",
		   p.json, json);
}

static void test_peer_events(void)
{
	check_event("peer-added", event_begin(WGC_CMD_PEER_ADDED, "wg0"),
		    "wg0: peer-added " KEY_B64 "\n",
		    "{\"event\":\"peer-added\",\"interface\":\"wg0\",\"ifindex\":4,\"public_key\":\"" KEY_B64 "\"}\n");
	check_event("peer-removed", event_begin(WGC_CMD_PEER_REMOVED, "wg0"),
		    "wg0: peer-removed " KEY_B64 "\n",
		    "{\"event\":\"peer-removed\",\"interface\":\"wg0\",\"ifindex\":4,\"public_key\":\"" KEY_B64 "\"}\n");
	check_event("keys-zeroed", event_begin(WGC_CMD_KEYS_ZEROED, "wg0"),
		    "wg0: keys-zeroed " KEY_B64 "\n",
		    "{\"event\":\"keys-zeroed\",\"interface\":\"wg0\",\"ifindex\":4,\"public_key\":\"" KEY_B64 "\"}\n");
}

static void test_session_started(void)
{
	struct nlmsghdr *nlh = event_begin(WGC_CMD_SESSION_STARTED, "wg0");

	mnl_attr_put_u8(nlh, WGC_EVENT_A_ROLE, WGC_SESSION_ROLE_RESPONDER);
	put_v4(nlh, WGC_EVENT_A_ENDPOINT, "192.0.2.1", 51820);
	check_event("session-started", nlh,
		    "wg0: session-started " KEY_B64 " role responder endpoint 192.0.2.1:51820\n",
		    "{\"event\":\"session-started\",\"interface\":\"wg0\",\"ifindex\":4,\"public_key\":\"" KEY_B64 "\",\"role\":\"responder\",\"endpoint\":\"192.0.2.1:51820\"}\n");
}

static void test_endpoint_changed(void)
{
	struct nlmsghdr *nlh = event_begin(WGC_CMD_ENDPOINT_CHANGED, "wg0");

	put_v6(nlh, WGC_EVENT_A_ENDPOINT, "2001:db8::7", 1234);
	put_v4(nlh, WGC_EVENT_A_OLD_ENDPOINT, "192.0.2.1", 51820);
	check_event("endpoint-changed", nlh,
		    "wg0: endpoint-changed " KEY_B64 " endpoint [2001:db8::7]:1234 old-endpoint 192.0.2.1:51820\n",
		    "{\"event\":\"endpoint-changed\",\"interface\":\"wg0\",\"ifindex\":4,\"public_key\":\"" KEY_B64 "\",\"endpoint\":\"[2001:db8::7]:1234\",\"old_endpoint\":\"192.0.2.1:51820\"}\n");
}

/* A newer kernel's event, and attributes this tool does not know. */
static void test_unknown_event(void)
{
	struct nlmsghdr *nlh = event_begin(200, "wg0");

	mnl_attr_put_u32(nlh, WGC_EVENT_A_MAX + 1, 5);
	check_event("unknown-event", nlh,
		    "wg0: event-200 " KEY_B64 "\n",
		    "{\"event\":\"event-200\",\"interface\":\"wg0\",\"ifindex\":4,\"public_key\":\"" KEY_B64 "\"}\n");
}

/* A newer kernel's event about the device alone, without a peer. */
static void test_device_event(void)
{
	struct nlmsghdr *nlh;

	memset(buf_words, 0, sizeof(buf_words));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = FAMILY;
	((struct genlmsghdr *)mnl_nlmsg_put_extra_header(nlh,
		sizeof(struct genlmsghdr)))->cmd = 201;
	mnl_attr_put_u32(nlh, WGC_EVENT_A_IFINDEX, 4);
	mnl_attr_put_strz(nlh, WGC_EVENT_A_IFNAME, "wg0");
	check_event("device-event", nlh, "wg0: event-201\n",
		    "{\"event\":\"event-201\",\"interface\":\"wg0\",\"ifindex\":4}\n");
}

/* Interface names are any bytes but '/', NUL and whitespace. */
static void test_name_escaped(void)
{
	check_event("name-escaped", event_begin(WGC_CMD_PEER_ADDED, "a\"b\\c"),
		    "a\"b\\c: peer-added " KEY_B64 "\n",
		    "{\"event\":\"peer-added\",\"interface\":\"a\\\"b\\\\c\",\"ifindex\":4,\"public_key\":\"" KEY_B64 "\"}\n");
}

static void check_refused(const char *name, struct nlmsghdr *nlh)
{
	struct printed p;
	int ret = parse(nlh, &p);

	unit_check(name, ret < 0 && errno == EPROTO && !p.calls,
		   "parse returned %d (errno %d), printed %d", ret, errno,
		   p.calls);
}

static void test_refused(void)
{
	struct nlmsghdr *nlh;
	struct sockaddr_in sin = { .sin_family = AF_INET6 };
	uint8_t short_key[16] = { 0 };

	/* An endpoint whose family does not match its length. */
	nlh = event_begin(WGC_CMD_SESSION_STARTED, "wg0");
	mnl_attr_put(nlh, WGC_EVENT_A_ENDPOINT, sizeof(sin), &sin);
	check_refused("refused-endpoint", nlh);

	/* A key of the wrong length. */
	nlh = event_begin(WGC_CMD_PEER_ADDED, "wg0");
	mnl_attr_put(nlh, WGC_EVENT_A_PUBLIC_KEY, sizeof(short_key), short_key);
	check_refused("refused-short-key", nlh);

	/* No interface name. */
	memset(buf_words, 0, sizeof(buf_words));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = FAMILY;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	mnl_attr_put_u32(nlh, WGC_EVENT_A_IFINDEX, 4);
	check_refused("refused-no-name", nlh);

	/* Another family's message. */
	nlh = event_begin(WGC_CMD_PEER_ADDED, "wg0");
	nlh->nlmsg_type = FAMILY + 1;
	check_refused("refused-other-family", nlh);
}

/* Distinct keys: the local static, the ephemeral, the preshared. */
static const uint8_t local_key[WGC_KEY_LEN] = { [0] = 0x10, [31] = 0x11 };
static const uint8_t eph_key[WGC_KEY_LEN] = { [0] = 0x20, [31] = 0x21 };
static const uint8_t psk_key[WGC_KEY_LEN] = { [0] = 0x30, [31] = 0x31 };
#define LOCAL_B64 "EAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABE="
#define EPH_B64 "IAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACE="
#define PSK_B64 "MAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADE="

static struct nlmsghdr *session_keys_event(bool with_psk)
{
	struct nlmsghdr *nlh = event_begin(WGC_CMD_SESSION_KEYS, "wg0");

	mnl_attr_put_u8(nlh, WGC_EVENT_A_ROLE, WGC_SESSION_ROLE_INITIATOR);
	mnl_attr_put(nlh, WGC_EVENT_A_LOCAL_PRIVATE_KEY, WGC_KEY_LEN,
		     local_key);
	mnl_attr_put(nlh, WGC_EVENT_A_EPHEMERAL_PRIVATE_KEY, WGC_KEY_LEN,
		     eph_key);
	if (with_psk)
		mnl_attr_put(nlh, WGC_EVENT_A_PRESHARED_KEY, WGC_KEY_LEN,
			     psk_key);
	return nlh;
}

static int print_keylog(const struct wgctl_event *ev, void *arg)
{
	struct printed *p = arg;
	FILE *f = fmemopen(p->text, sizeof(p->text), "w");

	monitor_print_keylog(f, ev);
	fclose(f);
	p->calls++;
	return MNL_CB_OK;
}

/*
 * A session's keys: as Wireshark's key log with "keylog", never in the
 * text or JSON lines; and wiped from the parser's event once handled.
 */
static void test_session_keys(void)
{
	static const uint8_t zero[sizeof(struct wgctl_event)];
	struct printed p = { 0 };
	struct wgctl_event_parse parse = {
		.family = FAMILY, .handle = print_keylog, .arg = &p,
	};
	int ret;

	check_event("session-keys-no-secrets", session_keys_event(true),
		    "wg0: session-keys " KEY_B64 " role initiator\n",
		    "{\"event\":\"session-keys\",\"interface\":\"wg0\",\"ifindex\":4,\"public_key\":\"" KEY_B64 "\",\"role\":\"initiator\"}\n");
	ret = wgctl_parse_event(session_keys_event(true), &parse);
	unit_check("session-keys-keylog", ret == MNL_CB_OK && !strcmp(p.text,
		   "LOCAL_STATIC_PRIVATE_KEY = " LOCAL_B64 "\n"
		   "REMOTE_STATIC_PUBLIC_KEY = " KEY_B64 "\n"
		   "LOCAL_EPHEMERAL_PRIVATE_KEY = " EPH_B64 "\n"
		   "PRESHARED_KEY = " PSK_B64 "\n"), "got:\n%s", p.text);
	unit_check("session-keys-wiped",
		   !memcmp(&parse.event, zero, sizeof(zero)),
		   "the event still holds its keys after the handler");
	check_refused("session-keys-incomplete", session_keys_event(false));

	/* Nothing in the key log for any other event. */
	memset(&p, 0, sizeof(p));
	ret = wgctl_parse_event(event_begin(WGC_CMD_SESSION_STARTED, "wg0"),
				&parse);
	unit_check("session-keys-keylog-only", ret == MNL_CB_OK &&
		   p.calls == 1 && !p.text[0], "got:\n%s", p.text);
}

static void test_lost(void)
{
	char text[128] = "", json[128] = "";
	FILE *f;

	f = fmemopen(text, sizeof(text), "w");
	monitor_print_lost(f, false);
	fclose(f);
	f = fmemopen(json, sizeof(json), "w");
	monitor_print_lost(f, true);
	fclose(f);
	unit_check("lost-text", !strncmp(text, "lost: ", 6), "got %s", text);
	unit_check("lost-json", !strcmp(json, "{\"event\":\"lost\"}\n"),
		   "got %s", json);
}

int main(void)
{
	unit_init();
	test_peer_events();
	test_session_started();
	test_endpoint_changed();
	test_unknown_event();
	test_device_event();
	test_name_escaped();
	test_refused();
	test_session_keys();
	test_lost();
	return unit_exit();
}
