// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_tls.h - TLS ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) and the
 * extensions the engine uses: server_name (RFC 6066 §3), ALPN (RFC 7301),
 * encrypted_client_hello (0xfe0d, RFC 9849), supported_versions.
 *
 * Two entry points: TCP payloads carry TLS records (RFC 8446 §5.1) whose
 * fragments must be concatenated into the handshake message; QUIC CRYPTO
 * frames carry the handshake message directly.
 */
#ifndef EMBARGO_PARSE_TLS_H
#define EMBARGO_PARSE_TLS_H

#include <stdbool.h>
#include "parse.h"

#define TLS_EXT_SERVER_NAME 0x0000
#define TLS_EXT_ALPN 0x0010
#define TLS_EXT_SUPPORTED_VERSIONS 0x002b
#define TLS_EXT_ECH 0xfe0d
#define TLS_HS_CLIENT_HELLO 1

/* Everything returned points into the caller's buffer (or @scratch). */
struct tls_hello {
	uint16_t legacy_version;	/* client_version field */
	bool has_sni;
	struct bytes sni;		/* host_name of the first HostName entry,
					 * raw bytes (run it through name.h) */
	bool has_ech;			/* encrypted_client_hello present */
	bool has_alpn;
	struct bytes alpn;		/* the first protocol name */
	unsigned n_extensions;		/* extensions in the block, GREASE not counted */
};

/*
 * tls_parse_handshake - parse a ClientHello handshake message starting with
 * its 4-byte header (msg_type 1, uint24 length).  Extensions, cipher-suite
 * and compression vectors are length-checked; unknown extensions and GREASE
 * values are skipped.  Returns PARSE_OK; PARSE_NEED_MORE when @len holds a
 * valid prefix of a ClientHello shorter than its declared length;
 * PARSE_NOT_MINE when msg_type is not 1; PARSE_MALFORMED otherwise (a
 * length past its enclosing structure, an empty host_name, two host_name
 * entries or two copies of server_name/ALPN/ECH).  Bytes after the declared
 * end of the message are ignored.  On any result but PARSE_OK, @out is
 * zeroed.
 */
enum parse_rc tls_parse_handshake(const uint8_t *p, size_t len, struct tls_hello *out);

/*
 * tls_parse_records - parse a client's first bytes on a TCP stream: one or
 * more TLS records of content type 22 (handshake) whose payloads, joined,
 * start with a ClientHello.  When the hello spans records, its bytes are
 * joined into @scratch (at least TLS_SCRATCH bytes, caller-owned) and the
 * views in @out may point there.  Returns PARSE_OK, PARSE_NEED_MORE (a valid
 * prefix: the record header, the handshake header or the hello is cut),
 * PARSE_NOT_MINE (first byte not 22, or a version major not 3, or the first
 * handshake message is not a ClientHello) or PARSE_MALFORMED (also for a
 * hello longer than TLS_SCRATCH, which cannot be joined, and for a record
 * of another type before the hello is complete).  Bytes after the hello
 * (further records: ChangeCipherSpec, early data) are ignored.  On any
 * result but PARSE_OK, @out is zeroed.
 */
#define TLS_SCRATCH (16384 + 2048)
enum parse_rc tls_parse_records(const uint8_t *p, size_t len, uint8_t *scratch,
				struct tls_hello *out);

/* tls_sniff - true if @p could be the start of a TLS handshake record. */
bool tls_sniff(const uint8_t *p, size_t len);

#endif
