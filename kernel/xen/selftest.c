/* selftest.c: the Xen platform's own KTAP tests, run in every patch mode:
 * events held while masked, batched page-table updates, inline hypercalls. */
#include "core/kernel.h"
#include "core/mm.h"
#include "core/platform.h"
#include "core/pvboot.h"
#include "selftest/selftest.h"
#include "core/traps.h"
#include "pv/pvcalls.h"
#include "xen/xen_pv.h"

#define MS 1000000ull
#ifdef __i386__
#define TEST_VA 0x40000000ull /* PAE: an L3 slot nothing else uses */
#else
#define TEST_VA 0xffffca0000000000ull /* a PML4 slot nothing else uses */
#endif
#define PATTERN1 0x5151515151515151ull
#define PATTERN2 0x5252525252525252ull

static volatile unsigned ipi_events;
static int ipi_port = -1;

static void ipi_event(unsigned port)
{
	(void)port;
	ipi_events++;
}

/* An event channel bound to this vCPU: sending on it notifies us. */
static int ipi_setup(struct ktest_ctx *c)
{
	static unsigned epoch;

	if (ipi_port >= 0 && epoch == xen_evtchn_epoch)
		return KTEST_PASS;
	epoch = xen_evtchn_epoch; /* a resume dropped the old port */
	ipi_port = xen_evtchn_bind_ipi(ipi_event);
	KTEST_EXPECT(c, ipi_port >= 0, "bind_ipi: error %d", ipi_port);
	xen_evtchn_unmask((unsigned)ipi_port);
	return KTEST_PASS;
}

/* Sends while masked; the event must wait (pending), then run at once on
 * unmasking: how = 0 by irq_enable, 1 by irq_restore_fl. */
static int event_held(struct ktest_ctx *c, int how)
{
	unsigned before, held, pending;
	unsigned long f = 0;
	int r = ipi_setup(c);

	if (r)
		return r;
	KTEST_EXPECT(c, pv_irq_save_fl() & XEN_EFLAGS_IF,
		     "events masked when the test began");
	if (how)
		f = pv_irq_save();
	else
		pv_irq_disable();
	before = ipi_events;
	xen_evtchn_send((unsigned)ipi_port);
	selftest_spin_ns(MS);
	held = ipi_events - before;
	pending = xen_vcpu->evtchn_upcall_pending &&
		  xen_evtchn_pending((unsigned)ipi_port);
	if (how)
		pv_irq_restore_fl(f);
	else
		pv_irq_enable();
	KTEST_EXPECT(c, !held && pending, "while masked: %u delivered, "
		     "pending %u", held, pending);
	KTEST_EXPECT(c, ipi_events - before == 1,
		     "%s delivered %u events",
		     how ? "restore_fl" : "irq_enable", ipi_events - before);
	return KTEST_PASS;
}

static int t_event_enable(struct ktest_ctx *c)
{
	return event_held(c, 0);
}

static int t_event_restore(struct ktest_ctx *c)
{
	return event_held(c, 1);
}

/*
 * The irq_enable site's slow path for real: an event sent while masked is
 * pending, so the site (inline template, direct or indirect call) takes
 * its `call xen_irq_enable_slow`, a hypercall on whose return Xen runs the
 * upcall.  Every register but %rax and the kept flags must survive that.
 */
static int t_enable_slow_regs(struct ktest_ctx *c)
{
	unsigned before, pending, delivered;
	int r = ipi_setup(c);

	if (r)
		return r;
	pv_irq_disable();
	before = ipi_events;
	xen_evtchn_send((unsigned)ipi_port);
	pending = xen_vcpu->evtchn_upcall_pending;
	r = selftest_regs_check(c, "irq_enable slow path",
				selftest_probe_irq_enable, 0, PV_CLASS_CALLEE,
				1);
	delivered = ipi_events - before;
	pv_irq_enable();
	KTEST_EXPECT(c, pending, "no event pending before the probe");
	if (r)
		return r;
	/* selftest_regs_check probes twice: the event came on the first. */
	KTEST_EXPECT(c, delivered == 1 && !xen_vcpu->evtchn_upcall_pending,
		     "%u events delivered by the probed irq_enable, want 1",
		     delivered);
	return KTEST_PASS;
}

static void fill(uint64_t pa, uint64_t v)
{
	uint64_t *p = phys_to_virt(pa);

	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		p[i] = v;
}

/* In lazy mode a PTE write and its flush are queued: the old mapping
 * holds until leave issues them, as one multicall. */
static int batch_steps(struct ktest_ctx *c, uint64_t p2)
{
	unsigned long long *pte = pt_lookup(TEST_VA);
	unsigned b0 = xen_mc_batches, q0 = xen_mc_queued;
	uint64_t before = 0, after = 0;

	KTEST_EXPECT(c, pte, "no PTE for the test address");
	pv_lazy_mmu_enter();
	pv_set_pte(pte, pv_make_pte(p2 | PTE_P | PTE_W));
	pv_flush_tlb_one_user(TEST_VA);
	probe_read_u64((void *)(uintptr_t)TEST_VA, &before);
	pv_lazy_mmu_leave();
	probe_read_u64((void *)(uintptr_t)TEST_VA, &after);
	KTEST_EXPECT(c, before == PATTERN1 && after == PATTERN2,
		     "read %llx while queued, %llx after leave",
		     (unsigned long long)before, (unsigned long long)after);
	KTEST_EXPECT(c, xen_mc_queued - q0 == 2 && xen_mc_batches - b0 == 1,
		     "%u calls queued in %u multicalls, want 2 in 1",
		     xen_mc_queued - q0, xen_mc_batches - b0);
	return KTEST_PASS;
}

static int t_mmu_batch(struct ktest_ctx *c)
{
	uint64_t p1 = pmm_alloc(), p2 = pmm_alloc();
	int r = KTEST_FAIL;

	if (p1 && p2 && !pt_map(TEST_VA, p1, PTE_W)) {
		fill(p1, PATTERN1);
		fill(p2, PATTERN2);
		r = batch_steps(c, p2);
		pt_unmap(TEST_VA);
		pt_release(TEST_VA);
	} else {
		ktest_fail(c, "cannot map the test address");
	}
	if (p1)
		pmm_free(p1);
	if (p2)
		pmm_free(p2);
	return r;
}

/* Xen refuses writable mappings of page tables: the live root is read-only
 * in the direct map, so a store faults (present, write). */
static int t_pt_readonly(struct ktest_ctx *c)
{
	volatile uint64_t *root = phys_to_virt(paging_root());
	unsigned before = trap_last_fixup.count;
	int err = probe_write_u64(root, root[0]);

	KTEST_EXPECT(c, err == -PV_EFAULT &&
				trap_last_fixup.count == before + 1,
		     "store to the L4 page did not fault");
	KTEST_EXPECT(c, trap_last_fixup.vec == 14 &&
				(trap_last_fixup.err & 3) == 3,
		     "vector %llu error %llx, want #PF present|write",
		     (unsigned long long)trap_last_fixup.vec,
		     (unsigned long long)trap_last_fixup.err);
	return KTEST_PASS;
}

#ifdef __i386__
/*
 * PV32: the planner leaves safe_halt a direct call.  Its inline form would
 * load SCHEDOP_block into %ebx, which a CALLER site keeps (regparm(3)
 * callers may change only %eax %ecx %edx): every site must call the
 * backend's function instead.
 */
static int sites_are_hypercalls(struct ktest_ctx *c)
{
	unsigned n, found = 0, bad = 0;
	const struct pv_site *r = selftest_records(&n);

	for (unsigned i = 0; i < n; i++) {
		struct pv_site_ref s = selftest_site_ref(&r[i]);
		const uint8_t *b = (const uint8_t *)(uintptr_t)s.addr;
		int32_t rel;

		if (s.op != PV_OP_safe_halt)
			continue;
		found++;
		memcpy(&rel, b + 1, 4);
		bad += b[0] != 0xe8 ||
		       (uint32_t)(s.addr + 5 + (uint32_t)rel) !=
			       (uint32_t)(uintptr_t)xen_safe_halt;
	}
	KTEST_EXPECT(c, found && !bad, "%u of %u safe_halt sites do not call "
		     "xen_safe_halt", bad, found);
	return KTEST_PASS;
}
#else
/* The bytes the planner's hypercall strategy puts at a safe_halt site. */
static const uint8_t block_call[] = {
	0xbf, 0x01, 0x00, 0x00, 0x00,	/* mov $SCHEDOP_block, %edi */
	0x31, 0xf6,			/* xor %esi, %esi */
	0xb8, 0x1d, 0x00, 0x00, 0x00,	/* mov $sched_op (29), %eax */
	0x0f, 0x05,			/* syscall */
};

/* In full mode every safe_halt site is the hypercall itself. */
static int sites_are_hypercalls(struct ktest_ctx *c)
{
	unsigned n, found = 0, bad = 0;
	const struct pv_site *r = selftest_records(&n);

	for (unsigned i = 0; i < n; i++) {
		struct pv_site_ref s = selftest_site_ref(&r[i]);
		const uint8_t *b = (const uint8_t *)(uintptr_t)s.addr;
		unsigned k = 0;

		if (s.op != PV_OP_safe_halt)
			continue;
		found++;
		while (k < s.len && b[k] == 0x2e) /* padding as prefixes */
			k++;
		bad += k + sizeof(block_call) > s.len ||
		       memcmp(b + k, block_call, sizeof(block_call));
	}
	KTEST_EXPECT(c, found && !bad, "%u of %u safe_halt sites are not "
		     "the inline SCHEDOP_block", bad, found);
	return KTEST_PASS;
}

#endif

/*
 * safe_halt is one hypercall, SCHEDOP_block: with events masked it must
 * unmask them and block the vCPU until an event, which the runstate area
 * shows as time spent blocked.  An event already pending makes Xen return
 * at once (correctly), and on a DomU another event (xenconsoled's, after
 * it reads our output) may end a block before the tick: block until both
 * some blocked time and a tick are seen, a few times at most.
 */
static int t_block_hypercall(struct ktest_ctx *c)
{
	unsigned long long t0 = timer_ticks, blocked = 0;
	unsigned mask = 0, tries;

	for (tries = 0; tries < 20 && (!blocked || timer_ticks == t0) && !mask;
	     tries++) {
		unsigned long long b0;

		pv_irq_disable();
		b0 = xen_blocked_ns();
		pv_safe_halt();
		mask = xen_vcpu->evtchn_upcall_mask;
		blocked += xen_blocked_ns() - b0;
		pv_irq_enable();
	}
	KTEST_EXPECT(c, !mask, "events still masked after SCHEDOP_block");
	KTEST_EXPECT(c, blocked && timer_ticks > t0,
		     "%u tries: blocked %llu ns, %llu ticks: no SCHEDOP_block",
		     tries, blocked, timer_ticks - t0);
	if (c->mode == PV_PATCH_FULL)
		return sites_are_hypercalls(c);
	return KTEST_PASS;
}

/*
 * load_ldt is MMUEXT_SET_LDT, which wants a page-aligned table; the LDT
 * register then holds Xen's selector for it, and 0 once unloaded.
 */
static int t_ldt(struct ktest_ctx *c)
{
	static const uint64_t ldt[512] __attribute__((aligned(4096)));
	uint16_t loaded, unloaded;

	pv_load_ldt(ldt, 1);
	__asm__ volatile("sldt %0" : "=r"(loaded));
	pv_load_ldt(NULL, 0);
	__asm__ volatile("sldt %0" : "=r"(unloaded));
	KTEST_EXPECT(c, loaded && !unloaded, "sldt %x loaded, %x unloaded",
		     loaded, unloaded);
	return KTEST_PASS;
}

/*
 * pte_val of an entry whose frame is not our RAM: beyond the M2P, in an
 * unmapped part of it (on Dom0 the read faults and is caught), or Xen's own
 * shared_info frame.  Each comes back unchanged; our RAM still translates.
 */
static int t_m2p_foreign(struct ktest_ctx *c)
{
	static const uint64_t flags = 0x8000000000000063ull; /* NX D A W P */
	unsigned long nr = xen_m2p_nr;
	unsigned faults = trap_last_fixup.count;
	uint64_t far = (uint64_t)(nr + 5) << 12 | flags;
	uint64_t hole = (uint64_t)(nr + (1ul << 20)) << 12 | flags;
	uint64_t shinfo = (xen_start_info.shared_info & ~0xfffull) | flags;
	uint64_t ram = (uint64_t)xen_pfn_to_mfn(3) << 12 | flags;
	uint64_t got_hole;

	KTEST_EXPECT(c, nr > 0, "M2P size unknown");
	KTEST_EXPECT(c, pv_pte_val(far) == far, "mfn past the M2P: %llx",
		     (unsigned long long)pv_pte_val(far));
	/* let the read reach the unmapped tail of the M2P area */
	xen_m2p_nr = (MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) /
		     sizeof(unsigned long);
	got_hole = pv_pte_val(hole);
	xen_m2p_nr = nr;
	/* Dom0's M2P tail is unmapped (the read faults and is caught); a
	 * DomU's reads as an invalid entry.  Either way: unchanged. */
	KTEST_EXPECT(c, got_hole == hole &&
			(trap_last_fixup.count == faults ||
			 (trap_last_fixup.count == faults + 1 &&
			  trap_last_fixup.vec == 14)),
		     "M2P hole: %llx, %u faults caught",
		     (unsigned long long)got_hole,
		     trap_last_fixup.count - faults);
	KTEST_EXPECT(c, pv_pte_val(shinfo) == shinfo, "shared_info frame: %llx",
		     (unsigned long long)pv_pte_val(shinfo));
	KTEST_EXPECT(c, pv_pte_val(ram) == (3ull << 12 | flags),
		     "our pfn 3: %llx", (unsigned long long)pv_pte_val(ram));
	return KTEST_PASS;
}

#ifdef __i386__
/*
 * PV32, one vCPU: the irq ops act on vcpu_info[0] in shared_info, at the
 * fixed address the templates name (alt-sites/xen_32.S); the tick runs.
 */
static int t_vcpu_info_fixed(struct ktest_ctx *c)
{
	const volatile uint8_t *mine =
		(const volatile uint8_t *)&xen_shared_page.s.vcpu_info[0];
	unsigned long long t0 = timer_ticks;
	unsigned long f = pv_irq_save();
	unsigned masked = mine[XEN_VCPU_MASK], enabled;

	pv_irq_enable();
	enabled = !mine[XEN_VCPU_MASK] && (pv_irq_save_fl() & XEN_EFLAGS_IF);
	pv_irq_restore_fl(f);
	KTEST_EXPECT(c, xen_vcpu == (void *)mine && masked == 1 && enabled,
		     "vcpu_info %p, masked %u, enabled %u", (void *)xen_vcpu,
		     masked, enabled);
	selftest_spin_ns(100 * MS);
	KTEST_EXPECT(c, timer_ticks > t0, "no tick in 100 ms");
	return KTEST_PASS;
}
#else
/* What a vCPU saw of its own event mask in a cross-CPU call (an upcall:
 * Xen masked events in the vcpu_info it knows as this vCPU's). */
static struct {
	volatile unsigned cpu, mask, save_fl, ran;
} vcpu_seen[SMP_MAX_CPUS];

static void vcpu_look(void *arg)
{
	unsigned cpu = smp_cpu_id();

	(void)arg;
	vcpu_seen[cpu].cpu = cpu;
	vcpu_seen[cpu].mask = smp_percpu[cpu].xen_vcpu_info[XEN_VCPU_MASK];
	vcpu_seen[cpu].save_fl = (unsigned)pv_irq_save_fl();
	vcpu_seen[cpu].ran = 1;
}

/*
 * Each vCPU's irq ops act on its own vcpu_info, in its per-CPU area (the
 * templates are %gs-relative): here on this one, and on every other one
 * inside the call IPI, where Xen masked that vCPU's events.  Every vCPU's
 * tick (its own VIRQ_TIMER) advances.
 */
static int t_vcpu_info_percpu(struct ktest_ctx *c)
{
	const volatile uint8_t *mine = smp_percpu[0].xen_vcpu_info;
	unsigned long long t0[SMP_MAX_CPUS];
	unsigned long f = pv_irq_save();
	unsigned masked = mine[XEN_VCPU_MASK], enabled;

	pv_irq_enable();
	enabled = !mine[XEN_VCPU_MASK] && (pv_irq_save_fl() & XEN_EFLAGS_IF);
	pv_irq_restore_fl(f);
	KTEST_EXPECT(c, xen_vcpu == (void *)mine && masked == 1 && enabled,
		     "vCPU 0: vcpu_info %p, masked %u, enabled %u", xen_vcpu,
		     masked, enabled);
	memset((void *)vcpu_seen, 0, sizeof(vcpu_seen));
	for (unsigned i = 0; i < SMP_MAX_CPUS; i++)
		t0[i] = i ? smp_percpu[i].apic_ticks : timer_ticks;
	smp_call_others(vcpu_look, NULL);
	selftest_spin_ns(100 * MS);
	for (unsigned i = 0; i < SMP_MAX_CPUS; i++) {
		unsigned long long t = i ? smp_percpu[i].apic_ticks : timer_ticks;

		if (!smp_percpu[i].online)
			continue;
		KTEST_EXPECT(c, !i || (vcpu_seen[i].ran &&
				       vcpu_seen[i].cpu == i &&
				       vcpu_seen[i].mask == 1 &&
				       !(vcpu_seen[i].save_fl & XEN_EFLAGS_IF)),
			     "vCPU %u in the call: ran %u as cpu %u, mask %u, "
			     "save_fl %x", i, vcpu_seen[i].ran,
			     vcpu_seen[i].cpu, vcpu_seen[i].mask,
			     vcpu_seen[i].save_fl);
		KTEST_EXPECT(c, t > t0[i], "vCPU %u: no tick in 100 ms", i);
	}
	return KTEST_PASS;
}
#endif

static const struct ktest xen_tests[] = {
	{ .name = "xen_ldt", .fn = t_ldt },
	{ .name = "xen_event_held_enable", .fn = t_event_enable },
	{ .name = "xen_event_held_restore", .fn = t_event_restore },
	{ .name = "xen_enable_slow_regs", .fn = t_enable_slow_regs },
	{ .name = "xen_mmu_batch", .fn = t_mmu_batch },
	{ .name = "xen_pt_readonly", .fn = t_pt_readonly },
	{ .name = "xen_block_hypercall", .fn = t_block_hypercall },
	{ .name = "xen_m2p_foreign", .fn = t_m2p_foreign },
#ifdef __i386__
	{ .name = "xen_vcpu_info_fixed", .fn = t_vcpu_info_fixed },
#else
	{ .name = "xen_vcpu_info_percpu", .fn = t_vcpu_info_percpu },
#endif
};
KTEST_LIST(xen_selftests, xen_tests);
