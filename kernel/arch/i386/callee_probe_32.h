/* callee_probe_32.h: selftest_patch.c's callee-save probe for i386: a CALLEE
 * site may change %eax and %edx only, so %ecx, %esi and %edi must survive. */
#define CALLEE_PROBE(op, di, out)                                              \
	do {                                                                   \
		PV__SP;                                                        \
		unsigned long long pv__di = (di);                              \
		__asm__ volatile("movl $0x1001, %%ecx\n\t"                    \
				 "movl $0x1003, %%esi\n\t"                     \
				 "movl $0x1004, %%edi\n" PV__SITE             \
				 "\tmovl %%ecx, 0(%[o])\n\t"                   \
				 "movl %%esi, 4(%[o])\n\t"                     \
				 "movl %%edi, 8(%[o])"                         \
				 : "+r"(pv__sp), "+A"(pv__di)                  \
				 : [o] "b"(out),                               \
				   PV__SITE_OPS(op, PV_CLASS_CALLEE)           \
				 : "ecx", "esi", "edi", "memory", "cc");       \
	} while (0)

static int regs_kept(const uint64_t *out, uint64_t di)
{
	const uint32_t *o = (const uint32_t *)out;

	(void)di; /* it went in %edx:%eax, which the site may change */
	return o[0] == 0x1001 && o[1] == 0x1003 && o[2] == 0x1004;
}
