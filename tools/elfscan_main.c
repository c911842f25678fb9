/* elfscan_main.c: the elfscan program; everything else is in elfscan.c so
 * that tests can call elfscan_main() in-process. */
#include "elfscan.h"

int main(int argc, char **argv)
{
	return elfscan_main(argc, argv);
}
