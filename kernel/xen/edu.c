/* edu.c: a driver for QEMU's edu device (1234:11e8, docs/specs/edu.rst)
 * passed through to the DomU: id, liveness, factorials, MSI or polling. */
#include "core/cmdloop.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "pv/pvcalls.h"
#include "xen/pci.h"
#include "xen/xen_pv.h"

#define EDU_ID 0x00
#define EDU_LIVE 0x04
#define EDU_FACT 0x08
#define EDU_STATUS 0x20
#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_ACK 0x64
#define EDU_ST_COMPUTING 0x01
#define EDU_ST_IRQFACT 0x80
#define EDU_IRQ_FACT 0x01 /* in the interrupt status: factorial done */
#define EDU_WAIT_NS 2000000000ull /* a factorial takes microseconds */

static struct {
	struct xen_pci_dev *d, *last; /* bound; the one `edu on` takes */
	volatile uint32_t *r;         /* BAR0, uncached */
	int msi;
	volatile int irq_seen;
	volatile unsigned long long t_irq;
	unsigned long irqs, spurious, polls;
	uint32_t live_seed;
} edu;

static uint32_t rd(unsigned off)
{
	return edu.r[off / 4]; /* the device answers 32-bit accesses only */
}

static void wr(unsigned off, uint32_t v)
{
	edu.r[off / 4] = v;
}

/* The MSI's event: acknowledge the device (it keeps the bits until
 * then), note the time, EOI the pirq if Xen asks for one. */
static void edu_irq(unsigned port)
{
	unsigned long long t = pv_sched_clock();
	uint32_t st;

	(void)port;
	edu.irqs++;
	if (!edu.r)
		return;
	st = rd(EDU_IRQ_STATUS);
	if (st)
		wr(EDU_IRQ_ACK, st);
	else
		edu.spurious++; /* an event with no interrupt raised */
	if (st & EDU_IRQ_FACT) {
		edu.t_irq = t;
		edu.irq_seen = 1;
	}
	xen_pci_msi_eoi(edu.d);
}

/* The liveness register answers the inverse of what was written. */
static int edu_alive(void)
{
	uint32_t v = 0x5a5a0000u + ++edu.live_seed, got;

	wr(EDU_LIVE, v);
	got = rd(EDU_LIVE);
	if (got == ~v)
		return 0;
	printk("edu: liveness: wrote 0x%08x, read 0x%08x (want 0x%08x)\n", v,
	       got, ~v);
	return -PV_EIO;
}

static void edu_release(const char *why)
{
	struct xen_pci_dev *d = edu.d;
	uint64_t va = (uint64_t)(uintptr_t)edu.r;

	if (!d)
		return;
	xen_pci_disable_msi(d);
	edu.r = NULL;
	edu.d = NULL;
	(void)xen_pci_unmap_bar(d, 0);
	printk("edu: released (%s): MSI off, bar0 unmapped (pte at 0x%llx "
	       "%s)\n", why, (unsigned long long)va,
	       pt_lookup(va) && (*pt_lookup(va) & PTE_P) ? "still present" :
							   "gone");
}

static void edu_say_bound(const struct xen_pci_dev *d, uint32_t id)
{
	uint64_t va = (uint64_t)(uintptr_t)edu.r;
	unsigned long long *pte = pt_lookup(va);

	printk("edu: %04x:%02x:%02x.%u version %u.%u, bar0 0x%llx at "
	       "0x%llx (pte 0x%llx), liveness ok, completion by %s",
	       d->seg, d->bus, d->devfn >> 3, d->devfn & 7, id >> 24,
	       (id >> 16) & 0xff, (unsigned long long)d->bar[0].addr,
	       (unsigned long long)va, pte ? *pte : 0ull,
	       edu.msi ? "MSI" : "polling");
	if (edu.msi)
		printk(" (pirq %d, event channel %d)", d->msi_pirq,
		       d->msi_port);
	printk("\n");
}

/* Decoding on, BAR0 mapped, id and liveness, then MSI or polling. */
static int edu_probe(struct xen_pci_dev *d)
{
	uint32_t id;
	int err = xen_pci_enable(d);

	edu.last = d;
	if (err)
		return err;
	edu.r = xen_pci_map_bar(d, 0);
	if (!edu.r)
		return -PV_EIO;
	id = rd(EDU_ID);
	edu.d = d;
	if ((id & 0xffff) != 0x00ed || edu_alive()) {
		printk("edu: id 0x%08x: not an edu, or not alive\n", id);
		edu_release("bad id");
		return -PV_EIO;
	}
	err = xen_pci_enable_msi(d, edu_irq);
	edu.msi = !err;
	if (err)
		printk("edu: MSI not available (error %d): completion by "
		       "polling the status register\n", err);
	edu_say_bound(d, id);
	return 0;
}

static void edu_remove(struct xen_pci_dev *d)
{
	if (edu.d == d)
		edu_release("device removed");
	edu.last = NULL;
}

const struct xen_pci_driver xen_edu_driver = {
	"edu", 0x1234, 0x11e8, edu_probe, edu_remove,
};

/* Interrupts off for the check, safe_halt to wait: an event between the
 * two still wakes us (as timer_wait_ns). */
static int wait_irq(unsigned long long end)
{
	for (;;) {
		pv_irq_disable();
		if (edu.irq_seen || pv_sched_clock() >= end)
			break;
		pv_safe_halt();
	}
	pv_irq_enable();
	return edu.irq_seen ? 0 : -PV_ETIMEDOUT;
}

static int wait_poll(unsigned long long end)
{
	edu.polls++;
	while (rd(EDU_STATUS) & EDU_ST_COMPUTING)
		if (pv_sched_clock() >= end)
			return -PV_ETIMEDOUT;
	return 0;
}

/* n! by the device; *ns from the write of n to the completion seen. */
static int edu_fact(uint32_t n, int poll, uint32_t *res,
		    unsigned long long *ns)
{
	unsigned long long t0, t1;
	int err;

	if (rd(EDU_STATUS) & EDU_ST_COMPUTING)
		return -PV_EBUSY;
	wr(EDU_STATUS, poll ? 0 : EDU_ST_IRQFACT);
	edu.irq_seen = 0;
	t0 = pv_sched_clock();
	wr(EDU_FACT, n);
	err = poll ? wait_poll(t0 + EDU_WAIT_NS) : wait_irq(t0 + EDU_WAIT_NS);
	t1 = poll ? pv_sched_clock() : edu.t_irq;
	if (err)
		return err;
	*res = rd(EDU_FACT);
	*ns = t1 - t0;
	return 0;
}

static int parse_u32(const char *s, uint32_t *v)
{
	unsigned long long x = 0;

	if (!*s)
		return -PV_EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > 0xffffffffull)
			return -PV_EINVAL;
		x = x * 10 + (unsigned)(*s - '0');
	}
	if (x > 0xffffffffull)
		return -PV_EINVAL;
	*v = (uint32_t)x;
	return 0;
}

static int edu_run(const char *arg, int poll)
{
	unsigned long long ns;
	uint32_t n, res;
	int err;

	if (parse_u32(arg, &n))
		return -PV_EINVAL;
	if (!edu.d) {
		printk("edu: no device\n");
		return 0;
	}
	poll = poll || !edu.msi;
	err = edu_alive();
	if (!err)
		err = edu_fact(n, poll, &res, &ns);
	if (err)
		printk("edu: %u!: error %d (status 0x%x, %lu interrupts)\n", n,
		       err, rd(EDU_STATUS), edu.irqs);
	else
		printk("edu: %u! = %u (%s, %llu us)\n", n, res,
		       poll ? "poll" : "irq", ns / 1000);
	return 0;
}

#define EDU_BENCH_MAX 64

static void sort_ull(unsigned long long *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned k = i; k && v[k - 1] > v[k]; k--) {
			unsigned long long t = v[k];

			v[k] = v[k - 1];
			v[k - 1] = t;
		}
}

/* COUNT runs of N! each way; min, median, max (guest clock: under TCG
 * compare the two ways, do not quote them as real latencies). */
static int edu_bench(const char *narg, const char *carg)
{
	static unsigned long long ns[2][EDU_BENCH_MAX];
	uint32_t n, count, res;
	int err = 0;

	if (parse_u32(narg, &n) || parse_u32(carg, &count) || !count ||
	    count > EDU_BENCH_MAX)
		return -PV_EINVAL;
	if (!edu.d || !edu.msi) {
		printk("edu: %s\n", edu.d ? "no MSI: nothing to compare" :
					      "no device");
		return 0;
	}
	for (unsigned i = 0; i < count && !err; i++)
		for (int poll = 0; poll < 2 && !err; poll++)
			err = edu_fact(n, poll, &res, &ns[poll][i]);
	if (err) {
		printk("edu: bench: error %d\n", err);
		return 0;
	}
	for (int poll = 0; poll < 2; poll++) {
		sort_ull(ns[poll], count);
		printk("edu: bench %u! x%u by %s: min %llu us, median %llu us, "
		       "max %llu us\n", n, count, poll ? "poll" : "irq",
		       ns[poll][0] / 1000, ns[poll][count / 2] / 1000,
		       ns[poll][count - 1] / 1000);
	}
	return 0;
}

static int cmd_edu(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "bench"))
		return edu_bench(argv[2], argv[3]);
	if (argc == 2 && !strcmp(argv[1], "off")) {
		if (!edu.d)
			printk("edu: no device\n");
		edu_release("edu off");
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "on")) {
		if (edu.d || !edu.last)
			printk("edu: %s\n", edu.d ? "already bound" :
				"no device");
		else if (edu_probe(edu.last))
			printk("edu: probe failed\n");
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "poll"))
		return edu_run(argv[2], 1);
	if (argc == 2)
		return edu_run(argv[1], 0);
	if (argc != 1)
		return -PV_EINVAL;
	if (!edu.d)
		printk("edu: no device\n");
	else
		printk("edu: bound, completion by %s, %lu interrupts (%lu "
		       "spurious), %lu polled runs\n",
		       edu.msi ? "MSI" : "polling", edu.irqs, edu.spurious,
		       edu.polls);
	return 0;
}

static const struct cmdloop_cmd edu_cmd = {
	"edu", "[poll] N | bench N COUNT | on | off",
	"QEMU's edu device: N! computed by it, by interrupt or poll", cmd_edu,
};

void xen_edu_register(void)
{
	(void)cmdloop_register(&edu_cmd);
}
