// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * frag.c - bounded IPv4 (RFC 791 §3.2) and IPv6 (RFC 8200 §4.5) fragment
 * reassembly.  The policy (keys, overlaps, limits) is described in frag.h.
 *
 * Each datagram in progress is one heap entry: a copy of the offset-0
 * fragment's header, a data buffer with room for the header in front (so a
 * completed datagram is handed out without another copy), and a sorted
 * array of the extents received.  Extents never overlap (an overlap
 * discards the datagram), so a binary search plus a look at both
 * neighbours decides where a fragment goes and whether it collides.
 *
 * Entries sit on one list ordered by age (creation, or discard for a
 * remembered key); expiry and eviction both take from the old end.  A hash
 * index with a random seed finds an entry by key.
 *
 *   buf: [ room for the header | payload offset 0 ............ cap )
 *                 ^ header copied here on completion, flush with payload
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cursor.h"
#include "frag.h"
#include "util.h"

enum {
	IP4_HDR_MIN = 20,
	IP4_HDR_MAX = 60,
	IP6_HDR = 40,
	IP4_MF = 0x2000,	/* flags/offset word: More Fragments */
	IP4_OFF_MASK = 0x1fff,	/* fragment offset in 8-byte units */
	IP4_FLAGS_KEEP = 0xc000,	/* reserved bit and DF survive reassembly */
	IP6_OFF_MASK = 0xfff8,	/* offset, already in bytes where it sits */
	IP6_MF = 0x0001,
	NH_HOPOPTS = 0,
	NH_ROUTING = 43,
	NH_FRAGMENT = 44,
	NH_DSTOPTS = 60,
	/* The same cap as parse_ip.c, so no chain it accepts is refused here. */
	IP6_MAX_EXT = 16,
	FRAG_MAX_TABLE = 1 << 20,
	EXT_MIN_CAP = 8,
};

/*
 * The key serialised into bytes, so that comparing and hashing it never
 * touches struct padding: version, protocol (IPv4 only), two zero bytes,
 * identification (big-endian), source, destination.
 */
#define KEY_LEN 40

struct fragkey {
	uint8_t b[KEY_LEN];
};

/* One received fragment's place in the datagram: [off, off + len). */
struct extent {
	uint16_t off;
	uint16_t len;
};

struct dgram {
	struct fragkey key;
	struct dgram *hnext;		/* hash chain */
	struct dgram *older, *newer;	/* age list */
	int64_t stamp_us;		/* created, or discarded for a remembered key */
	bool dead;			/* discarded: only the key is kept */
	bool have_first;		/* the offset-0 fragment is in */
	bool have_last;			/* a fragment with MF clear is in */
	uint8_t version;
	uint8_t hdr_len;		/* bytes in hdr[] */
	uint8_t next_hdr;		/* IPv6: offset-0 Fragment header's Next Header */
	uint32_t end;			/* exact end once have_last, else highest seen */
	uint32_t have;			/* payload bytes received */
	uint32_t cap;			/* payload bytes buf can hold */
	uint32_t next, cap_ext;		/* extents used / allocated */
	uint8_t *buf;			/* room(version) + cap bytes */
	struct extent *ext;
	size_t bytes;			/* what this entry counts in the table */
	uint8_t hdr[IP4_HDR_MAX];	/* the offset-0 fragment's header */
};

struct fragtab {
	struct dgram **bucket;
	size_t nbuckets;		/* power of two */
	size_t max_entries, max_bytes;
	int64_t timeout_us;
	uint64_t seed;
	struct dgram *oldest, *newest;
	size_t entries, dead, bytes;
	uint8_t *out;			/* the last FRAG_DONE buffer */
	struct fragtab_stats st;
};

/* A fragment as read from its packet: views into the caller's buffer. */
struct fragment {
	struct fragkey key;
	uint8_t version;
	bool more;
	uint8_t next_hdr;		/* IPv6 */
	uint32_t off, len;
	const uint8_t *hdr, *data;
	size_t hdr_len;
};

static size_t room(uint8_t version)
{
	return version == 4 ? IP4_HDR_MAX : IP6_HDR;
}

static void key_make(struct fragkey *k, uint8_t version, uint8_t proto, uint32_t id,
		     const uint8_t *src, const uint8_t *dst, size_t alen)
{
	memset(k, 0, sizeof(*k));
	k->b[0] = version;
	k->b[1] = proto;
	k->b[4] = (uint8_t)(id >> 24);
	k->b[5] = (uint8_t)(id >> 16);
	k->b[6] = (uint8_t)(id >> 8);
	k->b[7] = (uint8_t)id;
	memcpy(&k->b[8], src, alen);
	memcpy(&k->b[24], dst, alen);
}

/*
 * read_v4 - the fragment fields of an IPv4 packet, RFC 791 §3.1 (layout in
 * parse_ip.c).  The fragment data runs from the end of the header to Total
 * Length; a packet cut short by the capture cannot be reassembled.
 */
static bool read_v4(const uint8_t *pkt, size_t len, struct fragment *f)
{
	struct cur c = cur_init(pkt, len);
	uint8_t vihl, proto;
	const uint8_t *src, *dst;
	uint16_t tot, id, fo;
	size_t hlen;

	vihl = cur_u8(&c);
	cur_skip(&c, 1);
	tot = cur_u16(&c);
	id = cur_u16(&c);
	fo = cur_u16(&c);
	cur_skip(&c, 1);
	proto = cur_u8(&c);
	cur_skip(&c, 2);
	src = cur_bytes(&c, 4);
	dst = cur_bytes(&c, 4);
	if (!cur_ok(&c))
		return false;
	hlen = (vihl & 0x0fu) * 4u;
	if (vihl >> 4 != 4 || hlen < IP4_HDR_MIN || tot < hlen || tot > len)
		return false;

	c = cur_init(pkt, tot);
	f->hdr = cur_bytes(&c, hlen);
	f->hdr_len = hlen;
	f->len = (uint32_t)cur_left(&c);
	f->data = cur_bytes(&c, f->len);
	f->version = 4;
	f->more = fo & IP4_MF;
	f->off = (uint32_t)(fo & IP4_OFF_MASK) * 8u;
	key_make(&f->key, 4, proto, id, src, dst, 4);
	return true;
}

/*
 * read_v6 - find the Fragment header, RFC 8200 §4.5.  It follows the
 * unfragmentable part: the IPv6 header, then Hop-by-Hop (first only),
 * Destination Options and Routing headers, all with the layout
 *
 *   +---------------+---------------+------------------------------+
 *   |  Next Header  |  Hdr Ext Len  |  (Hdr Ext Len + 1) * 8 - 2   |
 *   +---------------+---------------+------------------------------+
 *
 * and itself reads
 *
 *   +---------------+---------------+-------------------------+-----+-+
 *   |  Next Header  |   Reserved    |      Fragment Offset    |Res  |M|
 *   +---------------+---------------+-------------------------+-----+-+
 *   |                         Identification                          |
 *   +-----------------------------------------------------------------+
 *
 * Everything after it up to 40 + Payload Length is fragment data.
 */
static bool read_v6(const uint8_t *pkt, size_t len, struct fragment *f)
{
	struct cur c = cur_init(pkt, len), b;
	const uint8_t *src, *dst;
	uint16_t plen, offm;
	uint32_t id;
	uint8_t vers, nh;
	unsigned int n;

	vers = cur_u8(&c) >> 4;
	cur_skip(&c, 3);
	plen = cur_u16(&c);
	nh = cur_u8(&c);
	cur_skip(&c, 1);
	src = cur_bytes(&c, 16);
	dst = cur_bytes(&c, 16);
	/* Payload Length 0 (jumbogram) cannot be a fragment (RFC 2675 §3). */
	if (!cur_ok(&c) || vers != 6 || plen == 0)
		return false;
	b = cur_sub(&c, plen);
	if (!cur_ok(&b))
		return false;

	for (n = 0; nh != NH_FRAGMENT; n++) {
		uint8_t next, hel;

		if (n == IP6_MAX_EXT || (nh == NH_HOPOPTS && n != 0))
			return false;
		if (nh != NH_HOPOPTS && nh != NH_ROUTING && nh != NH_DSTOPTS)
			return false;
		next = cur_u8(&b);
		hel = cur_u8(&b);
		cur_skip(&b, hel * 8u + 6);
		if (!cur_ok(&b))
			return false;
		nh = next;
	}
	f->next_hdr = cur_u8(&b);
	cur_skip(&b, 1);
	offm = cur_u16(&b);
	id = cur_u32(&b);
	if (!cur_ok(&b))
		return false;

	f->hdr = pkt;
	f->hdr_len = IP6_HDR;
	f->len = (uint32_t)cur_left(&b);
	f->data = cur_bytes(&b, f->len);
	f->version = 6;
	f->more = offm & IP6_MF;
	f->off = offm & IP6_OFF_MASK;
	key_make(&f->key, 6, 0, id, src, dst, 16);
	return true;
}

/* ip4_csum - RFC 1071 Internet checksum of @len (even) header bytes. */
static uint16_t ip4_csum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * finish_header - turn the offset-0 fragment's header at @h into the
 * header of the whole datagram with @plen payload bytes.
 */
static void finish_header(uint8_t *h, size_t hlen, uint8_t version, uint32_t plen,
			  uint8_t next_hdr)
{
	uint32_t v;

	if (version == 4) {
		v = (uint32_t)hlen + plen;
		h[2] = (uint8_t)(v >> 8);
		h[3] = (uint8_t)v;
		h[6] &= IP4_FLAGS_KEEP >> 8;
		h[7] = 0;
		h[10] = h[11] = 0;
		v = ip4_csum(h, hlen);
		h[10] = (uint8_t)(v >> 8);
		h[11] = (uint8_t)v;
	} else {
		h[4] = (uint8_t)(plen >> 8);
		h[5] = (uint8_t)plen;
		h[6] = next_hdr;
	}
}

/* ---- entries: hash index, age list, accounting ---- */

static size_t key_bucket(const struct fragtab *t, const struct fragkey *k)
{
	return (size_t)hash64(k->b, KEY_LEN, t->seed) & (t->nbuckets - 1);
}

static struct dgram *lookup(const struct fragtab *t, const struct fragkey *k)
{
	struct dgram *d;

	for (d = t->bucket[key_bucket(t, k)]; d; d = d->hnext) {
		if (memcmp(d->key.b, k->b, KEY_LEN) == 0)
			return d;
	}
	return NULL;
}

static void age_unlink(struct fragtab *t, struct dgram *d)
{
	if (d->older)
		d->older->newer = d->newer;
	else
		t->oldest = d->newer;
	if (d->newer)
		d->newer->older = d->older;
	else
		t->newest = d->older;
	d->older = d->newer = NULL;
}

static void age_append(struct fragtab *t, struct dgram *d)
{
	d->older = t->newest;
	d->newer = NULL;
	if (t->newest)
		t->newest->newer = d;
	else
		t->oldest = d;
	t->newest = d;
}

/* account - set what @d counts in the table to @bytes. */
static void account(struct fragtab *t, struct dgram *d, size_t bytes)
{
	t->bytes = t->bytes - d->bytes + bytes;
	d->bytes = bytes;
}

/* release - free @d's buffers, keeping the entry. */
static void release(struct fragtab *t, struct dgram *d)
{
	free(d->buf);
	free(d->ext);
	d->buf = NULL;
	d->ext = NULL;
	d->cap = d->cap_ext = d->next = 0;
	account(t, d, sizeof(*d));
}

/* forget - remove @d from the table and free it. */
static void forget(struct fragtab *t, struct dgram *d)
{
	struct dgram **pp = &t->bucket[key_bucket(t, &d->key)];

	while (*pp != d)
		pp = &(*pp)->hnext;
	*pp = d->hnext;
	age_unlink(t, d);
	release(t, d);
	account(t, d, 0);
	t->entries--;
	if (d->dead)
		t->dead--;
	free(d);
}

/* bury - keep only @d's key, so later fragments are answered FRAG_DROPPED. */
static void bury(struct fragtab *t, struct dgram *d)
{
	release(t, d);
	if (!d->dead) {
		d->dead = true;
		t->dead++;
	}
}

/* discard - the datagram is refused: remember the key for a timeout from now. */
static enum frag_rc discard(struct fragtab *t, struct dgram *d, int64_t now_us)
{
	bury(t, d);
	age_unlink(t, d);
	d->stamp_us = now_us;
	age_append(t, d);
	return FRAG_DROPPED;
}

/*
 * make_room - free the oldest entries (except @keep) until @need more bytes
 * fit.  A live datagram is first reduced to a remembered key (counted as
 * evicted), and that key is dropped too if still more room is needed.
 */
static bool make_room(struct fragtab *t, const struct dgram *keep, size_t need)
{
	struct dgram *d = t->oldest, *next;

	/* Never evict others for a request that cannot fit anyway. */
	if (need > t->max_bytes - (keep ? keep->bytes : 0))
		return false;
	while (d && t->bytes + need > t->max_bytes) {
		next = d->newer;
		if (d != keep) {
			if (!d->dead) {
				t->st.evicted++;
				bury(t, d);
			}
			if (t->bytes + need > t->max_bytes)
				forget(t, d);
		}
		d = next;
	}
	return t->bytes + need <= t->max_bytes;
}

static struct dgram *create(struct fragtab *t, const struct fragment *f, int64_t now_us)
{
	struct dgram *d;
	size_t b;

	if (t->entries >= t->max_entries) {
		if (!t->oldest->dead)
			t->st.evicted++;
		forget(t, t->oldest);
	}
	if (!make_room(t, NULL, sizeof(*d)))
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->key = f->key;
	d->version = f->version;
	d->stamp_us = now_us;
	b = key_bucket(t, &d->key);
	d->hnext = t->bucket[b];
	t->bucket[b] = d;
	age_append(t, d);
	t->entries++;
	account(t, d, sizeof(*d));
	return d;
}

/* ---- the table ---- */

struct fragtab *fragtab_new(size_t max_datagrams, size_t max_bytes, int64_t timeout_us)
{
	struct fragtab *t;
	size_t nb = 16;

	if (max_datagrams < 1 || max_datagrams > FRAG_MAX_TABLE || max_bytes < 1 ||
	    timeout_us <= 0) {
		errno = EINVAL;
		return NULL;
	}
	while (nb < max_datagrams)
		nb <<= 1;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->bucket = calloc(nb, sizeof(*t->bucket));
	if (!t->bucket) {
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	t->nbuckets = nb;
	t->max_entries = max_datagrams;
	t->max_bytes = max_bytes;
	t->timeout_us = timeout_us;
	/* A secret seed keeps a sender from piling its keys into one chain. */
	if (getrandom(&t->seed, sizeof(t->seed), GRND_NONBLOCK) != sizeof(t->seed))
		t->seed = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)t;
	return t;
}

void fragtab_free(struct fragtab *t)
{
	if (!t)
		return;
	while (t->oldest)
		forget(t, t->oldest);
	free(t->out);
	free(t->bucket);
	free(t);
}

static size_t expire(struct fragtab *t, int64_t now_us)
{
	size_t n = 0;

	while (t->oldest && now_us - t->oldest->stamp_us >= t->timeout_us) {
		if (!t->oldest->dead)
			t->st.timeouts++;
		forget(t, t->oldest);
		n++;
	}
	return n;
}

size_t fragtab_expire(struct fragtab *t, int64_t now_us)
{
	free(t->out);
	t->out = NULL;
	return expire(t, now_us);
}

void fragtab_get_stats(const struct fragtab *t, struct fragtab_stats *st)
{
	*st = t->st;
	st->in_progress = t->entries - t->dead;
	st->remembered = t->dead;
	st->bytes = t->bytes;
	st->max_bytes = t->max_bytes;
}

/* ---- adding a fragment ---- */

/*
 * find_slot - the index of the first extent starting at or after @off: where
 * a new one goes.  Extents are disjoint and sorted, so only the extents on
 * either side of that index can overlap it.
 */
static uint32_t find_slot(const struct dgram *d, uint32_t off)
{
	uint32_t lo = 0, hi = d->next;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (d->ext[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

enum fit { FIT_NEW, FIT_DUP, FIT_OVERLAP };

static enum fit fit(const struct dgram *d, const struct fragment *f, uint32_t *slot)
{
	uint32_t i = find_slot(d, f->off), end = f->off + f->len;

	*slot = i;
	if (i > 0 && (uint32_t)d->ext[i - 1].off + d->ext[i - 1].len > f->off)
		return FIT_OVERLAP;
	if (i < d->next && d->ext[i].off < end) {
		if (d->ext[i].off == f->off && d->ext[i].len == f->len &&
		    memcmp(d->buf + room(d->version) + f->off, f->data, f->len) == 0)
			return FIT_DUP;
		return FIT_OVERLAP;
	}
	return FIT_NEW;
}

/*
 * grow - make room for one more extent and for payload up to @end.  While
 * the datagram's end is unknown the buffer grows geometrically, so in-order
 * arrival does not cost a copy per fragment; once @exact, to @end exactly.
 */
static bool grow(struct fragtab *t, struct dgram *d, uint32_t end, bool exact)
{
	size_t r = room(d->version);

	if (d->next == d->cap_ext) {
		uint32_t n = d->cap_ext ? d->cap_ext * 2 : EXT_MIN_CAP;
		size_t more = (n - d->cap_ext) * sizeof(struct extent);
		struct extent *e;

		if (!make_room(t, d, more))
			return false;
		e = realloc(d->ext, n * sizeof(*e));
		if (!e)
			return false;
		d->ext = e;
		d->cap_ext = n;
		account(t, d, d->bytes + more);
	}
	if (end > d->cap) {
		uint32_t n = d->cap * 2;
		size_t old = d->buf ? r + d->cap : 0;
		uint8_t *nb;

		if (exact || n < end)
			n = end;
		if (n > FRAG_MAX_PAYLOAD)
			n = FRAG_MAX_PAYLOAD;
		if (!make_room(t, d, r + n - old))
			return false;
		nb = realloc(d->buf, r + n);
		if (!nb)
			return false;
		d->buf = nb;
		d->cap = n;
		account(t, d, d->bytes + r + n - old);
	}
	return true;
}

/* check - the per-fragment rules of frag.h; false discards the datagram. */
static bool check(struct fragtab *t, const struct dgram *d, const struct fragment *f)
{
	uint32_t end = f->off + f->len;

	if (end > FRAG_MAX_PAYLOAD) {
		t->st.too_big++;
		return false;
	}
	/* Linux discards a zero-length fragment's queue as well. */
	if (f->len == 0 || (f->more && f->len % 8 != 0))
		return false;
	if (f->more)
		return !(d->have_last && end > d->end);
	/* A last fragment: its end must agree with everything seen so far. */
	return d->have_last ? end == d->end : end >= d->end;
}

/* complete - hand the datagram's buffer out and drop the entry. */
static void complete(struct fragtab *t, struct dgram *d, const uint8_t **out, size_t *outlen)
{
	uint8_t *h = d->buf + room(d->version) - d->hdr_len;

	memcpy(h, d->hdr, d->hdr_len);
	finish_header(h, d->hdr_len, d->version, d->end, d->next_hdr);
	*out = h;
	*outlen = d->hdr_len + (size_t)d->end;
	t->out = d->buf;
	d->buf = NULL;
	t->st.completed++;
	forget(t, d);
}

static enum frag_rc add_to(struct fragtab *t, struct dgram *d, const struct fragment *f,
			   int64_t now_us, const uint8_t **out, size_t *outlen)
{
	uint32_t slot, end = f->off + f->len;

	if (!check(t, d, f))
		return discard(t, d, now_us);
	switch (fit(d, f, &slot)) {
	case FIT_DUP:
		/*
		 * A copy of a stored fragment with MF clear still tells where
		 * the datagram ends (check() made sure it agrees), as it does
		 * for Linux, which sets its "last in" flag before the
		 * duplicate test.  Ignoring it could leave the filter waiting
		 * for a datagram the receiver has completed.
		 */
		if (f->more || d->have_last)
			return FRAG_NEED_MORE;
		d->have_last = true;
		d->end = end;
		goto done;
	case FIT_OVERLAP:
		t->st.overlaps++;
		return discard(t, d, now_us);
	case FIT_NEW:
		break;
	}
	/* Once the last fragment is known, so is the datagram's size. */
	if (!grow(t, d, d->have_last ? d->end : end, d->have_last || !f->more)) {
		/* The byte limit, or memory, cannot hold this datagram. */
		t->st.evicted++;
		return discard(t, d, now_us);
	}
	memcpy(d->buf + room(d->version) + f->off, f->data, f->len);
	memmove(&d->ext[slot + 1], &d->ext[slot], (d->next - slot) * sizeof(*d->ext));
	d->ext[slot] = (struct extent){ .off = (uint16_t)f->off, .len = (uint16_t)f->len };
	d->next++;
	d->have += f->len;
	if (end > d->end)
		d->end = end;
	if (!f->more)
		d->have_last = true;
	if (f->off == 0) {
		d->have_first = true;
		d->hdr_len = (uint8_t)f->hdr_len;
		memcpy(d->hdr, f->hdr, f->hdr_len);
		d->next_hdr = f->next_hdr;
	}
	/* IPv4's Total Length must hold the first fragment's header too. */
	if (d->version == 4 && d->have_first && d->hdr_len + d->end > FRAG_MAX_PAYLOAD) {
		t->st.too_big++;
		return discard(t, d, now_us);
	}
done:
	/* Extents are disjoint and within [0, end): full when they add up. */
	if (!d->have_last || d->have != d->end)
		return FRAG_NEED_MORE;
	complete(t, d, out, outlen);
	return FRAG_DONE;
}

/* whole - a packet that is a complete datagram by itself (RFC 6946). */
static enum frag_rc whole(struct fragtab *t, const struct fragment *f, const uint8_t **out,
			  size_t *outlen)
{
	uint8_t *b;

	if (f->len > FRAG_MAX_PAYLOAD - (f->version == 4 ? f->hdr_len : 0)) {
		t->st.too_big++;
		return FRAG_DROPPED;
	}
	b = malloc(f->hdr_len + f->len);
	if (!b)
		return FRAG_DROPPED;
	memcpy(b, f->hdr, f->hdr_len);
	memcpy(b + f->hdr_len, f->data, f->len);
	finish_header(b, f->hdr_len, f->version, f->len, f->next_hdr);
	t->out = b;
	*out = b;
	*outlen = f->hdr_len + f->len;
	t->st.completed++;
	return FRAG_DONE;
}

static enum frag_rc add(struct fragtab *t, const struct ip_info *ip, const uint8_t *pkt,
			size_t len, int64_t now_us, const uint8_t **out, size_t *outlen)
{
	struct fragment f = { 0 };
	struct dgram *d;
	bool ok;

	ok = ip->version == 4 ? read_v4(pkt, len, &f) : ip->version == 6 && read_v6(pkt, len, &f);
	if (!ok)
		return FRAG_DROPPED;
	if (!f.more && f.off == 0)
		return whole(t, &f, out, outlen);
	d = lookup(t, &f.key);
	if (d && d->dead)
		return FRAG_DROPPED;
	if (!d) {
		d = create(t, &f, now_us);
		if (!d)
			return FRAG_DROPPED;
	}
	return add_to(t, d, &f, now_us, out, outlen);
}

enum frag_rc fragtab_add(struct fragtab *t, const struct ip_info *ip, const uint8_t *pkt,
			 size_t len, int64_t now_us, const uint8_t **out, size_t *outlen)
{
	uint8_t *prev = t->out;
	enum frag_rc rc;

	/*
	 * @pkt may lie inside the previous output (a fragment carried in a
	 * reassembled tunnel packet): release that buffer only once the
	 * fragment has been copied.
	 */
	t->out = NULL;
	expire(t, now_us);
	t->st.fragments++;
	rc = add(t, ip, pkt, len, now_us, out, outlen);
	if (rc == FRAG_DROPPED)
		t->st.dropped++;
	free(prev);
	return rc;
}
