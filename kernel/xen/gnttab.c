/* gnttab.c: the DomU's grant table (v1, one frame from GNTTABOP_setup_table,
 * mapped over a reserved page): access granted to a backend, and ended. */
#include "core/kernel.h"
#include "xen/front.h"
#include "xen/xen_pv.h"
#include <xen/grant_table.h>

#define GNT_ENTRIES (4096 / sizeof(grant_entry_v1_t))
#define GNT_FIRST GNTTAB_NR_RESERVED_ENTRIES /* 0-7: the toolstack's */

/* The table frame is Xen's page, mapped here by machine address. */
static union {
	grant_entry_v1_t e[GNT_ENTRIES];
	char page[4096];
} gnt_table __attribute__((section(".bss..page_aligned"), aligned(4096)));
static unsigned char gnt_used[GNT_ENTRIES];
static unsigned gnt_nr_used;
static int gnt_ready;

#define HYPERVISOR_grant_table_op(cmd, arg, n)                                 \
	XEN_HC3(__HYPERVISOR_grant_table_op, cmd, arg, n)

/* One frame is 512 references: ample for two shared pages. */
int xen_gnttab_init(void)
{
	xen_pfn_t frame = 0;
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	long err;

	if (gnt_ready)
		return 0;
	set_xen_guest_handle(st.frame_list, &frame);
	err = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1);
	if (err || st.status != GNTST_okay)
		return err ? (int)err : -PV_EIO;
	err = HYPERVISOR_update_va_mapping((unsigned long)&gnt_table,
					   ((uint64_t)frame << 12) |
						   XEN_PTE_P | XEN_PTE_W |
						   XEN_PTE_A | XEN_PTE_D,
					   UVMF_INVLPG | UVMF_LOCAL);
	if (err)
		return (int)err;
	gnt_ready = 1;
	printk("gnttab: v1 table, 1 frame (mfn %llx), %u references\n",
	       (unsigned long long)frame, (unsigned)(GNT_ENTRIES - GNT_FIRST));
	return 0;
}

/* Frame and domain first, then the flags that make the entry valid. */
int xen_gnttab_grant(unsigned dom, unsigned long mfn, int readonly)
{
	if (!gnt_ready)
		return -PV_ENOENT;
	for (unsigned ref = GNT_FIRST; ref < GNT_ENTRIES; ref++) {
		grant_entry_v1_t *e = &gnt_table.e[ref];

		if (gnt_used[ref])
			continue;
		e->domid = (domid_t)dom;
		e->frame = (uint32_t)mfn;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		e->flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
		gnt_used[ref] = 1;
		gnt_nr_used++;
		return (int)ref;
	}
	return -PV_ENOSPC;
}

/* Clears the flags only if the other side holds no mapping (Linux's
 * gnttab_end_foreign_access_ref); otherwise the entry stays. */
int xen_gnttab_end(unsigned ref)
{
	grant_entry_v1_t *e = &gnt_table.e[ref];
	uint16_t fl;

	if (ref < GNT_FIRST || ref >= GNT_ENTRIES || !gnt_used[ref])
		return -PV_EINVAL;
	fl = e->flags;
	do {
		if (fl & (GTF_reading | GTF_writing))
			return -PV_EBUSY;
	} while (!__atomic_compare_exchange_n(&e->flags, &fl, 0, 0,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	gnt_used[ref] = 0;
	gnt_nr_used--;
	return 0;
}

unsigned xen_gnttab_in_use(void)
{
	return gnt_nr_used;
}
