/* balloon.c: a DomU's memory balloon: memory/target in the store is followed
 * by giving free pages back to Xen or taking new ones, a batch per call. */
#include "core/cmdloop.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "pv/pvcalls.h"
#include "xen/domu.h"
#include "xen/xen_pv.h"
#include "xen/xenbus.h"

#define BATCH 512u            /* pages per reservation call: 2 MiB */
#define FLOOR_FREE_PAGES 512u /* the floor keeps 2 MiB free */
#define RETRY_NS 1000000000ull /* a short reservation call: again in 1 s */
#define KIB(pages) ((unsigned long)(pages) * 4)

static struct {
	int on;
	int pending;             /* target not reached: step when idle */
	unsigned long max_pfns;  /* p2m room: maxmem, at most 1 GiB */
	unsigned long maxmem_kib; /* memory/static-max */
	unsigned long asked_kib; /* memory/target as the store says */
	unsigned long target;    /* pages, clamped */
	unsigned long ballooned; /* pages given back, not yet taken again */
	unsigned long short_calls;
	unsigned long long retry_at;
	unsigned long clamp_said; /* the request last said clamped */
	xen_pfn_t frames[BATCH];
	uint64_t out_bits[XEN_MAX_PFNS / 64]; /* pfns with no frame */
} bl;

/* One step's cost, for the line the tests and the note read. */
struct balloon_cost {
	unsigned long pages, hypercalls;
	unsigned long long ns;
};

static void pfn_mark(unsigned long pfn, int out)
{
	if (out)
		bl.out_bits[pfn / 64] |= 1ull << (pfn % 64);
	else
		bl.out_bits[pfn / 64] &= ~(1ull << (pfn % 64));
}

/* Xen's count of this domain's pages: what `xl list` shows. */
static unsigned long domain_pages(void)
{
	domid_t self = DOMID_SELF;
	long r = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);

	return r < 0 ? 0 : (unsigned long)r;
}

static long reservation(unsigned cmd, unsigned n)
{
	struct xen_memory_reservation r = {
		.nr_extents = n, .extent_order = 0, .domid = DOMID_SELF,
	};

	set_xen_guest_handle(r.extent_start, bl.frames);
	return HYPERVISOR_memory_op(cmd, &r);
}

/* The kernel image, page tables and everything else in use, plus 2 MiB. */
static unsigned long floor_pages(unsigned long cur)
{
	unsigned long free = (unsigned long)pmm_free_pages();
	unsigned long used = cur > free ? cur - free : 0;

	return used + FLOOR_FREE_PAGES;
}

/* Maps the n pfns of frames[] at the direct map again, one batch.  Their
 * page tables exist (the boot direct map, or made by balloon_room), so
 * no pt_map here needs a page and none can fail. */
static void map_back(unsigned n)
{
	pv_lazy_mmu_enter();
	for (unsigned i = 0; i < n; i++) {
		unsigned long pfn = bl.frames[i];

		(void)pt_map(DIRECT_MAP_BASE + ((uint64_t)pfn << 12),
			     (uint64_t)pfn << 12, PTE_W);
	}
	pv_lazy_mmu_leave();
}

static unsigned long pfns[BATCH];

/* A reservation call that moved fewer pages than asked: the rest is
 * still to do, in a second; counted, and said the first few times. */
static void short_call(const char *dir, long done, unsigned asked)
{
	bl.short_calls++;
	bl.retry_at = pv_sched_clock() + RETRY_NS;
	if (bl.short_calls <= 3 || !(bl.short_calls & (bl.short_calls - 1)))
		printk("balloon: Xen %s %ld of %u pages; the rest again in 1 s "
		       "(%lu short calls)\n", dir, done, asked, bl.short_calls);
}

/*
 * Up to n free pages back to Xen: their direct-map entries cleared in one
 * batch (one multicall of mmu_updates and a flush), their p2m entries
 * invalid, then one decrease_reservation.  Pages Xen did not take are
 * ours again.  Returns how many went.
 */
static unsigned give_back(unsigned n, struct balloon_cost *c)
{
	unsigned got = 0, done;
	unsigned mc = xen_mc_batches;
	long r;
	uint64_t pa;

	while (got < n && (pa = pmm_alloc()))
		pfns[got++] = pa >> 12;
	if (!got)
		return 0;
	pv_lazy_mmu_enter();
	for (unsigned i = 0; i < got; i++) {
		unsigned long long *pte = pt_lookup(DIRECT_MAP_BASE +
						    ((uint64_t)pfns[i] << 12));
		if (pte)
			pv_set_pte(pte, 0);
	}
	pv_flush_tlb_kernel();
	pv_lazy_mmu_leave();
	for (unsigned i = 0; i < got; i++) {
		bl.frames[i] = xen_pfn_to_mfn(pfns[i]);
		xen_p2m_set(pfns[i], XEN_INVALID_MFN);
	}
	r = reservation(XENMEM_decrease_reservation, got);
	done = r < 0 ? 0 : (unsigned)r;
	c->hypercalls += 1 + (xen_mc_batches - mc);
	for (unsigned i = 0; i < done; i++)
		pfn_mark(pfns[i], 1);
	if (done < got) {
		for (unsigned i = done; i < got; i++) {
			xen_p2m_set(pfns[i], bl.frames[i]);
			bl.frames[i - done] = pfns[i];
		}
		map_back(got - done);
		for (unsigned i = done; i < got; i++)
			pmm_free((uint64_t)pfns[i] << 12);
		short_call("took", r, got);
	}
	bl.ballooned += done;
	return done;
}

/* Up to n pfns without a frame, lowest first, into pfns[]. */
static unsigned pick_out(unsigned n)
{
	unsigned got = 0;

	for (unsigned long w = 0; w < bl.max_pfns / 64 + 1 && got < n; w++) {
		uint64_t bits = w < ARRAY_SIZE(bl.out_bits) ? bl.out_bits[w] : 0;

		for (; bits && got < n; bits &= bits - 1) {
			unsigned long pfn = w * 64 + (unsigned)__builtin_ctzll(bits);

			if (pfn < bl.max_pfns)
				pfns[got++] = pfn;
		}
	}
	return got;
}

/*
 * Up to n pages from Xen: one populate_physmap for the pfns (Xen writes
 * their new frames over them and fills the m2p), the p2m, the direct map
 * in one batch, then the allocator.  Returns how many came.
 */
static unsigned take_back(unsigned n, struct balloon_cost *c)
{
	unsigned got = pick_out(n), done;
	unsigned mc = xen_mc_batches;
	long r;

	if (!got)
		return 0;
	for (unsigned i = 0; i < got; i++)
		bl.frames[i] = pfns[i];
	r = reservation(XENMEM_populate_physmap, got);
	done = r < 0 ? 0 : (unsigned)r;
	for (unsigned i = 0; i < done; i++) {
		xen_p2m_set(pfns[i], bl.frames[i]);
		pfn_mark(pfns[i], 0);
		bl.frames[i] = pfns[i];
	}
	map_back(done);
	c->hypercalls += 1 + (xen_mc_batches - mc);
	for (unsigned i = 0; i < done; i++)
		pmm_free((uint64_t)pfns[i] << 12);
	if (done < got)
		short_call("gave", r, got);
	bl.ballooned -= done < bl.ballooned ? done : bl.ballooned;
	return done;
}

static void report(const char *dir, const struct balloon_cost *c)
{
	unsigned long long us = c->ns / 1000 ? c->ns / 1000 : 1;
	unsigned long mib10 = c->pages * 10 / 256; /* MiB, one decimal */

	printk("balloon: %s %lu pages (%lu KiB) in %llu us: %llu pages/s, "
	       "%lu hypercalls (%lu.%lu per MiB); domain now %lu KiB\n", dir,
	       c->pages, KIB(c->pages), us,
	       (unsigned long long)c->pages * 1000000ull / us, c->hypercalls,
	       mib10 ? c->hypercalls * 10 / mib10 : 0,
	       mib10 ? c->hypercalls * 100 / mib10 % 10 : 0,
	       KIB(domain_pages()));
}

/* Towards the target, a batch at a time; stops at the floor, at a short
 * call (retried later) or when no page is left to move. */
static void balloon_step(void)
{
	unsigned long cur = domain_pages();
	struct balloon_cost c = { 0, 0, 0 };
	unsigned long long t0 = pv_sched_clock();
	int out = cur > bl.target;

	if (!bl.on || !bl.pending || bl.retry_at > t0)
		return;
	bl.retry_at = 0;
	while (cur != bl.target && !bl.retry_at) {
		unsigned long free = (unsigned long)pmm_free_pages();
		unsigned long want = out ? cur - bl.target : bl.target - cur;
		unsigned n = want < BATCH ? (unsigned)want : BATCH, d;

		if (out && free <= FLOOR_FREE_PAGES)
			break;
		if (out && n > free - FLOOR_FREE_PAGES)
			n = (unsigned)(free - FLOOR_FREE_PAGES);
		d = out ? give_back(n, &c) : take_back(n, &c);
		if (!d)
			break;
		c.pages += d;
		cur = out ? cur - d : cur + d;
		if ((cur > bl.target) != out && cur != bl.target)
			break;
	}
	c.ns = pv_sched_clock() - t0;
	bl.pending = bl.retry_at != 0;
	if (c.pages)
		report(out ? "out" : "in", &c);
}

/* Clamped to [floor, maxmem], said once for each request clamped.
 * Nothing is written back: libxl reads memory/target as its own. */
static void set_target(unsigned long kib)
{
	unsigned long want = kib / 4, low = floor_pages(domain_pages());
	unsigned long high = bl.maxmem_kib / 4;

	if (high > bl.max_pfns)
		high = bl.max_pfns;
	if (want > high) {
		if (bl.clamp_said != kib)
			printk("balloon: target %lu KiB is above maxmem %lu "
			       "KiB: clamped to %lu KiB\n", kib,
			       KIB(high), KIB(high));
		want = high;
	} else if (want < low) {
		if (bl.clamp_said != kib)
			printk("balloon: target %lu KiB is below the floor "
			       "%lu KiB (kernel, page tables, 2 MiB free): "
			       "clamped to %lu KiB\n", kib, KIB(low),
			       KIB(low));
		want = low;
	}
	bl.clamp_said = want * 4 == kib ? 0 : kib;
	bl.asked_kib = kib;
	bl.target = want;
	bl.pending = 1;
	bl.retry_at = 0;
}

static void target_watch(struct xenbus_watch *w, const char *path)
{
	unsigned long kib;
	int err = xenbus_read_ul(XENBUS_NO_TX, "memory/target", &kib);

	(void)w, (void)path;
	if (err == -PV_ENOENT)
		return;
	if (err) {
		printk("balloon: reading memory/target: %s (%d)\n",
		       xenbus_errname(err), err);
		return;
	}
	if (kib != bl.asked_kib || !bl.target)
		set_target(kib);
	balloon_step();
}

static struct xenbus_watch balloon_watch = {
	.path = "memory/target",
	.fn = target_watch,
};

static int cmd_mem(int argc, char **argv)
{
	unsigned long cur = domain_pages();

	(void)argc, (void)argv;
	printk("mem: target_kib=%lu current_kib=%lu floor_kib=%lu "
	       "maxmem_kib=%lu free_kib=%lu ballooned_kib=%lu\n",
	       KIB(bl.target), KIB(cur), KIB(floor_pages(cur)),
	       bl.maxmem_kib, KIB(pmm_free_pages()), KIB(bl.ballooned));
	return 0;
}

static const struct cmdloop_cmd mem_cmd = {
	"mem", "", "the balloon: target, current, floor, maxmem, free",
	cmd_mem,
};

/*
 * Room to grow up to maxmem, made now while RAM is unfragmented: a p2m
 * list of maxmem's pfns (contiguous, from the allocator's fresh pages)
 * and the direct map's page tables for the pfns above the boot RAM.
 */
static void balloon_room(void)
{
	unsigned long boot = xen_nr_pages, want = bl.maxmem_kib / 4;
	unsigned long n;
	uint64_t pa;

	if (want > XEN_MAX_PFNS) {
		printk("balloon: maxmem %lu KiB is above the 1 GiB this kernel "
		       "supports on Xen: growth stops at %lu KiB\n",
		       bl.maxmem_kib, KIB(XEN_MAX_PFNS));
		want = XEN_MAX_PFNS;
	}
	bl.max_pfns = boot;
	if (want <= boot)
		return;
	n = (want * sizeof(unsigned long) + 4095) / 4096;
	pa = pmm_alloc_contig(n);
	if (!pa || xen_p2m_grow(pa, want)) {
		printk("balloon: no room for a p2m of %lu pfns: growth stops "
		       "at %lu KiB\n", want, KIB(boot));
		return;
	}
	for (unsigned long pfn = boot; pfn < want; pfn += 512)
		if (pt_reserve(DIRECT_MAP_BASE + ((uint64_t)pfn << 12))) {
			want = pfn;
			break;
		}
	for (unsigned long pfn = boot; pfn < want; pfn++)
		pfn_mark(pfn, 1);
	bl.max_pfns = want;
}

/* Runs when the console loop wakes: a step left for later (a retry). */
static void balloon_idle(void)
{
	if (bl.pending && bl.retry_at)
		balloon_step();
}

/*
 * maxmem (memory/static-max), the room to grow to it, the watch on
 * memory/target and the `mem` command.  Returns 0 or -PV_E*.
 */
int xen_balloon_init(void)
{
	unsigned long kib;
	int err = xenbus_read_ul(XENBUS_NO_TX, "memory/static-max", &kib);

	if (err)
		kib = KIB(xen_nr_pages);
	bl.maxmem_kib = kib;
	balloon_room();
	bl.target = domain_pages();
	bl.on = 1;
	(void)cmdloop_register(&mem_cmd);
	(void)cmdloop_add_idle(balloon_idle);
	err = xenbus_watch_add(&balloon_watch);
	if (err)
		return err;
	printk("balloon: maxmem %lu KiB, room for %lu KiB, %lu KiB now; "
	       "watching memory/target\n", bl.maxmem_kib, KIB(bl.max_pfns),
	       KIB(bl.target));
	return 0;
}
