/* platform.c: the Xen PV platform: its ops table (every slot filled, as
 * the backend builder demands) and the cold hooks, Dom0 and DomU alike. */
#include "core/kernel.h"
#include "core/platform.h"
#include "core/cmdloop.h"
#include "core/traps.h"
#include "pv/sites.h"
#include "pv/template.h"
#include "xen/domu.h"
#include "xen/xen_pv.h"
#include "xen/hypercall.h"

#ifdef __i386__
/* PV32: `int $0x82`; one vCPU; text stays writable (arch/i386/up_32.c). */
#define XEN_HCALL_INSN PV_HCALL_INSN_INT82
#define XEN_SMP_INIT NULL
#define XEN_TEXT_ALIAS NULL
#else
#define XEN_HCALL_INSN PV_HCALL_INSN_SYSCALL
#define XEN_SMP_INIT xen_smp_init
#define XEN_TEXT_ALIAS xen_text_alias
#endif

const struct pv_ops xen_pv_ops = {
	.irq_save_fl = xen_irq_save_fl,
	.irq_restore_fl = xen_irq_restore_fl,
	.irq_disable = xen_irq_disable,
	.irq_enable = xen_irq_enable,
	.safe_halt = xen_safe_halt,
	.halt = xen_halt,
	.cpuid = xen_cpuid,
	.read_cr0 = xen_read_cr0,
	.write_cr0 = xen_write_cr0,
	.read_cr2 = xen_read_cr2,
	.write_cr2 = xen_write_cr2,
	.read_cr3 = xen_read_cr3,
	.write_cr3 = xen_write_cr3,
	.read_cr4 = xen_read_cr4,
	.write_cr4 = xen_write_cr4,
	.read_msr = xen_read_msr,
	.write_msr = xen_write_msr,
	.read_msr_safe = msr_read_safe, /* core/extable.c: a #GP Xen injects */
	.write_msr_safe = msr_write_safe,
	.read_tsc = xen_read_tsc,
	.read_tscp = xen_read_tscp,
	.load_gdt = xen_load_gdt,
	.load_idt = xen_load_idt,
	.load_tr = xen_load_tr,
	.load_ldt = xen_load_ldt,
	.load_sp0 = xen_load_sp0,
	.io_delay = xen_io_delay,
	.wbinvd = xen_wbinvd,
	.swapgs = xen_swapgs,
	.iret = xen_iret,
	.set_pte = xen_set_pte,
	.set_pte_at = xen_set_pte_at,
	.pte_clear = xen_pte_clear,
	.set_pmd = xen_set_pmd,
	.pmd_clear = xen_pmd_clear,
	.set_pud = xen_set_pud,
	.pud_clear = xen_pud_clear,
	.set_pgd = xen_set_pgd,
	.pgd_clear = xen_pgd_clear,
	.pte_update = xen_pte_update,
	.make_pte = xen_make_pte,
	.pte_val = xen_pte_val,
	.alloc_pt = xen_alloc_pt,
	.release_pt = xen_release_pt,
	.flush_tlb_user = xen_flush_tlb_user,
	.flush_tlb_kernel = xen_flush_tlb_kernel,
	.flush_tlb_one_user = xen_flush_tlb_one_user,
	.lazy_mmu_enter = xen_lazy_mmu_enter,
	.lazy_mmu_leave = xen_lazy_mmu_leave,
	.lazy_mmu_flush = xen_lazy_mmu_flush,
	.sched_clock = xen_sched_clock,
	.steal_clock = xen_steal_clock,
	.lock_wait = xen_lock_wait,
	.lock_kick = xen_lock_kick,
	.console_write = xen_console_write,
};

/* console_io, shared_info and the callbacks are up since xen_start; the
 * command loop (console.loop) reads Dom0's console through console_io. */
static void xen_early_init(struct boot_info *bi)
{
	(void)bi;
	console_set_poll(xen_dom0_getc);
}

/*
 * Ends the run.  Xen reboots the machine when Dom0 asks for a reboot, and
 * QEMU's -no-reboot turns that into an exit (a poweroff would halt and
 * leave QEMU running); pass or fail is in the RESULT line already.
 */
void xen_shutdown(int code)
{
	struct sched_shutdown sd = { .reason = SHUTDOWN_reboot };

	printk("xen: shutting down (reboot), status %d\n", code);
	for (;;)
		(void)HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
}

const struct platform xen_platform_dom0 = {
	.name = "xen-pv-dom0",
	.backend = PV_BACKEND_XEN,
	.hypercall_page = hypercall_page,
	.hypercall_insn = XEN_HCALL_INSN,
	.ops = &xen_pv_ops,
	.early_init = xen_early_init,
	.timer_init = xen_timer_init,
	.smp_init = XEN_SMP_INIT,
	.shutdown = xen_shutdown,
	.selftests = &xen_selftests,
	.text_alias = XEN_TEXT_ALIAS,
};

const struct platform xen_platform_domu = {
	.name = "xen-pv-domu",
	.backend = PV_BACKEND_XEN,
	.hypercall_page = hypercall_page,
	.hypercall_insn = XEN_HCALL_INSN,
	.ops = &xen_pv_ops,
	.early_init = xen_domu_early_init, /* control.c (issue 9) */
	.timer_init = xen_domu_timer_init, /* control.c (issue 9) */
	.smp_init = XEN_SMP_INIT,
	.shutdown = xen_domu_shutdown, /* control.c (issue 9) */
	.selftests = &xen_selftests,
	.text_alias = XEN_TEXT_ALIAS,
};
