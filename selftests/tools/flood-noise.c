// SPDX-License-Identifier: GPL-2.0
/*
 * wgc-flood's handshake initiations: the random ones with a valid mac1,
 * the real ones of --valid-from (Noise_IKpsk2) and their key files.
 */

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flood.h"
#include "flood-crypto.h"
#include "flood-noise.h"

/* ----------------------------------------------------------------- mac1 */

/* K1 = BLAKE2s-256("mac1----" || the responder's public key) */
void mac1_key(const uint8_t pubkey[KEY_LEN], uint8_t k1[KEY_LEN])
{
	uint8_t buf[8 + KEY_LEN];

	memcpy(buf, "mac1----", 8);
	memcpy(buf + 8, pubkey, KEY_LEN);
	blake2s256(k1, buf, sizeof(buf));
}

EVP_MAC_CTX *mac1_ctx(const uint8_t pubkey[KEY_LEN])
{
	uint8_t k1[KEY_LEN];

	mac1_key(pubkey, k1);
	return mac_new(k1, sizeof(k1), MAC_LEN);
}

/* One initiation: random but for the type, mac1 and the empty mac2. */
void build_init(const struct flood *f, uint8_t *msg)
{
	msg[0] = MSG_INIT;
	memset(msg + 1, 0, 3);	/* reserved */
	rand_bytes(msg + 4, MAC1_OFF - 4);
	mac_tag(f->mac1, msg, MAC1_OFF, msg + MAC1_OFF, MAC_LEN);
	/* the last bit, so that a check comparing only a prefix lets it pass */
	if (f->bad_mac1)
		msg[MAC2_OFF - 1] ^= 1;
	memset(msg + MAC2_OFF, 0, MAC_LEN);
}

/*
 * --data: a data message as long as an initiation, to a random receiver
 * index (one a responder is unlikely to have), with a random counter and
 * "ciphertext": no key is needed to send it, and a receiver has to look
 * the index up before it can drop it.
 */
static void build_data(uint8_t *msg)
{
	msg[0] = MSG_DATA;
	memset(msg + 1, 0, 3);
	rand_bytes(msg + 4, MSG_INIT_LEN - 4);
}

/*
 * The random initiations are made before sending starts, and sent in turn:
 * a responder keeps no state for ones it cannot decrypt, so repeating them
 * costs it the same, and the generator spends its time sending.
 */
void build_pool(struct flood *f)
{
	unsigned int i;

	f->pool = malloc(sizeof(*f->pool) * POOL);
	if (!f->pool)
		die("out of memory for %d initiations", POOL);
	for (i = 0; i < POOL; i++) {
		if (f->data)
			build_data(f->pool[i]);
		else
			build_init(f, f->pool[i]);
	}
}

/* --------------------------------------------------------------- Noise */

static const char construction[] = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
static const char identifier[] = "WireGuard v1 zx2c4 Jason@zx2c4.com";

/*
 * WireGuard's KDF: HKDF over HMAC-BLAKE2s with the chaining key as salt,
 * two outputs (the chaining key in place, and key unless NULL).
 */
static void kdf(uint8_t ck[KEY_LEN], uint8_t *key, const uint8_t *in, size_t len)
{
	uint8_t prk[KEY_LEN], t[KEY_LEN + 1];

	hmac_blake2s(prk, ck, KEY_LEN, in, len);
	t[0] = 1;
	hmac_blake2s(t, prk, KEY_LEN, t, 1);
	if (key) {
		t[KEY_LEN] = 2;
		hmac_blake2s(key, prk, KEY_LEN, t, KEY_LEN + 1);
	}
	memcpy(ck, t, KEY_LEN);
}

/* h = BLAKE2s-256(h || data) */
static void mix_hash(uint8_t h[KEY_LEN], const uint8_t *data, size_t len)
{
	uint8_t buf[KEY_LEN + 64];

	if (len > sizeof(buf) - KEY_LEN)
		abort();
	memcpy(buf, h, KEY_LEN);
	memcpy(buf + KEY_LEN, data, len);
	blake2s256(h, buf, KEY_LEN + len);
}

/*
 * Everything of peer s's initiation to the responder with public key rpub
 * that does not depend on the timestamp, with ephemeral key e: the message
 * up to the encrypted static key, and the key and hash that seal the
 * timestamp. The psk step comes after the timestamp, so needs no key here.
 */
void vpeer_init(struct vpeer *p, EVP_CIPHER_CTX *aead, EVP_PKEY *s, EVP_PKEY *e,
		const uint8_t rpub[KEY_LEN])
{
	uint8_t ck[KEY_LEN], h[KEY_LEN], key[KEY_LEN], dh[KEY_LEN], spub[KEY_LEN];
	uint8_t *epub = p->msg + EPHEMERAL_OFF, *sealed = p->msg + STATIC_OFF;

	memset(p, 0, sizeof(*p));
	p->msg[0] = MSG_INIT;
	blake2s256(ck, construction, strlen(construction));
	memcpy(h, ck, KEY_LEN);
	mix_hash(h, (const uint8_t *)identifier, strlen(identifier));
	mix_hash(h, rpub, KEY_LEN);
	/* e */
	x25519_public(e, epub);
	mix_hash(h, epub, KEY_LEN);
	kdf(ck, NULL, epub, KEY_LEN);
	/* es, then s */
	x25519(dh, e, rpub);
	kdf(ck, key, dh, KEY_LEN);
	x25519_public(s, spub);
	seal(aead, sealed, spub, KEY_LEN, key, h);
	mix_hash(h, sealed, KEY_LEN + AEAD_TAG_LEN);
	/* ss: its key seals the timestamp, under the hash as it is now */
	x25519(dh, s, rpub);
	kdf(ck, p->key, dh, KEY_LEN);
	memcpy(p->hash, h, KEY_LEN);
}

/* TAI64N: 2^62 + 10 + the Unix seconds, then nanoseconds, big endian */
static void tai64n(uint8_t out[TAI64N_LEN], uint64_t unix_ns)
{
	uint64_t sec = 0x400000000000000aULL + unix_ns / NSEC;
	uint32_t ns = unix_ns % NSEC;
	int i;

	for (i = 0; i < 8; i++)
		out[i] = sec >> (56 - 8 * i);
	for (i = 0; i < 4; i++)
		out[8 + i] = ns >> (24 - 8 * i);
}

/* The initiation of peer p with sender index idx and timestamp unix_ns. */
void vpeer_build(const struct flood *f, const struct vpeer *p, uint32_t idx,
		 uint64_t unix_ns, uint8_t *msg)
{
	uint8_t ts[TAI64N_LEN];
	int i;

	memcpy(msg, p->msg, MAC1_OFF);
	for (i = 0; i < 4; i++)
		msg[SENDER_OFF + i] = idx >> (8 * i);
	tai64n(ts, unix_ns);
	seal(f->v.aead, msg + TIMESTAMP_OFF, ts, sizeof(ts), p->key, p->hash);
	mac_tag(f->mac1, msg, MAC1_OFF, msg + MAC1_OFF, MAC_LEN);
	memset(msg + MAC2_OFF, 0, MAC_LEN);
}

/* ------------------------------------------------------------ key files */

static void print_base64(const uint8_t key[KEY_LEN], char end)
{
	char b64[4 * ((KEY_LEN + 2) / 3) + 1];

	EVP_EncodeBlock((unsigned char *)b64, key, KEY_LEN);
	printf("%s%c", b64, end);
}

/* --make-keys: N lines "private public", base64 */
void make_keys(unsigned long long n)
{
	uint8_t priv[KEY_LEN], pub[KEY_LEN];
	size_t len;

	while (n--) {
		EVP_PKEY *k = x25519_generate();

		len = sizeof(priv);
		if (!EVP_PKEY_get_raw_private_key(k, priv, &len) || len != KEY_LEN)
			crypto_fail("X25519 private key");
		x25519_public(k, pub);
		print_base64(priv, ' ');
		print_base64(pub, '\n');
		EVP_PKEY_free(k);
	}
	if (fflush(stdout) || ferror(stdout))
		die("writing the keys: %s", strerror(errno));
}

/* One peer per line of the key file: its private key, the first field. */
void load_peers(struct flood *f, const char *file)
{
	char line[256], *field;
	uint8_t priv[KEY_LEN];
	unsigned int lineno = 0, room = 0;
	FILE *in = fopen(file, "r");

	if (!in)
		die("%s: %s", file, strerror(errno));
	f->v.aead = EVP_CIPHER_CTX_new();
	if (!f->v.aead)
		crypto_fail("EVP_CIPHER_CTX_new");
	while (fgets(line, sizeof(line), in)) {
		EVP_PKEY *s, *e;

		lineno++;
		field = strtok(line, " \t\r\n");
		if (!field)
			continue;
		if (!key_from_base64(field, priv))
			die("%s:%u: not a private key in base64", file, lineno);
		if (f->v.npeers == MAX_PEERS)
			die("%s: more than %u keys", file, MAX_PEERS);
		if (f->v.npeers == room) {
			room = room ? 2 * room : 256;
			f->v.peers = realloc(f->v.peers, room * sizeof(*f->v.peers));
			if (!f->v.peers)
				die("out of memory for %u peers", room);
		}
		s = x25519_private(priv);
		e = x25519_generate();
		vpeer_init(&f->v.peers[f->v.npeers++], f->v.aead, s, e, f->pubkey);
		EVP_PKEY_free(e);
		EVP_PKEY_free(s);
	}
	fclose(in);
	if (!f->v.npeers)
		die("%s: no keys", file);
	f->v.sent_at = calloc(RING, sizeof(*f->v.sent_at));
	if (!f->v.sent_at)
		die("out of memory");
}
