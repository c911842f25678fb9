/* libpv.h: the userspace self-patching runtime: the kernel's patcher run on
 * a host program's own text, with an emulated-CPU backend. */
#ifndef LIBPV_H
#define LIBPV_H

#include "pv/pvop.h"
#include "patch.h"

#define PV_USER_NR_MSRS 64

/* The emulated CPU the userspace backend's ops act on. */
struct pv_user_cpu {
	unsigned long cr[5];
	unsigned long long msr[PV_USER_NR_MSRS];
	const void *last_dtr;
	unsigned tr, ldt_entries;
	unsigned long sp0, last_flush;
	unsigned long long clock_base, halts, console_bytes;
	char console[8192];        /* the last console bytes, wrapping */
	unsigned long console_head; /* bytes ever appended */
};

extern unsigned char pv_user_vmask; /* 1: virtual interrupts masked */
extern struct pv_user_cpu pv_user_cpu;
extern const struct pv_ops user_pv_ops;

/* libpv's state after pv_user_init: the mode its sites are in and counts. */
struct pv_user {
	struct pv_backend be;
	struct pv_patch_stats st;
	const struct pv_table_hdr *hdr;
	uint64_t table_size; /* bytes of .pv_table */
	int mode; /* -1: as built */
};

/*
 * Fills pv_ops with the userspace backend and patches every site of the
 * program to mode.  The program must have been sealed by elfscan
 * --emit-table at build time, like the kernel (-PV_ENOEXEC otherwise).  cb,
 * if not NULL, sees every decision.  Returns 0 or -PV_E*.
 */
int pv_user_init(struct pv_user *u, enum pv_patch_mode mode, pv_site_cb cb,
		 void *ctx);
/* Re-patches every site from the mode it is in to mode. */
int pv_user_repatch(struct pv_user *u, enum pv_patch_mode mode, pv_site_cb cb,
		    void *ctx);
/* The host side of the poker: mprotect around a copy. */
extern const struct pv_mem pv_user_mem;
#endif /* LIBPV_H */
