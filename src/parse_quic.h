// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_quic.h - client Initial packets of QUIC (RFC 9000 §17.2.2), with
 * header protection removed and the payload decrypted (RFC 9001 §5), and
 * the CRYPTO frames (RFC 9000 §19.6) they carry.
 *
 * Versions: 1 (0x00000001), 2 (0x6b3343cf, RFC 9369), IETF drafts 0xff00001b
 * .. 0xff00001d (27-29) and the earlier drafts that share draft-23's salt,
 * and Facebook mvfst 0xfaceb001/0xfaceb002/0xfaceb00e (draft-22/27 salts).
 * Google QUIC (Q0xx) is not parsed (PARSE_NOT_MINE).
 *
 * The crypto (HKDF, AES-128-GCM, AES-128-ECB) lives in quic_crypto.c, the
 * only file that includes libcrypto.
 */
#ifndef EMBARGO_PARSE_QUIC_H
#define EMBARGO_PARSE_QUIC_H

#include <stdbool.h>
#include "parse.h"

#define QUIC_MAX_CID 20
#define QUIC_MAX_FRAGS 64		/* CRYPTO frames kept per datagram */
#define QUIC_SCRATCH 65536		/* plaintext buffer for one datagram */

/*
 * Initial keys for one connection, derived from the client's first
 * Destination Connection ID.  Kept by the caller per flow so later Initial
 * packets (which may carry another DCID after the server answered) are
 * decrypted with the original keys and HKDF runs once per connection.
 */
struct quic_keys {
	bool valid;
	uint32_t version;
	uint8_t dcid[QUIC_MAX_CID];
	uint8_t dcid_len;
	uint8_t key[16], iv[12], hp[16];
};

struct quic_crypto_frag {
	uint64_t offset;		/* offset in the CRYPTO stream */
	const uint8_t *p;		/* points into the caller's scratch */
	size_t len;
};

struct quic_initial {
	uint32_t version;
	uint8_t dcid[QUIC_MAX_CID], scid[QUIC_MAX_CID];
	uint8_t dcid_len, scid_len;
	unsigned n_packets;		/* client Initial packets decrypted in
					 * this datagram (coalescing) */
	size_t n_frags;
	struct quic_crypto_frag frags[QUIC_MAX_FRAGS];
	bool frags_dropped;		/* more than QUIC_MAX_FRAGS frames */
};

/*
 * quic_sniff - true if @p starts a long-header packet (first byte has the
 * form and fixed bits 0b11xxxxxx) whose version is one quic_parse_initial
 * knows and whose type is Initial.  Cheap; no crypto.
 */
bool quic_sniff(const uint8_t *p, size_t len);

/*
 * quic_parse_initial - parse one UDP datagram from a client.  Walks every
 * coalesced long-header packet; for each Initial packet, removes header
 * protection and decrypts the payload into @scratch (QUIC_SCRATCH bytes,
 * caller-owned), then collects its CRYPTO frames in @out->frags, skipping
 * PADDING, PING, ACK and other frames allowed in Initial packets.  Handshake
 * and 0-RTT packets are skipped by their length.  @keys: if valid and of the
 * same version, they are tried first; otherwise (or on failure) keys are
 * derived from the packet's DCID and stored in @keys.
 * Returns PARSE_OK when at least one Initial packet was decrypted;
 * PARSE_NOT_MINE when the datagram holds no client Initial of a known
 * version; PARSE_MALFORMED when lengths are inconsistent or authentication
 * fails; PARSE_TRUNCATED when the datagram is cut short.
 */
enum parse_rc quic_parse_initial(const uint8_t *p, size_t len, struct quic_keys *keys,
				 uint8_t *scratch, struct quic_initial *out);

#endif
