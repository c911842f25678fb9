/* control.c: a DomU's life: its services brought up after the timer, the
 * control/shutdown watch (xl shutdown, xl reboot) and the way out. */
#include "core/cmdloop.h"
#include "core/kernel.h"
#include "pv/pvcalls.h"
#include "native/native_inline.h"
#include "xen/pvh.h"
#include "xen/domu.h"
#include "xen/fb.h"
#include "xen/pci.h"
#include "xen/xen_pv.h"
#include "xen/xenbus.h"
#include <xen/io/xs_wire.h>

#define CONTROL_PATH "control/shutdown"
#define FLUSH_MS 1000u /* for xenconsoled to read our last line */
/*
 * Less memory than this and a DomU does not start: the image and Xen's
 * bootstrap area take 1.3 MiB, the page tables and the selftests' pages
 * more; better one clear message now than a failed allocation later.
 */
#define DOMU_MIN_MIB 8u

/*
 * What the toolstack may write into control/shutdown.  A request either
 * leaves (reason) or, with fn, is handled and returns: `suspend` (xl
 * save, xl migrate) shuts down with SHUTDOWN_suspend and carries on when
 * resumed (suspend.c).  Anything else is cleared and ignored.
 */
struct control_request {
	const char *name;
	unsigned reason; /* SHUTDOWN_* */
	int (*fn)(const struct control_request *r);
};

/* The i386 PV32 build has no save/restore (docs/i386.md): there `suspend`
 * is neither advertised nor taken, so a request is cleared and ignored. */
#ifdef __i386__
#define CONTROL_NAMES "poweroff, halt, reboot"
#else
#define CONTROL_NAMES "poweroff, halt, reboot, suspend"

static int suspend_request(const struct control_request *r)
{
	(void)r;
	return xen_suspend();
}
#endif

static const struct control_request requests[] = {
	{ "poweroff", SHUTDOWN_poweroff, NULL },
#ifndef __i386__
	{ "suspend", SHUTDOWN_suspend, suspend_request },
#endif
	{ "halt", SHUTDOWN_poweroff, NULL },
	{ "reboot", SHUTDOWN_reboot, NULL },
};

static const char *reason_name(unsigned reason)
{
	static const char *const names[] = { "poweroff", "reboot", "suspend",
					     "crash", "watchdog",
					     "soft_reset" };

	return reason < ARRAY_SIZE(names) ? names[reason] : "unknown";
}

/*
 * The last words, then SCHEDOP_shutdown: Xen stops the domain and the
 * toolstack applies on_poweroff/on_reboot/on_crash.  Xen does not return
 * from it; should it, we ask again.
 */
void xen_domu_leave(unsigned reason, const char *why)
{
	struct sched_shutdown sd = { .reason = reason };

	printk("pvkernel: leaving with SHUTDOWN_%s: %s\n", reason_name(reason),
	       why);
	(void)xen_cons_ring_flush(FLUSH_MS);
	if (xen_pvh) /* the backend's own: sites may be unpatched */
		__native_irq_disable();
	else
		xen_irq_disable();
	for (;;) {
		(void)HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
		(void)HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	}
}

/* The DomU platform's early_init: the console works (first printk). */
void xen_domu_early_init(struct boot_info *bi)
{
	unsigned long kib = xen_start_info.nr_pages * 4;

	(void)bi;
	if (kib >= DOMU_MIN_MIB * 1024)
		return;
	printk("xen: too little memory: this domain has %lu KiB, the kernel "
	       "needs %u MiB (xl: memory = %u)\n", kib, DOMU_MIN_MIB,
	       DOMU_MIN_MIB);
	xen_domu_leave(SHUTDOWN_crash, "too little memory");
}

/* The platform's shutdown on a DomU: a run that passed powers off, any
 * other end (FAIL, panic, fatal trap) reports a crash. */
void xen_domu_shutdown(int code)
{
	if (code)
		xen_domu_leave(SHUTDOWN_crash, "the run failed (see above)");
	xen_domu_leave(SHUTDOWN_poweroff, "the run is over");
}

/*
 * Reads and clears the request in one transaction, so that a request
 * is acted on once, as Linux does.  Returns its length (0: none), or
 * -PV_E*; retries when another writer got in between.
 */
static int take_request(char *buf, unsigned size)
{
	for (unsigned tries = 0; tries < 8; tries++) {
		xenbus_tx tx;
		int n, err = xenbus_tx_start(&tx);

		if (err)
			return err;
		n = xenbus_read(tx, CONTROL_PATH, buf, size);
		if (n == -PV_ENOENT)
			n = 0;
		if (n > 0)
			err = xenbus_write(tx, CONTROL_PATH, "");
		if (n <= 0 || err) {
			(void)xenbus_tx_end(tx, 1);
			return err ? err : n;
		}
		err = xenbus_tx_end(tx, 0);
		if (err != -PV_EAGAIN)
			return err ? err : n;
	}
	return -PV_EAGAIN;
}

static void act(const char *req)
{
	char why[96];

	for (unsigned i = 0; i < ARRAY_SIZE(requests); i++) {
		const struct control_request *r = &requests[i];

		if (strcmp(r->name, req))
			continue;
		printk("control: the toolstack asks for '%s'\n", req);
		if (r->fn && !r->fn(r))
			return;
		snprintf(why, sizeof(why), "'%s' requested in %s", req,
			 CONTROL_PATH);
		xen_domu_leave(r->reason, why);
	}
	printk("control: unknown request '%s' in %s: cleared and ignored\n",
	       req, CONTROL_PATH);
}

/* Fires once when registered, again after our own clearing write: an
 * empty value means nothing to do. */
static void shutdown_watch(struct xenbus_watch *w, const char *path)
{
	char req[64];
	int n = take_request(req, sizeof(req));

	(void)w, (void)path;
	if (n == -PV_ERANGE)
		printk("control: request in %s longer than %u bytes: "
		       "ignored\n", CONTROL_PATH, (unsigned)sizeof(req) - 1);
	else if (n < 0)
		printk("control: reading %s: %s (%d)\n", CONTROL_PATH,
		       xenbus_errname(n), n);
	else if (n > 0)
		act(req);
}

static struct xenbus_watch control_watch = {
	.path = CONTROL_PATH,
	.fn = shutdown_watch,
};

/* The watch, and what we answer to (as Linux: control/feature-*). */
static int control_init(void)
{
	static const char *const features[] = { "control/feature-poweroff",
						"control/feature-reboot",
#ifndef __i386__
						"control/feature-suspend",
#endif
	};
	int err = xenbus_watch_add(&control_watch);

	if (err)
		return err;
	for (unsigned i = 0; i < ARRAY_SIZE(features); i++) {
		int e = xenbus_write(XENBUS_NO_TX, features[i], "1");

		if (e)
			printk("control: %s: %s (%d)\n", features[i],
			       xenbus_errname(e), e);
	}
	printk("control: watching %s (" CONTROL_NAMES ")\n", CONTROL_PATH);
	return 0;
}

static int xs_print_dir(const char *path)
{
	static char names[XENSTORE_PAYLOAD_MAX];
	int n = xenbus_directory(XENBUS_NO_TX, path, names, sizeof(names));
	const char *s = names;

	for (int i = 0; i < n; i++, s += strlen(s) + 1)
		printk("  %s\n", s);
	return n < 0 ? n : 0;
}

static int xs_print_stats(void)
{
	struct xenbus_stats st;

	xenbus_get_stats(&st);
	printk("xs: %lu requests, %lu errors, %lu timeouts, %lu watch "
	       "events (%lu lost), %lu stale replies\n", st.requests,
	       st.errors, st.timeouts, st.events, st.events_lost, st.stale);
	return 0;
}

/* A line is at most 512 bytes (printk): a long value as its head, its
 * tail and its length. */
static void xs_print_value(const char *path, const char *v, int len)
{
	char head[49];

	if (len <= 160) {
		printk("%s = \"%s\"\n", path, v);
		return;
	}
	memcpy(head, v, sizeof(head) - 1);
	head[sizeof(head) - 1] = 0;
	printk("%s = \"%s...%s\" (%d bytes)\n", path, head, v + len - 16, len);
}

/* The console loop's window on the store: read, write, ls, rm, stats. */
static int cmd_xs(int argc, char **argv)
{
	static char val[XENSTORE_PAYLOAD_MAX + 1];
	const char *op = argc > 1 ? argv[1] : "";
	int err = -PV_EINVAL;

	if (!strcmp(op, "stats") && argc == 2)
		return xs_print_stats();
	if (argc < 3)
		return -PV_EINVAL;
	if (!strcmp(op, "read") && argc == 3) {
		err = xenbus_read(XENBUS_NO_TX, argv[2], val, sizeof(val));
		if (err >= 0)
			xs_print_value(argv[2], val, err);
	} else if (!strcmp(op, "write") && argc == 4) {
		err = xenbus_write(XENBUS_NO_TX, argv[2], argv[3]);
	} else if (!strcmp(op, "ls") && argc == 3) {
		err = xs_print_dir(argv[2]);
	} else if (!strcmp(op, "rm") && argc == 3) {
		err = xenbus_rm(XENBUS_NO_TX, argv[2]);
	}
	if (err == -PV_EINVAL)
		return err; /* the loop prints the usage */
	if (err < 0) /* the store's answer, by name: said, not failed */
		printk("xs: %s %s: %s\n", op, argv[2], xenbus_errname(err));
	return 0;
}

static const struct cmdloop_cmd xs_cmd = {
	"xs", "read|ls|rm PATH, write PATH VAL, stats",
	"the xenstore, as this domain sees it", cmd_xs,
};

/* The console loop waits for input: it is on from now, by interrupt. */
static void control_poll(void)
{
	static int input_on;

	if (!input_on++)
		xen_cons_ring_input_on();
	(void)xenbus_poll();
}

/*
 * The DomU's services, once the timer runs (interrupts still off): the
 * console's input, the store, the control watch, and the console loop,
 * which a DomU runs by default: its life is xl console and xl shutdown.
 * A store that does not answer at all ends the domain as crashed.
 */
void xen_domu_init(void)
{
	int err = xen_cons_ring_input_init();

	if (err)
		printk("console: no input: error %d\n", err);
	err = xenbus_init();
	if (err == -PV_ETIMEDOUT)
		xen_domu_leave(SHUTDOWN_crash, "the xenstore did not answer "
			       "its ring at boot");
	if (!err)
		err = control_init();
	if (err)
		printk("control: no xenstore (%s, %d): xl shutdown and xl "
		       "reboot will go unseen\n", xenbus_errname(err), err);
	/* balloon and save/restore work on the PV p2m: not PVH's (pvh.md) */
	if (!err && !xen_pvh && (err = xen_balloon_init()))
		printk("balloon: off: %s (%d)\n", xenbus_errname(err), err);
	if (!xen_pvh)
		(void)xen_suspend_init();
	(void)cmdloop_register(&xs_cmd);
	(void)cmdloop_add_idle(control_poll);
	if (!err)
		xen_fb_init(); /* a vfb in the config: screen and keyboard */
	if (!err)
		xen_pcifront_init(); /* pci=[...] in the config */
	cmdloop_default_on();
}

/* The DomU platform's timer_init: the services need the clock. */
int xen_domu_timer_init(unsigned hz)
{
	int err = xen_timer_init(hz);

	if (!err)
		xen_domu_init();
	return err;
}
