/* pvboot.h: the kernel's side of patching: fill pv_ops, patch every site
 * from the embedded table, report, and re-patch on demand (selftests). */
#ifndef PVBOOT_H
#define PVBOOT_H

#include <stdint.h>
#include "pv/ops.h"

struct platform;

/* What pv-summary prints. */
struct pv_summary {
	unsigned sites, inline_, hypercall, direct, indirect, refused;
	unsigned hcall_sites, hcall_inline; /* hypercall sites (pv/sites.h) */
	uint64_t text_hash;
	char cpu_features[32]; /* PV_FEAT_* names the patcher saw, or "none" */
	int failed; /* the patcher found an error it should not have */
};

int pvboot_install(const struct platform *pf, const char **missing);
int pvboot_patch(const struct platform *pf);
/* The backend's function addresses, as the planner takes them (64-bit
 * whatever the pointer size). */
void pvboot_op_funcs(const struct platform *pf, uint64_t func[PV_NR_OPS]);
void pvboot_summary(struct pv_summary *s);

#ifndef PV_NO_PARAVIRT
#include "patch.h"

/* For the selftests: the live patch state. */
struct pvboot_state {
	const struct pv_table_hdr *hdr;
	uint64_t table_size; /* bytes of .pv_table: header and records */
	const struct pv_backend *be;
	const struct pv_mem *mem;
	int mode;   /* enum pv_patch_mode the text is in, -1: as built */
	int boot_mode; /* the mode the command line asked for */
	int sealed; /* elfscan wrote the header */
};
const struct pvboot_state *pvboot_state(void);
int pvboot_repatch(enum pv_patch_mode to, struct pv_patch_stats *st);
int pvboot_hash_text(uint64_t *hash);
const char *pvboot_mode_name(int mode);
#endif
#endif /* PVBOOT_H */
