/* hypercall.h: Xen hypercalls for the 64-bit PV kernel: each one is a call
 * into its 32-byte slot of hypercall_page, which Xen fills at domain build. */
#ifndef XEN_HYPERCALL_H
#define XEN_HYPERCALL_H

/* Included through xen_pv.h, which picks the interface version first. */
#ifndef __XEN_INTERFACE_VERSION__
#error "include xen/xen_pv.h, not xen/hypercall.h"
#endif

#ifdef __i386__
/* PV32: `int $0x82` stubs, arguments in %ebx %ecx %edx %esi %edi. */
#include "arch/i386/hypercall_32.h"
#else
#include <stdint.h>
#include <xen/xen.h>
#include <xen/callback.h>
#include <xen/event_channel.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include "pv/sites.h"

/* kernel/boot/xen_head.S: one page, 0xc3 in the image, Xen's stubs at run. */
extern char hypercall_page[4096];

/*
 * Arguments go in rdi, rsi, rdx, r10, r8; the result comes back in rax.
 * Xen may change any argument register (a debug build poisons them), and
 * rcx/r11 are declared clobbered too, although today's stubs save them:
 * so the boot patcher may put the hypercall itself here (a hypercall site,
 * pv/sites.h: 8 bytes, the call and a 3-byte NOP, and a record), as
 * `mov $nr,%eax; syscall` (PV) or `; vmcall`/`; vmmcall` (PVH).
 */
#define XEN_HC__CLOBBERS "rcx", "r11", "memory"

#define XEN_HC1(nr, a1)                                                        \
	({                                                                     \
		long r__, d__;                                                 \
		__asm__ volatile(PV_HCALL_SITE_ASM                             \
				 : "=a"(r__), "=D"(d__)                        \
				 : [off] "i"((nr)*32), "1"((long)(a1))         \
				 : XEN_HC__CLOBBERS);                          \
		r__;                                                           \
	})

#define XEN_HC2(nr, a1, a2)                                                    \
	({                                                                     \
		long r__, d__, s__;                                            \
		__asm__ volatile(PV_HCALL_SITE_ASM                             \
				 : "=a"(r__), "=D"(d__), "=S"(s__)             \
				 : [off] "i"((nr)*32), "1"((long)(a1)),        \
				   "2"((long)(a2))                             \
				 : XEN_HC__CLOBBERS);                          \
		r__;                                                           \
	})

#define XEN_HC3(nr, a1, a2, a3)                                                \
	({                                                                     \
		long r__, d__, s__, x__;                                       \
		__asm__ volatile(PV_HCALL_SITE_ASM                             \
				 : "=a"(r__), "=D"(d__), "=S"(s__), "=d"(x__)  \
				 : [off] "i"((nr)*32), "1"((long)(a1)),        \
				   "2"((long)(a2)), "3"((long)(a3))            \
				 : XEN_HC__CLOBBERS);                          \
		r__;                                                           \
	})

#define XEN_HC4(nr, a1, a2, a3, a4)                                            \
	({                                                                     \
		long r__, d__, s__, x__;                                       \
		register long r10__ __asm__("r10") = (long)(a4);               \
		__asm__ volatile(PV_HCALL_SITE_ASM                             \
				 : "=a"(r__), "=D"(d__), "=S"(s__), "=d"(x__), \
				   "+r"(r10__)                                 \
				 : [off] "i"((nr)*32), "1"((long)(a1)),        \
				   "2"((long)(a2)), "3"((long)(a3))            \
				 : "r8", XEN_HC__CLOBBERS);                    \
		r__;                                                           \
	})

/* The wrappers the backend uses, named as in Xen's public headers. */
#define HYPERVISOR_set_trap_table(t) XEN_HC1(__HYPERVISOR_set_trap_table, t)
#define HYPERVISOR_mmu_update(req, n, done, dom)                               \
	XEN_HC4(__HYPERVISOR_mmu_update, req, n, done, dom)
#define HYPERVISOR_stack_switch(ss, sp)                                        \
	XEN_HC2(__HYPERVISOR_stack_switch, ss, sp)
#define HYPERVISOR_fpu_taskswitch(set) XEN_HC1(__HYPERVISOR_fpu_taskswitch, set)
#define HYPERVISOR_multicall(calls, n) XEN_HC2(__HYPERVISOR_multicall, calls, n)
#define HYPERVISOR_update_va_mapping(va, val, flags)                           \
	XEN_HC3(__HYPERVISOR_update_va_mapping, va, val, flags)
#define HYPERVISOR_xen_version(cmd, arg)                                       \
	XEN_HC2(__HYPERVISOR_xen_version, cmd, arg)
#define HYPERVISOR_console_io(cmd, n, buf)                                     \
	XEN_HC3(__HYPERVISOR_console_io, cmd, n, buf)
#define HYPERVISOR_vcpu_op(cmd, vcpu, arg)                                     \
	XEN_HC3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg)
#define HYPERVISOR_mmuext_op(ops, n, done, dom)                                \
	XEN_HC4(__HYPERVISOR_mmuext_op, ops, n, done, dom)
#define HYPERVISOR_sched_op(cmd, arg) XEN_HC2(__HYPERVISOR_sched_op, cmd, arg)
/* SHUTDOWN_suspend of a PV guest: the third argument (rdx) names the
 * start_info frame, which the toolstack rewrites for the new domain. */
#define HYPERVISOR_suspend(sd, si_mfn)                                        \
	XEN_HC3(__HYPERVISOR_sched_op, SCHEDOP_shutdown, sd, si_mfn)
#define HYPERVISOR_memory_op(cmd, arg) XEN_HC2(__HYPERVISOR_memory_op, cmd, arg)
#define HYPERVISOR_callback_op(cmd, arg)                                       \
	XEN_HC2(__HYPERVISOR_callback_op, cmd, arg)
#define HYPERVISOR_event_channel_op(cmd, arg)                                  \
	XEN_HC2(__HYPERVISOR_event_channel_op, cmd, arg)
#define HYPERVISOR_set_segment_base(which, base)                               \
	XEN_HC2(__HYPERVISOR_set_segment_base, which, base)
#define HYPERVISOR_memory_op(cmd, arg) XEN_HC2(__HYPERVISOR_memory_op, cmd, arg)
#define HYPERVISOR_hvm_op(cmd, arg) XEN_HC2(__HYPERVISOR_hvm_op, cmd, arg)
#endif /* __i386__ */
#endif /* XEN_HYPERCALL_H */
