/* pvpatch_main.c: the pvpatch program; everything else is in pvpatch.c so
 * that tests can call pvpatch_main() in-process. */
#include "elfscan.h"

int main(int argc, char **argv)
{
	return pvpatch_main(argc, argv);
}
