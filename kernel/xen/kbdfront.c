/* kbdfront.c: the vkbd frontend: key events from the shared page's in
 * ring, turned into bytes (US layout, shift, ctrl) for the console loop. */
#include "core/cmdloop.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "xen/fb.h"
#include "xen/front.h"
#include "xen/keymap.h"
#include "xen/xen_pv.h"
#include <xen/io/kbdif.h>
#include <xen/io/xenbus.h>

/* Linux input keycodes (linux/input-event-codes.h) of the modifiers. */
#define KEY_LEFTCTRL 29
#define KEY_LEFTSHIFT 42
#define KEY_RIGHTSHIFT 54
#define KEY_RIGHTCTRL 97

static struct {
	struct xen_front f;
	struct xenkbd_page *page;
	uint64_t page_pa;
	int shift, ctrl, up;
	unsigned long keys, other;
} kbd;

static void kbd_key(unsigned code, int down)
{
	int c;

	if (code == KEY_LEFTSHIFT || code == KEY_RIGHTSHIFT) {
		kbd.shift = down;
		return;
	}
	if (code == KEY_LEFTCTRL || code == KEY_RIGHTCTRL) {
		kbd.ctrl = down;
		return;
	}
	c = down ? xen_kbd_keychar(code, kbd.shift, kbd.ctrl) : -1;
	if (c >= 0)
		console_input((char)c);
}

/* The event: keys (and pointer events, counted and dropped). */
static void kbd_event(unsigned port)
{
	struct xenkbd_page *pg = kbd.page;
	uint32_t cons = pg->in_cons, prod = *(volatile uint32_t *)&pg->in_prod;

	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* index, then events */
	if (prod - cons > XENKBD_IN_RING_LEN)
		cons = prod; /* nonsense indexes: skip to the present */
	for (; cons != prod; cons++) {
		union xenkbd_in_event *ev = &XENKBD_IN_RING_REF(pg, cons);

		if (ev->type == XENKBD_TYPE_KEY) {
			kbd.keys++;
			kbd_key(ev->key.keycode, ev->key.pressed);
		} else {
			kbd.other++;
		}
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	pg->in_cons = cons;
	(void)xen_evtchn_send(port);
}

static void kbd_changed(struct xen_front *f)
{
	if (f->be_state == XenbusStateConnected && !kbd.up) {
		kbd.up = 1;
		(void)xen_front_switch(f, XenbusStateConnected);
		printk("kbdfront: connected to %s: keys go to the console "
		       "loop\n", f->backend);
	} else if (f->be_state >= XenbusStateClosing && f->state !=
		   XenbusStateClosed) {
		kbd.up = 0;
		xen_front_close(f);
		printk("kbdfront: the backend closed: no keyboard (grant "
		       "references in use: %u)\n", xen_gnttab_in_use());
	}
}

static int kbd_setup(void)
{
	int err;

	kbd.page_pa = pmm_alloc();
	if (!kbd.page_pa)
		return -PV_ENOMEM;
	kbd.page = phys_to_virt(kbd.page_pa);
	err = xen_front_evtchn(&kbd.f, kbd_event);
	if (!err) {
		unsigned long mfn = xen_pfn_to_mfn(kbd.page_pa >> 12);

		err = xen_gnttab_grant(kbd.f.backend_id, mfn, 0);
		kbd.f.gref = err < 0 ? XEN_GNTTAB_NONE : (unsigned)err;
		if (err >= 0)
			err = xen_front_publish(&kbd.f, mfn, NULL);
	}
	if (!err)
		err = xen_front_switch(&kbd.f, XenbusStateInitialised);
	if (!err)
		err = xen_front_watch(&kbd.f);
	return err;
}

/* With the vfb: libxl adds a vkbd beside every vfb. */
void xen_kbd_init(void)
{
	int err;

	if (xen_front_probe(&kbd.f, "vkbd"))
		return;
	kbd.f.changed = kbd_changed;
	err = kbd_setup();
	if (err) {
		printk("kbdfront: setting up %s failed: error %d\n",
		       kbd.f.node, err);
		xen_front_close(&kbd.f);
	}
}
