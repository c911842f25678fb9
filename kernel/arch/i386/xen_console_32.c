/* xen_console_32.c: the PV32 entry's console: console_io for Dom0; for a
 * DomU, start_info's ring page to xenconsoled, then a notify. */
#include "core/kernel.h"
#include "arch/i386/hypercall_32.h"
#include "arch/i386/xen32.h"
#include <xen/io/console.h>

/* A ring that stays full this many yields: xenconsoled is gone, drop. */
#define XEN32_CONS_TRIES 100000u

static struct xencons_interface *xen32_ring;
static unsigned xen32_cons_port;

static void xen32_cons_notify(void)
{
	struct evtchn_send send = { .port = xen32_cons_port };

	(void)HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

/* Bytes into the out ring, published in one step per chunk that fits. */
static void xen32_ring_write(const char *s, unsigned long n)
{
	struct xencons_interface *r = xen32_ring;
	unsigned tries = 0;

	while (n && tries < XEN32_CONS_TRIES) {
		XENCONS_RING_IDX prod = r->out_prod;

		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (prod - r->out_cons >= sizeof(r->out)) {
			xen32_cons_notify();
			(void)HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
			tries++;
			continue;
		}
		while (n && prod - r->out_cons < sizeof(r->out)) {
			r->out[MASK_XENCONS_IDX(prod, r->out)] = *s++;
			prod++;
			n--;
		}
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		r->out_prod = prod;
		xen32_cons_notify();
	}
}

static void xen32_console_io(const char *s, unsigned long n)
{
	(void)HYPERVISOR_console_io(CONSOLEIO_write, n, s);
}

/*
 * The console op for this domain.  A DomU's ring page is one the domain
 * builder put in the bootstrap mapping: its machine frame -> pseudo-
 * physical frame (Xen's M2P, XENMEM_machphys_mapping) -> 3 GiB + pa.
 * NULL if that fails: nothing can print.
 */
xen32_console_fn xen32_console_init(const struct start_info *si)
{
	struct xen_machphys_mapping mm;
	const unsigned long *m2p;

	if (si->flags & SIF_INITDOMAIN)
		return xen32_console_io;
	if (HYPERVISOR_memory_op(XENMEM_machphys_mapping, &mm) ||
	    si->console.domU.mfn > mm.max_mfn)
		return NULL;
	m2p = (const unsigned long *)mm.v_start;
	xen32_ring = (struct xencons_interface *)(uintptr_t)(KERNEL_VIRT_BASE +
		((uint64_t)m2p[si->console.domU.mfn] << 12));
	xen32_cons_port = si->console.domU.evtchn;
	return xen32_ring_write;
}
