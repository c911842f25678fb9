/* pci.h: PCI passthrough to the DomU (issue 20): the PV PCI frontend
 * (pcifront.c) and what a driver of a passed-through device uses of it. */
#ifndef XEN_PCI_H
#define XEN_PCI_H

#include <stdint.h>

#define XEN_PCI_MAX_BARS 6

struct xen_pci_bar {
	uint64_t addr, size; /* machine address (Xen PV sees the real one) */
	int io;              /* an I/O port BAR: never mapped */
	void *va;            /* mapped: uncached, through the mmu ops */
};

struct xen_pci_driver;

/* A function on one of the backend's root buses (virtual numbering). */
struct xen_pci_dev {
	unsigned seg, bus, devfn;
	uint16_t vendor, device;
	uint32_t class; /* class, subclass, prog-if */
	struct xen_pci_bar bar[XEN_PCI_MAX_BARS];
	unsigned index;                  /* in pcifront's table: its VA slot */
	const struct xen_pci_driver *drv; /* bound, or NULL */
	int msi_port, msi_pirq, msi_eoi; /* -1: MSI off */
	int gone;                        /* detached (xl pci-detach) */
};

/* Bound by vendor and device id once the bus is enumerated. */
struct xen_pci_driver {
	const char *name;
	uint16_t vendor, device;
	int (*probe)(struct xen_pci_dev *d);   /* 0: bound */
	void (*remove)(struct xen_pci_dev *d); /* the device goes away */
};

/* pcifront.c: from xen_domu_init; no pci= in the config: nothing. */
void xen_pcifront_init(void);
/* Config space through the backend (XEN_PCI_OP_conf_*): size 1, 2 or 4;
 * 0 or -PV_E* (-PV_ENOTCONN: no backend connected). */
int xen_pci_conf_read(const struct xen_pci_dev *d, unsigned off,
		      unsigned size, uint32_t *v);
int xen_pci_conf_write(const struct xen_pci_dev *d, unsigned off,
		       unsigned size, uint32_t v);
/* Memory decoding and bus mastering on (PCI_COMMAND). */
int xen_pci_enable(const struct xen_pci_dev *d);
/* BAR i mapped uncached at its own virtual slot (PTEs with DOMID_IO as
 * the foreign domain); its address, or NULL (said why).  Unmap: 0. */
volatile void *xen_pci_map_bar(struct xen_pci_dev *d, unsigned i);
int xen_pci_unmap_bar(struct xen_pci_dev *d, unsigned i);
/* MSI: XEN_PCI_OP_enable_msi gives a pirq, EVTCHNOP_bind_pirq a port
 * that fn handles (unmasked); 0 or -PV_E*.  eoi after each interrupt. */
int xen_pci_enable_msi(struct xen_pci_dev *d, void (*fn)(unsigned port));
void xen_pci_msi_eoi(const struct xen_pci_dev *d);
void xen_pci_disable_msi(struct xen_pci_dev *d);

/* edu.c: QEMU's edu device (1234:11e8), the `edu` command. */
extern const struct xen_pci_driver xen_edu_driver;
void xen_edu_register(void); /* the command, device or not */
#endif /* XEN_PCI_H */
