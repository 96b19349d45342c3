// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * quic_crypto.c - HKDF (SHA-256), AES-128-GCM and AES-128-ECB for QUIC
 * Initial packet protection (RFC 9001 §5).
 *
 * The only file that includes libcrypto, for AES through OpenSSL 3 EVP.
 * Each thread lazily fetches the ciphers and creates one context per
 * primitive, then reuses them: a context is re-keyed only when the key
 * changes (the caller caches one key set per connection, so consecutive
 * packets of a flow skip the AES key schedule and the GHASH key
 * computation) and otherwise only gets a new IV.
 *
 * HKDF is done here, HMAC (RFC 2104) over OpenSSL's SHA-256: a new
 * connection needs one extract and four expands of a few bytes each, about
 * 20 SHA-256 blocks, and EVP_KDF's provider dispatch and parameter handling
 * cost more than the hashing.  Checked against the HMAC vectors of RFC 4231
 * and the HKDF vectors of RFC 5869 and RFC 9001.
 * Nothing here ever sees packet structure; parse_quic.c hands in views.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

/* For SHA256_*: see below. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "quic_crypto.h"

/* A fetched cipher, its reusable context and the key it currently holds. */
struct qc_cipher {
	EVP_CIPHER *alg;
	EVP_CIPHER_CTX *ctx;
	uint8_t key[QUIC_KEY_LEN];
	bool keyed;
};

struct qc_state {
	struct qc_cipher gcm;		/* AES-128-GCM, decrypt direction */
	struct qc_cipher ecb;		/* AES-128-ECB, encrypt, no padding */
};

/* Per thread, so engines running on several queue threads never share. */
static _Thread_local struct qc_state qc;

/* ---- SHA-256 ------------------------------------------------------------ */

/*
 * OpenSSL's SHA256_* calls, deprecated in 3.0 in favour of EVP_Digest*:
 * their context is a plain struct, so HMAC's keyed pads are computed once
 * and then copied by assignment, where an EVP_MD_CTX copy allocates; and
 * they run OpenSSL's assembler block function (SHA extensions, AVX2).
 */
enum { SHA_BLOCK = SHA256_CBLOCK, SHA_LEN = SHA256_DIGEST_LENGTH };

/* ---- HMAC-SHA-256, RFC 2104 --------------------------------------------- */

/* The hash states after the keyed inner and outer pads: one key, many MACs. */
struct hmac_key {
	SHA256_CTX inner, outer;
};

static void hmac_key_init(struct hmac_key *k, const uint8_t *key, size_t len)
{
	uint8_t pad[SHA_BLOCK], kh[SHA_LEN];

	if (len > SHA_BLOCK) {
		SHA256(key, len, kh);
		key = kh;
		len = SHA_LEN;
	}
	memset(pad, 0x36, sizeof(pad));
	for (size_t i = 0; i < len; i++)
		pad[i] ^= key[i];
	SHA256_Init(&k->inner);
	SHA256_Update(&k->inner, pad, SHA_BLOCK);
	for (size_t i = 0; i < SHA_BLOCK; i++)
		pad[i] ^= 0x36 ^ 0x5c;
	SHA256_Init(&k->outer);
	SHA256_Update(&k->outer, pad, SHA_BLOCK);
}

/* HMAC(key, a || b || c) for up to three pieces (empty ones are skipped). */
static void hmac(const struct hmac_key *k, const uint8_t *a, size_t alen, const uint8_t *b,
		 size_t blen, const uint8_t *c, size_t clen, uint8_t out[SHA_LEN])
{
	SHA256_CTX s = k->inner;
	uint8_t ih[SHA_LEN];

	if (alen)
		SHA256_Update(&s, a, alen);
	if (blen)
		SHA256_Update(&s, b, blen);
	if (clen)
		SHA256_Update(&s, c, clen);
	SHA256_Final(ih, &s);
	s = k->outer;
	SHA256_Update(&s, ih, SHA_LEN);
	SHA256_Final(out, &s);
}

/* ---- HKDF, RFC 5869 ----------------------------------------------------- */

int quic_crypto_extract(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
			size_t ikm_len, uint8_t prk[QUIC_SECRET_LEN])
{
	struct hmac_key k;

	/* §2.2: PRK = HMAC-Hash(salt, IKM); an empty IKM is valid. */
	hmac_key_init(&k, salt, salt_len);
	hmac(&k, ikm, ikm ? ikm_len : 0, NULL, 0, NULL, 0, prk);
	return 0;
}

/*
 * RFC 8446 §7.1:
 *
 *   struct {
 *       uint16 length = Length;
 *       opaque label<7..255> = "tls13 " + Label;
 *       opaque context<0..255> = Context;     (empty here)
 *   } HkdfLabel;
 *
 *   HKDF-Expand-Label(Secret, Label, Context, Length) =
 *       HKDF-Expand(Secret, HkdfLabel, Length)
 *
 * HKDF-Expand (RFC 5869 §2.3): T(i) = HMAC(PRK, T(i-1) || info || i).
 */
int quic_crypto_expand_label(const uint8_t secret[QUIC_SECRET_LEN], const char *label,
			     uint8_t *out, size_t out_len)
{
	static const char prefix[] = "tls13 ";
	const size_t plen = sizeof(prefix) - 1;
	uint8_t info[2 + 1 + 255 + 1], t[SHA_LEN] = { 0 };
	struct hmac_key k;
	size_t llen, n = 0, done = 0;
	uint8_t i = 1;

	llen = label ? strlen(label) : 0;
	if (llen == 0 || llen > 255 - plen || out_len == 0 || out_len > 255)
		return -EINVAL;
	info[n++] = (uint8_t)(out_len >> 8);
	info[n++] = (uint8_t)out_len;
	info[n++] = (uint8_t)(plen + llen);
	memcpy(info + n, prefix, plen);
	n += plen;
	memcpy(info + n, label, llen);
	n += llen;
	info[n++] = 0;			/* empty context */

	hmac_key_init(&k, secret, QUIC_SECRET_LEN);
	while (done < out_len) {
		size_t take = out_len - done < SHA_LEN ? out_len - done : SHA_LEN;

		hmac(&k, t, i > 1 ? SHA_LEN : 0, info, n, &i, 1, t);
		memcpy(out + done, t, take);
		done += take;
		i++;
	}
	return 0;
}

/* cipher_ready - fetch @name and create the reusable context on first use. */
static int cipher_ready(struct qc_cipher *c, const char *name, int enc, bool no_padding)
{
	if (c->ctx)
		return 0;
	c->alg = EVP_CIPHER_fetch(NULL, name, NULL);
	if (!c->alg)
		return -EIO;
	c->ctx = EVP_CIPHER_CTX_new();
	if (!c->ctx)
		goto fail_nomem;
	if (EVP_CipherInit_ex2(c->ctx, c->alg, NULL, NULL, enc, NULL) != 1)
		goto fail;
	if (no_padding && EVP_CIPHER_CTX_set_padding(c->ctx, 0) != 1)
		goto fail;
	c->keyed = false;
	return 0;
fail:
	EVP_CIPHER_CTX_free(c->ctx);
	c->ctx = NULL;
	EVP_CIPHER_free(c->alg);
	c->alg = NULL;
	return -EIO;
fail_nomem:
	EVP_CIPHER_free(c->alg);
	c->alg = NULL;
	return -ENOMEM;
}

/*
 * cipher_start - begin one operation on a ready context.  Passing a NULL
 * cipher keeps the provider context; passing a NULL key keeps its key
 * schedule, which is only redone when @key differs from the last one.
 */
static int cipher_start(struct qc_cipher *c, const uint8_t key[QUIC_KEY_LEN],
			const uint8_t *iv, int enc)
{
	const uint8_t *k = NULL;

	if (!c->keyed || memcmp(c->key, key, QUIC_KEY_LEN) != 0) {
		k = key;
		c->keyed = false;
	}
	if (EVP_CipherInit_ex2(c->ctx, NULL, k, iv, enc, NULL) != 1)
		return -EIO;
	if (k) {
		memcpy(c->key, key, QUIC_KEY_LEN);
		c->keyed = true;
	}
	return 0;
}

int quic_crypto_hp_mask(const uint8_t hp[QUIC_KEY_LEN], const uint8_t sample[QUIC_SAMPLE_LEN],
			uint8_t mask[QUIC_MASK_LEN])
{
	uint8_t block[QUIC_SAMPLE_LEN];
	int ret, outl = 0;

	ret = cipher_ready(&qc.ecb, "AES-128-ECB", 1, true);
	if (ret < 0)
		return ret;
	ret = cipher_start(&qc.ecb, hp, NULL, 1);
	if (ret < 0)
		return ret;
	if (EVP_EncryptUpdate(qc.ecb.ctx, block, &outl, sample, QUIC_SAMPLE_LEN) != 1 ||
	    outl != QUIC_SAMPLE_LEN) {
		qc.ecb.keyed = false;
		return -EIO;
	}
	memcpy(mask, block, QUIC_MASK_LEN);
	return 0;
}

/* gcm_aad - feed every additional-data view; GCM accepts AAD in pieces. */
static int gcm_aad(EVP_CIPHER_CTX *ctx, const struct bytes *aad, size_t n_aad)
{
	size_t i;
	int outl;

	for (i = 0; i < n_aad; i++) {
		if (aad[i].len == 0)
			continue;
		if (aad[i].len > INT_MAX || !aad[i].p)
			return -EINVAL;
		if (EVP_CipherUpdate(ctx, NULL, &outl, aad[i].p, (int)aad[i].len) != 1)
			return -EIO;
	}
	return 0;
}

int quic_crypto_open(const uint8_t key[QUIC_KEY_LEN], const uint8_t nonce[QUIC_IV_LEN],
		     const struct bytes *aad, size_t n_aad, const uint8_t *ct, size_t ct_len,
		     const uint8_t tag[QUIC_TAG_LEN], uint8_t *pt)
{
	uint8_t tagbuf[QUIC_TAG_LEN], fin[QUIC_TAG_LEN];
	int ret, outl = 0;

	if (ct_len > INT_MAX)
		return -EINVAL;
	ret = cipher_ready(&qc.gcm, "AES-128-GCM", 0, false);
	if (ret < 0)
		return ret;
	ret = cipher_start(&qc.gcm, key, nonce, 0);
	if (ret < 0)
		return ret;
	ret = gcm_aad(qc.gcm.ctx, aad, n_aad);
	if (ret < 0)
		goto fail;
	ret = -EIO;
	if (ct_len > 0 && (EVP_DecryptUpdate(qc.gcm.ctx, pt, &outl, ct, (int)ct_len) != 1 ||
			   (size_t)outl != ct_len))
		goto fail;
	/* The ctrl takes a non-const buffer; hand it a copy. */
	memcpy(tagbuf, tag, QUIC_TAG_LEN);
	if (EVP_CIPHER_CTX_ctrl(qc.gcm.ctx, EVP_CTRL_AEAD_SET_TAG, QUIC_TAG_LEN, tagbuf) != 1)
		goto fail;
	/* Final checks the tag; GCM writes nothing there (@pt may be NULL). */
	if (EVP_DecryptFinal_ex(qc.gcm.ctx, fin, &outl) != 1)
		return -EBADMSG;
	return 0;
fail:
	qc.gcm.keyed = false;
	return ret;
}

int quic_crypto_seal(const uint8_t key[QUIC_KEY_LEN], const uint8_t nonce[QUIC_IV_LEN],
		     const struct bytes *aad, size_t n_aad, const uint8_t *pt, size_t pt_len,
		     uint8_t *ct, uint8_t tag[QUIC_TAG_LEN])
{
	uint8_t fin[QUIC_TAG_LEN];
	EVP_CIPHER_CTX *ctx;
	EVP_CIPHER *alg;
	int ret = -EIO, outl = 0;

	if (pt_len > INT_MAX)
		return -EINVAL;
	/* Not on the packet path: a private context per call is fine. */
	alg = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
	if (!alg)
		return -EIO;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx) {
		ret = -ENOMEM;
		goto out;
	}
	if (EVP_EncryptInit_ex2(ctx, alg, key, nonce, NULL) != 1)
		goto out;
	ret = gcm_aad(ctx, aad, n_aad);
	if (ret < 0)
		goto out;
	ret = -EIO;
	if (pt_len > 0 && (EVP_EncryptUpdate(ctx, ct, &outl, pt, (int)pt_len) != 1 ||
			   (size_t)outl != pt_len))
		goto out;
	if (EVP_EncryptFinal_ex(ctx, fin, &outl) != 1)
		goto out;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, QUIC_TAG_LEN, tag) != 1)
		goto out;
	ret = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(alg);
	return ret;
}

static void cipher_free(struct qc_cipher *c)
{
	EVP_CIPHER_CTX_free(c->ctx);
	EVP_CIPHER_free(c->alg);
	memset(c, 0, sizeof(*c));
}

void quic_crypto_thread_cleanup(void)
{
	cipher_free(&qc.gcm);
	cipher_free(&qc.ecb);
}
