/* hash.c: FNV-1a hashes: the ops ABI hash stamped into site tables, and
 * the text hash that proves boot-time and offline patching agree. */
#include "patch.h"
#include "pv/errno.h"

/* Computed once: the string is constant, and hashing its 3 KiB costs some
 * 17,000 instructions, more than patching ten sites. */
uint32_t pv_ops_abi_hash(void)
{
	static const char abi[] = PV_OPS_ABI_STRING;
	static uint32_t cached;
	uint32_t h = 2166136261u;

	if (cached)
		return cached;
	for (unsigned i = 0; i < sizeof(abi) - 1; i++) {
		h ^= (uint8_t)abi[i];
		h *= 16777619u;
	}
	cached = h;
	return h;
}

int pv_text_hash(const struct pv_mem *m, uint64_t start, uint64_t end,
		 uint64_t *hash)
{
	uint64_t h = 14695981039346656037ull;

	if (end < start)
		return -PV_EINVAL;
	while (start < end) {
		uint32_t n = end - start > 4096 ? 4096 : (uint32_t)(end - start);
		const uint8_t *p = m->ptr(m->ctx, start, n);

		if (!p)
			return -PV_EFAULT;
		for (uint32_t i = 0; i < n; i++) {
			h ^= p[i];
			h *= 1099511628211ull;
		}
		start += n;
	}
	*hash = h;
	return 0;
}
