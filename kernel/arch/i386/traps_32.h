/* traps_32.h: the i386 descriptor layout, trap frame and TSS (traps.h's
 * other half).  Shared code's names rip, rflags and rsp0 are aliases. */
#ifndef TRAPS_32_H
#define TRAPS_32_H

#include <stdint.h>

#define GDT_KCODE 0x08
#define GDT_KDATA 0x10
#define GDT_TSS 0x18 /* 8-byte system descriptors on i386 */
#define GDT_LDT 0x20
#define GDT_ENTRIES 5

/* As entry_32.S pushes it: pushal's GPRs, vector, error code, then the
 * CPU's frame (no esp/ss: the kernel never changes privilege). */
struct trap_frame {
	uint32_t edi, esi, ebp, esp_pushal, ebx, edx, ecx, eax;
	uint32_t vec, err;
	union {
		uint32_t eip;
		uint32_t rip; /* the name extable.c uses */
	};
	uint32_t cs;
	union {
		uint32_t eflags;
		uint32_t rflags; /* the name traps.c uses */
	};
};

struct tss32 {
	uint16_t link, pad0;
	union {
		uint32_t esp0;
		uint32_t rsp0; /* the name the load_sp0 op uses */
	};
	uint16_t ss0, pad1;
	uint32_t esp1, ss1, esp2, ss2, cr3, eip, eflags;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint16_t es, pad_es, cs, pad_cs, ss, pad_ss, ds, pad_ds;
	uint16_t fs, pad_fs, gs, pad_gs, ldt, pad_ldt;
	uint16_t trap, iomap_base;
} __attribute__((packed));

struct desc_ptr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

extern struct tss32 cpu_tss;
#endif /* TRAPS_32_H */
