/* linux_btf.c: a bounds-checked reader for the BTF type format (header,
 * type records, string table), used to name paravirt_patch_template slots. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux_btf.h"

#define BTF_MAGIC 0xeb9f
enum {
	K_INT = 1, K_PTR, K_ARRAY, K_STRUCT, K_UNION, K_ENUM, K_FWD, K_TYPEDEF,
	K_VOLATILE, K_CONST, K_RESTRICT, K_FUNC, K_FUNC_PROTO, K_VAR,
	K_DATASEC, K_FLOAT, K_DECL_TAG, K_TYPE_TAG, K_ENUM64
};

struct btf {
	const uint8_t *types;
	size_t types_len;
	const char *strs;
	size_t strs_len;
	uint32_t *off; /* off[id]: offset of type id in types; id 0 is void */
	uint32_t n;
};

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static unsigned kind(uint32_t info)
{
	return (info >> 24) & 0x1f;
}

/* Bytes following the 12-byte common part, by kind; -1 if unknown. */
static long extra(uint32_t info)
{
	uint32_t vlen = info & 0xffff;

	switch (kind(info)) {
	case K_INT: case K_VAR: case K_DECL_TAG: return 4;
	case K_ARRAY: return 12;
	case K_STRUCT: case K_UNION: case K_DATASEC: case K_ENUM64:
		return 12l * vlen;
	case K_ENUM: case K_FUNC_PROTO: return 8l * vlen;
	case K_PTR: case K_FWD: case K_TYPEDEF: case K_VOLATILE: case K_CONST:
	case K_RESTRICT: case K_FUNC: case K_FLOAT: case K_TYPE_TAG:
		return 0;
	}
	return -1;
}

static int index_types(struct btf *b, const char **why)
{
	size_t pos = 0, cap = 1024;

	b->off = malloc(cap * sizeof(*b->off));
	if (!b->off)
		return *why = "out of memory", -1;
	b->n = 1;
	while (pos < b->types_len) {
		long x;

		if (b->types_len - pos < 12)
			return *why = "truncated type record", -1;
		x = extra(rd32(b->types + pos + 4));
		if (x < 0 || (size_t)x > b->types_len - pos - 12)
			return *why = "bad type record", -1;
		if (b->n == cap) {
			uint32_t *p = realloc(b->off, 2 * cap * sizeof(*p));

			if (!p)
				return *why = "out of memory", -1;
			b->off = p;
			cap *= 2;
		}
		b->off[b->n++] = (uint32_t)pos;
		pos += 12 + (size_t)x;
	}
	return 0;
}

static const uint8_t *type_at(const struct btf *b, uint32_t id)
{
	return id && id < b->n ? b->types + b->off[id] : NULL;
}

static const char *str_at(const struct btf *b, uint32_t off)
{
	if (off >= b->strs_len || !memchr(b->strs + off, 0, b->strs_len - off))
		return NULL;
	return b->strs + off;
}

/* Through typedefs and qualifiers to the real type, or 0. */
static uint32_t resolve(const struct btf *b, uint32_t id)
{
	int i;

	for (i = 0; i < 32; i++) {
		const uint8_t *t = type_at(b, id);
		unsigned k = t ? kind(rd32(t + 4)) : 0;

		if (k != K_TYPEDEF && k != K_VOLATILE && k != K_CONST &&
		    k != K_RESTRICT && k != K_TYPE_TAG)
			return t ? id : 0;
		id = rd32(t + 8);
	}
	return 0;
}

static void set_slot(struct btf_slots *s, uint64_t bits, const char *prefix,
		     const char *name)
{
	char buf[256];
	uint64_t slot = bits / 64;

	if (bits % 64 || slot >= s->n || s->name[slot])
		return;
	snprintf(buf, sizeof(buf), "%s%s%s", prefix, *prefix ? "." : "", name);
	s->name[slot] = strdup(buf);
}

/* Names every 8-byte member of struct id at bit offset base; members that
 * are structs of several fields are named through (mmu.lazy_mode.enter). */
static void flatten(const struct btf *b, uint32_t id, uint64_t base,
		    const char *prefix, struct btf_slots *s, int depth)
{
	const uint8_t *t = type_at(b, id);
	uint32_t info = rd32(t + 4), i;

	for (i = 0; i < (info & 0xffff); i++) {
		const uint8_t *m = t + 12 + 12 * i;
		const char *name = str_at(b, rd32(m));
		uint32_t mid = resolve(b, rd32(m + 4)), off = rd32(m + 8);
		const uint8_t *mt = type_at(b, mid);
		unsigned mk = mt ? kind(rd32(mt + 4)) : 0;
		char sub[256];

		if (info >> 31)
			off &= 0xffffff; /* kind_flag: bitfield size on top */
		if (!name)
			continue;
		if ((mk == K_STRUCT || mk == K_UNION) &&
		    (rd32(mt + 4) & 0xffff) > 1 && depth < 8) {
			snprintf(sub, sizeof(sub), "%s%s%s", prefix,
				 *prefix && *name ? "." : "", name);
			flatten(b, mid, base + off, sub, s, depth + 1);
		} else {
			set_slot(s, base + off, prefix, name);
		}
	}
}

static uint32_t find_struct(const struct btf *b, const char *name)
{
	uint32_t id;

	for (id = 1; id < b->n; id++) {
		const uint8_t *t = type_at(b, id);
		const char *n = str_at(b, rd32(t));

		if (kind(rd32(t + 4)) == K_STRUCT && n && !strcmp(n, name))
			return id;
	}
	return 0;
}

static int parse_header(struct btf *b, const uint8_t *p, size_t len,
			const char **why)
{
	uint32_t hl, toff, tlen, soff, slen;

	if (len < 24 || (p[0] | p[1] << 8) != BTF_MAGIC || p[2] != 1)
		return *why = "bad BTF header", -1;
	hl = rd32(p + 4), toff = rd32(p + 8), tlen = rd32(p + 12);
	soff = rd32(p + 16), slen = rd32(p + 20);
	if (hl < 24 || hl > len || toff > len - hl || tlen > len - hl - toff ||
	    soff > len - hl || slen > len - hl - soff)
		return *why = "BTF sections outside .BTF", -1;
	b->types = p + hl + toff;
	b->types_len = tlen;
	b->strs = (const char *)p + hl + soff;
	b->strs_len = slen;
	return 0;
}

int btf_struct_slots(const uint8_t *p, size_t len, const char *name,
		     struct btf_slots *s, const char **why)
{
	struct btf b = { 0 };
	uint32_t id;
	int r = -1;

	memset(s, 0, sizeof(*s));
	if (parse_header(&b, p, len, why) || index_types(&b, why))
		goto out;
	id = find_struct(&b, name);
	r = 1;
	if (!id)
		goto out;
	s->n = rd32(type_at(&b, id) + 8) / 8;
	if (s->n > BTF_MAX_SLOTS)
		s->n = BTF_MAX_SLOTS;
	flatten(&b, id, 0, "", s, 0);
	r = 0;
out:
	free(b.off);
	return r;
}

void btf_slots_free(struct btf_slots *s)
{
	unsigned i;

	for (i = 0; i < BTF_MAX_SLOTS; i++)
		free(s->name[i]);
	memset(s, 0, sizeof(*s));
}
