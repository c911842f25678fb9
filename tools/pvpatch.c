/* pvpatch: patches a sealed image offline with the kernel's own planner,
 * shows what each site becomes, hashes the text, sweeps the decoder. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfscan.h"
#include "insn.h"
#include "pvpatch.h"

static const char usage_text[] =
	"usage: pvpatch [--backend B] [--no-inline] [--cpu-features F]\n"
	"               [--site-len N] IN -o OUT\n"
	"       pvpatch --diff [--backend B] [--no-inline] [--cpu-features F] IN [-o OUT]\n"
	"       pvpatch --text-hash [--backend B] [--no-inline] [--cpu-features F]\n"
	"               IN [-o OUT]\n"
	"       pvpatch --lengths [--section NAME] FILE\n";

static const char help_text[] =
	"Applies the boot-time patcher (kernel/paravirt) to a sealed image\n"
	"and prints how many sites took each strategy.\n"
	"\n"
	"  --backend B      native (default), xen, user, pvh-intel or pvh-amd:\n"
	"                   the backend's ops table B_pv_ops (pvh_pv_ops for\n"
	"                   both PVH ones, whose hypercalls are vmcall and\n"
	"                   vmmcall) must be in the image\n"
	"  --no-inline      direct calls only (as the pv.noinline boot flag)\n"
	"  --cpu-features F the CPU to patch for: all (default), none, or a\n"
	"                   comma list (rdtscp); a template needing a feature\n"
	"                   the CPU lacks stays out, as at boot\n"
	"  --site-len N     require the table's site length to be N\n"
	"  -o, --output OUT write the patched image\n"
	"  --diff           per site: func+off, old and new bytes with their\n"
	"                   disassembly, strategy and reason\n"
	"  --text-hash      FNV-1a 64 of the patched _stext.._etext, as the\n"
	"                   booted kernel prints it in its pv-summary line\n"
	"  --lengths        the length decoder's linear sweep of a section:\n"
	"                   `offset length` per line (decimal, offset from\n"
	"                   the section start), `offset invalid` where it\n"
	"                   fails\n"
	"  --section NAME   section for --lengths (default .text)\n"
	"  -h, --help       this text\n"
	"\n"
	"Exit status: 0 ok, 1 bad input, 2 usage.\n";

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "pvpatch: %s\n", msg);
	fputs(usage_text, stderr);
	return 2;
}

static int check_opts(struct pvpatch_opts *o, int argc, char **argv)
{
	if (optind + 1 != argc)
		return usage("expected one input file");
	o->in = argv[optind];
	if (o->lengths) {
		if (o->diff || o->text_hash || o->out || o->no_inline ||
		    o->site_len || o->backend)
			return usage("--lengths takes only --section");
		return -1;
	}
	if (o->section)
		return usage("--section goes with --lengths");
	if (!o->out && !o->diff && !o->text_hash)
		return usage("nothing to do: give -o, --diff or --text-hash");
	if (!o->backend)
		o->backend = "native";
	if (strcmp(o->backend, "native") && strcmp(o->backend, "xen") &&
	    strcmp(o->backend, "user") && strcmp(o->backend, "pvh-intel") &&
	    strcmp(o->backend, "pvh-amd"))
		return usage("--backend is native, xen, user, pvh-intel or "
			     "pvh-amd");
	return -1;
}

/* "all", "none" or a comma list of feature names into PV_FEAT_* bits. */
static int parse_features(const char *s, unsigned *out)
{
	char buf[128], *tok, *save;

	if (!strcmp(s, "all") || !strcmp(s, "none")) {
		*out = strcmp(s, "all") ? 0 : PV_FEAT_ALL;
		return 0;
	}
	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	*out = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		unsigned i = 0;

		while (i < PV_NR_FEATS && strcmp(tok, pv_feature_name(i)))
			i++;
		if (i == PV_NR_FEATS)
			return -1;
		*out |= 1u << i;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct pvpatch_opts *o)
{
	static const struct option lo[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "no-inline", no_argument, NULL, 'n' },
		{ "cpu-features", required_argument, NULL, 'f' },
		{ "site-len", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "diff", no_argument, NULL, 'd' },
		{ "text-hash", no_argument, NULL, 't' },
		{ "lengths", no_argument, NULL, 'L' },
		{ "section", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->cpu_features = PV_FEAT_ALL;
	optind = 0; /* glibc: rescan from scratch on every call */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:", lo, NULL)) != -1) {
		switch (c) {
		case 'b': o->backend = optarg; break;
		case 'n': o->no_inline = 1; break;
		case 'f':
			if (parse_features(optarg, &o->cpu_features))
				return usage("bad --cpu-features");
			break;
		case 'o': o->out = optarg; break;
		case 'd': o->diff = 1; break;
		case 't': o->text_hash = 1; break;
		case 'L': o->lengths = 1; break;
		case 's': o->section = optarg; break;
		case 'l':
			o->site_len = (unsigned)strtoul(optarg, &end, 0);
			if (!*optarg || *end || o->site_len < PV_SITE_MIN ||
			    o->site_len > PV_SITE_MAX)
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
	return check_opts(o, argc, argv);
}

/* Linear sweep: a differential test compares this with another decoder. */
static int lengths(struct elf_image *img, const char *name)
{
	const struct elf_sec *s = elf_sec_by_name(img, name ? name : ".text");
	uint64_t off = 0;

	if (!s)
		return elf_err(img, name ? name : ".text", "no such section");
	if (!s->bytes)
		return elf_err(img, s->name, "section has no file bytes");
	while (off < s->sh.sh_size) {
		struct pv_insn in;
		int l = pv_insn_decode(s->bytes + off, s->sh.sh_size - off,
				       pv_code_mode, &in);

		if (l <= 0) {
			printf("%llu invalid\n", (unsigned long long)off);
			off++;
		} else {
			printf("%llu %d\n", (unsigned long long)off, l);
			off += (unsigned)l;
		}
	}
	return 0;
}

int pvpatch_main(int argc, char **argv)
{
	struct pvpatch_opts o;
	struct elf_image img;
	int r = parse_opts(argc, argv, &o);

	if (r >= 0)
		return r;
	if (elf_image_open(&img, "pvpatch", o.in)) {
		elf_image_close(&img);
		return 1;
	}
	if (o.lengths)
		r = lengths(&img, o.section);
	else
		r = pvpatch_run(&img, &o);
	if (!r && o.out)
		r = elf_image_write(&img, o.out);
	elf_image_close(&img);
	fflush(stdout);
	return r ? 1 : 0;
}
