// SPDX-License-Identifier: GPL-2.0
/*
 * Static identity handling. The handshake itself arrives with the peers.
 */

#include "noise.h"

#include <crypto/curve25519.h>
#include <linux/string.h>
#include <linux/errno.h>

/*
 * Builds an identity from a private key as userspace gave it: the key is
 * clamped, and an all-zero key yields an empty identity (how userspace removes
 * a device's key). Nothing is published, so a caller can validate a whole
 * configuration request before it changes anything.
 */
int wgc_noise_identity_from_private_key(struct wgc_static_identity *identity,
					const u8 private_key[WGC_KEY_LEN])
{
	memset(identity, 0, sizeof(*identity));
	if (!memchr_inv(private_key, 0, WGC_KEY_LEN))
		return 0;

	memcpy(identity->private_key, private_key, WGC_KEY_LEN);
	curve25519_clamp_secret(identity->private_key);
	/*
	 * A clamped non-zero scalar never maps the base point to the identity
	 * element, so this only fails if the arithmetic is broken.
	 */
	if (!curve25519_generate_public(identity->public_key,
					identity->private_key)) {
		memzero_explicit(identity, sizeof(*identity));
		return -EINVAL;
	}
	identity->has_identity = true;
	return 0;
}

/* Moves @src into @dst, leaving no copy of the secret behind in @src. */
void wgc_noise_identity_replace(struct wgc_static_identity *dst,
				struct wgc_static_identity *src)
{
	memcpy(dst, src, sizeof(*dst));
	memzero_explicit(src, sizeof(*src));
}
