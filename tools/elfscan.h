/* elfscan.h: the tools' entry points as functions, so that main(), the
 * mutation test and the fuzz harness all run the same code. */
#ifndef TOOLS_ELFSCAN_H
#define TOOLS_ELFSCAN_H

int elfscan_main(int argc, char **argv);
int pvpatch_main(int argc, char **argv);
#endif
