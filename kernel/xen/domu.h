/* domu.h: the Xen PV DomU's own pieces (console ring, xenstore client,
 * domain control) and the hooks the Xen platform calls on a DomU. */
#ifndef XEN_DOMU_H
#define XEN_DOMU_H

#include "core/kernel.h"

/*
 * The hooks, in boot order (kernel/xen/platform.c calls them when
 * start_info has no SIF_INITDOMAIN):
 *   xen_domu_early_init   the platform's early_init: enough memory?
 *   xen_cons_ring_write   the console_write of a DomU; the first call
 *                         finds the ring (xen_cons_ring_init)
 *   xen_domu_timer_init   the platform's timer_init: the timer, then
 *                         console input, xenstore, the control/shutdown
 *                         watch, the console loop's commands (a DomU
 *                         runs the loop by default)
 *   xen_domu_shutdown     the platform's shutdown on a DomU
 */

/* console_ring.c: the PV console (start_info console.domU.mfn/evtchn). */
int xen_cons_ring_init(void);
void xen_cons_ring_write(const char *s, unsigned long n);
int xen_cons_ring_input_init(void);
void xen_cons_ring_input_on(void);
/* Waits (at most ms) until xenconsoled has read everything written. */
int xen_cons_ring_flush(unsigned ms);
int xen_cons_ring_resume(void); /* the new domain's ring and channel */

/* xenbus.c: waiting for the other end of a shared ring.  done(arg) is
 * called with interrupts off until it returns non-zero; between calls the
 * vCPU blocks on the ring's event channel port (SCHEDOP_poll, with a
 * timeout of Xen's: no tick needed).  0 or -PV_ETIMEDOUT. */
int xen_ring_wait(unsigned port, int (*done)(void *arg), void *arg,
		  unsigned timeout_ms);

/* balloon.c: memory/target followed; the `mem` command. */
int xen_balloon_init(void);

/* suspend.c: control/shutdown = suspend (xl save, xl migrate). */
int xen_suspend(void); /* 0: resumed (new domain or checkpoint) */
int xen_suspend_init(void);

/* control.c */
void xen_domu_early_init(struct boot_info *bi); /* too little memory? */
int xen_domu_timer_init(unsigned hz); /* the timer, then xen_domu_init */
void xen_domu_init(void);
void xen_domu_shutdown(int code) __noreturn;
/* Leaves with a SHUTDOWN_* reason: the console flushed, why logged last. */
void xen_domu_leave(unsigned reason, const char *why) __noreturn;
#endif /* XEN_DOMU_H */
