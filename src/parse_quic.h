// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_quic.h - client Initial packets of QUIC (RFC 9000 §17.2.2), with
 * header protection removed and the payload decrypted (RFC 9001 §5), and
 * the CRYPTO frames (RFC 9000 §19.6) they carry.
 *
 * Versions: 1 (0x00000001), 2 (0x6b3343cf, RFC 9369), IETF drafts 22-34
 * (0xff000016 .. 0xff000022: draft-22, draft-23..28, draft-29..32 and, for
 * 33-34, the v1 salt), and Facebook mvfst 0xfaceb001 (draft-22 salt),
 * 0xfaceb002 and 0xfaceb00e (draft-23 salt, as mvfst itself and Wireshark
 * use).  Google QUIC (Q0xx, T05x) is not parsed (PARSE_NOT_MINE).
 *
 * The crypto (HKDF, AES-128-GCM, AES-128-ECB) lives in quic_crypto.c, the
 * only file that includes libcrypto.
 */
#ifndef EMBARGO_PARSE_QUIC_H
#define EMBARGO_PARSE_QUIC_H

#include <stdbool.h>
#include "parse.h"

#define QUIC_MAX_CID 20
#define QUIC_MAX_FRAGS 256		/* CRYPTO frames kept per datagram */
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
 * form bit set, 0b1xxxxxxx) whose version is one quic_parse_initial knows
 * and whose type is Initial.  Cheap; no crypto.  The fixed bit (0x40) is
 * deliberately not required: RFC 9287 lets a client clear it even in an
 * Initial, and a filter that insisted on it would be trivially evaded; the
 * 4-byte version match keeps false positives negligible and the AEAD tag
 * settles the rest.
 */
bool quic_sniff(const uint8_t *p, size_t len);

/*
 * quic_derive_keys - the client Initial keys of @version for the
 * Destination Connection ID @dcid (RFC 9001 §5.2, RFC 9369 §3.3.1) into
 * @k, which is marked valid.  Returns 0, -EPROTONOSUPPORT for a version
 * quic_sniff does not know, -EINVAL for @dcid_len > QUIC_MAX_CID, or an
 * error of quic_crypto.h.  Never sets errno.
 */
int quic_derive_keys(uint32_t version, const uint8_t *dcid, size_t dcid_len,
		     struct quic_keys *k);

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
 *
 * Details of the contract:
 * - @keys may be NULL (no cache: keys are derived for every packet).  Keys
 *   are stored only after they authenticated a packet, so a forged Initial
 *   never replaces a flow's good keys.  Cached keys whose DCID equals the
 *   packet's are not re-derived after a failure (that could not help).
 * - A coalesced packet that fails (bad tag, too short for the header
 *   protection sample) is skipped by its Length and the walk goes on, as a
 *   server would do (RFC 9000 §12.2); PARSE_OK then still means "at least
 *   one Initial authenticated", and everything in @out comes from
 *   authenticated plaintext only.  A header that cannot be walked (DCID or
 *   SCID over 20 bytes, Length past the end) ends the walk.
 * - @out->version/dcid/scid are those of the first decrypted Initial.
 * - @out->frags point into @scratch, in the order the frames appear; they
 *   may overlap or leave gaps (reassembly is the caller's job).  Frames
 *   after one not allowed in an Initial packet (RFC 9000 §12.4) or after a
 *   malformed frame are ignored; the frames before it are kept.
 * - On any return other than PARSE_OK, @out holds no frames.
 */
enum parse_rc quic_parse_initial(const uint8_t *p, size_t len, struct quic_keys *keys,
				 uint8_t *scratch, struct quic_initial *out);

#endif
