/* errno.h: the error numbers of the freestanding code (kernel/paravirt and
 * the kernel), equal to Linux's so tools can print them with strerror. */
#ifndef PV_ERRNO_H
#define PV_ERRNO_H
#define PV_EPERM 1
#define PV_ENOENT 2
#define PV_EIO 5
#define PV_E2BIG 7
#define PV_ENOEXEC 8
#define PV_EAGAIN 11
#define PV_ENOMEM 12
#define PV_EACCES 13
#define PV_EFAULT 14
#define PV_EBUSY 16
#define PV_EEXIST 17
#define PV_EISDIR 21
#define PV_EINVAL 22
#define PV_ENOSPC 28
#define PV_EROFS 30
#define PV_ERANGE 34
#define PV_ENOSYS 38
#define PV_ENOTEMPTY 39
#define PV_ENODATA 61
#define PV_EISCONN 106
#define PV_ENOTCONN 107
#define PV_ETIMEDOUT 110
#endif
