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
uint64_t text_poke_stray_rip;
int text_poke_stray_state;
unsigned text_poke_stray_cpu;

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
	err = pv_batch_apply(&batch, &text_ops, MAX_PASSES);
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

/* #BP: a site being written; wait until it is, then run it afresh. */
int text_poke_trap(struct trap_frame *f)
{
	uint64_t site = f->rip - 1;

	if (!pv_batch_hit(site)) {
		text_poke_stray_rip = f->rip;
		text_poke_stray_state = pv_batch_debug(site);
		text_poke_stray_cpu = smp_cpu_id();
		return 0;
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
