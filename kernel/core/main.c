/* main.c: the kernel's order of things, from the entry code's boot_info to
 * the two closing lines (pv-summary, RESULT) that every run ends with. */
#include "core/cmdloop.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/platform.h"
#include "core/pvboot.h"
#include "selftest/selftest.h"
#include "core/traps.h"
#include "pv/pvcalls.h"
#include "smp/smp.h"
#include "smp/textpoke.h"

#define TIMER_HZ 1000

static const struct platform *cur_platform;
static int boot_failed;

const struct platform *kernel_platform(void)
{
	return cur_platform;
}

static void mm_init(const struct boot_info *bi)
{
	int err;

	pmm_init(bi);
	err = paging_init(bi);
	if (err)
		panic("mm: paging_init: error %d", err);
	printk("mm: %llu MiB usable, %llu pages free, page tables at %llx\n",
	       (unsigned long long)(pmm_total_pages() >> 8),
	       (unsigned long long)pmm_free_pages(),
	       (unsigned long long)paging_root());
}

static void banner(const struct boot_info *bi)
{
	const char *hv = platform_hypervisor();

	printk("\npvkernel: %s platform%s%s, %s, site length %u\n",
	       cur_platform->name, *hv ? ", hypervisor " : "", hv,
#ifdef PV_NO_PARAVIRT
	       "PV=n (no pv_ops)",
#else
	       "PV=y",
#endif
	       (unsigned)PV_SITE_LEN);
	printk("cmdline: %s\n", bi->cmdline);
}

/* `fault`: an unexpected #PF, to show (and test) the trap report. */
static __noinline void fault_selfcheck(void)
{
	uintptr_t addr = 0x10; /* a NULL-pointer member access */

	__asm__("" : "+r"(addr)); /* hide the constant from gcc's checks */
	printk("fault: reading address 0x10 (unmapped)\n");
	(void)*(volatile uint64_t *)addr;
}

void kernel_main(struct boot_info *bi)
{
	const char *missing = NULL;
	int err, pass;

	cur_platform = bi->platform;
	err = pvboot_install(cur_platform, &missing); /* sites work now */
	cur_platform->early_init(bi);       /* console */
	banner(bi);
	if (err)
		panic("pv: backend %s leaves op %s empty", cur_platform->name,
		      missing);
	if (bi->error)
		panic("boot: %s", bi->error);
	cmdline_parse(bi->cmdline);
	traps_init();                 /* faults are reported from here */
	if (pvboot_patch(cur_platform)) /* before anything hot runs */
		boot_failed = 1;
	mm_init(bi);                  /* page tables through the mmu ops */
	err = timer_init(cur_platform, TIMER_HZ);
	if (err)
		panic("timer: error %d", err);
	smp_init(bi);                 /* natively: APs from the MADT */
	pv_irq_enable();
	if (kflags.bench)    /* first: the selftests then check the text */
		bench_run();
	if (kflags.selftest)
		selftest_run();
#ifndef PV_NO_PARAVIRT
	repatch_register();           /* console: repatch, cpus */
	if (kflags.repatch &&
	    repatch_run(kflags.repatch, kflags.repatch_plain))
		boot_failed = 1;
#endif
	if (kflags.fault)
		fault_selfcheck();
	pass = !boot_failed && !selftest_failed();
	if (cmdloop_wanted(pass)) /* core/cmdloop.c (issue 9): never returns */
		cmdloop_run(pass);
	kernel_finish(pass);
}

/* The two closing lines; the command loop prints them too (issue 9).
 * Returns pass, cleared if the patcher or a selftest failed. */
int kernel_report(int pass)
{
	struct pv_summary s;
	unsigned ok = 0, bad = 0;

	pvboot_summary(&s);
	selftest_counts(&ok, &bad);
	if (s.failed || bad)
		pass = 0;
	printk("pv-summary: {\"platform\":\"%s\",\"sites\":%u,\"inline\":%u,"
	       "\"hypercall\":%u,\"direct\":%u,\"indirect\":%u,"
	       "\"refused\":%u,\"hcall_sites\":%u,\"hcall_inline\":%u,"
	       "\"text_hash\":\"%016llx\",\"cpu_features\":\"%s\","
	       "\"selftests_pass\":%u,\"selftests_fail\":%u}\n",
	       cur_platform->name, s.sites, s.inline_, s.hypercall, s.direct,
	       s.indirect, s.refused, s.hcall_sites, s.hcall_inline,
	       (unsigned long long)s.text_hash,
	       s.cpu_features,
	       ok, bad);
	printk("RESULT: %s\n", pass ? "PASS" : "FAIL");
	return pass;
}

/* The two closing lines, then the platform ends the run. */
void kernel_finish(int pass)
{
	static int finishing;

	pv_irq_disable();
	if (finishing++) /* a fault while finishing: just stop */
		cur_platform->shutdown(1);
	pass = kernel_report(pass);
	cur_platform->shutdown(pass ? 0 : 1);
}
