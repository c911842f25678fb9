/* ksyms.c: address to "function+0xoffset", from the symbol table that the
 * build generates after a first link (kernel/boot/ksyms.sh). */
#include "core/kernel.h"

/* 16 bytes on both word sizes (ksyms.sh pads a 32-bit name pointer). */
struct ksym {
	uint64_t addr;
	uint64_t name;
};

extern const uint64_t __ksyms_count;
extern const struct ksym __ksyms[];

/* The symbol at or below addr, inside the image's text; NULL if none. */
const char *ksym_name(uint64_t addr, uint64_t *off)
{
	uint64_t lo = 0, hi = __ksyms_count;

	if (!hi || addr < __ksyms[0].addr ||
	    addr >= (uint64_t)(uintptr_t)_etext + 4096)
		return NULL;
	while (hi - lo > 1) { /* __ksyms[lo].addr <= addr always */
		uint64_t mid = (lo + hi) / 2;

		if (__ksyms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*off = addr - __ksyms[lo].addr;
	return (const char *)(uintptr_t)__ksyms[lo].name;
}

int ksym_format(char *buf, size_t n, uint64_t addr)
{
	uint64_t off;
	const char *name = ksym_name(addr, &off);

	if (!name)
		return snprintf(buf, n, "?");
	return snprintf(buf, n, "%s+0x%llx", name, (unsigned long long)off);
}
