/* xen32.h: what the i386 Xen PV32 entry's files share (xen_start_32.c,
 * xen_events_32.c, xen_console_32.c); included after hypercall_32.h. */
#ifndef XEN32_H
#define XEN32_H

/* xen_start_32.c: the copy of start_info made at entry. */
const struct start_info *xen32_start_info(void);

/* xen_console_32.c: console_io (Dom0) or the console ring (DomU). */
typedef void (*xen32_console_fn)(const char *s, unsigned long n);
xen32_console_fn xen32_console_init(const struct start_info *si);

/* xen_events_32.c: 0 or a negative errno, each printing what it saw. */
int xen32_check_trap(void);
int xen32_check_events(void);
#endif /* XEN32_H */
