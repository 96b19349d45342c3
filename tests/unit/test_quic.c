// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_quic.c - QUIC Initial decryption (src/parse_quic.c) and its crypto
 * primitives (src/quic_crypto.c).
 *
 * Fixed points are the published vectors: RFC 9001 Appendix A (v1) and
 * RFC 9369 Appendix A (v2), keys and the whole 1200-byte client Initial.
 * Everything else is built here by a small packet builder that protects
 * packets with quic_crypto_seal()/quic_crypto_hp_mask(); the builder is
 * itself checked to reproduce both RFC packets byte for byte first.  Every
 * buffer handed to the parser is a heap copy of exactly the bytes under
 * test, so AddressSanitizer reports any read past the length.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_quic.h"
#include "quic_crypto.h"
#include "util.h"
#include "../tap.h"

#define V1 0x00000001u
#define V2 0x6b3343cfu

/* RFC 9001 A.2, the protected client Initial (1200 bytes). */
static const char RFC9001_A2_PACKET[] =
	"c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11"
	"d242b123dc9bd8bab936b47d92ec356c0bab7df5976d27cd449f63300099f399"
	"1c260ec4c60d17b31f8429157bb35a1282a643a8d2262cad67500cadb8e7378c"
	"8eb7539ec4d4905fed1bee1fc8aafba17c750e2c7ace01e6005f80fcb7df6212"
	"30c83711b39343fa028cea7f7fb5ff89eac2308249a02252155e2347b63d58c5"
	"457afd84d05dfffdb20392844ae812154682e9cf012f9021a6f0be17ddd0c208"
	"4dce25ff9b06cde535d0f920a2db1bf362c23e596d11a4f5a6cf3948838a3aec"
	"4e15daf8500a6ef69ec4e3feb6b1d98e610ac8b7ec3faf6ad760b7bad1db4ba3"
	"485e8a94dc250ae3fdb41ed15fb6a8e5eba0fc3dd60bc8e30c5c4287e53805db"
	"059ae0648db2f64264ed5e39be2e20d82df566da8dd5998ccabdae053060ae6c"
	"7b4378e846d29f37ed7b4ea9ec5d82e7961b7f25a9323851f681d582363aa5f8"
	"9937f5a67258bf63ad6f1a0b1d96dbd4faddfcefc5266ba6611722395c906556"
	"be52afe3f565636ad1b17d508b73d8743eeb524be22b3dcbc2c7468d54119c74"
	"68449a13d8e3b95811a198f3491de3e7fe942b330407abf82a4ed7c1b311663a"
	"c69890f4157015853d91e923037c227a33cdd5ec281ca3f79c44546b9d90ca00"
	"f064c99e3dd97911d39fe9c5d0b23a229a234cb36186c4819e8b9c5927726632"
	"291d6a418211cc2962e20fe47feb3edf330f2c603a9d48c0fcb5699dbfe58964"
	"25c5bac4aee82e57a85aaf4e2513e4f05796b07ba2ee47d80506f8d2c25e50fd"
	"14de71e6c418559302f939b0e1abd576f279c4b2e0feb85c1f28ff18f58891ff"
	"ef132eef2fa09346aee33c28eb130ff28f5b766953334113211996d20011a198"
	"e3fc433f9f2541010ae17c1bf202580f6047472fb36857fe843b19f5984009dd"
	"c324044e847a4f4a0ab34f719595de37252d6235365e9b84392b061085349d73"
	"203a4a13e96f5432ec0fd4a1ee65accdd5e3904df54c1da510b0ff20dcc0c77f"
	"cb2c0e0eb605cb0504db87632cf3d8b4dae6e705769d1de354270123cb11450e"
	"fc60ac47683d7b8d0f811365565fd98c4c8eb936bcab8d069fc33bd801b03ade"
	"a2e1fbc5aa463d08ca19896d2bf59a071b851e6c239052172f296bfb5e724047"
	"90a2181014f3b94a4e97d117b438130368cc39dbb2d198065ae3986547926cd2"
	"162f40a29f0c3c8745c0f50fba3852e566d44575c29d39a03f0cda721984b6f4"
	"40591f355e12d439ff150aab7613499dbd49adabc8676eef023b15b65bfc5ca0"
	"6948109f23f350db82123535eb8a7433bdabcb909271a6ecbcb58b936a88cd4e"
	"8f2e6ff5800175f113253d8fa9ca8885c2f552e657dc603f252e1a8e308f76f0"
	"be79e2fb8f5d5fbbe2e30ecadd220723c8c0aea8078cdfcb3868263ff8f09400"
	"54da48781893a7e49ad5aff4af300cd804a6b6279ab3ff3afb64491c85194aab"
	"760d58a606654f9f4400e8b38591356fbf6425aca26dc85244259ff2b19c41b9"
	"f96f3ca9ec1dde434da7d2d392b905ddf3d1f9af93d1af5950bd493f5aa731b4"
	"056df31bd267b6b90a079831aaf579be0a39013137aac6d404f518cfd4684064"
	"7e78bfe706ca4cf5e9c5453e9f7cfd2b8b4c8d169a44e55c88d4a9a7f9474241"
	"e221af44860018ab0856972e194cd934";

/* RFC 9369 A.2, the same client Initial protected as QUIC v2. */
static const char RFC9369_A2_PACKET[] =
	"d76b3343cf088394c8f03e5157080000449ea0c95e82ffe67b6abcdb4298b485"
	"dd04de806071bf03dceebfa162e75d6c96058bdbfb127cdfcbf903388e99ad04"
	"9f9a3dd4425ae4d0992cfff18ecf0fdb5a842d09747052f17ac2053d21f57c5d"
	"250f2c4f0e0202b70785b7946e992e58a59ac52dea6774d4f03b55545243cf1a"
	"12834e3f249a78d395e0d18f4d766004f1a2674802a747eaa901c3f10cda5500"
	"cb9122faa9f1df66c392079a1b40f0de1c6054196a11cbea40afb6ef5253cd68"
	"18f6625efce3b6def6ba7e4b37a40f7732e093daa7d52190935b8da58976ff33"
	"12ae50b187c1433c0f028edcc4c2838b6a9bfc226ca4b4530e7a4ccee1bfa2a3"
	"d396ae5a3fb512384b2fdd851f784a65e03f2c4fbe11a53c7777c023462239dd"
	"6f7521a3f6c7d5dd3ec9b3f233773d4b46d23cc375eb198c63301c21801f6520"
	"bcfb7966fc49b393f0061d974a2706df8c4a9449f11d7f3d2dcbb90c6b877045"
	"636e7c0c0fe4eb0f697545460c806910d2c355f1d253bc9d2452aaa549e27a1f"
	"ac7cf4ed77f322e8fa894b6a83810a34b361901751a6f5eb65a0326e07de7c12"
	"16ccce2d0193f958bb3850a833f7ae432b65bc5a53975c155aa4bcb4f7b2c4e5"
	"4df16efaf6ddea94e2c50b4cd1dfe06017e0e9d02900cffe1935e0491d77ffb4"
	"fdf85290fdd893d577b1131a610ef6a5c32b2ee0293617a37cbb08b847741c3b"
	"8017c25ca9052ca1079d8b78aebd47876d330a30f6a8c6d61dd1ab5589329de7"
	"14d19d61370f8149748c72f132f0fc99f34d766c6938597040d8f9e2bb522ff9"
	"9c63a344d6a2ae8aa8e51b7b90a4a806105fcbca31506c446151adfeceb51b91"
	"abfe43960977c87471cf9ad4074d30e10d6a7f03c63bd5d4317f68ff325ba3bd"
	"80bf4dc8b52a0ba031758022eb025cdd770b44d6d6cf0670f4e990b22347a7db"
	"848265e3e5eb72dfe8299ad7481a408322cac55786e52f633b2fb6b614eaed18"
	"d703dd84045a274ae8bfa73379661388d6991fe39b0d93debb41700b41f90a15"
	"c4d526250235ddcd6776fc77bc97e7a417ebcb31600d01e57f32162a8560cacc"
	"7e27a096d37a1a86952ec71bd89a3e9a30a2a26162984d7740f81193e8238e61"
	"f6b5b984d4d3dfa033c1bb7e4f0037febf406d91c0dccf32acf423cfa1e70710"
	"10d3f270121b493ce85054ef58bada42310138fe081adb04e2bd901f2f13458b"
	"3d6758158197107c14ebb193230cd1157380aa79cae1374a7c1e5bbcb80ee23e"
	"06ebfde206bfb0fcbc0edc4ebec309661bdd908d532eb0c6adc38b7ca7331dce"
	"8dfce39ab71e7c32d318d136b6100671a1ae6a6600e3899f31f0eed19e3417d1"
	"34b90c9058f8632c798d4490da4987307cba922d61c39805d072b589bd52fdf1"
	"e86215c2d54e6670e07383a27bbffb5addf47d66aa85a0c6f9f32e59d85a44dd"
	"5d3b22dc2be80919b490437ae4f36a0ae55edf1d0b5cb4e9a3ecabee93dfc6e3"
	"8d209d0fa6536d27a5d6fbb17641cde27525d61093f1b28072d111b2b4ae5f89"
	"d5974ee12e5cf7d5da4d6a31123041f33e61407e76cffcdcfd7e19ba58cf4b53"
	"6f4c4938ae79324dc402894b44faf8afbab35282ab659d13c93f70412e85cb19"
	"9a37ddec600545473cfb5a05e08d0b209973b2172b4d21fb69745a262ccde96b"
	"a18b2faa745b6fe189cf772a9f84cbfc";

/* RFC 9001 A.2 / RFC 9369 A.2: the CRYPTO frame (type, offset 0, length 241). */
static const char RFC_A2_CRYPTO_FRAME[] =
	"060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
	"04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
	"616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
	"04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
	"baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
	"0d0010000e0403050306030203080408050806002d00020101001c0002400100"
	"3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
	"75300901100f088394c8f03e51570806048000ffff";

static const uint8_t RFC_DCID[8] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08 };

static uint8_t scratch[QUIC_SCRATCH];

/* ---- helpers ------------------------------------------------------------ */

static size_t unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	for (; s[0] && s[1] && n < max; s += 2) {
		unsigned v;

		if (sscanf(s, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
	}
	return n;
}

static bool eq_hex(const uint8_t *got, size_t n, const char *want)
{
	uint8_t w[128];

	return unhex(want, w, sizeof(w)) == n && memcmp(got, w, n) == 0;
}

/* parse - run the parser on an exact-size heap copy of @p. */
static enum parse_rc parse(const uint8_t *p, size_t n, struct quic_keys *k,
			   struct quic_initial *out)
{
	uint8_t *copy = malloc(n ? n : 1);
	enum parse_rc rc;

	if (!copy)
		abort();
	if (n)
		memcpy(copy, p, n);
	rc = quic_parse_initial(copy, n, k, scratch, out);
	free(copy);
	return rc;
}

/* A frame buffer for building payloads. */
struct fb {
	uint8_t b[8192];
	size_t n;
};

static void fb_varint_w(struct fb *f, uint64_t v, unsigned w)
{
	static const uint8_t top[] = { [1] = 0x00, [2] = 0x40, [4] = 0x80, [8] = 0xc0 };
	unsigned i;

	for (i = 0; i < w; i++)
		f->b[f->n + i] = (uint8_t)(v >> (8 * (w - 1 - i)));
	f->b[f->n] |= top[w];
	f->n += w;
}

static void fb_varint(struct fb *f, uint64_t v)
{
	fb_varint_w(f, v, v < 64 ? 1 : v < 16384 ? 2 : v < (1u << 30) ? 4 : 8);
}

static void fb_bytes(struct fb *f, const void *p, size_t n)
{
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void fb_fill(struct fb *f, uint8_t v, size_t n)
{
	memset(f->b + f->n, v, n);
	f->n += n;
}

static void fb_crypto(struct fb *f, uint64_t off, const void *p, size_t n)
{
	fb_varint(f, 0x06);
	fb_varint(f, off);
	fb_varint(f, n);
	fb_bytes(f, p, n);
}

/*
 * A long-header packet.  Initial packets are protected with @keys (or keys
 * derived from @dcid); other types get an unprotected dummy body, since
 * the parser only skips them.
 */
enum { T_INITIAL, T_0RTT, T_HANDSHAKE, T_RETRY };

struct spec {
	uint32_t version;
	int type;
	const uint8_t *dcid, *scid, *token;
	size_t dcid_len, scid_len, token_len;
	uint64_t pn;
	unsigned pn_len;
	const uint8_t *payload;
	size_t payload_len;
	const struct quic_keys *keys;
	long length_adjust;		/* added to the Length field only */
	bool clear_fixed;
};

static size_t build(const struct spec *s, uint8_t *out)
{
	unsigned bits = (unsigned)s->type, i;
	size_t n = 0, pn_off, len;
	uint8_t nonce[QUIC_IV_LEN], mask[QUIC_MASK_LEN];
	struct quic_keys k;
	struct bytes aad;

	if (s->version == V2)
		bits = (bits + 1) & 3;	/* RFC 9369 §3.2 */
	out[n++] = (uint8_t)(0xc0 | bits << 4 | (s->pn_len - 1));
	if (s->clear_fixed)
		out[0] &= (uint8_t)~0x40;
	for (i = 0; i < 4; i++)
		out[n++] = (uint8_t)(s->version >> (24 - 8 * i));
	out[n++] = (uint8_t)s->dcid_len;
	memcpy(out + n, s->dcid, s->dcid_len);
	n += s->dcid_len;
	out[n++] = (uint8_t)s->scid_len;
	if (s->scid_len)
		memcpy(out + n, s->scid, s->scid_len);
	n += s->scid_len;
	if (s->type == T_INITIAL) {
		struct fb t = { .n = 0 };

		fb_varint(&t, s->token_len);
		memcpy(out + n, t.b, t.n);
		n += t.n;
		if (s->token_len)
			memcpy(out + n, s->token, s->token_len);
		n += s->token_len;
	}
	/* Length as a 2-byte varint, like the RFC examples. */
	len = s->pn_len + s->payload_len + QUIC_TAG_LEN;
	out[n++] = (uint8_t)(0x40 | ((size_t)((long)len + s->length_adjust) >> 8));
	out[n++] = (uint8_t)((long)len + s->length_adjust);
	pn_off = n;
	for (i = 0; i < s->pn_len; i++)
		out[n++] = (uint8_t)(s->pn >> (8 * (s->pn_len - 1 - i)));
	if (s->type != T_INITIAL) {
		memset(out + n, 0xa5, s->payload_len + QUIC_TAG_LEN);
		return n + s->payload_len + QUIC_TAG_LEN;
	}
	if (s->keys)
		k = *s->keys;
	else if (quic_derive_keys(s->version, s->dcid, s->dcid_len, &k) != 0)
		abort();
	memcpy(nonce, k.iv, sizeof(nonce));
	for (i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(s->pn >> (8 * i));
	aad = (struct bytes){ out, n };
	if (quic_crypto_seal(k.key, nonce, &aad, 1, s->payload, s->payload_len, out + n,
			     out + n + s->payload_len) != 0)
		abort();
	n += s->payload_len + QUIC_TAG_LEN;
	if (quic_crypto_hp_mask(k.hp, out + pn_off + 4, mask) != 0)
		abort();
	out[0] ^= mask[0] & 0x0f;
	for (i = 0; i < s->pn_len; i++)
		out[pn_off + i] ^= mask[1 + i];
	return n;
}

/* A v1 Initial from the RFC's DCID carrying @payload, pn 2 in 4 bytes. */
static struct spec initial_spec(const struct fb *payload)
{
	return (struct spec){
		.version = V1, .type = T_INITIAL, .dcid = RFC_DCID, .dcid_len = 8,
		.pn = 2, .pn_len = 4, .payload = payload->b, .payload_len = payload->n,
	};
}

static uint8_t ch[512];			/* the RFC ClientHello, 241 bytes */
static size_t ch_len;

static bool frag_is(const struct quic_initial *q, size_t i, uint64_t off, const void *p,
		    size_t n)
{
	return i < q->n_frags && q->frags[i].offset == off && q->frags[i].len == n &&
	       memcmp(q->frags[i].p, p, n) == 0;
}

/* ---- crypto primitives against RFC 9001 A.1 / RFC 9369 A.1 ------------- */

static void test_keys(void)
{
	static const uint8_t salt_v1[20] = {
		0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
		0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
	};
	uint8_t initial[32], client[32], server[32], out[32];
	struct quic_keys k;

	is_int(0, quic_crypto_extract(salt_v1, 20, RFC_DCID, 8, initial), "A.1 extract");
	ok(eq_hex(initial, 32, "7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44"),
	   "A.1 initial_secret");
	is_int(0, quic_crypto_expand_label(initial, "client in", client, 32), "A.1 client in");
	ok(eq_hex(client, 32, "c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea"),
	   "A.1 client_initial_secret");
	is_int(0, quic_crypto_expand_label(initial, "server in", server, 32), "A.1 server in");
	ok(eq_hex(server, 32, "3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b"),
	   "A.1 server_initial_secret");
	is_int(0, quic_crypto_expand_label(server, "quic key", out, 16), "A.1 server key");
	ok(eq_hex(out, 16, "cf3a5331653c364c88f0f379b6067e37"), "A.1 server key value");

	is_int(0, quic_derive_keys(V1, RFC_DCID, 8, &k), "derive v1");
	ok(k.valid && k.version == V1 && k.dcid_len == 8 && !memcmp(k.dcid, RFC_DCID, 8),
	   "v1 keys record version and DCID");
	ok(eq_hex(k.key, 16, "1f369613dd76d5467730efcbe3b1a22d"), "A.1 client key");
	ok(eq_hex(k.iv, 12, "fa044b2f42a3fd3b46fb255c"), "A.1 client iv");
	ok(eq_hex(k.hp, 16, "9f50449e04a0e810283a1e9933adedd2"), "A.1 client hp");

	is_int(0, quic_derive_keys(V2, RFC_DCID, 8, &k), "derive v2");
	ok(eq_hex(k.key, 16, "8b1a0bc121284290a29e0971b5cd045d"), "RFC 9369 A.1 client key");
	ok(eq_hex(k.iv, 12, "91f73e2351d8fa91660e909f"), "RFC 9369 A.1 client iv");
	ok(eq_hex(k.hp, 16, "45b95e15235d6f45a6b19cbcb0294ba9"), "RFC 9369 A.1 client hp");

	/* Draft salts, checked against an independent (Python) HKDF. */
	is_int(0, quic_derive_keys(0xff000016, RFC_DCID, 8, &k), "derive draft-22");
	ok(eq_hex(k.key, 16, "07863d9c083786bc86766ce0d02bf93f"), "draft-22 salt key");
	is_int(0, quic_derive_keys(0xfaceb001, RFC_DCID, 8, &k), "derive mvfst faceb001");
	ok(eq_hex(k.hp, 16, "48dbcf44e335508f7f23fb2c3790a37c"), "faceb001 = draft-22 salt");
	is_int(0, quic_derive_keys(0xff000017, RFC_DCID, 8, &k), "derive draft-23");
	ok(eq_hex(k.key, 16, "af7fd7efebd21878ff66811248983694"), "draft-23 salt key");
	is_int(0, quic_derive_keys(0xff00001c, RFC_DCID, 8, &k), "derive draft-28");
	ok(eq_hex(k.iv, 12, "8681359410a70bb9c92f0420"), "draft-28 = draft-23 salt");
	is_int(0, quic_derive_keys(0xfaceb002, RFC_DCID, 8, &k), "derive faceb002");
	ok(eq_hex(k.key, 16, "af7fd7efebd21878ff66811248983694"), "faceb002 = draft-23 salt");
	is_int(0, quic_derive_keys(0xfaceb00e, RFC_DCID, 8, &k), "derive faceb00e");
	ok(eq_hex(k.key, 16, "af7fd7efebd21878ff66811248983694"), "faceb00e = draft-23 salt");
	is_int(0, quic_derive_keys(0xff00001d, RFC_DCID, 8, &k), "derive draft-29");
	ok(eq_hex(k.key, 16, "175257a31eb09dea9366d8bb79ad80ba"), "draft-29 salt key");
	is_int(0, quic_derive_keys(0xff000020, RFC_DCID, 8, &k), "derive draft-32");
	ok(eq_hex(k.hp, 16, "9ddd12c994c0698b89374a9c077a3077"), "draft-32 = draft-29 salt");
	is_int(0, quic_derive_keys(0xff000022, RFC_DCID, 8, &k), "derive draft-34");
	ok(eq_hex(k.key, 16, "1f369613dd76d5467730efcbe3b1a22d"), "draft-34 = v1 salt");

	/* Zero-length DCID: HKDF-Extract of empty input keying material. */
	is_int(0, quic_crypto_extract(salt_v1, 20, NULL, 0, initial), "extract of empty DCID");
	ok(eq_hex(initial, 32, "36d11efc77a3ec36a7e6761d918e4660030b43086a59b896475926f010edffc6"),
	   "empty DCID initial_secret");
	is_int(0, quic_derive_keys(V1, NULL, 0, &k), "derive with empty DCID");
	ok(eq_hex(k.key, 16, "77946e94d6f58bf7e8140b50b1ad28d2"), "empty DCID key");

	/* Refusals. */
	is_int(-EPROTONOSUPPORT, quic_derive_keys(0xff000015, RFC_DCID, 8, &k), "draft-21 unknown");
	ok(!k.valid, "failed derivation leaves keys invalid");
	is_int(-EPROTONOSUPPORT, quic_derive_keys(0x51303530, RFC_DCID, 8, &k), "Q050 unknown");
	is_int(-EPROTONOSUPPORT, quic_derive_keys(0, RFC_DCID, 8, &k), "version 0 unknown");
	{
		uint8_t cid[21] = { 0 };

		is_int(0, quic_derive_keys(V1, cid, 20, &k), "20-byte DCID accepted");
		is_int(-EINVAL, quic_derive_keys(V1, cid, 21, &k), "21-byte DCID refused");
	}
	is_int(-EINVAL, quic_crypto_expand_label(client, "", out, 16), "empty label refused");
	is_int(-EINVAL, quic_crypto_expand_label(client, "quic key", out, 0), "0-byte output refused");
	is_int(-EINVAL, quic_crypto_expand_label(client, "quic key", out, 256), "256-byte output refused");
}

/*
 * HKDF-Extract is HMAC-SHA-256(salt, IKM): the HMAC vectors of RFC 4231
 * (keys shorter and longer than a block), RFC 5869 case 1, and messages
 * whose length puts SHA-256's padding at each edge of a block (expected
 * values from an independent HMAC implementation).  HKDF-Expand-Label
 * longer than one hash output (several T(i) blocks).
 */
static void test_hmac_vectors(void)
{
	static const struct {
		const char *key, *data, *mac, *what;
	} t[] = {
		{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", "RFC 4231 1" },
		{ "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", "RFC 4231 2" },
		{ "000102030405060708090a0b0c", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
		  "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", "RFC 5869 1 PRK" },
	};
	static const struct {
		size_t len;
		const char *mac;
	} pad[] = {
		{ 0, "5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0" },
		{ 1, "8a8dfb9656dccf21b7ea526911243b7568f432815f1cd43a42771f2db4aaa525" },
		{ 55, "184f2350243b4544f8c03be7fd00c38c253fc15945782e1c9ce6ae1550432962" },
		{ 56, "0a814646334e98a5ee5ffd0b6f6e6bf7f2eeaf5891fb2a7af1c46473112aa485" },
		{ 63, "51157f62bc69896d0173c4ab4e4a51a688994ec24af36912ad253d76e102a62e" },
		{ 64, "77298671dcc454ab064458f15c32bb37d918430e30d5b27273f282cd4fecc142" },
		{ 65, "d69e07b02169b25384a31b67b1b5340308b68c92ec087b85da5894113a9c62f4" },
		{ 119, "73bf5f06422cde2720cd4463aef050107173bd77a76ccfbe1c592ca6f28663bb" },
		{ 120, "f7b6cfdd43f790bdb087469629d3204c60acd97306f0255973a29755f0faa4b0" },
		{ 128, "7dfe3f90ca9d75b27f86da465c18911474a7ca63156b2e7aca2de2571a11d5c6" },
		{ 200, "4d3afc0460335979f6b8f33c08399a576f706e0ba403872b2c949cb1eb0ee142" },
	};
	static const char long_msg[] = "This is a test using a larger than block-size key and a "
				       "larger than block-size data. The key needs to be hashed "
				       "before being used by the HMAC algorithm.";
	static const char long_key_msg[] = "Test Using Larger Than Block-Size Key - Hash Key First";
	uint8_t key[131], data[200], out[QUIC_SECRET_LEN], secret[QUIC_SECRET_LEN], okm[100];

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		size_t kl = unhex(t[i].key, key, sizeof(key)), dl = unhex(t[i].data, data, sizeof(data));

		quic_crypto_extract(key, kl, data, dl, out);
		ok(eq_hex(out, sizeof(out), t[i].mac), "HMAC-SHA-256 %s", t[i].what);
	}
	memset(key, 0xaa, sizeof(key));
	quic_crypto_extract(key, 131, (const uint8_t *)long_key_msg, strlen(long_key_msg), out);
	ok(eq_hex(out, sizeof(out), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
	   "HMAC-SHA-256 RFC 4231 6 (131-byte key)");
	quic_crypto_extract(key, 131, (const uint8_t *)long_msg, strlen(long_msg), out);
	ok(eq_hex(out, sizeof(out), "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
	   "HMAC-SHA-256 RFC 4231 7 (131-byte key, 152-byte message)");
	for (size_t i = 0; i < ARRAY_SIZE(pad); i++) {
		for (size_t j = 0; j < pad[i].len; j++)
			data[j] = (uint8_t)(j * 7);
		quic_crypto_extract((const uint8_t *)"key", 3, data, pad[i].len, out);
		ok(eq_hex(out, sizeof(out), pad[i].mac), "HMAC-SHA-256 of %zu bytes", pad[i].len);
	}
	for (size_t j = 0; j < sizeof(secret); j++)
		secret[j] = (uint8_t)j;
	is_int(0, quic_crypto_expand_label(secret, "quic key", okm, sizeof(okm)),
	       "expand_label of 100 bytes");
	ok(eq_hex(okm, sizeof(okm),
		  "4ff06f9bd30097fe06d968814baa1fa537be180a2dc63c2fa029c23e55523622187c175df84d"
		  "0b7fc638b2da42085ae84c41e655f75bb4138791725b70af45b9b82f16b1dcb792cf223ea102"
		  "fd271acf48f2607a9c2b9137b8d4ebe89ccde22ccd7fe81c"),
	   "  four T(i) blocks, as HKDF-Expand");
}

static void test_mask_and_aead(void)
{
	uint8_t sample[16], mask[5], key[16], iv[12], pt[64], ct[64], tag[16], back[64];
	struct bytes aad[2];

	/* RFC 9001 A.2: sample = d1b1c98dd7689fb8ec11d242b123dc9b, mask = 437b9aec36. */
	unhex("d1b1c98dd7689fb8ec11d242b123dc9b", sample, 16);
	unhex("9f50449e04a0e810283a1e9933adedd2", key, 16);
	is_int(0, quic_crypto_hp_mask(key, sample, mask), "A.2 mask");
	ok(eq_hex(mask, 5, "437b9aec36"), "A.2 mask value");
	/* RFC 9369 A.2: sample ffe67b6a..., mask 94a0c95e80. */
	unhex("ffe67b6abcdb4298b485dd04de806071", sample, 16);
	unhex("45b95e15235d6f45a6b19cbcb0294ba9", key, 16);
	is_int(0, quic_crypto_hp_mask(key, sample, mask), "RFC 9369 A.2 mask");
	ok(eq_hex(mask, 5, "94a0c95e80"), "RFC 9369 A.2 mask value");

	/* Round trip with split AAD; then every kind of tampering fails. */
	memset(key, 0x11, sizeof(key));
	memset(iv, 0x22, sizeof(iv));
	memset(pt, 0x33, sizeof(pt));
	aad[0] = (struct bytes){ (const uint8_t *)"head", 4 };
	aad[1] = (struct bytes){ (const uint8_t *)"er", 2 };
	is_int(0, quic_crypto_seal(key, iv, aad, 2, pt, sizeof(pt), ct, tag), "seal");
	is_int(0, quic_crypto_open(key, iv, aad, 2, ct, sizeof(ct), tag, back), "open");
	ok(!memcmp(pt, back, sizeof(pt)), "round trip");
	aad[0] = (struct bytes){ (const uint8_t *)"header", 6 };
	aad[1] = (struct bytes){ NULL, 0 };
	is_int(0, quic_crypto_open(key, iv, aad, 2, ct, sizeof(ct), tag, back),
	       "AAD split differently is the same AAD");
	tag[15] ^= 1;
	is_int(-EBADMSG, quic_crypto_open(key, iv, aad, 2, ct, sizeof(ct), tag, back), "bad tag");
	tag[15] ^= 1;
	ct[0] ^= 0x80;
	is_int(-EBADMSG, quic_crypto_open(key, iv, aad, 2, ct, sizeof(ct), tag, back), "bad ct");
	ct[0] ^= 0x80;
	aad[0] = (struct bytes){ (const uint8_t *)"headeR", 6 };
	is_int(-EBADMSG, quic_crypto_open(key, iv, aad, 2, ct, sizeof(ct), tag, back), "bad aad");
	aad[0] = (struct bytes){ (const uint8_t *)"header", 6 };
	iv[0] ^= 1;
	is_int(-EBADMSG, quic_crypto_open(key, iv, aad, 2, ct, sizeof(ct), tag, back), "bad nonce");
	iv[0] ^= 1;
	/* The cached context must not remember a failure. */
	is_int(0, quic_crypto_open(key, iv, aad, 2, ct, sizeof(ct), tag, back),
	       "open works again after failures");
	/* Empty plaintext: only the tag. */
	is_int(0, quic_crypto_seal(key, iv, aad, 1, NULL, 0, NULL, tag), "seal empty");
	is_int(0, quic_crypto_open(key, iv, aad, 1, NULL, 0, tag, NULL), "open empty");
	/* A context recreated after cleanup still works. */
	quic_crypto_thread_cleanup();
	is_int(0, quic_crypto_open(key, iv, aad, 1, NULL, 0, tag, NULL), "open after cleanup");
}

/* ---- the RFC packets through the parser -------------------------------- */

static void test_rfc_packets(void)
{
	uint8_t pkt[1200], built[1300], frame[300];
	struct quic_initial q;
	struct quic_keys k = { .valid = false };
	struct spec s;
	struct fb pl = { .n = 0 };
	size_t n;

	n = unhex(RFC_A2_CRYPTO_FRAME, frame, sizeof(frame));
	is_int(245, n, "A.2 CRYPTO frame is 245 bytes");
	ch_len = n - 4;
	memcpy(ch, frame + 4, ch_len);

	/* The builder reproduces the RFC packets exactly (checks the builder). */
	fb_bytes(&pl, frame, n);
	fb_fill(&pl, 0, 1162 - n);
	s = initial_spec(&pl);
	is_int(1200, build(&s, built), "builder: v1 packet size");
	unhex(RFC9001_A2_PACKET, pkt, sizeof(pkt));
	ok(!memcmp(built, pkt, 1200), "builder reproduces RFC 9001 A.2 byte for byte");
	s.version = V2;
	build(&s, built);
	unhex(RFC9369_A2_PACKET, pkt, sizeof(pkt));
	ok(!memcmp(built, pkt, 1200), "builder reproduces RFC 9369 A.2 byte for byte");

	unhex(RFC9001_A2_PACKET, pkt, sizeof(pkt));
	ok(quic_sniff(pkt, sizeof(pkt)), "sniff RFC 9001 A.2");
	is_int(PARSE_OK, parse(pkt, 1200, &k, &q), "RFC 9001 A.2 decrypts");
	is_int(V1, q.version, "version 1");
	is_int(1, q.n_packets, "one Initial");
	ok(q.dcid_len == 8 && !memcmp(q.dcid, RFC_DCID, 8), "DCID");
	is_int(0, q.scid_len, "empty SCID");
	is_int(1, q.n_frags, "one CRYPTO frame");
	ok(frag_is(&q, 0, 0, ch, ch_len), "CRYPTO frame holds the RFC ClientHello");
	ok(!q.frags_dropped, "nothing dropped");
	ok(k.valid && k.version == V1 && eq_hex(k.key, 16, "1f369613dd76d5467730efcbe3b1a22d"),
	   "keys cached for the flow");
	/* Second time with the cache. */
	is_int(PARSE_OK, parse(pkt, 1200, &k, &q), "again with cached keys");
	ok(frag_is(&q, 0, 0, ch, ch_len), "same ClientHello");
	is_int(PARSE_OK, parse(pkt, 1200, NULL, &q), "no key cache (NULL) works");

	unhex(RFC9369_A2_PACKET, pkt, sizeof(pkt));
	ok(quic_sniff(pkt, sizeof(pkt)), "sniff RFC 9369 A.2");
	is_int(PARSE_OK, parse(pkt, 1200, &k, &q), "RFC 9369 A.2 decrypts (v1 keys cached)");
	is_int(V2, q.version, "version 2");
	ok(frag_is(&q, 0, 0, ch, ch_len), "v2 CRYPTO frame holds the ClientHello");
	ok(k.valid && k.version == V2 && eq_hex(k.key, 16, "8b1a0bc121284290a29e0971b5cd045d"),
	   "cache switched to the v2 keys");
}

static void test_tamper_and_truncate(void)
{
	uint8_t pkt[1200], bad[1200];
	struct quic_initial q;
	struct quic_keys k;
	size_t i, n_ok = 0, n_trunc = 0;
	const char *which[2] = { RFC9001_A2_PACKET, RFC9369_A2_PACKET };
	unsigned v;

	for (v = 0; v < 2; v++) {
		unhex(which[v], pkt, sizeof(pkt));
		memcpy(bad, pkt, sizeof(bad));
		bad[1199] ^= 0x01;
		k.valid = false;
		is_int(PARSE_MALFORMED, parse(bad, 1200, &k, &q), "v%u: corrupted tag", v + 1);
		ok(!k.valid, "v%u: a failed packet stores no keys", v + 1);
		is_int(0, q.n_frags, "v%u: no frames from a failed packet", v + 1);
		memcpy(bad, pkt, sizeof(bad));
		bad[600] ^= 0x40;
		is_int(PARSE_MALFORMED, parse(bad, 1200, NULL, &q), "v%u: corrupted ciphertext", v + 1);

		/* Every single-bit flip anywhere in the packet must be caught. */
		n_ok = 0;
		for (i = 0; i < 1200 * 8; i += 7) {
			memcpy(bad, pkt, sizeof(bad));
			bad[i / 8] ^= (uint8_t)(1u << (i % 8));
			if (parse(bad, 1200, NULL, &q) == PARSE_OK)
				n_ok++;
		}
		is_int(0, n_ok, "v%u: no bit flip (every 7th bit) is accepted", v + 1);

		/* Cut at every byte: never OK, always TRUNCATED (NOT_MINE if empty). */
		n_ok = n_trunc = 0;
		for (i = 0; i < 1200; i++) {
			enum parse_rc rc = parse(pkt, i, NULL, &q);

			n_ok += rc == PARSE_OK || q.n_frags != 0;
			n_trunc += rc == PARSE_TRUNCATED;
		}
		is_int(0, n_ok, "v%u: no prefix is OK", v + 1);
		is_int(1199, n_trunc, "v%u: every non-empty prefix is TRUNCATED", v + 1);
	}
	is_int(PARSE_NOT_MINE, parse(pkt, 0, NULL, &q), "empty datagram");
	ok(!quic_sniff(pkt, 4), "sniff needs 5 bytes");
	ok(quic_sniff(pkt, 5), "sniff with exactly 5 bytes");
	ok(!quic_sniff(NULL, 0), "sniff of nothing");
}

/* ---- header boundaries ---------------------------------------------------- */

static void test_header_bounds(void)
{
	static const uint8_t cid20[21] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
					   11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21 };
	uint8_t tok[300], pkt[2000], dg[2100];
	struct quic_initial q;
	struct fb pl = { .n = 0 };
	struct spec s;
	size_t n;

	fb_crypto(&pl, 0, "hello", 5);
	fb_fill(&pl, 0, 20);
	s = initial_spec(&pl);

	n = build(&s, pkt);
	is_int(PARSE_OK, parse(pkt, n, NULL, &q), "Length exactly fits");
	memcpy(dg, pkt, n);
	memset(dg + n, 0, 30);
	is_int(PARSE_OK, parse(dg, n + 30, NULL, &q), "trailing zero padding after the packet");
	ok(frag_is(&q, 0, 0, "hello", 5), "frame found");
	s.length_adjust = 1;
	n = build(&s, pkt);
	is_int(PARSE_TRUNCATED, parse(pkt, n, NULL, &q), "Length one over the datagram");
	s.length_adjust = -1;
	n = build(&s, pkt);
	is_int(PARSE_MALFORMED, parse(pkt, n, NULL, &q), "Length one short: tag check fails");
	s.length_adjust = 0;

	/* The header protection sample needs 20 bytes of packet number + payload. */
	pl.n = 0;
	fb_fill(&pl, 0x01, 3);		/* three PINGs */
	s = initial_spec(&pl);
	s.pn_len = 1;
	n = build(&s, pkt);		/* body = 1 + 3 + 16 = 20 */
	is_int(PARSE_OK, parse(pkt, n, NULL, &q), "20-byte body: sample exactly fits");
	is_int(0, q.n_frags, "PINGs only: no frames");
	s.payload_len = 2;
	n = build(&s, pkt);		/* body = 19 */
	is_int(PARSE_MALFORMED, parse(pkt, n, NULL, &q), "19-byte body: too short to sample");
	ok(quic_sniff(pkt, n), "sniff does not look at lengths");

	/* Connection IDs. */
	pl.n = 0;
	fb_crypto(&pl, 0, "hello", 5);
	fb_fill(&pl, 0, 20);
	s = initial_spec(&pl);
	s.dcid = cid20;
	s.dcid_len = 20;
	n = build(&s, pkt);
	is_int(PARSE_OK, parse(pkt, n, NULL, &q), "20-byte DCID");
	ok(q.dcid_len == 20 && !memcmp(q.dcid, cid20, 20), "20-byte DCID reported");
	s.dcid_len = 0;
	n = build(&s, pkt);
	is_int(PARSE_OK, parse(pkt, n, NULL, &q), "empty DCID");
	is_int(0, q.dcid_len, "empty DCID reported");
	{
		/* A 21-byte DCID: build with 20 and patch the length byte. */
		s.dcid_len = 20;
		n = build(&s, pkt);
		memmove(pkt + 26, pkt + 25, n - 25);
		pkt[5] = 21;
		pkt[25] = 21;
		is_int(PARSE_MALFORMED, parse(pkt, n + 1, NULL, &q), "21-byte DCID");
	}
	s.dcid = RFC_DCID;
	s.dcid_len = 8;
	s.scid = cid20;
	s.scid_len = 20;
	n = build(&s, pkt);
	is_int(PARSE_OK, parse(pkt, n, NULL, &q), "20-byte SCID");
	ok(q.scid_len == 20 && !memcmp(q.scid, cid20, 20), "SCID reported");
	pkt[6 + 8] = 21;
	is_int(PARSE_MALFORMED, parse(pkt, n, NULL, &q), "21-byte SCID");
	s.scid_len = 0;

	/* Token. */
	memset(tok, 0x7e, sizeof(tok));
	s.token = tok;
	s.token_len = 300;		/* 2-byte varint */
	n = build(&s, pkt);
	is_int(PARSE_OK, parse(pkt, n, NULL, &q), "300-byte token");
	ok(frag_is(&q, 0, 0, "hello", 5), "frame after a token");
	is_int(PARSE_TRUNCATED, parse(pkt, 8 + 7 + 2 + 299, NULL, &q), "cut inside the token");
	pkt[15] = 0x7f;			/* token length 0x3fff > datagram */
	is_int(PARSE_TRUNCATED, parse(pkt, n, NULL, &q), "token length past the end");
	pkt[15] = 0xc0;			/* 8-byte varint cut short */
	is_int(PARSE_TRUNCATED, parse(pkt, 17, NULL, &q), "token length varint cut");
	s.token_len = 0;

	/* Packet number lengths and values. */
	{
		static const struct {
			unsigned len;
			uint64_t pn;
		} pns[] = { { 1, 0 }, { 1, 255 }, { 2, 0x1234 }, { 3, 0xabcdef }, { 4, 0xfedcba98 } };
		size_t i;

		for (i = 0; i < sizeof(pns) / sizeof(pns[0]); i++) {
			s.pn_len = pns[i].len;
			s.pn = pns[i].pn;
			n = build(&s, pkt);
			is_int(PARSE_OK, parse(pkt, n, NULL, &q), "pn %llx in %u bytes",
			       (unsigned long long)pns[i].pn, pns[i].len);
		}
		s.pn_len = 4;
		s.pn = 2;
	}

	/* The fixed bit: RFC 9287 lets clients clear it; it is authenticated. */
	s.clear_fixed = true;
	n = build(&s, pkt);
	ok(quic_sniff(pkt, n), "sniff: fixed bit cleared");
	is_int(PARSE_OK, parse(pkt, n, NULL, &q), "fixed bit cleared (RFC 9287)");
	s.clear_fixed = false;
	n = build(&s, pkt);
	pkt[0] ^= 0x40;			/* flipped after protection: AAD differs */
	is_int(PARSE_MALFORMED, parse(pkt, n, NULL, &q), "fixed bit flipped in transit");

	/* First-byte forms. */
	pkt[0] = 0x40;
	ok(!quic_sniff(pkt, n), "sniff: short header");
	is_int(PARSE_NOT_MINE, parse(pkt, n, NULL, &q), "short header");
	n = build(&s, pkt);
	pkt[0] = (uint8_t)((pkt[0] & 0xcf) | 0x20);	/* v1 Handshake */
	ok(!quic_sniff(pkt, n), "sniff: v1 Handshake is not Initial");
	is_int(PARSE_NOT_MINE, parse(pkt, n, NULL, &q), "a lone Handshake packet");
	pkt[0] = (uint8_t)((pkt[0] & 0xcf) | 0x30);	/* v1 Retry */
	is_int(PARSE_NOT_MINE, parse(pkt, n, NULL, &q), "a Retry-typed packet");
	{
		/* RFC 9001 A.4: a real Retry has no Length; its token is not one. */
		uint8_t retry[64];
		size_t rn = unhex("ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d82"
				  "9058fb3f0f2496ba", retry, sizeof(retry));

		is_int(36, rn, "A.4 Retry is 36 bytes");
		ok(!quic_sniff(retry, rn), "sniff: RFC 9001 A.4 Retry");
		is_int(PARSE_NOT_MINE, parse(retry, rn, NULL, &q), "RFC 9001 A.4 Retry ends the walk");
	}
	pkt[0] = (uint8_t)((pkt[0] & 0xcf) | 0x10);	/* v1 0-RTT */
	is_int(PARSE_NOT_MINE, parse(pkt, n, NULL, &q), "a lone 0-RTT packet");
	n = build(&s, pkt);
	pkt[1] = 0x00;
	pkt[4] = 0x00;			/* version 0: version negotiation */
	ok(!quic_sniff(pkt, n), "sniff: version 0");
	is_int(PARSE_NOT_MINE, parse(pkt, n, NULL, &q), "version negotiation");
	memcpy(pkt + 1, "Q050", 4);
	ok(!quic_sniff(pkt, n), "sniff: gQUIC Q050");
	is_int(PARSE_NOT_MINE, parse(pkt, n, NULL, &q), "gQUIC Q050");
}

/* ---- versions ------------------------------------------------------------- */

static void test_versions(void)
{
	static const uint32_t known[] = {
		V1, V2, 0xff000016, 0xff000017, 0xff00001b, 0xff00001c, 0xff00001d,
		0xff000020, 0xff000021, 0xff000022, 0xfaceb001, 0xfaceb002, 0xfaceb00e,
	};
	static const uint32_t unknown[] = {
		0, 0xff000015, 0xff000023, 0x709a50c4, 0x51303530, 0x54303531, 0xfaceb003,
		0x1a2a3a4a,
	};
	uint8_t pkt[600];
	struct quic_initial q;
	struct quic_keys k;
	struct fb pl = { .n = 0 };
	struct spec s;
	size_t i, n;

	fb_crypto(&pl, 0, "hello", 5);
	fb_fill(&pl, 0, 30);
	s = initial_spec(&pl);
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		s.version = known[i];
		n = build(&s, pkt);
		ok(quic_sniff(pkt, n), "sniff %08x", known[i]);
		is_int(PARSE_OK, parse(pkt, n, NULL, &q), "decrypt %08x", known[i]);
		ok(q.version == known[i] && frag_is(&q, 0, 0, "hello", 5), "frame of %08x",
		   known[i]);
	}
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		s.version = V1;
		n = build(&s, pkt);
		pkt[1] = (uint8_t)(unknown[i] >> 24);
		pkt[2] = (uint8_t)(unknown[i] >> 16);
		pkt[3] = (uint8_t)(unknown[i] >> 8);
		pkt[4] = (uint8_t)unknown[i];
		ok(!quic_sniff(pkt, n), "no sniff %08x", unknown[i]);
		is_int(PARSE_NOT_MINE, parse(pkt, n, NULL, &q), "not mine %08x", unknown[i]);
	}
	/* The salt matters: a v1 header over draft-29 keys does not open. */
	is_int(0, quic_derive_keys(0xff00001d, RFC_DCID, 8, &k), "draft-29 keys");
	s.version = V1;
	s.keys = &k;
	n = build(&s, pkt);
	is_int(PARSE_MALFORMED, parse(pkt, n, NULL, &q), "v1 header, draft-29 keys");
	/* v2 type bits: 0b00 is Retry there, so a v1-style Initial type is not Initial. */
	s.keys = NULL;
	s.version = V2;
	n = build(&s, pkt);
	pkt[0] &= 0xcf;
	ok(!quic_sniff(pkt, n), "v2 with type bits 00 (Retry) is no Initial");
	is_int(PARSE_NOT_MINE, parse(pkt, n, NULL, &q), "v2 Retry ends the walk");
}

/* ---- coalescing and the key cache --------------------------------------- */

static void test_coalesced(void)
{
	static const uint8_t dcid2[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };
	static const uint8_t dcid3[12] = { 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3 };
	uint8_t dg[4000], bad[4000];
	struct quic_initial q;
	struct quic_keys k, orig;
	struct fb p1 = { .n = 0 }, p2 = { .n = 0 }, hs = { .n = 0 };
	struct spec s1, s2, sh;
	size_t n, n1, i, n_bad;

	fb_crypto(&p1, 0, "first-", 6);
	fb_fill(&p1, 0, 20);
	fb_crypto(&p2, 6, "second", 6);
	fb_fill(&p2, 0, 20);
	fb_fill(&hs, 0xee, 40);
	s1 = initial_spec(&p1);
	s2 = initial_spec(&p2);
	s2.pn = 3;
	sh = initial_spec(&hs);
	sh.type = T_HANDSHAKE;

	n1 = build(&s1, dg);
	n = n1 + build(&sh, dg + n1);
	is_int(PARSE_OK, parse(dg, n, NULL, &q), "Initial + Handshake");
	ok(q.n_packets == 1 && q.n_frags == 1 && frag_is(&q, 0, 0, "first-", 6),
	   "the Initial's frame only");
	n = build(&sh, dg);
	n += build(&s1, dg + n);
	is_int(PARSE_OK, parse(dg, n, NULL, &q), "Handshake + Initial");
	ok(q.n_packets == 1 && frag_is(&q, 0, 0, "first-", 6), "Initial after Handshake found");
	sh.type = T_0RTT;
	n = build(&s1, dg);
	n += build(&sh, dg + n);
	memset(dg + n, 0x41, 50);	/* a short-header packet runs to the end */
	is_int(PARSE_OK, parse(dg, n + 50, NULL, &q), "Initial + 0-RTT + short header");
	is_int(1, q.n_packets, "one Initial there");

	n = build(&s1, dg);
	n += build(&s2, dg + n);
	is_int(PARSE_OK, parse(dg, n, NULL, &q), "two coalesced Initials");
	ok(q.n_packets == 2 && q.n_frags == 2 && frag_is(&q, 0, 0, "first-", 6) &&
	   frag_is(&q, 1, 6, "second", 6), "both frames, in order, from disjoint scratch");
	/* Cut the two-Initial datagram at every byte. */
	n_bad = 0;
	for (i = 0; i <= n; i++) {
		enum parse_rc rc = parse(dg, i, NULL, &q);

		if (i < n1)
			n_bad += rc != (i ? PARSE_TRUNCATED : PARSE_NOT_MINE) || q.n_frags;
		else if (i < n)
			n_bad += rc != PARSE_OK || q.n_packets != 1 || !frag_is(&q, 0, 0, "first-", 6);
		else
			n_bad += rc != PARSE_OK || q.n_packets != 2;
	}
	is_int(0, n_bad, "two Initials cut at every byte: only authenticated data");

	/* A forged first packet does not hide the real one (a server skips it). */
	memcpy(bad, dg, n);
	bad[n1 - 1] ^= 1;
	is_int(PARSE_OK, parse(bad, n, NULL, &q), "bad Initial + good Initial");
	ok(q.n_packets == 1 && frag_is(&q, 0, 6, "second", 6), "only the good one's frame");
	memcpy(bad, dg, n);
	bad[n - 1] ^= 1;
	is_int(PARSE_OK, parse(bad, n, NULL, &q), "good Initial + bad Initial");
	ok(q.n_packets == 1 && frag_is(&q, 0, 0, "first-", 6), "only the first's frame");
	memcpy(bad, dg, n);
	bad[n1 - 1] ^= 1;
	bad[n - 1] ^= 1;
	is_int(PARSE_MALFORMED, parse(bad, n, NULL, &q), "two bad Initials");
	is_int(0, q.n_frags, "no frames");
	/* A coalesced packet whose Length overruns: the first one still counts. */
	n = build(&s1, dg);
	sh.type = T_HANDSHAKE;
	sh.length_adjust = 5;
	n += build(&sh, dg + n);
	is_int(PARSE_OK, parse(dg, n, NULL, &q), "Initial + overlong Handshake");
	sh.length_adjust = 0;
	/* An unknown version after an Initial ends the walk quietly. */
	n = build(&s1, dg);
	i = build(&s2, dg + n);
	dg[n + 1] = 0x0a;
	is_int(PARSE_OK, parse(dg, n + i, NULL, &q), "Initial + unknown-version packet");
	is_int(1, q.n_packets, "the unknown one is not decrypted");

	/* Key cache: after the server's Initial, the client uses a new DCID
	 * but the original keys (RFC 9001 §5.2). */
	k.valid = false;
	n = build(&s1, dg);
	is_int(PARSE_OK, parse(dg, n, &k, &q), "first Initial fills the cache");
	orig = k;
	ok(k.valid && k.dcid_len == 8 && !memcmp(k.dcid, RFC_DCID, 8), "cache holds DCID 1");
	s2.dcid = dcid2;
	s2.keys = &orig;
	n = build(&s2, dg);
	is_int(PARSE_OK, parse(dg, n, &k, &q), "new DCID, original keys: cache used");
	ok(q.dcid_len == 8 && !memcmp(q.dcid, dcid2, 8) && !memcmp(k.dcid, RFC_DCID, 8),
	   "packet DCID reported, cache unchanged");
	is_int(PARSE_MALFORMED, parse(dg, n, NULL, &q), "the same packet without the cache");
	/* After a Retry the keys come from the new DCID: cache misses, re-derives. */
	s2.dcid = dcid3;
	s2.dcid_len = 12;
	s2.keys = NULL;
	n = build(&s2, dg);
	is_int(PARSE_OK, parse(dg, n, &k, &q), "Retry-style new keys");
	ok(k.valid && k.dcid_len == 12 && !memcmp(k.dcid, dcid3, 12), "cache now holds DCID 3");
	/* A forged packet never replaces good keys. */
	k = orig;
	s2.dcid = dcid2;
	s2.dcid_len = 8;
	n = build(&s2, dg);
	dg[n - 1] ^= 1;
	is_int(PARSE_MALFORMED, parse(dg, n, &k, &q), "forged Initial with another DCID");
	ok(k.valid && k.version == orig.version && k.dcid_len == orig.dcid_len &&
	   !memcmp(k.dcid, orig.dcid, orig.dcid_len) && !memcmp(k.key, orig.key, 16) &&
	   !memcmp(k.iv, orig.iv, 12) && !memcmp(k.hp, orig.hp, 16),
	   "cache untouched by the forgery");
	/* Cached keys of another version are not tried. */
	is_int(0, quic_derive_keys(V2, RFC_DCID, 8, &k), "v2 keys in the cache");
	n = build(&s1, dg);
	is_int(PARSE_OK, parse(dg, n, &k, &q), "v1 packet with a v2 cache");
	is_int(V1, k.version, "cache replaced by v1 keys");
}

/* ---- frames ---------------------------------------------------------------- */

/* parse_payload - wrap @pl in a v1 Initial and parse it. */
static enum parse_rc parse_payload(const struct fb *pl, struct quic_initial *q)
{
	static uint8_t pkt[9000];
	struct spec s = initial_spec(pl);
	size_t n = build(&s, pkt);

	return parse(pkt, n, NULL, q);
}

static void test_frames(void)
{
	struct quic_initial q;
	struct fb pl;
	size_t i;

	/* The usual mix, Chrome-style: CRYPTO frames out of order, PING, PADDING. */
	pl.n = 0;
	fb_varint(&pl, 0x01);
	fb_crypto(&pl, 5, "world", 5);
	fb_fill(&pl, 0, 7);
	fb_varint(&pl, 0x02);		/* ACK 10, delay 0, 0 ranges, first 3 */
	fb_varint(&pl, 10);
	fb_varint(&pl, 0);
	fb_varint(&pl, 0);
	fb_varint(&pl, 3);
	fb_crypto(&pl, 0, "hello", 5);
	fb_varint(&pl, 0x1c);		/* CONNECTION_CLOSE code 0, frame 0, reason "x" */
	fb_varint(&pl, 0);
	fb_varint(&pl, 0);
	fb_varint(&pl, 1);
	fb_bytes(&pl, "x", 1);
	fb_crypto(&pl, 10, "!", 1);
	fb_fill(&pl, 0, 40);
	is_int(PARSE_OK, parse_payload(&pl, &q), "mixed frames");
	ok(q.n_frags == 3 && frag_is(&q, 0, 5, "world", 5) && frag_is(&q, 1, 0, "hello", 5) &&
	   frag_is(&q, 2, 10, "!", 1), "three CRYPTO frames in wire order");

	/* ACK with ranges and ECN counts, then CRYPTO. */
	pl.n = 0;
	fb_varint(&pl, 0x03);
	fb_varint(&pl, 100);		/* largest */
	fb_varint(&pl, 25);		/* delay */
	fb_varint(&pl, 2);		/* ranges */
	fb_varint(&pl, 10);		/* first: 90..100 */
	fb_varint(&pl, 5);		/* gap: next largest 90-5-2 = 83 */
	fb_varint(&pl, 3);		/* 80..83 */
	fb_varint(&pl, 78);		/* gap: 80-78-2 = 0 */
	fb_varint(&pl, 0);		/* 0..0 */
	fb_varint(&pl, 1);
	fb_varint(&pl, 2);
	fb_varint(&pl, 3);
	fb_crypto(&pl, 0, "after-ack", 9);
	fb_fill(&pl, 0, 20);
	is_int(PARSE_OK, parse_payload(&pl, &q), "ACK_ECN with ranges down to 0");
	ok(frag_is(&q, 0, 0, "after-ack", 9), "CRYPTO after a valid ACK");

	/* Malformed ACKs: frames before are kept, nothing after is read. */
	{
		struct {
			const char *what;
			uint64_t v[8];
			unsigned n;
		} bad[] = {
			{ "first range > largest", { 5, 0, 0, 6 }, 4 },
			{ "gap below zero", { 10, 0, 1, 2, 7, 0 }, 6 },
			{ "range below zero", { 10, 0, 1, 2, 5, 2 }, 6 },
			{ "range count 2^62-1", { 10, 0, (UINT64_C(1) << 62) - 1, 0 }, 4 },
			{ "range count > bytes left", { 10, 0, 40, 0 }, 4 },
		};

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			unsigned j;

			pl.n = 0;
			fb_crypto(&pl, 0, "kept", 4);
			fb_varint(&pl, 0x02);
			for (j = 0; j < bad[i].n; j++)
				fb_varint(&pl, bad[i].v[j]);
			fb_crypto(&pl, 4, "lost", 4);
			fb_fill(&pl, 0, 20);
			is_int(PARSE_OK, parse_payload(&pl, &q), "ACK %s: packet OK", bad[i].what);
			ok(q.n_frags == 1 && frag_is(&q, 0, 0, "kept", 4),
			   "ACK %s: only the frame before it", bad[i].what);
		}
	}
	/* An ACK cut by the end of the payload. */
	pl.n = 0;
	fb_crypto(&pl, 0, "kept", 4);
	fb_fill(&pl, 0, 20);
	fb_varint(&pl, 0x02);
	fb_varint(&pl, 1000);
	fb_varint_w(&pl, 0, 8);
	pl.n -= 3;
	is_int(PARSE_OK, parse_payload(&pl, &q), "ACK cut mid-varint");
	ok(q.n_frags == 1, "frame before it kept");

	/* Fuzz-ish: random bytes after a CRYPTO frame never escape the payload. */
	{
		uint64_t x = 0x9e3779b97f4a7c15u;
		unsigned t, bad_n = 0;

		for (t = 0; t < 400; t++) {
			size_t len = 20 + (size_t)(x % 200), j;

			pl.n = 0;
			fb_crypto(&pl, 0, "seed", 4);
			for (j = 0; j < len; j++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				/* bias towards frame types the parser knows */
				pl.b[pl.n++] = (j % 5 == 0) ? (uint8_t)(x % 4) : (uint8_t)x;
			}
			if (parse_payload(&pl, &q) != PARSE_OK || !frag_is(&q, 0, 0, "seed", 4))
				bad_n++;
			for (j = 0; j < q.n_frags; j++)
				if (q.frags[j].p < scratch || q.frags[j].p + q.frags[j].len >
				    scratch + pl.n)
					bad_n++;
		}
		is_int(0, bad_n, "400 random payloads: first frame kept, all frames inside");
	}

	/* Frames an Initial may not carry end the walk. */
	pl.n = 0;
	fb_crypto(&pl, 0, "kept", 4);
	fb_varint(&pl, 0x08);		/* STREAM */
	fb_crypto(&pl, 4, "lost", 4);
	fb_fill(&pl, 0, 20);
	is_int(PARSE_OK, parse_payload(&pl, &q), "STREAM frame in an Initial");
	is_int(1, q.n_frags, "stops at STREAM");
	pl.n = 0;
	fb_varint(&pl, 0x1d);		/* application CONNECTION_CLOSE: 1-RTT only */
	fb_crypto(&pl, 0, "lost", 4);
	fb_fill(&pl, 0, 20);
	is_int(PARSE_OK, parse_payload(&pl, &q), "CONNECTION_CLOSE 0x1d");
	is_int(0, q.n_frags, "stops at 0x1d");

	/* A non-minimal frame type encoding is still CRYPTO (RFC 9000 §12.4). */
	pl.n = 0;
	fb_varint_w(&pl, 0x06, 2);
	fb_varint(&pl, 0);
	fb_varint(&pl, 4);
	fb_bytes(&pl, "long", 4);
	fb_fill(&pl, 0, 20);
	is_int(PARSE_OK, parse_payload(&pl, &q), "2-byte frame type");
	ok(frag_is(&q, 0, 0, "long", 4), "read as CRYPTO");

	/* CRYPTO boundaries. */
	pl.n = 0;
	fb_crypto(&pl, 0, "fits", 4);
	is_int(PARSE_OK, parse_payload(&pl, &q), "CRYPTO data ends exactly at payload end");
	ok(frag_is(&q, 0, 0, "fits", 4), "... and is kept");
	pl.n = 0;
	fb_varint(&pl, 0x06);
	fb_varint(&pl, 0);
	fb_varint(&pl, 5);
	fb_bytes(&pl, "four", 4);
	is_int(PARSE_OK, parse_payload(&pl, &q), "CRYPTO one byte over the payload");
	is_int(0, q.n_frags, "... is dropped");
	pl.n = 0;
	fb_crypto(&pl, ((UINT64_C(1) << 62) - 1) - 4, "max!", 4);
	fb_crypto(&pl, ((UINT64_C(1) << 62) - 1) - 3, "over", 4);
	fb_fill(&pl, 0, 20);
	is_int(PARSE_OK, parse_payload(&pl, &q), "CRYPTO at the 2^62-1 limit");
	ok(q.n_frags == 1 && q.frags[0].offset == (UINT64_C(1) << 62) - 5,
	   "end at 2^62-1 kept, one past it refused");
	pl.n = 0;
	fb_crypto(&pl, 0, "", 0);
	fb_crypto(&pl, 0, "a", 1);
	fb_fill(&pl, 0, 20);
	is_int(PARSE_OK, parse_payload(&pl, &q), "zero-length CRYPTO");
	ok(q.n_frags == 1 && frag_is(&q, 0, 0, "a", 1), "not recorded, walk goes on");

	/* More frames than QUIC_MAX_FRAGS. */
	pl.n = 0;
	for (i = 0; i <= QUIC_MAX_FRAGS; i++)
		fb_crypto(&pl, i, "z", 1);
	is_int(PARSE_OK, parse_payload(&pl, &q), "%d CRYPTO frames", QUIC_MAX_FRAGS + 1);
	ok(q.n_frags == QUIC_MAX_FRAGS && q.frags_dropped, "capped, drop flagged");
	ok(frag_is(&q, QUIC_MAX_FRAGS - 1, QUIC_MAX_FRAGS - 1, "z", 1), "last kept frame");

	/* CONNECTION_CLOSE whose reason overruns. */
	pl.n = 0;
	fb_crypto(&pl, 0, "kept", 4);
	fb_varint(&pl, 0x1c);
	fb_varint(&pl, 0);
	fb_varint(&pl, 0);
	fb_varint(&pl, 500);
	fb_fill(&pl, 0, 20);
	is_int(PARSE_OK, parse_payload(&pl, &q), "CONNECTION_CLOSE reason overruns");
	is_int(1, q.n_frags, "frame before it kept");

	/* A payload that is nothing but PADDING. */
	pl.n = 0;
	fb_fill(&pl, 0, 1200);
	is_int(PARSE_OK, parse_payload(&pl, &q), "all PADDING");
	is_int(0, q.n_frags, "no frames");
}

/* ---- a ClientHello split over two datagrams ------------------------------ */

static void test_split_hello(void)
{
	uint8_t dg[1400], stream[512];
	struct quic_initial q;
	struct quic_keys k = { .valid = false };
	struct fb a = { .n = 0 }, b = { .n = 0 };
	struct spec s;
	size_t n, i, got = 0;

	/* Second half first, as reordering or chaos protection may deliver. */
	fb_crypto(&a, 120, ch + 120, ch_len - 120);
	fb_fill(&a, 0, 30);
	fb_crypto(&b, 0, ch, 120);
	fb_fill(&b, 0, 30);
	memset(stream, 0, sizeof(stream));
	s = initial_spec(&a);
	n = build(&s, dg);
	is_int(PARSE_OK, parse(dg, n, &k, &q), "datagram 1 (tail of the hello)");
	for (i = 0; i < q.n_frags; i++) {
		memcpy(stream + q.frags[i].offset, q.frags[i].p, q.frags[i].len);
		got += q.frags[i].len;
	}
	s = initial_spec(&b);
	s.pn = 3;
	n = build(&s, dg);
	is_int(PARSE_OK, parse(dg, n, &k, &q), "datagram 2 (head of the hello)");
	for (i = 0; i < q.n_frags; i++) {
		memcpy(stream + q.frags[i].offset, q.frags[i].p, q.frags[i].len);
		got += q.frags[i].len;
	}
	ok(got == ch_len && !memcmp(stream, ch, ch_len), "reassembled by offset = ClientHello");
}

int main(void)
{
	test_keys();
	test_hmac_vectors();
	test_mask_and_aead();
	test_rfc_packets();
	test_tamper_and_truncate();
	test_header_bounds();
	test_versions();
	test_coalesced();
	test_frames();
	test_split_hello();
	quic_crypto_thread_cleanup();
	return done_testing();
}
