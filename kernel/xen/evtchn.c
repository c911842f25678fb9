/* evtchn.c: event channels (2-level ABI): the upcall registered through
 * callback_op, its dispatcher, VIRQ and IPI binding, masking, sending. */
#include "core/kernel.h"
#include "core/traps.h"
#include "xen/xen_pv.h"

#define MAX_PORTS 64 /* handlers for the low ports; we bind only a few */
#define BITS_PER_WORD (8 * (unsigned)sizeof(unsigned long)) /* 32 on PV32 */

static xen_evtchn_fn handlers[MAX_PORTS];
/* The ports of word 0 each vCPU dispatches (those bound to it); vCPU 0
 * also takes every other word's. */
static unsigned long cpu_ports[SMP_MAX_CPUS] = { ~0ul };
volatile unsigned long long xen_upcalls;
unsigned xen_evtchn_epoch; /* resumes in a new domain: ports held go stale */
static unsigned long long spurious;

static int register_callback(unsigned type, const void *entry, unsigned flags)
{
	struct callback_register cb = {
		.type = (uint16_t)type,
		.flags = (uint16_t)flags,
#ifdef __i386__ /* PV32: a code selector and an address */
		.address = { FLAT_KERNEL_CS, (unsigned long)entry },
#else
		.address = (unsigned long)entry,
#endif
	};

	return (int)HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
}

/* A port now notifies vCPU cpu (bind_virq/bind_ipi). */
static void port_to_cpu(unsigned port, unsigned cpu)
{
	for (unsigned c = 0; c < SMP_MAX_CPUS && port < BITS_PER_WORD; c++)
		__atomic_and_fetch(&cpu_ports[c], ~(1ul << port),
				   __ATOMIC_RELAXED);
	if (port < BITS_PER_WORD) /* only word 0 is split by vCPU */
		__atomic_or_fetch(&cpu_ports[cpu], 1ul << port,
				  __ATOMIC_RELEASE);
}

/*
 * Masks every port, then registers the upcall (events are masked on
 * entry anyway) and the failsafe callback; the upcall joins the trap path
 * as XEN_UPCALL_VECTOR, dispatched to xen_evtchn_upcall.
 */
int xen_evtchn_init(void)
{
	struct shared_info *s = &xen_shared_page.s;
	int err;

	for (unsigned i = 0; i < ARRAY_SIZE(s->evtchn_mask); i++)
		s->evtchn_mask[i] = ~0ul;
	trap_set_irq(XEN_UPCALL_VECTOR, xen_evtchn_upcall);
	err = register_callback(CALLBACKTYPE_event, xen_upcall_entry, 0);
	if (!err)
		err = register_callback(CALLBACKTYPE_failsafe,
					xen_failsafe_entry,
					CALLBACKF_mask_events);
	return err;
}

/* Runs the handler of every pending, unmasked port of one word that is
 * bound to this vCPU: another's are its own to take. */
static void dispatch_word(struct shared_info *s, unsigned w, unsigned cpu)
{
	unsigned long pend, mine = w ? (cpu ? 0 : ~0ul) : cpu_ports[cpu];

	while ((pend = s->evtchn_pending[w] & ~s->evtchn_mask[w] & mine)) {
		unsigned bit = (unsigned)__builtin_ctzl(pend);
		unsigned port = w * BITS_PER_WORD + bit;

		__atomic_fetch_and(&s->evtchn_pending[w], ~(1ul << bit),
				   __ATOMIC_SEQ_CST);
		if (port < MAX_PORTS && handlers[port])
			handlers[port](port);
		else
			spurious++;
	}
}

/*
 * The upcall, events masked.  Clearing upcall_pending before taking the
 * selector means an event that arrives meanwhile sets it again and we
 * loop: none is lost.
 */
void xen_evtchn_upcall(unsigned vec)
{
	unsigned cpu = smp_cpu_id();
	struct vcpu_info *v = xen_vcpu_of(cpu);
	struct shared_info *s = &xen_shared_page.s;

	(void)vec;
	xen_upcalls++;
	do {
		unsigned long sel;

		v->evtchn_upcall_pending = 0;
		sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0,
					  __ATOMIC_SEQ_CST);
		while (sel) {
			unsigned w = (unsigned)__builtin_ctzl(sel);

			sel &= sel - 1;
			dispatch_word(s, w, cpu);
		}
	} while (v->evtchn_upcall_pending);
}

static int bound(int err, unsigned port, xen_evtchn_fn fn)
{
	if (err)
		return err;
	if (port >= MAX_PORTS)
		return -PV_ERANGE;
	handlers[port] = fn;
	port_to_cpu(port, 0);
	return (int)port;
}

/* A port Xen's domain builder bound already (a DomU's store and console
 * channels): only the handler is ours to set.  0 or -PV_ERANGE. */
int xen_evtchn_bind_port(unsigned port, xen_evtchn_fn fn)
{
	int r = bound(0, port, fn);

	return r < 0 ? r : 0;
}

/* bound(), on vCPU cpu. */
static int bound_on(int err, unsigned port, xen_evtchn_fn fn, unsigned cpu)
{
	int r = bound(err, port, fn);

	if (r >= 0)
		port_to_cpu(port, cpu);
	return r;
}

/* Returns the port (masked until xen_evtchn_unmask) or -errno; a per-vCPU
 * VIRQ (VIRQ_TIMER) notifies vCPU cpu. */
int xen_evtchn_bind_virq_on(unsigned virq, unsigned cpu, xen_evtchn_fn fn)
{
	struct evtchn_bind_virq b = { .virq = virq, .vcpu = cpu };
	int err = (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &b);

	return bound_on(err, b.port, fn, cpu);
}

int xen_evtchn_bind_virq(unsigned virq, xen_evtchn_fn fn)
{
	return xen_evtchn_bind_virq_on(virq, 0, fn);
}

/* A port whose sends notify vCPU cpu (an IPI); masked until unmasked. */
int xen_evtchn_bind_ipi_on(unsigned cpu, xen_evtchn_fn fn)
{
	struct evtchn_bind_ipi b = { .vcpu = cpu };
	int err = (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &b);

	return bound_on(err, b.port, fn, cpu);
}

/* A port that notifies this vCPU itself: the selftests' event source. */
int xen_evtchn_bind_ipi(xen_evtchn_fn fn)
{
	return xen_evtchn_bind_ipi_on(0, fn);
}

/* Clears a port's pending bit (a polled port, never delivered). */
void xen_evtchn_clear(unsigned port)
{
	__atomic_fetch_and(
		&xen_shared_page.s.evtchn_pending[port / BITS_PER_WORD],
		~(1ul << (port % BITS_PER_WORD)), __ATOMIC_SEQ_CST);
}

/* Xen re-raises the event if it became pending while masked. */
void xen_evtchn_unmask(unsigned port)
{
	struct evtchn_unmask u = { .port = port };

	(void)HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &u);
}

void xen_evtchn_mask(unsigned port)
{
	__atomic_fetch_or(&xen_shared_page.s.evtchn_mask[port / BITS_PER_WORD],
			  1ul << (port % BITS_PER_WORD), __ATOMIC_SEQ_CST);
}

int xen_evtchn_send(unsigned port)
{
	struct evtchn_send sd = { .port = port };

	return (int)HYPERVISOR_event_channel_op(EVTCHNOP_send, &sd);
}

int xen_evtchn_pending(unsigned port)
{
	return (int)(xen_shared_page.s.evtchn_pending[port / BITS_PER_WORD] >>
		     (port % BITS_PER_WORD) & 1);
}

/*
 * After a resume in a new domain no port of the old one exists: Xen bound
 * only the store's and the console's (new numbers, in start_info), every
 * port is masked.  The handlers go; each owner binds its own again.
 */
void xen_evtchn_resume(void)
{
	struct shared_info *s = &xen_shared_page.s;

	for (unsigned i = 0; i < MAX_PORTS; i++)
		handlers[i] = NULL;
	for (unsigned c = 0; c < SMP_MAX_CPUS; c++)
		cpu_ports[c] = c ? 0 : ~0ul;
	for (unsigned i = 0; i < ARRAY_SIZE(s->evtchn_mask); i++)
		s->evtchn_mask[i] = ~0ul;
	xen_evtchn_epoch++;
}
