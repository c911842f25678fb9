/* cmdloop.c: the console command loop (help, sites, selftest, poweroff and
 * the platform's own), its line editor and the console input queue. */
#include "core/cmdloop.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/platform.h"
#include "core/pvboot.h"
#include "selftest/selftest.h"
#include "pv/pvcalls.h"

#define LINE_MAX 128
#define MAX_ARGS 8
#define INPUT_QUEUE 256 /* a power of two */
#define MAX_EXTRA 8
#define MAX_IDLE 4
#define CTRL(c) ((c)&0x1f)

static struct {
	char q[INPUT_QUEUE];
	volatile unsigned head, tail; /* tail: written by interrupts only */
	unsigned long lost;
	int (*poll)(void);
} in;

static const struct cmdloop_cmd *extra[MAX_EXTRA];
static void (*idle[MAX_IDLE])(void);
static int default_on;

/* Interrupt context (or interrupts off): one byte from the console. */
void console_input(char c)
{
	if (in.tail - in.head >= INPUT_QUEUE) {
		in.lost++;
		return;
	}
	in.q[in.tail % INPUT_QUEUE] = c;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	in.tail++;
}

void console_set_poll(int (*poll)(void))
{
	in.poll = poll;
}

int console_getc(void)
{
	char c;

	if (in.head == in.tail)
		return in.poll ? in.poll() : -PV_EAGAIN;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	c = in.q[in.head % INPUT_QUEUE];
	in.head++;
	return (unsigned char)c;
}

int cmdloop_register(const struct cmdloop_cmd *c)
{
	for (unsigned i = 0; i < MAX_EXTRA; i++) {
		if (!extra[i]) {
			extra[i] = c;
			return 0;
		}
	}
	return -PV_ENOSPC;
}

int cmdloop_add_idle(void (*fn)(void))
{
	for (unsigned i = 0; i < MAX_IDLE; i++) {
		if (!idle[i]) {
			idle[i] = fn;
			return 0;
		}
	}
	return -PV_ENOSPC;
}

/* The idle hooks once: also between the rounds of a long command (the
 * `repatch` stress, so that vCPU hotplug goes on while it runs). */
void cmdloop_idle(void)
{
	for (unsigned i = 0; i < MAX_IDLE && idle[i]; i++)
		idle[i]();
}

void cmdloop_default_on(void)
{
	default_on = 1;
}

/* A failed run on a platform that only defaults to the loop ends as
 * usual (a crash, on a DomU): a bad condition must not look alive. */
int cmdloop_wanted(int pass)
{
	return kflags.console_loop ||
	       (default_on && pass && !kflags.console_noloop);
}

/*
 * The next input byte.  In between: the idle hooks, then a halt that the
 * next interrupt (console input, or the periodic tick, which also paces
 * a polled UART) ends.  The queue is checked with interrupts off, so an
 * arrival between check and halt still wakes us.
 */
static int getc_wait(void)
{
	for (;;) {
		int c;

		cmdloop_idle();
		c = console_getc();
		if (c >= 0)
			return c;
		pv_irq_disable();
		if (in.head == in.tail)
			pv_safe_halt();
		pv_irq_enable();
	}
}

/*
 * Reads one line with echo and backspace; \r, \n or \r\n ends it (raw
 * terminals send \r, a pty written by a script \n).
 */
static void read_line(char *buf, unsigned size)
{
	static int last_cr;
	unsigned n = 0;

	for (;;) {
		int c = getc_wait();

		if (c == '\n' && last_cr) { /* the \n of a \r\n */
			last_cr = 0;
			continue;
		}
		last_cr = c == '\r';
		if (c == '\r' || c == '\n')
			break;
		if ((c == 0x7f || c == CTRL('H')) && n) {
			n--;
			printk("\b \b");
		} else if (c == CTRL('U')) {
			for (; n; n--)
				printk("\b \b");
		} else if (c >= ' ' && c < 0x7f && n + 1 < size) {
			buf[n++] = (char)c;
			printk("%c", c);
		}
	}
	buf[n] = 0;
	printk("\n");
}

static int split(char *s, char **argv)
{
	int argc = 0;

	while (*s && argc < MAX_ARGS) {
		while (*s == ' ' || *s == '\t')
			*s++ = 0;
		if (!*s)
			break;
		argv[argc++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
	return argc;
}

static int cmd_help(int argc, char **argv);
static int cmd_sites(int argc, char **argv);
static int cmd_selftest(int argc, char **argv);
static int cmd_poweroff(int argc, char **argv);
static int cmd_spin(int argc, char **argv);
static int cmd_memtest(int argc, char **argv);

static const struct cmdloop_cmd builtin[] = {
	{ "help", "", "this list", cmd_help },
	{ "sites", "", "sites per strategy and op group, checked against "
		       "the plan", cmd_sites },
	{ "selftest", "", "the selftests (all patch modes), closing lines",
	  cmd_selftest },
	{ "poweroff", "", "end the run (the platform's clean shutdown)",
	  cmd_poweroff },
	{ "spin", "SECONDS", "busy-loop with interrupts off (a busy guest)",
	  cmd_spin },
	{ "memtest", "", "a pattern into every free page, read back",
	  cmd_memtest },
};

/* The verdict is the line it prints: a failure is said, not an error. */
static int cmd_memtest(int argc, char **argv)
{
	(void)argc, (void)argv;
	(void)pmm_memtest();
	return 0;
}

static void help_line(const struct cmdloop_cmd *c)
{
	char name[32];

	snprintf(name, sizeof(name), "%s %s", c->name, c->args);
	printk("  %-24s %s\n", name, c->help);
}

static int cmd_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	printk("commands:\n");
	for (unsigned i = 0; i < ARRAY_SIZE(builtin); i++)
		help_line(&builtin[i]);
	for (unsigned i = 0; i < MAX_EXTRA && extra[i]; i++)
		help_line(extra[i]);
	return 0;
}

#ifdef PV_NO_PARAVIRT
static int cmd_sites(int argc, char **argv)
{
	(void)argc, (void)argv;
	printk("sites: none: a PV=n kernel runs every op as its native code\n");
	return 0;
}
#else
/* The op groups of ops.h, in first-seen order. */
#define GROUP_NAME__(name, grp, cls, ret, params) #grp,
static const char *const op_group[PV_NR_OPS] = { PV_OP_TABLE(GROUP_NAME__) };
#undef GROUP_NAME__
#define MAX_GROUPS CMDLOOP_MAX_GROUPS

static unsigned group_of(struct site_counts *k, unsigned op)
{
	unsigned g = 0;

	while (g < k->ngroups && strcmp(k->group[g], op_group[op]))
		g++;
	if (g == k->ngroups && g < MAX_GROUPS)
		k->group[k->ngroups++] = op_group[op];
	return g < MAX_GROUPS ? g : MAX_GROUPS - 1;
}

/* Plans every site again (deterministic) and compares with its bytes;
 * also the screen's patch report (kernel/xen/fbscreen.c). */
void cmdloop_count_sites(struct site_counts *k)
{
	const struct pvboot_state *st = pvboot_state();
	unsigned n;
	const struct pv_site *r = selftest_records(&n);

	for (unsigned i = 0; i < n;) {
		struct pv_site_ref s;
		struct pv_native_ref nr;
		struct pv_plan p, call;
		unsigned g;

		i += pv_plan_record(
		    &r[i], (uint64_t)(uintptr_t)&r[i], n - i, st->be, st->mem,
		    (enum pv_patch_mode)st->mode, &s, &p, &nr, &call);
		g = s.op < PV_NR_OPS ? group_of(k, s.op) : 0;
		k->n[p.strategy][g]++;
		k->n[p.strategy][MAX_GROUPS]++;
		k->bad +=
		    memcmp((const void *)(uintptr_t)s.addr, p.bytes, s.len) !=
			0 ||
		    (call.len && memcmp((const void *)(uintptr_t)nr.call.addr,
					call.bytes, call.len) != 0);
	}
}

static void print_counts(const struct site_counts *k)
{
	printk("  %-10s", "strategy");
	for (unsigned g = 0; g < k->ngroups; g++)
		printk(" %7s", k->group[g]);
	printk(" %7s\n", "total");
	for (unsigned s = 0; s < PV_NR_STRATS; s++) {
		printk("  %-10s", pv_strategy_name(s));
		for (unsigned g = 0; g < k->ngroups; g++)
			printk(" %7u", k->n[s][g]);
		printk(" %7u\n", k->n[s][MAX_GROUPS]);
	}
}

static int cmd_sites(int argc, char **argv)
{
	const struct pvboot_state *st = pvboot_state();
	static struct site_counts k;
	struct pv_summary s;

	(void)argc, (void)argv;
	pvboot_summary(&s);
	printk("sites: %u, backend %s, mode %s, text hash %016llx at boot\n",
	       s.sites, kernel_platform()->name, pvboot_mode_name(st->mode),
	       (unsigned long long)s.text_hash);
	if (!st->sealed) {
		printk("sites: table not patched: all %u indirect (refused "
		       "%u)\n", s.indirect, s.refused);
		return 0;
	}
	memset(&k, 0, sizeof(k));
	cmdloop_count_sites(&k);
	print_counts(&k);
	printk("sites: %u of %u hold their planned bytes\n", s.sites - k.bad,
	       s.sites);
	return k.bad ? -PV_EIO : 0;
}
#endif

static int cmd_selftest(int argc, char **argv)
{
	(void)argc, (void)argv;
	selftest_run();
	kernel_report(1);
	return 0;
}

static int cmd_poweroff(int argc, char **argv)
{
	(void)argc, (void)argv;
	printk("cmdloop: poweroff\n");
	kernel_platform()->shutdown(0);
	return 0; /* not reached */
}

static int cmd_spin(int argc, char **argv)
{
	unsigned long secs = 0;
	unsigned long long end;

	for (const char *p = argc > 1 ? argv[1] : ""; *p >= '0' && *p <= '9';
	     p++)
		secs = secs * 10 + (unsigned long)(*p - '0');
	if (argc != 2 || !secs)
		return -PV_EINVAL;
	printk("spin: %lu s with interrupts off\n", secs);
	pv_irq_disable();
	end = pv_sched_clock() + secs * 1000000000ull;
	while (pv_sched_clock() < end)
		__asm__ volatile("pause");
	pv_irq_enable();
	printk("spin: done\n");
	return 0;
}

static const struct cmdloop_cmd *find(const char *name)
{
	for (unsigned i = 0; i < ARRAY_SIZE(builtin); i++)
		if (!strcmp(builtin[i].name, name))
			return &builtin[i];
	for (unsigned i = 0; i < MAX_EXTRA && extra[i]; i++)
		if (!strcmp(extra[i]->name, name))
			return extra[i];
	return NULL;
}

static void run_line(char *line)
{
	char *argv[MAX_ARGS + 1] = { 0 };
	int argc = split(line, argv), err;
	const struct cmdloop_cmd *c;

	if (!argc)
		return;
	c = find(argv[0]);
	if (!c) {
		printk("%s: unknown command (help lists them)\n", argv[0]);
		return;
	}
	err = c->fn(argc, argv);
	if (err == -PV_EINVAL)
		printk("usage: %s %s\n", c->name, c->args);
	else if (err)
		printk("%s: error %d\n", argv[0], err);
}

void cmdloop_run(int pass)
{
	static char line[LINE_MAX];

	kernel_report(pass);
	pv_irq_enable();
	printk("cmdloop: ready on the %s console; 'help' lists the commands\n",
	       kernel_platform()->name);
	for (;;) {
		printk("pv> ");
		read_line(line, sizeof(line));
		run_line(line);
	}
}
