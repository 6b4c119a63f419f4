// SPDX-License-Identifier: GPL-2.0
/*
 * Peer counters and the OpenMetrics exposition.
 *
 * OpenMetrics (the text format Prometheus and node_exporter's textfile
 * collector read) wants each metric family whole, in one place: its TYPE,
 * UNIT and HELP lines, then every sample of it, whatever device or peer
 * it is about. So the exposition walks the families, and within each,
 * every device's peers. Label values are escaped as the format says, and
 * kept valid UTF-8 (an interface name may hold any byte).
 */
#include <inttypes.h>
#include <string.h>

#include "encoding.h"
#include "metrics.h"

size_t peer_counters(const struct wgctl_peer *peer,
		     struct peer_counter out[PEER_COUNTERS])
{
	const struct wgctl_peer_stats *s = peer->stats;
	size_t n = 0;

#define COUNTER(counter_name, v) \
	(out[n++] = (struct peer_counter){ .name = (counter_name), \
					   .value = (v) })
	if (!s)
		return 0;
	COUNTER("rx-bytes", peer->rx_bytes);
	COUNTER("tx-bytes", peer->tx_bytes);
	COUNTER("rx-packets", s->rx_packets);
	COUNTER("tx-packets", s->tx_packets);
	COUNTER("rx-keepalives", s->rx_keepalives);
	COUNTER("tx-keepalives", s->tx_keepalives);
	COUNTER("rx-dropped-replay", s->rx_dropped_replay);
	COUNTER("rx-dropped-auth", s->rx_dropped_auth);
	COUNTER("rx-dropped-source", s->rx_dropped_source);
	COUNTER("rx-dropped-no-session", s->rx_dropped_no_session);
	COUNTER("tx-dropped-no-session", s->tx_dropped_no_session);
	COUNTER("tx-dropped-too-big", s->tx_dropped_too_big);
	COUNTER("initiations-sent", s->initiations_sent);
	COUNTER("initiations-received", s->initiations_received);
	COUNTER("responses-sent", s->responses_sent);
	COUNTER("responses-received", s->responses_received);
	COUNTER("cookies-sent", s->cookies_sent);
	COUNTER("cookies-received", s->cookies_received);
	COUNTER("handshakes-given-up", s->handshakes_given_up);
	COUNTER("rekeys", s->rekeys);
	out[n++] = (struct peer_counter){ .name = "last-rekey",
					  .value = (uint64_t)s->last_rekey_sec,
					  .is_time = true };
#undef COUNTER
	return n;
}

/* ---- OpenMetrics ---- */

/* A label value: \, " and newline escaped; invalid UTF-8 as U+FFFD. */
static void put_label_value(FILE *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (p[i] == '\\' || p[i] == '"') {
			fputc('\\', out);
			fputc(p[i++], out);
		} else if (p[i] == '\n') {
			fputs("\\n", out);
			i++;
		} else if ((n = utf8_sequence_len(p + i, len - i))) {
			fwrite(p + i, 1, n, out);
			i += n;
		} else {
			fputs("\xef\xbf\xbd", out);
			i++;
		}
	}
}

/*
 * A family's metadata. OpenMetrics names a counter family without the
 * _total its samples carry, and has units; the Prometheus text format
 * (node_exporter's textfile collector) names it as its samples, has no
 * units, and puts HELP first.
 */
static void put_family(FILE *out, enum metrics_format format,
		       const char *name, const char *type, const char *unit,
		       const char *help)
{
	if (format == METRICS_PROMETHEUS) {
		const char *suffix = strcmp(type, "counter") ? "" : "_total";

		fprintf(out, "# HELP %s%s %s\n", name, suffix, help);
		fprintf(out, "# TYPE %s%s %s\n", name, suffix, type);
		return;
	}
	fprintf(out, "# TYPE %s %s\n", name, type);
	if (unit)
		fprintf(out, "# UNIT %s %s\n", name, unit);
	fprintf(out, "# HELP %s %s\n", name, help);
}

/* A sample's name and its device's (and peer's) labels, up to the '}'. */
static void put_sample_start(FILE *out, const char *name, const char *suffix,
			     const struct wgctl_device *dev,
			     const struct wgctl_peer *peer)
{
	char b64[WGC_KEY_B64_LEN + 1];

	fprintf(out, "%s%s{interface=\"", name, suffix);
	put_label_value(out, dev->name, strnlen(dev->name, sizeof(dev->name)));
	fputc('"', out);
	if (peer) {
		key_to_base64(b64, peer->public_key);
		fprintf(out, ",public_key=\"%s\"", b64);
	}
}

/* The most samples a per-peer family has for each peer. */
#define FAMILY_MAX_SAMPLES 6

/* The per-peer families, each taken from the counters' list by name. */
struct peer_family {
	const char *name;
	const char *type;		/* "counter" or "gauge" */
	const char *unit;		/* or NULL */
	const char *help;
	/* one sample per peer per entry: extra labels, and a counter */
	struct {
		const char *labels;	/* ",a=\"b\"" or "" */
		const char *counter;	/* as peer_counters() names it */
	} samples[FAMILY_MAX_SAMPLES];
};

static const struct peer_family peer_families[] = {
	{ "wgc_peer_received_bytes", "counter", "bytes",
	  "What the tunnel carried from the peer: authentic data messages, keepalives, initiations and responses, as UDP payload (WireGuard's count)",
	  { { "", "rx-bytes" } } },
	{ "wgc_peer_sent_bytes", "counter", "bytes",
	  "What the tunnel carried to the peer, counted as for received bytes",
	  { { "", "tx-bytes" } } },
	{ "wgc_peer_received_packets", "counter", NULL,
	  "Messages counted in received bytes",
	  { { "", "rx-packets" } } },
	{ "wgc_peer_sent_packets", "counter", NULL,
	  "Messages counted in sent bytes",
	  { { "", "tx-packets" } } },
	{ "wgc_peer_keepalives", "counter", NULL,
	  "Data messages without a packet inside",
	  { { ",direction=\"received\"", "rx-keepalives" },
	    { ",direction=\"sent\"", "tx-keepalives" } } },
	{ "wgc_peer_dropped_packets", "counter", NULL,
	  "Packets to or from the peer that were dropped, by reason",
	  { { ",direction=\"received\",reason=\"replay\"",
	      "rx-dropped-replay" },
	    { ",direction=\"received\",reason=\"authentication\"",
	      "rx-dropped-auth" },
	    { ",direction=\"received\",reason=\"source\"",
	      "rx-dropped-source" },
	    { ",direction=\"received\",reason=\"no_session\"",
	      "rx-dropped-no-session" },
	    { ",direction=\"sent\",reason=\"no_session\"",
	      "tx-dropped-no-session" },
	    { ",direction=\"sent\",reason=\"too_big\"",
	      "tx-dropped-too-big" } } },
	{ "wgc_peer_handshake_messages", "counter", NULL,
	  "Handshake messages, received ones once they proved authentic",
	  { { ",direction=\"sent\",message=\"initiation\"",
	      "initiations-sent" },
	    { ",direction=\"received\",message=\"initiation\"",
	      "initiations-received" },
	    { ",direction=\"sent\",message=\"response\"", "responses-sent" },
	    { ",direction=\"received\",message=\"response\"",
	      "responses-received" },
	    { ",direction=\"sent\",message=\"cookie\"", "cookies-sent" },
	    { ",direction=\"received\",message=\"cookie\"",
	      "cookies-received" } } },
	{ "wgc_peer_handshakes_given_up", "counter", NULL,
	  "Handshakes abandoned after their last retransmission",
	  { { "", "handshakes-given-up" } } },
	{ "wgc_peer_rekeys", "counter", NULL,
	  "Sessions that replaced one still in use",
	  { { "", "rekeys" } } },
	{ "wgc_peer_last_rekey_timestamp_seconds", "gauge", "seconds",
	  "When the last of those sessions began, Unix time; 0 if none did",
	  { { "", "last-rekey" } } },
};

/* The named counter of c as OpenMetrics writes its value. */
static void put_counter_value(FILE *out, const struct peer_counter *c,
			      size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n && strcmp(c[i].name, name); i++)
		;
	if (i == n)
		fputs("0", out);
	else if (c[i].is_time)
		fprintf(out, "%" PRId64, (int64_t)c[i].value);
	else
		fprintf(out, "%" PRIu64, c[i].value);
}

static void put_peer_family(FILE *out, enum metrics_format format,
			    const struct peer_family *f,
			    const struct wgctl_device *devs, size_t count)
{
	const char *suffix = strcmp(f->type, "counter") ? "" : "_total";
	struct peer_counter c[PEER_COUNTERS];
	const struct wgctl_peer *peer;
	size_t d, p, j, n;

	put_family(out, format, f->name, f->type, f->unit, f->help);
	for (d = 0; d < count; d++) {
		for (p = 0; p < devs[d].peers.count; p++) {
			peer = &devs[d].peers.peers[p];
			n = peer_counters(peer, c);
			if (!n)
				continue;
			for (j = 0; j < FAMILY_MAX_SAMPLES &&
				    f->samples[j].counter; j++) {
				put_sample_start(out, f->name, suffix,
						 &devs[d], peer);
				fprintf(out, "%s} ", f->samples[j].labels);
				put_counter_value(out, c, n,
						  f->samples[j].counter);
				fputc('\n', out);
			}
		}
	}
}

/* Peers' last handshakes: not a counter, but what exporters show most. */
static void put_last_handshakes(FILE *out, enum metrics_format format,
				const struct wgctl_device *devs, size_t count)
{
	const char *name = "wgc_peer_last_handshake_timestamp_seconds";
	size_t d, p;

	put_family(out, format, name, "gauge", "seconds",
		   "When the last handshake with the peer completed, Unix time; 0 if none did");
	for (d = 0; d < count; d++) {
		for (p = 0; p < devs[d].peers.count; p++) {
			const struct wgctl_peer *peer = &devs[d].peers.peers[p];

			put_sample_start(out, name, "", &devs[d], peer);
			fprintf(out, "} %" PRId64 "\n", peer->last_handshake_sec);
		}
	}
}

void metrics_write(FILE *out, enum metrics_format format,
		   const struct wgctl_device *devs, size_t count)
{
	size_t i;

	put_family(out, format, "wgc_device_peers", "gauge", NULL,
		   "Peers the device has");
	for (i = 0; i < count; i++) {
		put_sample_start(out, "wgc_device_peers", "", &devs[i], NULL);
		fprintf(out, "} %zu\n", devs[i].peers.count);
	}
	put_last_handshakes(out, format, devs, count);
	for (i = 0; i < sizeof(peer_families) / sizeof(peer_families[0]); i++)
		put_peer_family(out, format, &peer_families[i], devs, count);
	if (format == METRICS_OPENMETRICS)
		fputs("# EOF\n", out);
}
