/* textpoke.c: the platform half of live re-patching: a batch of site
 * writes applied with the int3 protocol (paravirt/poke.c) while other CPUs
 * run, the sync by cross-CPU call, and the #BP handler's wait. */
#include "core/kernel.h"
#include "core/mm.h"
#include "native/native_inline.h"
#include "patch.h"
#include "smp/smp.h"
#include "smp/textpoke.h"

#define MAX_PASSES 2000

static struct pv_batch batch;
static const struct pv_mem *real_mem;
static int plain; /* repatch ... plain: the checked copy alone */
unsigned long text_poke_stalls; /* #BP waits, all CPUs */
/* The last #BP not at a site being written, and batch edges (begin and
 * end of each batch, text_poke_gen) for telling when it ran. */
struct text_poke_stray text_poke_stray;
unsigned long text_poke_gen;
unsigned long text_poke_iter_gen[SMP_MAX_CPUS]; /* edges at a stress step */

/* cpuid serialises: no stale instruction bytes survive it. */
static void sync_core(void)
{
	unsigned int a = 0, b, c = 0, d;

	__native_cpuid(&a, &b, &c, &d);
}

static int live_read(void *ctx, uint64_t addr, uint8_t *buf, uint32_t len)
{
	(void)ctx;
	return pv_batch_read(&batch, real_mem, addr, buf, len);
}

static int live_write(void *ctx, uint64_t addr, const uint8_t *buf,
		      uint32_t len)
{
	(void)ctx;
	return pv_batch_add(&batch, real_mem, addr, buf, len);
}

static const uint8_t *live_ptr(void *ctx, uint64_t addr, uint32_t len)
{
	(void)ctx;
	return real_mem->ptr(real_mem->ctx, addr, len);
}

static const struct pv_mem live_mem = { live_ptr, live_read, live_write, 0 };

/* On every other CPU, in its IPI handler or #BP wait. */
static void sync_here(void *arg)
{
	struct percpu *pc = this_cpu();
	uint64_t here;
	const uint64_t *lo = pc->stall_rsp ? (const uint64_t *)pc->stall_rsp :
					     &here;

	(void)arg;
	sync_core();
	pv_batch_scan(lo, (const uint64_t *)pc->stack_top);
}

static int text_write(void *ctx, uint64_t addr, const uint8_t *buf,
		      uint32_t len)
{
	(void)ctx;
	return real_mem->write(real_mem->ctx, addr, buf, len);
}

static void text_sync(void *ctx)
{
	(void)ctx;
	smp_call_others(sync_here, NULL);
}

/* A CPU in a site's callee leaves it within microseconds: let it run. */
static void text_wait(void *ctx)
{
	(void)ctx;
	for (unsigned i = 0; i < 200; i++)
		__native_pause();
}

static const struct pv_text_ops text_ops = { text_write, text_sync,
					     text_wait, 0 };

void text_poke_set_plain(int on)
{
	plain = on;
}

const struct pv_mem *text_poke_begin(const struct pv_mem *m)
{
	/* one CPU: nobody else runs the text (repatch.int3: the protocol
	 * anyway, to measure it without IPIs) */
	if (plain || (smp_nr_cpus() < 2 && !kflags.repatch_int3))
		return m;
	real_mem = m;
	pv_batch_reset(&batch);
	smp_quiet = 1;
	return &live_mem;
}

int text_poke_end(const struct pv_mem *m, struct text_poke_stats *ts)
{
	int err;

	if (m != &live_mem)
		return 0;
	paging_text_open();
	__atomic_add_fetch(&text_poke_gen, 1, __ATOMIC_SEQ_CST);
	err = pv_batch_apply(&batch, &text_ops, MAX_PASSES);
	__atomic_add_fetch(&text_poke_gen, 1, __ATOMIC_SEQ_CST);
	paging_text_close();
	sync_core();
	smp_quiet = 0;
	if (ts) {
		ts->writes += batch.n;
		ts->passes += batch.passes;
		ts->busy += batch.busy;
	}
	return err;
}

/*
 * An int3 already gone from memory when its trap runs: another CPU wrote
 * the site's final bytes after this CPU fetched it (Linux's kprobes treat
 * a removed breakpoint the same).  On hardware the syncs make that
 * impossible for our batches; QEMU's multi-threaded TCG can still run a
 * translation of the old bytes made while the write happened, and does
 * again at every entry until the next write to the site.  So run the
 * site's first instruction by a single step: with TF set the emulator
 * translates afresh from memory; the #DB that follows clears TF.
 */
static uint64_t step_site[SMP_MAX_CPUS];
unsigned long text_poke_gone;

#define X86_TF 0x100ul

static int prefix_byte(uint8_t b)
{
	return b == 0x2e || b == 0x3e || b == 0x26 || b == 0x36 ||
	       b == 0x64 || b == 0x65 || b == 0x66 || b == 0x67 ||
	       b == 0xf2 || b == 0xf3 || (b & 0xf0) == 0x40;
}

static void step_from(struct trap_frame *f, uint64_t site)
{
	f->rip = site;
	f->rflags |= X86_TF;
	step_site[smp_cpu_id()] = site;
	__atomic_add_fetch(&text_poke_gone, 1, __ATOMIC_RELAXED);
}

/* #DB after that step: TF off, and off in what a pushf there saved. */
static int step_done(struct trap_frame *f)
{
	uint64_t site = step_site[smp_cpu_id()];
	const uint8_t *p = (const uint8_t *)site;

	if (!site)
		return 0;
	step_site[smp_cpu_id()] = 0;
	f->rflags &= ~X86_TF;
	while (prefix_byte(*p) && p < (const uint8_t *)site + PV_SITE_MAX)
		p++;
	if (*p == 0x9c && f->rip == (uint64_t)p + 1)
		*(uint64_t *)f->rsp &= ~X86_TF;
	return 1;
}

/* #BP: a site being written; wait until it is, then run it afresh.  #DB:
 * the end of a step_from. */
int text_poke_trap(struct trap_frame *f)
{
	uint64_t site = f->rip - 1;

	if (f->vec == 1)
		return step_done(f);
	if (!pv_batch_hit(site)) {
		struct text_poke_stray *t = &text_poke_stray;

		t->byte = *(volatile const uint8_t *)site;
		t->gen = __atomic_load_n(&text_poke_gen, __ATOMIC_SEQ_CST);
		t->step_gen = text_poke_iter_gen[smp_cpu_id()];
		t->rip = f->rip;
		t->state = pv_batch_debug(site);
		t->cpu = smp_cpu_id();
		if (t->byte == 0xcc)
			return 0; /* a breakpoint that is not ours */
		step_from(f, site);
		return 1;
	}
	f->rip = site;
	__atomic_add_fetch(&text_poke_stalls, 1, __ATOMIC_RELAXED);
	/* syncs meanwhile scan from the interrupted stack up: this handler's
	 * own frames hold site+1 and would keep the site busy for ever */
	this_cpu()->stall_rsp = f->rsp;
	while (pv_batch_hit(site)) {
		smp_poll();
		__native_pause();
	}
	this_cpu()->stall_rsp = 0;
	sync_core();
	return 1;
}
