/* image.c: reads of the kernel's own image, [_kernel_start, _end), as the
 * patcher's target memory sees them (pvboot.c, bench/patch.c, PV=n hash). */
#include "core/kernel.h"

const uint8_t *kernel_image_ptr(uint64_t addr, uint32_t len)
{
	if (addr < (uint64_t)(uintptr_t)_kernel_start ||
	    addr > (uint64_t)(uintptr_t)_end ||
	    len > (uint64_t)(uintptr_t)_end - addr)
		return NULL;
	return (const uint8_t *)(uintptr_t)addr;
}
