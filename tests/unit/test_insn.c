/* test_insn.c: cmocka tests of the x86 length decoder, the production
 * kernel/paravirt/insn.c: lengths, fields, kinds, flags, registers, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "insn.h"
#include "pv/errno.h"
#include "pv/template.h"

#define M64 PV_MODE_64
#define M32 PV_MODE_32
#define M16 PV_MODE_16

#define RAX PV_REG_RAX
#define RCX PV_REG_RCX
#define RDX PV_REG_RDX
#define RBX PV_REG_RBX
#define RSP PV_REG_RSP
#define RBP PV_REG_RBP
#define RSI PV_REG_RSI
#define RDI PV_REG_RDI
#define R8 PV_REG_R8
#define R11 PV_REG_R11
#define R15 0x8000

#define EINV (-PV_EINVAL)
#define NODATA (-PV_ENODATA)
#define TOOBIG (-PV_E2BIG)

/* "66 0f 1f 00" to bytes; returns the count. */
static size_t hex(const char *s, uint8_t *b, size_t max)
{
	size_t n = 0;
	unsigned v;
	int used;

	while (n < max && sscanf(s, " %2x%n", &v, &used) == 1) {
		b[n++] = (uint8_t)v;
		s += used;
	}
	return n;
}

static int decode(const char *s, enum pv_insn_mode mode, struct pv_insn *in)
{
	uint8_t b[40];
	size_t n = hex(s, b, sizeof(b));

	return pv_insn_decode(b, n, mode, in);
}

struct lcase {
	const char *bytes;
	enum pv_insn_mode mode;
	int ret; /* length, or a negative error */
};

static const struct lcase lengths[] = {
	/* legacy prefixes, repeated and in odd orders */
	{ "90", M64, 1 },
	{ "66 66 66 90", M64, 4 },
	{ "2e 66 f3 3e 90", M64, 5 },
	{ "66 2e 0f 1f 84 00 00 00 00 00", M64, 10 },
	{ "66 66 2e 0f 1f 84 00 00 00 00 00", M64, 11 },
	{ "f2 f3 0f b8 c1", M64, 4 + 1 },
	{ "64 48 8b 04 25 28 00 00 00", M64, 9 },
	/* 66 and 67 on immediates and moffs */
	{ "05 78 56 34 12", M64, 5 },
	{ "66 05 34 12", M64, 4 },
	{ "66 68 34 12", M64, 4 },
	{ "68 78 56 34 12", M64, 5 },
	{ "a1 11 22 33 44 55 66 77 88", M64, 9 },
	{ "67 a1 11 22 33 44", M64, 6 },
	{ "48 a3 11 22 33 44 55 66 77 88", M64, 10 },
	{ "a1 11 22 33 44", M32, 5 },
	{ "67 a1 11 22", M32, 4 },
	{ "66 05 34 12", M32, 4 },
	{ "05 34 12", M16, 3 },
	{ "66 05 78 56 34 12", M16, 6 },
	{ "a1 34 12", M16, 3 },
	{ "67 a1 11 22 33 44", M16, 6 },
	/* 67 switches ModRM to 16-bit addressing outside 64-bit mode */
	{ "67 8b 46 08", M32, 4 },
	{ "67 8b 06 34 12", M32, 5 },
	{ "67 8b 86 34 12", M32, 5 },
	{ "8b 06 34 12", M16, 4 },
	{ "8b 46 08", M16, 3 },
	{ "67 8b 04 24", M16, 4 },
	{ "67 8b 06", M64, 2 + 1 },
	/* REX: last prefix only; REX.W makes mov r, imm64 */
	{ "48 89 e5", M64, 3 },
	{ "48 b8 11 22 33 44 55 66 77 88", M64, 10 },
	{ "49 bb 11 22 33 44 55 66 77 88", M64, 10 },
	{ "b8 11 22 33 44", M64, 5 },
	{ "66 48 b8 11 22 33 44 55 66 77 88", M64, 11 },
	{ "48 66 b8 34 12", M64, 5 },
	{ "48 48 89 c0", M64, 4 },
	{ "41 0f 05", M64, 3 },
	/* ModRM, SIB, displacements */
	{ "8b 04 24", M64, 3 },
	{ "8b 44 24 08", M64, 4 },
	{ "8b 84 24 00 01 00 00", M64, 7 },
	{ "8b 04 25 00 10 00 00", M64, 7 },
	{ "8b 05 00 10 00 00", M64, 6 },
	{ "8b 45 00", M64, 3 },
	{ "8b 04 cd 00 10 00 00", M64, 7 },
	{ "41 8b 04 24", M64, 4 },
	{ "8b 05 00 10 00 00", M32, 6 },
	/* immediates, the odd ones */
	{ "f6 c1 01", M64, 3 },
	{ "f6 4f 08 01", M64, 4 },
	{ "f7 c1 78 56 34 12", M64, 6 },
	{ "f7 0d 00 00 00 00 78 56 34 12", M64, 10 },
	{ "66 f7 c1 34 12", M64, 5 },
	{ "f6 d1", M64, 2 },
	{ "f7 f1", M64, 2 },
	{ "c8 10 00 01", M64, 4 },
	{ "9a 11 22 33 44 55 66", M32, 7 },
	{ "66 9a 11 22 33 44", M32, 6 },
	{ "ea 11 22 33 44 55 66", M32, 7 },
	{ "c2 08 00", M64, 3 },
	{ "ca 08 00", M64, 3 },
	{ "cd 80", M32, 2 },
	{ "66 0f 78 c0 01 02", M64, 6 },
	{ "f2 0f 78 c1 01 02", M64, 6 },
	{ "66 f2 0f 78 c1 01 02", M64, 7 },
	{ "66 0f 79 c1", M64, 4 },
	{ "0f 78 c0", M64, 3 },
	{ "0f 79 c0", M64, 3 },
	{ "f3 0f 78 c0 01 02", M64, EINV },
	{ "0f ba e0 05", M64, 4 },
	{ "0f ba 2c 24 03", M64, 5 },
	{ "0f a4 c2 04", M64, 4 },
	{ "6b c0 0c", M64, 3 },
	{ "69 c0 00 01 00 00", M64, 6 },
	{ "c0 e0 04", M64, 3 },
	{ "d0 e0", M64, 2 },
	{ "e4 60", M64, 2 },
	{ "d4 0a", M32, 2 },
	{ "c6 f8 01", M64, 3 },
	/* relative branches */
	{ "e8 00 00 00 00", M64, 5 },
	{ "66 e8 00 00 00 00", M64, 6 },
	{ "66 e8 00 00", M32, 4 },
	{ "e8 00 00", M16, 3 },
	{ "e9 00 00 00 00", M64, 5 },
	{ "eb fe", M64, 2 },
	{ "75 fe", M64, 2 },
	{ "0f 85 00 00 00 00", M64, 6 },
	{ "66 0f 85 00 00 00 00", M64, 7 },
	{ "e3 fe", M64, 2 },
	{ "c7 f8 00 00 00 00", M64, 6 },
	{ "66 c7 f8 00 00", M64, 5 },
	/* 0f, 0f 38, 0f 3a, 3DNow! */
	{ "0f a2", M64, 2 },
	{ "0f 38 00 c1", M64, 4 },
	{ "66 0f 38 17 04 24", M64, 6 },
	{ "66 0f 3a 0f c1 08", M64, 6 },
	{ "66 0f 3a 63 44 24 08 0c", M64, 8 },
	{ "0f 0f c1 9e", M64, 4 },
	{ "0f 0f 44 24 08 b4", M64, 6 },
	{ "0f 20 d8", M64, 3 },
	{ "0f 22 45", M64, 3 }, /* mod is ignored: no disp8 */
	{ "f3 0f 1e fa", M64, 4 },
	{ "0f 01 d0", M64, 3 },
	{ "0f ff 00", M64, 3 },
	{ "f3 0f a7 c8", M64, 4 },
	/* VEX, EVEX, XOP */
	{ "c5 f8 77", M64, 3 },
	{ "c5 fc 77", M32, 3 },
	{ "c5 f9 6f 04 24", M64, 5 },
	{ "c5 f9 70 c1 1b", M64, 5 },
	{ "c4 e2 79 18 05 00 01 00 00", M64, 9 },
	{ "c4 e3 79 0f c1 08", M64, 6 },
	{ "c4 e2 f8 f2 c1", M64, 5 },
	{ "c5 f8 84 00 01 00 00", M64, 7 }, /* see pv_vex_knc */
	{ "62 f1 7c 48 10 07", M64, 6 },
	{ "62 f1 7c 48 11 47 01", M64, 7 },
	{ "62 f3 7d 48 1e c9 01", M64, 7 },
	{ "62 f5 7c 08 58 c1", M64, 6 },
	{ "62 f1 7c 48 10 c1", M32, 6 },
	{ "8f e8 78 c0 c1 05", M64, 6 },
	{ "8f e9 78 80 c1", M64, 5 },
	{ "8f ea 78 10 c0 01 02 03 04", M64, 9 },
	{ "8f c0", M64, 2 },
	{ "8f 44 24 08", M64, 4 },
	/* outside 64-bit mode c4/c5/62 with a memory ModRM: les lds bound */
	{ "c4 00", M32, 2 },
	{ "c5 44 24 08", M32, 4 },
	{ "62 00", M32, 2 },
	{ "40", M32, 1 },
	{ "4f", M32, 1 },
	/* invalid encodings */
	{ "0f 04", M64, EINV },
	{ "0f b8 c1", M64, EINV },
	{ "f3 f2 0f b8 c1", M64, EINV },
	{ "0f 38 ff c1", M64, EINV },
	{ "0f 3a ff c1 00", M64, EINV },
	{ "ff ff", M64, EINV },
	{ "ff d8", M64, EINV },
	{ "fe d0", M64, EINV },
	{ "8d c0", M64, EINV },
	{ "8f 20", M64, EINV },
	{ "c6 c8 00", M64, EINV },
	{ "8c f0", M64, EINV },
	{ "8e c8", M64, EINV },
	{ "66 c5 f8 77", M64, EINV },
	{ "48 c5 f8 77", M64, EINV },
	{ "c4 e0 78 00 c0", M64, EINV },
	{ "62 f0 7c 48 10 07", M64, EINV },
	{ "f0 90", M64, EINV },
	{ "f0 01 c0", M64, EINV },
	{ "f0 39 00", M64, EINV },
	{ "f0 8b 00", M64, EINV },
	{ "f0 01 00", M64, 3 },
	{ "f0 0f c7 0f", M64, 4 },
};

static void check_length(const struct lcase *c)
{
	struct pv_insn in;
	int r = decode(c->bytes, c->mode, &in);

	if (r != c->ret)
		fail_msg("%s (mode %d): got %d, want %d", c->bytes, c->mode, r,
			 c->ret);
	if (r > 0 && in.len != r)
		fail_msg("%s: len field %u, returned %d", c->bytes, in.len, r);
}

static void test_lengths(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++)
		check_length(&lengths[i]);
}

/* Opcodes that 64-bit mode removed: refused there, flagged elsewhere. */
static void test_invalid_64(void **state)
{
	static const char *const ops[] = {
		"06", "07", "0e", "16", "17", "1e", "1f", "27", "2f", "37",
		"3f", "60", "61", "82 c0 01", "9a 00 00 00 00 00 00", "ce",
		"d4 0a", "d5 0a", "d6", "ea 00 00 00 00 00 00", "c4 00",
		"c5 00", "62 00",
	};
	struct pv_insn in;

	(void)state;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		uint8_t b[16];
		size_t n = hex(ops[i], b, sizeof(b));
		int r = pv_insn_decode(b, n, M64, &in);

		if (b[0] != 0xc4 && b[0] != 0xc5 && b[0] != 0x62 && r != EINV)
			fail_msg("%s: 64-bit mode gave %d", ops[i], r);
		r = pv_insn_decode(b, n, M32, &in);
		if (r != (int)n || !(in.flags & PV_INSN_F_INVALID_64))
			fail_msg("%s: 32-bit mode gave %d flags %#x", ops[i], r,
				 in.flags);
	}
}

/*
 * The bytes sit at the very end of a page whose successor is
 * inaccessible, so any read past avail would fault the test.
 */
static void test_truncated(void **state)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *end = m + pg;
	struct pv_insn in;

	(void)state;
	assert_true(m != MAP_FAILED);
	assert_int_equal(mprotect(end, pg, PROT_NONE), 0);
	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		uint8_t b[16];
		size_t n = hex(lengths[i].bytes, b, sizeof(b));

		if (lengths[i].ret <= 0)
			continue;
		for (size_t k = 0; k <= n; k++) {
			int want = k == n ? (int)n : NODATA;
			int r;

			memcpy(end - k, b, k);
			r = pv_insn_decode(end - k, k, lengths[i].mode, &in);
			if (r != want)
				fail_msg("%s cut to %zu: got %d, want %d",
					 lengths[i].bytes, k, r, want);
		}
	}
	munmap(m, 2 * pg);
}

static void test_too_long(void **state)
{
	uint8_t b[32];
	struct pv_insn in;

	(void)state;
	memset(b, 0x66, sizeof(b));
	b[14] = 0x90; /* 14 prefixes and a nop: 15 bytes, the limit */
	assert_int_equal(pv_insn_decode(b, sizeof(b), M64, &in), 15);
	assert_int_equal(in.nprefixes, 14);
	b[14] = 0x66;
	b[15] = 0x90;
	assert_int_equal(pv_insn_decode(b, sizeof(b), M64, &in), TOOBIG);
	/* prefixes plus a long body also go past 15 */
	assert_int_equal(decode("66 66 66 66 2e 48 81 84 24 00 01 00 00 "
				"01 00 00 00", M64, &in), TOOBIG);
	assert_int_equal(decode("66 66 2e 48 81 84 24 00 01 00 00 "
				"01 00 00 00", M64, &in), 15);
	assert_int_equal(pv_insn_decode(b, 0, M64, &in), NODATA);
	assert_int_equal(pv_insn_decode(b, sizeof(b), 0, &in), EINV);
}

/* Offsets and values of displacement, immediate and branch fields. */
struct fcase {
	const char *bytes;
	uint8_t disp_off, disp_len, imm_off, imm_len, rel_off, rel_len;
	int64_t value; /* disp, or rel when rel_len */
	unsigned pcrel32;
};

static const struct fcase fields[] = {
	{ "8b 45 f8", 2, 1, 0, 0, 0, 0, -8, 0 },
	{ "8b 05 10 00 00 00", 2, 4, 0, 0, 0, 0, 16, 2 },
	{ "48 8b 05 f0 ff ff ff", 3, 4, 0, 0, 0, 0, -16, 3 },
	{ "c7 05 10 00 00 00 01 00 00 00", 2, 4, 6, 4, 0, 0, 16, 2 },
	{ "81 44 24 08 00 01 00 00", 3, 1, 4, 4, 0, 0, 8, 0 },
	{ "48 c7 c0 01 00 00 00", 0, 0, 3, 4, 0, 0, 0, 0 },
	{ "48 b8 11 22 33 44 55 66 77 88", 0, 0, 2, 8, 0, 0, 0, 0 },
	{ "48 a1 11 22 33 44 55 66 77 88", 2, 8, 0, 0, 0, 0, 0x44332211, 0 },
	{ "c8 10 00 01", 0, 0, 1, 3, 0, 0, 0, 0 },
	{ "66 0f 78 c0 01 02", 0, 0, 4, 2, 0, 0, 0, 0 },
	{ "c2 08 00", 0, 0, 1, 2, 0, 0, 0, 0 },
	{ "e8 fb ff ff ff", 0, 0, 0, 0, 1, 4, -5, 1 },
	{ "e9 00 01 00 00", 0, 0, 0, 0, 1, 4, 256, 1 },
	{ "eb fe", 0, 0, 0, 0, 1, 1, -2, 0 },
	{ "74 10", 0, 0, 0, 0, 1, 1, 16, 0 },
	{ "0f 84 00 ff ff ff", 0, 0, 0, 0, 2, 4, -256, 2 },
	{ "e2 fe", 0, 0, 0, 0, 1, 1, -2, 0 },
	{ "c7 f8 10 00 00 00", 0, 0, 0, 0, 2, 4, 16, 2 },
	{ "ff 15 00 10 00 00", 2, 4, 0, 0, 0, 0, 4096, 2 },
	{ "0f 0f 44 24 08 b4", 4, 1, 0, 0, 0, 0, 8, 0 },
};

static void check_fields(const struct fcase *c)
{
	struct pv_insn in;
	int r = decode(c->bytes, M64, &in);
	int64_t v = c->rel_len ? in.rel : in.disp;

	if (r <= 0)
		fail_msg("%s: returned %d", c->bytes, r);
	if (in.disp_off != c->disp_off || in.disp_len != c->disp_len ||
	    in.imm_off != c->imm_off || in.imm_len != c->imm_len ||
	    in.rel_off != c->rel_off || in.rel_len != c->rel_len)
		fail_msg("%s: disp %u@%u imm %u@%u rel %u@%u", c->bytes,
			 in.disp_len, in.disp_off, in.imm_len, in.imm_off,
			 in.rel_len, in.rel_off);
	if ((c->rel_len || c->disp_len) && v != c->value)
		fail_msg("%s: value %lld, want %lld", c->bytes, (long long)v,
			 (long long)c->value);
	if (pv_insn_pcrel32(&in) != c->pcrel32)
		fail_msg("%s: pcrel32 %u", c->bytes, pv_insn_pcrel32(&in));
}

static void test_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		check_fields(&fields[i]);
}

/* Prefix count, REX, map, opcode, ModRM as reported. */
static void test_opcode_fields(void **state)
{
	struct pv_insn in;

	(void)state;
	assert_int_equal(decode("66 2e 0f 1f 84 00 00 00 00 00", M64, &in), 10);
	assert_int_equal(in.nprefixes, 2);
	assert_int_equal(in.map, 1);
	assert_int_equal(in.opcode, 0x1f);
	assert_int_equal(in.modrm, 0x84);
	assert_true(in.flags & PV_INSN_F_MODRM);
	assert_int_equal(decode("f3 48 0f b8 c1", M64, &in), 5);
	assert_int_equal(in.rex, 0x48);
	assert_int_equal(in.nprefixes, 1);
	/* a legacy prefix after REX voids the REX */
	assert_int_equal(decode("48 66 89 c0", M64, &in), 4);
	assert_int_equal(in.rex, 0);
	assert_int_equal(decode("66 0f 38 00 c1", M64, &in), 5);
	assert_int_equal(in.map, 2);
	assert_int_equal(decode("66 0f 3a 0f c1 08", M64, &in), 6);
	assert_int_equal(in.map, 3);
	assert_int_equal(decode("0f 0f c1 9e", M64, &in), 4);
	assert_int_equal(in.map, PV_INSN_MAP_3DNOW);
	assert_int_equal(in.opcode, 0x9e);
	assert_int_equal(decode("c5 f8 77", M64, &in), 3);
	assert_int_equal(in.map, PV_INSN_MAP_VEX | 1);
	assert_int_equal(in.opcode, 0x77);
	assert_false(in.flags & PV_INSN_F_MODRM);
	assert_int_equal(decode("c4 e3 79 0f c1 08", M64, &in), 6);
	assert_int_equal(in.map, PV_INSN_MAP_VEX | 3);
	assert_int_equal(in.rex, 0);
	assert_int_equal(decode("62 f5 7c 08 58 c1", M64, &in), 6);
	assert_int_equal(in.map, PV_INSN_MAP_EVEX | 5);
	assert_int_equal(decode("8f ea 78 10 c0 01 02 03 04", M64, &in), 9);
	assert_int_equal(in.map, PV_INSN_MAP_XOP | 10);
	assert_int_equal(in.imm_len, 4);
}

struct kcase {
	const char *bytes;
	enum pv_insn_mode mode;
	uint8_t kind;
};

static const struct kcase kinds[] = {
	{ "90", M64, PV_INSN_NOP },
	{ "66 90", M64, PV_INSN_NOP },
	{ "0f 1f 00", M64, PV_INSN_NOP },
	{ "0f 1f 44 00 00", M64, PV_INSN_NOP },
	{ "66 2e 0f 1f 84 00 00 00 00 00", M64, PV_INSN_NOP },
	{ "41 90", M64, PV_INSN_OTHER }, /* xchg r8, rax */
	{ "f3 90", M64, PV_INSN_OTHER }, /* pause */
	{ "0f 1f 48 00", M64, PV_INSN_OTHER },
	{ "c3", M64, PV_INSN_RET },
	{ "c2 08 00", M64, PV_INSN_RET },
	{ "eb 00", M64, PV_INSN_JMP_REL },
	{ "e9 00 00 00 00", M64, PV_INSN_JMP_REL },
	{ "7f 00", M64, PV_INSN_JCC_REL },
	{ "0f 8c 00 00 00 00", M64, PV_INSN_JCC_REL },
	{ "e0 fe", M64, PV_INSN_JCC_REL },
	{ "e3 fe", M64, PV_INSN_JCC_REL },
	{ "c7 f8 00 00 00 00", M64, PV_INSN_JCC_REL },
	{ "e8 00 00 00 00", M64, PV_INSN_CALL_REL },
	{ "ff e0", M64, PV_INSN_JMP_IND },
	{ "ff 25 00 00 00 00", M64, PV_INSN_JMP_IND },
	{ "3e ff e0", M64, PV_INSN_JMP_IND },
	{ "ff d0", M64, PV_INSN_CALL_IND },
	{ "41 ff 14 24", M64, PV_INSN_CALL_IND },
	{ "cc", M64, PV_INSN_INT },
	{ "cd 80", M64, PV_INSN_INT },
	{ "f1", M64, PV_INSN_INT },
	{ "ce", M32, PV_INSN_INT },
	{ "0f 05", M64, PV_INSN_SYSCALL },
	{ "0f 34", M64, PV_INSN_SYSCALL },
	{ "0f 01 c1", M64, PV_INSN_SYSCALL },
	{ "0f 01 d9", M64, PV_INSN_SYSCALL },
	{ "cf", M64, PV_INSN_IRET },
	{ "48 cf", M64, PV_INSN_IRET },
	{ "48 0f 07", M64, PV_INSN_IRET },
	{ "0f 35", M64, PV_INSN_IRET },
	{ "0f 0b", M64, PV_INSN_OTHER_FLOW },
	{ "f4", M64, PV_INSN_OTHER_FLOW },
	{ "cb", M64, PV_INSN_OTHER_FLOW },
	{ "ff 2c 24", M64, PV_INSN_OTHER_FLOW },
	{ "ff 1c 24", M64, PV_INSN_OTHER_FLOW },
	{ "9a 00 00 00 00 00 00", M32, PV_INSN_OTHER_FLOW },
	{ "c6 f8 01", M64, PV_INSN_OTHER_FLOW },
	{ "0f 01 d5", M64, PV_INSN_OTHER_FLOW },
	{ "48 89 c3", M64, PV_INSN_OTHER },
};

static void test_kinds(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct pv_insn in;
		int r = decode(kinds[i].bytes, kinds[i].mode, &in);

		if (r <= 0 || in.kind != kinds[i].kind)
			fail_msg("%s: returned %d, kind %u, want %u",
				 kinds[i].bytes, r, in.kind, kinds[i].kind);
	}
}

#define FL_STACK PV_INSN_F_STACK
#define FL_LOCK PV_INSN_F_LOCK
#define FL_PRIV PV_INSN_F_PRIV
#define FL_MEMW PV_INSN_F_MEMWRITE
#define FL_RIP PV_INSN_F_RIPREL
#define FL_UNK PV_INSN_F_WUNKNOWN

/* Flags that must be set and flags that must be clear. */
struct flcase {
	const char *bytes;
	enum pv_insn_mode mode;
	uint16_t set, clear;
};

static const struct flcase flag_cases[] = {
	{ "8b 05 00 00 00 00", M64, FL_RIP, 0 },
	{ "67 8b 05 00 00 00 00", M64, FL_RIP, 0 },
	{ "8b 05 00 00 00 00", M32, 0, FL_RIP },
	{ "8b 04 25 00 00 00 00", M64, 0, FL_RIP },
	{ "ff 25 00 00 00 00", M64, FL_RIP, 0 },
	{ "c4 e2 79 18 05 00 01 00 00", M64, FL_RIP, 0 },
	/* the stack: push/pop/call/ret/enter/leave/pushf/popf/int/iret */
	{ "50", M64, FL_STACK | FL_MEMW, 0 },
	{ "41 5f", M64, FL_STACK, 0 },
	{ "e8 00 00 00 00", M64, FL_STACK | FL_MEMW, 0 },
	{ "ff d0", M64, FL_STACK | FL_MEMW, 0 },
	{ "c3", M64, FL_STACK, 0 },
	{ "c8 10 00 00", M64, FL_STACK | FL_MEMW, 0 },
	{ "c9", M64, FL_STACK, 0 },
	{ "9c", M64, FL_STACK | FL_MEMW, 0 },
	{ "9d", M64, FL_STACK, 0 },
	{ "cd 80", M64, FL_STACK, 0 },
	{ "48 cf", M64, FL_STACK | FL_PRIV, 0 },
	{ "6a 01", M64, FL_STACK | FL_MEMW, 0 },
	{ "ff 74 24 08", M64, FL_STACK | FL_MEMW, 0 },
	/* rsp named by ModRM: base, written, or read */
	{ "48 8b 04 24", M64, FL_STACK, 0 },
	{ "48 8d 44 24 08", M64, FL_STACK, 0 },
	{ "48 83 ec 08", M64, FL_STACK, 0 },
	{ "48 89 e5", M64, FL_STACK, 0 },
	{ "48 89 c4", M64, FL_STACK, 0 },
	{ "40 88 e0", M64, FL_STACK, 0 },  /* mov al, spl */
	{ "88 e0", M64, 0, FL_STACK },     /* mov al, ah */
	{ "41 8b 04 24", M64, 0, FL_STACK }, /* r12 base */
	{ "48 8b 04 e0", M64, 0, FL_STACK }, /* rsp can't be an index */
	{ "48 89 c3", M64, 0, FL_STACK },
	{ "0f 1f 44 24 00", M64, 0, FL_STACK }, /* a nop never looks */
	{ "8b 44 24 04", M32, FL_STACK, 0 },
	/* lock */
	{ "f0 0f b1 0a", M64, FL_LOCK | FL_MEMW, 0 },
	{ "f0 48 ff 07", M64, FL_LOCK | FL_MEMW, 0 },
	{ "87 07", M64, FL_MEMW, FL_LOCK },
	/* privileged */
	{ "fa", M64, FL_PRIV, 0 },
	{ "fb", M64, FL_PRIV, 0 },
	{ "f4", M64, FL_PRIV, 0 },
	{ "0f 22 d8", M64, FL_PRIV, 0 },
	{ "0f 20 d8", M64, FL_PRIV, 0 },
	{ "0f 21 f8", M64, FL_PRIV, 0 },
	{ "0f 23 f8", M64, FL_PRIV, 0 },
	{ "0f 30", M64, FL_PRIV, 0 },
	{ "0f 32", M64, FL_PRIV, 0 },
	{ "0f 01 3f", M64, FL_PRIV, 0 },
	{ "0f 01 10", M64, FL_PRIV, 0 },
	{ "0f 01 18", M64, FL_PRIV, 0 },
	{ "0f 00 d8", M64, FL_PRIV, 0 },
	{ "0f 00 d0", M64, FL_PRIV, 0 },
	{ "0f 09", M64, FL_PRIV, 0 },
	{ "0f 06", M64, FL_PRIV, 0 },
	{ "e4 60", M64, FL_PRIV, 0 },
	{ "ec", M64, FL_PRIV, 0 },
	{ "e6 80", M64, FL_PRIV, 0 },
	{ "ee", M64, FL_PRIV, 0 },
	{ "f3 6c", M64, FL_PRIV | FL_MEMW, 0 },
	{ "0f 01 f8", M64, FL_PRIV, 0 },
	{ "48 0f 07", M64, FL_PRIV, 0 },
	{ "0f 31", M64, 0, FL_PRIV },
	{ "48 89 c3", M64, 0, FL_PRIV | FL_MEMW | FL_LOCK | FL_UNK },
	/* memory destinations */
	{ "89 07", M64, FL_MEMW, 0 },
	{ "8b 07", M64, 0, FL_MEMW },
	{ "39 07", M64, 0, FL_MEMW },
	{ "85 07", M64, 0, FL_MEMW },
	{ "c6 07 01", M64, FL_MEMW, 0 },
	{ "0f 94 07", M64, FL_MEMW, 0 },
	{ "d9 1f", M64, FL_MEMW, 0 },
	{ "d9 07", M64, 0, FL_MEMW },
	{ "dd 3f", M64, FL_MEMW, 0 },
	{ "0f ae 07", M64, FL_MEMW, 0 },
	{ "0f ae 17", M64, 0, FL_MEMW },
	{ "0f 01 07", M64, FL_MEMW, 0 },
	{ "a4", M64, FL_MEMW, 0 },
	{ "ab", M64, FL_MEMW, 0 },
	{ "ac", M64, 0, FL_MEMW },
	{ "a3 00 00 00 00 00 00 00 00", M64, FL_MEMW, 0 },
	{ "8d 07", M64, 0, FL_MEMW },
};

static void test_flags(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(flag_cases) / sizeof(flag_cases[0]);
	     i++) {
		const struct flcase *c = &flag_cases[i];
		struct pv_insn in;
		int r = decode(c->bytes, c->mode, &in);

		if (r <= 0 || (in.flags & c->set) != c->set ||
		    (in.flags & c->clear))
			fail_msg("%s: returned %d, flags %#x (want set %#x, "
				 "clear %#x)", c->bytes, r, in.flags, c->set,
				 c->clear);
	}
}

/* Exact registers written; PV_REG_ALL means "unknown". */
struct rcase {
	const char *bytes;
	enum pv_insn_mode mode;
	uint16_t regs;
};

static const struct rcase reg_cases[] = {
	{ "48 89 c3", M64, RBX },
	{ "89 07", M64, 0 },
	{ "8b 07", M64, RAX },
	{ "4c 8b 07", M64, R8 },
	{ "49 89 c0", M64, R8 },
	{ "0f b6 c0", M64, RAX },
	{ "48 0f bf c8", M64, RCX },
	{ "48 8d 44 24 08", M64, RAX },
	{ "31 c0", M64, RAX },
	{ "48 29 d8", M64, RAX },
	{ "48 05 00 01 00 00", M64, RAX },
	{ "39 d8", M64, 0 },
	{ "3c 01", M64, 0 },
	{ "85 c0", M64, 0 },
	{ "48 83 f8 05", M64, 0 },
	{ "48 83 c1 05", M64, RCX },
	{ "a8 01", M64, 0 },
	{ "f6 c1 01", M64, 0 },
	{ "48 ff c1", M64, RCX },
	{ "ff 0f", M64, 0 },
	{ "f7 d8", M64, RAX },
	{ "f7 d1", M64, RCX },
	{ "d3 e0", M64, RAX },
	{ "48 c1 e9 03", M64, RCX },
	{ "48 87 d9", M64, RCX | RBX },
	{ "93", M64, RAX | RBX },
	{ "41 90", M64, RAX | R8 },
	{ "f0 0f b1 0a", M64, RAX },
	{ "0f b1 d1", M64, RAX | RCX },
	{ "0f c1 c8", M64, RAX | RCX },
	{ "0f ab c8", M64, RAX },
	{ "0f a3 c8", M64, 0 },
	{ "0f 94 c0", M64, RAX },
	{ "0f 94 c4", M64, RAX },          /* ah */
	{ "40 0f 94 c4", M64, RSP },       /* spl */
	{ "0f 95 c7", M64, RBX },          /* bh */
	{ "41 0f 94 c0", M64, R8 },
	{ "b4 01", M64, RAX },
	{ "40 b4 01", M64, RSP },
	{ "b7 01", M64, RBX },
	{ "41 b7 01", M64, R15 },
	{ "99", M64, RDX },
	{ "48 99", M64, RDX },
	{ "98", M64, RAX },
	{ "48 98", M64, RAX },
	{ "f7 e1", M64, RAX | RDX },
	{ "f6 e1", M64, RAX },
	{ "48 f7 f9", M64, RAX | RDX },
	{ "f7 f3", M64, RAX | RDX },
	{ "0f af c1", M64, RAX },
	{ "6b c0 0c", M64, RAX },
	{ "0f 31", M64, RAX | RDX },
	{ "0f 01 f9", M64, RAX | RDX | RCX },
	{ "0f 32", M64, RAX | RDX },
	{ "0f 30", M64, 0 },
	{ "0f a2", M64, RAX | RBX | RCX | RDX },
	{ "0f 05", M64, RAX | RCX | R11 },
	{ "9c", M64, RSP },
	{ "9d", M64, RSP },
	{ "50", M64, RSP },
	{ "41 5f", M64, RSP | R15 },
	{ "8f 00", M64, RSP },
	{ "c3", M64, RSP },
	{ "e8 00 00 00 00", M64, RSP },
	{ "c8 10 00 00", M64, RSP | RBP },
	{ "c9", M64, RSP | RBP },
	{ "f3 a4", M64, RSI | RDI | RCX },
	{ "a4", M64, RSI | RDI },
	{ "aa", M64, RDI },
	{ "f3 48 ab", M64, RDI | RCX },
	{ "ac", M64, RAX | RSI },
	{ "f3 a6", M64, RSI | RDI | RCX },
	{ "f2 ae", M64, RDI | RCX },
	{ "fa", M64, 0 },
	{ "fb", M64, 0 },
	{ "90", M64, 0 },
	{ "0f 1f 44 00 00", M64, 0 },
	{ "f3 0f 1e fa", M64, 0 },
	{ "e2 fe", M64, RCX },
	{ "e3 fe", M64, 0 },
	{ "0f c8", M64, RAX },
	{ "49 0f cf", M64, R15 },
	{ "0f 44 c1", M64, RAX },
	{ "0f c7 0f", M64, RAX | RDX },
	{ "d7", M64, RAX },
	{ "9f", M64, RAX },
	{ "0f 01 d0", M64, RAX | RDX },
	{ "0f 20 d8", M64, RAX },
	{ "0f 22 d8", M64, 0 },
	{ "df e0", M64, RAX },
	{ "d9 1f", M64, 0 },
	{ "0f ae f0", M64, 0 },
	{ "f3 48 0f ae c0", M64, RAX },
	{ "48 63 c7", M64, RAX },
	{ "f3 0f b8 c1", M64, RAX },
	{ "f3 48 0f bc c1", M64, RAX },
	{ "48 0f a4 c2 04", M64, RDX },
	{ "c6 f8 01", M64, RAX },
	{ "48 c7 c0 01 00 00 00", M64, RAX },
	{ "a1 00 00 00 00 00 00 00 00", M64, RAX },
	{ "e4 60", M64, RAX },
	{ "0f 28 c1", M64, PV_REG_ALL },
	{ "c5 f8 77", M64, PV_REG_ALL },
	{ "0f 38 f0 07", M64, PV_REG_ALL },
	{ "40", M32, RAX },
	{ "4f", M32, RDI },
	{ "60", M32, RSP },
	{ "61", M32, 0x00ff },
	{ "0f 94 c4", M32, RAX },
};

static void test_regs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(reg_cases) / sizeof(reg_cases[0]);
	     i++) {
		const struct rcase *c = &reg_cases[i];
		struct pv_insn in;
		int r = decode(c->bytes, c->mode, &in);
		bool unknown = in.flags & PV_INSN_F_WUNKNOWN;

		if (r <= 0 || in.regs_written != c->regs ||
		    unknown != (c->regs == PV_REG_ALL))
			fail_msg("%s: returned %d, regs %#x flags %#x, want "
				 "%#x", c->bytes, r, in.regs_written, in.flags,
				 c->regs);
	}
}

/* pv_sem_fixed's binary search finds every entry only in a sorted table. */
static void test_fixed_sorted(void **state)
{
	(void)state;
	assert_int_equal(pv_insn_fixed_sorted(), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_sorted),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_invalid_64),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_opcode_fields),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_regs),
	};

	return cmocka_run_group_tests_name("insn", tests, NULL, NULL);
}
