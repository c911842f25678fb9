/* bench_forms.c: TSC ticks of instruction sequences a patched site can
 * hold, in user space: Xen irq pairs against a vcpu_info in memory (ours,
 * Linux 6.1's, written in place) and the forms padding can take. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "stats.h"

#define TOOL "bench_forms"
#define UNROLL 8

/* A vcpu_info: pending (byte 0) and mask (byte 1) as Xen lays them out. */
static volatile unsigned char vcpu[64] __attribute__((aligned(64)));

/* Linux's slow path, never reached: pending stays 0. */
void bench_check_events(void);
__asm__(".text\nbench_check_events:\n\tret\n");

/*
 * Linux 6.1 xen_irq_disable_direct / xen_irq_enable_direct
 * (arch/x86/xen/xen-asm.S), with its %gs per-CPU addressing: %gs base is
 * 0 in a Linux process, so %gs:vcpu(%rip) is vcpu.
 */
__asm__(".text\nbench_linux_disable:\n\t"
	"movb $1, %gs:vcpu+1(%rip)\n\tret\n"
	"bench_linux_enable:\n\t"
	"movb $0, %gs:vcpu+1(%rip)\n\t"
	"testb $0xff, %gs:vcpu(%rip)\n\tjz 1f\n\t"
	"call bench_check_events\n1:\tret\n");

/* One measured form: UNROLL copies of its text per loop iteration. */
#define FORM(name, text)                                                       \
	static void form_##name(unsigned long n)                               \
	{                                                                      \
		for (unsigned long i = 0; i < n; i++)                          \
			__asm__ volatile(".rept 8\n\t" text "\n\t.endr"        \
					 : : : "rax", "memory", "cc");         \
	}

FORM(empty, "")
/* Xen irq pairs */
FORM(xen_inplace, "movb $1, vcpu+1(%%rip); movb $0, vcpu+1(%%rip); "
		  "testb $0xff, vcpu(%%rip); jz 1f; call bench_check_events; 1:")
/* as patched since the per-CPU vcpu_info (issue 17): both ops jmp to
 * their stub, each access %gs-prefixed (absolute in the kernel, %rip here:
 * %gs base is 0 in a Linux process) */
FORM(xen_ours, "jmp 4f; .pushsection .text.stubs,\"ax\"; "
	       "4: movb $1, %%gs:vcpu+1(%%rip); jmp 5f; .popsection; 5: "
	       "jmp 2f; .pushsection .text.stubs,\"ax\"; "
	       "2: movb $0, %%gs:vcpu+1(%%rip); testb $0xff, %%gs:vcpu(%%rip); "
	       "jz 1f; call bench_check_events; 1: jmp 3f; .popsection; 3:")
FORM(xen_locked, "movb $1, vcpu+1(%%rip); lock andl $0x7f, vcpu(%%rip); "
		 "jz 1f; call bench_check_events; 1:")
FORM(xen_linux, "call bench_linux_disable; nop; call bench_linux_enable; nop")
/* padding forms of a 15-byte site holding a 7-byte store */
FORM(pad_none, "movb $0, vcpu+8(%%rip)")
FORM(pad_nop, "movb $0, vcpu+8(%%rip); .byte 0x0f,0x1f,0x84,0,0,0,0,0")
FORM(pad_jmp, "movb $0, vcpu+8(%%rip); jmp 1f; .byte 0x0f,0x1f,0x44,0,0,0;"
	      " 1:")
FORM(pad_prefix, ".byte 0x2e,0x2e,0x2e,0x2e,0x2e,0x2e,0x2e,0x2e; "
		 "movb $0, vcpu+8(%%rip)")
FORM(pad_stub, "jmp 2f; .pushsection .text.stubs,\"ax\"; "
	       "2: movb $0, vcpu+8(%%rip); jmp 3f; .popsection; "
	       ".byte 0xcc,0xcc; 3:")

struct form {
	const char *name, *group, *label;
	void (*fn)(unsigned long);
};

static const struct form forms[] = {
	{ "empty", "loop", "the loop alone (per 8 copies)", form_empty },
	{ "xen_inplace", "xen_irq", "in place: movb $1,mask, then movb $0,mask; "
	  "testb $0xff,pending; jz", form_xen_inplace },
	{ "xen_ours", "xen_irq", "ours as patched: jmp to the site's stub "
	  "(%gs: movb), jmp back, then the same for the unlocked enable",
	  form_xen_ours },
	{ "xen_locked", "xen_irq", "our previous templates: movb, then lock "
	  "andl $0x7f,pending; jz", form_xen_locked },
	{ "xen_linux", "xen_irq", "Linux 6.1: call xen_irq_disable_direct; nop, "
	  "then call xen_irq_enable_direct; nop", form_xen_linux },
	{ "pad_none", "padding", "7-byte store alone", form_pad_none },
	{ "pad_nop", "padding", "+ one 8-byte NOP (15-byte site)",
	  form_pad_nop },
	{ "pad_jmp", "padding", "+ jmp over 6 bytes of NOP", form_pad_jmp },
	{ "pad_prefix", "padding", "8 cs prefixes: one 15-byte instruction "
	  "(ours)", form_pad_prefix },
	{ "pad_stub", "padding", "jmp to a stub holding it, jmp back",
	  form_pad_stub },
};
#define NR_FORMS (sizeof(forms) / sizeof(forms[0]))

/* Ticks per copy of the form, one run of n iterations. */
static double run_once(const struct form *f, unsigned long n)
{
	uint64_t t0 = bench_tsc_start();

	f->fn(n);
	return (double)(bench_tsc_stop() - t0) / ((double)n * UNROLL);
}

struct result {
	struct bench_dist d[NR_FORMS];
	double net[NR_FORMS]; /* min minus the empty loop's min */
};

/* Runs interleaved, so that a slow spell of the machine hits every form
 * alike; the minimum of each is the figure (the least disturbed run). */
static int measure(unsigned runs, unsigned long iters, struct result *r)
{
	double *v = calloc((size_t)runs * NR_FORMS, sizeof(*v));

	if (!v)
		return -1;
	for (unsigned k = 0; k < runs; k++)
		for (unsigned f = 0; f < NR_FORMS; f++)
			v[f * runs + k] = run_once(&forms[f], iters);
	for (unsigned f = 0; f < NR_FORMS; f++)
		bench_dist_of(v + f * runs, runs, &r->d[f]);
	for (unsigned f = 0; f < NR_FORMS; f++)
		r->net[f] = r->d[f].min - r->d[0].min;
	free(v);
	return 0;
}

static unsigned form_index(const char *name)
{
	for (unsigned f = 0; f < NR_FORMS; f++)
		if (!strcmp(forms[f].name, name))
			return f;
	abort();
}

static double linux_ratio(const struct result *r)
{
	return r->net[form_index("xen_linux")] / r->net[form_index("xen_ours")];
}

static void put_md(FILE *f, const struct result *r, unsigned runs,
		   unsigned long iters)
{
	const char *group = "";

	fprintf(f, "<!-- generated by bench/bench_forms; do not edit -->\n"
		   "### Site forms in user space: TSC ticks per copy\n\n"
		   "%u interleaved runs of %lu iterations x %u copies; min "
		   "and median per copy, net = min minus the empty loop's "
		   "min.  Xen rows: one irq disable+enable pair on a "
		   "vcpu_info in memory (no event pending).\n\n"
		   "| group | form | min | median | net |\n"
		   "|---|---|---:|---:|---:|\n", runs, iters, UNROLL);
	for (unsigned k = 0; k < NR_FORMS; k++) {
		fprintf(f, "| %s | %s | %.2f | %.2f | %.2f |\n",
			strcmp(group, forms[k].group) ? forms[k].group : "",
			forms[k].label, r->d[k].min, r->d[k].median,
			r->net[k]);
		group = forms[k].group;
	}
	fprintf(f, "\nXen irq pair, net of the loop: Linux 6.1's call-based "
		   "sequence costs x%.1f ours.\n", linux_ratio(r));
}

static void put_json(FILE *f, const struct result *r, unsigned runs,
		     unsigned long iters)
{
	fprintf(f, "{\n  \"unit\": \"TSC ticks per copy\",\n  \"runs\": "
		   "%u,\n  \"iters\": %lu,\n  \"copies\": %u,\n  "
		   "\"linux_over_ours_net\": ", runs, iters, UNROLL);
	bench_json_put_num(f, linux_ratio(r));
	fprintf(f, ",\n  \"forms\": [\n");
	for (unsigned k = 0; k < NR_FORMS; k++) {
		fprintf(f, "    {\"name\": ");
		bench_json_put_str(f, forms[k].name);
		fprintf(f, ", \"group\": ");
		bench_json_put_str(f, forms[k].group);
		fprintf(f, ", \"label\": ");
		bench_json_put_str(f, forms[k].label);
		fprintf(f, ", \"min\": %.3f, \"median\": %.3f, \"net\": "
			   "%.3f}%s\n", r->d[k].min, r->d[k].median, r->net[k],
			k + 1 < NR_FORMS ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
}

static int write_out(const char *path, const struct result *r, unsigned runs,
		     unsigned long iters,
		     void (*put)(FILE *, const struct result *, unsigned,
				 unsigned long))
{
	FILE *f = path ? fopen(path, "w") : stdout;

	if (!f) {
		fprintf(stderr, TOOL ": %s: cannot write\n", path);
		return 1;
	}
	put(f, r, runs, iters);
	if (path && fclose(f)) {
		fprintf(stderr, TOOL ": %s: write failed\n", path);
		return 1;
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: " TOOL " [--runs R] [--iters N] [--json FILE]"
			" [--md FILE]\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned runs = 301;
	unsigned long iters = 20000;
	const char *json = NULL, *md = NULL;
	struct result r;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf("usage: " TOOL " [--runs R] [--iters N] "
			       "[--json FILE] [--md FILE]\n");
			return 0;
		}
		if (!v)
			return usage();
		if (!strcmp(a, "--runs"))
			runs = (unsigned)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--iters"))
			iters = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--json"))
			json = v;
		else if (!strcmp(a, "--md"))
			md = v;
		else
			return usage();
		i++;
	}
	if (!runs || !iters)
		return usage();
	if (measure(runs, iters, &r)) {
		fprintf(stderr, TOOL ": out of memory\n");
		return 1;
	}
	if (json && write_out(json, &r, runs, iters, put_json))
		return 1;
	return write_out(md, &r, runs, iters, put_md);
}
