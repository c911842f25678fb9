/* insn_diff.c: differential test of the length decoder (kernel/paravirt/
 * insn.c) against Zydis, over the executable sections of ELF files. */
/*
 * Each SHF_EXECINSTR section is swept linearly.  At every offset both
 * decoders run; where Zydis decodes, the lengths must agree and the sweep
 * moves on by Zydis's length; where Zydis refuses, the sweep moves one byte
 * and counts whether ours refused too (a refusal of ours where Zydis
 * decodes is a disagreement).  --deep also checks, with Zydis's operand
 * list, the disp/imm/rel offsets and sizes, RIP-relative, the branch kind,
 * and that our registers written, memory write and stack use are a
 * superset of Zydis's.  --fuzz runs it all over random instruction-shaped
 * bytes instead of files.
 *
 * Where the two decoders knowingly part (none of it a length of an
 * instruction Zydis accepts; libc, cc1, Xen and 32-bit valgrind agree
 * 100%):
 * - Zydis 4.0 decodes Knights Corner's jkzd/jknzd (VEX 0f 84/85, pp 0, W0,
 *   rel32: "c5 f8 84 xx xx xx xx") with its KNC mode off; every other CPU
 *   raises #UD.  insn.c follows Zydis so the lengths agree.
 * - Zydis 4.0 does not check EVEX P1 bit 2 (fixed 1); neither do we.
 * - "ours-valid" under zydis-invalid: encodings we accept that Zydis
 *   rejects: legacy SSE opcodes without their mandatory prefix or with a
 *   ModRM form they forbid (0f 38 10 without 66, movntps with mod 11),
 *   undefined VEX/EVEX/XOP opcodes, some reserved group slots.  A length
 *   decoder fed compiler output never sees them; on Xen's image they come
 *   from data (its one section holds code and data).
 * - --deep exemptions, by design: a nop's memory operand is never
 *   accessed, so an rsp base there is no stack use; hint nops (0f 19-1e)
 *   may stay kind OTHER; the 3DNow! opcode byte is an imm8 to Zydis.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <Zydis/Zydis.h>
#include "insn.h"

struct opts {
	unsigned long max_diff; /* disagreements printed per file */
	unsigned long allow;    /* disagreements tolerated before exit 1 */
	unsigned long fuzz;     /* random cases instead of files */
	unsigned long seed;
	int mode;               /* 0: from the ELF class */
	bool quiet;
	bool deep;              /* also compare fields and semantics */
};

struct counts {
	unsigned long insns, agree, disagree, zinvalid, zinv_ours, zinv_valid;
	unsigned long fields; /* disp, imm, rel fields; RIP-relative; kind */
	unsigned long unsound; /* Zydis sees a write or rsp use ours missed */
};

/* What Zydis's operands say about one instruction. */
struct zfacts {
	uint16_t written; /* GPRs, bit = register number */
	bool memwrite, stack, riprel;
	unsigned imm_off, imm_len, rel_off, rel_len;
};

static const char *prog = "insn_diff";

static void usage(void)
{
	fprintf(stderr,
		"usage: %s [--max-diff N] [--allow N] [--quiet] [--deep] "
		"[--mode 64|32|16] file...\n"
		"       %s --fuzz N [--seed S] [--mode 64|32|16] "
		"[--max-diff N] [--allow N] [--deep]\n",
		prog, prog);
	exit(2);
}

static void init_zydis(ZydisDecoder *z, int mode)
{
	ZydisMachineMode m = ZYDIS_MACHINE_MODE_LONG_64;
	ZydisStackWidth w = ZYDIS_STACK_WIDTH_64;

	if (mode == PV_MODE_32) {
		m = ZYDIS_MACHINE_MODE_LEGACY_32;
		w = ZYDIS_STACK_WIDTH_32;
	} else if (mode == PV_MODE_16) {
		m = ZYDIS_MACHINE_MODE_LEGACY_16;
		w = ZYDIS_STACK_WIDTH_16;
	}
	if (ZYAN_FAILED(ZydisDecoderInit(z, m, w))) {
		fprintf(stderr, "%s: ZydisDecoderInit failed\n", prog);
		exit(1);
	}
}

static void print_diff(const char *where, uint64_t addr, const uint8_t *p,
		       size_t avail, int ours, int zlen)
{
	size_t n = avail < 15 ? avail : 15;

	printf("  %s+0x%llx:", where, (unsigned long long)addr);
	for (size_t i = 0; i < n; i++)
		printf(" %02x", p[i]);
	if (ours < 0)
		printf(": ours %s, zydis %d\n", strerror(-ours), zlen);
	else
		printf(": ours %d, zydis %d\n", ours, zlen);
}

static uint16_t zydis_gpr(ZydisMachineMode m, ZydisRegister r)
{
	ZydisRegisterClass cl = ZydisRegisterGetClass(r);
	int id;

	if (cl != ZYDIS_REGCLASS_GPR8 && cl != ZYDIS_REGCLASS_GPR16 &&
	    cl != ZYDIS_REGCLASS_GPR32 && cl != ZYDIS_REGCLASS_GPR64)
		return 0;
	id = ZydisRegisterGetId(ZydisRegisterGetLargestEnclosing(m, r));
	return id < 0 || id > 15 ? 0 : (uint16_t)(1u << id);
}

static void zydis_operand(const ZydisDecodedInstruction *zi,
			  const ZydisDecodedOperand *op, struct zfacts *f)
{
	ZydisMachineMode m = zi->machine_mode;
	bool write = op->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE;

	if (op->type == ZYDIS_OPERAND_TYPE_REGISTER) {
		uint16_t g = zydis_gpr(m, op->reg.value);

		if (write)
			f->written |= g;
		if (g == 0x10)
			f->stack = true;
	} else if (op->type == ZYDIS_OPERAND_TYPE_MEMORY) {
		ZydisRegister b = op->mem.base;

		if (b == ZYDIS_REGISTER_RIP || b == ZYDIS_REGISTER_EIP)
			f->riprel = true;
		if (zydis_gpr(m, b) == 0x10 &&
		    op->mem.type != ZYDIS_MEMOP_TYPE_AGEN)
			f->stack = true;
		if (write && op->mem.type == ZYDIS_MEMOP_TYPE_MEM)
			f->memwrite = true;
	}
}

static void zydis_facts(const ZydisDecodedInstruction *zi,
			const ZydisDecodedOperand *ops, struct zfacts *f)
{
	memset(f, 0, sizeof(*f));
	for (unsigned i = 0; i < zi->operand_count; i++)
		zydis_operand(zi, &ops[i], f);
	for (unsigned i = 0; i < 2; i++) {
		const struct ZydisDecodedInstructionRawImm_ *imm;

		imm = &zi->raw.imm[i];

		if (!imm->size)
			continue;
		if (imm->is_relative) {
			f->rel_off = imm->offset;
			f->rel_len = imm->size / 8;
			continue;
		}
		if (!f->imm_len)
			f->imm_off = imm->offset;
		f->imm_len += imm->size / 8;
	}
}

/* The kind Zydis implies, or -1 for an instruction that stays in line. */
static int zydis_kind(const ZydisDecodedInstruction *zi,
		      const struct zfacts *f)
{
	switch (zi->mnemonic) {
	case ZYDIS_MNEMONIC_NOP:
		return PV_INSN_NOP;
	case ZYDIS_MNEMONIC_IRET: case ZYDIS_MNEMONIC_IRETD:
	case ZYDIS_MNEMONIC_IRETQ: case ZYDIS_MNEMONIC_SYSEXIT:
	case ZYDIS_MNEMONIC_SYSRET:
		return PV_INSN_IRET;
	case ZYDIS_MNEMONIC_VMCALL: case ZYDIS_MNEMONIC_VMMCALL:
	case ZYDIS_MNEMONIC_SYSCALL: case ZYDIS_MNEMONIC_SYSENTER:
		return PV_INSN_SYSCALL;
	case ZYDIS_MNEMONIC_XABORT: case ZYDIS_MNEMONIC_XEND:
	case ZYDIS_MNEMONIC_HLT: case ZYDIS_MNEMONIC_RSM:
	case ZYDIS_MNEMONIC_UD0: case ZYDIS_MNEMONIC_UD1:
	case ZYDIS_MNEMONIC_UD2:
		return PV_INSN_OTHER_FLOW;
	default:
		break;
	}
	if (zi->meta.branch_type == ZYDIS_BRANCH_TYPE_FAR)
		return PV_INSN_OTHER_FLOW;
	switch (zi->meta.category) {
	case ZYDIS_CATEGORY_INTERRUPT:
		return PV_INSN_INT;
	case ZYDIS_CATEGORY_RET:
		return PV_INSN_RET;
	case ZYDIS_CATEGORY_COND_BR:
		return PV_INSN_JCC_REL;
	case ZYDIS_CATEGORY_UNCOND_BR:
		return f->rel_len ? PV_INSN_JMP_REL : PV_INSN_JMP_IND;
	case ZYDIS_CATEGORY_CALL:
		return f->rel_len ? PV_INSN_CALL_REL : PV_INSN_CALL_IND;
	default:
		return -1;
	}
}

/* Our kind against Zydis's; hint nops other than 0f 1f /0 may stay
 * OTHER. */
static bool kind_mismatch(const struct pv_insn *in,
			  const ZydisDecodedInstruction *zi,
			  const struct zfacts *f)
{
	int zk = zydis_kind(zi, f);

	if (zk == PV_INSN_NOP)
		return in->kind != PV_INSN_NOP && in->kind != PV_INSN_OTHER;
	if (zk < 0)
		return in->kind != PV_INSN_OTHER;
	return in->kind != zk;
}

/* The fields both decoders report; NULL if they agree. */
static const char *field_mismatch(const struct pv_insn *in,
				  const ZydisDecodedInstruction *zi,
				  const struct zfacts *f)
{
	if (in->disp_len != zi->raw.disp.size / 8 ||
	    (in->disp_len && in->disp_off != zi->raw.disp.offset))
		return "disp";
	if (in->rel_len != f->rel_len || in->rel_off != f->rel_off)
		return "rel";
	/* 3DNow!'s trailing opcode byte is an imm8 to Zydis */
	if (in->map != PV_INSN_MAP_3DNOW &&
	    (in->imm_len != f->imm_len || in->imm_off != f->imm_off))
		return "imm";
	if (!(in->flags & PV_INSN_F_RIPREL) != !f->riprel)
		return "riprel";
	if (kind_mismatch(in, zi, f))
		return "kind";
	return NULL;
}

/* Ours may say more than Zydis, never less. */
static const char *unsound(const struct pv_insn *in, const struct zfacts *f)
{
	if (!(in->flags & PV_INSN_F_WUNKNOWN) &&
	    (f->written & ~in->regs_written))
		return "regs_written";
	if (f->memwrite && !(in->flags & PV_INSN_F_MEMWRITE))
		return "memwrite";
	/* a nop's memory operand is never accessed, even on the stack */
	if (f->stack && !(in->flags & PV_INSN_F_STACK) &&
	    in->kind != PV_INSN_NOP)
		return "stack";
	return NULL;
}

static void print_deep(const char *what, const char *where, uint64_t addr,
		       const uint8_t *p, unsigned len,
		       const struct pv_insn *in, const struct zfacts *f)
{
	printf("  %s+0x%llx:", where, (unsigned long long)addr);
	for (unsigned i = 0; i < len; i++)
		printf(" %02x", p[i]);
	printf(": %s: ours kind %u regs 0x%04x flags 0x%04x disp %u@%u "
	       "imm %u@%u rel %u@%u; zydis writes 0x%04x%s%s imm %u@%u "
	       "rel %u@%u\n",
	       what, in->kind, in->regs_written, in->flags, in->disp_len,
	       in->disp_off, in->imm_len, in->imm_off, in->rel_len,
	       in->rel_off, f->written, f->memwrite ? " mem" : "",
	       f->stack ? " stack" : "", f->imm_len, f->imm_off, f->rel_len,
	       f->rel_off);
}

/* --deep: with Zydis's operands, check our fields and our soundness. */
static void deep_check(const ZydisDecoder *z, const uint8_t *p, size_t avail,
		       const struct pv_insn *in, struct counts *c,
		       const char *where, uint64_t addr, const struct opts *o)
{
	ZydisDecodedInstruction zi;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	struct zfacts f;
	const char *what;

	if (ZYAN_FAILED(ZydisDecoderDecodeFull(z, p, avail, &zi, ops)))
		return;
	zydis_facts(&zi, ops, &f);
	what = field_mismatch(in, &zi, &f);
	if (what) {
		c->fields++;
	} else {
		what = unsound(in, &f);
		if (!what)
			return;
		c->unsound++;
	}
	if (c->fields + c->unsound <= o->max_diff && !o->quiet)
		print_deep(what, where, addr, p, zi.length, in, &f);
}

/*
 * Compares the two decoders at p; returns how far the sweep advances.
 * addr is only for the report.
 */
static size_t compare_one(const ZydisDecoder *z, int mode, const uint8_t *p,
			  size_t avail, struct counts *c, const char *where,
			  uint64_t addr, const struct opts *o)
{
	ZydisDecodedInstruction zi;
	struct pv_insn in;
	int ours = pv_insn_decode(p, avail, mode, &in);

	if (ZYAN_FAILED(ZydisDecoderDecodeInstruction(z, NULL, p, avail,
						      &zi))) {
		c->zinvalid++;
		if (ours < 0)
			c->zinv_ours++;
		else
			c->zinv_valid++;
		return 1;
	}
	c->insns++;
	if (ours == zi.length) {
		c->agree++;
		if (o->deep)
			deep_check(z, p, avail, &in, c, where, addr, o);
	} else {
		if (c->disagree < o->max_diff && !o->quiet)
			print_diff(where, addr, p, avail, ours, zi.length);
		c->disagree++;
	}
	return zi.length;
}

static void sweep(const ZydisDecoder *z, int mode, const uint8_t *buf,
		  size_t size, uint64_t addr, const char *name,
		  struct counts *c, const struct opts *o)
{
	size_t off = 0;

	while (off < size)
		off += compare_one(z, mode, buf + off, size - off, c, name,
				   addr + off, o);
}

static void print_counts(const char *name, const struct counts *c,
			 const struct opts *o)
{
	printf("%s: %lu instructions, %lu agree, %lu disagree, "
	       "%lu zydis-invalid (%lu ours-invalid / %lu ours-valid)",
	       name, c->insns, c->agree, c->disagree, c->zinvalid,
	       c->zinv_ours, c->zinv_valid);
	if (o->deep)
		printf(", %lu field-mismatch, %lu unsound", c->fields,
		       c->unsound);
	printf("\n");
}

/* Disagreements that make the run fail. */
static long failures(const struct counts *c)
{
	return (long)(c->disagree + c->fields + c->unsound);
}

/* The decoding mode of an ELF file: from its class, unless forced. */
static int elf_mode(Elf *e, const char *file, int forced)
{
	GElf_Ehdr eh;

	if (!gelf_getehdr(e, &eh)) {
		fprintf(stderr, "%s: %s: gelf_getehdr: %s\n", prog, file,
			elf_errmsg(-1));
		return -1;
	}
	if (eh.e_machine != EM_X86_64 && eh.e_machine != EM_386) {
		fprintf(stderr, "%s: %s: not an x86 ELF (machine %u)\n", prog,
			file, eh.e_machine);
		return -1;
	}
	if (forced)
		return forced;
	return gelf_getclass(e) == ELFCLASS64 ? PV_MODE_64 : PV_MODE_32;
}

/* One executable section: bounds come from libelf, which checked them
 * against the file; the sweep never reads past d_size. */
static int scan_section(Elf *e, Elf_Scn *s, size_t shstrndx,
			const char *file, int mode, struct counts *c,
			const struct opts *o)
{
	ZydisDecoder z;
	GElf_Shdr sh;
	Elf_Data *d;
	const char *name;

	if (!gelf_getshdr(s, &sh)) {
		fprintf(stderr, "%s: %s: gelf_getshdr: %s\n", prog, file,
			elf_errmsg(-1));
		return -1;
	}
	if (sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR))
		return 0;
	name = elf_strptr(e, shstrndx, sh.sh_name);
	if (!name)
		name = "?";
	d = elf_rawdata(s, NULL);
	if (!d) {
		fprintf(stderr, "%s: %s: %s: elf_rawdata: %s\n", prog, file,
			name, elf_errmsg(-1));
		return -1;
	}
	if (!d->d_buf || !d->d_size)
		return 0;
	if (d->d_size > sh.sh_size) {
		fprintf(stderr, "%s: %s: %s: data larger than section\n",
			prog, file, name);
		return -1;
	}
	init_zydis(&z, mode);
	sweep(&z, mode, d->d_buf, d->d_size, sh.sh_addr, name, c, o);
	return 0;
}

static int scan_elf(Elf *e, const char *file, const struct opts *o,
		    struct counts *c)
{
	Elf_Scn *s = NULL;
	size_t shstrndx;
	int mode = elf_mode(e, file, o->mode);

	if (mode < 0)
		return -1;
	if (elf_getshdrstrndx(e, &shstrndx)) {
		fprintf(stderr, "%s: %s: elf_getshdrstrndx: %s\n", prog, file,
			elf_errmsg(-1));
		return -1;
	}
	while ((s = elf_nextscn(e, s)))
		if (scan_section(e, s, shstrndx, file, mode, c, o))
			return -1;
	return 0;
}

/* Opens one file; returns its disagreements, or -1 for bad input. */
static long scan_file(const char *file, const struct opts *o)
{
	struct counts c = { 0 };
	int fd = open(file, O_RDONLY);
	Elf *e;
	int err = -1;

	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, file, strerror(errno));
		return -1;
	}
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e)
		fprintf(stderr, "%s: %s: elf_begin: %s\n", prog, file,
			elf_errmsg(-1));
	else if (elf_kind(e) != ELF_K_ELF)
		fprintf(stderr, "%s: %s: not an ELF file\n", prog, file);
	else
		err = scan_elf(e, file, o, &c);
	elf_end(e);
	close(fd);
	if (err)
		return -1;
	print_counts(file, &c, o);
	return failures(&c);
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A VEX/EVEX/XOP header whose map fields are mostly valid. */
static size_t gen_vex(uint8_t *b, uint64_t *s)
{
	static const uint8_t esc[] = { 0xc4, 0xc5, 0x62, 0x8f };
	static const uint8_t evex_map[] = { 1, 2, 3, 5, 6 };
	uint8_t e = esc[rnd(s) % 4];

	b[0] = e;
	if (rnd(s) % 4 == 0) /* sometimes leave the fields random */
		return 1;
	if (e == 0xc4)
		b[1] = (uint8_t)((b[1] & 0xe0) | (1 + rnd(s) % 3));
	else if (e == 0x8f)
		b[1] = (uint8_t)((b[1] & 0xe0) | (8 + rnd(s) % 3));
	else if (e == 0x62) {
		b[1] = (uint8_t)((b[1] & 0xf0) | evex_map[rnd(s) % 5]);
		b[2] |= 4;
	}
	if (rnd(s) % 2) /* outside 64-bit mode: not LES/LDS/BOUND */
		b[1] |= 0xc0;
	return 1;
}

/* Random bytes shaped like an instruction: prefixes, REX, an escape. */
static void gen(uint8_t *b, uint64_t *s, int mode)
{
	static const uint8_t pfx[] = { 0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e,
				       0x3e, 0x26, 0x64, 0x65, 0x36 };
	size_t n = 0, np = rnd(s) % 8 < 4 ? 0 : 1 + rnd(s) % 4;

	for (size_t i = 0; i < 16; i++)
		b[i] = (uint8_t)rnd(s);
	while (np--)
		b[n++] = pfx[rnd(s) % sizeof(pfx)];
	if (mode == PV_MODE_64 && rnd(s) % 3 == 0)
		b[n++] = (uint8_t)(0x40 | rnd(s) % 16);
	switch (rnd(s) % 8) {
	case 3:
		b[n++] = 0x0f;
		break;
	case 4:
	case 5:
		b[n++] = 0x0f;
		b[n++] = rnd(s) % 2 ? 0x38 : 0x3a;
		break;
	case 6:
		gen_vex(b + n, s);
		break;
	}
}

static long fuzz(const struct opts *o)
{
	int mode = o->mode ? o->mode : PV_MODE_64;
	uint64_t s = o->seed ? o->seed : 1;
	struct counts c = { 0 };
	ZydisDecoder z;
	uint8_t b[16];
	char name[32];

	init_zydis(&z, mode);
	snprintf(name, sizeof(name), "fuzz%d", mode);
	for (unsigned long i = 0; i < o->fuzz; i++) {
		gen(b, &s, mode);
		compare_one(&z, mode, b, 15, &c, name, i, o);
	}
	print_counts(name, &c, o);
	return failures(&c);
}

static unsigned long num(const char *arg)
{
	char *end;
	unsigned long v;

	if (!arg)
		usage();
	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || !*arg || *end)
		usage();
	return v;
}

static int parse(int argc, char **argv, struct opts *o)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--max-diff"))
			o->max_diff = num(argv[++i]);
		else if (!strcmp(a, "--allow"))
			o->allow = num(argv[++i]);
		else if (!strcmp(a, "--fuzz"))
			o->fuzz = num(argv[++i]);
		else if (!strcmp(a, "--seed"))
			o->seed = num(argv[++i]);
		else if (!strcmp(a, "--mode"))
			o->mode = (int)num(argv[++i]);
		else if (!strcmp(a, "--quiet"))
			o->quiet = true;
		else if (!strcmp(a, "--deep"))
			o->deep = true;
		else
			usage();
	}
	if (o->mode && o->mode != 64 && o->mode != 32 && o->mode != 16)
		usage();
	if (!o->fuzz && i == argc)
		usage();
	return i;
}

int main(int argc, char **argv)
{
	struct opts o = { .max_diff = 20 };
	unsigned long total = 0;
	int bad = 0, i = parse(argc, argv, &o);

	if (elf_version(EV_CURRENT) == EV_NONE) {
		fprintf(stderr, "%s: elf_version: %s\n", prog, elf_errmsg(-1));
		return 1;
	}
	if (o.fuzz)
		total += (unsigned long)fuzz(&o);
	for (; i < argc; i++) {
		long n = scan_file(argv[i], &o);

		if (n < 0)
			bad = 1;
		else
			total += (unsigned long)n;
	}
	return bad || total > o.allow ? 1 : 0;
}
