/* pvop_32.h: the i386 half of pvop.h: `call *pv_ops+4*op` (absolute; the
 * record is the same relative one), regparm(3) arguments. */
#ifndef PV_PVOP_32_H
#define PV_PVOP_32_H

/*
 * Calling convention: gcc's -mregparm=3, the whole i386 kernel's.  The
 * first three argument words go in %eax, %edx, %ecx (a 64-bit argument
 * takes two, low word first); an argument that no longer fits goes on the
 * stack, and so do all after it.  Why regparm: every op but two (cpuid,
 * set_pte_at) takes its arguments in registers, as on x86-64, so a
 * template or an inlined body reads registers and never the caller's
 * stack (the inliner refuses bodies that touch the stack), and C backends
 * need no thunk.  Stack arguments would put every site's arguments in
 * memory and make no inline replacement possible without a frame.
 *
 * Clobbers: a CALLER site %eax, %ecx, %edx (the i386 caller-saved set);
 * a CALLEE site %eax and %edx, the registers of a 64-bit result
 * (make_pte, pte_val); a NONE site nothing.
 */

extern struct pv_ops pv_ops;

#define PV__SITE                                                               \
	"7781:\n\tcall *pv_ops+%c[pv_slot]\n7782:\n\t"                        \
	".nops " PV__STR(PV_SITE_LEN) " - (7782b - 7781b)\n\t"                \
	".pushsection .pv_sites,\"a\"\n\t.balign 4\n\t"                       \
	".long 7781b - .\n\t.short %c[pv_op]\n\t"                             \
	".byte " PV__STR(PV_SITE_LEN) "\n\t.byte %c[pv_cls]\n\t"              \
	".popsection\n"

#define PV__SITE_OPS(op, cls)                                                  \
	[pv_slot] "i"(PV_OP_##op * 4), [pv_op] "i"(PV_OP_##op),               \
		[pv_cls] "i"(cls)

/* Keeps the compiler from placing a call before its frame is set up. */
#define PV__SP register unsigned long pv__sp __asm__("esp")

/* Any argument as the 64 bits of its object (low bytes first), without
 * the pointer/integer casts that would warn at one size or the other. */
#define PV32__U64(x)                                                           \
	({                                                                     \
		union {                                                        \
			__typeof__(x) v;                                       \
			unsigned long long u;                                  \
		} pv__u = { .u = 0 };                                          \
		pv__u.v = (x);                                                 \
		pv__u.u;                                                       \
	})
#define PV32__WORDS(x) (sizeof(x) > 4 ? 2 : 1)
/* Appends x's words to w[] (the argument registers in order). */
#define PV32__PUT(w, n, x)                                                     \
	do {                                                                   \
		unsigned long long pv__x = PV32__U64(x);                       \
		w[n++] = (unsigned long)pv__x;                                 \
		if (sizeof(x) > 4)                                             \
			w[n++] = (unsigned long)(pv__x >> 32);                 \
	} while (0)

/*
 * The registers of a site: "+" those its argument words fill (nw of them,
 * in order), "=" the others, which it clobbers without reading (nothing
 * to load for them).  CALLER sites have three, CALLEE sites two.
 */
#define PV32__IO0 "=a"(pv__ax), "=d"(pv__dx), "=c"(pv__cx)
#define PV32__IO1 "+a"(pv__ax), "=d"(pv__dx), "=c"(pv__cx)
#define PV32__IO2 "+a"(pv__ax), "+d"(pv__dx), "=c"(pv__cx)
#define PV32__IO3 "+a"(pv__ax), "+d"(pv__dx), "+c"(pv__cx)
#define PV32__CIO0 "=a"(pv__ax), "=d"(pv__dx)
#define PV32__CIO1 "+a"(pv__ax), "=d"(pv__dx)
#define PV32__CIO2 "+a"(pv__ax), "+d"(pv__dx)

/*
 * The site with its first nw (a literal 0..3) argument words in w[0..2]
 * (%eax, %edx, %ecx) and, pushed before it and dropped after it, stack
 * words s1 (pushed first) and s0.  Returns %edx:%eax.
 */
#define PV32__CALL(op, w, nw, push, pop, ...)                                  \
	({                                                                     \
		PV__SP;                                                        \
		unsigned long pv__ax = w[0], pv__dx = w[1], pv__cx = w[2];     \
		__asm__ volatile(push PV__SITE pop                             \
				 : PV32__IO##nw, "+r"(pv__sp)                  \
				 : PV__SITE_OPS(op, PV_CLASS_CALLER)           \
					   __VA_ARGS__                         \
				 : "memory", "cc");                            \
		(unsigned long long)pv__dx << 32 | pv__ax;                     \
	})

#define PVOP_CALL0(op)                                                         \
	({                                                                     \
		unsigned long pv__w[3] = { 0, 0, 0 };                          \
		PV32__CALL(op, pv__w, 0, "", "", );                            \
	})
#define PVOP_CALL1(op, a)                                                      \
	({                                                                     \
		unsigned long pv__w[3] = { 0, 0, 0 };                          \
		unsigned pv__n = 0;                                            \
		PV32__PUT(pv__w, pv__n, a);                                    \
		__builtin_choose_expr(PV32__WORDS(a) == 2,                     \
				      PV32__CALL(op, pv__w, 2, "", "", ),      \
				      PV32__CALL(op, pv__w, 1, "", "", ));     \
	})
#define PVOP_CALL2(op, a, b)                                                   \
	({                                                                     \
		unsigned long pv__w[3] = { 0, 0, 0 };                          \
		unsigned pv__n = 0;                                            \
		_Static_assert(PV32__WORDS(a) + PV32__WORDS(b) <= 3,           \
			       #op ": arguments do not fit the registers");    \
		PV32__PUT(pv__w, pv__n, a);                                    \
		PV32__PUT(pv__w, pv__n, b);                                    \
		__builtin_choose_expr(PV32__WORDS(a) + PV32__WORDS(b) == 3,    \
				      PV32__CALL(op, pv__w, 3, "", "", ),      \
				      PV32__CALL(op, pv__w, 2, "", "", ));     \
	})
/* Three arguments: the one op that has them (set_pte_at: va, ptep and a
 * 64-bit value) passes the value on the stack, as regparm(3) does. */
#define PVOP_CALL3(op, a, b, c)                                                \
	({                                                                     \
		unsigned long pv__w[3] = { 0, 0, 0 };                          \
		unsigned pv__n = 0;                                            \
		unsigned long long pv__c = (c);                                \
		_Static_assert(sizeof(a) == 4 && sizeof(b) == 4 &&             \
				       sizeof(c) == 8,                         \
			       #op ": only (word, word, 64-bit)");              \
		PV32__PUT(pv__w, pv__n, a);                                    \
		PV32__PUT(pv__w, pv__n, b);                                    \
		PV32__CALL(op, pv__w, 2, "pushl %[s1]\n\tpushl %[s0]\n",       \
			   "\taddl $8, %%esp\n",                               \
			   , [s0] "r"((unsigned long)pv__c),                   \
			   [s1] "r"((unsigned long)(pv__c >> 32)));            \
	})
/* Four word arguments (cpuid): the fourth on the stack. */
#define PVOP_CALL4(op, a, b, c, d)                                             \
	({                                                                     \
		unsigned long pv__w[3] = { 0, 0, 0 };                          \
		unsigned pv__n = 0;                                            \
		_Static_assert(sizeof(a) == 4 && sizeof(b) == 4 &&             \
				       sizeof(c) == 4 && sizeof(d) == 4,       \
			       #op ": only four words are supported");         \
		PV32__PUT(pv__w, pv__n, a);                                    \
		PV32__PUT(pv__w, pv__n, b);                                    \
		PV32__PUT(pv__w, pv__n, c);                                    \
		PV32__CALL(op, pv__w, 3, "pushl %[s0]\n",                      \
			   "\taddl $4, %%esp\n", ,                              \
			   [s0] "r"((unsigned long)PV32__U64(d)));              \
	})

/* Callee-save sites: at most one argument (two words), %eax and %edx
 * clobbered, the result in %edx:%eax. */
#define PV32__CALLEE(op, nw, lo, hi)                                           \
	({                                                                     \
		PV__SP;                                                        \
		unsigned long pv__ax = (lo), pv__dx = (hi);                    \
		__asm__ volatile(PV__SITE                                      \
				 : PV32__CIO##nw, "+r"(pv__sp)                 \
				 : PV__SITE_OPS(op, PV_CLASS_CALLEE)           \
				 : "memory", "cc");                            \
		(unsigned long long)pv__dx << 32 | pv__ax;                     \
	})
#define PVOP_CALLEE0(op) PV32__CALLEE(op, 0, 0, 0)
#define PVOP_CALLEE1(op, a)                                                    \
	({                                                                     \
		unsigned long long pv__a = PV32__U64(a);                       \
		__builtin_choose_expr(                                         \
			PV32__WORDS(a) == 2,                                   \
			PV32__CALLEE(op, 2, (unsigned long)pv__a,              \
				     (unsigned long)(pv__a >> 32)),            \
			PV32__CALLEE(op, 1, (unsigned long)pv__a, 0));         \
	})

/*
 * Native sites (PV__NATIVE in pvop.h): the stub's call is absolute, and
 * the padding prefix is the one of the instruction's own segment.  A cs
 * override, which 64-bit mode ignores, would make a store in 32-bit mode
 * write through the code segment (#GP, SDM MOV); ds is the default of
 * every operand but one based on %ebp or %esp, whose default is ss.  Each
 * native site sets .Lpv_pfx first (PV32__PFX_DS or PV32__PFX_BASE).
 */
#define PV__STUB_CALL "call *pv_ops+%c[pv_slot]"
#define PV__NATIVE_PFX ".Lpv_pfx"
#define PV32__PFX_DS ".set .Lpv_pfx, 0x3e\n\t"
#define PV32__PFX_BASE(base)                                                   \
	".ifc " base ",%%ebp\n\t.set .Lpv_pfx, 0x36\n\t.else\n\t"             \
	".set .Lpv_pfx, 0x3e\n\t.endif\n\t"
#endif /* PV_PVOP_32_H */
