/* pvboot.c: boot-time patching: fills pv_ops with the platform's backend,
 * patches every site from the sealed table, reports, hashes the text. */
#include "core/kernel.h"
#include "core/mm.h"
#include "core/platform.h"
#include "core/pvboot.h"
#include "pv/pvcalls.h"
#include "smp/textpoke.h"

/* The table every site calls through. */
struct pv_ops pv_ops;
/* elfscan --emit-table writes its inliner facts here; zero until then. */
struct pv_inline_facts __pv_inline __attribute__((section(".pv_inline")));

extern const char __pv_table_start[], __pv_table_end[];
extern const char __pv_templates_start[], __pv_templates_end[];
extern const char __pv_hcalls_start[], __pv_hcalls_end[];
extern const char __pv_hcall_sites_start[], __pv_hcall_sites_end[];

static struct pv_backend backend;
static struct pv_patch_stats boot_stats;
static struct pv_hcall_stats hcall_stats;
static struct pvboot_state state = { .mode = -1, .boot_mode = -1 };
static uint64_t boot_hash;
struct text_poke_stats poke_stats; /* live re-patches since boot */
static int boot_failed;

/* Target memory is our own image: reads anywhere in it, writes to text. */
static const uint8_t *kmem_ptr(void *ctx, uint64_t addr, uint32_t len)
{
	(void)ctx;
	return kernel_image_ptr(addr, len);
}

static int kmem_read(void *ctx, uint64_t addr, uint8_t *buf, uint32_t len)
{
	const uint8_t *p = kmem_ptr(ctx, addr, len);

	if (!p)
		return -PV_EFAULT;
	memcpy(buf, p, len);
	return 0;
}

/* Text is read-only once paging_init has run (W^X): written through the
 * poker's alias (core/paging.c); before, it is writable. */
static int kmem_write(void *ctx, uint64_t addr, const uint8_t *buf,
		      uint32_t len)
{
	(void)ctx;
	if (addr < (uint64_t)(uintptr_t)_stext ||
	    addr > (uint64_t)(uintptr_t)_etext ||
	    len > (uint64_t)(uintptr_t)_etext - addr)
		return -PV_EFAULT;
	if (paging_text_ro())
		paging_text_write(addr, buf, len);
	else
		memcpy((void *)(uintptr_t)addr, buf, len);
	return 0;
}

static const struct pv_mem kmem = { kmem_ptr, kmem_read, kmem_write, 0 };

/* cpuid serialises: no stale pre-patch instruction bytes survive it. */
static void sync_core(void)
{
	unsigned int a = 0, b, c = 0, d;

	__asm__ volatile("cpuid"
			 : "+a"(a), "=b"(b), "+c"(c), "=d"(d)
			 :
			 : "memory");
}

/*
 * Copies the backend's table into pv_ops; from here every site works.
 * Returns 0, or -PV_EINVAL with *missing naming an empty slot.
 */
int pvboot_install(const struct platform *pf, const char **missing)
{
	const uintptr_t *slot = (const uintptr_t *)pf->ops;

	memcpy(&pv_ops, pf->ops, sizeof(pv_ops));
	for (unsigned op = 0; op < PV_NR_OPS; op++) {
		if (!slot[op]) {
			*missing = pv_op_name(op);
			return -PV_EINVAL;
		}
	}
	return 0;
}

const struct pvboot_state *pvboot_state(void)
{
	return &state;
}

const char *pvboot_mode_name(int mode)
{
	static const char *const names[] = { "full", "noinline", "nopatch" };

	return mode >= 0 && mode < 3 ? names[mode] : "as-built";
}

int pvboot_hash_text(uint64_t *hash)
{
	return pv_text_hash(&kmem, (uint64_t)(uintptr_t)_stext,
			    (uint64_t)(uintptr_t)_etext, hash);
}

/*
 * Re-patches every site from the mode it is in to another one; with other
 * CPUs online through the int3 protocol (kernel/smp/textpoke.c).
 */
int pvboot_repatch(enum pv_patch_mode to, struct pv_patch_stats *st)
{
	unsigned long flags;
	const struct pv_mem *m;
	int err, err2;

	memset(st, 0, sizeof(*st));
	/* No interrupt handler may run a half-considered site. */
	flags = pv_irq_save();
	/* the poker's alias once for the pass, not once per write (on Xen
	 * PV each is two mmu_update hypercalls); a no-op before paging */
	paging_text_open();
	m = text_poke_begin(&kmem);
	err = pv_patch_table(state.hdr, (uint64_t)(uintptr_t)state.hdr,
			     state.table_size, &backend, m, state.mode, to, st,
			     NULL, NULL);
	err2 = text_poke_end(m, &poke_stats);
	paging_text_close();
	if (!err)
		err = err2;
	sync_core();
	if (!err)
		state.mode = to;
	pv_irq_restore_fl(flags);
	return err;
}

static void hex_bytes(char *out, const uint8_t *b, unsigned n)
{
	static const char hex[] = "0123456789abcdef";

	for (unsigned i = 0; i < n; i++) {
		*out++ = hex[b[i] >> 4];
		*out++ = hex[b[i] & 15];
		*out++ = i + 1 < n ? ' ' : 0;
	}
	if (!n)
		*out = 0;
}

/* pv.debug: one line per site, the decision and the bytes it got. */
static void debug_site(void *ctx, const struct pv_site_ref *s,
		       const struct pv_plan *p, int err)
{
	char where[80], bytes[3 * PV_SITE_MAX + 1];

	(void)ctx;
	ksym_format(where, sizeof(where), s->addr);
	hex_bytes(bytes, p->bytes, err ? 0 : p->used);
	printk("pv: %016llx %-32s %-18s %-9s %s%s [%s]\n",
	       (unsigned long long)s->addr, where, pv_op_name(s->op),
	       pv_strategy_name(p->strategy), pv_reason_str(p->reason),
	       err ? " (refused, left as is)" : "", bytes);
}

static void report_ops(const struct pv_patch_stats *st)
{
	printk("pv:   %-20s %6s %6s %6s %6s %6s\n", "op", "inline", "body",
	       "hcall", "direct", "indir");
	for (unsigned op = 0; op < PV_NR_OPS; op++) {
		const uint32_t *n = st->per_op[op];

		if (n[0] + n[1] + n[2] + n[3] + n[4])
			printk("pv:   %-20s %6u %6u %6u %6u %6u\n",
			       pv_op_name(op), n[PV_STRAT_INLINE],
			       n[PV_STRAT_BODY], n[PV_STRAT_HYPERCALL],
			       n[PV_STRAT_DIRECT], n[PV_STRAT_INDIRECT]);
	}
	for (unsigned r = 1; r < PV_NR_REASONS; r++)
		if (st->reasons[r])
			printk("pv: reason %4u x %s\n", st->reasons[r],
			       pv_reason_str(r));
}

/* Sites of ops the backend has an instruction template for: the hot path
 * the issue wants inline. */
static void report_hot(const struct pv_patch_stats *st)
{
	unsigned hot = 0, inl = 0;

	for (unsigned op = 0; op < PV_NR_OPS; op++) {
		const uint32_t *n = st->per_op[op];

		if (!backend.op[op].tmpl.len)
			continue;
		hot += n[0] + n[1] + n[2] + n[3] + n[4];
		inl += n[PV_STRAT_INLINE] + n[PV_STRAT_BODY];
	}
	printk("pv: hot-path sites (ops with an instruction template): %u, "
	       "inline %u (%u%%)\n", hot, inl, hot ? inl * 100 / hot : 0);
}

static void report(const struct pv_patch_stats *st)
{
	const uint32_t *n = st->strat;

	printk("pv: %u sites of %u bytes, backend %s, mode %s\n", st->sites,
	       state.hdr->site_len, backend.name, pvboot_mode_name(state.mode));
	printk("pv: inline %u, body %u, hypercall %u, direct %u, indirect %u, "
	       "refused %u\n", n[PV_STRAT_INLINE], n[PV_STRAT_BODY],
	       n[PV_STRAT_HYPERCALL], n[PV_STRAT_DIRECT],
	       n[PV_STRAT_INDIRECT], st->refused);
	report_ops(st);
	report_hot(st);
}

/* An unsealed table still works (every site indirect): count it as such. */
static void count_unsealed(void)
{
	uint64_t bytes = (uint64_t)(__pv_table_end - __pv_table_start);
	unsigned n = (unsigned)((bytes - sizeof(struct pv_table_hdr)) /
				sizeof(struct pv_site));

	boot_stats.sites = n;
	boot_stats.strat[PV_STRAT_INDIRECT] = n;
}

/*
 * Native sites hold bare instructions (cli, mov to cr3) that a PV kernel
 * in ring 3 cannot run: unpatched, such a kernel stops here with its
 * closing lines (the console and shutdown paths of a backend use its own
 * functions, not the sites).
 */
static void native_sites_stop(const struct platform *pf)
{
	printk("pv: native sites cannot run unpatched on %s: stopping\n",
	       pf->name);
	boot_failed = 1;
	pvboot_hash_text(&boot_hash);
	kernel_report(0);
	pf->shutdown(1);
}

static enum pv_patch_mode boot_mode(void)
{
	return kflags.nopatch ? PV_PATCH_NOPATCH :
	       kflags.noinline ? PV_PATCH_NOINLINE : PV_PATCH_FULL;
}

/* The backend's own hypercall calls, inline once in full mode (the
 * selftests' re-patching leaves them so). */
static void patch_hcall_sites(void)
{
	int err = pv_patch_hcall_sites((uint64_t)(uintptr_t)__pv_hcall_sites_start,
				       (uint64_t)(uintptr_t)__pv_hcall_sites_end,
				       &backend, &kmem, boot_mode(),
				       &hcall_stats);

	if (err || hcall_stats.refused)
		boot_failed = 1;
	if (!hcall_stats.sites)
		return;
	if (!backend.hcall_insn_len || !backend.hypercall_page) {
		printk("pv: hypercall sites: %u, left as built (backend %s has "
		       "no hypercalls)\n", hcall_stats.sites, backend.name);
		return;
	}
	printk("pv: hypercall sites: %u, inline %u (mov $nr,%%eax; %s), "
	       "refused %u%s\n", hcall_stats.sites, hcall_stats.inline_,
	       backend.hcall_insn[0] == 0xcd ? "int $0x82" :
	       backend.hcall_insn_len == 2 ? "syscall" :
	       backend.hcall_insn[2] == 0xd9 ? "vmmcall" : "vmcall",
	       hcall_stats.refused, err ? " (bad table)" : "");
}

/*
 * Patches every site for pf's backend in the mode the command line asks.
 * Returns 0 (also when the table is unsealed: sites stay indirect and
 * correct) or the error that made the kernel untrustworthy.
 */
/* An ops table's slots as 64-bit addresses (4-byte slots on i386). */
static void ops_funcs(const void *ops, uint64_t func[PV_NR_OPS])
{
	const uintptr_t *slot = (const uintptr_t *)ops;

	for (unsigned op = 0; op < PV_NR_OPS; op++)
		func[op] = slot[op];
}

void pvboot_op_funcs(const struct platform *pf, uint64_t func[PV_NR_OPS])
{
	ops_funcs(pf->ops, func);
}

int pvboot_patch(const struct platform *pf)
{
	uint64_t func[PV_NR_OPS];
	int err;

	pvboot_op_funcs(pf, func);

	state.hdr = (const struct pv_table_hdr *)__pv_table_start;
	state.table_size = (uint64_t)(__pv_table_end - __pv_table_start);
	state.be = &backend;
	state.mem = &kmem;
	state.boot_mode = boot_mode();
	err = pv_backend_build(
	    &backend, pf->backend, pf->name, (uint64_t)(uintptr_t)&pv_ops, func,
	    (uint64_t)(uintptr_t)__pv_templates_start,
	    (uint64_t)(uintptr_t)__pv_templates_end,
	    (uint64_t)(uintptr_t)__pv_hcalls_start,
	    (uint64_t)(uintptr_t)__pv_hcalls_end, &__pv_inline, &kmem);
	backend.hypercall_page = (uint64_t)(uintptr_t)pf->hypercall_page;
	if (pf->hypercall_insn) {
		backend.hcall_insn_len = (uint8_t)strlen(pf->hypercall_insn);
		memcpy(backend.hcall_insn, pf->hypercall_insn,
		       backend.hcall_insn_len);
	}
	if (!err && pf->borrow_ops) {
		uint64_t base[PV_NR_OPS];

		ops_funcs(pf->borrow_ops, base);
		err = pv_backend_borrow(&backend, pf->borrow_backend, base,
					(uint64_t)(uintptr_t)__pv_templates_start,
					(uint64_t)(uintptr_t)__pv_templates_end,
					&kmem);
	}
	backend.cpu_features = cpu_features_detect();
	if (!err)
		err = pv_patch_table(state.hdr, (uint64_t)(uintptr_t)state.hdr,
				     state.table_size, &backend, &kmem, -1,
				     boot_mode(), &boot_stats,
				     kflags.debug ? debug_site : NULL, NULL);
	sync_core();
	if (err == -PV_ENOEXEC) {
		printk("pv: site table not sealed by elfscan; sites left "
		       "indirect\n");
		count_unsealed();
		err = 0;
		if (pf->backend != PV_BACKEND_NATIVE)
			native_sites_stop(pf);
	} else if (err) {
		printk("pv: patching failed: error %d; sites left indirect\n",
		       err);
		count_unsealed();
		boot_failed = 1;
		if (pf->backend != PV_BACKEND_NATIVE)
			native_sites_stop(pf);
	} else {
		state.sealed = 1;
		state.mode = boot_mode();
		report(&boot_stats);
		patch_hcall_sites();
	}
	pvboot_hash_text(&boot_hash);
	printk("pv: text hash %016llx over [%p, %p)\n",
	       (unsigned long long)boot_hash, _stext, _etext);
	return err;
}

void pvboot_summary(struct pv_summary *s)
{
	const uint32_t *n = boot_stats.strat;

	s->sites = boot_stats.sites;
	s->inline_ = n[PV_STRAT_INLINE] + n[PV_STRAT_BODY];
	s->hypercall = n[PV_STRAT_HYPERCALL];
	s->direct = n[PV_STRAT_DIRECT];
	s->indirect = n[PV_STRAT_INDIRECT];
	s->refused = boot_stats.refused;
	s->hcall_sites = hcall_stats.sites;
	s->hcall_inline = hcall_stats.inline_;
	s->text_hash = boot_hash;
	pv_features_str(backend.cpu_features, s->cpu_features,
			sizeof(s->cpu_features));
	s->failed = boot_failed;
}
