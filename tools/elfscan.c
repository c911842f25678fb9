/* elfscan: collects and checks the pv_ops call sites of an object or kernel
 * image, reports them, and writes the sorted site table into the image. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfscan.h"
#include "scan.h"
#include "scan_linux.h"

static const char usage_text[] =
	"usage: elfscan [--json] [--strict] [--site-len N] FILE\n"
	"       elfscan --emit-table [--strict] [--site-len N] IN -o OUT\n"
	"       elfscan --linux [--json] [--system-map FILE] VMLINUX\n";

static const char help_text[] =
	"Checks every annotated pv_ops call site of FILE (an object or a\n"
	"linked image), finds unannotated calls through pv_ops, analyses\n"
	"the backends' functions for the inliner, proves the registers every\n"
	"template and every callee/none backend function writes (an error\n"
	"`writes %rbx, class callee allows %rax` otherwise), and prints a\n"
	"report.  Code with an exception-table entry is never inlined.\n"
	"\n"
	"  --emit-table     sort the records of .pv_table in place, fill its\n"
	"                   header and .pv_inline, write the result to OUT\n"
	"  -o, --output OUT output file for --emit-table\n"
	"  --json           the report as JSON\n"
	"  --strict         unannotated calls through pv_ops are errors\n"
	"  --site-len N     require every site to be N bytes long\n"
	"  --linux          report the patch-site tables of a Linux vmlinux\n"
	"  --system-map F   symbols for --linux from a System.map\n"
	"  -h, --help       this text\n"
	"\n"
	"Exit status: 0 ok, 1 bad input (a bad site, a malformed file),\n"
	"2 usage.  Errors read `elfscan: FILE: func+0xOFF: reason`.\n";

struct opts {
	int emit, json, strict, linux_mode;
	unsigned site_len;
	const char *out, *in, *sysmap;
};

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "elfscan: %s\n", msg);
	fputs(usage_text, stderr);
	return 2;
}

static int parse_len(const char *s, unsigned *v)
{
	char *end;
	unsigned long n = strtoul(s, &end, 0);

	if (!*s || *end || n < PV_SITE_MIN || n > PV_SITE_MAX)
		return -1;
	*v = (unsigned)n;
	return 0;
}

/* Returns -1 to go on, else the exit status. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "emit-table", no_argument, NULL, 'e' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "strict", no_argument, NULL, 's' },
		{ "site-len", required_argument, NULL, 'l' },
		{ "linux", no_argument, NULL, 'L' },
		{ "system-map", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0; /* glibc: rescan from scratch on every call */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:", lo, NULL)) != -1) {
		switch (c) {
		case 'e': o->emit = 1; break;
		case 'o': o->out = optarg; break;
		case 'j': o->json = 1; break;
		case 's': o->strict = 1; break;
		case 'L': o->linux_mode = 1; break;
		case 'm': o->sysmap = optarg; break;
		case 'l':
			if (parse_len(optarg, &o->site_len))
				return usage("bad --site-len");
			break;
		case 'h':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return 0;
		default:
			return usage("unknown option");
		}
	}
	if (optind + 1 != argc)
		return usage("expected one input file");
	o->in = argv[optind];
	if (o->emit != !!o->out)
		return usage("--emit-table and -o go together");
	if (o->linux_mode && (o->emit || o->strict || o->site_len))
		return usage("--linux takes only --json and --system-map");
	if (o->sysmap && !o->linux_mode)
		return usage("--system-map needs --linux");
	return -1;
}

/* Collects, checks and analyses; the scan is filled even when sites are
 * bad, so the report can still show the rest. */
static int scan_all(struct scan *sc, struct elf_image *img,
		    const struct opts *o)
{
	int bad;

	memset(sc, 0, sizeof(*sc));
	sc->strict = o->strict;
	sc->want_len = o->site_len;
	if (scan_collect(sc, img))
		return -1;
	bad = scan_check(sc);
	if (scan_unannotated(sc) || scan_extable_load(sc) ||
	    scan_backends(sc) || scan_clobbers(sc))
		return -1;
	return bad || sc->errors ? 1 : 0;
}

static int emit(struct scan *sc, struct elf_image *img, const struct opts *o)
{
	if (img->rel)
		return elf_err(img, NULL, "--emit-table needs a linked image");
	if (scan_emit_table(sc) || scan_write_facts(sc))
		return -1;
	return elf_image_write(img, o->out);
}

static int run(const struct opts *o)
{
	struct elf_image img;
	struct scan sc;
	int r;

	if (elf_image_open(&img, "elfscan", o->in)) {
		elf_image_close(&img);
		return 1;
	}
	r = scan_all(&sc, &img, o);
	if (r == 0 && o->emit)
		r = emit(&sc, &img, o) ? 1 : 0;
	else if (r >= 0 && !o->emit) {
		if (o->json)
			scan_report_json(&sc);
		else
			scan_report_text(&sc);
	}
	scan_free(&sc);
	elf_image_close(&img);
	return r ? 1 : 0;
}

int elfscan_main(int argc, char **argv)
{
	struct opts o;
	int r = parse_opts(argc, argv, &o);

	if (r >= 0)
		return r;
	if (o.linux_mode)
		return linux_scan(o.in, o.sysmap, o.json);
	return run(&o);
}
