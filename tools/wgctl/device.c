// SPDX-License-Identifier: GPL-2.0
/*
 * Growing and freeing the peer and allowed-IP arrays of a device.
 *
 * Peers hold preshared keys, so the arrays are never handed to realloc():
 * it may move a block and free the old one with the keys still in it.
 * They grow by copy-and-wipe instead, and are wiped before being freed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "device.h"

/*
 * Make room for one more element of size elem in *array (count used,
 * *capacity allocated; first elements when it is empty). Returns 0 or
 * -ENOMEM, leaving *array as it was.
 */
static int grow(void **array, size_t count, size_t *capacity, size_t elem,
		size_t first)
{
	size_t cap = *capacity ? *capacity * 2 : first;
	void *fresh;

	if (count < *capacity)
		return 0;
	if (cap > SIZE_MAX / elem)
		return -ENOMEM;
	fresh = calloc(cap, elem);
	if (!fresh)
		return -ENOMEM;
	if (*array) {
		memcpy(fresh, *array, count * elem);
		sodium_memzero(*array, *capacity * elem);
		free(*array);
	}
	*array = fresh;
	*capacity = cap;
	return 0;
}

/* A new zeroed peer at the end of list, or NULL (errno ENOMEM). */
struct wgctl_peer *wgctl_peers_add(struct wgctl_peer_list *list)
{
	struct wgctl_peer *peer;
	void *array = list->peers;

	if (grow(&array, list->count, &list->capacity, sizeof(*peer), 8)) {
		errno = ENOMEM;
		return NULL;
	}
	list->peers = array;
	peer = &list->peers[list->count++];
	memset(peer, 0, sizeof(*peer));
	return peer;
}

/* A new zeroed allowed IP at the end of peer's list, or NULL. */
struct wgctl_allowedip *wgctl_peer_add_allowedip(struct wgctl_peer *peer)
{
	struct wgctl_allowedip *aip;
	void *array = peer->allowedips;

	/*
	 * Room for one at first: most peers have one or two, and room for
	 * eight each would be 19 MB in a dump of 100,000 peers.
	 */
	if (grow(&array, peer->num_allowedips, &peer->cap_allowedips,
		 sizeof(*aip), 1)) {
		errno = ENOMEM;
		return NULL;
	}
	peer->allowedips = array;
	aip = &peer->allowedips[peer->num_allowedips++];
	memset(aip, 0, sizeof(*aip));
	return aip;
}

void wgctl_peers_free(struct wgctl_peer_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		free(list->peers[i].allowedips);
	if (list->peers) {
		sodium_memzero(list->peers,
			       list->capacity * sizeof(*list->peers));
		free(list->peers);
	}
	memset(list, 0, sizeof(*list));
}

void wgctl_device_free(struct wgctl_device *dev)
{
	wgctl_peers_free(&dev->peers);
	sodium_memzero(dev, sizeof(*dev));
}
