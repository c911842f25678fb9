/* layout_32.h: the i386 kernel's address space (kernel.h's other half): the
 * image and all RAM it uses at 3 GiB, as Linux i386's lowmem. */
#ifndef LAYOUT_32_H
#define LAYOUT_32_H

/* The image is linked at 3 GiB + its physical load address. */
#define KERNEL_VIRT_BASE 0xc0000000ull
/*
 * RAM is mapped once, at the image's own offset: the direct map and the
 * image are one mapping.  768 MiB of it at most, so that it ends below a
 * 32-bit Xen's HYPERVISOR_VIRT_START (0xf5800000, PAE); RAM above is left
 * unused (pmm.c).
 */
#define DIRECT_MAP_BASE KERNEL_VIRT_BASE
#define DIRECT_MAP_END (768ull << 20)
#endif /* LAYOUT_32_H */
