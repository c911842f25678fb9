/* test_patch.c: unit tests of the patcher's production code (planner,
 * emitter, inliner, NOPs, poker, table walker) on a fake text segment. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "patch.h"
#include "insn.h"
#include "pv/errno.h"

/* Fake target: 64 KiB of "text" living at a kernel-like address. */
#define T_BASE 0xffffffff81000000ull
#define T_SIZE 65536
static uint8_t text[T_SIZE];
static int drop_writes;

static const uint8_t *t_ptr(void *ctx, uint64_t a, uint32_t len)
{
	(void)ctx;
	if (a < T_BASE || a - T_BASE > T_SIZE || len > T_SIZE - (a - T_BASE))
		return NULL;
	return text + (a - T_BASE);
}

static int t_read(void *ctx, uint64_t a, uint8_t *b, uint32_t len)
{
	const uint8_t *p = t_ptr(ctx, a, len);

	if (!p)
		return -PV_EFAULT;
	memcpy(b, p, len);
	return 0;
}

static int t_write(void *ctx, uint64_t a, const uint8_t *b, uint32_t len)
{
	if (!t_ptr(ctx, a, len))
		return -PV_EFAULT;
	if (!drop_writes)
		memcpy(text + (a - T_BASE), b, len);
	return 0;
}

static const struct pv_mem mem = { t_ptr, t_read, t_write, 0 };

#define OPS_ADDR (T_BASE + 0x8000)
#define FUNC_ADDR (T_BASE + 0x9000)
#define TMPL_ADDR (T_BASE + 0xa000)
#define SITE_ADDR (T_BASE + 0x1000)

static struct pv_backend be;

/* Places bytes at a target address and returns a pv_code view of them. */
static struct pv_code put(uint64_t addr, const uint8_t *b, unsigned len)
{
	memcpy(text + (addr - T_BASE), b, len);
	return (struct pv_code){ text + (addr - T_BASE), addr, len };
}

static void reset(void)
{
	memset(text, 0xcc, sizeof(text));
	memset(&be, 0, sizeof(be));
	be.name = "test";
	be.ops_addr = OPS_ADDR;
	be.hcall_insn_len = 2; /* syscall, as the Xen PV platform sets it */
	memcpy(be.hcall_insn, "\x0f\x05", 2);
	for (unsigned i = 0; i < PV_NR_OPS; i++) {
		be.op[i].hypercall = -1;
		be.op[i].func = FUNC_ADDR + 0x40 * i;
	}
	drop_writes = 0;
}

static struct pv_site_ref site(unsigned op)
{
	struct pv_site_ref s = { SITE_ADDR, (uint16_t)op, 16,
				 (uint8_t)pv_op_class(op) };
	return s;
}

static int count_insns(const uint8_t *b, unsigned len, int all_nops)
{
	unsigned off = 0;
	int n = 0;

	while (off < len) {
		struct pv_insn in;
		int l = pv_insn_decode(b + off, len - off, PV_MODE_64, &in);

		assert_true(l > 0);
		if (all_nops)
			assert_true(in.kind == PV_INSN_NOP ||
				    (off == 0 && in.kind == PV_INSN_JMP_REL));
		off += (unsigned)l;
		n++;
	}
	assert_int_equal(off, len);
	return n;
}

static void test_nops(void **st)
{
	(void)st;
	for (unsigned len = 1; len <= PV_SITE_MAX; len++) {
		uint8_t b[PV_SITE_MAX];
		int n;

		pv_nops(b, len);
		n = count_insns(b, len, 1);
		/* one NOP up to 11 bytes; beyond, jmp rel8 + skipped NOPs */
		if (len <= 11)
			assert_int_equal(n, 1);
		else
			assert_int_equal(b[0], 0xeb);
	}
}

static const uint8_t cli[] = { 0xfa };
/* movb $1, X(%rip) with X = TMPL_ADDR + 0x100 when placed at TMPL_ADDR */
static const uint8_t movb_rip[] = { 0xc6, 0x05, 0xf9, 0x00, 0x00, 0x00, 0x01 };

/* Leading redundant cs prefixes at b. */
static unsigned npfx(const uint8_t *b, unsigned len)
{
	unsigned n = 0;

	while (n < len && b[n] == 0x2e)
		n++;
	return n;
}

static void test_template_inline(void **st)
{
	struct pv_site_ref s = site(PV_OP_irq_disable);
	struct pv_plan p;

	(void)st;
	reset();
	be.op[PV_OP_irq_disable].tmpl = put(TMPL_ADDR, movb_rip, 7);
	/* 14 bytes: the movb with 7 cs prefixes, one instruction */
	s.len = 14;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_INLINE);
	assert_int_equal(npfx(p.bytes, 14), PV_PREFIX_MAX);
	assert_int_equal(p.bytes[7], 0xc6);
	assert_int_equal(count_insns(p.bytes, 14, 0), 1);
	assert_int_equal(p.used, 14);
	/* cli: 7 prefixes at most (valgrind's limit), then one NOP */
	be.op[PV_OP_irq_disable].tmpl = put(TMPL_ADDR, cli, 1);
	s.len = 15;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(npfx(p.bytes, 15), PV_PREFIX_MAX);
	assert_int_equal(p.bytes[7], 0xfa);
	assert_int_equal(count_insns(p.bytes, 15, 0), 2);
}

static void test_template_reloc(void **st)
{
	struct pv_site_ref s = site(PV_OP_irq_disable);
	struct pv_plan p;
	unsigned k;
	int32_t disp;

	(void)st;
	reset();
	be.op[PV_OP_irq_disable].tmpl = put(TMPL_ADDR, movb_rip, 7);
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_INLINE);
	k = npfx(p.bytes, 16);
	assert_int_equal(k, PV_PREFIX_MAX); /* 7 + 7, then one NOP */
	memcpy(&disp, p.bytes + k + 2, 4);
	/* same target: its end moved by k, the disp32 follows */
	assert_true(SITE_ADDR + k + 7 + (int64_t)disp == TMPL_ADDR + 7 + 0xf9);
}

static void test_template_refusals(void **st)
{
	uint8_t long_t[17], far_t[7];
	struct pv_site_ref s = site(PV_OP_irq_disable);
	struct pv_plan p;

	(void)st;
	reset();
	memset(long_t, 0x90, sizeof(long_t));
	be.op[PV_OP_irq_disable].tmpl = put(TMPL_ADDR, long_t, 17);
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
	assert_int_equal(p.reason, PV_R_TEMPLATE_TOO_LONG);

	reset(); /* rdtsc writes rdx: not allowed at a callee-save site */
	be.op[PV_OP_irq_disable].tmpl = put(TMPL_ADDR, (const uint8_t *)"\x0f\x31", 2);
	be.op[PV_OP_irq_disable].tmpl_clobbers = PV_REG_RAX | PV_REG_RDX;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
	assert_int_equal(p.reason, PV_R_TEMPLATE_CLOBBERS);

	reset(); /* a RIP-relative target 3 GiB away cannot be reached */
	memcpy(far_t, movb_rip, 7);
	far_t[2] = 0; far_t[3] = 0; far_t[4] = 0; far_t[5] = 0x7f;
	be.op[PV_OP_irq_disable].tmpl = put(TMPL_ADDR, far_t, 7);
	be.op[PV_OP_irq_disable].tmpl.addr = TMPL_ADDR + 0x7f000000ull;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
	assert_int_equal(p.reason, PV_R_TEMPLATE_RELOC);
}

/* Plans a caller-save set_pte site whose backend body is the given bytes. */
static struct pv_plan plan_body(const uint8_t *b, unsigned len, unsigned op)
{
	struct pv_site_ref s = site(op);
	struct pv_plan p;

	reset();
	be.op[op].body = put(be.op[op].func, b, len);
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	return p;
}

static void test_body_inline(void **st)
{
	static const uint8_t set[] = { 0x48, 0x89, 0x37, 0xc3 }; /* mov %rsi,(%rdi) */
	/* test %rdi,%rdi; je 1f; mov %rsi,(%rdi); 1: ret */
	static const uint8_t cond[] = { 0x48, 0x85, 0xff, 0x74, 0x03,
					0x48, 0x89, 0x37, 0xc3 };
	struct pv_plan p = plan_body(set, sizeof(set), PV_OP_set_pte);

	(void)st;
	assert_int_equal(p.strategy, PV_STRAT_BODY);
	/* 3 bytes + 6 prefixes (its REX makes 7), then one NOP */
	assert_int_equal(p.used, 9);
	assert_memory_equal(p.bytes + 6, set, 3);
	p = plan_body(cond, sizeof(cond), PV_OP_set_pte);
	assert_int_equal(p.strategy, PV_STRAT_BODY);
	/* 6 prefixes on the test, none on je, 2 on the mov: je now +5 */
	assert_int_equal(p.used, 16);
	assert_int_equal(npfx(p.bytes, 16), 6);
	assert_memory_equal(p.bytes + 6, cond, 3);
	assert_int_equal(p.bytes[9], 0x74);
	assert_int_equal(p.bytes[10], 5);
	assert_int_equal(npfx(p.bytes + 11, 5), 2);
	assert_memory_equal(p.bytes + 13, cond + 5, 3);
}

static void expect_body_refusal(const uint8_t *b, unsigned len, unsigned op,
				unsigned reason)
{
	struct pv_plan p = plan_body(b, len, op);

	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
	assert_int_equal(p.reason, reason);
}

static void test_body_refusals(void **st)
{
	(void)st;
	/* push %rbx; pop %rbx; ret */
	expect_body_refusal((const uint8_t *)"\x53\x5b\xc3", 3, PV_OP_set_pte,
			    PV_R_BODY_STACK);
	/* call .+5; ret */
	expect_body_refusal((const uint8_t *)"\xe8\x00\x00\x00\x00\xc3", 6,
			    PV_OP_set_pte, PV_R_BODY_CALLS);
	/* jmp .+0x40 (leaves the body); ret */
	expect_body_refusal((const uint8_t *)"\xeb\x40\xc3", 3, PV_OP_set_pte,
			    PV_R_BODY_BRANCH_OUT);
	/* mov %rdi,%rbx; ret: rbx is callee-saved */
	expect_body_refusal((const uint8_t *)"\x48\x89\xfb\xc3", 4,
			    PV_OP_set_pte, PV_R_BODY_CLOBBERS);
	/* mov %rdi,%rcx; ret at a callee-save site */
	expect_body_refusal((const uint8_t *)"\x48\x89\xf9\xc3", 4,
			    PV_OP_irq_disable, PV_R_BODY_CLOBBERS);
	/* 17 one-byte nops, then ret: does not fit 16 */
	expect_body_refusal((const uint8_t *)"\x90\x90\x90\x90\x90\x90\x90\x90"
					     "\x90\x90\x90\x90\x90\x90\x90\x90"
					     "\x90\xc3", 18,
			    PV_OP_set_pte, PV_R_BODY_TOO_LONG);
	/* no ret at all */
	expect_body_refusal((const uint8_t *)"\x90\x90\x90", 3, PV_OP_set_pte,
			    PV_R_BODY_NO_RET);
	/* 0x06 (push es) is invalid in 64-bit mode */
	expect_body_refusal((const uint8_t *)"\x06\xc3", 2, PV_OP_set_pte,
			    PV_R_BODY_UNDECODABLE);
	/* mov $1,%eax; syscall; ret: a hypercall, not a body */
	expect_body_refusal((const uint8_t *)"\xb8\x01\x00\x00\x00\x0f\x05\xc3",
			    8, PV_OP_set_pte, PV_R_BODY_FLOW);
	/* ret $8 */
	expect_body_refusal((const uint8_t *)"\xc2\x08\x00", 3, PV_OP_set_pte,
			    PV_R_BODY_STACK);
}

static void test_body_reloc(void **st)
{
	/* mov 0x0(%rip),%rax; ret -- data 3 GiB from the site cannot be reached */
	static const uint8_t ld[] = { 0x48, 0x8b, 0x05, 0x00, 0x00, 0x00, 0x70,
				      0xc3 };
	struct pv_site_ref s = site(PV_OP_read_cr3);
	struct pv_plan p;

	(void)st;
	reset();
	be.op[PV_OP_read_cr3].body = put(FUNC_ADDR, ld, sizeof(ld));
	be.op[PV_OP_read_cr3].body.addr = T_BASE + 0x40000000ull;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
	assert_int_equal(p.reason, PV_R_BODY_RELOC);
}

/* Effective address of the RIP-relative operand of the insn at b (at addr). */
static uint64_t rip_target(const uint8_t *b, uint64_t addr)
{
	struct pv_insn in;
	int32_t disp;

	assert_true(pv_insn_decode(b, 15, PV_MODE_64, &in) > 0);
	assert_true(in.flags & PV_INSN_F_RIPREL);
	memcpy(&disp, b + in.disp_off, 4);
	return addr + in.len + (int64_t)disp;
}

/*
 * A RIP-relative data operand names the backend's data, wherever it points:
 * the copy must reach the original address, even for a label inside the
 * copied bytes or at the ret that is not copied.  Only branches inside the
 * copy move with it.
 */
static void test_rip_data_reloc(void **st)
{
	/* lea -7(%rip),%rax; ret: the body's own first byte */
	static const uint8_t lea_in[] = { 0x48, 0x8d, 0x05, 0xf9, 0xff, 0xff,
					  0xff, 0xc3 };
	/* mov 0(%rip),%rax; ret: the ret byte itself, not copied */
	static const uint8_t ld_ret[] = { 0x48, 0x8b, 0x05, 0x00, 0x00, 0x00,
					  0x00, 0xc3 };
	/* movl $0x11223344,0x100(%rip): an imm32 after the disp32 */
	static const uint8_t st_imm[] = { 0xc7, 0x05, 0x00, 0x01, 0x00, 0x00,
					  0x44, 0x33, 0x22, 0x11 };
	struct pv_site_ref s = site(PV_OP_read_cr3);
	struct pv_plan p;

	(void)st;
	reset();
	be.op[PV_OP_read_cr3].body = put(FUNC_ADDR, lea_in, sizeof(lea_in));
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_BODY);
	assert_true(rip_target(p.bytes, SITE_ADDR) == FUNC_ADDR);

	be.op[PV_OP_read_cr3].body = put(FUNC_ADDR, ld_ret, sizeof(ld_ret));
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_BODY);
	assert_true(rip_target(p.bytes, SITE_ADDR) == FUNC_ADDR + 7);

	s = site(PV_OP_irq_disable);
	be.op[PV_OP_irq_disable].tmpl = put(TMPL_ADDR, st_imm, sizeof(st_imm));
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_INLINE);
	assert_true(rip_target(p.bytes, SITE_ADDR) == TMPL_ADDR + 10 + 0x100);
	/* imm untouched, after the prefixes the padding added */
	assert_memory_equal(p.bytes + npfx(p.bytes, 16) + 6, st_imm + 6, 4);
}

static void test_hypercall(void **st)
{
	struct pv_site_ref s = site(PV_OP_write_cr3);
	struct pv_plan p;

	(void)st;
	reset();
	be.op[PV_OP_write_cr3].hypercall = 26;
	be.op[PV_OP_write_cr3].hypercall_args = 1;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_HYPERCALL);
	assert_int_equal(npfx(p.bytes, 16), 7); /* on the mov, not syscall */
	assert_memory_equal(p.bytes + 7, "\xb8\x1a\x00\x00\x00\x0f\x05", 7);

	be.op[PV_OP_write_cr3].hypercall_args = 4;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_HYPERCALL);
	assert_int_equal(npfx(p.bytes, 16), 6);
	assert_memory_equal(p.bytes + 6,
			    "\x49\x89\xca\xb8\x1a\x00\x00\x00\x0f\x05", 10);

	/* too short for the inline form: a call into the hypercall page */
	s.len = 6;
	be.op[PV_OP_write_cr3].hypercall_args = 1;
	be.hypercall_page = T_BASE + 0x4000;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_HYPERCALL);
	assert_int_equal(p.bytes[0], 0xe8);
	assert_int_equal(p.used, 5);

	/* the page has 128 slots: a higher number has no call form */
	be.op[PV_OP_write_cr3].hypercall = 128;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
	assert_int_equal(p.reason, PV_R_HYPERCALL_NR);
	be.op[PV_OP_write_cr3].hypercall = 127;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_HYPERCALL);
	assert_true(SITE_ADDR + 5 + (int64_t)(int32_t)(p.bytes[1] |
		    p.bytes[2] << 8 | p.bytes[3] << 16 |
		    (uint32_t)p.bytes[4] << 24) == T_BASE + 0x4000 + 32 * 127);

	/* constants first: sched_op(SCHEDOP_block, NULL) for safe_halt */
	s = site(PV_OP_safe_halt);
	s.len = 16;
	be.op[PV_OP_safe_halt].hypercall = 29;
	be.op[PV_OP_safe_halt].hypercall_nconst = 2;
	be.op[PV_OP_safe_halt].hypercall_konst[0] = 1;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_HYPERCALL);
	assert_int_equal(p.used, 16);
	assert_memory_equal(p.bytes + 2, "\xbf\x01\x00\x00\x00\x31\xf6"
				     "\xb8\x1d\x00\x00\x00\x0f\x05", 14);
	/* stack_switch(ss, sp0) for load_sp0(sp0): the C arg moves up */
	s = site(PV_OP_load_sp0);
	be.op[PV_OP_load_sp0].hypercall = 3;
	be.op[PV_OP_load_sp0].hypercall_args = 1;
	be.op[PV_OP_load_sp0].hypercall_nconst = 1;
	be.op[PV_OP_load_sp0].hypercall_konst[0] = 0xe02b;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_HYPERCALL);
	assert_int_equal(npfx(p.bytes, 16), 1);
	assert_memory_equal(p.bytes + 1, "\x48\x89\xfe\xbf\x2b\xe0\x00\x00"
				     "\xb8\x03\x00\x00\x00\x0f\x05", 15);
	/* a negative constant is sign-extended: 7 bytes, 17 in all */
	be.op[PV_OP_load_sp0].hypercall_konst[0] = -2;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
	assert_int_equal(p.reason, PV_R_HYPERCALL_TOO_LONG);
	s.len = 17;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_HYPERCALL);
	assert_memory_equal(p.bytes, "\x48\x89\xfe\x48\xc7\xc7\xfe\xff\xff\xff"
				     "\xb8\x03\x00\x00\x00\x0f\x05", 17);
	s.len = 16;
	/* too long for the site and not plain: a direct call instead */
	be.op[PV_OP_load_sp0].hypercall_args = 4;
	be.op[PV_OP_load_sp0].hypercall_konst[0] = 5;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
	assert_int_equal(p.reason, PV_R_HYPERCALL_TOO_LONG);

	/* an iret site keeps every register: nothing but a clean template */
	s = site(PV_OP_iret);
	be.op[PV_OP_iret].hypercall = 23;
	be.op[PV_OP_iret].tmpl = put(TMPL_ADDR, (const uint8_t *)"\x48\xcf", 2);
	be.op[PV_OP_iret].tmpl_clobbers = PV_REG_RAX;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
	assert_int_equal(p.reason, PV_R_TEMPLATE_CLOBBERS);
	be.op[PV_OP_iret].tmpl_clobbers = 0;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_INLINE);

	/* syscall clobbers rcx/r11: never at a callee-save site */
	s = site(PV_OP_irq_disable);
	be.op[PV_OP_irq_disable].hypercall = 29;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
	assert_int_equal(p.reason, PV_R_HYPERCALL_CLOBBERS);
}

/* PVH: the instruction is the backend's, chosen per CPU vendor; none
 * named, no inline hypercall (the direct call instead). */
static void test_hypercall_insn(void **st)
{
	struct pv_site_ref s = site(PV_OP_write_cr3);
	struct pv_plan p;

	(void)st;
	reset();
	be.op[PV_OP_write_cr3].hypercall = 26;
	be.op[PV_OP_write_cr3].hypercall_args = 1;
	be.hcall_insn_len = 3;
	memcpy(be.hcall_insn, "\x0f\x01\xd9", 3); /* vmmcall (AMD) */
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_HYPERCALL);
	assert_int_equal(npfx(p.bytes, 16), 7); /* on the mov */
	assert_memory_equal(p.bytes + 7, "\xb8\x1a\x00\x00\x00\x0f\x01\xd9",
			    8);
	memcpy(be.hcall_insn, "\x0f\x01\xc1", 3); /* vmcall (Intel) */
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_memory_equal(p.bytes + 7, "\xb8\x1a\x00\x00\x00\x0f\x01\xc1",
			    8);
	be.hcall_insn_len = 0;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
}

static void test_direct_and_indirect(void **st)
{
	struct pv_site_ref s = site(PV_OP_write_cr3);
	struct pv_plan p;
	int32_t rel;

	(void)st;
	reset();
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
	assert_int_equal(p.reason, PV_R_NO_TEMPLATE);
	memcpy(&rel, p.bytes + 1, 4);
	assert_true(SITE_ADDR + 5 + (int64_t)rel == be.op[PV_OP_write_cr3].func);

	be.op[PV_OP_write_cr3].func = 0;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_INDIRECT);
	assert_int_equal(p.reason, PV_R_NO_FUNC);
	assert_true(pv_site_is_original(p.bytes, 16, SITE_ADDR, OPS_ADDR,
					PV_OP_write_cr3));

	be.op[PV_OP_write_cr3].func = SITE_ADDR + 0x100000000ull;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_INDIRECT);
	assert_int_equal(p.reason, PV_R_CALL_RANGE);

	/* an indirect site reports what decided it, not an earlier refusal */
	be.op[PV_OP_write_cr3].tmpl = put(TMPL_ADDR, movb_rip, 7);
	be.op[PV_OP_write_cr3].tmpl_clobbers = PV_REG_RBX;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_INDIRECT);
	assert_int_equal(p.reason, PV_R_CALL_RANGE);
	be.op[PV_OP_write_cr3].func = 0;
	pv_plan_site(&s, &be, PV_PATCH_NOINLINE, &p);
	assert_int_equal(p.strategy, PV_STRAT_INDIRECT);
	assert_int_equal(p.reason, PV_R_NO_FUNC);
}

static void test_modes_and_records(void **st)
{
	struct pv_site_ref s = site(PV_OP_irq_disable);
	struct pv_plan p;

	(void)st;
	reset();
	be.op[PV_OP_irq_disable].tmpl = put(TMPL_ADDR, cli, 1);
	pv_plan_site(&s, &be, PV_PATCH_NOINLINE, &p);
	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
	assert_int_equal(p.reason, PV_R_MODE_NOINLINE);
	pv_plan_site(&s, &be, PV_PATCH_NOPATCH, &p);
	assert_int_equal(p.strategy, PV_STRAT_INDIRECT);
	assert_int_equal(p.reason, PV_R_MODE_NOPATCH);

	s.op = PV_NR_OPS; /* op out of range */
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.reason, PV_R_BAD_RECORD);
	s = site(PV_OP_irq_disable);
	s.flags = PV_CLASS_CALLER; /* class disagrees with the op table */
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.reason, PV_R_BAD_RECORD);
	s = site(PV_OP_irq_disable);
	s.len = 5;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.reason, PV_R_BAD_RECORD);
}

static void test_poke(void **st)
{
	uint8_t orig[16], neu[16] = { 0xfa };
	uint8_t b[16];

	(void)st;
	reset();
	pv_emit_indirect(orig, SITE_ADDR, OPS_ADDR, PV_OP_irq_disable, 16);
	pv_nops(neu + 1, 15);
	put(SITE_ADDR, orig, 16);
	assert_int_equal(pv_poke(&mem, SITE_ADDR, NULL, neu, 16, OPS_ADDR,
				 PV_OP_irq_disable), 0);
	assert_memory_equal(text + 0x1000, neu, 16);
	/* the site no longer holds the original call: refused, untouched */
	assert_int_equal(pv_poke(&mem, SITE_ADDR, NULL, orig, 16, OPS_ADDR,
				 PV_OP_irq_disable), -PV_EINVAL);
	assert_memory_equal(text + 0x1000, neu, 16);
	/* wrong op: the call goes to another slot */
	put(SITE_ADDR, orig, 16);
	assert_int_equal(pv_poke(&mem, SITE_ADDR, NULL, neu, 16, OPS_ADDR,
				 PV_OP_irq_enable), -PV_EINVAL);
	/* a write that does not stick is caught by the read-back */
	drop_writes = 1;
	assert_int_equal(pv_poke(&mem, SITE_ADDR, NULL, neu, 16, OPS_ADDR,
				 PV_OP_irq_disable), -PV_EIO);
	memcpy(b, text + 0x1000, 16);
	assert_memory_equal(b, orig, 16);
}

/* Builds a sealed table at T_BASE + 0x100 with n sites 32 bytes apart. */
static struct pv_table_hdr *make_table(unsigned n, const unsigned *ops)
{
	struct pv_table_hdr *h = (void *)(text + 0x100);
	struct pv_site *r = (void *)(h + 1);

	*h = (struct pv_table_hdr){ PV_TABLE_MAGIC, PV_TABLE_VERSION, 16, 16,
				    n, pv_ops_abi_hash() };
	for (unsigned i = 0; i < n; i++) {
		uint64_t sa = SITE_ADDR + 32 * i;
		uint64_t ra = T_BASE + 0x110 + 8 * i;
		uint8_t b[16];

		pv_emit_indirect(b, sa, OPS_ADDR, ops[i], 16);
		put(sa, b, 16);
		r[i] = (struct pv_site){ .offset = (int32_t)(sa - ra),
					 .op = (uint8_t)ops[i], .len = 16,
					 .flags = (uint8_t)pv_op_class(ops[i]) };
	}
	return h;
}

/* What the section of a make_table() table holds: header and records. */
static uint64_t table_size(const struct pv_table_hdr *h)
{
	return sizeof(*h) + 8ull * h->count;
}

static void test_table(void **st)
{
	static const unsigned ops[] = { PV_OP_irq_disable, PV_OP_write_cr3,
					PV_OP_set_pte, PV_OP_irq_enable };
	struct pv_patch_stats s;
	struct pv_table_hdr *h;

	(void)st;
	reset();
	be.op[PV_OP_irq_disable].tmpl = put(TMPL_ADDR, cli, 1);
	h = make_table(4, ops);
	memset(&s, 0, sizeof(s));
	assert_int_equal(pv_patch_table(h, T_BASE + 0x100, table_size(h), &be, &mem, -1,
					PV_PATCH_FULL, &s, NULL, NULL), 0);
	assert_int_equal(s.sites, 4);
	assert_int_equal(s.strat[PV_STRAT_INLINE], 1);
	assert_int_equal(s.strat[PV_STRAT_DIRECT], 3);
	assert_int_equal(s.refused, 0);
	/* re-patch from full to nopatch and back: the planner reproduces bytes */
	memset(&s, 0, sizeof(s));
	assert_int_equal(pv_patch_table(h, T_BASE + 0x100, table_size(h), &be, &mem,
					PV_PATCH_FULL, PV_PATCH_NOPATCH, &s,
					NULL, NULL), 0);
	assert_int_equal(s.strat[PV_STRAT_INDIRECT], 4);
	assert_int_equal(s.refused, 0);
	assert_true(pv_site_is_original(text + 0x1000, 16, SITE_ADDR, OPS_ADDR,
					PV_OP_irq_disable));
	/* a corrupted site is refused and counted, the rest still patch */
	text[0x1000 + 32] = 0x90;
	memset(&s, 0, sizeof(s));
	pv_patch_table(h, T_BASE + 0x100, table_size(h), &be, &mem, PV_PATCH_NOPATCH,
		       PV_PATCH_FULL, &s, NULL, NULL);
	assert_int_equal(s.refused, 1);
	assert_int_equal(s.strat[PV_STRAT_INDIRECT], 1);
	assert_int_equal(text[0x1000 + 32], 0x90);
	assert_int_equal(s.reasons[PV_R_BAD_OLD_BYTES], 1);
}

/*
 * A native site (irq_restore_fl, native `push %rcx; popf` with 3 cs
 * prefixes) and its stub at STUB: copy, `mov %rcx,%rdi`, a 16-byte call
 * site, jmp back; a table of the two records, then every mode both ways.
 */
#define NSITE (SITE_ADDR + 0x200)
#define STUB (T_BASE + 0x3000)
static const uint8_t nat[] = { 0x2e, 0x2e, 0x2e, 0x51, 0x9d };

static struct pv_table_hdr *make_native(void)
{
	struct pv_table_hdr *h = (void *)(text + 0x100);
	struct pv_site *r = (void *)(h + 1);
	uint64_t call = STUB + 5 + 3, ra = T_BASE + 0x110;
	uint8_t b[16];

	*h = (struct pv_table_hdr){ PV_TABLE_MAGIC, PV_TABLE_VERSION, 16, 16,
				    2, pv_ops_abi_hash() };
	put(NSITE, nat, 5);
	put(STUB, nat, 5);
	put(STUB + 5, (const uint8_t *)"\x48\x89\xcf", 3);
	pv_emit_indirect(b, call, OPS_ADDR, PV_OP_irq_restore_fl, 16);
	put(call, b, 16);
	r[0] = (struct pv_site){ .offset = (int32_t)(NSITE - ra),
				 .op = PV_OP_irq_restore_fl, .entry = 3,
				 .len = 5,
				 .flags = PV_CLASS_CALLEE | PV_SITE_NATIVE };
	r[1] = (struct pv_site){ .offset = (int32_t)(call - ra - 8),
				 .op = PV_OP_irq_restore_fl, .len = 16,
				 .flags = PV_CLASS_CALLEE | PV_SITE_STUB };
	return h;
}

static void patch_to(struct pv_table_hdr *h, int from, enum pv_patch_mode to,
		     struct pv_patch_stats *s)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(pv_patch_table(h, T_BASE + 0x100, table_size(h), &be,
					&mem, from, to,
					s, NULL, NULL), 0);
}

static void test_native_site(void **st)
{
	struct pv_table_hdr *h;
	struct pv_patch_stats s;
	int32_t rel;

	(void)st;
	reset();
	h = make_native();
	/* native backend, full: as built, one site, nothing refused */
	be.id = PV_BACKEND_NATIVE;
	be.as_built = ~0ull;
	patch_to(h, -1, PV_PATCH_FULL, &s);
	assert_int_equal(s.sites, 1);
	assert_int_equal(s.refused, 0);
	assert_int_equal(s.strat[PV_STRAT_INLINE], 1);
	assert_memory_equal(text + (NSITE - T_BASE), nat, 5);
	/* nopatch: jmp to the stub's entry, whose call stays indirect */
	patch_to(h, PV_PATCH_FULL, PV_PATCH_NOPATCH, &s);
	assert_int_equal(s.strat[PV_STRAT_INDIRECT], 1);
	assert_int_equal(text[NSITE - T_BASE], 0xe9);
	memcpy(&rel, text + (NSITE - T_BASE) + 1, 4);
	assert_true(NSITE + 5 + (int64_t)rel == STUB + 5);
	/* another backend, full: the stub's call direct, the site jumps */
	be.id = PV_BACKEND_XEN;
	be.as_built = 0;
	patch_to(h, PV_PATCH_NOPATCH, PV_PATCH_FULL, &s);
	assert_int_equal(s.strat[PV_STRAT_DIRECT], 1);
	assert_int_equal(s.refused, 0);
	assert_int_equal(text[STUB + 8 - T_BASE], 0xe8);
	assert_int_equal(text[NSITE - T_BASE], 0xe9);
	/* as built to native full writes nothing, so it checks nothing */
	be.id = PV_BACKEND_NATIVE;
	be.as_built = ~0ull;
	patch_to(h, -1, PV_PATCH_FULL, &s);
	assert_int_equal(s.refused, 0);
	assert_int_equal(text[NSITE - T_BASE], 0xe9);
	/* back to native full from a known mode: the copy again */
	be.id = PV_BACKEND_XEN;
	be.as_built = 0;
	patch_to(h, PV_PATCH_FULL, PV_PATCH_NOPATCH, &s);
	be.id = PV_BACKEND_NATIVE;
	be.as_built = ~0ull;
	patch_to(h, PV_PATCH_NOPATCH, PV_PATCH_FULL, &s);
	assert_int_equal(s.refused, 0);
	assert_memory_equal(text + (NSITE - T_BASE), nat, 5);
}

/* A copy that differs from the site, a stub record of another op, a lone
 * native record: each refused, the site left as it was. */
static void test_native_refusals(void **st)
{
	struct pv_table_hdr *h;
	struct pv_site *r;
	struct pv_patch_stats s;

	(void)st;
	reset();
	be.id = PV_BACKEND_XEN;
	be.as_built = 0;
	h = make_native();
	r = (void *)(h + 1);
	text[STUB - T_BASE] = 0x3e;
	patch_to(h, -1, PV_PATCH_FULL, &s);
	assert_int_equal(s.refused, 1);
	assert_memory_equal(text + (NSITE - T_BASE), nat, 5);
	h = make_native();
	r[1].op = PV_OP_irq_save_fl;
	patch_to(h, -1, PV_PATCH_FULL, &s);
	assert_int_equal(s.refused, 2); /* the pair, then the stray record */
	assert_memory_equal(text + (NSITE - T_BASE), nat, 5);
	h = make_native();
	h->count = 1;
	patch_to(h, -1, PV_PATCH_FULL, &s);
	assert_int_equal(s.sites, 1);
	assert_int_equal(s.refused, 1);
	assert_memory_equal(text + (NSITE - T_BASE), nat, 5);
	(void)r;
}

static void test_table_header(void **st)
{
	static const unsigned ops[] = { PV_OP_irq_disable, PV_OP_irq_enable };
	struct pv_patch_stats s;
	struct pv_table_hdr *h;
	struct pv_site *r;

	(void)st;
	reset();
	h = make_table(2, ops);
	h->magic = 0;
	assert_int_equal(pv_table_check(h, 32), -PV_ENOEXEC);
	h->magic = PV_TABLE_MAGIC;
	h->abi_hash ^= 1;
	assert_int_equal(pv_table_check(h, 32), -PV_EPERM);
	h->abi_hash ^= 1;
	h->count = 1000000;
	assert_int_equal(pv_table_check(h, 32), -PV_E2BIG);
	h->count = 2;
	assert_int_equal(pv_table_check(h, 32), 0);
	/* overlapping sites: the second is refused */
	r = (void *)(h + 1);
	r[1].offset = r[0].offset - 8 + 4;
	memset(&s, 0, sizeof(s));
	pv_patch_table(h, T_BASE + 0x100, table_size(h), &be, &mem, -1, PV_PATCH_FULL, &s,
		       NULL, NULL);
	assert_int_equal(s.refused, 1);
	assert_int_equal(s.reasons[PV_R_BAD_RECORD], 1);
}

/* PVH borrows the native templates for the ops it runs natively, and
 * only for those; its own template wins; as_built follows the functions. */
static void test_backend_borrow(void **st)
{
	struct pv_template t[2];
	uint64_t funcs[PV_NR_OPS], native[PV_NR_OPS];
	uint64_t ta = T_BASE + 0xb000;
	struct pv_backend b;

	(void)st;
	reset();
	for (unsigned i = 0; i < PV_NR_OPS; i++)
		funcs[i] = native[i] = FUNC_ADDR + 0x40 * i;
	funcs[PV_OP_irq_enable] = FUNC_ADDR + 0x1000; /* PVH's own */
	put(TMPL_ADDR, cli, 1);
	t[0] = (struct pv_template){ (int32_t)(TMPL_ADDR - ta),
				     PV_OP_irq_disable, PV_BACKEND_NATIVE, 1,
				     0, 0 };
	t[1] = t[0];
	t[1].op = PV_OP_irq_enable;
	t[1].code -= 12;
	put(ta, (void *)t, sizeof(t));
	assert_int_equal(pv_backend_build(&b, PV_BACKEND_PVH, "pvh", OPS_ADDR,
					  funcs, ta, ta + sizeof(t), 0, 0,
					  NULL, &mem), 0);
	assert_int_equal(b.as_built, 0);
	assert_int_equal(b.op[PV_OP_irq_disable].tmpl.len, 0);
	assert_int_equal(pv_backend_borrow(&b, PV_BACKEND_NATIVE, native, ta,
					   ta + sizeof(t), &mem), 0);
	assert_int_equal(b.op[PV_OP_irq_disable].tmpl.len, 1);
	assert_int_equal(b.op[PV_OP_irq_disable].tmpl.addr, TMPL_ADDR);
	assert_int_equal(b.op[PV_OP_irq_enable].tmpl.len, 0);
	assert_true(b.as_built >> PV_OP_irq_disable & 1);
	assert_false(b.as_built >> PV_OP_irq_enable & 1);
	/* the native backend's own sites are all as built */
	assert_int_equal(pv_backend_build(&b, PV_BACKEND_NATIVE, "native",
					  OPS_ADDR, native, ta, ta, 0, 0, NULL,
					  &mem), 0);
	assert_int_equal(b.as_built, ~0ull);
	/* a bad range is refused */
	assert_int_equal(pv_backend_borrow(&b, PV_BACKEND_NATIVE, native, ta,
					   ta + 5, &mem), -PV_EINVAL);
}

static void test_backend_build(void **st)
{
	struct pv_template t[2];
	struct pv_hcall hc = { PV_OP_write_cr3, PV_BACKEND_XEN, 1, 26, 0, 0,
			       { 0, 0 } };
	uint64_t funcs[PV_NR_OPS];
	uint64_t ta = T_BASE + 0xb000;
	struct pv_backend b;

	(void)st;
	reset();
	for (unsigned i = 0; i < PV_NR_OPS; i++)
		funcs[i] = FUNC_ADDR + 0x40 * i;
	put(TMPL_ADDR, cli, 1);
	t[0] = (struct pv_template){ (int32_t)(TMPL_ADDR - ta),
				     PV_OP_irq_disable, PV_BACKEND_XEN, 1, 0, 0 };
	t[1] = t[0];
	t[1].backend = PV_BACKEND_NATIVE; /* another backend's: skipped */
	t[1].code -= 12;
	put(ta, (void *)t, sizeof(t));
	put(ta + 0x100, (void *)&hc, sizeof(hc));
	assert_int_equal(pv_backend_build(&b, PV_BACKEND_XEN, "xen", OPS_ADDR,
					  funcs, ta, ta + sizeof(t), ta + 0x100,
					  ta + 0x100 + sizeof(hc), NULL, &mem), 0);
	assert_int_equal(b.op[PV_OP_irq_disable].tmpl.len, 1);
	assert_int_equal(b.op[PV_OP_irq_disable].tmpl.addr, TMPL_ADDR);
	assert_int_equal(b.op[PV_OP_write_cr3].hypercall, 26);
	assert_int_equal(b.op[PV_OP_irq_enable].hypercall, -1);
	assert_int_equal(b.op[PV_OP_halt].body.len, PV_BODY_SCAN);
	/* an empty slot: every backend must fill every op */
	funcs[PV_OP_halt] = 0;
	assert_int_equal(pv_backend_build(&b, PV_BACKEND_XEN, "xen", OPS_ADDR,
					  funcs, ta, ta, 0, 0, NULL, &mem),
			 -PV_ENOENT);
	funcs[PV_OP_halt] = FUNC_ADDR;
	/* a record with a template length beyond the maximum is rejected */
	t[0].len = 200;
	put(ta, (void *)t, sizeof(t));
	assert_int_equal(pv_backend_build(&b, PV_BACKEND_XEN, "xen", OPS_ADDR,
					  funcs, ta, ta + sizeof(t), 0, 0, NULL,
					  &mem), -PV_EINVAL);
}

/* elfscan's exception-table verdicts in .pv_inline: a template or body
 * with an entry in its bytes is never copied; the site gets a call. */
static void test_extable_facts(void **st)
{
	static const uint8_t leaf[] = { 0x48, 0x89, 0xf8, 0xc3 }; /* mov;ret */
	static struct pv_inline_facts facts;
	uint64_t funcs[PV_NR_OPS], ta = T_BASE + 0xb000;
	struct pv_template t = { 0, PV_OP_irq_disable, PV_BACKEND_NATIVE, 1,
				 0, 0 };
	struct pv_site_ref s;
	struct pv_backend b;
	struct pv_plan p;

	(void)st;
	reset();
	for (unsigned i = 0; i < PV_NR_OPS; i++)
		funcs[i] = FUNC_ADDR + 0x40 * i;
	put(funcs[PV_OP_read_msr_safe], leaf, sizeof(leaf));
	put(TMPL_ADDR, cli, 1);
	t.code = (int32_t)(TMPL_ADDR - ta);
	put(ta, (void *)&t, sizeof(t));
	/* without facts: the body is inlined, the template used */
	assert_int_equal(pv_backend_build(&b, PV_BACKEND_NATIVE, "n", OPS_ADDR,
					  funcs, ta, ta + sizeof(t), 0, 0,
					  NULL, &mem), 0);
	s = site(PV_OP_read_msr_safe);
	pv_plan_site(&s, &b, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_BODY);
	s = site(PV_OP_irq_disable);
	pv_plan_site(&s, &b, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_INLINE);
	/* with elfscan's verdicts: both refused for the entry, called */
	facts.magic = PV_INLINE_MAGIC;
	facts.nr_ops = PV_NR_OPS;
	facts.f[PV_BACKEND_NATIVE][PV_OP_read_msr_safe] =
		(struct pv_inline_fact){ 1, PV_R_EXTABLE, 0, 0 };
	facts.f[PV_BACKEND_NATIVE][PV_OP_irq_disable] =
		(struct pv_inline_fact){ 1, PV_R_BODY_FLOW, 0, PV_R_EXTABLE };
	assert_int_equal(pv_backend_build(&b, PV_BACKEND_NATIVE, "n", OPS_ADDR,
					  funcs, ta, ta + sizeof(t), 0, 0,
					  &facts, &mem), 0);
	s = site(PV_OP_read_msr_safe);
	pv_plan_site(&s, &b, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
	assert_int_equal(p.reason, PV_R_EXTABLE);
	s = site(PV_OP_irq_disable);
	pv_plan_site(&s, &b, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
	assert_int_equal(p.reason, PV_R_EXTABLE);
}

static void test_names(void **st)
{
	(void)st;
	for (unsigned r = 0; r < PV_NR_REASONS; r++)
		assert_string_not_equal(pv_reason_str(r), "?");
	for (unsigned s = 0; s < PV_NR_STRATS; s++)
		assert_string_not_equal(pv_strategy_name(s), "?");
	assert_string_equal(pv_op_name(PV_OP_write_cr3), "write_cr3");
	assert_int_equal(pv_op_class(PV_OP_irq_save_fl), PV_CLASS_CALLEE);
	assert_int_equal(pv_op_class(PV_OP_set_pte), PV_CLASS_CALLER);
	assert_int_equal(pv_op_class(PV_OP_iret), PV_CLASS_NONE);
	assert_string_equal(pv_class_name(PV_CLASS_NONE), "none");
}

/* The int3 protocol's batch (poke.c) with a fake "other CPU" in the sync:
 * it stands in site B (a return address B+5 on its stack) while in_b. */
#define BATCH_A (T_BASE + 0x4000)
#define BATCH_B (T_BASE + 0x4010)
#define BATCH_C (T_BASE + 0x4020)
static struct pv_batch batch;
static int in_b, syncs, saw_int3_live, saw_b_restored;

static int bw_write(void *ctx, uint64_t a, const uint8_t *b, uint32_t len)
{
	return t_write(ctx, a, b, len);
}

static void bw_sync(void *ctx)
{
	uint64_t stack[3] = { 0x1234, in_b ? BATCH_B + 5 : 0, BATCH_A };

	(void)ctx;
	syncs++;
	pv_batch_scan(stack, stack + 3); /* BATCH_A: a site start, not busy */
	if (text[BATCH_A - T_BASE] == 0xcc && pv_batch_hit(BATCH_A))
		saw_int3_live = 1;
	if (text[BATCH_B - T_BASE] == 0x90 && text[BATCH_A - T_BASE] == 0xcc)
		saw_b_restored = 1;
}

static void bw_wait(void *ctx)
{
	(void)ctx;
	in_b = 0; /* the CPU leaves B before the next pass */
}

static int q_write(void *ctx, uint64_t a, const uint8_t *b, uint32_t len)
{
	(void)ctx;
	return pv_batch_add(&batch, &mem, a, b, len);
}

static void batch_setup(uint8_t *want)
{
	uint8_t nb[15];

	drop_writes = 0;
	memset(text + (BATCH_A - T_BASE), 0x90, 0x30);
	pv_batch_reset(&batch);
	for (unsigned k = 0; k < 3; k++) {
		memset(nb, 0x10 + k, sizeof(nb));
		memcpy(want + 15 * k, nb, 15);
		assert_int_equal(q_write(NULL, BATCH_A + 0x10 * k, nb, 15), 0);
	}
	assert_int_equal(batch.n, 3);
	/* the queue changes nothing, and reads see what will be */
	assert_int_equal(text[BATCH_B - T_BASE], 0x90);
	assert_int_equal(pv_batch_read(&batch, &mem, BATCH_B + 2, nb, 4), 0);
	assert_int_equal(nb[0], 0x11);
	syncs = saw_int3_live = saw_b_restored = 0;
}

static void test_batch(void **state)
{
	const struct pv_text_ops ops = { bw_write, bw_sync, bw_wait, NULL };
	uint8_t want[45];

	(void)state;
	batch_setup(want);
	in_b = 1;
	assert_int_equal(pv_batch_apply(&batch, &ops, 10), 0);
	assert_int_equal(batch.passes, 2); /* B put back once, then done */
	assert_int_equal(batch.busy, 1);
	assert_true(saw_int3_live);
	assert_true(saw_b_restored);
	assert_int_equal(syncs, 2 * 4 + 1);
	for (unsigned k = 0; k < 3; k++)
		assert_memory_equal(text + (BATCH_A - T_BASE) + 0x10 * k,
				    want + 15 * k, 15);
	assert_false(pv_batch_hit(BATCH_A)); /* no batch active */

	/* a CPU that never leaves: B keeps its old bytes, the rest goes in */
	batch_setup(want);
	in_b = 1;
	const struct pv_text_ops stuck = { bw_write, bw_sync, NULL, NULL };
	assert_int_equal(pv_batch_apply(&batch, &stuck, 3), -PV_EBUSY);
	assert_int_equal(batch.passes, 3);
	for (unsigned i = 0; i < 15; i++)
		assert_int_equal(text[BATCH_B - T_BASE + i], 0x90);
	assert_memory_equal(text + (BATCH_A - T_BASE), want, 15);
	assert_memory_equal(text + (BATCH_C - T_BASE), want + 30, 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nops),
		cmocka_unit_test(test_template_inline),
		cmocka_unit_test(test_template_reloc),
		cmocka_unit_test(test_template_refusals),
		cmocka_unit_test(test_body_inline),
		cmocka_unit_test(test_body_refusals),
		cmocka_unit_test(test_body_reloc),
		cmocka_unit_test(test_rip_data_reloc),
		cmocka_unit_test(test_hypercall),
		cmocka_unit_test(test_hypercall_insn),
		cmocka_unit_test(test_backend_borrow),
		cmocka_unit_test(test_native_site),
		cmocka_unit_test(test_native_refusals),
		cmocka_unit_test(test_direct_and_indirect),
		cmocka_unit_test(test_modes_and_records),
		cmocka_unit_test(test_poke),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_header),
		cmocka_unit_test(test_backend_build),
		cmocka_unit_test(test_extable_facts),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests_name("patch", tests, NULL, NULL);
}
