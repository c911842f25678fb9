/* repatch.c: `repatch N [plain]` (console and boot flag): N rounds that
 * flip every site between inline, direct and indirect while every other
 * CPU runs the hot paths and checks what they give. */
#include "core/cmdloop.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/pvboot.h"
#include "selftest/selftest.h"
#include "native/native_inline.h"
#include "pv/pvcalls.h"
#include "smp/smp.h"
#include "smp/textpoke.h"

#define X86_IF 0x200ul
#define STRESS_VA (MMIO_VA_BASE + 0x100000)
#define STOP_WAIT_NS 2000000000ull

struct stress_cpu {
	volatile unsigned long iters, wrong, incs, wrong_irq, wrong_pte;
	volatile int running, finished;
	uint64_t frame[2];
	unsigned long long *pte;
};

static struct stress_cpu sc[SMP_MAX_CPUS];
static volatile int stress_stop;
static struct smp_lock stress_lock;
static volatile unsigned long stress_counter;
static unsigned long halts0, kicks0;

static uint64_t magic(unsigned cpu, unsigned k)
{
	return 0x5eed000000000000ull | (uint64_t)cpu << 8 | k;
}

/* The irq ops against the flag itself, read without a site (on Xen the
 * mask in this vCPU's own vcpu_info). */
static unsigned long check_irq(void)
{
	unsigned long f = pv_irq_save(), bad = 0;

	bad += !!smp_ops->irq_on();
	pv_irq_enable();
	bad += !smp_ops->irq_on();
	pv_irq_disable();
	bad += !!smp_ops->irq_on();
	pv_irq_restore_fl(f);
	bad += (unsigned long)smp_ops->irq_on() != !!(f & X86_IF);
	return bad;
}

/* set_pte + flush of this CPU's own page, then a read through it. */
static unsigned long check_pte(struct stress_cpu *s, unsigned cpu,
			       unsigned k)
{
	uint64_t va = STRESS_VA + cpu * PAGE_SIZE;

	pv_set_pte(s->pte, pv_make_pte(s->frame[k] | PTE_P | PTE_W | pte_nx));
	pv_flush_tlb_one_user(va);
	return *(volatile uint64_t *)va != magic(cpu, k);
}

static void stress(unsigned cpu)
{
	struct stress_cpu *s = &sc[cpu];
	unsigned k = 0;

	s->running = 1;
	/* also ends when the CPU is asked to leave (vCPU hotplug) */
	while (!stress_stop && !smp_percpu[cpu].leave) {
		unsigned long bad, bad_pte;

		text_poke_iter_gen[cpu] = __atomic_load_n(&text_poke_gen,
							  __ATOMIC_SEQ_CST);
		bad = check_irq();

		s->wrong_irq += bad;
		smp_lock(&stress_lock);
		stress_counter++;
		s->incs++;
		smp_unlock(&stress_lock);
		bad_pte = check_pte(s, cpu, k ^= 1);
		s->wrong_pte += bad_pte;
		s->wrong += bad + bad_pte;
		s->iters++;
	}
	s->finished = 1;
}

static int stress_setup(unsigned cpu)
{
	struct stress_cpu *s = &sc[cpu];
	uint64_t va = STRESS_VA + cpu * PAGE_SIZE;

	for (unsigned k = 0; k < 2; k++) {
		if (!s->frame[k])
			s->frame[k] = pmm_alloc();
		if (!s->frame[k])
			return -PV_ENOMEM;
		*(uint64_t *)phys_to_virt(s->frame[k]) = magic(cpu, k);
	}
	if (!s->pte && pt_map(va, s->frame[0], PTE_W | pte_nx))
		return -PV_ENOMEM;
	s->pte = pt_lookup(va);
	s->iters = s->wrong = s->incs = s->wrong_irq = s->wrong_pte = 0;
	s->running = s->finished = 0;
	return s->pte ? 0 : -PV_ENOMEM;
}

/* Every site holds what the planner gives for the mode: 0, else count. */
static unsigned text_mismatches(void)
{
	const struct pvboot_state *st = pvboot_state();
	unsigned n, bad = 0;
	const struct pv_site *r = selftest_records(&n);

	for (unsigned i = 0; i < n;) {
		struct pv_site_ref s;
		struct pv_native_ref nr;
		struct pv_plan p, call;

		i += pv_plan_record(&r[i], (uint64_t)&r[i], n - i, st->be,
				    st->mem, (enum pv_patch_mode)st->mode, &s,
				    &p, &nr, &call);
		bad += memcmp((const void *)s.addr, p.bytes, s.len) != 0 ||
		       (call.len && memcmp((const void *)nr.call.addr,
					   call.bytes, call.len) != 0);
	}
	return bad;
}

struct repatch_result {
	unsigned rounds, sites, cpus, stuck;
	unsigned long faults, wrong, iters, bad_rounds;
	unsigned long long ticks;
};

/* The rounds themselves, on this CPU, interrupts off per round. */
static void rounds(unsigned n, struct repatch_result *r)
{
	static const enum pv_patch_mode cycle[3] = {
		PV_PATCH_NOINLINE, PV_PATCH_NOPATCH, PV_PATCH_FULL
	};
	const struct pvboot_state *st = pvboot_state();
	int boot = st->mode;
	unsigned long long t0 = __native_read_tsc();
	struct pv_patch_stats ps;

	for (unsigned i = 0; i < n; i++) {
		int err = pvboot_repatch(cycle[i % 3], &ps);

		r->bad_rounds += err || ps.refused;
		r->sites = ps.sites;
		/* between rounds: a store watch may bring vCPUs up or down */
		cmdloop_idle();
	}
	r->ticks = n ? (__native_read_tsc() - t0) / n : 0;
	if (st->mode != boot)
		r->bad_rounds += !!pvboot_repatch((enum pv_patch_mode)boot,
						  &ps);
}

static void stress_stop_all(struct repatch_result *r)
{
	unsigned long long end = pv_sched_clock() + STOP_WAIT_NS;
	unsigned long incs = 0;

	stress_stop = 1;
	/* every CPU that ran the stress: one may have left since, another
	 * come up after the stress began (and joined it, or not) */
	for (unsigned c = 1; c < SMP_MAX_CPUS; c++) {
		if (!sc[c].running)
			continue;
		while (!sc[c].finished && pv_sched_clock() < end)
			__native_pause();
		r->stuck += !sc[c].finished;
		r->wrong += sc[c].wrong;
		r->iters += sc[c].iters;
		incs += sc[c].incs;
		r->faults += smp_percpu[c].recover.faults;
	}
	if (!r->stuck && incs != stress_counter)
		r->wrong++;
}

/* lock_wait halts and lock_kick wakeups during the stress. */
static void report_locks(void)
{
	unsigned long halts = 0, kicks = 0;

	for (unsigned c = 0; c < SMP_MAX_CPUS; c++) {
		halts += smp_percpu[c].lock_halts;
		kicks += smp_percpu[c].lock_kicks;
	}
	printk("repatch: lock: counter %lu, %lu waits halted, %lu kicks\n",
	       (unsigned long)stress_counter, halts - halts0, kicks - kicks0);
}

/* The last fault of each CPU that had one, as func+off. */
static void report_faults(void)
{
	for (unsigned c = 1; c < SMP_MAX_CPUS; c++) {
		const struct smp_recover *f = &smp_percpu[c].recover;
		char where[96];

		if (!f->faults)
			continue;
		ksym_format(where, sizeof(where), f->last_rip);
		printk("repatch: cpu %u: %lu faults, last vector %llu at %s "
		       "(cr2 %llx)\n", c, f->faults,
		       (unsigned long long)f->last_vec, where,
		       (unsigned long long)f->last_cr2);
		ksym_format(where, sizeof(where), f->first_rip);
		printk("repatch: cpu %u: first vector %llu at %s rsp %llx "
		       "stack %llx %llx %llx %llx\n", c,
		       (unsigned long long)f->first_vec, where,
		       (unsigned long long)f->first_rsp,
		       (unsigned long long)f->first_stack[0],
		       (unsigned long long)f->first_stack[1],
		       (unsigned long long)f->first_stack[2],
		       (unsigned long long)f->first_stack[3]);
	}
	for (unsigned c = 1; c < SMP_MAX_CPUS; c++)
		if (sc[c].wrong)
			printk("repatch: cpu %u: %lu wrong results (irq flag "
			       "%lu, page read-back %lu)\n", c, sc[c].wrong,
			       sc[c].wrong_irq, sc[c].wrong_pte);
}

/*
 * #BPs not at a site being written: breakpoints not ours (a failure: the
 * CPU went on past them), and int3s already gone from memory (the site
 * ran again by a single step, textpoke.c).  The last one's batch edges
 * tell when it ran: odd between a batch's begin and end.
 */
static void report_strays(unsigned long bps, unsigned long gone)
{
	const struct text_poke_stray *t = &text_poke_stray;
	char where[96];

	if (!bps && !gone)
		return;
	if (bps)
		printk("repatch: %lu breakpoints not ours, the CPU went on "
		       "past them\n", bps);
	if (gone)
		printk("repatch: %lu int3s gone from memory when their trap "
		       "ran, the site re-run by a single step\n", gone);
	ksym_format(where, sizeof(where), t->rip - 1);
	printk("repatch: the last on cpu %u at %s: byte there %02x, batch "
	       "state %d, batch edges %lu at the CPU's stress step, %lu at "
	       "the trap (odd: a batch begun, not ended)\n", t->cpu, where,
	       t->byte & 0xff, t->state, t->step_gen, t->gen);
}

/* Returns 0 if every round applied and nothing went wrong. */
int repatch_run(unsigned n, int plain)
{
	struct repatch_result r = { .rounds = n, .cpus = smp_nr_cpus() };
	unsigned long stalls0 = text_poke_stalls, bps0 = trap_breakpoints;
	unsigned long gone0 = text_poke_gone;
	struct text_poke_stats ps0 = poke_stats;
	unsigned mism;

	if (!pvboot_state()->sealed)
		return -PV_ENOEXEC;
	stress_stop = 0;
	stress_counter = 0;
	halts0 = kicks0 = 0;
	for (unsigned c = 0; c < SMP_MAX_CPUS; c++) {
		halts0 += smp_percpu[c].lock_halts;
		kicks0 += smp_percpu[c].lock_kicks;
	}
	/* every CPU, online or not: a vCPU brought up between rounds joins
	 * the stress (hotplug; natively the count is fixed) */
	for (unsigned c = 1; c < SMP_MAX_CPUS; c++) {
		smp_percpu[c].recover.faults = 0;
		if (stress_setup(c))
			return -PV_ENOMEM;
	}
	smp_run_others(stress);
	for (unsigned c = 1; c < SMP_MAX_CPUS; c++)
		while (smp_percpu[c].online && !sc[c].running)
			__native_pause();
	text_poke_set_plain(plain);
	rounds(n, &r);
	text_poke_set_plain(0);
	stress_stop_all(&r);
	mism = text_mismatches();
	r.wrong += r.bad_rounds + mism;
	printk("repatch: rounds=%u sites=%u faults=%lu wrong=%lu "
	       "ticks_per_round=%llu\n", r.rounds, r.sites, r.faults + r.stuck,
	       r.wrong, r.ticks);
	printk("repatch: %s, %u CPUs, %lu stress iterations, %u stuck, "
	       "%lu rounds refused, %u sites off plan, %lu int3 waits, "
	       "%lu writes in %lu passes, %lu put back\n",
	       plain || (r.cpus < 2 && !kflags.repatch_int3) ? "plain copy" :
							       "int3 protocol",
	       r.cpus,
	       r.iters, r.stuck, r.bad_rounds, mism,
	       text_poke_stalls - stalls0, poke_stats.writes - ps0.writes,
	       poke_stats.passes - ps0.passes, poke_stats.busy - ps0.busy);
	report_strays(trap_breakpoints - bps0, text_poke_gone - gone0);
	report_locks();
	report_faults();
	return r.faults || r.stuck || r.wrong ? -PV_EIO : 0;
}

static int parse_uint(const char *p, unsigned *v)
{
	*v = 0;
	if (!*p)
		return -PV_EINVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || *v > 100000000u)
			return -PV_EINVAL;
		*v = *v * 10 + (unsigned)(*p - '0');
	}
	return 0;
}

static int cmd_repatch(int argc, char **argv)
{
	unsigned n;
	int plain = argc == 3 && !strcmp(argv[2], "plain");

	if (argc < 2 || argc > 3 || (argc == 3 && !plain) ||
	    parse_uint(argv[1], &n))
		return -PV_EINVAL;
	return repatch_run(n, plain);
}

static int cmd_cpus(int argc, char **argv)
{
	(void)argc, (void)argv;
	printk("cpus: %u online\n", smp_nr_cpus());
	for (unsigned c = 0; c < SMP_MAX_CPUS; c++)
		if (smp_percpu[c].online)
			printk("  cpu %u apic %u ticks %llu faults %lu\n", c,
			       smp_percpu[c].apic_id,
			       smp_percpu[c].apic_ticks,
			       smp_percpu[c].recover.faults);
	return 0;
}

static const struct cmdloop_cmd repatch_cmds[] = {
	{ "repatch", "N [plain]", "N re-patch rounds under a stress on the "
	  "other CPUs", cmd_repatch },
	{ "cpus", "", "the CPUs online", cmd_cpus },
};

void repatch_register(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(repatch_cmds); i++)
		cmdloop_register(&repatch_cmds[i]);
}
