/* test_patch32.c: the patcher's production code on i386 code (pv_code_mode
 * 32): the absolute indirect call, rel32 across 4 GiB, regparm clobbers,
 * bodies copied without relocation, the int $0x82 hypercall form, padding
 * prefixes of the operand's segment, native sites as built and patched. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "patch.h"
#include "insn.h"
#include "pv/errno.h"

/* Fake target: 64 KiB of "text" at an i386 kernel address. */
#define T_BASE 0xc1000000ull
#define T_SIZE 65536
#define OPS_ADDR (T_BASE + 0x8000)
#define FUNC_ADDR (T_BASE + 0x9000)
#define TMPL_ADDR (T_BASE + 0xa000)
#define SITE_ADDR (T_BASE + 0x1000)
#define SITE_LEN 15
static uint8_t text[T_SIZE];
static struct pv_backend be;

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
	memcpy(text + (a - T_BASE), b, len);
	return 0;
}

static const struct pv_mem mem = { t_ptr, t_read, t_write, 0 };

static struct pv_code put(uint64_t addr, const uint8_t *b, unsigned len)
{
	memcpy(text + (addr - T_BASE), b, len);
	return (struct pv_code){ text + (addr - T_BASE), addr, len };
}

static int setup(void **st)
{
	(void)st;
	pv_code_mode = PV_MODE_32;
	memset(text, 0xcc, sizeof(text));
	memset(&be, 0, sizeof(be));
	be.name = "test32";
	be.ops_addr = OPS_ADDR;
	for (unsigned i = 0; i < PV_NR_OPS; i++) {
		be.op[i].hypercall = -1;
		be.op[i].func = FUNC_ADDR + 0x40 * i;
	}
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	pv_code_mode = PV_MODE_64;
	return 0;
}

static struct pv_site_ref site(unsigned op)
{
	struct pv_site_ref s = { SITE_ADDR, (uint16_t)op, SITE_LEN,
				 (uint8_t)pv_op_class(op) };
	return s;
}

static uint32_t le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* call *abs32 at pv_ops + 4 * op; the 64-bit form is RIP-relative. */
static void test_indirect(void **st)
{
	uint8_t b[SITE_LEN];

	(void)st;
	pv_emit_indirect(b, SITE_ADDR, OPS_ADDR, PV_OP_write_cr3, SITE_LEN);
	assert_int_equal(b[0], 0xff);
	assert_int_equal(b[1], 0x15);
	assert_int_equal(le32(b + 2), OPS_ADDR + 4 * PV_OP_write_cr3);
	assert_true(pv_site_is_original(b, SITE_LEN, SITE_ADDR, OPS_ADDR,
					PV_OP_write_cr3));
	assert_false(pv_site_is_original(b, SITE_LEN, SITE_ADDR, OPS_ADDR,
					 PV_OP_read_cr3));
	pv_code_mode = PV_MODE_64;
	assert_false(pv_site_is_original(b, SITE_LEN, SITE_ADDR, OPS_ADDR,
					 PV_OP_write_cr3));
	pv_code_mode = PV_MODE_32;
}

/* rel32 wraps in 32-bit code: any target in 4 GiB is reachable. */
static void test_call_wraps(void **st)
{
	uint8_t b[5];

	(void)st;
	assert_int_equal(pv_emit_call(b, SITE_ADDR, 0x00100000ull), 5);
	assert_int_equal((uint32_t)(SITE_ADDR + 5 + le32(b + 1)), 0x00100000u);
	pv_code_mode = PV_MODE_64;
	assert_int_equal(pv_emit_call(b, SITE_ADDR, 0x00100000ull), -PV_ERANGE);
	pv_code_mode = PV_MODE_32;
}

/* regparm(3): CALLER may write eax ecx edx, CALLEE eax edx, NONE none. */
static void test_class_clobbers(void **st)
{
	static const uint8_t xor_ecx[] = { 0x31, 0xc9 }; /* xorl %ecx,%ecx */
	static const uint8_t xor_edx[] = { 0x31, 0xd2 }; /* xorl %edx,%edx */
	struct pv_site_ref s = site(PV_OP_irq_save_fl);
	struct pv_plan p;

	(void)st;
	assert_int_equal(pv_class_clobbers(PV_CLASS_CALLER),
			 PV_REG_RAX | PV_REG_RCX | PV_REG_RDX);
	assert_int_equal(pv_class_clobbers(PV_CLASS_CALLEE),
			 PV_REG_RAX | PV_REG_RDX);
	assert_int_equal(pv_class_clobbers(PV_CLASS_NONE), 0);
	be.op[PV_OP_irq_save_fl].tmpl = put(TMPL_ADDR, xor_ecx, 2);
	be.op[PV_OP_irq_save_fl].tmpl_clobbers = PV_REG_RCX;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
	assert_int_equal(p.reason, PV_R_TEMPLATE_CLOBBERS);
	be.op[PV_OP_irq_save_fl].tmpl = put(TMPL_ADDR, xor_edx, 2);
	be.op[PV_OP_irq_save_fl].tmpl_clobbers = PV_REG_RDX;
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_INLINE);
	memset(&be.op[PV_OP_irq_save_fl].tmpl, 0,
	       sizeof(be.op[PV_OP_irq_save_fl].tmpl));
}

/* movl %eax, abs32; ret: inlined with its absolute address unchanged (no
 * RIP-relative field in 32-bit code).  A stack argument is refused. */
static void test_bodies(void **st)
{
	static const uint8_t store[] = { 0xa3, 0x00, 0x20, 0x00, 0xc1, 0xc3 };
	static const uint8_t stack_arg[] = { 0x8b, 0x44, 0x24, 0x04, 0xc3 };
	struct pv_site_ref s = site(PV_OP_load_sp0);
	struct pv_plan p;

	(void)st;
	be.op[PV_OP_load_sp0].body = put(FUNC_ADDR, store, sizeof(store));
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_BODY);
	/* padded with PV_PREFIX_MAX ds prefixes (a cs store would #GP),
	 * then a NOP */
	assert_int_equal(p.used, 5 + PV_PREFIX_MAX);
	for (unsigned i = 0; i < PV_PREFIX_MAX; i++)
		assert_int_equal(p.bytes[i], 0x3e);
	assert_memory_equal(p.bytes + PV_PREFIX_MAX, store, 5);
	be.op[PV_OP_load_sp0].body = put(FUNC_ADDR, stack_arg,
					 sizeof(stack_arg));
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
	assert_int_equal(p.reason, PV_R_BODY_STACK);
	memset(&be.op[PV_OP_load_sp0].body, 0,
	       sizeof(be.op[PV_OP_load_sp0].body));
}

/* C arguments never become an inline hypercall in 32-bit code: regparm's
 * registers overlap Xen's 32-bit ones (%eax is nr). */
static void test_no_syscall_hypercall(void **st)
{
	static const uint8_t syscall_insn[] = { 0x0f, 0x05 };
	uint8_t b[32];

	(void)st;
	assert_int_equal(pv_emit_hypercall(b, sizeof(b), 29, 1, 0, NULL,
					   syscall_insn, 2),
			 -PV_EINVAL);
	pv_code_mode = PV_MODE_64;
	assert_true(pv_emit_hypercall(b, sizeof(b), 29, 1, 0, NULL,
				      syscall_insn, 2) > 0);
	pv_code_mode = PV_MODE_32;
}

/* Xen's 32-bit ABI: constants in %ebx %ecx ..., mov $nr,%eax, int $0x82;
 * no REX byte anywhere (a negative constant is b8+r imm32). */
static void test_int82_hypercall(void **st)
{
	static const uint8_t int82[] = { 0xcd, 0x82 };
	static const int32_t k[2] = { 1, 0 };
	static const int32_t kneg[1] = { -2 };
	static const uint8_t want[] = { 0xbb, 1, 0, 0, 0, 0x31, 0xc9, 0xb8, 29,
					0, 0, 0, 0xcd, 0x82 };
	static const uint8_t want_neg[] = { 0xbb, 0xfe, 0xff, 0xff, 0xff,
					    0xb8, 3, 0, 0, 0, 0xcd, 0x82 };
	static const uint8_t want_site[] = { 0xb8, 18, 0, 0, 0, 0xcd, 0x82 };
	uint8_t b[32];

	(void)st;
	assert_int_equal(pv_emit_hypercall(b, sizeof(b), 29, 0, 2, k, int82, 2),
			 (int)sizeof(want));
	assert_memory_equal(b, want, sizeof(want));
	assert_int_equal(pv_emit_hypercall(b, sizeof(b), 3, 0, 1, kneg, int82,
					   2),
			 (int)sizeof(want_neg));
	assert_memory_equal(b, want_neg, sizeof(want_neg));
	/* a hypercall site (arguments already in place): 7 of its 8 bytes */
	assert_int_equal(pv_emit_hypercall(b, 8, 18, 0, 0, NULL, int82, 2), 7);
	assert_memory_equal(b, want_site, sizeof(want_site));
	assert_int_equal(pv_emit_hypercall(b, 6, 18, 0, 0, NULL, int82, 2),
			 -PV_E2BIG);
}

/* The padding prefix is the segment the operand uses anyway: ss for a
 * base of %ebp or %esp, ds for any other (or none); cs in 64-bit mode. */
static void pad_case(const uint8_t *insn, unsigned n, uint8_t want)
{
	uint8_t b[PV_SITE_MAX];
	struct pv_code c = { insn, TMPL_ADDR, n };

	assert_int_equal(pv_emit_padded(b, SITE_ADDR, &c, n, n + 3), n + 3);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(b[i], want);
	assert_memory_equal(b + 3, insn, n);
}

static void test_pad_segment(void **st)
{
	static const uint8_t st_eax[] = { 0x89, 0x48, 0x04 };   /* 4(%eax) */
	static const uint8_t st_ebp[] = { 0x89, 0x4d, 0x04 };   /* 4(%ebp) */
	static const uint8_t st_esp[] = { 0x89, 0x4c, 0x24, 0x04 };
	static const uint8_t st_sib[] = { 0x89, 0x0c, 0x98 };   /* (%eax,%ebx,4) */
	static const uint8_t abs32[] = { 0x89, 0x0d, 0, 0, 0, 0xc1 };
	static const uint8_t cr3[] = { 0x0f, 0x20, 0xd8 };     /* no memory */
	static const uint8_t bp16[] = { 0x67, 0x89, 0x4e, 0x04 }; /* 4(%bp) */
	static const uint8_t fs[] = { 0x64, 0x89, 0x08 };

	(void)st;
	pad_case(st_eax, sizeof(st_eax), 0x3e);
	pad_case(st_ebp, sizeof(st_ebp), 0x36);
	pad_case(st_esp, sizeof(st_esp), 0x36);
	pad_case(st_sib, sizeof(st_sib), 0x3e);
	pad_case(abs32, sizeof(abs32), 0x3e);
	pad_case(cr3, sizeof(cr3), 0x3e);
	pad_case(bp16, sizeof(bp16), 0x36);
	pad_case(fs, sizeof(fs), 0x64);
	pv_code_mode = PV_MODE_64;
	pad_case(st_eax, sizeof(st_eax), 0x2e);
	pv_code_mode = PV_MODE_32;
}

/*
 * A native site as pvcalls_32.h builds it, the bytes of path_pte_flush's
 * set_pte: `ds movl %ebx,4(%edi); movl %esi,(%edi)` (high half first),
 * and its stub at STUB: the copy, the moves (save %eax %ecx %edx, then
 * hi, lo, p through the stack into %ecx, %edx, %eax), a 15-byte call
 * site, the restores and jmp back.
 */
#define REC (T_BASE + 0x100)
#define NSITE (T_BASE + 0x2000)
#define STUB (T_BASE + 0x3000)
static const uint8_t nat_pte[] = { 0x3e, 0x89, 0x5f, 0x04, 0x89, 0x37 };
static const uint8_t moves_pte[] = { 0x50, 0x51, 0x52, 0x53, 0x56,
				     0x57, 0x58, 0x5a, 0x59 };

static void make_native(unsigned op, const uint8_t *nat, unsigned len,
			const uint8_t *moves, unsigned nmoves, unsigned flags,
			struct pv_native_ref *n)
{
	struct pv_site *r = (void *)(text + (REC - T_BASE));
	uint64_t call = STUB + len + nmoves;
	unsigned cls = pv_op_class(op);
	uint8_t b[SITE_LEN];

	put(NSITE, nat, len);
	put(STUB, nat, len);
	put(STUB + len, moves, nmoves);
	pv_emit_indirect(b, call, OPS_ADDR, op, SITE_LEN);
	put(call, b, SITE_LEN);
	r[0] = (struct pv_site){ (int32_t)(NSITE - REC), (uint8_t)op,
				 (uint8_t)nmoves, (uint8_t)len,
				 (uint8_t)(cls | PV_SITE_NATIVE | flags) };
	r[1] = (struct pv_site){ (int32_t)(call - REC - 8), (uint8_t)op, 0,
				 SITE_LEN, (uint8_t)(cls | PV_SITE_STUB) };
	assert_int_equal(pv_native_ref(r, REC, 2, n), 0);
	assert_true(n->copy == STUB);
	assert_true(n->entry == STUB + len);
	assert_true(n->call.addr == call);
}

static void test_native_set_pte(void **st)
{
	/* another backend's set_pte: the template at the stub's call */
	static const uint8_t tmpl[] = { 0x89, 0x48, 0x04, 0x89, 0x10 };
	static const uint8_t want_call[SITE_LEN] = {
		0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x89, 0x48, 0x04,
		0x3e, 0x3e, 0x3e, 0x89, 0x10 };
	struct pv_native_ref n;
	struct pv_plan site_p, call_p;
	uint8_t jmp[6] = { 0xe9, 0, 0, 0, 0, 0xcc };
	uint32_t rel = (uint32_t)(STUB + 6 - (NSITE + 5));

	(void)st;
	memcpy(jmp + 1, &rel, 4);
	make_native(PV_OP_set_pte, nat_pte, sizeof(nat_pte), moves_pte,
		    sizeof(moves_pte), 0, &n);
	/* native backend, full: the bytes as built, nothing to write */
	be.id = PV_BACKEND_NATIVE;
	be.as_built = ~0ull;
	pv_plan_native(&n, &be, &mem, PV_PATCH_FULL, &site_p, &call_p);
	assert_int_equal(site_p.strategy, PV_STRAT_INLINE);
	assert_int_equal(site_p.len, 6);
	assert_memory_equal(site_p.bytes, nat_pte, sizeof(nat_pte));
	assert_memory_equal(call_p.bytes, text + (n.call.addr - T_BASE),
			    SITE_LEN);
	/* nopatch: jmp to the stub's moves, whose call stays indirect */
	pv_plan_native(&n, &be, &mem, PV_PATCH_NOPATCH, &site_p, &call_p);
	assert_int_equal(site_p.strategy, PV_STRAT_INDIRECT);
	assert_memory_equal(site_p.bytes, jmp, sizeof(jmp));
	assert_memory_equal(call_p.bytes, text + (n.call.addr - T_BASE),
			    SITE_LEN);
	/* another backend, full: not an ABI site, so jmp; the stub's call
	 * takes the template, padded with ds prefixes */
	be.id = PV_BACKEND_XEN;
	be.as_built = 0;
	be.op[PV_OP_set_pte].tmpl = put(TMPL_ADDR, tmpl, sizeof(tmpl));
	pv_plan_native(&n, &be, &mem, PV_PATCH_FULL, &site_p, &call_p);
	assert_int_equal(site_p.strategy, PV_STRAT_INLINE);
	assert_memory_equal(site_p.bytes, jmp, sizeof(jmp));
	assert_int_equal(call_p.strategy, PV_STRAT_INLINE);
	assert_memory_equal(call_p.bytes, want_call, SITE_LEN);
	memset(&be.op[PV_OP_set_pte].tmpl, 0, sizeof(be.op[0].tmpl));
}

/* An ABI site (irq_disable: `cli` and 6 ds prefixes) takes another
 * backend's 7-byte `movb $1,abs32` in place, with no prefix to add. */
static void test_native_abi(void **st)
{
	static const uint8_t nat[] = { 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
				       0xfa };
	static const uint8_t movb[] = { 0xc6, 0x05, 0x01, 0x20, 0x00, 0xc1,
					0x01 };
	struct pv_native_ref n;
	struct pv_plan site_p, call_p;

	(void)st;
	make_native(PV_OP_irq_disable, nat, sizeof(nat), NULL, 0,
		    PV_SITE_ABI, &n);
	be.id = PV_BACKEND_NATIVE;
	be.as_built = ~0ull;
	pv_plan_native(&n, &be, &mem, PV_PATCH_FULL, &site_p, &call_p);
	assert_memory_equal(site_p.bytes, nat, sizeof(nat));
	be.id = PV_BACKEND_XEN;
	be.as_built = 0;
	be.op[PV_OP_irq_disable].tmpl = put(TMPL_ADDR, movb, sizeof(movb));
	pv_plan_native(&n, &be, &mem, PV_PATCH_FULL, &site_p, &call_p);
	assert_int_equal(site_p.strategy, PV_STRAT_INLINE);
	assert_int_equal(site_p.used, 7);
	assert_memory_equal(site_p.bytes, movb, sizeof(movb));
	memset(&be.op[PV_OP_irq_disable].tmpl, 0, sizeof(be.op[0].tmpl));
}

/* safe_halt as sched_op(SCHEDOP_block, 0) would load %ebx, which a
 * CALLER site keeps in 32-bit code: a direct call, never the hypercall
 * inline (the first PV32 Dom0 lost the command loop's line buffer, held
 * in %ebx across the halt).  The 64-bit form loads %edi %esi: allowed. */
static void test_hypercall_keeps_ebx(void **st)
{
	static const uint8_t int82[] = { 0xcd, 0x82 };
	struct pv_site_ref s = site(PV_OP_safe_halt);
	struct pv_plan p;

	(void)st;
	be.hypercall_page = T_BASE + 0xc000;
	be.hcall_insn_len = 2;
	memcpy(be.hcall_insn, int82, 2);
	be.op[PV_OP_safe_halt].hypercall = 29;
	be.op[PV_OP_safe_halt].hypercall_nconst = 2;
	be.op[PV_OP_safe_halt].hypercall_konst[0] = 1;
	be.op[PV_OP_safe_halt].hypercall_konst[1] = 0;
	assert_true(pv_hypercall_writes(0, 2) & PV_REG_RBX);
	pv_plan_site(&s, &be, PV_PATCH_FULL, &p);
	assert_int_equal(p.strategy, PV_STRAT_DIRECT);
	assert_int_equal(p.reason, PV_R_HYPERCALL_CLOBBERS);
	pv_code_mode = PV_MODE_64;
	assert_false(pv_hypercall_writes(0, 2) &
		     ~(uint16_t)PV_CLOBBERS_CALLER);
	pv_code_mode = PV_MODE_32;
	be.op[PV_OP_safe_halt].hypercall = -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_indirect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_call_wraps, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_class_clobbers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bodies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_syscall_hypercall,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_int82_hypercall, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pad_segment, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_native_set_pte, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_native_abi, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hypercall_keeps_ebx,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("patch32", tests, NULL, NULL);
}
