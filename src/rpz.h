// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpz.h - DNS Response Policy Zone files read into blocklist entries
 * (draft-vixie-dnsop-dns-rpz), parsed with ldns.
 *
 * What is loaded, relative to the zone apex (the SOA owner, else the
 * $ORIGIN in force at the first record, else the root):
 *
 *   trigger                          action (RDATA)          entry
 *   example.com      CNAME .         NXDOMAIN                block =example.com
 *   *.example.com    CNAME *.        NODATA                  block *.example.com
 *   example.com      CNAME rpz-drop.          DROP           block
 *   ok.example.com   CNAME rpz-passthru.      PASSTHRU       allow =ok.example.com
 *   ok.example.com   CNAME ok.example.com.    PASSTHRU (old form)  allow
 *   24.0.2.0.192.rpz-ip       CNAME .         response IP    block 192.0.2.0/24
 *   48.zz.1.db8.2001.rpz-ip   CNAME .         (IPv6, "zz" = "::")  block 2001:db8:1::/48
 *
 * Counted and skipped (reported through the sink): local data (A, AAAA,
 * TXT, a CNAME to another name, ...), rpz-tcp-only., and the rpz-client-ip,
 * rpz-nsdname and rpz-nsip triggers, which are about resolvers and clients,
 * not destinations.  SOA and NS at the apex are the zone's own records.
 * Every error carries the line, from ldns's line count.
 */
#ifndef EMBARGO_RPZ_H
#define EMBARGO_RPZ_H

#include <stddef.h>

#include "list_formats.h"

struct rpz;

/* rpz_new - a parser for one zone file writing to @s, or NULL (ENOMEM). */
struct rpz *rpz_new(const struct lf_sink *s);

/* rpz_free - free @z; NULL is a no-op. */
void rpz_free(struct rpz *z);

/*
 * rpz_line - one line of the zone file: @text holds @len bytes without the
 * line feed, NUL-terminated and writable.  A record spanning lines in
 * parentheses is parsed when it closes, and reported at the line it
 * starts on.  Returns 0, a negative errno from the sink (stop) or -ENOMEM.
 */
int rpz_line(struct rpz *z, unsigned line, char *text, size_t len);

/* rpz_end - the end of the file: an error if a record is still open. */
int rpz_end(struct rpz *z);

#endif
