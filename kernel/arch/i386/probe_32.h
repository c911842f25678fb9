/* probe_32.h: extable.c's fault-tolerant 64-bit read and write for i386,
 * where a 64-bit access is two 32-bit ones (included by extable.c). */

/* Returns 0, or -PV_EFAULT if either half faulted. */
int probe_read_u64(const volatile void *p, uint64_t *v)
{
	int err = 0;
	uint32_t lo = 0, hi = 0;

	__asm__ volatile("1:\tmovl (%[p]), %[lo]\n"
			 "4:\tmovl 4(%[p]), %[hi]\n"
			 "2:\n\t"
			 ".pushsection .fixup, \"ax\"\n"
			 "3:\tmovl %[efault], %[err]\n\t"
			 "jmp 2b\n\t"
			 ".popsection\n\t" EXTABLE("1b", "3b")
			 EXTABLE("4b", "3b")
			 : [lo] "+r"(lo), [hi] "+r"(hi), [err] "+r"(err)
			 : [p] "r"(p), [efault] "i"(-PV_EFAULT)
			 : "memory");
	*v = (uint64_t)hi << 32 | lo;
	return err;
}

/* Low half first: a fault names the address the caller gave. */
int probe_write_u64(volatile void *p, uint64_t v)
{
	int err = 0;

	__asm__ volatile("1:\tmovl %[lo], (%[p])\n"
			 "4:\tmovl %[hi], 4(%[p])\n"
			 "2:\n\t"
			 ".pushsection .fixup, \"ax\"\n"
			 "3:\tmovl %[efault], %[err]\n\t"
			 "jmp 2b\n\t"
			 ".popsection\n\t" EXTABLE("1b", "3b")
			 EXTABLE("4b", "3b")
			 : [err] "+r"(err)
			 : [p] "r"(p), [lo] "r"((uint32_t)v),
			   [hi] "r"((uint32_t)(v >> 32)),
			   [efault] "i"(-PV_EFAULT)
			 : "memory");
	return err;
}
