// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tools/wgctl/metrics.c: the peer counters' list, the exact
 * bytes of --openmetrics for a small device, label escaping, and that an
 * exposition of awkward devices (odd names, huge and negative values, a
 * peer without counters, a device without peers) passes a strict checker:
 * the Prometheus client library's own OpenMetrics parser, run by
 * tests/openmetrics-check.py (OPENMETRICS_CHECK, set by make unit), which
 * must refuse a broken one too.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "metrics.h"
#include "unit.h"

#define KEY_33 "MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM="

/* The text the exposition of devs came to; the caller frees it. */
static char *exposition_in(enum metrics_format format,
			   const struct wgctl_device *devs, size_t count)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	metrics_write(f, format, devs, count);
	fclose(f);
	return text;
}

static char *exposition(const struct wgctl_device *devs, size_t count)
{
	return exposition_in(METRICS_OPENMETRICS, devs, count);
}

static struct wgctl_peer *add_peer(struct wgctl_device *dev, uint8_t fill,
				   bool with_stats)
{
	struct wgctl_peer *p = wgctl_peers_add(&dev->peers);

	if (!p)
		abort();
	memset(p->public_key, fill, WGC_KEY_LEN);
	if (with_stats) {
		p->stats = calloc(1, sizeof(*p->stats));
		if (!p->stats)
			abort();
	}
	return p;
}

static void test_counters(void)
{
	struct wgctl_device dev = { .name = "wgc0" };
	struct peer_counter c[PEER_COUNTERS];
	struct wgctl_peer *p;
	size_t n;

	p = add_peer(&dev, 0x33, false);
	unit_check("metrics/counters-none-without-stats",
		   peer_counters(p, c) == 0, "listed some");

	p = add_peer(&dev, 0x44, true);
	p->rx_bytes = 148;
	p->stats->tx_dropped_too_big = 7;
	p->stats->last_rekey_sec = -5;
	n = peer_counters(p, c);
	unit_check("metrics/counters-all", n == PEER_COUNTERS, "%zu", n);
	unit_check("metrics/counters-first-is-rx-bytes",
		   !strcmp(c[0].name, "rx-bytes") && c[0].value == 148,
		   "%s %llu", c[0].name, (unsigned long long)c[0].value);
	unit_check("metrics/counters-too-big",
		   !strcmp(c[11].name, "tx-dropped-too-big") &&
		   c[11].value == 7 && !c[11].is_time, "%s", c[11].name);
	unit_check("metrics/counters-last-is-a-time",
		   !strcmp(c[n - 1].name, "last-rekey") && c[n - 1].is_time &&
		   (int64_t)c[n - 1].value == -5, "%s", c[n - 1].name);
	wgctl_device_free(&dev);
}

/* One device, one peer with a few counters: every line, exactly. */
static void test_exact(void)
{
	struct wgctl_device dev = { .name = "wgc0" };
	struct wgctl_peer *p;
	char *text;

	p = add_peer(&dev, 0x33, true);
	p->last_handshake_sec = 1700000000;
	p->rx_bytes = 1000;
	p->tx_bytes = 2000;
	p->stats->rx_packets = 10;
	p->stats->tx_packets = 20;
	p->stats->rx_dropped_replay = 3;
	p->stats->initiations_sent = 2;
	p->stats->rekeys = 1;
	p->stats->last_rekey_sec = 1700000100;
	text = exposition(&dev, 1);
	unit_check("metrics/exact", !strcmp(text,
		"# TYPE wgc_device_peers gauge\n"
		"# HELP wgc_device_peers Peers the device has\n"
		"wgc_device_peers{interface=\"wgc0\"} 1\n"
		"# TYPE wgc_peer_last_handshake_timestamp_seconds gauge\n"
		"# UNIT wgc_peer_last_handshake_timestamp_seconds seconds\n"
		"# HELP wgc_peer_last_handshake_timestamp_seconds When the last handshake with the peer completed, Unix time; 0 if none did\n"
		"wgc_peer_last_handshake_timestamp_seconds{interface=\"wgc0\",public_key=\"" KEY_33 "\"} 1700000000\n"
		"# TYPE wgc_peer_received_bytes counter\n"
		"# UNIT wgc_peer_received_bytes bytes\n"
		"# HELP wgc_peer_received_bytes What the tunnel carried from the peer: authentic data messages, keepalives, initiations and responses, as UDP payload (WireGuard's count)\n"
		"wgc_peer_received_bytes_total{interface=\"wgc0\",public_key=\"" KEY_33 "\"} 1000\n"
		"# TYPE wgc_peer_sent_bytes counter\n"
		"# UNIT wgc_peer_sent_bytes bytes\n"
		"# HELP wgc_peer_sent_bytes What the tunnel carried to the peer, counted as for received bytes\n"
		"wgc_peer_sent_bytes_total{interface=\"wgc0\",public_key=\"" KEY_33 "\"} 2000\n"
		"# TYPE wgc_peer_received_packets counter\n"
		"# HELP wgc_peer_received_packets Messages counted in received bytes\n"
		"wgc_peer_received_packets_total{interface=\"wgc0\",public_key=\"" KEY_33 "\"} 10\n"
		"# TYPE wgc_peer_sent_packets counter\n"
		"# HELP wgc_peer_sent_packets Messages counted in sent bytes\n"
		"wgc_peer_sent_packets_total{interface=\"wgc0\",public_key=\"" KEY_33 "\"} 20\n"
		"# TYPE wgc_peer_keepalives counter\n"
		"# HELP wgc_peer_keepalives Data messages without a packet inside\n"
		"wgc_peer_keepalives_total{interface=\"wgc0\",public_key=\"" KEY_33 "\",direction=\"received\"} 0\n"
		"wgc_peer_keepalives_total{interface=\"wgc0\",public_key=\"" KEY_33 "\",direction=\"sent\"} 0\n"
		"# TYPE wgc_peer_dropped_packets counter\n"
		"# HELP wgc_peer_dropped_packets Packets to or from the peer that were dropped, by reason\n"
		"wgc_peer_dropped_packets_total{interface=\"wgc0\",public_key=\"" KEY_33 "\",direction=\"received\",reason=\"replay\"} 3\n"
		"wgc_peer_dropped_packets_total{interface=\"wgc0\",public_key=\"" KEY_33 "\",direction=\"received\",reason=\"authentication\"} 0\n"
		"wgc_peer_dropped_packets_total{interface=\"wgc0\",public_key=\"" KEY_33 "\",direction=\"received\",reason=\"source\"} 0\n"
		"wgc_peer_dropped_packets_total{interface=\"wgc0\",public_key=\"" KEY_33 "\",direction=\"received\",reason=\"no_session\"} 0\n"
		"wgc_peer_dropped_packets_total{interface=\"wgc0\",public_key=\"" KEY_33 "\",direction=\"sent\",reason=\"no_session\"} 0\n"
		"wgc_peer_dropped_packets_total{interface=\"wgc0\",public_key=\"" KEY_33 "\",direction=\"sent\",reason=\"too_big\"} 0\n"
		"# TYPE wgc_peer_handshake_messages counter\n"
		"# HELP wgc_peer_handshake_messages Handshake messages, received ones once they proved authentic\n"
		"wgc_peer_handshake_messages_total{interface=\"wgc0\",public_key=\"" KEY_33 "\",direction=\"sent\",message=\"initiation\"} 2\n"
		"wgc_peer_handshake_messages_total{interface=\"wgc0\",public_key=\"" KEY_33 "\",direction=\"received\",message=\"initiation\"} 0\n"
		"wgc_peer_handshake_messages_total{interface=\"wgc0\",public_key=\"" KEY_33 "\",direction=\"sent\",message=\"response\"} 0\n"
		"wgc_peer_handshake_messages_total{interface=\"wgc0\",public_key=\"" KEY_33 "\",direction=\"received\",message=\"response\"} 0\n"
		"wgc_peer_handshake_messages_total{interface=\"wgc0\",public_key=\"" KEY_33 "\",direction=\"sent\",message=\"cookie\"} 0\n"
		"wgc_peer_handshake_messages_total{interface=\"wgc0\",public_key=\"" KEY_33 "\",direction=\"received\",message=\"cookie\"} 0\n"
		"# TYPE wgc_peer_handshakes_given_up counter\n"
		"# HELP wgc_peer_handshakes_given_up Handshakes abandoned after their last retransmission\n"
		"wgc_peer_handshakes_given_up_total{interface=\"wgc0\",public_key=\"" KEY_33 "\"} 0\n"
		"# TYPE wgc_peer_rekeys counter\n"
		"# HELP wgc_peer_rekeys Sessions that replaced one still in use\n"
		"wgc_peer_rekeys_total{interface=\"wgc0\",public_key=\"" KEY_33 "\"} 1\n"
		"# TYPE wgc_peer_last_rekey_timestamp_seconds gauge\n"
		"# UNIT wgc_peer_last_rekey_timestamp_seconds seconds\n"
		"# HELP wgc_peer_last_rekey_timestamp_seconds When the last of those sessions began, Unix time; 0 if none did\n"
		"wgc_peer_last_rekey_timestamp_seconds{interface=\"wgc0\",public_key=\"" KEY_33 "\"} 1700000100\n"
		"# EOF\n"), "got:\n%s", text);
	free(text);
	wgctl_device_free(&dev);
}

/* An interface name may hold any byte but NUL, '/', ':' and blanks. */
static void test_escaping(void)
{
	struct wgctl_device dev = { .name = "a\"b\\c\xff\xc3\xa9" };
	char *text = exposition(&dev, 1);

	unit_check("metrics/label-escaped",
		   strstr(text, "wgc_device_peers{interface=\"a\\\"b\\\\c\xef\xbf\xbd\xc3\xa9\"} 0\n") != NULL,
		   "got:\n%s", text);
	free(text);
}

/*
 * Runs the strict checker on text (in the Prometheus text format if
 * prometheus); its exit status, or -1.
 */
static int run_checker(const char *checker, bool prometheus, const char *text,
		       char **out)
{
	char path[] = "/tmp/wgctl-openmetrics-XXXXXX";
	char cmd[512];
	size_t len = 0, n;
	char buf[4096];
	FILE *f, *p;
	int fd, status;

	*out = NULL;
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f || fputs(text, f) == EOF || fclose(f)) {
		unlink(path);
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "'%s' %s '%s' 2>&1", checker,
		 prometheus ? "--prometheus" : "", path);
	p = popen(cmd, "r");
	if (!p) {
		unlink(path);
		return -1;
	}
	*out = calloc(1, 65536);
	while (*out && (n = fread(buf, 1, sizeof(buf), p)) > 0 &&
	       len + n < 65535) {
		memcpy(*out + len, buf, n);
		len += n;
	}
	status = pclose(p);
	unlink(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_strict(void)
{
	const char *checker = getenv("OPENMETRICS_CHECK");
	struct wgctl_device devs[3] = {
		{ .name = "wgc0" }, { .name = "we\"ird\\\xff" }, { .name = "e" },
	};
	struct wgctl_peer *p;
	char *text, *broken, *out, *eof, *prom, *prom_out;
	int rc;

	if (!unit_check("metrics/checker-given", checker && *checker,
			"OPENMETRICS_CHECK is not set (make unit sets it)"))
		return;
	p = add_peer(&devs[0], 0x33, true);
	p->rx_bytes = UINT64_MAX;
	p->tx_bytes = 9007199254740993ULL;
	p->last_handshake_sec = INT64_MAX;
	p->stats->rx_packets = UINT64_MAX;
	p->stats->last_rekey_sec = INT64_MIN;
	add_peer(&devs[0], 0x44, false);	/* a module without counters */
	p = add_peer(&devs[1], 0x55, true);
	p->stats->cookies_received = 1;
	text = exposition(devs, 3);

	rc = run_checker(checker, false, text, &out);
	unit_check("metrics/strict-parser-accepts", rc == 0,
		   "exit %d: %s\n%s", rc, out ? out : "", text);
	unit_check("metrics/strict-parser-saw-all-samples",
		   out && strstr(out, "wgc_device_peers gauge 3\n") &&
		   strstr(out, "wgc_peer_dropped_packets counter 12\n") &&
		   strstr(out, "wgc_peer_last_handshake_timestamp_seconds gauge 3\n"),
		   "%s", out ? out : "");
	free(out);

	/* The checker is strict: without its end, the same text is refused. */
	broken = strdup(text);
	eof = broken ? strstr(broken, "# EOF\n") : NULL;
	if (eof)
		*eof = '\0';
	rc = broken ? run_checker(checker, false, broken, &out) : -1;
	unit_check("metrics/strict-parser-refuses-no-eof", rc == 1,
		   "exit %d: %s", rc, out ? out : "");
	free(out);
	free(broken);

	/*
	 * The Prometheus text format of the same devices: the same families,
	 * of the same types, with the same samples (node_exporter's textfile
	 * collector reads it).
	 */
	rc = run_checker(checker, false, text, &out);
	prom = exposition_in(METRICS_PROMETHEUS, devs, 3);
	rc |= run_checker(checker, true, prom, &prom_out);
	unit_check("metrics/prometheus-format-same-families",
		   !rc && out && prom_out && !strcmp(out, prom_out),
		   "exit %d:\n%s\nagainst OpenMetrics':\n%s",
		   rc, prom_out ? prom_out : "", out ? out : "");
	unit_check("metrics/prometheus-format-lines",
		   !strstr(prom, "# EOF") && !strstr(prom, "# UNIT") &&
		   strstr(prom, "# HELP wgc_peer_received_bytes_total What") &&
		   strstr(prom, "\n# TYPE wgc_peer_received_bytes_total counter\nwgc_peer_received_bytes_total{interface=\"wgc0\""),
		   "got:\n%s", prom);
	free(out);
	free(prom_out);
	free(prom);
	/* and it refuses OpenMetrics' own lines there */
	rc = run_checker(checker, true, text, &out);
	unit_check("metrics/prometheus-checker-refuses-openmetrics", rc == 1,
		   "exit %d: %s", rc, out ? out : "");
	free(out);
	free(text);
	for (rc = 0; rc < 3; rc++)
		wgctl_device_free(&devs[rc]);
}

int main(void)
{
	unit_init();
	test_counters();
	test_exact();
	test_escaping();
	test_strict();
	return unit_exit();
}
