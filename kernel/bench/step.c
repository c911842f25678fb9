/* bench/step.c: counts the instructions a function executes by single-step
 * (#DB after each one while RFLAGS.TF is set): exact and deterministic. */
#include "core/kernel.h"
#include "core/traps.h"
#include "bench/step.h"

#define RFLAGS_TF 0x100ull

static volatile int stepping;
static volatile int overflowed;
static volatile uint64_t steps, fixes, hcalls;
static uint64_t next_rip; /* where the last trap said execution goes on */
/* The loop's mark (bench_step_mark) and what the visits to it saw. */
static uint64_t mark_rip, mark_steps;
static int mark_seen;
static struct bench_iters iters;
/* Instructions after which the CPU takes no single-step trap (found by
 * bench_step_calibrate): the trap after the next one covers both. */
static int fix_sti, fix_mov_ss;

/*
 * Did the instruction at rip (the one executed since the last trap) let
 * the next one run without a trap?  sti and mov to %ss (their shadow,
 * when calibration saw it), and a syscall (a Xen PV hypercall) that Xen
 * returned from by iretq, which sets TF too late to trap after it.
 */
static int shadowed(uint64_t rip, uint64_t now)
{
	const uint8_t *b = (const uint8_t *)(uintptr_t)rip;
	unsigned i = 0;

	/* legacy and REX prefixes (a native site pads with cs prefixes) */
	while (i < 14 && (b[i] == 0x66 || b[i] == 0x2e || b[i] == 0x3e ||
			  b[i] == 0x26 || b[i] == 0x36 || b[i] == 0x64 ||
			  b[i] == 0x65 || (b[i] & 0xf0) == 0x40))
		i++;
	if (b[i] == 0xfb)
		return fix_sti;
	if (b[i] == 0x8e && (b[i + 1] >> 3 & 7) == 2)
		return fix_mov_ss;
	return b[i] == 0x0f && b[i + 1] == 0x05 && now != rip + i + 2;
}

/* Was the instruction at rip a syscall: a Xen PV hypercall (the hypercall
 * page's stubs and inline hypercalls alike)? */
static int is_syscall(uint64_t rip)
{
	const uint8_t *b = (const uint8_t *)(uintptr_t)rip;
	unsigned i = 0;

	while (i < 14 && (b[i] == 0x2e || (b[i] & 0xf0) == 0x40))
		i++;
	return b[i] == 0x0f && b[i + 1] == 0x05;
}

/* At the mark with n instructions done: one more iteration ended. */
static void mark_visit(uint64_t n)
{
	uint64_t d = n - mark_steps;

	mark_steps = n;
	if (!mark_seen++)
		return;
	iters.n++;
	if (!iters.min || d < iters.min) {
		iters.min = d;
		iters.n_min = 0;
	}
	iters.n_min += d == iters.min;
	if (d > iters.max)
		iters.max = d;
}

/*
 * The #DB handler's part: the CPU cleared TF for the handler and saved it
 * set in the frame, so the return (iretq natively, Xen's iret hypercall
 * on Xen PV) sets it again and the next instruction traps in turn.
 * Interrupts and other exceptions taken meanwhile run with TF clear, so
 * their handlers are not counted.
 */
int bench_step_trap(struct trap_frame *f)
{
	if (!stepping)
		return 0;
	if (next_rip && shadowed(next_rip, f->rip)) {
		steps++;
		fixes++;
	}
	if (next_rip && is_syscall(next_rip))
		hcalls++;
	steps++;
	next_rip = f->rip;
	if (f->rip == mark_rip)
		mark_visit(steps);
	if (steps >= BENCH_STEP_LIMIT) {
		f->rflags &= ~RFLAGS_TF;
		overflowed = 1;
	}
	return 1;
}

uint64_t bench_step_now(void)
{
	return steps;
}

uint64_t bench_step_fixes(void)
{
	return fixes;
}

uint64_t bench_step_hcalls(void)
{
	return hcalls;
}

void bench_step_mark(uint64_t rip)
{
	mark_rip = rip;
}

void bench_step_iters(struct bench_iters *it)
{
	*it = iters;
}

/*
 * popf sets TF: the first trap follows the instruction after it.  The
 * popf that clears TF still traps (TF was set when it began), so it is
 * the last instruction counted.  pushf/popf change only TF here: IF is
 * written back as it was (and a Xen PV kernel's popf cannot change IF).
 * Not inlined, so that every count has the same harness around fn.
 */
#ifdef __i386__
#define BENCH_TF_ON "pushfl; orl $0x100, (%%esp); popfl"
#define BENCH_TF_OFF "pushfl; andl $-0x101, (%%esp); popfl"
#else
#define BENCH_TF_ON "pushfq; orq $0x100, (%%rsp); popfq"
#define BENCH_TF_OFF "pushfq; andq $-0x101, (%%rsp); popfq"
#endif

__noinline uint64_t bench_step_count(bench_fn fn, void *arg, int *overflow)
{
	uint64_t n;

	steps = 0;
	fixes = 0;
	hcalls = 0;
	next_rip = 0;
	mark_seen = 0;
	iters = (struct bench_iters){ 0 };
	overflowed = 0;
	stepping = 1;
	__asm__ volatile(BENCH_TF_ON : : : "memory", "cc");
	fn(arg);
	__asm__ volatile(BENCH_TF_OFF : : : "memory", "cc");
	stepping = 0;
	n = steps;
	if (overflow)
		*overflow = overflowed;
	return n;
}

static __noinline void step_nothing(void *arg)
{
	__asm__ volatile("" : : "r"(arg) : "memory");
}

uint64_t bench_step_overhead(void)
{
	return bench_step_count(step_nothing, NULL, NULL);
}

/* Known sequences, to check the method and find the shadows. */
static __noinline void seq_nop8(void *arg)
{
	(void)arg;
	__asm__ volatile("nop; nop; nop; nop; nop; nop; nop; nop" : : :
			 "memory");
}

static __noinline void seq_mov_ss(void *arg)
{
	(void)arg;
	__asm__ volatile("mov %%ss, %%eax; mov %%eax, %%ss; nop" : : :
			 "eax", "memory");
}

/* Native only: a Xen PV kernel runs in ring 3 and cannot cli/sti. */
static __noinline void seq_sti(void *arg)
{
	(void)arg;
	__asm__ volatile("pushf; cli; sti; nop; popf" : : : "memory",
			 "cc");
}

static uint64_t seq_count(bench_fn fn)
{
	uint64_t base = bench_step_overhead();

	return bench_step_count(fn, NULL, NULL) - base;
}

/*
 * Counts each sequence without corrections (raw); a sequence one short
 * has a shadow, corrected from then on; the corrected count must equal
 * the sequence's length.  Prints one bench-check line per sequence.
 */
void bench_step_calibrate(const char *pf, const char *build, int native)
{
	static const struct {
		const char *name;
		bench_fn fn;
		unsigned insns, native_only;
		int *fix;
	} seq[] = {
		{ "nop8", seq_nop8, 8, 0, NULL },
		{ "mov_ss", seq_mov_ss, 3, 0, &fix_mov_ss },
		{ "sti", seq_sti, 5, 1, &fix_sti },
	};

	fix_sti = fix_mov_ss = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(seq); i++) {
		uint64_t raw, n;

		if (seq[i].native_only && !native)
			continue;
		raw = seq_count(seq[i].fn);
		if (seq[i].fix && raw + 1 == seq[i].insns)
			*seq[i].fix = 1;
		n = seq_count(seq[i].fn);
		printk("bench-check: {\"platform\":\"%s\",\"build\":\"%s\","
		       "\"seq\":\"%s\",\"insns\":%u,\"raw\":%llu,"
		       "\"counted\":%llu,\"harness\":%llu}\n", pf, build,
		       seq[i].name, seq[i].insns, (unsigned long long)raw,
		       (unsigned long long)n,
		       (unsigned long long)bench_step_overhead());
	}
}
