/* fbfront.c: the vfb frontend: framebuffer pages and their page directory,
 * the shared xenfb_page with its out ring, the xenbus states, the updates. */
#include "core/cmdloop.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "pv/pvcalls.h"
#include "xen/domu.h"
#include "xen/fb.h"
#include "xen/front.h"
#include "xen/xen_pv.h"
#include <xen/io/fbif.h>
#include <xen/io/protocols.h>
#include <xen/io/xenbus.h>

#define FB_W 800
#define FB_H 600
#define FB_DEPTH 32
#define FB_BYTES (FB_W * FB_H * 4)
#define FB_PAGES ((FB_BYTES + 4095) / 4096)
#define FB_VA 0xffffea0000000000ull /* the pixels, contiguous here */
#define FB_TIMEOUT_S 30 /* no backend by then: no screen (fb.timeout=S) */
#define FB_PER_PD (4096 / sizeof(unsigned long))
#define FB_RING_WAIT_MS 100u

_Static_assert(FB_PAGES <= FB_PER_PD, "one page directory page");

static struct {
	struct xen_front f;
	struct xenfb_page *page;
	uint64_t page_pa, pd_pa;
	struct fbtext_fb fb;
	struct fbtext text;
	int up, gone, feature_resize;
	unsigned long long t_init, deadline;
	struct xen_fb_stats st;
} fbf;

static unsigned long mfn_of(uint64_t pa)
{
	return xen_pfn_to_mfn((unsigned long)(pa >> 12));
}

/* fb.timeout=SECONDS on the command line, for the tests. */
static unsigned fb_timeout_s(void)
{
	const char *c = (const char *)xen_start_info.cmd_line, *p;
	unsigned v = 0;

	for (p = c; *p; p++)
		if (!strncmp(p, "fb.timeout=", 11) && (p == c || p[-1] == ' '))
			break;
	if (!*p)
		return FB_TIMEOUT_S;
	for (p += 11; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (unsigned)(*p - '0');
	return v ? v : FB_TIMEOUT_S;
}

/* The pixels (mapped at FB_VA), a directory of their frames, the page. */
static int fb_alloc(void)
{
	unsigned long *pd;

	fbf.page_pa = pmm_alloc();
	fbf.pd_pa = pmm_alloc();
	if (!fbf.page_pa || !fbf.pd_pa)
		return -PV_ENOMEM;
	fbf.page = phys_to_virt(fbf.page_pa);
	pd = phys_to_virt(fbf.pd_pa);
	for (unsigned i = 0; i < FB_PAGES; i++) {
		uint64_t pa = pmm_alloc();

		if (!pa || pt_map(FB_VA + i * 4096ull, pa, PTE_W))
			return -PV_ENOMEM;
		pd[i] = mfn_of(pa);
	}
	fbf.fb = (struct fbtext_fb){ (uint32_t *)FB_VA, FB_W, FB_H, FB_W * 4 };
	fbf.page->width = FB_W;
	fbf.page->height = FB_H;
	fbf.page->line_length = FB_W * 4;
	fbf.page->mem_length = FB_BYTES;
	fbf.page->depth = FB_DEPTH;
	fbf.page->pd[0] = mfn_of(fbf.pd_pa);
	fbf.st.pages = FB_PAGES;
	return 0;
}

/* The backend consumed events (or wants us): nothing to read. */
static void fb_event(unsigned port)
{
	(void)port;
}

static int fb_ring_space(void *arg)
{
	struct xenfb_page *pg = arg;

	return pg->out_prod - *(volatile uint32_t *)&pg->out_cons <
	       XENFB_OUT_RING_LEN;
}

/*
 * One event into the out ring.  A full ring is handed to the backend
 * and waited on (it notifies when it has read); a backend that does not
 * read within FB_RING_WAIT_MS loses the event (counted): the pixels are
 * right anyway, only its copy of them may lag.
 */
static void fb_send(const union xenfb_out_event *ev)
{
	struct xenfb_page *pg = fbf.page;
	uint32_t prod = pg->out_prod;

	if (!fb_ring_space(pg)) {
		(void)xen_evtchn_send((unsigned)fbf.f.port);
		if (xen_ring_wait((unsigned)fbf.f.port, fb_ring_space, pg,
				  FB_RING_WAIT_MS)) {
			fbf.st.ring_full++;
			return;
		}
	}
	XENFB_OUT_RING_REF(pg, prod) = *ev;
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* event, then index */
	pg->out_prod = prod + 1;
}

static void fb_rect(const struct fbtext_rect *r, void *arg)
{
	union xenfb_out_event ev = { .type = XENFB_TYPE_UPDATE };

	(void)arg;
	ev.update.x = (int32_t)r->x;
	ev.update.y = (int32_t)r->y;
	ev.update.width = (int32_t)r->w;
	ev.update.height = (int32_t)r->h;
	fb_send(&ev);
	fbf.st.updates++;
	fbf.st.update_bytes += (unsigned long)r->w * r->h * 4;
}

void xen_fb_flush(void)
{
	unsigned n;

	if (!fbf.up)
		return;
	xen_fbscreen_compose(&fbf.text);
	n = fbtext_flush(&fbf.text, &fbf.fb, fb_rect, NULL);
	if (!n)
		return;
	fbf.st.frames++;
	if (!fbf.st.first_frame_ns)
		fbf.st.first_frame_ns = pv_sched_clock();
	(void)xen_evtchn_send((unsigned)fbf.f.port);
}

int xen_fb_resize(unsigned width, unsigned height)
{
	union xenfb_out_event ev = { .type = XENFB_TYPE_RESIZE };

	if (!fbf.up)
		return -PV_ENOTCONN;
	if (!fbf.feature_resize)
		return -PV_ENOSYS;
	if (width < 2 * FONT_W || height < 2 * FONT_H || width > FB_W ||
	    height > FB_H || width % FONT_W || height % FONT_H)
		return -PV_ERANGE;
	ev.resize.width = (int32_t)width;
	ev.resize.height = (int32_t)height;
	ev.resize.stride = (int32_t)width * 4;
	ev.resize.depth = FB_DEPTH;
	ev.resize.offset = 0;
	fbf.fb = (struct fbtext_fb){ (uint32_t *)FB_VA, width, height,
				     width * 4 };
	memset((void *)FB_VA, 0, FB_BYTES);
	fbtext_reset(&fbf.text, width, height);
	fb_send(&ev);
	fbf.st.resizes++;
	xen_fb_flush();
	(void)xen_evtchn_send((unsigned)fbf.f.port);
	return 0;
}

/* Gone for good (no backend, or it closed): console only from now. */
static void fb_drop(const char *why)
{
	if (fbf.gone)
		return;
	fbf.gone = 1;
	fbf.up = 0;
	xen_front_close(&fbf.f);
	printk("fbfront: %s: going on without a screen (grant references "
	       "in use: %u)\n", why, xen_gnttab_in_use());
}

static void fb_connected(void)
{
	unsigned long v = 0;
	char path[128];

	snprintf(path, sizeof(path), "%s/feature-resize", fbf.f.backend);
	fbf.feature_resize = !xenbus_read_ul(XENBUS_NO_TX, path, &v) && v;
	(void)xen_front_switch(&fbf.f, XenbusStateConnected);
	fbtext_reset(&fbf.text, FB_W, FB_H);
	fbf.up = 1;
	fbf.st.connect_ns = pv_sched_clock();
	xen_fb_flush();
	printk("fbfront: connected to %s (dom %u): %ux%ux%u, %u pages, "
	       "feature-resize %d, first frame %llu ms after probe\n",
	       fbf.f.backend, fbf.f.backend_id, FB_W, FB_H, FB_DEPTH,
	       FB_PAGES, fbf.feature_resize,
	       (fbf.st.first_frame_ns - fbf.t_init) / 1000000ull);
}

/* The backend's state moved (from xenbus_poll). */
static void fb_changed(struct xen_front *f)
{
	if (fbf.gone)
		return;
	if (f->be_state == XenbusStateConnected && !fbf.up)
		fb_connected();
	else if (f->be_state >= XenbusStateClosing)
		fb_drop(fbf.up ? "the backend closed" :
				 "the backend refused to connect");
}

/* From the console loop's idle: the backend's deadline, then frames. */
static void fb_idle(void)
{
	static unsigned long long last;
	unsigned long long now = pv_sched_clock();

	if (!fbf.up && !fbf.gone && now > fbf.deadline) {
		char why[96];

		snprintf(why, sizeof(why), "no backend connected within %u s "
			 "(backend %s, state %s)", fb_timeout_s(),
			 fbf.f.backend, xen_front_state_name(fbf.f.be_state));
		fb_drop(why);
	}
	if (!fbf.up || xen_fbscreen_held())
		return;
	if (!last)
		xen_fbscreen_go_live();
	if (now - last < 20000000ull) /* 50 frames a second at most */
		return;
	last = now;
	xen_fb_flush();
}

static int fb_setup(void)
{
	static const char *const kv[] = {
		"protocol", XEN_IO_PROTO_ABI_X86_64, "feature-update", "1",
		NULL,
	};
	int err = fb_alloc();

	if (!err)
		err = xen_gnttab_init();
	if (!err)
		err = xen_front_evtchn(&fbf.f, fb_event);
	if (!err) {
		err = xen_gnttab_grant(fbf.f.backend_id, mfn_of(fbf.page_pa), 0);
		fbf.f.gref = err < 0 ? XEN_GNTTAB_NONE : (unsigned)err;
		err = err < 0 ? err : 0;
	}
	if (!err)
		err = xen_front_publish(&fbf.f, mfn_of(fbf.page_pa), kv);
	if (!err)
		err = xen_front_switch(&fbf.f, XenbusStateInitialised);
	if (!err)
		err = xen_front_watch(&fbf.f);
	return err;
}

/* A vfb in the domain's config: set it up; the backend connects later
 * (seen by the watch from the console loop).  None: nothing changes. */
void xen_fb_init(void)
{
	int err;

	if (xen_front_probe(&fbf.f, "vfb"))
		return;
	fbf.t_init = pv_sched_clock();
	fbf.deadline = fbf.t_init + fb_timeout_s() * 1000000000ull;
	fbf.f.changed = fb_changed;
	err = fb_setup();
	if (err) {
		printk("fbfront: setting up %s failed: error %d\n", fbf.f.node,
		       err);
		fb_drop("setup failed");
		return;
	}
	printk("fbfront: %s -> %s, %u framebuffer pages, event channel %d, "
	       "grant %u; waiting for the backend\n", fbf.f.node,
	       fbf.f.backend, FB_PAGES, fbf.f.port, fbf.f.gref);
	(void)cmdloop_add_idle(fb_idle);
	xen_fbscreen_register();
	xen_kbd_init();
}

const struct fbtext *xen_fb_text(void)
{
	return &fbf.text;
}

int xen_fb_connected(void)
{
	return fbf.up;
}

void xen_fb_get_stats(struct xen_fb_stats *st)
{
	*st = fbf.st;
	st->width = fbf.fb.width;
	st->height = fbf.fb.height;
	st->feature_resize = fbf.feature_resize;
}
