/* insn.h: x86 instruction length decoder, with just enough semantics for the
 * patcher: PC-relative fields, branch kinds, registers written, stack use. */
#ifndef PV_INSN_H
#define PV_INSN_H

#include <stddef.h>
#include <stdint.h>

enum pv_insn_mode { PV_MODE_64 = 64, PV_MODE_32 = 32, PV_MODE_16 = 16 };

enum pv_insn_kind {
	PV_INSN_OTHER = 0,
	PV_INSN_NOP,      /* 90, 0f 1f /0, 66 90 ... (no architectural effect) */
	PV_INSN_RET,      /* c3, c2 iw (near return) */
	PV_INSN_JMP_REL,  /* eb, e9 */
	PV_INSN_JCC_REL,  /* 7x, 0f 8x, e0-e3 (loop/jrcxz) */
	PV_INSN_CALL_REL, /* e8 */
	PV_INSN_JMP_IND,  /* ff /4, ff /5 */
	PV_INSN_CALL_IND, /* ff /2, ff /3 */
	PV_INSN_INT,      /* cc, cd, ce, f1 */
	PV_INSN_SYSCALL,  /* 0f 05, 0f 34, 0f 01 c1/d9 (vmcall/vmmcall) */
	PV_INSN_IRET,     /* cf, 0f 07 sysret, 0f 35 sysexit */
	PV_INSN_OTHER_FLOW, /* far jmp/call/ret, ud2, hlt: control leaves */
};

#define PV_INSN_F_RIPREL 0x0001   /* ModRM memory operand is RIP-relative */
#define PV_INSN_F_MODRM 0x0002
#define PV_INSN_F_LOCK 0x0004
#define PV_INSN_F_STACK 0x0008    /* touches the stack: push/pop/call/ret/enter/leave, rsp operand */
#define PV_INSN_F_WUNKNOWN 0x0010 /* regs_written is a conservative PV_REG_ALL */
#define PV_INSN_F_MEMWRITE 0x0020 /* may write memory */
#define PV_INSN_F_PRIV 0x0040     /* privileged (cli, mov crN, wrmsr, ...) */
#define PV_INSN_F_INVALID_64 0x0080 /* opcode invalid in 64-bit mode */

/* struct pv_insn.map beyond the legacy maps 0-3: the escape's map select
 * (1-3 VEX/EVEX, 5-6 EVEX, 8-10 XOP) or'ed with the escape kind. */
#define PV_INSN_MAP_VEX 0x10   /* c4, c5 */
#define PV_INSN_MAP_EVEX 0x20  /* 62 */
#define PV_INSN_MAP_XOP 0x40   /* 8f */
#define PV_INSN_MAP_3DNOW 0x80 /* 0f 0f: opcode is the trailing byte */

struct pv_insn {
	uint8_t len;        /* total length, 1..15 */
	uint8_t map;        /* 0: one-byte, 1: 0f, 2: 0f38, 3: 0f3a, 4+: VEX/EVEX maps, 0x0f0f: 3DNow! encoded as 0x80 */
	uint8_t opcode;     /* opcode byte within its map */
	uint8_t modrm;      /* valid if PV_INSN_F_MODRM */
	uint8_t rex;        /* REX byte or 0 */
	uint8_t nprefixes;  /* legacy prefixes */
	uint8_t disp_off;   /* offset of displacement, 0 if none */
	uint8_t disp_len;   /* 0, 1, 2, 4, 8 (moffs) */
	uint8_t imm_off;    /* offset of first immediate, 0 if none */
	uint8_t imm_len;    /* total immediate bytes */
	uint8_t rel_off;    /* offset of a PC-relative branch displacement, 0 if none */
	uint8_t rel_len;    /* 1, 2 or 4 */
	uint16_t flags;     /* PV_INSN_F_* */
	uint16_t regs_written; /* PV_REG_* bitmask of GPRs written (see template.h) */
	uint8_t kind;       /* enum pv_insn_kind */
	int64_t rel;        /* branch displacement (sign-extended), if rel_len */
	int32_t disp;       /* displacement (sign-extended), if disp_len <= 4 */
};

/*
 * Decodes one instruction at p (at most avail bytes readable).  Returns its
 * length (1..15), or a negative pv/errno.h value: -PV_EINVAL for an invalid or undefined
 * encoding, -PV_ENODATA when avail ends inside the instruction, -PV_E2BIG beyond 15
 * bytes.  Never reads past p + avail.
 */
int pv_insn_decode(const uint8_t *p, size_t avail, enum pv_insn_mode mode,
		   struct pv_insn *out);

/* 1 if the decoder's table of fixed-semantics opcodes is sorted, as its
 * binary search needs (a unit test checks it). */
int pv_insn_fixed_sorted(void);

/* Offset of the PC-relative 32-bit field of the instruction (RIP-relative
 * disp32 or rel32 branch), or 0 if it has none. */
static inline unsigned pv_insn_pcrel32(const struct pv_insn *in)
{
	if (in->rel_len == 4)
		return in->rel_off;
	if ((in->flags & PV_INSN_F_RIPREL) && in->disp_len == 4)
		return in->disp_off;
	return 0;
}
#endif /* PV_INSN_H */
