/* platform.h: the cold, boot-time half of a platform (native, Xen PV ...):
 * what is not worth a patched site.  The hot half is its struct pv_ops. */
#ifndef PLATFORM_H
#define PLATFORM_H

#include <stdint.h>
#include "pv/ops.h"

struct boot_info;
struct ktest_list;

struct platform {
	const char *name;          /* as printed in pv-summary */
	unsigned backend;          /* PV_BACKEND_* of its templates */
	const void *hypercall_page; /* for the planner's call fallback, or NULL */
	/* The planner's hypercall instruction (PV_HCALL_INSN_*), or NULL */
	const char *hypercall_insn;
	/* Ops table whose functions this one shares, and its backend: their
	 * templates and native sites as built (Xen PVH: native); or NULL */
	const struct pv_ops *borrow_ops;
	unsigned borrow_backend;
	const struct pv_ops *ops;  /* copied into pv_ops before any site runs */
	/* Console usable after this; pv_ops is already filled. */
	void (*early_init)(struct boot_info *bi);
	/* Periodic tick at hz: calls timer_tick() from interrupt context. */
	int (*timer_init)(unsigned hz);
	/* Brings up the other CPUs (Xen PV: VCPUOP_up); NULL: the MADT's
	 * natively (kernel/smp/smp.c), one CPU elsewhere. */
	void (*smp_init)(void);
	/* Ends the run: code 0 pass, else fail.  Never returns. */
	void (*shutdown)(int code) __attribute__((noreturn));
	/* Xen PV hook (issue 6): the platform's own selftests, run in every
	 * patch mode after the common ones; NULL if none. */
	const struct ktest_list *selftests;
	/* The kernel writes its own page tables with plain stores (bare
	 * metal, PVH): W^X with the native alias, NX through EFER. */
	int native_pt;
	/* W^X where the page tables are the hypervisor's to write (Xen PV):
	 * maps pte[0..n) to the n pages from pa with flags, or clears them
	 * (flags 0) and flushes the local TLB.  NULL: text W^X only with
	 * native page tables (plain stores and invlpg), else text writable. */
	void (*text_alias)(unsigned long long *pte, uint64_t pa, unsigned n,
			   uint64_t flags);
};

/* core/platform.c: which platform is this, from the CPUID leaves. */
const struct platform *platform_detect(uint32_t start_flags);
const char *platform_hypervisor(void);
/* PV_FEAT_* (pv/template.h) of this CPU through the cpuid op; pv_ops must
 * be filled.  Sets cpu_features, which ops that need a feature read. */
unsigned cpu_features_detect(void);
extern unsigned cpu_features;

/* core/timer.c */
extern volatile unsigned long long timer_ticks;
extern unsigned timer_hz;
void timer_tick(void);
int timer_init(const struct platform *pf, unsigned hz);
void timer_wait_ns(unsigned long long ns);
#endif /* PLATFORM_H */
