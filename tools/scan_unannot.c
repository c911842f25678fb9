/* scan_unannot.c: finds calls and jumps through pv_ops that no site macro
 * annotated, by decoding every executable section outside the sites. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "insn.h"
#include "scan.h"

#define LOOKAHEAD 6

static const char *const reg_names[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
};

static int add_unannot(struct scan *sc, uint64_t addr, unsigned op,
		       unsigned how)
{
	static const char *const what[] = {"call", "jump", "call"};

	if (sc->nun == sc->cap_un) {
		size_t cap = sc->cap_un ? 2 * sc->cap_un : 16;
		void *p = realloc(sc->un, cap * sizeof(*sc->un));

		if (!p)
			return elf_err(sc->img, NULL, "out of memory");
		sc->un = p;
		sc->cap_un = cap;
	}
	sc->un[sc->nun++] =
	    (struct scan_unannot){addr, (uint16_t)op, (uint8_t)how};
	if (sc->strict)
		scan_error(sc, addr, "unannotated %s through pv_ops.%s",
			   what[how], pv_op_name(op));
	else {
		char where[256];

		sc->warnings++;
		elf_warn(sc->img,
			 elf_where(sc->img, addr, where, sizeof(where)),
			 "unannotated %s through pv_ops.%s", what[how],
			 pv_op_name(op));
	}
	return 0;
}

/* Is in an indirect call/jmp through register reg (or a retpoline thunk
 * for it)? */
static int uses_reg(const struct scan *sc, const struct pv_insn *in,
		    uint64_t addr, unsigned reg)
{
	char thunk[40];
	const struct elf_sym *f;

	if (in->kind == PV_INSN_CALL_IND || in->kind == PV_INSN_JMP_IND)
		return (in->modrm >> 6) == 3 &&
		       ((in->modrm & 7) | (in->rex & 1) << 3) == reg;
	if (in->kind != PV_INSN_CALL_REL && in->kind != PV_INSN_JMP_REL)
		return 0;
	f = elf_func_at(sc->img, addr + in->len + (uint64_t)in->rel);
	snprintf(thunk, sizeof(thunk), "__x86_indirect_thunk_%s",
		 reg_names[reg]);
	return f && !strcmp(f->name, thunk);
}

/* After `mov pv_ops+k(%rip),%reg`: is reg called or jumped through soon? */
static int load_then_call(const struct scan *sc, const struct elf_sec *s,
			  uint64_t off, unsigned reg)
{
	int i;

	for (i = 0; i < LOOKAHEAD && off < s->sh.sh_size; i++) {
		struct pv_insn in;
		int l = pv_insn_decode(s->bytes + off, s->sh.sh_size - off,
				       pv_code_mode, &in);

		if (l <= 0)
			return 0;
		if (uses_reg(sc, &in, s->addr + off, reg))
			return 1;
		if (in.kind != PV_INSN_OTHER && in.kind != PV_INSN_NOP)
			return 0;
		off += (unsigned)l;
	}
	return 0;
}

static int classify(struct scan *sc, const struct elf_sec *s, uint64_t off,
		    const struct pv_insn *in)
{
	uint64_t addr = s->addr + off, t;
	unsigned op, reg, w = pv_ptr_bytes();

	if (!pv_insn_abs_addr(in, addr, &t) || t < sc->pv_ops ||
	    t >= sc->pv_ops + (uint64_t)w * PV_NR_OPS || (t - sc->pv_ops) % w)
		return 0;
	op = (unsigned)((t - sc->pv_ops) / w);
	if (in->kind == PV_INSN_CALL_IND)
		return add_unannot(sc, addr, op, 0);
	if (in->kind == PV_INSN_JMP_IND)
		return add_unannot(sc, addr, op, 1);
	if (in->map != 0 || in->opcode != 0x8b ||
	    (pv_code_mode == PV_MODE_64 && !(in->rex & 8)))
		return 0;
	reg = ((in->modrm >> 3) & 7) | (in->rex & 4) << 1;
	if (load_then_call(sc, s, off + in->len, reg))
		return add_unannot(sc, addr, op, 2);
	return 0;
}

/* Linear sweep of one section, stepping over the annotated sites. */
static int sweep(struct scan *sc, const struct elf_sec *s)
{
	uint64_t off = 0;
	size_t j = 0;

	while (off < s->sh.sh_size) {
		uint64_t a = s->addr + off;
		struct pv_insn in;
		int l;

		while (j < sc->nsites &&
		       sc->sites[j].addr + sc->sites[j].len <= a)
			j++;
		if (j < sc->nsites && sc->sites[j].addr <= a) {
			off = sc->sites[j].addr + sc->sites[j].len - s->addr;
			continue;
		}
		l = pv_insn_decode(s->bytes + off, s->sh.sh_size - off,
				   pv_code_mode, &in);
		if (l <= 0) {
			off++;
			continue;
		}
		if (classify(sc, s, off, &in))
			return -1;
		off += (unsigned)l;
	}
	return 0;
}

int scan_unannotated(struct scan *sc)
{
	size_t i;

	if (!sc->pv_ops)
		return 0;
	for (i = 0; i < sc->img->nalloc; i++)
		if (elf_sec_exec(sc->img->alloc[i]) &&
		    sweep(sc, sc->img->alloc[i]))
			return -1;
	return 0;
}
