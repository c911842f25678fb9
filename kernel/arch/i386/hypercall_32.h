/* hypercall_32.h: Xen hypercalls for the i386 PV kernel: a call into the
 * hypercall page's 32-byte slot; arguments in %ebx %ecx %edx %esi %edi. */
#ifndef HYPERCALL_32_H
#define HYPERCALL_32_H

/* As kernel/xen/xen_pv.h: 4.14's interface, which Xen 4.17 implements. */
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#include <stdint.h>
#include <xen/xen.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/callback.h>
#include <xen/event_channel.h>
#include <xen/vcpu.h>
#include "pv/sites.h"

/* arch/i386/xen_head_32.S: 0xc3 in the image, Xen's stubs at run time. */
extern char hypercall_page[4096];

/*
 * A hypercall site (pv/sites.h), as the 64-bit backend's: the call into
 * the page and a 3-byte NOP, 8 bytes, and a record, which kernel_main's
 * patch pass makes `mov $nr,%eax; int $0x82` in place.  Every
 * argument register is an output too: Xen may change them (a debug build
 * poisons them).
 */
#define XEN32_HC4(nr, a1, a2, a3, a4)                                          \
	({                                                                     \
		long r__, b__, c__, d__, s__;                                  \
		__asm__ volatile(PV_HCALL_SITE_ASM                             \
				 : "=a"(r__), "=b"(b__), "=c"(c__), "=d"(d__), \
				   "=S"(s__)                                   \
				 : [off] "i"((nr)*32), "1"((long)(a1)),        \
				   "2"((long)(a2)), "3"((long)(a3)),           \
				   "4"((long)(a4))                             \
				 : "memory");                                  \
		r__;                                                           \
	})
#define XEN32_HC3(nr, a1, a2, a3) XEN32_HC4(nr, a1, a2, a3, 0)
#define XEN32_HC2(nr, a1, a2) XEN32_HC4(nr, a1, a2, 0, 0)
#define XEN32_HC1(nr, a1) XEN32_HC4(nr, a1, 0, 0, 0)

#define HYPERVISOR_console_io(cmd, n, buf)                                     \
	XEN32_HC3(__HYPERVISOR_console_io, cmd, n, buf)
#define HYPERVISOR_sched_op(cmd, arg) XEN32_HC2(__HYPERVISOR_sched_op, cmd, arg)
#define HYPERVISOR_memory_op(cmd, arg)                                         \
	XEN32_HC2(__HYPERVISOR_memory_op, cmd, arg)
/* PAE: the 64-bit entry is two argument words, low then high. */
#define HYPERVISOR_update_va_mapping(va, pte, flags)                           \
	XEN32_HC4(__HYPERVISOR_update_va_mapping, va, (uint32_t)(pte),         \
		  (uint32_t)((pte) >> 32), flags)
#define HYPERVISOR_set_trap_table(t) XEN32_HC1(__HYPERVISOR_set_trap_table, t)
#define HYPERVISOR_callback_op(cmd, arg)                                       \
	XEN32_HC2(__HYPERVISOR_callback_op, cmd, arg)
#define HYPERVISOR_event_channel_op(cmd, arg)                                  \
	XEN32_HC2(__HYPERVISOR_event_channel_op, cmd, arg)
#define HYPERVISOR_vcpu_op(cmd, vcpu, arg)                                     \
	XEN32_HC3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg)
#define HYPERVISOR_xen_version(cmd, arg)                                       \
	XEN32_HC2(__HYPERVISOR_xen_version, cmd, arg)
/* What kernel/xen/ calls besides (the 64-bit hypercall.h's names). */
#define HYPERVISOR_mmu_update(req, n, done, dom)                               \
	XEN32_HC4(__HYPERVISOR_mmu_update, req, n, done, dom)
#define HYPERVISOR_mmuext_op(ops, n, done, dom)                                \
	XEN32_HC4(__HYPERVISOR_mmuext_op, ops, n, done, dom)
#define HYPERVISOR_multicall(calls, n)                                         \
	XEN32_HC2(__HYPERVISOR_multicall, calls, n)
#define HYPERVISOR_stack_switch(ss, sp)                                        \
	XEN32_HC2(__HYPERVISOR_stack_switch, ss, sp)
#define HYPERVISOR_fpu_taskswitch(set)                                         \
	XEN32_HC1(__HYPERVISOR_fpu_taskswitch, set)
#define HYPERVISOR_suspend(sd, si_mfn)                                         \
	XEN32_HC3(__HYPERVISOR_sched_op, SCHEDOP_shutdown, sd, si_mfn)
#define HYPERVISOR_hvm_op(cmd, arg) XEN32_HC2(__HYPERVISOR_hvm_op, cmd, arg)
#endif /* HYPERCALL_32_H */
