/* demo.c: libpv's demonstration: a hot loop calling ops through annotated
 * sites, run unpatched, direct-called and fully patched, with its report. */
#include <stdio.h>
#include <string.h>
#include "libpv.h"

#define DEMO_ITERS 100000

static unsigned long long pte[512];

/* A critical section as a kernel writes it: flags saved, irqs off, a page
 * table entry updated and flushed, flags restored.  Returns a checksum of
 * what the ops observed, identical in every patch mode. */
static unsigned long long workload(unsigned iters)
{
	unsigned long long sum = 0;

	for (unsigned i = 0; i < iters; i++) {
		unsigned long fl = PVOP_CALLEE0(irq_save_fl);

		PVOP_CALLEE0(irq_disable);
		sum += PVOP_CALLEE0(irq_save_fl);
		PVOP_CALL2(set_pte, &pte[i % 512], (unsigned long long)i << 12);
		PVOP_CALL1(flush_tlb_one_user, (unsigned long)i << 12);
		PVOP_CALL1(write_cr3, (unsigned long)i);
		sum += PVOP_CALL0(read_cr3);
		PVOP_CALLEE1(irq_restore_fl, fl);
		sum += fl + pte[(i + 511) % 512];
	}
	sum += PVOP_CALL0(read_tsc) != 0;
	sum += PVOP_CALL0(sched_clock) != 0;
	return sum;
}

static void report(const char *what, const struct pv_user *u)
{
	printf("%-9s sites %u:", what, u->st.sites);
	for (unsigned s = 0; s < PV_NR_STRATS; s++)
		printf(" %s %u", pv_strategy_name(s), u->st.strat[s]);
	printf(" refused %u\n", u->st.refused);
}

static void per_op(const struct pv_user *u)
{
	for (unsigned op = 0; op < PV_NR_OPS; op++) {
		unsigned total = 0;

		for (unsigned s = 0; s < PV_NR_STRATS; s++)
			total += u->st.per_op[op][s];
		if (!total)
			continue;
		printf("  %-20s", pv_op_name(op));
		for (unsigned s = 0; s < PV_NR_STRATS; s++)
			if (u->st.per_op[op][s])
				printf(" %s=%u", pv_strategy_name(s),
				       u->st.per_op[op][s]);
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	static const enum pv_patch_mode modes[] = {
		PV_PATCH_NOPATCH, PV_PATCH_NOINLINE, PV_PATCH_FULL
	};
	static const char *const names[] = { "nopatch", "noinline", "full" };
	unsigned long long sum[3];
	struct pv_user u;
	int err;

	if (argc > 1 && !strcmp(argv[1], "--help")) {
		printf("usage: pv-demo [-v]\n"
		       "Patches this program's own pv_ops sites with libpv in "
		       "three modes\n(nopatch, noinline, full), runs a critical-"
		       "section loop in each and\nchecks the checksums agree; -v "
		       "also prints the strategy per op.\nExit: 0 identical, 1 "
		       "differ or patching failed.\n");
		return 0;
	}
	err = pv_user_init(&u, PV_PATCH_NOPATCH, 0, 0);
	if (err) {
		fprintf(stderr, "pv-demo: pv_user_init: error %d\n", err);
		return 1;
	}
	printf("pv-demo: site table sealed by elfscan, %u sites of %u bytes\n",
	       u.hdr->count, u.hdr->site_len);
	for (unsigned m = 0; m < 3; m++) {
		if (pv_user_repatch(&u, modes[m], 0, 0))
			return 1;
		report(names[m], &u);
		memset(pte, 0, sizeof(pte));
		memset(&pv_user_cpu, 0, sizeof(pv_user_cpu));
		sum[m] = workload(DEMO_ITERS);
	}
	if (argc > 1)
		per_op(&u);
	printf("workload checksum: nopatch %#llx noinline %#llx full %#llx: %s\n",
	       sum[0], sum[1], sum[2],
	       sum[0] == sum[1] && sum[1] == sum[2] ? "identical" : "DIFFER");
	return sum[0] == sum[1] && sum[1] == sum[2] ? 0 : 1;
}
