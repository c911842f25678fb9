/* xenbus.c: the DomU's xenstore client: one request at a time over the
 * store ring of start_info; replies and watch events read by its handler. */
#include "core/kernel.h"
#include "core/mm.h"
#include "pv/pvcalls.h"
#include "xen/pvh.h"
#include "xen/domu.h"
#include "xen/xen_pv.h"
#include "xen/xenbus.h"
#include <xen/io/xs_wire.h>
#include <xen/hvm/params.h>

#define XS_WATCHES 8       /* watches registered at once */
#define XS_EVENTS 8        /* watch events waiting for xenbus_poll */
#define XS_EVENT_PATH 256  /* longer paths are dropped (counted as lost) */
#define XS_MASK(i) MASK_XENSTORE_IDX(i)
#define WAIT_SLICE_NS 5000000ull /* a blocked wait looks at its clock */

struct xs_msg {
	struct xsd_sockmsg hdr;
	char body[XENSTORE_PAYLOAD_MAX + 1]; /* a NUL after the payload */
};

struct xs_event {
	unsigned id;
	char path[XS_EVENT_PATH];
};

struct xs_part {
	const void *p;
	unsigned len;
};

static struct {
	uint64_t ring_pa;   /* 0 until xenbus_init found the ring */
	unsigned port;
	int connected;      /* the store answered once */
	int broken;         /* the byte stream is out of step: no more use */
	int busy, replied;  /* a request in flight; its reply arrived */
	uint32_t req_id, next_id;
	unsigned rx_got;    /* bytes of rx received so far */
	struct xs_msg rx, reply;
	struct xs_event ev[XS_EVENTS];
	unsigned ev_head, ev_count;
	struct xenbus_watch *watch[XS_WATCHES];
	struct xenbus_stats st;
} xs;

static const struct {
	const char *name;
	int err;
} xs_errors[] = {
	{ "EINVAL", PV_EINVAL }, { "EACCES", PV_EACCES },
	{ "EEXIST", PV_EEXIST }, { "EISDIR", PV_EISDIR },
	{ "ENOENT", PV_ENOENT }, { "ENOMEM", PV_ENOMEM },
	{ "ENOSPC", PV_ENOSPC }, { "EIO", PV_EIO },
	{ "ENOTEMPTY", PV_ENOTEMPTY }, { "ENOSYS", PV_ENOSYS },
	{ "EROFS", PV_EROFS }, { "EBUSY", PV_EBUSY },
	{ "EAGAIN", PV_EAGAIN }, { "EISCONN", PV_EISCONN },
	{ "E2BIG", PV_E2BIG }, { "EPERM", PV_EPERM },
	{ "ETIMEDOUT", PV_ETIMEDOUT }, { "ENOTCONN", PV_ENOTCONN },
	{ "ERANGE", PV_ERANGE }, { "EFAULT", PV_EFAULT },
};

static struct xenstore_domain_interface *ring(void)
{
	return phys_to_virt(xs.ring_pa); /* boot window or direct map */
}

static void xs_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

const char *xenbus_errname(int err)
{
	for (unsigned i = 0; i < ARRAY_SIZE(xs_errors); i++)
		if (xs_errors[i].err == -err)
			return xs_errors[i].name;
	return err ? "error" : "ok";
}

/* The store reports an error as its errno's name. */
static int xs_errno(const char *name)
{
	for (unsigned i = 0; i < ARRAY_SIZE(xs_errors); i++)
		if (!strcmp(xs_errors[i].name, name))
			return -xs_errors[i].err;
	return -PV_EIO;
}

/* The stream cannot be trusted any more: every later request fails. */
static int xs_break(const char *why, unsigned long v)
{
	if (!xs.broken)
		printk("xenbus: %s (%lu): store connection abandoned\n", why,
		       v);
	xs.broken = 1;
	return -PV_EIO;
}

/* The port's event is taken: done() reads whatever it announced. */
static void port_ack(unsigned port)
{
	__atomic_fetch_and(&xen_shared_page.s.evtchn_pending[port / 64],
			   ~(1ul << (port % 64)), __ATOMIC_SEQ_CST);
}

/*
 * Blocks until the port is pending (masked or not) or Xen's own poll
 * timer fires, a slice after the vCPU's last system time: a wait needs
 * neither the kernel's tick nor its interrupts.  A stale system time
 * only makes the slice shorter.
 */
static void port_block(unsigned port)
{
	evtchn_port_t p = port;
	struct sched_poll poll = { .nr_ports = 1 };

	set_xen_guest_handle(poll.ports, &p);
	poll.timeout = *(volatile uint64_t *)&xen_vcpu->time.system_time +
		       WAIT_SLICE_NS;
	(void)HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
}

/*
 * Waits until done(arg), called with interrupts off, says so; in between
 * the vCPU blocks on port.  An event after the ack wakes the block, so
 * none is missed.  The spin cap is for a clock that does not move.
 */
int xen_ring_wait(unsigned port, int (*done)(void *arg), void *arg,
		  unsigned timeout_ms)
{
	unsigned long long end = pv_sched_clock() + timeout_ms * 1000000ull;
	unsigned long spins = 0, max = timeout_ms * 1000ul;

	for (;;) {
		unsigned long fl = pv_irq_save();
		int ok;

		port_ack(port);
		ok = done(arg);
		pv_irq_restore_fl(fl);
		if (ok)
			return 0;
		if (pv_sched_clock() >= end || ++spins > max)
			return -PV_ETIMEDOUT;
		port_block(port);
	}
}

/* Bytes the message in rx still lacks: its header, then its body. */
static unsigned rx_missing(void)
{
	if (xs.rx_got < sizeof(xs.rx.hdr))
		return sizeof(xs.rx.hdr) - xs.rx_got;
	return sizeof(xs.rx.hdr) + xs.rx.hdr.len - xs.rx_got;
}

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}

/*
 * Moves bytes from the rsp ring into rx: 1 once rx holds a whole message,
 * 0 when the ring is empty first, -PV_EIO on nonsense.  A message may be
 * longer than the ring: it comes in pieces, and rx keeps what came.
 */
static int rx_fill(void)
{
	struct xenstore_domain_interface *r = ring();
	XENSTORE_RING_IDX cons = r->rsp_cons;
	XENSTORE_RING_IDX prod = *(volatile XENSTORE_RING_IDX *)&r->rsp_prod;
	int whole = 0;

	xs_mb(); /* the indexes before the bytes they cover */
	if (prod - cons > XENSTORE_RING_SIZE)
		return xs_break("bad rsp ring indexes", prod - cons);
	while (cons != prod && !whole) {
		unsigned n = min3(rx_missing(), prod - cons,
				  XENSTORE_RING_SIZE - XS_MASK(cons));

		memcpy((char *)&xs.rx + xs.rx_got, r->rsp + XS_MASK(cons), n);
		xs.rx_got += n;
		cons += n;
		if (xs.rx_got == sizeof(xs.rx.hdr) &&
		    xs.rx.hdr.len > XENSTORE_PAYLOAD_MAX)
			return xs_break("reply too long", xs.rx.hdr.len);
		whole = xs.rx_got >= sizeof(xs.rx.hdr) && !rx_missing();
	}
	xs_mb(); /* done with the bytes before the daemon may reuse them */
	if (r->rsp_cons != cons) {
		r->rsp_cons = cons;
		(void)xen_evtchn_send(xs.port);
	}
	return whole;
}

/* Same watch and path already waiting: one callback says it all. */
static int event_queued(unsigned id, const char *path)
{
	for (unsigned i = 0; i < xs.ev_count; i++) {
		const struct xs_event *e = &xs.ev[(xs.ev_head + i) % XS_EVENTS];

		if (e->id == id && !strcmp(e->path, path))
			return 1;
	}
	return 0;
}

/* A watch event: "path\0token\0", token "pv<id>". */
static void queue_event(const struct xs_msg *m)
{
	const char *path = m->body, *tok;
	size_t plen = strlen(path);
	unsigned id = 0;
	struct xs_event *e;

	xs.st.events++;
	tok = plen + 1 < m->hdr.len ? path + plen + 1 : "";
	if (strncmp(tok, "pv", 2))
		return; /* not one of ours */
	for (tok += 2; *tok >= '0' && *tok <= '9'; tok++)
		id = id * 10 + (unsigned)(*tok - '0');
	if (event_queued(id, path))
		return;
	if (plen >= XS_EVENT_PATH || xs.ev_count == XS_EVENTS) {
		xs.st.events_lost++;
		return;
	}
	e = &xs.ev[(xs.ev_head + xs.ev_count++) % XS_EVENTS];
	e->id = id;
	memcpy(e->path, path, plen + 1);
}

static void rx_dispatch(void)
{
	struct xs_msg *m = &xs.rx;

	m->body[m->hdr.len] = 0;
	if (m->hdr.type == XS_WATCH_EVENT) {
		queue_event(m);
	} else if (xs.busy && !xs.replied && m->hdr.req_id == xs.req_id) {
		memcpy(&xs.reply, m, sizeof(m->hdr) + m->hdr.len + 1);
		xs.replied = 1;
	} else {
		xs.st.stale++;
	}
	xs.rx_got = 0;
}

/* Reads every whole message the ring holds.  Interrupts off. */
static void xs_drain(void)
{
	if (!xs.ring_pa)
		return;
	while (!xs.broken && rx_fill() > 0)
		rx_dispatch();
}

/* The store's event channel: a reply, a watch event, or ring space. */
static void xs_interrupt(unsigned port)
{
	(void)port;
	xs_drain();
}

static int got_reply(void *arg)
{
	(void)arg;
	xs_drain();
	return xs.replied || xs.broken;
}

static int req_space(void *arg)
{
	const struct xenstore_domain_interface *r = ring();

	(void)arg;
	xs_drain(); /* the daemon may wait for us to read, first */
	return r->req_prod - *(volatile XENSTORE_RING_IDX *)&r->req_cons <
		       XENSTORE_RING_SIZE || xs.broken;
}

/* Copies len bytes into the req ring, waiting for space as need be. */
static int ring_put(const void *data, unsigned len)
{
	const char *p = data;

	while (len && !xs.broken) {
		struct xenstore_domain_interface *r = ring();
		XENSTORE_RING_IDX prod = r->req_prod;
		XENSTORE_RING_IDX used = prod -
			*(volatile XENSTORE_RING_IDX *)&r->req_cons;
		unsigned n;

		xs_mb();
		if (used > XENSTORE_RING_SIZE)
			return xs_break("bad req ring indexes", used);
		n = min3(XENSTORE_RING_SIZE - used, len,
			 XENSTORE_RING_SIZE - XS_MASK(prod));
		if (!n) {
			(void)xen_evtchn_send(xs.port);
			if (xen_ring_wait(xs.port, req_space, NULL,
					  XENBUS_TIMEOUT_MS))
				return xs_break("request ring stays full", len);
			continue;
		}
		memcpy(r->req + XS_MASK(prod), p, n);
		xs_mb(); /* the bytes before the index that publishes them */
		r->req_prod = prod + n;
		p += n;
		len -= n;
	}
	return xs.broken ? -PV_EIO : 0;
}

/* What a reply means: 0, the store's error, or a protocol error. */
static int xs_result(uint32_t type, int err)
{
	if (!err && xs.reply.hdr.type == XS_ERROR)
		err = xs_errno(xs.reply.body);
	else if (!err && xs.reply.hdr.type != type)
		err = xs_break("reply of another type", xs.reply.hdr.type);
	if (err == -PV_ETIMEDOUT) {
		xs.st.timeouts++;
		printk("xenbus: no answer from the store within %u ms "
		       "(request type %u)\n", XENBUS_TIMEOUT_MS, type);
	}
	if (err)
		xs.st.errors++;
	return err;
}

/*
 * Sends one request (header, then the parts) and waits for its reply in
 * xs.reply.  Returns 0 or -PV_E*; never waits longer than the timeout.
 */
static int xs_request(uint32_t type, xenbus_tx tx, const struct xs_part *part,
		      unsigned n)
{
	struct xsd_sockmsg h = { .type = type, .tx_id = tx };
	int err = 0;

	for (unsigned i = 0; i < n; i++)
		h.len += part[i].len;
	if (h.len > XENSTORE_PAYLOAD_MAX)
		return -PV_E2BIG;
	if (!xs.connected || xs.broken)
		return -PV_ENOTCONN;
	if (xs.busy)
		return -PV_EBUSY;
	xs.busy = 1;
	xs.replied = 0;
	h.req_id = xs.req_id = ++xs.next_id;
	xs.st.requests++;
	err = ring_put(&h, sizeof(h));
	for (unsigned i = 0; i < n && !err; i++)
		err = ring_put(part[i].p, part[i].len);
	if (!err) {
		(void)xen_evtchn_send(xs.port);
		err = xen_ring_wait(xs.port, got_reply, NULL,
				    XENBUS_TIMEOUT_MS);
	}
	if (!err && !xs.replied)
		err = -PV_EIO; /* broken while waiting */
	xs.busy = 0;
	return xs_result(type, err);
}

/* A request whose parts are NUL-terminated strings (a, and b if given). */
static int xs_request_str(uint32_t type, xenbus_tx tx, const char *a,
			  const char *b)
{
	struct xs_part p[2] = { { a, (unsigned)strlen(a) + 1 },
				{ b, b ? (unsigned)strlen(b) + 1 : 0 } };

	return xs_request(type, tx, p, b ? 2 : 1);
}

int xenbus_read(xenbus_tx tx, const char *path, char *buf, unsigned size)
{
	int err = xs_request_str(XS_READ, tx, path, NULL);

	if (err)
		return err;
	if (xs.reply.hdr.len >= size)
		return -PV_ERANGE;
	memcpy(buf, xs.reply.body, xs.reply.hdr.len + 1);
	return (int)xs.reply.hdr.len;
}

int xenbus_read_ul(xenbus_tx tx, const char *path, unsigned long *v)
{
	char buf[24], *s = buf;
	int err = xenbus_read(tx, path, buf, sizeof(buf));

	if (err < 0)
		return err;
	if (!*s)
		return -PV_EINVAL;
	for (*v = 0; *s >= '0' && *s <= '9'; s++)
		*v = *v * 10 + (unsigned long)(*s - '0');
	return *s ? -PV_EINVAL : 0;
}

/* The value goes without its NUL: the store keeps exactly these bytes. */
int xenbus_write(xenbus_tx tx, const char *path, const char *value)
{
	struct xs_part p[2] = { { path, (unsigned)strlen(path) + 1 },
				{ value, (unsigned)strlen(value) } };

	return xs_request(XS_WRITE, tx, p, 2);
}

int xenbus_rm(xenbus_tx tx, const char *path)
{
	return xs_request_str(XS_RM, tx, path, NULL);
}

int xenbus_directory(xenbus_tx tx, const char *path, char *buf,
		     unsigned size)
{
	int err = xs_request_str(XS_DIRECTORY, tx, path, NULL), n = 0;

	if (err)
		return err;
	if (xs.reply.hdr.len > size)
		return -PV_ERANGE;
	memcpy(buf, xs.reply.body, xs.reply.hdr.len);
	for (unsigned i = 0; i < xs.reply.hdr.len; i++)
		n += !buf[i];
	return n;
}

int xenbus_tx_start(xenbus_tx *tx)
{
	const char *s;
	int err = xs_request_str(XS_TRANSACTION_START, XENBUS_NO_TX, "", NULL);

	if (err)
		return err;
	*tx = 0;
	for (s = xs.reply.body; *s >= '0' && *s <= '9'; s++)
		*tx = *tx * 10 + (uint32_t)(*s - '0');
	return *s || !*tx ? xs_break("bad transaction id", *tx) : 0;
}

int xenbus_tx_end(xenbus_tx tx, int abort)
{
	return xs_request_str(XS_TRANSACTION_END, tx, abort ? "F" : "T", NULL);
}

static void watch_token(char *tok, unsigned id)
{
	snprintf(tok, 16, "pv%u", id);
}

int xenbus_watch_add(struct xenbus_watch *w)
{
	char tok[16];
	unsigned id = 0;
	int err;

	while (id < XS_WATCHES && xs.watch[id])
		id++;
	if (id == XS_WATCHES)
		return -PV_ENOSPC;
	w->id = id;
	xs.watch[id] = w; /* before the request: the store fires at once */
	watch_token(tok, id);
	err = xs_request_str(XS_WATCH, XENBUS_NO_TX, w->path, tok);
	if (err)
		xs.watch[id] = NULL;
	return err;
}

/* Forgets the watch and the events of it still waiting. */
int xenbus_watch_remove(struct xenbus_watch *w)
{
	char tok[16];
	unsigned long fl;
	int err;

	if (w->id >= XS_WATCHES || xs.watch[w->id] != w)
		return -PV_ENOENT;
	watch_token(tok, w->id);
	err = xs_request_str(XS_UNWATCH, XENBUS_NO_TX, w->path, tok);
	fl = pv_irq_save();
	xs.watch[w->id] = NULL;
	pv_irq_restore_fl(fl);
	return err;
}

/* Takes the oldest waiting event; 0 if there is none. */
static int event_pop(struct xs_event *e)
{
	unsigned long fl = pv_irq_save();
	int got;

	xs_drain(); /* also works with the event channel still masked */
	got = xs.ev_count != 0;
	if (got) {
		*e = xs.ev[xs.ev_head];
		xs.ev_head = (xs.ev_head + 1) % XS_EVENTS;
		xs.ev_count--;
	}
	pv_irq_restore_fl(fl);
	return got;
}

int xenbus_poll(void)
{
	static int polling;
	struct xs_event e;
	int ran = 0;

	unsigned long fl;

	if (polling || !xs.connected)
		return 0;
	polling = 1;
	/* Read the ring here too, not only on its event: a watch event whose
	 * notification went astray would otherwise wait for the next one. */
	fl = pv_irq_save();
	xs_drain();
	pv_irq_restore_fl(fl);
	while (event_pop(&e)) {
		struct xenbus_watch *w =
			e.id < XS_WATCHES ? xs.watch[e.id] : NULL;

		if (w) {
			w->fn(w, e.path);
			ran++;
		}
	}
	polling = 0;
	return ran;
}

void xenbus_get_stats(struct xenbus_stats *st)
{
	*st = xs.st;
}

int xenbus_connected(void)
{
	return xs.connected && !xs.broken;
}

/* start_info names the ring by machine frame; it lies in the bootstrap
 * area, which the boot window and later the direct map both cover. */
static int xs_find_ring(void)
{
	unsigned long mfn = xen_start_info.store_mfn;
	unsigned long pfn;

	if (xen_pvh) /* PVH: the HVM params name it by guest frame */
		return xen_pvh_ring(HVM_PARAM_STORE_PFN, HVM_PARAM_STORE_EVTCHN,
				    &xs.ring_pa, &xs.port);
	pfn = mfn ? xen_mfn_to_pfn(mfn) : ~0ul;

	if (pfn >= xen_nr_pages || xen_pfn_to_mfn(pfn) != mfn) {
		printk("xenbus: start_info names no store ring (mfn %lx)\n",
		       mfn);
		return -PV_ENOENT;
	}
	xs.ring_pa = (uint64_t)pfn << 12;
	xs.port = xen_start_info.store_evtchn;
	return 0;
}

/*
 * Finds the ring, binds its event channel and makes one round trip.
 * Returns 0, or -PV_E* with the store unusable (requests -PV_ENOTCONN).
 */
int xenbus_init(void)
{
	char name[64] = "?";
	unsigned long domid = ~0ul;
	int err = xs_find_ring();

	if (err)
		return err;
	err = xen_evtchn_bind_port(xs.port, xs_interrupt);
	if (err)
		printk("xenbus: event channel %u: error %d; polling\n", xs.port,
		       err);
	else
		xen_evtchn_unmask(xs.port);
	xs.connected = 1;
	err = xenbus_read_ul(XENBUS_NO_TX, "domid", &domid);
	if (err == -PV_ETIMEDOUT || err == -PV_EIO || err == -PV_ENOTCONN) {
		xs.connected = 0;
		return err == -PV_ETIMEDOUT ? err : -PV_EIO;
	}
	(void)xenbus_read(XENBUS_NO_TX, "name", name, sizeof(name));
	printk("xenbus: store ring at pfn %llx, event channel %u: domain %ld "
	       "'%s'\n", (unsigned long long)(xs.ring_pa >> 12), xs.port,
	       (long)domid, name);
	return 0;
}

/*
 * After a resume in a new domain: the ring and its channel are those of
 * the new start_info, the daemon is new and knows none of our watches
 * (each fires once more when set again).  A reply half read is gone.
 */
int xenbus_resume(void)
{
	struct xenstore_domain_interface *r;
	char tok[16];
	int err;

	if (!xs.connected)
		return -PV_ENOTCONN;
	if ((err = xs_find_ring()))
		return err;
	r = ring();
	xs.rx_got = 0;
	xs.busy = 0;
	if (r->rsp_prod != r->rsp_cons)
		r->rsp_cons = r->rsp_prod;
	if ((err = xen_evtchn_bind_port(xs.port, xs_interrupt)))
		return err;
	xen_evtchn_unmask(xs.port);
	for (unsigned id = 0; id < XS_WATCHES; id++) {
		if (!xs.watch[id])
			continue;
		watch_token(tok, id);
		err = xs_request_str(XS_WATCH, XENBUS_NO_TX, xs.watch[id]->path,
				     tok);
		if (err)
			printk("xenbus: watch %s again: %s (%d)\n",
			       xs.watch[id]->path, xenbus_errname(err), err);
	}
	return 0;
}
