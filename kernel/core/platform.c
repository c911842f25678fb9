/* platform.c: which platform are we on?  CPUID's hypervisor leaves say;
 * the answer picks the backend whose ops fill pv_ops. */
#include "core/kernel.h"
#include "core/platform.h"
#include "native/native.h"
#include "native/native_inline.h"
#include "pv/pvcalls.h"
#include "pv/template.h"
#include "xen/pvh.h"

#define CPUID_HV_PRESENT (1u << 31) /* leaf 1 ECX: running under a VMM */

static char hv_signature[13];

/* pv_ops is still empty here: use the instruction, not the op. */
static void read_signature(void)
{
	unsigned int a = 1, b, c = 0, d;

	__native_cpuid(&a, &b, &c, &d);
	if (!(c & CPUID_HV_PRESENT))
		return;
	a = 0x40000000, c = 0;
	__native_cpuid(&a, &b, &c, &d);
	memcpy(hv_signature, &b, 4);
	memcpy(hv_signature + 4, &c, 4);
	memcpy(hv_signature + 8, &d, 4);
	hv_signature[12] = 0;
}

/* The hypervisor's CPUID signature, or "" on bare metal (and QEMU TCG). */
const char *platform_hypervisor(void)
{
	return hv_signature;
}

unsigned cpu_features;

unsigned cpu_features_detect(void)
{
	unsigned int a = 0x80000000u, b, c = 0, d;

	cpu_features = 0;
	pv_cpuid(&a, &b, &c, &d);
	if (a < 0x80000001u)
		return 0;
	a = 0x80000001u, c = 0;
	pv_cpuid(&a, &b, &c, &d);
	if (d & (1u << 27))
		cpu_features |= PV_FEAT_RDTSCP;
	return cpu_features;
}

/*
 * The PVH entry runs natively and under Xen PVH: CPUID's XenVMMXenVMM
 * picks the PVH platform (start_flags: hvm_start_info's, Dom0 or not).
 * A Xen PV guest never comes this way: its own entry point picks the Xen
 * platform (issue 6).
 */
const struct platform *platform_detect(uint32_t start_flags)
{
	read_signature();
#if !defined(PV_NO_PARAVIRT) && defined(__x86_64__) /* PVH: 64-bit only */
	if (!strcmp(hv_signature, "XenVMMXenVMM"))
		return xen_pvh_detect(start_flags);
#endif
	(void)start_flags;
	return &native_platform;
}
