/* pvh_selftest.c: the PVH platform's own KTAP tests, run in every patch
 * mode: the vendor's hypercall in every page slot, events by the vector. */
#include "core/kernel.h"
#include "core/platform.h"
#include "core/pvboot.h"
#include "selftest/selftest.h"
#include "core/traps.h"
#include "native/native_inline.h"
#include "patch.h"
#include "pv/pvcalls.h"
#include "pv/sites.h"
#include "xen/pvh.h"
#include "xen/xen_pv.h"
#include <xen/version.h>

#define MS 1000000ull

/*
 * Every slot of the hypercall page is the planner's inline hypercall for
 * its number (mov $nr,%eax, or xor %eax,%eax for 0) with the instruction
 * of this CPU's vendor (CPUID leaf 0, read again here), then ret; and a
 * real hypercall through it answers (xen_version).
 */
/* CPUID leaf 0's vendor, read here again: AMD or Hygon take vmmcall. */
static const char *hypercall_insn_of_cpu(void)
{
	unsigned int a = 0, b, c = 0, d;

	__native_cpuid(&a, &b, &c, &d);
	/* "Auth" "enti" "cAMD", "Hygo" "nGen" "uine" */
	return b == 0x68747541 || b == 0x6f677948 ? PV_HCALL_INSN_VMMCALL :
						     PV_HCALL_INSN_VMCALL;
}

static int t_hypercall_page(struct ktest_ctx *c)
{
	const uint8_t *insn = (const uint8_t *)hypercall_insn_of_cpu();
	unsigned bad = 0;
	long ver;

	for (unsigned nr = 0; nr < 128; nr++) {
		const uint8_t *s = (const uint8_t *)hypercall_page + 32 * nr;
		unsigned m = nr ? 5 : 2; /* mov $nr,%eax or xor %eax,%eax */

		bad += (nr ? s[0] != 0xb8 || s[1] != nr || s[2] || s[3] ||
				     s[4] :
			     s[0] != 0x31 || s[1] != 0xc0) ||
		       memcmp(s + m, insn, 3) || s[m + 3] != 0xc3;
	}
	KTEST_EXPECT(c, !bad, "%u of 128 slots are not mov $nr,%%eax; %s; ret",
		     bad, insn[2] == 0xd9 ? "vmmcall" : "vmcall");
	ver = HYPERVISOR_xen_version(XENVER_version, NULL);
	KTEST_EXPECT(c, ver >> 16 >= 4, "xen_version: %lx", ver);
	return KTEST_PASS;
}

extern const struct pv_hcall_site __pv_hcall_sites_start[],
	__pv_hcall_sites_end[];

/* The instruction after mov $nr,%eax (or xor %eax,%eax) at a site, past
 * its padding prefixes; NULL if the site is not an inline hypercall. */
static const uint8_t *site_insn(const struct pv_hcall_site *r)
{
	const uint8_t *b = (const uint8_t *)pv_site_addr((const void *)r);
	unsigned k = 0;

	while (k < r->len && b[k] == 0x2e)
		k++;
	if (k + 8 <= r->len && b[k] == 0xb8 && b[k + 1] == r->nr &&
	    !b[k + 2] && !b[k + 3] && !b[k + 4])
		return b + k + 5;
	if (!r->nr && k + 5 <= r->len && b[k] == 0x31 && b[k + 1] == 0xc0)
		return b + k + 2;
	return NULL;
}

/*
 * Booted in full mode, every hypercall site (hypercall.h) holds its
 * hypercall inline with the vendor's instruction, whatever mode the
 * selftests have put the pv_ops sites in; otherwise each is still the
 * call into the page.
 */
static int t_hypercall_sites(struct ktest_ctx *c)
{
	const uint8_t *want = (const uint8_t *)hypercall_insn_of_cpu();
	unsigned n = 0, inl = 0;

	for (const struct pv_hcall_site *r = __pv_hcall_sites_start;
	     r < __pv_hcall_sites_end; r++) {
		const uint8_t *i = site_insn(r);

		n++;
		inl += i && !memcmp(i, want, 3);
	}
	KTEST_EXPECT(c, n > 10, "only %u hypercall sites", n);
	if (pvboot_state()->boot_mode != PV_PATCH_FULL) {
		KTEST_EXPECT(c, !inl, "%u of %u sites inline in mode %s", inl,
			     n, pvboot_mode_name(pvboot_state()->boot_mode));
		return KTEST_PASS;
	}
	KTEST_EXPECT(c, inl == n, "%u of %u hypercall sites are mov $nr,%%eax; "
		     "%s", inl, n, want[2] == 0xd9 ? "vmmcall" : "vmcall");
	return KTEST_PASS;
}

static volatile unsigned ipi_events;
static int ipi_port = -1;

static void ipi_event(unsigned port)
{
	(void)port;
	ipi_events++;
}

/*
 * An event sent to ourselves with interrupts off waits (IF, not the
 * vcpu_info mask, holds it under PVH) and arrives through the callback
 * vector as soon as irq_restore_fl sets IF again.
 */
static int t_callback_vector(struct ktest_ctx *c)
{
	unsigned before, held;
	unsigned long long irqs;
	unsigned long fl;

	if (ipi_port < 0) {
		ipi_port = xen_evtchn_bind_ipi(ipi_event);
		KTEST_EXPECT(c, ipi_port >= 0, "bind_ipi: error %d", ipi_port);
		xen_evtchn_unmask((unsigned)ipi_port);
	}
	fl = pv_irq_save();
	before = ipi_events;
	irqs = trap_irqs;
	KTEST_EXPECT(c, !xen_evtchn_send((unsigned)ipi_port), "send failed");
	held = ipi_events;
	pv_irq_restore_fl(fl | 0x200);
	for (unsigned i = 0; i < 1000000 && ipi_events == before; i++)
		__native_pause();
	pv_irq_restore_fl(fl);
	KTEST_EXPECT(c, held == before, "event ran with interrupts off");
	KTEST_EXPECT(c, ipi_events == before + 1 && trap_irqs > irqs,
		     "event not delivered by vector %u (%u events, %llu irqs)",
		     XEN_UPCALL_VECTOR, ipi_events - before, trap_irqs - irqs);
	return KTEST_PASS;
}

/* sched_clock is the pvclock: it moves with Xen's timer, 1 ms a tick. */
static int t_pvclock(struct ktest_ctx *c)
{
	unsigned long long t0 = timer_ticks, c0 = pv_sched_clock(), c1;

	while (timer_ticks < t0 + 10)
		pv_safe_halt();
	c1 = pv_sched_clock();
	KTEST_EXPECT(c, c1 - c0 >= 9 * MS && c1 - c0 < 10000 * MS,
		     "10 ticks took %llu ns of sched_clock", c1 - c0);
	return KTEST_PASS;
}

static const struct ktest pvh_tests[] = {
	{ .name = "pvh_hypercall_page", .fn = t_hypercall_page },
	{ .name = "pvh_hypercall_sites", .fn = t_hypercall_sites },
	{ .name = "pvh_callback_vector", .fn = t_callback_vector },
	{ .name = "pvh_pvclock", .fn = t_pvclock },
};
KTEST_LIST(xen_pvh_selftests, pvh_tests);
