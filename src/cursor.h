// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cursor.h - bounds-checked reader over untrusted bytes.
 *
 * Every parser reads packet bytes only through a struct cur.  A read past
 * the end sets a sticky error flag and returns zero; the caller checks
 * cur_ok() once after a group of reads instead of after each one.  Lengths
 * are tracked as a remaining count (size_t), never by pointer differences.
 *
 *   struct cur c = cur_init(p, len);
 *   uint8_t type = cur_u8(&c);
 *   struct cur body = cur_sub(&c, cur_u16(&c));   // <0..2^16-1> vector
 *   if (!cur_ok(&c) || !cur_ok(&body)) return PARSE_TRUNCATED;
 *
 * The cursor never owns memory; views it returns point into the caller's
 * buffer and are valid as long as that buffer is.
 */
#ifndef EMBARGO_CURSOR_H
#define EMBARGO_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cur {
	const uint8_t *p;	/* next byte to read */
	size_t left;		/* bytes remaining */
	bool err;		/* sticky: set by any read past the end */
};

static inline struct cur cur_init(const void *p, size_t len)
{
	struct cur c = { .p = p, .left = len, .err = false };
	if (!p)
		c.left = 0;
	return c;
}

static inline bool cur_ok(const struct cur *c) { return !c->err; }
static inline size_t cur_left(const struct cur *c) { return c->left; }
static inline const uint8_t *cur_ptr(const struct cur *c) { return c->p; }

/* cur_need - true if @n bytes are available; sets the error flag if not. */
static inline bool cur_need(struct cur *c, size_t n)
{
	if (c->err || c->left < n) {
		c->err = true;
		return false;
	}
	return true;
}

static inline void cur_skip(struct cur *c, size_t n)
{
	if (!cur_need(c, n))
		return;
	c->p += n;
	c->left -= n;
}

static inline uint8_t cur_u8(struct cur *c)
{
	uint8_t v;
	if (!cur_need(c, 1))
		return 0;
	v = c->p[0];
	c->p++;
	c->left--;
	return v;
}

static inline uint16_t cur_u16(struct cur *c)
{
	uint16_t v;
	if (!cur_need(c, 2))
		return 0;
	v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	c->left -= 2;
	return v;
}

static inline uint32_t cur_u24(struct cur *c)
{
	uint32_t v;
	if (!cur_need(c, 3))
		return 0;
	v = (uint32_t)c->p[0] << 16 | (uint32_t)c->p[1] << 8 | c->p[2];
	c->p += 3;
	c->left -= 3;
	return v;
}

static inline uint32_t cur_u32(struct cur *c)
{
	uint32_t v;
	if (!cur_need(c, 4))
		return 0;
	v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	c->left -= 4;
	return v;
}

/* cur_bytes - return a view of the next @n bytes and advance; NULL on error. */
static inline const uint8_t *cur_bytes(struct cur *c, size_t n)
{
	const uint8_t *v;
	if (!cur_need(c, n))
		return NULL;
	v = c->p;
	c->p += n;
	c->left -= n;
	return v;
}

static inline void cur_copy(struct cur *c, void *dst, size_t n)
{
	const uint8_t *v = cur_bytes(c, n);
	if (v)
		memcpy(dst, v, n);
	else
		memset(dst, 0, n);
}

/*
 * cur_sub - split off the next @n bytes as an independent cursor and advance
 * past them.  If fewer than @n bytes remain, both cursors are in error.
 */
static inline struct cur cur_sub(struct cur *c, size_t n)
{
	struct cur s = { .p = c->p, .left = 0, .err = true };
	if (!cur_need(c, n))
		return s;
	s.left = n;
	s.err = false;
	c->p += n;
	c->left -= n;
	return s;
}

/*
 * cur_varint - QUIC variable-length integer (RFC 9000 §16): the two high bits
 * of the first byte give the length (1, 2, 4 or 8 bytes).
 */
static inline uint64_t cur_varint(struct cur *c)
{
	uint64_t v;
	size_t n, i;
	if (!cur_need(c, 1))
		return 0;
	n = (size_t)1 << (c->p[0] >> 6);
	if (!cur_need(c, n))
		return 0;
	v = c->p[0] & 0x3f;
	for (i = 1; i < n; i++)
		v = v << 8 | c->p[i];
	c->p += n;
	c->left -= n;
	return v;
}

#endif
