/* front.h: what the DomU's split-driver frontends (fbfront.c, kbdfront.c)
 * share: grant references (gnttab.c) and the xenbus handshake (front.c). */
#ifndef XEN_FRONT_H
#define XEN_FRONT_H

#include <stdint.h>
#include "xen/xenbus.h"

/* gnttab.c: grant table v1, one frame (GNTTABOP_setup_table). */
#define XEN_GNTTAB_NONE 0u /* no reference (refs 0-7 are reserved) */
int xen_gnttab_init(void);
/* Lets domain dom map machine frame mfn; a reference, or -PV_E*. */
int xen_gnttab_grant(unsigned dom, unsigned long mfn, int readonly);
/* Revokes it; -PV_EBUSY while the other side still maps the frame. */
int xen_gnttab_end(unsigned ref);
unsigned xen_gnttab_in_use(void);

/* front.c: one frontend device/TYPE/0 and its backend. */
struct xen_front {
	const char *type;          /* "vfb", "vkbd" */
	char node[32];             /* device/TYPE/0 */
	char backend[96];          /* its backend's directory */
	unsigned backend_id;       /* the backend's domain */
	int state, be_state;       /* XenbusState* of each end */
	int port;                  /* our event channel, -1 if none */
	unsigned gref;             /* the shared page's grant, or NONE */
	struct xenbus_watch watch; /* on the backend's state */
	char watch_path[112];
	void (*changed)(struct xen_front *f); /* be_state moved */
};

/* 0 if device/TYPE/0 exists and names a backend; -PV_ENOENT if not. */
int xen_front_probe(struct xen_front *f, const char *type);
/* An unbound port for the backend, handled by fn; 0 or -PV_E*. */
int xen_front_evtchn(struct xen_front *f, void (*fn)(unsigned port));
/* Our state into device/TYPE/0/state. */
int xen_front_switch(struct xen_front *f, int state);
/* Watches the backend's state; f->changed runs on every change. */
int xen_front_watch(struct xen_front *f);
/* The shared page published: page-ref (its mfn), page-gref, port;
 * extra key/value pairs (NULL-terminated) in the same transaction. */
int xen_front_publish(struct xen_front *f, unsigned long mfn,
		      const char *const *kv);
/* Everything undone: grant ended, port closed, watch removed, Closed. */
void xen_front_close(struct xen_front *f);
const char *xen_front_state_name(int state);
#endif /* XEN_FRONT_H */
