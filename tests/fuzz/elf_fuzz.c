/* elf_fuzz.c: libFuzzer harness: each input is written to a memfd and fed
 * to elfscan (report, --linux) and pvpatch (--diff) in-process. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elfscan.h"

static char path[64];

static void call(int (*fn)(int, char **), char *a0, char *a1, char *a2)
{
	char *argv[] = {a0, a1, a2, NULL};
	int argc = a2 ? 3 : 2;
	int r = fn(argc, argv);

	if (r != 0 && r != 1)
		__builtin_trap(); /* usage errors cannot come from the input */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;

	if (fd < 0) {
		fd = memfd_create("elf-fuzz", 0);
		if (fd < 0)
			return 0;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	call(elfscan_main, "elfscan", path, NULL);
	call(elfscan_main, "elfscan", "--linux", path);
	call(pvpatch_main, "pvpatch", "--diff", path);
	return 0;
}
