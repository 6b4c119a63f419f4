// SPDX-License-Identifier: GPL-2.0
/*
 * Splitting a set request over several messages, as the uapi header's
 * contract allows:
 *
 *  - the device's own attributes, and WGC_DEVICE_F_REPLACE_PEERS, go in
 *    the first message only: the kernel applies each message as it comes,
 *    and replacing the peers again later would undo the earlier messages;
 *  - peers follow in order, as many per message as fit;
 *  - a peer whose allowed IPs do not all fit is cut after the last one
 *    that does, and continues at the start of the next message with its
 *    public key, its flags minus WGC_PEER_F_REPLACE_ALLOWEDIPS (which
 *    would drop what the first part added) and the rest of its allowed IPs;
 *    since the messages are applied one after the other, and the allowed
 *    IPs of each in order, a split moves no removal
 *    (WGC_ALLOWEDIP_F_REMOVE_ME) before an addition it followed, nor after
 *    one it preceded;
 *  - a peer that does not fit at all, or of whose allowed IPs not even one
 *    fits, moves whole to the next message.
 *
 * A peer being removed is sent as its key and flags alone: the kernel
 * removes it and would ignore anything else.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sodium.h>

#include "request.h"

/* Where the next message starts: a peer, and an allowed IP of it. */
struct cursor {
	size_t peer;
	size_t aip;
	bool continued;		/* the peer's first part is already out */
};

enum fit {
	FIT_NONE,		/* nothing of the peer fitted; cancelled */
	FIT_PART,		/* some of its allowed IPs must wait */
	FIT_ALL,
};

static struct nlmsghdr *msg_new(struct wgctl_set_batch *batch,
				const struct wgctl_device *change,
				uint16_t family)
{
	struct nlmsghdr *nlh, **msgs;
	struct genlmsghdr *genl;
	size_t cap;

	if (batch->count == batch->capacity) {
		cap = batch->capacity ? batch->capacity * 2 : 4;
		msgs = realloc(batch->msgs, cap * sizeof(*msgs));
		if (!msgs)
			return NULL;
		batch->msgs = msgs;
		batch->capacity = cap;
	}
	/* Zeroed: libmnl leaves attribute padding as it finds it. */
	nlh = calloc(1, batch->bound);
	if (!nlh)
		return NULL;
	batch->msgs[batch->count++] = nlh;

	mnl_nlmsg_put_header(nlh);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = WGC_CMD_SET_DEVICE;
	genl->version = WGC_GENL_VERSION;
	mnl_attr_put_strz(nlh, WGC_DEVICE_A_IFNAME, change->name);
	return nlh;
}

/* First message only; WGC_SET_MSG_MIN leaves room for all of it. */
static void put_device(struct nlmsghdr *nlh,
		       const struct wgctl_device *change)
{
	if (change->set_private_key)
		mnl_attr_put(nlh, WGC_DEVICE_A_PRIVATE_KEY, WGC_KEY_LEN,
			     change->private_key);
	if (change->set_listen_port)
		mnl_attr_put_u16(nlh, WGC_DEVICE_A_LISTEN_PORT,
				 change->listen_port);
	if (change->set_fwmark)
		mnl_attr_put_u32(nlh, WGC_DEVICE_A_FWMARK, change->fwmark);
	if (change->set_keylog)
		mnl_attr_put_u8(nlh, WGC_DEVICE_A_KEYLOG, change->keylog);
	if (change->replace_peers)
		mnl_attr_put_u32(nlh, WGC_DEVICE_A_FLAGS,
				 WGC_DEVICE_F_REPLACE_PEERS);
}

static size_t endpoint_len(const union wgctl_endpoint *ep)
{
	if (ep->addr.sa_family == AF_INET)
		return sizeof(ep->addr4);
	if (ep->addr.sa_family == AF_INET6)
		return sizeof(ep->addr6);
	return 0;
}

/* What a peer's first part carries besides its key, flags and IPs. */
static bool put_peer_settings(struct nlmsghdr *nlh, size_t bound,
			      const struct wgctl_peer *peer)
{
	size_t ep_len = endpoint_len(&peer->endpoint);

	if (peer->has_preshared_key &&
	    !mnl_attr_put_check(nlh, bound, WGC_PEER_A_PRESHARED_KEY,
				WGC_KEY_LEN, peer->preshared_key))
		return false;
	if (ep_len &&
	    !mnl_attr_put_check(nlh, bound, WGC_PEER_A_ENDPOINT, ep_len,
				&peer->endpoint))
		return false;
	if (peer->has_keepalive &&
	    !mnl_attr_put_u16_check(nlh, bound,
				    WGC_PEER_A_PERSISTENT_KEEPALIVE_INTERVAL,
				    peer->persistent_keepalive))
		return false;
	return true;
}

static bool put_peer_head(struct nlmsghdr *nlh, size_t bound,
			  const struct wgctl_peer *peer, bool continued)
{
	uint32_t flags = peer->flags;

	if (continued)
		flags &= ~(uint32_t)WGC_PEER_F_REPLACE_ALLOWEDIPS;
	if (!mnl_attr_put_check(nlh, bound, WGC_PEER_A_PUBLIC_KEY, WGC_KEY_LEN,
				peer->public_key))
		return false;
	if (flags && !mnl_attr_put_u32_check(nlh, bound, WGC_PEER_A_FLAGS,
					     flags))
		return false;
	if (continued || (peer->flags & WGC_PEER_F_REMOVE_ME))
		return true;
	return put_peer_settings(nlh, bound, peer);
}

/*
 * WGC_ALLOWEDIP_A_FLAGS only when there is a flag: a module older than the
 * attribute refuses it, and a plain addition must still reach one.
 */
static bool put_allowedip(struct nlmsghdr *nlh, size_t bound,
			  const struct wgctl_allowedip *aip)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, bound, 0);
	size_t len = aip->family == AF_INET ? 4 : 16;

	if (!nest)
		return false;
	if (!mnl_attr_put_u16_check(nlh, bound, WGC_ALLOWEDIP_A_FAMILY,
				    aip->family) ||
	    !mnl_attr_put_check(nlh, bound, WGC_ALLOWEDIP_A_IPADDR, len,
				&aip->ip6) ||
	    !mnl_attr_put_u8_check(nlh, bound, WGC_ALLOWEDIP_A_CIDR_MASK,
				   aip->cidr) ||
	    (aip->flags &&
	     !mnl_attr_put_u32_check(nlh, bound, WGC_ALLOWEDIP_A_FLAGS,
				     aip->flags))) {
		mnl_attr_nest_cancel(nlh, nest);
		return false;
	}
	mnl_attr_nest_end(nlh, nest);
	return true;
}

/* As many of the peer's allowed IPs from cur->aip on as fit. */
static size_t put_allowedips(struct nlmsghdr *nlh, size_t bound,
			     const struct wgctl_peer *peer, struct cursor *cur)
{
	struct nlattr *nest;
	size_t first = cur->aip;

	nest = mnl_attr_nest_start_check(nlh, bound, WGC_PEER_A_ALLOWEDIPS);
	if (!nest)
		return 0;
	while (cur->aip < peer->num_allowedips &&
	       put_allowedip(nlh, bound, &peer->allowedips[cur->aip]))
		cur->aip++;
	if (cur->aip == first)
		mnl_attr_nest_cancel(nlh, nest);
	else
		mnl_attr_nest_end(nlh, nest);
	return cur->aip - first;
}

static enum fit put_peer(struct nlmsghdr *nlh, size_t bound,
			 const struct wgctl_peer *peer, struct cursor *cur)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, bound, 0);
	bool has_ips = !(peer->flags & WGC_PEER_F_REMOVE_ME) &&
		       peer->num_allowedips;

	if (!nest)
		return FIT_NONE;
	if (!put_peer_head(nlh, bound, peer, cur->continued) ||
	    (has_ips && !put_allowedips(nlh, bound, peer, cur))) {
		mnl_attr_nest_cancel(nlh, nest);
		return FIT_NONE;
	}
	mnl_attr_nest_end(nlh, nest);
	if (has_ips && cur->aip < peer->num_allowedips) {
		cur->continued = true;
		return FIT_PART;
	}
	return FIT_ALL;
}

/* Fill nlh with peers from cur on. Returns how many nests went in. */
static size_t put_peers(struct nlmsghdr *nlh, size_t bound,
			const struct wgctl_peer_list *list, struct cursor *cur)
{
	struct nlattr *nest;
	size_t n = 0;
	enum fit fit;

	nest = mnl_attr_nest_start_check(nlh, bound, WGC_DEVICE_A_PEERS);
	if (!nest)
		return 0;
	while (cur->peer < list->count) {
		fit = put_peer(nlh, bound, &list->peers[cur->peer], cur);
		if (fit == FIT_NONE)
			break;
		n++;
		if (fit == FIT_PART)
			break;
		cur->peer++;
		cur->aip = 0;
		cur->continued = false;
	}
	if (n)
		mnl_attr_nest_end(nlh, nest);
	else
		mnl_attr_nest_cancel(nlh, nest);
	return n;
}

/*
 * Split change into messages of at most bound bytes each, for generic
 * netlink family id family. Returns 0, -EINVAL for a bound below
 * WGC_SET_MSG_MIN, or -ENOMEM. On error batch holds nothing.
 */
int wgctl_set_batch_build(const struct wgctl_device *change,
			  uint16_t family, size_t bound,
			  struct wgctl_set_batch *batch)
{
	struct cursor cur = { 0 };
	struct nlmsghdr *nlh;

	memset(batch, 0, sizeof(*batch));
	if (bound < WGC_SET_MSG_MIN || bound > UINT32_MAX)
		return -EINVAL;
	batch->bound = bound;

	do {
		nlh = msg_new(batch, change, family);
		if (!nlh)
			goto nomem;
		if (batch->count == 1)
			put_device(nlh, change);
		/* The minimum bound guarantees room for one peer's worth. */
		if (cur.peer < change->peers.count &&
		    !put_peers(nlh, bound, &change->peers, &cur))
			goto toosmall;
	} while (cur.peer < change->peers.count);
	return 0;

toosmall:
	wgctl_set_batch_free(batch);
	return -EMSGSIZE;
nomem:
	wgctl_set_batch_free(batch);
	return -ENOMEM;
}

/* The messages hold the private and preshared keys: wipe them. */
void wgctl_set_batch_free(struct wgctl_set_batch *batch)
{
	size_t i;

	for (i = 0; i < batch->count; i++) {
		sodium_memzero(batch->msgs[i], batch->bound);
		free(batch->msgs[i]);
	}
	free(batch->msgs);
	memset(batch, 0, sizeof(*batch));
}
