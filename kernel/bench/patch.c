/* bench/patch.c: what boot-time patching costs, in instructions: the real
 * site table and backend, single-stepped, patching a shadow copy of text. */
#include "core/kernel.h"
#include "core/platform.h"
#include "core/pvboot.h"
#include "bench/bench.h"
#include "pv/pvcalls.h"

/*
 * The pass writes into this copy of [_stext, _etext) instead of the text
 * itself: the #DB handler that counts runs through patched sites (the
 * iret site at the end of isr_common), which must never be half-written
 * under it.  Reads of the copy see exactly what the boot pass saw.
 */
#define SHADOW_MAX (256u * 1024) /* text is 130 KiB since Xen SMP */
#define SUB_MAX 1024u

static uint8_t shadow[SHADOW_MAX] __attribute__((aligned(64)));
static uint64_t shadow_end; /* mirrored: [_stext, shadow_end) */

/* A table of some of the real records (each re-aimed at its site). */
static struct {
	struct pv_table_hdr h;
	struct pv_site r[SUB_MAX];
} sub __attribute__((aligned(8)));

static struct pv_backend scratch_be;

extern const char __pv_templates_start[], __pv_templates_end[];
extern const char __pv_hcalls_start[], __pv_hcalls_end[];
extern struct pv_inline_facts __pv_inline;

static int in_shadow(uint64_t addr, uint32_t len)
{
	return addr >= (uint64_t)(uintptr_t)_stext && addr < shadow_end &&
	       len <= shadow_end - addr;
}

/* As pvboot.c's kmem, with the text redirected to the shadow. */
static const uint8_t *sh_ptr(void *ctx, uint64_t addr, uint32_t len)
{
	(void)ctx;
	if (in_shadow(addr, len))
		return shadow + (addr - (uint64_t)(uintptr_t)_stext);
	if (addr >= (uint64_t)(uintptr_t)_stext &&
	    addr < (uint64_t)(uintptr_t)_etext)
		return NULL; /* would straddle the copy's end */
	return kernel_image_ptr(addr, len);
}

static int sh_read(void *ctx, uint64_t addr, uint8_t *buf, uint32_t len)
{
	const uint8_t *p = sh_ptr(ctx, addr, len);

	if (!p)
		return -PV_EFAULT;
	memcpy(buf, p, len);
	return 0;
}

static int sh_write(void *ctx, uint64_t addr, const uint8_t *buf,
		    uint32_t len)
{
	(void)ctx;
	if (addr < (uint64_t)(uintptr_t)_stext ||
	    addr > (uint64_t)(uintptr_t)_etext ||
	    len > (uint64_t)(uintptr_t)_etext - addr)
		return -PV_EFAULT;
	memcpy(shadow + (addr - (uint64_t)(uintptr_t)_stext), buf, len);
	return 0;
}

static const struct pv_mem shadow_mem = { sh_ptr, sh_read, sh_write, 0 };

/* nopatch sends native sites to their stubs: put their built bytes back. */
static int shadow_native_built(const struct pvboot_state *st)
{
	const struct pv_site *r = (const struct pv_site *)(st->hdr + 1);

	for (uint32_t i = 0; i < st->hdr->count; i++) {
		struct pv_native_ref n;
		uint8_t b[PV_SITE_MAX];

		if (!(r[i].flags & PV_SITE_NATIVE) ||
		    pv_native_ref(&r[i], (uint64_t)(uintptr_t)&r[i],
				  st->hdr->count - i, &n))
			continue;
		if (pv_native_built(&n, &shadow_mem, b) ||
		    sh_write(NULL, n.site.addr, b, n.site.len))
			return -PV_EFAULT;
	}
	return 0;
}

/*
 * The shadow as the image was built: a copy of the text (plus the bytes
 * after it a body scan may read), re-patched unmeasured to nopatch, whose
 * bytes are the as-built indirect calls.
 */
static int shadow_reset(void)
{
	const struct pvboot_state *st = pvboot_state();
	uint64_t len = (uint64_t)(_etext - _stext) + PV_BODY_SCAN;
	struct pv_patch_stats stats;
	int err;

	if (len > (uint64_t)(_end - _stext))
		len = (uint64_t)(_end - _stext);
	if (len > SHADOW_MAX)
		return -PV_E2BIG;
	shadow_end = (uint64_t)(uintptr_t)_stext + len;
	memcpy(shadow, _stext, len);
	err = pv_patch_table(st->hdr, (uint64_t)(uintptr_t)st->hdr,
			     st->table_size, st->be, &shadow_mem, st->mode,
			     PV_PATCH_NOPATCH, &stats, NULL, NULL);
	return err ? err : shadow_native_built(st);
}

/*
 * Fills sub with the records whose plan for mode to has strategy strat
 * (-1: all; PV_NR_STRATS: none), each offset re-aimed from its new place
 * at the same site.  Returns how many; the order stays the address order.
 */
static unsigned sub_build(int strat, enum pv_patch_mode to)
{
	const struct pvboot_state *st = pvboot_state();
	const struct pv_site *rec = (const struct pv_site *)(st->hdr + 1);
	uint64_t rec_addr = (uint64_t)(uintptr_t)rec,
		 sub_addr = (uint64_t)(uintptr_t)sub.r;
	unsigned k = 0;

	sub.h = *st->hdr;
	for (uint32_t i = 0, used; i < st->hdr->count && k + 1 < SUB_MAX;
	     i += used) {
		struct pv_site_ref s;
		struct pv_native_ref nr;
		struct pv_plan p, call;

		used = pv_plan_record(&rec[i], rec_addr + 8ull * i,
				      st->hdr->count - i, st->be, st->mem, to,
				      &s, &p, &nr, &call);
		if (strat >= 0 && p.strategy != strat)
			continue;
		/* a native site's pair of records moves as one */
		for (uint32_t j = 0; j < used; j++, k++) {
			uint64_t a = rec_addr + 8ull * (i + j) +
				     (uint64_t)(int64_t)rec[i + j].offset;

			sub.r[k] = rec[i + j];
			sub.r[k].offset = (int32_t)(a - (sub_addr + 8ull * k));
		}
	}
	sub.h.count = k;
	return k;
}

/* Bytes of sub as a table section: its header and the records in use. */
static uint64_t sub_size(void)
{
	return sizeof(sub.h) + 8ull * sub.h.count;
}

/* One patch pass to count: the table, from which mode to which. */
struct pass {
	const struct pv_table_hdr *hdr;
	uint64_t size; /* bytes of the table: header and records */
	const struct pv_backend *be;
	int from;
	enum pv_patch_mode to;
	struct pv_patch_stats stats;
	int err;
};

static void run_pass(void *arg)
{
	struct pass *p = arg;

	p->err =
	    pv_patch_table(p->hdr, (uint64_t)(uintptr_t)p->hdr, p->size, p->be,
			   &shadow_mem, p->from, p->to, &p->stats, NULL, NULL);
}

/*
 * Instructions of one pass over the shadow (reset first to as-built when
 * reset is set), the harness's own subtracted.  Interrupts stay off: no
 * tick handler may run while the shadow is inconsistent, and none can
 * lengthen the count.
 */
static uint64_t count_pass(struct pass *p, int reset)
{
	unsigned long flags = pv_irq_save();
	uint64_t n = 0, base = bench_step_overhead();
	int ovf = 0;

	memset(&p->stats, 0, sizeof(p->stats));
	p->be = pvboot_state()->be;
	p->err = reset ? shadow_reset() : 0;
	if (!p->err)
		n = bench_step_count(run_pass, p, &ovf);
	pv_irq_restore_fl(flags);
	if (ovf)
		p->err = -PV_E2BIG;
	return n > base ? n - base : 0;
}

/* "x.yy" of a / b, for the printed per-site figures. */
static void ratio_str(char *buf, unsigned n, uint64_t a, uint64_t b)
{
	uint64_t x100 = b ? (a * 100 + b / 2) / b : 0;

	snprintf(buf, n, "%llu.%02llu", (unsigned long long)(x100 / 100),
		 (unsigned long long)(x100 % 100));
}

static void print_pass(const char *pf, const char *what,
		       const struct pass *p, uint64_t n, uint64_t fixed,
		       const char *extra)
{
	char per[24];

	ratio_str(per, sizeof(per), n > fixed ? n - fixed : 0,
		  p->stats.sites);
	printk("bench-patch: {\"platform\":\"%s\",\"what\":\"%s\","
	       "\"from\":\"%s\",\"to\":\"%s\",\"sites\":%u,\"insns\":%llu,"
	       "\"fixed\":%llu,\"insn_per_site\":%s,\"refused\":%u,"
	       "\"err\":%d%s}\n", pf, what, pvboot_mode_name(p->from),
	       pvboot_mode_name(p->to), p->stats.sites,
	       (unsigned long long)n, (unsigned long long)fixed, per,
	       p->stats.refused, p->err, extra);
}

/* After the as-built -> full pass: is the shadow what the boot pass
 * wrote (when the boot mode was full)? */
static const char *matches_boot(void)
{
	const struct pvboot_state *st = pvboot_state();
	struct pv_summary s;
	uint64_t h = 0;

	if (st->boot_mode != PV_PATCH_FULL)
		return "";
	pvboot_summary(&s);
	pv_text_hash(&shadow_mem, (uint64_t)(uintptr_t)_stext,
		     (uint64_t)(uintptr_t)_etext, &h);
	return h == s.text_hash ? ",\"text_matches_boot\":true" :
				  ",\"text_matches_boot\":false";
}

/* Every site from as-built to full (the boot pass) and to noinline, and
 * back from full to nopatch (a re-patch); fixed: a pass over no sites. */
static void cost_passes(const char *pf, uint64_t fixed)
{
	static struct pass p;
	uint64_t n;

	p = (struct pass){ .hdr = pvboot_state()->hdr,
			   .size = pvboot_state()->table_size, .from = -1,
			   .to = PV_PATCH_FULL };
	n = count_pass(&p, 1);
	print_pass(pf, "boot_pass", &p, n, fixed, matches_boot());
	p.from = PV_PATCH_FULL;
	p.to = PV_PATCH_NOPATCH;
	n = count_pass(&p, 0);
	print_pass(pf, "repatch", &p, n, fixed, "");
	p.from = -1;
	p.to = PV_PATCH_NOINLINE;
	n = count_pass(&p, 1);
	print_pass(pf, "boot_pass", &p, n, fixed, "");
}

/* The boot pass to full over the sites of one strategy at a time. */
static void cost_strategies(const char *pf, uint64_t fixed)
{
	static struct pass p;
	char extra[48];

	for (unsigned s = 0; s < PV_NR_STRATS; s++) {
		uint64_t n;

		if (!sub_build((int)s, PV_PATCH_FULL))
			continue;
		p = (struct pass){ .hdr = &sub.h, .size = sub_size(), .from = -1,
				   .to = PV_PATCH_FULL };
		n = count_pass(&p, 1);
		snprintf(extra, sizeof(extra), ",\"strategy\":\"%s\"",
			 pv_strategy_name(s));
		print_pass(pf, "strategy", &p, n, fixed, extra);
	}
}

static int build_err;
static uint64_t build_funcs[PV_NR_OPS];

/* pv_backend_build as pvboot_patch calls it, into a scratch backend. */
static void run_build(void *arg)
{
	const struct platform *pf = arg;

	build_err = pv_backend_build(
	    &scratch_be, pf->backend, pf->name, (uint64_t)(uintptr_t)&pv_ops,
	    build_funcs, (uint64_t)(uintptr_t)__pv_templates_start,
	    (uint64_t)(uintptr_t)__pv_templates_end,
	    (uint64_t)(uintptr_t)__pv_hcalls_start,
	    (uint64_t)(uintptr_t)__pv_hcalls_end, &__pv_inline, &shadow_mem);
}

/* Once per boot, before the pass: reading templates, facts, bodies. */
static void cost_backend(const char *pf)
{
	unsigned long flags = pv_irq_save();
	uint64_t n = 0, base = bench_step_overhead();
	int err = shadow_reset();

	pvboot_op_funcs(kernel_platform(), build_funcs);
	if (!err)
		n = bench_step_count(run_build, (void *)kernel_platform(),
				     NULL);
	pv_irq_restore_fl(flags);
	printk("bench-patch: {\"platform\":\"%s\",\"what\":\"backend_build\","
	       "\"insns\":%llu,\"err\":%d}\n", pf,
	       (unsigned long long)(n > base ? n - base : 0),
	       err ? err : build_err);
}

void bench_patch_cost(const char *pf)
{
	static struct pass p;
	uint64_t fixed;

	if (!pvboot_state()->sealed) {
		printk("bench-patch: {\"platform\":\"%s\",\"what\":\"skipped\","
		       "\"why\":\"site table not sealed\"}\n", pf);
		return;
	}
	sub_build(PV_NR_STRATS, PV_PATCH_FULL); /* no records */
	p = (struct pass){ .hdr = &sub.h, .size = sub_size(), .from = -1,
			   .to = PV_PATCH_FULL };
	fixed = count_pass(&p, 1);
	print_pass(pf, "fixed", &p, fixed, 0, "");
	cost_passes(pf, fixed);
	cost_strategies(pf, fixed);
	cost_backend(pf);
}
