/* xen_pv.h: what the files of the Xen PV backend share: the guest's view of
 * the domain (start_info copy, p2m, vcpu_info) and each file's entry points. */
#ifndef XEN_PV_H
#define XEN_PV_H

/*
 * The public headers default to the 2005 interface (where, say, sched_op
 * means the old sched_op_compat); ask for 4.14's, as Xen 4.17 implements.
 * Every file of the backend, C or assembly, includes this header first.
 */
#define __XEN_INTERFACE_VERSION__ 0x00040e00

/*
 * Offsets into vcpu_info that the assembly (alt-sites/xen.S, irq.S) uses;
 * shared_info.c checks them against the public header.
 */
#define XEN_VCPU_PENDING 0 /* evtchn_upcall_pending */
#define XEN_VCPU_MASK 1    /* evtchn_upcall_mask */
#ifdef __i386__
#define XEN_VCPU_CR2 8     /* arch.cr2: 4-byte selector before it */
#else
#define XEN_VCPU_CR2 16    /* arch.cr2 */
#endif
/*
 * Each vCPU's vcpu_info lives in its struct percpu (kernel/smp/smp.h), at
 * this offset from the GS base: the irq templates and irq.S reach it as
 * %gs:XEN_GS_VCPU+field, Linux's PER_CPU_VAR(xen_vcpu_info).
 */
#define XEN_GS_VCPU 64
#define XEN_EFLAGS_IF 0x200
/* SCHEDOP_block for assembly (sched.h is C only); cpu.c checks it. */
#define XEN_SCHEDOP_BLOCK 1

/* The upcall enters the common trap path as this (otherwise unused) vector,
 * and a failed return (the failsafe callback) as that one. */
#define XEN_UPCALL_VECTOR 47
#define XEN_FAILSAFE_VECTOR 255
/* Trap stubs: vectors 0..XEN_TRAP_VECTORS-1 of the kernel's IDT. */
#define XEN_TRAP_VECTORS 48

#ifndef __ASSEMBLER__
#include "xen/hypercall.h"
#include "smp/smp.h"

struct boot_info;

/* Page-table entry bits the backend looks at. */
#define XEN_PTE_P 0x001ull
#define XEN_PTE_W 0x002ull
#define XEN_PTE_PCD 0x010ull
#define XEN_PTE_A 0x020ull
#define XEN_PTE_D 0x040ull
#define XEN_PTE_G 0x100ull
#define XEN_PTE_ADDR 0x000ffffffffff000ull
#define XEN_INVALID_MFN (~0ul)
#define XEN_INVALID_PFN (~0ul)

/* The page every vcpu_info access goes to: shared_info, once mapped. */
extern union xen_shared_page {
	struct shared_info s;
	char page[4096];
} xen_shared_page;
/* This vCPU's vcpu_info: its per-CPU copy once registered, before that
 * (and on PVH, one vCPU) vcpu_info[0] of shared_info. */
extern int xen_vcpu_placed;
struct vcpu_info *xen_vcpu_of(unsigned cpu);
#define xen_vcpu (xen_vcpu_of(smp_cpu_id()))

/* start_info.c: what Xen told us at entry (copied before anything else). */
extern struct start_info xen_start_info;
extern uint64_t xen_start_info_pa;
extern int xen_is_dom0;
void xen_start(struct start_info *si) __attribute__((noreturn));

/* bootmem.c: the p2m, the bootstrap area, the -2 GiB window. */
extern unsigned long *xen_p2m;
extern unsigned long xen_nr_pages;
unsigned long xen_pfn_to_mfn(unsigned long pfn);
unsigned long xen_mfn_to_pfn(unsigned long mfn);
extern unsigned long xen_m2p_nr;
int xen_virt_to_phys(const void *va, uint64_t *pa);
int xen_bootmem_init(struct boot_info *bi);
void xen_bootmem_use_direct_map(void);
void *xen_phys_to_virt(uint64_t pa);
int xen_pt_page(unsigned long pfn);
void xen_pt_mark(unsigned long pfn, int is_pt);
int xen_p2m_grow(uint64_t pa, unsigned long pages);
void xen_p2m_set(unsigned long pfn, unsigned long mfn);
int xen_p2m_publish(void); /* the frame lists `xl save` reads */
#define XEN_MAX_PFNS (1ul << 18) /* RAM below 1 GiB: all Xen supports */

/* console.c */
void xen_console_write(const char *s, unsigned long n);
void xen_console_early(const char *s);
/* Dom0 console input (CONSOLEIO_read): one byte or -PV_EAGAIN. */
int xen_dom0_getc(void);

/* shared_info.c */
int xen_shared_info_map(void);
int xen_shared_info_unmap(void);
uint64_t xen_shared_info_pte(void);
int xen_vcpu_place(unsigned cpu);

/* evtchn.c */
typedef void (*xen_evtchn_fn)(unsigned port);
int xen_evtchn_init(void);
int xen_evtchn_bind_virq(unsigned virq, xen_evtchn_fn fn);
void xen_evtchn_unmask(unsigned port);
void xen_evtchn_mask(unsigned port);
int xen_evtchn_send(unsigned port);
int xen_evtchn_bind_ipi(xen_evtchn_fn fn);
int xen_evtchn_bind_ipi_on(unsigned cpu, xen_evtchn_fn fn);
int xen_evtchn_bind_virq_on(unsigned virq, unsigned cpu, xen_evtchn_fn fn);
void xen_evtchn_clear(unsigned port);
int xen_evtchn_bind_port(unsigned port, xen_evtchn_fn fn);
int xen_evtchn_pending(unsigned port);
void xen_evtchn_upcall(unsigned vec);
extern volatile unsigned long long xen_upcalls;
extern unsigned xen_evtchn_epoch;
void xen_evtchn_resume(void);

/* time.c */
void xen_clock_init(void);
unsigned long long xen_sched_clock(void);
unsigned long long xen_system_time_ns(void); /* Xen's, for timeouts */
unsigned long long xen_steal_clock(int cpu);
unsigned long long xen_blocked_ns(void);
int xen_timer_init(unsigned hz);
int xen_timer_init_cpu(unsigned cpu);
void xen_timer_stop_cpu(void);
int xen_timer_rearm_cpu(void);
void xen_timer_stop(void);
int xen_timer_resume(int new_domain);
uint64_t xen_wallclock_s(void);

/* traps.c and entry.S */
void xen_load_idt(const void *dtr);
int xen_trap_table_load(void);
extern uint64_t xen_trap_targets[XEN_TRAP_VECTORS];
extern const char xen_trap_stubs[], xen_upcall_entry[], xen_failsafe_entry[];

/* mmu.c (mmu ops) and pte.S (make_pte, pte_val) */
void xen_set_pte(unsigned long long *p, unsigned long long v);
void xen_set_pte_at(unsigned long va, unsigned long long *p,
		    unsigned long long v);
void xen_pte_clear(unsigned long va, unsigned long long *p);
void xen_set_pmd(unsigned long long *p, unsigned long long v);
void xen_pmd_clear(unsigned long long *p);
void xen_set_pud(unsigned long long *p, unsigned long long v);
void xen_pud_clear(unsigned long long *p);
void xen_set_pgd(unsigned long long *p, unsigned long long v);
void xen_pgd_clear(unsigned long long *p);
void xen_pte_update(unsigned long va, unsigned long long *p);
unsigned long long xen_make_pte(unsigned long long v);
unsigned long long xen_pte_val(unsigned long long v);
void xen_alloc_pt(unsigned int level, unsigned long long pa);
void xen_release_pt(unsigned int level, unsigned long long pa);
void xen_flush_tlb_user(void);
void xen_flush_tlb_kernel(void);
void xen_flush_tlb_one_user(unsigned long va);
void xen_lazy_mmu_enter(void);
void xen_lazy_mmu_leave(void);
void xen_lazy_mmu_flush(void);
unsigned long xen_read_cr3(void);
void xen_write_cr3(unsigned long pa);
int xen_pt_write_now(unsigned long long *p, uint64_t v);
int xen_mmuext(unsigned cmd, unsigned long arg);
uint64_t xen_entry_ma(const unsigned long long *p);
/* wx.c: W^X, the poker's alias of the text (platform.text_alias) */
void xen_text_alias(unsigned long long *pte, uint64_t pa, unsigned n,
		    uint64_t flags);
void xen_mmu_init(uint64_t boot_root_pa);
extern unsigned xen_mc_batches, xen_mc_queued;
extern unsigned long xen_io_maps, xen_io_refused; /* DOMID_IO entries */

/* irq.S: CALLEE-class irq ops, the pending-event slow path, entry ops */
unsigned long xen_irq_save_fl(void);
void xen_irq_restore_fl(unsigned long flags);
void xen_irq_disable(void);
void xen_irq_enable(void);
void xen_irq_enable_slow(void);
void xen_swapgs(void);
void xen_iret(void);

/* cpu.c */
void xen_safe_halt(void);
void xen_halt(void);
void xen_cpuid(unsigned int *a, unsigned int *b, unsigned int *c,
	       unsigned int *d);
unsigned long xen_read_cr0(void);
void xen_write_cr0(unsigned long v);
unsigned long xen_read_cr2(void);
void xen_write_cr2(unsigned long v);
unsigned long xen_read_cr4(void);
void xen_write_cr4(unsigned long v);
unsigned long long xen_read_msr(unsigned int msr);
void xen_write_msr(unsigned int msr, unsigned long long v);
unsigned long long xen_read_tsc(void);
unsigned long long xen_read_tscp(unsigned int *aux);
void xen_load_gdt(const void *dtr);
void xen_load_tr(unsigned int sel);
void xen_load_ldt(const void *base, unsigned int n);
void xen_load_sp0(unsigned long sp0);
void xen_io_delay(void);
void xen_wbinvd(void);
void xen_lock_wait(volatile unsigned char *ptr, unsigned char val);
void xen_lock_kick(int cpu);
extern unsigned long xen_cr0_shadow, xen_cr4_shadow, xen_cr3_shadow;

/* smp.c */
void xen_smp_init(void);
int xen_vcpu_up(unsigned n);
int xen_vcpu_down(unsigned n);

/* hotplug.c: `xl vcpu-set` through cpu/N/availability in the store */
extern unsigned xen_vcpus; /* vCPUs the domain has (ids 0..n-1) */
int xen_vcpu_wanted(unsigned id);
void xen_hotplug_init(void);

/* selftest.c */
struct ktest_list;
extern const struct ktest_list xen_selftests;

/* platform.c */
extern const struct pv_ops xen_pv_ops;
extern const struct platform xen_platform_dom0, xen_platform_domu;
void xen_shutdown(int code) __attribute__((noreturn));
#endif /* __ASSEMBLER__ */
#endif /* XEN_PV_H */
