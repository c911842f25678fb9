/* fb.h: the DomU's paravirt screen and keyboard (issue 14): the vfb
 * frontend (fbfront.c), what it shows (fbscreen.c), the vkbd (kbdfront.c). */
#ifndef XEN_FB_H
#define XEN_FB_H

#include "core/fbtext.h"

/* fbfront.c */
void xen_fb_init(void);               /* from xen_domu_init; no vfb: nothing */
int xen_fb_connected(void);
/* The frame: draws what changed and sends its rectangles (the idle hook
 * and the `screen` command call it). */
void xen_fb_flush(void);
int xen_fb_resize(unsigned width, unsigned height);
/* The grid as drawn (shown) and wanted. */
const struct fbtext *xen_fb_text(void);
struct xen_fb_stats {
	unsigned width, height, pages;
	unsigned long frames, updates, update_bytes, ring_full, resizes;
	unsigned long long connect_ns, first_frame_ns; /* since boot */
	int feature_resize;
};
void xen_fb_get_stats(struct xen_fb_stats *st);

/* fbscreen.c: the text of the screen (boot log, then the live screen). */
void xen_fbscreen_write(const char *s, unsigned long n); /* console tee */
/* Fills t: the boot log until live, then the live screen. */
void xen_fbscreen_compose(struct fbtext *t);
void xen_fbscreen_go_live(void);
int xen_fbscreen_held(void);
void xen_fbscreen_register(void);     /* the `screen` command */

/* kbdfront.c (keycodes to bytes: keymap.c) */
void xen_kbd_init(void);
#endif /* XEN_FB_H */
