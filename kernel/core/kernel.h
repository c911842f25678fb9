/* kernel.h: what every kernel file shares: layout constants, printk, the
 * string functions, panic, and the boot information the entry code fills. */
#ifndef KERNEL_H
#define KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "pv/errno.h"

#ifdef __i386__
#include "arch/i386/layout_32.h"
#else
/* The image is linked at -2 GiB + its physical load address. */
#define KERNEL_VIRT_BASE 0xffffffff80000000ull
/* All RAM is mapped here once paging_init has run (as Linux's page_offset). */
#define DIRECT_MAP_BASE 0xffff888000000000ull
#endif
#define PAGE_SIZE 4096ull
#define PAGE_MASK (~(PAGE_SIZE - 1))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define __noreturn __attribute__((noreturn))
#define __noinline __attribute__((noinline))
#define __printf(a, b) __attribute__((format(printf, a, b)))

/* Linker-script symbols (kernel/boot/kernel.lds). */
extern char _kernel_start[], _stext[], _etext[], _end[];
/* core/image.c: host pointer to len bytes of the image at addr, or NULL. */
const uint8_t *kernel_image_ptr(uint64_t addr, uint32_t len);

/* The memory map as the entry code found it: usable RAM only. */
#define BOOT_MAX_RANGES 32
#define BOOT_CMDLINE_MAX 256
struct boot_range {
	uint64_t start, end; /* physical, [start, end) */
};

struct platform;
struct boot_info {
	const struct platform *platform;
	char cmdline[BOOT_CMDLINE_MAX];
	unsigned nr_ranges;
	struct boot_range ranges[BOOT_MAX_RANGES];
	const char *error; /* set when the entry code found something wrong */
	uint64_t rsdp_pa;  /* ACPI RSDP if the entry code was told; 0: scan */
};

/* Command-line flags (cmdline.c). */
struct kernel_flags {
	int nopatch, noinline, debug, selftest, bench, fault;
	int console_loop, console_noloop; /* core/cmdloop.c */
	unsigned repatch;     /* `repatch N`: N live re-patch rounds */
	int repatch_plain;    /* repatch.plain: without the int3 protocol */
	int repatch_int3;     /* repatch.int3: the protocol even on one CPU */
};
extern struct kernel_flags kflags;
void cmdline_parse(const char *s);

/* main.c */
void kernel_main(struct boot_info *bi) __noreturn;
void kernel_finish(int pass) __noreturn;
int kernel_report(int pass); /* the closing lines */
const struct platform *kernel_platform(void);

/* printk.c */
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int snprintf(char *buf, size_t n, const char *fmt, ...) __printf(3, 4);
void printk(const char *fmt, ...) __printf(1, 2);
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;
/* Bytes of console_write's input each backend handed to its device (UART,
 * console_io, PV console ring): what the console_write selftest counts. */
extern volatile unsigned long console_out_bytes;

/* string.c (gcc may emit calls to the first four even freestanding) */
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* ksyms.c: "func+0xoff" for an address, if the image carries symbols. */
const char *ksym_name(uint64_t addr, uint64_t *off);
int ksym_format(char *buf, size_t n, uint64_t addr);
#endif /* KERNEL_H */
