// SPDX-License-Identifier: GPL-2.0
/*
 * "wgctl monitor": what happens to wgc devices' peers, as it happens, from
 * the kernel's events group. One line per event, like "ip monitor"; with
 * --json, one JSON object per line (the schema is in wgctl(8)); with
 * "keylog", only the keys of new sessions, as Wireshark reads them.
 */
#define _GNU_SOURCE /* ppoll() */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <sodium.h>

#include "encoding.h"
#include "json.h"
#include "monitor.h"
#include "netlink.h"
#include "show.h"
#include "wgctl.h"

static const char *const event_names[] = {
	[WGC_CMD_PEER_ADDED] = "peer-added",
	[WGC_CMD_PEER_CHANGED] = "peer-changed",
	[WGC_CMD_PEER_REMOVED] = "peer-removed",
	[WGC_CMD_SESSION_STARTED] = "session-started",
	[WGC_CMD_KEYS_ZEROED] = "keys-zeroed",
	[WGC_CMD_ENDPOINT_CHANGED] = "endpoint-changed",
	[WGC_CMD_HANDSHAKE_GIVEN_UP] = "handshake-given-up",
	[WGC_CMD_UNKNOWN_INITIATOR] = "unknown-initiator",
	[WGC_CMD_SESSION_KEYS] = "session-keys",
};

/* The event's name, or "event-N" for one newer than this tool. */
const char *monitor_event_name(uint8_t cmd, char buf[MONITOR_NAME_SIZE])
{
	if (cmd < ARRAY_SIZE(event_names) && event_names[cmd])
		return event_names[cmd];
	snprintf(buf, MONITOR_NAME_SIZE, "event-%u", cmd);
	return buf;
}

static const char *role_name(uint8_t role)
{
	switch (role) {
	case WGC_SESSION_ROLE_INITIATOR:
		return "initiator";
	case WGC_SESSION_ROLE_RESPONDER:
		return "responder";
	}
	return "unknown";
}

static bool has_endpoint(const union wgctl_endpoint *ep)
{
	return ep->addr.sa_family == AF_INET || ep->addr.sa_family == AF_INET6;
}

/* "wg0: session-started KEY role initiator endpoint 192.0.2.1:51820" */
static void print_text(FILE *out, const struct wgctl_event *ev)
{
	char key[WGC_KEY_B64_LEN + 1], buf[SHOW_BUF_SIZE];
	char name[MONITOR_NAME_SIZE];

	fprintf(out, "%s: %s", ev->ifname, monitor_event_name(ev->cmd, name));
	if (ev->has_public_key) {
		key_to_base64(key, ev->public_key);
		fprintf(out, " %s", key);
	}
	if (ev->has_role)
		fprintf(out, " role %s", role_name(ev->role));
	if (has_endpoint(&ev->endpoint)) {
		show_format_endpoint(buf, sizeof(buf), &ev->endpoint);
		fprintf(out, " endpoint %s", buf);
	}
	if (has_endpoint(&ev->old_endpoint)) {
		show_format_endpoint(buf, sizeof(buf), &ev->old_endpoint);
		fprintf(out, " old-endpoint %s", buf);
	}
	fputc('\n', out);
}

static void json_member(FILE *out, const char *key, const char *value)
{
	fprintf(out, ",\"%s\":", key);
	json_write_string(out, value, strlen(value));
}

/* The same members, in the same order, as the text; see wgctl(8). */
static void print_json(FILE *out, const struct wgctl_event *ev)
{
	char key[WGC_KEY_B64_LEN + 1], buf[SHOW_BUF_SIZE];
	char name[MONITOR_NAME_SIZE];
	const char *event = monitor_event_name(ev->cmd, name);

	fputs("{\"event\":", out);
	json_write_string(out, event, strlen(event));
	json_member(out, "interface", ev->ifname);
	fprintf(out, ",\"ifindex\":%" PRIu32, ev->ifindex);
	if (ev->has_public_key) {
		key_to_base64(key, ev->public_key);
		json_member(out, "public_key", key);
	}
	if (ev->has_role)
		json_member(out, "role", role_name(ev->role));
	if (has_endpoint(&ev->endpoint)) {
		show_format_endpoint(buf, sizeof(buf), &ev->endpoint);
		json_member(out, "endpoint", buf);
	}
	if (has_endpoint(&ev->old_endpoint)) {
		show_format_endpoint(buf, sizeof(buf), &ev->old_endpoint);
		json_member(out, "old_endpoint", buf);
	}
	fputs("}\n", out);
}

void monitor_print_event(FILE *out, const struct wgctl_event *ev, bool json)
{
	if (json)
		print_json(out, ev);
	else
		print_text(out, ev);
}

/*
 * A session's keys in the key log format of Wireshark's WireGuard
 * dissector: with one side's static and ephemeral private keys (and the
 * preshared key), it decrypts the handshake, and from it the session.
 * Nothing for any other event.
 */
void monitor_print_keylog(FILE *out, const struct wgctl_event *ev)
{
	static const char *const names[] = {
		"LOCAL_STATIC_PRIVATE_KEY", "REMOTE_STATIC_PUBLIC_KEY",
		"LOCAL_EPHEMERAL_PRIVATE_KEY", "PRESHARED_KEY",
	};
	const uint8_t *keys[] = {
		ev->local_private_key, ev->public_key,
		ev->ephemeral_private_key, ev->preshared_key,
	};
	char b64[WGC_KEY_B64_LEN + 1];
	size_t i;

	if (ev->cmd != WGC_CMD_SESSION_KEYS || !ev->has_keys ||
	    !ev->has_public_key)
		return;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		key_to_base64(b64, keys[i]);
		fprintf(out, "%s = %s\n", names[i], b64);
	}
	sodium_memzero(b64, sizeof(b64));
}

/* What the kernel dropped before the socket was read again. */
void monitor_print_lost(FILE *out, bool json)
{
	if (json)
		fputs("{\"event\":\"lost\"}\n", out);
	else
		fputs("lost: the kernel dropped events this monitor read too slowly\n",
		      out);
}

/* ---- The command ---- */

struct monitor {
	unsigned int ifindex;	/* 0: every device */
	bool json;
	bool keylog;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * The signals that end the monitor: caught without SA_RESTART, so that
 * one also interrupts a write to a stalled reader. *ending gets them as a
 * set, to block between the check of stop and the wait for events (see
 * wait_for_events()).
 */
static void catch_signals(sigset_t *ending)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_signal };
	size_t i;

	sigemptyset(&sa.sa_mask);
	sigemptyset(ending);
	for (i = 0; i < ARRAY_SIZE(signals); i++) {
		sigaction(signals[i], &sa, NULL);
		sigaddset(ending, signals[i]);
	}
}

/*
 * 1 when there is something to read, 0 when the monitor is to end. A
 * signal between the check of stop and the wait would only be seen at the
 * next event: it is blocked there, and ppoll() unblocks it atomically.
 */
static int wait_for_events(struct wgctl_events *events,
			   const sigset_t *ending)
{
	struct pollfd pfd = { .fd = wgctl_events_fd(events), .events = POLLIN };
	sigset_t before;
	int ret;

	sigprocmask(SIG_BLOCK, ending, &before);
	ret = stop ? 0 : ppoll(&pfd, 1, NULL, &before);
	sigprocmask(SIG_SETMASK, &before, NULL);
	if (ret < 0)
		return errno == EINTR ? 0 : -1;
	return ret > 0;
}

static int handle_event(const struct wgctl_event *ev, void *arg)
{
	const struct monitor *m = arg;

	if (m->ifindex && ev->ifindex != m->ifindex)
		return MNL_CB_OK;
	if (m->keylog)
		monitor_print_keylog(stdout, ev);
	else
		monitor_print_event(stdout, ev, m->json);
	/* A reader at the other end of a pipe wants each line as it comes. */
	if (fflush(stdout))
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: %s monitor [<interface> | all] [--json | keylog]\n",
		PROG_NAME);
}

/*
 * The interface (or "all") and the form, in any order; "keylog" after the
 * interface, if both are given, as the interface could be called so.
 */
static int parse_args(int argc, char *argv[], const char **iface,
		      struct monitor *m)
{
	int i;

	*iface = NULL;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && !m->json && !m->keylog)
			m->json = true;
		else if (!strcmp(argv[i], "keylog") && *iface && !m->json &&
			 !m->keylog)
			m->keylog = true;
		else if (argv[i][0] != '-' && !*iface)
			*iface = argv[i];
		else
			return -1;
	}
	return 0;
}

static bool is_wgc_interface(const char *name)
{
	struct wgctl_iface_list list = { 0 };
	struct wgctl_nl_error e;
	bool found = false;
	size_t i;

	if (wgctl_list_interfaces(&list, &e) < 0)
		return true;	/* let the events decide */
	for (i = 0; i < list.count; i++)
		if (!strcmp(list.names[i], name))
			found = true;
	wgctl_iface_list_free(&list);
	return found;
}

static int pick_interface(const char *iface, struct monitor *m)
{
	if (!iface || !strcmp(iface, "all"))
		return 0;
	if (!valid_ifname(iface))
		return -1;
	m->ifindex = if_nametoindex(iface);
	if (!m->ifindex) {
		fprintf(stderr, "%s: Unable to access interface %s: %s\n",
			PROG_NAME, iface, strerror(errno));
		return -1;
	}
	if (!is_wgc_interface(iface)) {
		fprintf(stderr, "%s: Interface %s is not a wgc interface\n",
			PROG_NAME, iface);
		return -1;
	}
	return 0;
}

/*
 * A key log of an interface whose switch is off stays empty: say so once
 * (a note, not an error: the switch may be turned on later).
 */
static void note_keylog_off(const char *iface)
{
	struct wgctl_device dev;
	struct wgctl_nl_error e;

	if (wgctl_get_device(iface, 0, &dev, &e) < 0)
		return;
	if (dev.has_keylog && !dev.keylog)
		fprintf(stderr,
			"%s: keylog is off on %s: no keys until `%s set %s keylog on'\n",
			PROG_NAME, iface, PROG_NAME, iface);
	wgctl_device_free(&dev);
}

static void explain_open_error(const struct wgctl_nl_error *e)
{
	if (e->err == EPERM)
		fprintf(stderr,
			"%s: Unable to listen to wgc events: %s (it needs CAP_NET_ADMIN)\n",
			PROG_NAME, strerror(e->err));
	else if (e->err == EOPNOTSUPP)
		fprintf(stderr,
			"%s: Unable to listen to wgc events: the loaded wgc module sends none\n",
			PROG_NAME);
	else
		wgctl_nl_perror("Unable to listen to wgc events", e);
}

static int watch(struct wgctl_events *events, struct monitor *m,
		 const sigset_t *ending)
{
	struct wgctl_event_parse p = { .handle = handle_event, .arg = m };
	struct wgctl_nl_error e;
	int ready;

	while (!stop) {
		ready = wait_for_events(events, ending);
		if (ready < 0) {
			fprintf(stderr, "%s: Unable to wait for wgc events: %s\n",
				PROG_NAME, strerror(errno));
			return 1;
		}
		if (!ready || !wgctl_events_read(events, &p, &e))
			continue;
		if (stop)
			break;
		if (e.err == ENOBUFS) {
			/* The key log is Wireshark's: no other lines in it. */
			monitor_print_lost(m->keylog ? stderr : stdout,
					   m->json);
			if (fflush(stdout))
				return 1;
			continue;
		}
		/* Output that cannot be written ends the monitor. */
		if (ferror(stdout))
			return 1;
		if (e.no_family) {
			fprintf(stderr, "%s: The wgc module was unloaded: no more events\n",
				PROG_NAME);
			return 1;
		}
		/* A message this tool cannot read is skipped, not fatal. */
		if (e.err == EPROTO) {
			fprintf(stderr, "%s: Skipped a malformed wgc event\n",
				PROG_NAME);
			continue;
		}
		wgctl_nl_perror("Unable to read wgc events", &e);
		return 1;
	}
	return 0;
}

int monitor_main(int argc, char *argv[])
{
	struct monitor m = { 0 };
	struct wgctl_events *events;
	struct wgctl_nl_error e;
	const char *iface;
	sigset_t ending;
	int ret;

	if (argc == 2 && is_help_arg(argv[1])) {
		usage(stdout);
		return 0;
	}
	if (parse_args(argc, argv, &iface, &m) < 0) {
		usage(stderr);
		return 1;
	}
	if (pick_interface(iface, &m) < 0)
		return 1;
	catch_signals(&ending);
	/* The keys come on a group of their own, and only they do. */
	events = wgctl_events_open(m.keylog ? WGC_MCGRP_KEYLOG :
					      WGC_MCGRP_EVENTS, &e);
	if (!events) {
		explain_open_error(&e);
		return 1;
	}
	if (m.keylog && m.ifindex)
		note_keylog_off(iface);
	ret = watch(events, &m, &ending);
	wgctl_events_close(events);
	return ret;
}
