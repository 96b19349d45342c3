// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * quic_crypto.h - the primitives QUIC Initial packet protection needs
 * (RFC 9001 §5): HKDF-Extract and HKDF-Expand-Label over SHA-256 (RFC 5869,
 * RFC 8446 §7.1), AES-128-GCM (RFC 9001 §5.3) and the AES-128-ECB header
 * protection mask (RFC 9001 §5.4.3).
 *
 * quic_crypto.c is the only file of the project that includes libcrypto;
 * this header exposes none of its types.  Version knowledge (salts, label
 * prefixes) lives in parse_quic.c.
 *
 * Cost model: every thread keeps one lazily created GCM and ECB context
 * and reuses it for every call, so the per-packet path (mask + open)
 * allocates nothing after the first packet of a thread.  A key schedule
 * is redone only when the key differs from the previous call's.  HKDF
 * allocates nothing; its calls run once per connection (the caller caches
 * the keys), under a microsecond for the five of them.
 * quic_crypto_thread_cleanup() frees the calling thread's contexts.
 *
 * All functions return 0 or a negative errno and never set errno:
 *   -EBADMSG  authentication failed (quic_crypto_open only)
 *   -EINVAL   a length out of range
 *   -ENOMEM   a context could not be allocated
 *   -EIO      any other libcrypto failure
 * Outputs are unspecified on failure.
 */
#ifndef EMBARGO_QUIC_CRYPTO_H
#define EMBARGO_QUIC_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "parse.h"

#define QUIC_SECRET_LEN 32		/* SHA-256 output */
#define QUIC_KEY_LEN 16			/* AES-128 */
#define QUIC_IV_LEN 12			/* AEAD nonce */
#define QUIC_TAG_LEN 16			/* AES-GCM tag */
#define QUIC_SAMPLE_LEN 16		/* header protection sample */
#define QUIC_MASK_LEN 5			/* mask bytes used: first byte + 4 PN */

/*
 * quic_crypto_extract - HKDF-Extract(@salt, @ikm) with SHA-256 into @prk
 * (RFC 5869 §2.2).  @ikm may be empty (a zero-length Connection ID).
 */
int quic_crypto_extract(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
			size_t ikm_len, uint8_t prk[QUIC_SECRET_LEN]);

/*
 * quic_crypto_expand_label - HKDF-Expand-Label(@secret, @label, "", @out_len)
 * with SHA-256 (RFC 8446 §7.1): the "tls13 " prefix is added here, the
 * context is empty.  @label is a NUL-terminated string of at most 249
 * characters; @out_len is 1..255.
 */
int quic_crypto_expand_label(const uint8_t secret[QUIC_SECRET_LEN], const char *label,
			     uint8_t *out, size_t out_len);

/*
 * quic_crypto_hp_mask - the header protection mask: the first 5 bytes of
 * AES-128-ECB(@hp, @sample) (RFC 9001 §5.4.3).
 */
int quic_crypto_hp_mask(const uint8_t hp[QUIC_KEY_LEN], const uint8_t sample[QUIC_SAMPLE_LEN],
			uint8_t mask[QUIC_MASK_LEN]);

/*
 * quic_crypto_open - AES-128-GCM decryption of @ct_len bytes at @ct with
 * @tag, into @pt (room for @ct_len bytes; may not overlap @ct).  The
 * additional data is the concatenation of the @n_aad views in @aad, so a
 * header whose protected bytes were unmasked into locals needs no copy.
 * @pt is only meaningful when 0 is returned.
 */
int quic_crypto_open(const uint8_t key[QUIC_KEY_LEN], const uint8_t nonce[QUIC_IV_LEN],
		     const struct bytes *aad, size_t n_aad, const uint8_t *ct, size_t ct_len,
		     const uint8_t tag[QUIC_TAG_LEN], uint8_t *pt);

/*
 * quic_crypto_seal - AES-128-GCM encryption, the inverse of
 * quic_crypto_open: @pt_len bytes of @pt into @ct, the tag into @tag.  The
 * filter itself never encrypts; this exists so tests and fuzz-corpus
 * builders can produce protected packets without linking libcrypto
 * themselves.
 */
int quic_crypto_seal(const uint8_t key[QUIC_KEY_LEN], const uint8_t nonce[QUIC_IV_LEN],
		     const struct bytes *aad, size_t n_aad, const uint8_t *pt, size_t pt_len,
		     uint8_t *ct, uint8_t tag[QUIC_TAG_LEN]);

/*
 * quic_crypto_thread_cleanup - free the calling thread's cached contexts.
 * Optional (call before a thread exits to keep leak checkers quiet); the
 * next call of any function above recreates them.
 */
void quic_crypto_thread_cleanup(void);

#endif
