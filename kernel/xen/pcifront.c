/* pcifront.c: the PV PCI frontend: device/pci/0's shared page and channel,
 * config space by XEN_PCI_OP_conf_*, the root buses scanned, BARs, MSI. */
#include "core/cmdloop.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "pv/pvcalls.h"
#include "xen/domu.h"
#include "xen/front.h"
#include "xen/pci.h"
#include "xen/xen_pv.h"
#include <xen/io/pciif.h>
#include <xen/io/xenbus.h>
#include <xen/physdev.h>

#define PCI_MAX_DEVS 8
/* pciback answers from a Dom0 workqueue: 2 s (Linux's pcifront) proved
 * too short under QEMU TCG at a load of 12 (a scan lost its device). */
#define PCI_OP_TIMEOUT_MS 10000u
/* BAR mappings: a PML4 slot nothing else uses, 1 GiB per BAR. */
#define PCI_IO_VA 0xffffeb0000000000ull
#define PCI_IO_SLOT (1ull << 30)
#define PCI_COMMAND 0x04
#define PCI_CMD_MEMORY 0x2 /* decode the memory BARs */
#define PCI_CMD_MASTER 0x4 /* bus master: DMA, and MSI writes */
#define PCI_CLASS_REV 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10

#define HYPERVISOR_physdev_op(cmd, arg)                                        \
	XEN_HC2(__HYPERVISOR_physdev_op, cmd, arg)

static struct {
	struct xen_front f;
	struct xen_pci_sharedinfo *sh;
	uint64_t page_pa;
	int up;                     /* the bus enumerated */
	unsigned long long t_init;  /* sched_clock at xen_pcifront_init */
	unsigned long ops, op_fail; /* round trips, failed ones */
	unsigned long op_absent;    /* answered "no such device" (the scan) */
	unsigned ndev;
	struct xen_pci_dev dev[PCI_MAX_DEVS];
} pf;

static const struct xen_pci_driver *const drivers[] = { &xen_edu_driver };

/* The backend's answer as an errno (its own codes, or a Linux -errno). */
static int op_errno(int32_t err)
{
	switch (err) {
	case XEN_PCI_ERR_success:
		return 0;
	case XEN_PCI_ERR_dev_not_found:
		return -PV_ENOENT;
	case XEN_PCI_ERR_invalid_offset:
		return -PV_EINVAL;
	case XEN_PCI_ERR_access_denied:
		return -PV_EACCES;
	case XEN_PCI_ERR_not_implemented:
		return -PV_ENOSYS;
	default:
		return -PV_EIO;
	}
}

static int op_done(void *arg)
{
	(void)arg;
	return !(__atomic_load_n(&pf.sh->flags, __ATOMIC_SEQ_CST) &
		 XEN_PCIF_active);
}

/*
 * One request on the shared page: the op, then the active flag, then the
 * event; the backend clears the flag and sends an event back.  One at a
 * time: every caller runs in process context on the one vCPU.
 */
static int pci_op(struct xen_pci_op *op)
{
	struct xen_pci_op *sh;
	int err;

	if (!pf.sh || (pf.f.be_state != XenbusStateConnected &&
		       pf.f.be_state != XenbusStateReconfiguring &&
		       pf.f.be_state != XenbusStateReconfigured))
		return -PV_ENOTCONN; /* (a detach still takes requests) */
	/* A request that timed out may still be answered: not over it. */
	if (!op_done(NULL) && xen_ring_wait((unsigned)pf.f.port, op_done,
					    NULL, PCI_OP_TIMEOUT_MS))
		return -PV_EBUSY;
	sh = &pf.sh->op;
	sh->cmd = op->cmd;
	sh->err = 0;
	sh->domain = op->domain;
	sh->bus = op->bus;
	sh->devfn = op->devfn;
	sh->offset = op->offset;
	sh->size = op->size;
	sh->value = op->value;
	sh->info = op->info;
	__atomic_fetch_or(&pf.sh->flags, XEN_PCIF_active, __ATOMIC_SEQ_CST);
	(void)xen_evtchn_send((unsigned)pf.f.port);
	err = xen_ring_wait((unsigned)pf.f.port, op_done, NULL,
			    PCI_OP_TIMEOUT_MS);
	pf.ops++;
	if (err) {
		pf.op_fail++;
		printk("pcifront: op %u: no answer within %u ms\n", op->cmd,
		       PCI_OP_TIMEOUT_MS);
		return err;
	}
	op->err = sh->err;
	op->value = sh->value;
	if (op->err == XEN_PCI_ERR_dev_not_found)
		pf.op_absent++;
	else if (op->err)
		pf.op_fail++;
	return op_errno(op->err);
}

static int conf_op(unsigned cmd, unsigned seg, unsigned bus, unsigned devfn,
		   unsigned off, unsigned size, uint32_t *v)
{
	struct xen_pci_op op = { .cmd = cmd, .domain = seg, .bus = bus,
				 .devfn = devfn, .offset = (int32_t)off,
				 .size = (int32_t)size, .value = *v };
	int err;

	if ((size != 1 && size != 2 && size != 4) || off % size || off >= 4096)
		return -PV_EINVAL;
	err = pci_op(&op);
	if (!err)
		*v = op.value;
	return err;
}

int xen_pci_conf_read(const struct xen_pci_dev *d, unsigned off,
		      unsigned size, uint32_t *v)
{
	*v = 0;
	return conf_op(XEN_PCI_OP_conf_read, d->seg, d->bus, d->devfn, off,
		       size, v);
}

int xen_pci_conf_write(const struct xen_pci_dev *d, unsigned off,
		       unsigned size, uint32_t v)
{
	return conf_op(XEN_PCI_OP_conf_write, d->seg, d->bus, d->devfn, off,
		       size, &v);
}

int xen_pci_enable(const struct xen_pci_dev *d)
{
	uint32_t cmd;
	int err = xen_pci_conf_read(d, PCI_COMMAND, 2, &cmd);

	if (!err)
		err = xen_pci_conf_write(d, PCI_COMMAND, 2,
					 cmd | PCI_CMD_MEMORY | PCI_CMD_MASTER);
	return err;
}

/*
 * The standard sizing: all ones written, the mask read back, the old
 * value restored.  pciback answers the mask (or, in old versions, the
 * length itself: its top bit is then clear).  A 64-bit BAR takes two.
 */
static int bar_size(struct xen_pci_dev *d, unsigned i)
{
	unsigned off = PCI_BAR0 + 4 * i;
	uint32_t orig, mask, hi = 0;
	int err = xen_pci_conf_read(d, off, 4, &orig);

	if (!err)
		err = xen_pci_conf_write(d, off, 4, 0xffffffffu);
	if (!err)
		err = xen_pci_conf_read(d, off, 4, &mask);
	if (!err)
		err = xen_pci_conf_write(d, off, 4, orig);
	if (err)
		return err;
	d->bar[i].io = orig & 1;
	mask &= d->bar[i].io ? ~3u : ~0xfu;
	if (!mask)
		return 0;
	if ((orig & 7) == 4 && i + 1 < XEN_PCI_MAX_BARS)
		err = xen_pci_conf_read(d, off + 4, 4, &hi);
	d->bar[i].addr = (uint64_t)hi << 32 | (orig & (d->bar[i].io ? ~3u :
							~0xfu));
	d->bar[i].size = mask & 0x80000000u ? (uint32_t)(~mask + 1) : mask;
	return err ? err : (orig & 7) == 4 ? 1 : 0; /* 1: skip the high half */
}

/* Vendor, device, class, BARs of one function: 0, or -PV_ENOENT. */
static int probe_fn(struct xen_pci_dev *d)
{
	uint32_t id, cls;
	int err = xen_pci_conf_read(d, 0, 4, &id);

	if (err || (id & 0xffff) == 0xffff)
		return err ? err : -PV_ENOENT;
	d->vendor = (uint16_t)id;
	d->device = (uint16_t)(id >> 16);
	d->msi_port = d->msi_pirq = -1;
	err = xen_pci_conf_read(d, PCI_CLASS_REV, 4, &cls);
	d->class = cls >> 8;
	for (unsigned i = 0; !err && i < XEN_PCI_MAX_BARS; i++) {
		err = bar_size(d, i);
		if (err == 1) {
			i++;
			err = 0;
		}
	}
	return err;
}

static void print_dev(const char *who, const struct xen_pci_dev *d)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "%s: %04x:%02x:%02x.%u %04x:%04x "
			 "class %06x", who, d->seg, d->bus, d->devfn >> 3,
			 d->devfn & 7, d->vendor, d->device, d->class);

	for (unsigned i = 0; i < XEN_PCI_MAX_BARS; i++)
		if (d->bar[i].size && n < (int)sizeof(line))
			n += snprintf(line + n, sizeof(line) - (unsigned)n,
				      " bar%u %s 0x%llx size 0x%llx", i,
				      d->bar[i].io ? "io" : "mem",
				      (unsigned long long)d->bar[i].addr,
				      (unsigned long long)d->bar[i].size);
	printk("%s\n", line);
}

/* Every slot of one root bus (function 0, and 1-7 if multi-function). */
static void scan_bus(unsigned seg, unsigned bus)
{
	for (unsigned devfn = 0; devfn < 256 && pf.ndev < PCI_MAX_DEVS;
	     devfn++) {
		struct xen_pci_dev *d = &pf.dev[pf.ndev];
		uint32_t hdr = 0;
		int err;

		memset(d, 0, sizeof(*d));
		d->seg = seg, d->bus = bus, d->devfn = devfn, d->index = pf.ndev;
		err = probe_fn(d);
		if (err == -PV_ETIMEDOUT || err == -PV_EBUSY) {
			printk("pcifront: scan of %04x:%02x stopped at devfn "
			       "%02x: error %d\n", seg, bus, devfn, err);
			return;
		}
		if (err) {
			if (!(devfn & 7))
				devfn += 7; /* no function 0: no slot */
			continue;
		}
		pf.ndev++;
		print_dev("pcifront", d);
		if (!(devfn & 7) && !xen_pci_conf_read(d, PCI_HEADER_TYPE, 1,
							&hdr) && !(hdr & 0x80))
			devfn += 7;
	}
}

static int hex(const char **s, unsigned *v)
{
	const char *p = *s;

	*v = 0;
	for (; (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'); p++)
		*v = *v * 16 + (unsigned)(*p <= '9' ? *p - '0' : *p - 'a' + 10);
	if (p == *s)
		return -PV_EINVAL;
	*s = p;
	return 0;
}

/* root_num and root-N ("ssss:bb") in the backend's directory. */
static int scan_roots(void)
{
	char path[128], val[32];
	unsigned long n;
	int err;

	snprintf(path, sizeof(path), "%s/root_num", pf.f.backend);
	err = xenbus_read_ul(XENBUS_NO_TX, path, &n);
	for (unsigned long i = 0; !err && i < n; i++) {
		const char *s = val;
		unsigned seg, bus;

		snprintf(path, sizeof(path), "%s/root-%lu", pf.f.backend, i);
		err = xenbus_read(XENBUS_NO_TX, path, val, sizeof(val));
		if (err < 0)
			break;
		err = hex(&s, &seg);
		if (!err && *s++ == ':')
			err = hex(&s, &bus);
		else
			err = -PV_EINVAL;
		if (!err)
			scan_bus(seg, bus);
	}
	return err;
}

static void bind_drivers(void)
{
	for (unsigned i = 0; i < pf.ndev; i++) {
		struct xen_pci_dev *d = &pf.dev[i];

		for (unsigned k = 0; k < ARRAY_SIZE(drivers) && !d->drv; k++) {
			const struct xen_pci_driver *drv = drivers[k];
			int err;

			if (drv->vendor != d->vendor || drv->device != d->device)
				continue;
			err = drv->probe(d);
			if (!err)
				d->drv = drv;
			else
				printk("pcifront: %s did not take %04x:%04x: "
				       "error %d\n", drv->name, d->vendor,
				       d->device, err);
		}
	}
}

/* The backend is connected: the bus is ours to scan; then we connect. */
static void pf_connect(void)
{
	unsigned long long ns;
	int err = scan_roots();

	ns = pv_sched_clock() - pf.t_init;
	printk("pcifront: connected to %s: %u device%s, %lu config ops in "
	       "%llu us after setup%s\n", pf.f.backend, pf.ndev,
	       pf.ndev == 1 ? "" : "s", pf.ops, ns / 1000,
	       err ? " (the root list was not readable)" : "");
	pf.up = 1;
	(void)xen_front_switch(&pf.f, XenbusStateConnected);
	bind_drivers();
}

static void pf_remove(struct xen_pci_dev *d, const char *why)
{
	if (d->gone)
		return;
	if (d->drv && d->drv->remove)
		d->drv->remove(d);
	d->drv = NULL;
	d->gone = 1;
	printk("pcifront: %04x:%02x:%02x.%u %04x:%04x removed (%s)\n", d->seg,
	       d->bus, d->devfn >> 3, d->devfn & 7, d->vendor, d->device, why);
}

/* "ssss:bb:dd.ff" (the backend's vdev-N) to the function it names. */
static struct xen_pci_dev *find_vdev(const char *s)
{
	unsigned seg, bus, dev, fn;

	if (hex(&s, &seg) || *s++ != ':' || hex(&s, &bus) || *s++ != ':' ||
	    hex(&s, &dev) || *s++ != '.' || hex(&s, &fn) || dev > 31 || fn > 7)
		return NULL;
	for (unsigned i = 0; i < pf.ndev; i++) {
		struct xen_pci_dev *d = &pf.dev[i];

		if (!d->gone && d->seg == seg && d->bus == bus &&
		    d->devfn == (dev << 3 | fn))
			return d;
	}
	return NULL;
}

/*
 * xl pci-detach: the backend says Reconfiguring and the leaving
 * function's state-N Closing.  Its driver lets go (MSI off, BAR
 * unmapped), then we say Reconfiguring too and pciback takes it back
 * (as Linux's pcifront_detach_devices).
 */
static void pf_detach(void)
{
	char path[128], val[32];
	unsigned long n = 0, st;

	snprintf(path, sizeof(path), "%s/num_devs", pf.f.backend);
	(void)xenbus_read_ul(XENBUS_NO_TX, path, &n);
	for (unsigned long i = 0; i < n && i < 256; i++) {
		struct xen_pci_dev *d;

		snprintf(path, sizeof(path), "%s/state-%lu", pf.f.backend, i);
		if (xenbus_read_ul(XENBUS_NO_TX, path, &st) ||
		    st != XenbusStateClosing)
			continue;
		snprintf(path, sizeof(path), "%s/vdev-%lu", pf.f.backend, i);
		if (xenbus_read(XENBUS_NO_TX, path, val, sizeof(val)) < 0)
			continue;
		d = find_vdev(val);
		if (d)
			pf_remove(d, "xl pci-detach");
		else
			printk("pcifront: %s leaves, but we had no %s\n", path,
			       val);
	}
	(void)xen_front_switch(&pf.f, XenbusStateReconfiguring);
}

static void pf_changed(struct xen_front *f)
{
	if (f->be_state == XenbusStateConnected && !pf.up) {
		pf_connect();
	} else if (f->be_state == XenbusStateReconfiguring && pf.up) {
		pf_detach();
	} else if (f->be_state == XenbusStateReconfigured && pf.up) {
		(void)xen_front_switch(f, XenbusStateConnected);
	} else if ((f->be_state == XenbusStateClosing ||
		    f->be_state == XenbusStateClosed) &&
		   f->state != XenbusStateClosed) {
		for (unsigned i = 0; i < pf.ndev; i++)
			pf_remove(&pf.dev[i], "the backend closed");
		pf.up = 0;
		xen_front_close(f);
		pf.sh = NULL;
		printk("pcifront: the backend closed: no PCI devices\n");
	}
}

static uint64_t bar_va(const struct xen_pci_dev *d, unsigned i)
{
	return PCI_IO_VA + (d->index * XEN_PCI_MAX_BARS + i) * PCI_IO_SLOT;
}

/*
 * Page by page with pt_map, uncached (PCD|PWT: UC in Xen's PAT too); the
 * Xen mmu ops write such an entry with DOMID_IO as the foreign domain and
 * leave it empty if Xen refuses (no I/O memory permission), which we
 * read back here.  A BAR inside our pseudo-physical range would be taken
 * for RAM by make_pte: refused.
 */
volatile void *xen_pci_map_bar(struct xen_pci_dev *d, unsigned i)
{
	struct xen_pci_bar *b = &d->bar[i];
	unsigned long io0 = xen_io_maps;
	uint64_t va, n;

	if (i >= XEN_PCI_MAX_BARS || !b->size || b->io || b->size > PCI_IO_SLOT)
		return NULL;
	if (b->va)
		return b->va;
	if ((b->addr >> 12) < xen_nr_pages) {
		printk("pcifront: bar%u at 0x%llx overlaps our RAM: not "
		       "mapped\n", i, (unsigned long long)b->addr);
		return NULL;
	}
	va = bar_va(d, i);
	for (n = 0; n < b->size; n += PAGE_SIZE) {
		unsigned long long *pte;

		if (pt_map(va + n, b->addr + n, PTE_W | PTE_PCD | PTE_PWT))
			break;
		pte = pt_lookup(va + n);
		if (!pte || !(*pte & PTE_P))
			break;
	}
	if (n < b->size) {
		printk("pcifront: bar%u: page 0x%llx not mapped: unmapping\n",
		       i, (unsigned long long)(b->addr + n));
		b->va = (void *)(uintptr_t)va;
		(void)xen_pci_unmap_bar(d, i);
		return NULL;
	}
	b->va = (void *)(uintptr_t)va;
	printk("pcifront: %04x:%02x:%02x.%u bar%u 0x%llx mapped at 0x%llx: "
	       "%llu pages, %lu by mmu_update with DOMID_IO\n", d->seg, d->bus,
	       d->devfn >> 3, d->devfn & 7, i, (unsigned long long)b->addr,
	       (unsigned long long)va, (unsigned long long)(n / PAGE_SIZE),
	       xen_io_maps - io0);
	return b->va;
}

/* Every page that is mapped is unmapped; then the tables go. */
int xen_pci_unmap_bar(struct xen_pci_dev *d, unsigned i)
{
	struct xen_pci_bar *b = &d->bar[i];
	uint64_t va;

	if (i >= XEN_PCI_MAX_BARS || !b->va)
		return -PV_ENOENT;
	va = (uint64_t)(uintptr_t)b->va;
	for (uint64_t n = 0; n < b->size; n += PAGE_SIZE)
		(void)pt_unmap(va + n);
	(void)pt_release(va);
	b->va = NULL;
	return 0;
}

static int physdev(unsigned cmd, void *arg)
{
	return (int)HYPERVISOR_physdev_op(cmd, arg);
}

/* Linux's pcifront and __startup_pirq, in short: pirq, port, EOI rule. */
int xen_pci_enable_msi(struct xen_pci_dev *d, void (*fn)(unsigned port))
{
	struct xen_pci_op op = { .cmd = XEN_PCI_OP_enable_msi,
				 .domain = d->seg, .bus = d->bus,
				 .devfn = d->devfn };
	struct evtchn_bind_pirq bp = { .flags = 0 };
	struct physdev_irq_status_query q;
	int err = pci_op(&op);

	if (!err && !op.value)
		err = -PV_EIO; /* no pirq */
	if (err)
		return err;
	bp.pirq = op.value;
	err = (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &bp);
	if (!err)
		err = xen_evtchn_bind_port(bp.port, fn);
	if (err) {
		op.cmd = XEN_PCI_OP_disable_msi;
		(void)pci_op(&op);
		return err;
	}
	q.irq = op.value;
	d->msi_eoi = !physdev(PHYSDEVOP_irq_status_query, &q) &&
		     (q.flags & XENIRQSTAT_needs_eoi);
	d->msi_pirq = (int)op.value;
	d->msi_port = (int)bp.port;
	xen_evtchn_unmask(bp.port);
	xen_pci_msi_eoi(d);
	return 0;
}

void xen_pci_msi_eoi(const struct xen_pci_dev *d)
{
	struct physdev_eoi eoi = { .irq = (uint32_t)d->msi_pirq };

	if (d->msi_port >= 0 && d->msi_eoi)
		(void)physdev(PHYSDEVOP_eoi, &eoi);
}

void xen_pci_disable_msi(struct xen_pci_dev *d)
{
	struct xen_pci_op op = { .cmd = XEN_PCI_OP_disable_msi,
				 .domain = d->seg, .bus = d->bus,
				 .devfn = d->devfn };
	struct evtchn_close c = { .port = (evtchn_port_t)d->msi_port };

	if (d->msi_port < 0)
		return;
	xen_evtchn_mask((unsigned)d->msi_port);
	(void)HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
	(void)xen_evtchn_bind_port((unsigned)d->msi_port, NULL);
	d->msi_port = d->msi_pirq = -1;
	(void)pci_op(&op);
}

static int cmd_pci(int argc, char **argv)
{
	unsigned n = 0;

	(void)argc, (void)argv;
	for (unsigned i = 0; pf.up && i < pf.ndev; i++)
		if (!pf.dev[i].gone)
			print_dev("pci", &pf.dev[i]), n++;
	if (pf.up)
		printk("pci: %u device%s, %lu ops to the backend (%lu "
		       "answered no such device, %lu failed)\n", n,
		       n == 1 ? "" : "s", pf.ops, pf.op_absent, pf.op_fail);
	else
		printk("pci: 0 devices: no backend connected (backend %s, "
		       "state %s)\n", pf.f.backend[0] ? pf.f.backend : "none",
		       xen_front_state_name(pf.f.be_state));
	return 0;
}

static const struct cmdloop_cmd pci_cmd = {
	"pci", "", "PCI devices passed through (pcifront)", cmd_pci,
};

static int pf_setup(void)
{
	char gref[12];
	const char *const kv[] = { "pci-op-ref", gref, "magic", XEN_PCI_MAGIC,
				   NULL };
	unsigned long mfn;
	int err;

	pf.page_pa = pmm_alloc();
	if (!pf.page_pa)
		return -PV_ENOMEM;
	pf.sh = phys_to_virt(pf.page_pa);
	mfn = xen_pfn_to_mfn(pf.page_pa >> 12);
	err = xen_gnttab_init();
	if (!err)
		err = xen_front_evtchn(&pf.f, NULL);
	if (!err) /* masked: pci_op polls it, the upcall leaves it be */
		xen_evtchn_mask((unsigned)pf.f.port);
	if (!err) {
		err = xen_gnttab_grant(pf.f.backend_id, mfn, 0);
		pf.f.gref = err < 0 ? XEN_GNTTAB_NONE : (unsigned)err;
		err = err < 0 ? err : 0;
	}
	snprintf(gref, sizeof(gref), "%u", pf.f.gref);
	if (!err)
		err = xen_front_publish(&pf.f, mfn, kv);
	if (!err)
		err = xen_front_switch(&pf.f, XenbusStateInitialised);
	if (!err)
		err = xen_front_watch(&pf.f);
	return err;
}

/* pci=[...] in the config: the frontend is set up; the backend connects
 * later (its state watch runs from the console loop), then the scan. */
void xen_pcifront_init(void)
{
	int err;

	(void)cmdloop_register(&pci_cmd);
	xen_edu_register();
	if (xen_front_probe(&pf.f, "pci"))
		return;
	pf.t_init = pv_sched_clock();
	pf.f.changed = pf_changed;
	err = pf_setup();
	if (err) {
		printk("pcifront: setting up %s failed: error %d\n", pf.f.node,
		       err);
		xen_front_close(&pf.f);
		pf.sh = NULL;
		return;
	}
	printk("pcifront: %s -> %s, event channel %d, grant %u; waiting for "
	       "the backend\n", pf.f.node, pf.f.backend, pf.f.port, pf.f.gref);
}
