/* wx.c: W^X on Xen PV: the poker's writable alias of the read-only text
 * (core/paging.c) mapped and unmapped by hypercall, a page table being
 * read-only to the guest. */
#include "core/kernel.h"
#include "xen/xen_pv.h"

#define ALIAS_BATCH 32 /* requests per mmu_update */

static void alias_update(struct mmu_update *u, unsigned k)
{
	long err = HYPERVISOR_mmu_update(u, k, NULL, DOMID_SELF);

	if (err)
		panic("xen: text alias: mmu_update of %u entries: error %ld",
		      k, err);
}

/*
 * pte[0..n) map the n pages from pa with flags (a writable alias), or are
 * cleared when flags is 0, then the local TLB flushed: only this CPU has
 * used the alias.  Hypercalls directly, not the mmu ops: the ops' sites
 * may be the ones being re-patched through this alias.
 */
void xen_text_alias(unsigned long long *pte, uint64_t pa, unsigned n,
		    uint64_t flags)
{
	struct mmu_update u[ALIAS_BATCH];
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t mfn = xen_pfn_to_mfn((pa >> 12) + i);

		u[k].ptr = xen_entry_ma(&pte[i]) | MMU_NORMAL_PT_UPDATE;
		u[k].val = flags ? mfn << 12 | flags : 0;
		if (++k == ALIAS_BATCH) {
			alias_update(u, k);
			k = 0;
		}
	}
	if (k)
		alias_update(u, k);
	if (!flags && xen_mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0))
		panic("xen: text alias: local TLB flush failed");
}
