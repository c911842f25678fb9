/* console_ring.c: the DomU console: bytes out through the ring page of
 * start_info to xenconsoled (then notify), bytes in by its event channel. */
#include "core/cmdloop.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "pv/pvcalls.h"
#include "xen/domu.h"
#include "xen/fb.h"
#include "xen/xen_pv.h"
#include <xen/io/console.h>

/* A ring full for this long: xenconsoled is gone; drop, do not wait. */
#define CONS_STALL_MS 2000u

static uint64_t ring_pa; /* 0: no ring (yet); output is dropped */
static unsigned port;
static XENCONS_RING_IDX out_prod; /* ours; published by cons_publish */
static int stalled;
static int input_on; /* the port unmasked, input read */

/*
 * The backend's own irq functions, not the pv sites: the first printk of a
 * DomU comes before the sites are patched, when the irq ops' native sites
 * still hold cli and popf, which a ring-3 PV kernel cannot run.
 */
static unsigned long ring_irq_save(void)
{
	unsigned long fl = xen_irq_save_fl();

	xen_irq_disable();
	return fl;
}
static unsigned long dropped;

static struct xencons_interface *cons(void)
{
	return phys_to_virt(ring_pa); /* boot window, later the direct map */
}

static XENCONS_RING_IDX read_idx(const XENCONS_RING_IDX *p)
{
	return *(const volatile XENCONS_RING_IDX *)p;
}

/*
 * Early, before any printk: the ring's machine frame must be one of ours
 * (the m2p and the p2m agree) and lie in the bootstrap area Xen mapped.
 */
int xen_cons_ring_init(void)
{
	unsigned long mfn = xen_start_info.console.domU.mfn;
	unsigned long pfn = mfn ? xen_mfn_to_pfn(mfn) : ~0ul;
	const unsigned long *p2m =
		(const unsigned long *)xen_start_info.mfn_list;

	if (pfn >= xen_start_info.nr_pages || p2m[pfn] != mfn)
		return -PV_ENOENT;
	ring_pa = (uint64_t)pfn << 12;
	port = xen_start_info.console.domU.evtchn;
	out_prod = cons()->out_prod;
	return 0;
}

static void cons_publish(struct xencons_interface *c)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* bytes before the index */
	c->out_prod = out_prod;
	(void)xen_evtchn_send(port);
}

static void cons_interrupt(unsigned p);

/* xen_ring_wait takes the port's events: input is read here too. */
static int out_space(void *arg)
{
	struct xencons_interface *c = arg;

	if (input_on)
		cons_interrupt(port);
	return out_prod - read_idx(&c->out_cons) < sizeof(c->out);
}

/* One byte into the ring, unpublished; waits for space while it can. */
static int cons_put(struct xencons_interface *c, char ch)
{
	if (out_prod - read_idx(&c->out_cons) >= sizeof(c->out)) {
		cons_publish(c);
		if (stalled ||
		    xen_ring_wait(port, out_space, c, CONS_STALL_MS)) {
			stalled = 1;
			dropped++;
			return -PV_ETIMEDOUT;
		}
	}
	stalled = 0;
	c->out[MASK_XENCONS_IDX(out_prod, c->out)] = ch;
	out_prod++;
	return 0;
}

/*
 * The console_write op on a DomU.  \n goes out as \r\n, as a terminal
 * (xl console) wants it.  Interrupts off: a handler may print as well.
 */
void xen_cons_ring_write(const char *s, unsigned long n)
{
	static int tried;
	struct xencons_interface *c;
	unsigned long fl;

	if (!ring_pa && !tried++)
		(void)xen_cons_ring_init(); /* the first printk of a DomU */
	if (!ring_pa || !n)
		return;
	fl = ring_irq_save();
	xen_fbscreen_write(s, n); /* the screen's copy (issue 14) */
	c = cons();
	for (unsigned long i = 0; i < n; i++) {
		if (s[i] == '\n' && cons_put(c, '\r'))
			break;
		if (cons_put(c, s[i]))
			break;
		console_out_bytes++;
	}
	cons_publish(c);
	xen_irq_restore_fl(fl);
}

static int out_empty(void *arg)
{
	struct xencons_interface *c = arg;

	if (input_on)
		cons_interrupt(port);
	return read_idx(&c->out_cons) == out_prod;
}

/* Before the domain goes: xenconsoled should have its last line. */
int xen_cons_ring_flush(unsigned ms)
{
	if (!ring_pa)
		return -PV_ENOENT;
	(void)xen_evtchn_send(port);
	return xen_ring_wait(port, out_empty, cons(), ms);
}

/* The event: input arrived (or output was read).  Interrupts off. */
static void cons_interrupt(unsigned p)
{
	struct xencons_interface *c = cons();
	XENCONS_RING_IDX i = c->in_cons, prod = read_idx(&c->in_prod);

	(void)p;
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* index, then the bytes */
	if (prod - i > sizeof(c->in))
		i = prod; /* nonsense indexes: skip to the present */
	for (; i != prod; i++)
		console_input(c->in[MASK_XENCONS_IDX(i, c->in)]);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (c->in_cons != i) {
		c->in_cons = i;
		(void)xen_evtchn_send(port); /* xenconsoled may write more */
	}
}

/*
 * Binds the handler; the port stays masked until xen_cons_ring_input_on.
 * xenconsoled signals it after each read of our output, and until someone
 * reads input (the console loop) that would only end halts early.
 */
int xen_cons_ring_input_init(void)
{
	int err;

	if (!ring_pa)
		return -PV_ENOENT;
	err = xen_evtchn_bind_port(port, cons_interrupt);
	if (err)
		return err;
	printk("console: ring at pfn %llx, event channel %u%s\n",
	       (unsigned long long)(ring_pa >> 12), port,
	       dropped ? " (output was dropped while xenconsoled lagged)" : "");
	return 0;
}

/* Input by interrupt from here on; what was typed before is taken now. */
void xen_cons_ring_input_on(void)
{
	unsigned long fl;

	if (!ring_pa)
		return;
	fl = ring_irq_save();
	input_on = 1;
	cons_interrupt(port);
	xen_irq_restore_fl(fl);
	xen_evtchn_unmask(port);
}

/*
 * After a resume in a new domain: the ring page is the same pfn (its
 * frame and channel are new), the new xenconsoled reads on from the
 * indexes the page kept.  Input goes on if it was on.
 */
int xen_cons_ring_resume(void)
{
	unsigned long mfn = xen_start_info.console.domU.mfn;
	unsigned long pfn = mfn ? xen_mfn_to_pfn(mfn) : ~0ul;
	int err;

	if (pfn >= xen_nr_pages || xen_pfn_to_mfn(pfn) != mfn) {
		ring_pa = 0;
		return -PV_ENOENT;
	}
	ring_pa = (uint64_t)pfn << 12;
	port = xen_start_info.console.domU.evtchn;
	out_prod = cons()->out_prod;
	stalled = 0;
	err = xen_evtchn_bind_port(port, cons_interrupt);
	if (!err && input_on)
		xen_evtchn_unmask(port);
	return err;
}
