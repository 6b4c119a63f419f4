// SPDX-License-Identifier: GPL-2.0
/*
 * Growing and freeing the peer and allowed-IP arrays of a device.
 *
 * Peers hold preshared keys, so their array is never handed to realloc(),
 * which may copy a block and free the old one with the keys still in it.
 * It lives in an anonymous mapping of its own instead, grown by mremap():
 * the kernel moves the pages themselves, so no copy of a key is left
 * behind, and nothing is copied or faulted in twice. A dump of 100,000
 * peers is a 16 MB array; doubling it by copy-and-wipe touched twice that.
 * The array is wiped before it is unmapped.
 *
 * Allowed-IP arrays are small (most peers have one or two) and grow by
 * copy-and-wipe.
 */
#define _GNU_SOURCE		/* mremap() */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/* Bytes of the mapping that holds capacity peers: whole pages. */
static size_t peers_map_size(size_t capacity)
{
	long page_size = sysconf(_SC_PAGESIZE);
	size_t page = page_size > 0 ? (size_t)page_size : 4096;
	size_t bytes = capacity * sizeof(struct wgctl_peer);

	/* So that capacity = size / sizeof(peer) gives back the same size. */
	_Static_assert(sizeof(struct wgctl_peer) <= 4096, "a peer fits a page");

	return (bytes + page - 1) / page * page;
}

/*
 * Room for at least one more peer in list: a mapping of one page at first,
 * then twice the size. Fresh pages read as zeros. Returns 0 or -ENOMEM,
 * leaving list as it was.
 */
static int peers_grow(struct wgctl_peer_list *list)
{
	size_t old_size, new_size;
	void *map;

	if (list->count < list->capacity)
		return 0;
	old_size = list->capacity ? peers_map_size(list->capacity) : 0;
	if (old_size > SIZE_MAX / 2)
		return -ENOMEM;
	new_size = old_size ? old_size * 2 : peers_map_size(1);
	if (list->peers)
		map = mremap(list->peers, old_size, new_size, MREMAP_MAYMOVE);
	else
		map = mmap(NULL, new_size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return -ENOMEM;
	list->peers = map;
	list->capacity = new_size / sizeof(struct wgctl_peer);
	return 0;
}

/* A new zeroed peer at the end of list, or NULL (errno ENOMEM). */
struct wgctl_peer *wgctl_peers_add(struct wgctl_peer_list *list)
{
	struct wgctl_peer *peer;

	if (peers_grow(list)) {
		errno = ENOMEM;
		return NULL;
	}
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

	for (i = 0; i < list->count; i++) {
		free(list->peers[i].allowedips);
		free(list->peers[i].stats);
	}
	if (list->peers) {
		/* Peers are only ever added: past count, nothing was written. */
		sodium_memzero(list->peers, list->count * sizeof(*list->peers));
		munmap(list->peers, peers_map_size(list->capacity));
	}
	memset(list, 0, sizeof(*list));
}

void wgctl_device_free(struct wgctl_device *dev)
{
	wgctl_peers_free(&dev->peers);
	sodium_memzero(dev, sizeof(*dev));
}
