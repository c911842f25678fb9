/* pvh.h: the Xen PVH platform (pvh.c) and what the Xen files it shares
 * with PV (console ring, store, control) ask of it. */
#ifndef XEN_PVH_H
#define XEN_PVH_H

#include <stdint.h>

struct platform;
struct ktest_list;

/* 1 under PVH: ring 0, the native irq ops, rings found by HVM params. */
extern int xen_pvh;
/* From the PVH entry when CPUID says Xen; flags: hvm_start_info's SIF_*. */
const struct platform *xen_pvh_detect(uint32_t flags);
/* A DomU's ring page (HVM_PARAM_*_PFN) mapped at its direct-map address,
 * and its event channel.  0 or -PV_E*. */
int xen_pvh_ring(unsigned pfn_param, unsigned port_param, uint64_t *pa,
		 unsigned *port);
struct boot_info;
int xen_pvh_memory_map(struct boot_info *bi);
extern const struct ktest_list xen_pvh_selftests; /* pvh_selftest.c */
#endif /* XEN_PVH_H */
