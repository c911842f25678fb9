/* xen_up_32.c: what kernel/xen's shared files call of the parts the PV32
 * build leaves out: one vCPU (no smp.c), PV not PVH, and no balloon,
 * save/restore, screen or PCI front end (docs/i386.md says why). */
#include "core/kernel.h"
#include "xen/xen_pv.h"
#include "xen/domu.h"
#include "xen/fb.h"
#include "xen/pci.h"
#include "xen/pvh.h"

int xen_pvh; /* 0: a PV guest */

int xen_pvh_ring(unsigned pfn_param, unsigned port_param, uint64_t *pa,
		 unsigned *port)
{
	(void)pfn_param, (void)port_param, (void)pa, (void)port;
	return -PV_ENOSYS; /* only a PVH guest asks */
}

/* lock_wait on one vCPU: nobody else can release the lock; yield once. */
void xen_lock_wait(volatile unsigned char *ptr, unsigned char val)
{
	if (*ptr == val)
		(void)HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

void xen_lock_kick(int cpu)
{
	(void)cpu;
}

/* control.c says "balloon: off" with this error. */
int xen_balloon_init(void)
{
	return -PV_ENOSYS;
}

/* No save/restore: control.c neither advertises nor takes `suspend`. */
int xen_suspend_init(void)
{
	return -PV_ENOSYS;
}

/* No vfb, vkbd or pcifront: their devices in a config stay unused. */
void xen_fb_init(void)
{
}

void xen_fbscreen_write(const char *s, unsigned long n)
{
	(void)s, (void)n;
}

void xen_pcifront_init(void)
{
}
