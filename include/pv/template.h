/* template.h: the replacement-template record that alt-sites/<backend>.S
 * emits and the planner reads: which op, which backend, which bytes. */
#ifndef PV_TEMPLATE_H
#define PV_TEMPLATE_H

#include "pv/sites.h"

#define PV_TEMPLATES_SECTION ".pv_templates"
#define PV_TEMPLATE_CODE_SECTION ".pv_template_code"
#define PV_TEMPLATE_MAX 32

/* GPR bits (x86 register numbers) for clobber masks. */
#define PV_REG_RAX 0x0001
#define PV_REG_RCX 0x0002
#define PV_REG_RDX 0x0004
#define PV_REG_RBX 0x0008
#define PV_REG_RSP 0x0010
#define PV_REG_RBP 0x0020
#define PV_REG_RSI 0x0040
#define PV_REG_RDI 0x0080
#define PV_REG_R8 0x0100
#define PV_REG_R9 0x0200
#define PV_REG_R10 0x0400
#define PV_REG_R11 0x0800
#define PV_REG_ALL 0xffff
/* What a site of each class lets its replacement clobber. */
#define PV_CLOBBERS_NONE 0
#define PV_CLOBBERS_CALLEE PV_REG_RAX
#define PV_CLOBBERS_CALLER                                                     \
	(PV_REG_RAX | PV_REG_RCX | PV_REG_RDX | PV_REG_RSI | PV_REG_RDI |      \
	 PV_REG_R8 | PV_REG_R9 | PV_REG_R10 | PV_REG_R11)
/* The same on i386 (regparm(3), include/pv/pvop_32.h). */
#define PV_CLOBBERS_CALLEE_32 (PV_REG_RAX | PV_REG_RDX)
#define PV_CLOBBERS_CALLER_32 (PV_REG_RAX | PV_REG_RCX | PV_REG_RDX)

/*
 * CPU features a template's bytes need (its record's features field).  The
 * planner keeps a template out of a site unless the CPU has all of them;
 * the backend's function then runs instead and must work without them.
 */
#define PV_FEAT_RDTSCP 0x0001 /* CPUID 0x80000001 EDX bit 27 */
#define PV_NR_FEATS 1
#define PV_FEAT_ALL ((1u << PV_NR_FEATS) - 1)

/*
 * The hypercall instructions a platform names for the planner's inline
 * hypercalls (struct pv_backend's hcall_insn), as C strings: Xen PV's
 * syscall; under Xen HVM/PVH vmcall on Intel, vmmcall on AMD (what Xen's
 * own hypercall page holds on each vendor); a 32-bit PV guest's int $0x82.
 */
#define PV_HCALL_INSN_SYSCALL "\x0f\x05"
#define PV_HCALL_INSN_INT82 "\xcd\x82"
#define PV_HCALL_INSN_VMCALL "\x0f\x01\xc1"
#define PV_HCALL_INSN_VMMCALL "\x0f\x01\xd9"

#ifdef __ASSEMBLER__
/*
 * PV_TEMPLATE backend_id, op_name, clobber_mask[, features] ... PV_TEMPLATE_END
 * Bytes go to .pv_template_code; the record to .pv_templates.  PC-relative
 * fields in the bytes are found by decoding them, so the record needs no
 * relocation list that could disagree with the bytes.
 */
.macro PV_TEMPLATE backend, op, clobbers, features=0
	.pushsection .pv_templates, "a"
	.balign 4
	.long 7771f - .
	.short PV_OP_\op
	.byte \backend
	.byte 7772f - 7771f
	.short \clobbers
	.short \features
	.popsection
	.pushsection .pv_template_code, "ax"
7771:
.endm
.macro PV_TEMPLATE_END
7772:
	.popsection
.endm
#else
#include <stdint.h>

/* 12 bytes, position independent like the site record. */
struct pv_template {
	int32_t code; /* template bytes minus the address of this field */
	uint16_t op;
	uint8_t backend;
	uint8_t len;
	uint16_t clobbers; /* PV_REG_* the bytes may write */
	uint16_t features; /* PV_FEAT_* the CPU must have */
};
_Static_assert(sizeof(struct pv_template) == 12, "template record is 12 bytes");
#endif
#endif /* PV_TEMPLATE_H */
