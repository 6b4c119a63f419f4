// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a peer's counters (see stats.h for who writes them).
 */

#include "stats.h"

static void wgc_stats_read_rx(const struct wgc_peer_rx_stats *rx,
			      struct wgc_peer_stats *out)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&rx->syncp);
		out->rx_packets = u64_stats_read(&rx->packets);
		out->rx_bytes = u64_stats_read(&rx->bytes);
		out->rx_keepalives = u64_stats_read(&rx->keepalives);
		out->rx_dropped_replay = u64_stats_read(&rx->dropped_replay);
		out->rx_dropped_auth = u64_stats_read(&rx->dropped_auth);
		out->rx_dropped_source = u64_stats_read(&rx->dropped_source);
		out->rx_dropped_no_session =
			u64_stats_read(&rx->dropped_no_session);
	} while (u64_stats_fetch_retry(&rx->syncp, start));
}

static void wgc_stats_read_tx(const struct wgc_peer_tx_stats *tx,
			      struct wgc_peer_stats *out)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&tx->syncp);
		out->tx_packets = u64_stats_read(&tx->packets);
		out->tx_bytes = u64_stats_read(&tx->bytes);
		out->tx_keepalives = u64_stats_read(&tx->keepalives);
	} while (u64_stats_fetch_retry(&tx->syncp, start));
}

static void wgc_stats_read_counts(const struct wgc_peer_event_counts *c,
				  struct wgc_peer_stats *out)
{
	out->initiations_sent = atomic64_read(&c->initiations_sent);
	out->initiations_received = atomic64_read(&c->initiations_received);
	out->responses_sent = atomic64_read(&c->responses_sent);
	out->responses_received = atomic64_read(&c->responses_received);
	out->cookies_sent = atomic64_read(&c->cookies_sent);
	out->cookies_received = atomic64_read(&c->cookies_received);
	out->handshakes_given_up = atomic64_read(&c->given_up);
	out->rekeys = atomic64_read(&c->rekeys);
	out->walltime_last_rekey = atomic64_read(&c->walltime_last_rekey);
	out->tx_dropped_no_session = atomic64_read(&c->tx_dropped_no_session);
	out->tx_dropped_too_big = atomic64_read(&c->tx_dropped_too_big);
}

void wgc_stats_read(const struct wgc_peer_rx_stats *rx,
		    const struct wgc_peer_tx_stats *tx,
		    const struct wgc_peer_event_counts *counts,
		    struct wgc_peer_stats *out)
{
	wgc_stats_read_rx(rx, out);
	wgc_stats_read_tx(tx, out);
	wgc_stats_read_counts(counts, out);

	/* The handshake messages the tunnel carried (see stats.h). */
	out->rx_packets += out->initiations_received + out->responses_received;
	out->rx_bytes += out->initiations_received *
			 sizeof(struct wgc_message_handshake_initiation) +
			 out->responses_received *
			 sizeof(struct wgc_message_handshake_response);
	out->tx_packets += out->initiations_sent + out->responses_sent;
	out->tx_bytes += out->initiations_sent *
			 sizeof(struct wgc_message_handshake_initiation) +
			 out->responses_sent *
			 sizeof(struct wgc_message_handshake_response);
}
