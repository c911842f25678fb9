/* console.c: the Dom0 console: HYPERVISOR_console_io(CONSOLEIO_write) puts
 * the bytes on Xen's own console (here its serial line), no setup needed. */
#include "core/kernel.h"
#include "xen/domu.h"
#include "xen/xen_pv.h"

/*
 * The console_write op.  Xen copies the buffer itself (in pieces, with
 * continuations), so one hypercall takes any length; an error has nowhere
 * to be reported, so it is dropped.
 */
void xen_console_write(const char *s, unsigned long n)
{
	if (!xen_is_dom0) { /* a DomU: console_io is Dom0's (issue 9) */
		xen_cons_ring_write(s, n);
		return;
	}
	if (n && !HYPERVISOR_console_io(CONSOLEIO_write, n, s))
		console_out_bytes += n;
}

/*
 * Dom0 input for the command loop: Xen hands the hardware domain what is
 * typed on its serial line (once input is switched to Dom0, the default
 * after boot).  Polled: the loop wakes on every tick.  One byte or
 * -PV_EAGAIN.
 */
int xen_dom0_getc(void)
{
	char c;

	if (HYPERVISOR_console_io(CONSOLEIO_read, 1, &c) != 1)
		return -PV_EAGAIN;
	return (unsigned char)c;
}

/* Before pv_ops is filled: the same hypercall, without printk. */
void xen_console_early(const char *s)
{
	xen_console_write(s, strlen(s));
}
