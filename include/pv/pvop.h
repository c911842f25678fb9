/* pvop.h: the annotated site macros: call sites (one indirect call through
 * pv_ops, padded to PV_SITE_LEN) and native sites (sites.h), with records. */
#ifndef PV_PVOP_H
#define PV_PVOP_H

#include "pv/ops.h"
#include "pv/sites.h"

#define PV__STR2(x) #x
#define PV__STR(x) PV__STR2(x)

#ifdef __ASSEMBLER__
/*
 * PV_SITE_ASM op_name, class: an annotated site in assembly (entry code).
 * The caller is responsible for the registers of the class.
 */
.macro PV_SITE_ASM op, cls
#ifdef __i386__
7781:	call *pv_ops+PV_SLOT_\op
#else
7781:	call *pv_ops+PV_SLOT_\op(%rip)
#endif
7782:	.nops PV_SITE_LEN - (7782b - 7781b)
	.pushsection .pv_sites, "a"
	.balign 4
	.long 7781b - .
	.short PV_OP_\op
	.byte PV_SITE_LEN
	.byte \cls
	.popsection
.endm
#elif defined(__i386__)
#include "pv/pvop_32.h" /* the i386 site macros */
#else

extern struct pv_ops pv_ops;

/* The site itself: call, padding, record.  Operands: pv_slot, pv_op, pv_cls. */
#define PV__SITE                                                               \
	"7781:\n\tcall *pv_ops+%c[pv_slot](%%rip)\n7782:\n\t"                 \
	".nops " PV__STR(PV_SITE_LEN) " - (7782b - 7781b)\n\t"                \
	".pushsection .pv_sites,\"a\"\n\t.balign 4\n\t"                       \
	".long 7781b - .\n\t.short %c[pv_op]\n\t"                             \
	".byte " PV__STR(PV_SITE_LEN) "\n\t.byte %c[pv_cls]\n\t"              \
	".popsection\n"

#define PV__SITE_OPS(op, cls)                                                  \
	[pv_slot] "i"(PV_OP_##op * 8), [pv_op] "i"(PV_OP_##op),               \
		[pv_cls] "i"(cls)

/* Keeps the compiler from placing a call before its frame is set up. */
#define PV__SP register unsigned long pv__sp __asm__("rsp")

/*
 * The hidden call of a caller-save site clobbers what any SysV call may:
 * where the compiler uses SSE and x87 (a libpv program), every xmm and x87
 * register too.  The kernel is built without them.  The stack at a site is
 * only 8-byte aligned (the compiler sees no call): code a site can reach
 * is built with -mincoming-stack-boundary=3 (LIBPV_CFLAGS), the kernel
 * needs no 16-byte alignment.
 */
#ifdef __SSE__
#define PV__FP_CLOBBERS                                                        \
	, "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",      \
	"xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", \
	"st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)"
#else
#define PV__FP_CLOBBERS
#endif

/* Caller-save sites: args in rdi, rsi, rdx, rcx; all caller-saved clobbered.
 * Only the registers that carry arguments are loaded. */
#define PV__CALLER(op, ...)                                                    \
	({                                                                     \
		PV__SP;                                                        \
		unsigned long pv__ax, pv__di, pv__si, pv__dx, pv__cx;          \
		__asm__ volatile(PV__SITE                                      \
				 : "=a"(pv__ax), "=D"(pv__di), "=S"(pv__si),   \
				   "=d"(pv__dx), "=c"(pv__cx), "+r"(pv__sp)    \
				 : PV__SITE_OPS(op, PV_CLASS_CALLER)           \
					   __VA_ARGS__                         \
				 : "r8", "r9", "r10", "r11", "memory",         \
				   "cc" PV__FP_CLOBBERS);                      \
		(void)pv__di, (void)pv__si, (void)pv__dx, (void)pv__cx;        \
		pv__ax;                                                        \
	})
#define PV__A(r, v) , r((unsigned long)(v))

#define PVOP_CALL0(op) PV__CALLER(op, )
#define PVOP_CALL1(op, a) PV__CALLER(op, PV__A("D", a))
#define PVOP_CALL2(op, a, b) PV__CALLER(op, PV__A("D", a) PV__A("S", b))
#define PVOP_CALL3(op, a, b, c)                                                \
	PV__CALLER(op, PV__A("D", a) PV__A("S", b) PV__A("d", c))
#define PVOP_CALL4(op, a, b, c, d)                                             \
	PV__CALLER(op, PV__A("D", a) PV__A("S", b) PV__A("d", c) PV__A("c", d))

/* Callee-save sites: at most one arg in rdi, only rax clobbered. */
#define PVOP_CALLEE0(op)                                                       \
	({                                                                     \
		PV__SP;                                                        \
		unsigned long pv__ax;                                          \
		__asm__ volatile(PV__SITE                                      \
				 : "=a"(pv__ax), "+r"(pv__sp)                  \
				 : PV__SITE_OPS(op, PV_CLASS_CALLEE)           \
				 : "memory", "cc");                            \
		pv__ax;                                                        \
	})
#define PVOP_CALLEE1(op, a)                                                    \
	({                                                                     \
		PV__SP;                                                        \
		unsigned long pv__ax;                                          \
		__asm__ volatile(PV__SITE                                      \
				 : "=a"(pv__ax), "+r"(pv__sp)                  \
				 : "D"((unsigned long)(a)),                    \
				   PV__SITE_OPS(op, PV_CLASS_CALLEE)           \
				 : "memory", "cc");                            \
		pv__ax;                                                        \
	})

/* The stub's call site; the native site's padding prefix (cs: 64-bit mode
 * ignores it on any operand). */
#define PV__STUB_CALL "call *pv_ops+%c[pv_slot](%%rip)"
#define PV__NATIVE_PFX "0x2e"
#endif /* __ASSEMBLER__ */

#ifndef __ASSEMBLER__
/*
 * PV__NATIVE(len, stub_len, flags, native, moves, result): a native site
 * (sites.h), for both word sizes.  native is the instruction text, with
 * the asm's operands; it is assembled once in a discarded section to
 * learn its length, so that len - length PV__NATIVE_PFX prefixes can go in
 * front of it (gas cannot size a .fill by a label ahead of it).  moves put
 * the operands in the op's argument registers, result takes the call's.
 * x86-64: the asm clobbers what the op's class lets the call clobber (a
 * CALLEE op: %rax) and the argument registers it moves into, so that the
 * stub needs no saves; i386 (pvcalls_32.h): moves and result save and
 * restore them instead.  Operands: pv_slot, pv_op, pv_cls.
 * The build fails if the instruction is longer than len or len is not a
 * jmp rel32 to 15 (the x86 limit: len bytes of prefixes and instructions
 * are never more than 15 for any one of them).
 */
#define PV__NATIVE(len, stub_len, flags, native, moves, result)                \
	".pushsection .discard.pv_native,\"a\"\n7793:\n\t" native             \
	"\n7794:\n\t.popsection\n\t"                                          \
	".if (7794b - 7793b) > " len " || " len " > 15 || " len " < 5 || "     \
	len " - (7794b - 7793b) > " PV__STR(PV_PREFIX_MAX) "\n\t"               \
	".error \"native site: instruction longer than the site, site not "    \
	"5..15 bytes or more than PV_PREFIX_MAX prefixes\"\n\t.endif\n"        \
	"7791:\n\t.fill " len " - (7794b - 7793b), 1, " PV__NATIVE_PFX "\n\t"   \
	native                                                                 \
	"\n7792:\n\t.pushsection .pv_stubs,\"ax\"\n\t"                        \
	".fill " len " - (7794b - 7793b), 1, " PV__NATIVE_PFX "\n\t" native   \
	"\n7795:\n\t" moves "\n7796:\n\t" PV__STUB_CALL "\n7797:\n\t"          \
	PV__PAD(stub_len " - 6") result "\n\tjmp 7792b\n\t"                  \
	".popsection\n\t.pushsection .pv_sites,\"a\"\n\t.balign 4\n\t"        \
	".long 7791b - .\n\t.byte %c[pv_op], 7796b - 7795b, " len ", "         \
	"%c[pv_cls] | " PV__STR(PV_SITE_NATIVE) " | " flags "\n\t"             \
	".long 7796b - .\n\t.byte %c[pv_op], 0, " stub_len ", "                \
	"%c[pv_cls] | " PV__STR(PV_SITE_STUB) "\n\t.popsection\n"

/*
 * n bytes of padding exactly as pv_nops writes it (one NOP up to 11 bytes,
 * else jmp rel8 over NOPs of 11 bytes and the rest; up to 24), so that a
 * call re-patched back to the original holds the bytes it was built with.
 */
#define PV__PAD(n)                                                             \
	".if " n " <= 11\n\t.nops " n "\n\t.else\n\t"                         \
	".if " n " > 24\n\t.error \"native site: stub call too long\"\n\t"     \
	".endif\n\t.byte 0xeb, " n " - 2\n\t.nops 11\n\t.nops " n " - 13\n\t"  \
	".endif\n\t"

#endif /* __ASSEMBLER__ */
#endif /* PV_PVOP_H */
