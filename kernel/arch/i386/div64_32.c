/* div64_32.c: the 64-bit division helpers gcc calls on i386 (libgcc's
 * names), so that the kernel links without a 32-bit libgcc. */
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);

/* Shift-and-subtract, one quotient bit per step; d == 0 gives all ones
 * (the kernel never divides by zero: callers check). */
uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0, r = 0;

	if (d >> 32 == 0 && n >> 32 == 0) { /* the common case: one divl */
		q = (uint32_t)n / (uint32_t)d;
		r = (uint32_t)n % (uint32_t)d;
	} else {
		for (int i = 63; i >= 0; i--) {
			r = r << 1 | (n >> i & 1);
			if (r >= d) {
				r -= d;
				q |= 1ull << i;
			}
		}
	}
	if (rem)
		*rem = r;
	return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
	return __udivmoddi4(n, d, 0);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
	uint64_t r;

	__udivmoddi4(n, d, &r);
	return r;
}
