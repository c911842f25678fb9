/* native_inline.h: the native instruction form of every op that has one, as
 * static inline functions: the bodies of the native backend and of PV=n. */
#ifndef PV_NATIVE_INLINE_H
#define PV_NATIVE_INLINE_H

#include <stdint.h>

/* Interrupt flag.  "memory" keeps the compiler from moving accesses
 * across the point where interrupts change state. */
static inline unsigned long __native_save_fl(void)
{
	unsigned long f;

	__asm__ volatile("pushf; pop %0" : "=r"(f) : : "memory");
	return f;
}

static inline void __native_restore_fl(unsigned long f)
{
	__asm__ volatile("push %0; popf" : : "g"(f) : "memory", "cc");
}

static inline void __native_irq_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

static inline void __native_irq_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

/* sti; hlt: the sti shadow makes the pair atomic against a wakeup. */
static inline void __native_safe_halt(void)
{
	__asm__ volatile("sti; hlt" : : : "memory");
}

static inline void __native_halt(void)
{
	__asm__ volatile("hlt" : : : "memory");
}

static inline void __native_cpuid(unsigned int *a, unsigned int *b,
				  unsigned int *c, unsigned int *d)
{
	__asm__ volatile("cpuid"
			 : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "0"(*a), "2"(*c)
			 : "memory");
}

#define NATIVE_CR_ACCESSORS(n)                                                 \
	static inline unsigned long __native_read_cr##n(void)                  \
	{                                                                      \
		unsigned long v;                                               \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v) : : "memory"); \
		return v;                                                      \
	}                                                                      \
	static inline void __native_write_cr##n(unsigned long v)              \
	{                                                                      \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");     \
	}
NATIVE_CR_ACCESSORS(0)
NATIVE_CR_ACCESSORS(2)
NATIVE_CR_ACCESSORS(3)
NATIVE_CR_ACCESSORS(4)
#undef NATIVE_CR_ACCESSORS

static inline unsigned long long __native_read_msr(unsigned int msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return (unsigned long long)hi << 32 | lo;
}

static inline void __native_write_msr(unsigned int msr, unsigned long long v)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

static inline unsigned long long __native_read_tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (unsigned long long)hi << 32 | lo;
}

static inline unsigned long long __native_read_tscp(unsigned int *aux)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtscp"
			 : "=a"(lo), "=d"(hi), "=c"(*aux)
			 :
			 : "memory");
	return (unsigned long long)hi << 32 | lo;
}

static inline void __native_load_gdt(const void *dtr)
{
	__asm__ volatile("lgdt (%0)" : : "r"(dtr) : "memory");
}

static inline void __native_load_idt(const void *dtr)
{
	__asm__ volatile("lidt (%0)" : : "r"(dtr) : "memory");
}

static inline void __native_load_tr(unsigned int sel)
{
	__asm__ volatile("ltr %w0" : : "r"(sel) : "memory");
}

static inline void __native_lldt(unsigned int sel)
{
	__asm__ volatile("lldt %w0" : : "r"(sel) : "memory");
}

/* Port 0x80 is the POST port: a write takes about a microsecond. */
static inline void __native_io_delay(void)
{
	__asm__ volatile("outb %%al, $0x80" : : : "memory");
}

static inline void __native_wbinvd(void)
{
	__asm__ volatile("wbinvd" : : : "memory");
}

static inline void __native_swapgs(void)
{
#ifndef __i386__ /* no swapgs outside 64-bit mode: nothing to swap */
	__asm__ volatile("swapgs" : : : "memory");
#endif
}

#ifdef __i386__
/* A PAE entry is two stores: the high half first when it is set, the low
 * half (the present bit) first when it is cleared, so that the walker
 * never sees it present with a stale half (as Linux's native_set_pte and
 * native_pte_clear on PAE).  gcc's 64-bit volatile store writes the low
 * half first. */
static inline void __native_set_entry(unsigned long long *p,
				      unsigned long long v)
{
	volatile unsigned long *w = (volatile unsigned long *)p;

	w[1] = (unsigned long)(v >> 32);
	w[0] = (unsigned long)v;
}

static inline void __native_clear_entry(unsigned long long *p)
{
	volatile unsigned long *w = (volatile unsigned long *)p;

	w[0] = 0;
	w[1] = 0;
}
#else
static inline void __native_set_entry(unsigned long long *p,
				      unsigned long long v)
{
	*(volatile unsigned long long *)p = v;
}

static inline void __native_clear_entry(unsigned long long *p)
{
	*(volatile unsigned long long *)p = 0;
}
#endif

/* A CR3 reload drops every non-global TLB entry. */
static inline void __native_flush_tlb_user(void)
{
	__native_write_cr3(__native_read_cr3());
}

/* Toggling CR4.PGE drops global entries too (SDM 4.10.4.1). */
static inline void __native_flush_tlb_kernel(void)
{
	unsigned long cr4 = __native_read_cr4();

	__native_write_cr4(cr4 ^ 0x80);
	__native_write_cr4(cr4);
}

static inline void __native_flush_tlb_one(unsigned long va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void __native_pause(void)
{
	__asm__ volatile("pause" : : : "memory");
}

/* Port I/O is not an op: it is the same on every platform we run on. */
static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}
#endif /* PV_NATIVE_INLINE_H */
