/* selftest/ops.c: per-op KTAP tests, run in every patch mode: each op must
 * give the same observable result through an indirect call, a direct call
 * and its inline form.  Values seen in the first mode are the reference. */
#include "selftest/selftest.h"
#include "core/mm.h"
#include "core/platform.h"
#include "core/traps.h"
#include "pv/pvcalls.h"
#include "pv/sites.h"
#include "pv/template.h"

#define X86_EFLAGS_IF 0x200ul
#define X86_CR0_PE 0x1ul
#define X86_CR0_PG 0x80000000ul
#define X86_CR4_PAE 0x20ul
#define MSR_EFER 0xc0000080u
#define EFER_LME_LMA 0x500ull
#define MSR_GS_BASE 0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
/* Writing a reserved bit of IA32_PKRS faults everywhere, including QEMU
 * TCG, which answers most unknown MSRs without a fault. */
#define MSR_IA32_PKRS 0x6e1u
#define PKRS_RESERVED (1ull << 32)
/* An MSR no CPU implements: #GP on hardware, 0 under QEMU TCG. */
#define MSR_ABSENT 0xc0011fffu

static struct {
	unsigned int cpuid[2][4];
	unsigned long cr0, cr4;
	unsigned long long efer;
} ref;

static int t_irq_flags(struct ktest_ctx *c)
{
	unsigned long on, off, f;

	pv_irq_disable();
	off = pv_irq_save_fl();
	pv_irq_enable();
	on = pv_irq_save_fl();
	KTEST_EXPECT(c, !(off & X86_EFLAGS_IF) && (on & X86_EFLAGS_IF),
		     "disable/enable: save_fl %lx then %lx", off, on);
	f = pv_irq_save();
	KTEST_EXPECT(c, (f & X86_EFLAGS_IF) &&
				!(pv_irq_save_fl() & X86_EFLAGS_IF),
		     "irq_save: flags %lx, still enabled", f);
	pv_irq_restore_fl(f);
	KTEST_EXPECT(c, pv_irq_save_fl() & X86_EFLAGS_IF,
		     "restore_fl(enabled) left interrupts off");
	pv_irq_restore_fl(off);
	f = pv_irq_save_fl();
	pv_irq_restore_fl(on);
	KTEST_EXPECT(c, !(f & X86_EFLAGS_IF),
		     "restore_fl(disabled) left interrupts on");
	return KTEST_PASS;
}

static int t_cpuid(struct ktest_ctx *c)
{
	unsigned int r[2][4];

	for (unsigned leaf = 0; leaf < 2; leaf++) {
		r[leaf][0] = leaf, r[leaf][2] = 0;
		pv_cpuid(&r[leaf][0], &r[leaf][1], &r[leaf][2], &r[leaf][3]);
	}
	KTEST_EXPECT(c, r[0][0] >= 1 && r[0][1], "leaf 0: max %u vendor %x",
		     r[0][0], r[0][1]);
	if (c->first)
		memcpy(ref.cpuid, r, sizeof(r));
	KTEST_EXPECT(c, !memcmp(ref.cpuid, r, sizeof(r)),
		     "leaf 1 eax %x, first mode saw %x", r[1][0],
		     ref.cpuid[1][0]);
	return KTEST_PASS;
}

static int t_read_cr(struct ktest_ctx *c)
{
	unsigned long cr0 = pv_read_cr0(), cr3 = pv_read_cr3();
	unsigned long cr4 = pv_read_cr4();

	KTEST_EXPECT(c, (cr0 & (X86_CR0_PE | X86_CR0_PG)) ==
				(X86_CR0_PE | X86_CR0_PG),
		     "cr0 %lx lacks PE|PG", cr0);
	KTEST_EXPECT(c, cr4 & X86_CR4_PAE, "cr4 %lx lacks PAE", cr4);
	KTEST_EXPECT(c, (cr3 & PTE_ADDR) == paging_root(),
		     "cr3 %lx, page tables at %llx", cr3,
		     (unsigned long long)paging_root());
	if (c->first)
		ref.cr0 = cr0, ref.cr4 = cr4;
	KTEST_EXPECT(c, cr0 == ref.cr0 && cr4 == ref.cr4,
		     "cr0 %lx cr4 %lx, first mode saw %lx %lx", cr0, cr4,
		     ref.cr0, ref.cr4);
	return KTEST_PASS;
}

static int t_write_cr(struct ktest_ctx *c)
{
	static volatile unsigned long probe = 0x5a5a;
	unsigned long cr2 = pv_read_cr2();

	pv_write_cr2(0x1234000ul);
	KTEST_EXPECT(c, pv_read_cr2() == 0x1234000ul, "cr2 reads back %lx",
		     pv_read_cr2());
	pv_write_cr2(cr2);
	pv_write_cr0(pv_read_cr0());
	pv_write_cr4(pv_read_cr4());
	pv_write_cr3(pv_read_cr3()); /* a full flush; memory still there */
	KTEST_EXPECT(c, probe == 0x5a5a && pv_read_cr0() == ref.cr0 &&
				pv_read_cr4() == ref.cr4,
		     "state changed by writing it back");
	return KTEST_PASS;
}

#ifdef __i386__
/* Legacy mode: EFER.LME and LMA clear; a P6 MSR to write and read back,
 * or on Xen PV32, which refuses that one, TSC_AUX (Xen keeps a guest's
 * own value and gives it back). */
#define EFER_WANT    0
#define MSR_TSC_AUX  0xc0000103u
#define MSR_RW_TEST                                                            \
	(kernel_platform()->backend == PV_BACKEND_XEN ? MSR_TSC_AUX :          \
							0x176 /* SYSENTER_EIP */)
#define MSR_RW_VALUE 0x12345000ull
#define SWAPGS_SWAPS 0 /* no swapgs outside long mode: the op is empty */
#else
#define EFER_WANT    EFER_LME_LMA
#define MSR_RW_TEST  MSR_KERNEL_GS_BASE
#define MSR_RW_VALUE 0xffff800012345000ull
#define SWAPGS_SWAPS 1
#endif

static int t_msr(struct ktest_ctx *c)
{
	unsigned long long efer = pv_read_msr(MSR_EFER);
	unsigned long long kgs = pv_read_msr(MSR_RW_TEST);
	unsigned long long v = MSR_RW_VALUE;

	KTEST_EXPECT(c, (efer & EFER_LME_LMA) == EFER_WANT,
		     "EFER %llx: LME|LMA not %llx", efer,
		     (unsigned long long)EFER_WANT);
	pv_write_msr(MSR_RW_TEST, v);
	v = pv_read_msr(MSR_RW_TEST);
	pv_write_msr(MSR_RW_TEST, kgs);
	KTEST_EXPECT(c, v == MSR_RW_VALUE, "MSR %x reads back %llx",
		     MSR_RW_TEST, v);
	if (c->first)
		ref.efer = efer;
	KTEST_EXPECT(c, efer == ref.efer, "EFER %llx, first mode saw %llx",
		     efer, ref.efer);
	return KTEST_PASS;
}

static int t_msr_safe(struct ktest_ctx *c)
{
	int err = 0, rerr = 0, werr;
	unsigned long long efer = pv_read_msr_safe(MSR_EFER, &err);
	unsigned long long absent = pv_read_msr_safe(MSR_ABSENT, &rerr);

	KTEST_EXPECT(c, !err && efer == pv_read_msr(MSR_EFER),
		     "EFER: err %d value %llx", err, efer);
	werr = pv_write_msr_safe(MSR_RW_TEST, pv_read_msr(MSR_RW_TEST));
	KTEST_EXPECT(c, !werr, "write MSR %x: err %d", MSR_RW_TEST, werr);
	werr = pv_write_msr_safe(MSR_IA32_PKRS, PKRS_RESERVED);
	KTEST_EXPECT(c, werr == -PV_EIO, "write PKRS reserved bit: err %d",
		     werr);
	/* Either it faulted (-EIO, value 0) or the CPU answered (TCG: 0). */
	KTEST_EXPECT(c, (rerr == -PV_EIO || !rerr) && !absent,
		     "absent MSR %x: err %d value %llx", MSR_ABSENT, rerr,
		     absent);
	return KTEST_PASS;
}

static int t_tsc(struct ktest_ctx *c)
{
	unsigned long long t1 = pv_read_tsc(), t2, t3;
	unsigned int aux = ~0u;

	t2 = pv_read_tsc();
	KTEST_EXPECT(c, t1 && t2 >= t1, "tsc went %llu -> %llu", t1, t2);
	/* without rdtscp the site must not hold it: the backend's function
	 * answers with rdtsc and aux 0 (an inline rdtscp would #UD here) */
	t3 = pv_read_tscp(&aux);
	KTEST_EXPECT(c, t3 >= t2 && aux != ~0u, "tscp %llu after %llu, aux %x",
		     t3, t2, aux);
	KTEST_EXPECT(c, (cpu_features & PV_FEAT_RDTSCP) || aux == 0,
		     "no rdtscp, yet aux %x", aux);
	return KTEST_PASS;
}

static int t_descriptors(struct ktest_ctx *c)
{
	static const uint64_t ldt[1] = { 0 };
	struct desc_ptr gdtr, idtr;
	unsigned before = trap_breakpoints;
	uint16_t ldtr;

	gdt_current(&gdtr, &idtr);
	pv_load_gdt(&gdtr);
	pv_load_idt(&idtr);
	__asm__ volatile("int3");
	KTEST_EXPECT(c, trap_breakpoints == before + 1,
		     "int3 after load_idt not seen by our handler");
	/* Xen PV hook (issue 6): Xen owns the TSS and the LDT selector: the
	 * checks below are native-only (xen_ldt checks load_ldt there). */
	if (kernel_platform()->backend == PV_BACKEND_XEN)
		return KTEST_PASS;
	gdt_tss_clear_busy();
	pv_load_tr(GDT_TSS);
	KTEST_EXPECT(c, gdt_tss_busy(), "load_tr did not mark the TSS busy");
	pv_load_ldt(ldt, 1);
	__asm__ volatile("sldt %0" : "=r"(ldtr));
	pv_load_ldt(NULL, 0);
	KTEST_EXPECT(c, ldtr == GDT_LDT, "sldt %x after load_ldt", ldtr);
	__asm__ volatile("sldt %0" : "=r"(ldtr));
	KTEST_EXPECT(c, ldtr == 0, "sldt %x after unloading", ldtr);
	return KTEST_PASS;
}

static int t_load_sp0(struct ktest_ctx *c)
{
	uint64_t old = cpu_tss.rsp0;

	pv_load_sp0((unsigned long)(KERNEL_VIRT_BASE + 0xdead00));
	KTEST_EXPECT(
	    c, cpu_tss.rsp0 == (unsigned long)(KERNEL_VIRT_BASE + 0xdead00),
	    "tss.rsp0 %llx", (unsigned long long)cpu_tss.rsp0);
	pv_load_sp0(old);
	return KTEST_PASS;
}

/*
 * wbinvd and io_delay change nothing a program can read, so what is
 * checked is what they may not do (lose memory written before them, stop
 * the clock) and, patched, that each site is the op in the form its mode
 * wants (selftest/patch.c).
 */
static int t_io_delay_wbinvd(struct ktest_ctx *c)
{
	static volatile uint64_t buf[64];
	unsigned long long t0 = pv_sched_clock();
	unsigned bad = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(buf); i++)
		buf[i] = 0x3c3c000000000000ull ^ (t0 + i);
	for (int i = 0; i < 16; i++)
		pv_io_delay();
	pv_wbinvd();
	for (unsigned i = 0; i < ARRAY_SIZE(buf); i++)
		bad += buf[i] != (0x3c3c000000000000ull ^ (t0 + i));
	KTEST_EXPECT(c, !bad, "%u of %u words changed across wbinvd", bad,
		     (unsigned)ARRAY_SIZE(buf));
	/* the clock runs on: it passes t0 within a million reads (two reads
	 * may give the same value where the clock's step is coarse) */
	for (unsigned i = 0; i < 1000000 && pv_sched_clock() <= t0; i++)
		;
	KTEST_EXPECT(c, pv_sched_clock() > t0, "clock stood still");
#ifndef PV_NO_PARAVIRT
	if (selftest_op_sites(c, PV_OP_wbinvd) ||
	    selftest_op_sites(c, PV_OP_io_delay))
		return KTEST_FAIL;
#endif
	return KTEST_PASS;
}

/* Xen PV hook (issue 6): Xen swaps the GS bases itself on every
 * kernel/user transition, so its swapgs op (as Linux's) leaves both. */
#ifdef __i386__
/* PV32: no GS base MSRs (Xen refuses them to a 32-bit guest); the op
 * must leave the %gs selector, as native i386's empty one does. */
static int swapgs_keeps(struct ktest_ctx *c)
{
	unsigned short before, after;

	__asm__ volatile("mov %%gs, %0" : "=r"(before));
	pv_swapgs();
	__asm__ volatile("mov %%gs, %0" : "=r"(after));
	KTEST_EXPECT(c, before == after, "Xen swapgs moved %%gs %x -> %x",
		     before, after);
	return KTEST_PASS;
}
#else
static int swapgs_keeps(struct ktest_ctx *c)
{
	unsigned long long gs = pv_read_msr(MSR_GS_BASE);
	unsigned long long kgs = pv_read_msr(MSR_KERNEL_GS_BASE), a, b;

	pv_swapgs();
	a = pv_read_msr(MSR_GS_BASE);
	b = pv_read_msr(MSR_KERNEL_GS_BASE);
	KTEST_EXPECT(c, a == gs && b == kgs,
		     "Xen swapgs moved GS %llx -> %llx, KERNEL_GS %llx -> %llx",
		     gs, a, kgs, b);
	return KTEST_PASS;
}
#endif

static int t_swapgs(struct ktest_ctx *c)
{
	unsigned long long gs, kgs, a, b;
	unsigned long f;

	if (kernel_platform()->backend == PV_BACKEND_XEN)
		return swapgs_keeps(c);
	f = pv_irq_save();

	gs = pv_read_msr(MSR_GS_BASE);
	kgs = pv_read_msr(MSR_KERNEL_GS_BASE);
	pv_write_msr(MSR_GS_BASE, 0x1000);
	pv_write_msr(MSR_KERNEL_GS_BASE, 0x2000);
	pv_swapgs();
	a = pv_read_msr(MSR_GS_BASE);
	b = pv_read_msr(MSR_KERNEL_GS_BASE);
	pv_swapgs();
	pv_write_msr(MSR_GS_BASE, gs);
	pv_write_msr(MSR_KERNEL_GS_BASE, kgs);
	pv_irq_restore_fl(f);
	KTEST_EXPECT(c,
		     SWAPGS_SWAPS ? a == 0x2000 && b == 0x1000
				  : a == 0x1000 && b == 0x2000,
		     "after swapgs GS %llx KERNEL_GS %llx", a, b);
	return KTEST_PASS;
}

static int t_clocks(struct ktest_ctx *c)
{
	unsigned long long t0 = pv_sched_clock(), t1, steal;

	selftest_spin_ns(1000000);
	t1 = pv_sched_clock();
	steal = pv_steal_clock(0);
	KTEST_EXPECT(c, t1 - t0 >= 1000000 && t1 - t0 < 1000000000ull,
		     "1 ms spin measured %llu ns", t1 - t0);
	KTEST_EXPECT(c, steal <= t1, "steal %llu beyond uptime %llu", steal,
		     t1);
	return KTEST_PASS;
}

/*
 * lock_wait is one round of waiting for *ptr to leave val: it returns
 * (even with interrupts off, nobody to change the byte) and leaves the
 * byte alone, and a caller's loop ends when the byte changes: here the low
 * byte of the tick count, changed by the timer interrupt as another CPU
 * would release a lock.  lock_kick has nobody to wake before SMP.
 */
static int t_lock(struct ktest_ctx *c)
{
	static volatile unsigned char lock = 1;
	volatile unsigned char *tick = (volatile unsigned char *)&timer_ticks;
	unsigned long long end = pv_sched_clock() + 200000000ull; /* 200 ms */
	unsigned long f = pv_irq_save(), rounds = 0;
	unsigned char v;

	pv_lock_wait(&lock, 1);
	pv_lock_wait(&lock, 2);
	pv_irq_restore_fl(f);
	KTEST_EXPECT(c, lock == 1, "lock_wait changed the byte to %u", lock);
	v = *tick;
	/* at least 1000 rounds: a loaded host may deschedule the vCPU for
	 * longer than the bound between two reads of the clock */
	while (*tick == v && (pv_sched_clock() < end || rounds < 1000)) {
		pv_lock_wait(tick, v);
		rounds++;
	}
	KTEST_EXPECT(c, *tick != v && rounds,
		     "waiting for a tick: %lu rounds, byte %u then %u", rounds,
		     v, *tick);
	pv_lock_kick(0);
	return KTEST_PASS;
}

/* The bytes reach the backend's device (the boot tests look for the line
 * on the host's side of it). */
static int t_console(struct ktest_ctx *c)
{
	static const char *const mode[] = { "full", "noinline", "nopatch" };
	char line[64];
	unsigned long before = console_out_bytes;
	int n = snprintf(line, sizeof(line), "# console_write: %s\n",
			 c->mode >= 0 && c->mode < 3 ? mode[c->mode] : "native");

	pv_console_write(line, (unsigned long)n);
	KTEST_EXPECT(c, console_out_bytes - before == (unsigned long)n,
		     "%lu of %d bytes reached the console",
		     console_out_bytes - before, n);
	return KTEST_PASS;
}

/* make_pte and pte_val are inverses on a real frame (identity natively). */
static int t_pte_encode(struct ktest_ctx *c)
{
	unsigned long long v = paging_root() | PTE_P | PTE_W | PTE_A;
	unsigned long long e = pv_make_pte(v), back = pv_pte_val(e);

	KTEST_EXPECT(c, back == v,
		     "pte_val(make_pte(%llx)) = %llx (entry %llx)", v, back, e);
	return KTEST_PASS;
}

/* The breakpoint handler returns through the iret site. */
static int t_iret(struct ktest_ctx *c)
{
	unsigned before = trap_breakpoints;
	const unsigned long want = (unsigned long)0x1234567890abcdefull;
	unsigned long keep = want;

	for (int i = 0; i < 3; i++)
		__asm__ volatile("int3" : "+r"(keep) : : "memory");
	KTEST_EXPECT(c, trap_breakpoints == before + 3 && keep == want,
		     "%u breakpoints returned, register %lx",
		     trap_breakpoints - before, keep);
	return KTEST_PASS;
}

static const struct ktest op_tests[] = {
	{ .name = "irq_flags", .fn = t_irq_flags },
	{ .name = "cpuid", .fn = t_cpuid },
	{ .name = "read_cr", .fn = t_read_cr },
	{ .name = "write_cr", .fn = t_write_cr },
	{ .name = "msr", .fn = t_msr },
	{ .name = "msr_safe", .fn = t_msr_safe },
	{ .name = "tsc", .fn = t_tsc },
	{ .name = "descriptors", .fn = t_descriptors },
	{ .name = "load_sp0", .fn = t_load_sp0 },
	{ .name = "io_delay_wbinvd", .fn = t_io_delay_wbinvd },
	{ .name = "swapgs", .fn = t_swapgs },
	{ .name = "clocks", .fn = t_clocks },
	{ .name = "lock", .fn = t_lock },
	{ .name = "console_write", .fn = t_console },
	{ .name = "pte_encode", .fn = t_pte_encode },
	{ .name = "iret", .fn = t_iret },
};
KTEST_LIST(selftest_op_tests, op_tests);
