/* front.c: the frontend half of a split driver's xenbus handshake, shared
 * by fbfront.c and kbdfront.c: backend lookup, port, states, teardown. */
#include "core/kernel.h"
#include "xen/front.h"
#include "xen/xen_pv.h"
#include <xen/io/xenbus.h>

const char *xen_front_state_name(int state)
{
	static const char *const names[] = {
		"Unknown", "Initialising", "InitWait", "Initialised",
		"Connected", "Closing", "Closed", "Reconfiguring",
		"Reconfigured",
	};

	return state >= 0 && state < (int)ARRAY_SIZE(names) ? names[state] :
							       "bad";
}

int xen_front_probe(struct xen_front *f, const char *type)
{
	char path[64];
	unsigned long id;
	int n;

	f->type = type;
	f->port = -1;
	f->gref = XEN_GNTTAB_NONE;
	f->state = XenbusStateInitialising;
	f->be_state = XenbusStateUnknown;
	snprintf(f->node, sizeof(f->node), "device/%s/0", type);
	snprintf(path, sizeof(path), "%s/backend", f->node);
	n = xenbus_read(XENBUS_NO_TX, path, f->backend, sizeof(f->backend));
	if (n <= 0)
		return n ? n : -PV_ENOENT;
	snprintf(path, sizeof(path), "%s/backend-id", f->node);
	n = xenbus_read_ul(XENBUS_NO_TX, path, &id);
	if (n)
		return n;
	f->backend_id = (unsigned)id;
	return 0;
}

static void front_port_close(struct xen_front *f)
{
	struct evtchn_close c = { .port = (evtchn_port_t)f->port };

	if (f->port < 0)
		return;
	xen_evtchn_mask((unsigned)f->port);
	(void)HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
	(void)xen_evtchn_bind_port((unsigned)f->port, NULL);
	f->port = -1;
}

int xen_front_evtchn(struct xen_front *f, void (*fn)(unsigned port))
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF,
					  .remote_dom = (domid_t)f->backend_id };
	int err = (int)HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);

	if (err)
		return err;
	f->port = (int)a.port;
	err = xen_evtchn_bind_port(a.port, fn);
	if (err)
		front_port_close(f);
	else
		xen_evtchn_unmask(a.port);
	return err;
}

int xen_front_switch(struct xen_front *f, int state)
{
	char path[48], v[4];

	snprintf(path, sizeof(path), "%s/state", f->node);
	snprintf(v, sizeof(v), "%d", state);
	f->state = state;
	return xenbus_write(XENBUS_NO_TX, path, v);
}

/* The watch fires once at registration, then on each change; a state
 * that cannot be read (the backend's directory gone) counts as Closed. */
static void front_watch_fn(struct xenbus_watch *w, const char *path)
{
	struct xen_front *f = (struct xen_front *)((char *)w -
			      __builtin_offsetof(struct xen_front, watch));
	unsigned long st;
	int old = f->be_state;

	(void)path;
	if (xenbus_read_ul(XENBUS_NO_TX, f->watch_path, &st))
		st = XenbusStateClosed;
	f->be_state = (int)st;
	if (f->be_state != old && f->changed)
		f->changed(f);
}

int xen_front_watch(struct xen_front *f)
{
	snprintf(f->watch_path, sizeof(f->watch_path), "%s/state",
		 f->backend);
	f->watch.path = f->watch_path;
	f->watch.fn = front_watch_fn;
	return xenbus_watch_add(&f->watch);
}

static int front_write(xenbus_tx tx, struct xen_front *f, const char *key,
		       const char *val)
{
	char path[64];

	snprintf(path, sizeof(path), "%s/%s", f->node, key);
	return xenbus_write(tx, path, val);
}

/* In one transaction (retried on EAGAIN), as Linux's frontends do. */
int xen_front_publish(struct xen_front *f, unsigned long mfn,
		      const char *const *kv)
{
	char ref[24], gref[12], port[12];
	int err = -PV_EAGAIN;

	snprintf(ref, sizeof(ref), "%lu", mfn);
	snprintf(gref, sizeof(gref), "%u", f->gref);
	snprintf(port, sizeof(port), "%d", f->port);
	for (unsigned tries = 0; tries < 8 && err == -PV_EAGAIN; tries++) {
		xenbus_tx tx;

		err = xenbus_tx_start(&tx);
		if (err)
			return err;
		err = front_write(tx, f, "page-ref", ref);
		if (!err)
			err = front_write(tx, f, "page-gref", gref);
		if (!err)
			err = front_write(tx, f, "event-channel", port);
		for (unsigned i = 0; !err && kv && kv[i]; i += 2)
			err = front_write(tx, f, kv[i], kv[i + 1]);
		if (err) {
			(void)xenbus_tx_end(tx, 1);
			return err;
		}
		err = xenbus_tx_end(tx, 0);
	}
	return err;
}

void xen_front_close(struct xen_front *f)
{
	if (f->watch.path)
		(void)xenbus_watch_remove(&f->watch);
	f->watch.path = NULL;
	front_port_close(f);
	if (f->gref != XEN_GNTTAB_NONE) {
		int err = xen_gnttab_end(f->gref);

		if (err)
			printk("%s: grant %u still mapped by the backend: "
			       "kept\n", f->node, f->gref);
		else
			f->gref = XEN_GNTTAB_NONE;
	}
	(void)xen_front_switch(f, XenbusStateClosed);
}
