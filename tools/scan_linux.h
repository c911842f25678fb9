/* scan_linux.h: elfscan --linux, a report on the patch-site sections of a
 * Linux x86-64 vmlinux (paravirt, alternatives, static calls, jump labels). */
#ifndef TOOLS_SCAN_LINUX_H
#define TOOLS_SCAN_LINUX_H

/* Returns the exit status: 0, or 1 after an error line. */
int linux_scan(const char *path, const char *sysmap, int json);
#endif
