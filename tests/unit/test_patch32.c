/* test_patch32.c: the patcher's production code on i386 code (pv_code_mode
 * 32): the absolute indirect call, rel32 across 4 GiB, regparm clobbers,
 * bodies copied without relocation, the int $0x82 hypercall form. */
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
	/* padded with PV_PREFIX_MAX cs prefixes, then a NOP */
	assert_int_equal(p.used, 5 + PV_PREFIX_MAX);
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
		cmocka_unit_test_setup_teardown(test_hypercall_keeps_ebx,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("patch32", tests, NULL, NULL);
}
